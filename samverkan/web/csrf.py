"""Cross-site request forgery protection for the pages (the API takes no cookies, so it needs none).

A request that changes something (any method but GET, HEAD, OPTIONS) must pass two checks:

1. **Origin.** Its ``Origin`` must be the service's own: the origin of ``SAMVERKAN_BASE_URL`` or of
   the request itself (scheme and ``Host``, which a browser sets and a page elsewhere cannot). A
   browser that sends no ``Origin`` must not say ``Sec-Fetch-Site: cross-site``.
2. **Token.** It must send the page's token, as the form field ``_csrf_token`` or the
   ``x-csrftoken`` header (htmx). With a session cookie the token is an HMAC of that cookie with
   ``SAMVERKAN_SECRET_KEY``, so a token obtained in another session (an anonymous visit, another
   user) never passes with it. Without one (the login form) it is the double-submit pair: a signed
   random token in the ``csrftoken`` cookie, sent back in the form.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any
from urllib.parse import urlsplit

from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from samverkan.errors import Forbidden
from samverkan.settings import Settings
from samverkan.web.auth import SESSION_COOKIE

COOKIE = "csrftoken"
FIELD = "_csrf_token"
HEADER = "x-csrftoken"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The API authenticates with bearer tokens only; the feed and health answer GETs only. The SAML
# identity provider posts its answer from its own site: the answer's signature, its InResponseTo
# (a request of ours, used once) and its one-time assertion id protect that endpoint instead.
EXCLUDED = ("/api/", "/health", "/schema", "/calendar/", "/static/", "/saml/acs")
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
FAILED = "CSRF token verification failed"  # web/errors.py shows "Formuläret hade gått ut…" for it
CROSS_SITE = "Förfrågan kom från en annan webbplats och togs inte emot."


def _sign(secret: str, purpose: str, value: str) -> str:
    return hmac.new(secret.encode(), f"{purpose}\0{value}".encode(), hashlib.sha256).hexdigest()


def session_token(secret: str, session_key: str) -> str:
    """The token of every page shown with this session cookie."""
    return _sign(secret, "csrf-session", session_key)


def _anonymous_token(secret: str) -> str:
    nonce = secrets.token_hex(32)
    return nonce + _sign(secret, "csrf-anonymous", nonce)


def _valid_anonymous(secret: str, token: str) -> bool:
    nonce, signature = token[:64], token[64:]
    return len(nonce) == 64 and hmac.compare_digest(signature, _sign(secret, "csrf-anonymous", nonce))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class CsrfMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    @staticmethod
    def should_bypass_for_scope(scope: Scope) -> bool:
        return scope["path"].startswith(EXCLUDED)

    def __init__(self, settings: Settings) -> None:
        self.secret = settings.secret_key
        self.cookie_secure = settings.cookie_secure
        self.origin = _origin(settings.base_url)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        request: Any = scope["litestar_app"].request_class(scope=scope, receive=receive)
        session = request.cookies.get(SESSION_COOKIE)
        cookie = request.cookies.get(COOKIE)
        anonymous = cookie if cookie and _valid_anonymous(self.secret, cookie) else None
        expected = session_token(self.secret, session) if session else anonymous
        state = ScopeState.from_scope(scope)
        if request.method in SAFE_METHODS:
            if expected is None:
                expected = _anonymous_token(self.secret)
                send = self._setting_cookie(send, expected)
            state.csrf_token = expected
            await next_app(scope, receive, send)
            return
        self._check_origin(request)
        sent = request.headers.get(HEADER)
        if not sent and request.headers.get("content-type", "").lower().startswith(_FORMS):
            sent = (await request.form()).get(FIELD)
        if not isinstance(sent, str) or expected is None or not hmac.compare_digest(sent.encode(), expected.encode()):
            raise PermissionDeniedException(FAILED)
        state.csrf_token = expected  # a form drawn again (422) carries the same token
        await next_app(scope, receive, send)

    def _check_origin(self, request: Any) -> None:
        origin = request.headers.get("origin")
        if origin is None:
            if request.headers.get("sec-fetch-site", "").lower() == "cross-site":
                raise Forbidden(CROSS_SITE)
            return
        own = {self.origin, f"{request.scope['scheme']}://{request.headers.get('host', '')}".lower()}
        if origin.strip().lower() not in own:  # "null" (a sandboxed frame, a file) is no origin of ours
            raise Forbidden(CROSS_SITE)

    def _setting_cookie(self, send: Send, token: str) -> Send:
        cookie = Cookie(key=COOKIE, value=token, path="/", secure=self.cookie_secure, httponly=True, samesite="lax")

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableScopeHeaders.from_message(message).add("set-cookie", cookie.to_header(header=""))
            await send(message)

        return send_with_cookie
