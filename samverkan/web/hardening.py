"""What every request gets, whatever its handler:

- the client's address: the connecting one, or, only when that is one of
  ``SAMVERKAN_TRUSTED_PROXIES``, the rightmost address of ``X-Forwarded-For`` that is not a trusted
  proxy (the ones to its left could be written by the client itself);
- a NUL character anywhere in the path, the query or a JSON/form body is refused with 400:
  PostgreSQL cannot store one in text, so it would otherwise surface as a 500 deep in a query;
- protective response headers: a Content-Security-Policy that allows only our own scripts and
  styles (no inline script: an injected ``<script>`` or ``onclick`` does not run), no framing
  (clickjacking), no MIME sniffing, no referrer to other sites, HSTS when cookies are HTTPS-only,
  and pages are not cached (they show signed-in data, and once an API token).
"""

from __future__ import annotations

import ipaddress
import re
from typing import Awaitable, Callable

from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from samverkan.errors import Invalid
from samverkan.settings import Settings

# "\u0000" in JSON, unless the backslash is itself escaped ("\\u0000" is harmless text).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
_INSPECTED = (b"application/json", b"application/x-www-form-urlencoded")
_MAX_INSPECTED = 10 * 1024 * 1024  # Litestar refuses larger bodies itself

NUL_MESSAGE = "Texten innehåller ett otillåtet tecken (NUL)."

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# Litestar's OpenAPI viewers under /schema load their scripts from a CDN; they get only the framing rule.
_SCHEMA_CSP = "frame-ancestors 'none'"
HSTS = "max-age=31536000; includeSubDomains"
_HEADERS = [
    (b"x-frame-options", b"DENY"),
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


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(peer: str, forwarded_for: list[str], proxies: tuple[Network, ...]) -> str:
    """The client behind the trusted proxies: walk X-Forwarded-For from the right (each proxy
    appends the address it received from) and stop at the first address that is not a trusted proxy."""
    if not _trusted(peer, proxies):
        return peer
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            return hop
    return hops[0] if hops else peer


def _forwarded(scope: Scope, proxies: tuple[Network, ...]) -> None:
    """Put the real client (and the scheme the proxy was reached by) into the scope."""
    client = scope.get("client")
    if not proxies or not client or not _trusted(client[0], proxies):
        return
    headers = scope["headers"]
    address = client_address(client[0], [v.decode("latin-1") for k, v in headers if k == b"x-forwarded-for"], proxies)
    scope["client"] = (address[:64], 0)
    proto = [v.decode("latin-1").split(",")[-1].strip().lower() for k, v in headers if k == b"x-forwarded-proto"]
    if proto and proto[-1] in ("http", "https"):
        scope["scheme"] = proto[-1]


class HardeningMiddleware(ASGIMiddleware):
    def __init__(self, settings: Settings) -> None:
        self.proxies = settings.trusted_proxies

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        _forwarded(scope, self.proxies)
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
        await next_app(scope, receive, send)


def protective_headers(settings: Settings) -> Callable[[Message, Scope], Awaitable[None]]:
    """A before-send hook, so that every answer has them, also a 404 or 405 from the router."""
    common = _HEADERS + ([(b"strict-transport-security", HSTS.encode())] if settings.cookie_secure else [])

    async def add(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        path = scope.get("path", "")
        csp = (_SCHEMA_CSP if path.startswith("/schema") else CSP).encode()
        headers = list(message.get("headers", []))
        present = {k.lower() for k, _ in headers}
        headers += [(k, v) for k, v in [*common, (b"content-security-policy", csp)] if k not in present]
        if not path.startswith(("/static/", "/api/", "/schema")) and b"cache-control" not in present:
            headers.append((b"cache-control", b"no-store"))
        message["headers"] = headers

    return add

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
