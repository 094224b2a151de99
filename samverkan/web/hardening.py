"""Two things every request gets, whatever its handler:

- a NUL character anywhere in the path, the query or a JSON/form body is refused with 400:
  PostgreSQL cannot store one in text, so it would otherwise surface as a 500 deep in a query;
- protective response headers: no framing (clickjacking), no MIME sniffing, no referrer to other
  sites, and pages are not cached (they show signed-in data, and once an API token).
"""

from __future__ import annotations

import re

from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from samverkan.errors import Invalid

# "\u0000" in JSON, unless the backslash is itself escaped ("\\u0000" is harmless text).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
_INSPECTED = (b"application/json", b"application/x-www-form-urlencoded")
_MAX_INSPECTED = 10 * 1024 * 1024  # Litestar refuses larger bodies itself

NUL_MESSAGE = "Texten innehåller ett otillåtet tecken (NUL)."

_HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]


def _header(scope: Scope, name: bytes) -> bytes:
    return next((v for k, v in scope["headers"] if k == name), b"")


def _nul_in_body(body: bytes, content_type: bytes) -> bool:
    if b"\x00" in body:
        return True
    if content_type.startswith(b"application/json"):
        return bool(_JSON_NUL.search(body))
    return b"%00" in body


class HardeningMiddleware(ASGIMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        query = scope.get("query_string", b"")
        if "\x00" in scope["path"] or b"\x00" in query or b"%00" in query:
            raise Invalid(NUL_MESSAGE)
        content_type = _header(scope, b"content-type").lower()
        length = _header(scope, b"content-length")
        if content_type.startswith(_INSPECTED) and (not length.isdigit() or int(length) <= _MAX_INSPECTED):
            body = await _read_body(receive)
            if _nul_in_body(body, content_type):
                raise Invalid(NUL_MESSAGE)
            receive = _replay(body, receive)
        page = not scope["path"].startswith(("/static/", "/api/", "/schema"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in _HEADERS if k not in present]
                if page and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await next_app(scope, receive, send_with_headers)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive() that hands the app the body we already read, then the rest of the stream."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
