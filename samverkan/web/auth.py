"""Resolve the caller before routing: a bearer token under /api, a session cookie elsewhere.

The API takes no cookies, so it needs no CSRF protection; pages take no tokens.
"""

from __future__ import annotations

from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from samverkan.accounts import service
from samverkan.accounts.viewer_cache import ViewerCache
from samverkan.audit import service as audit

SESSION_COOKIE = "samverkan_session"
API_PREFIX = "/api/"


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return ""


def _cookie(scope: Scope, name: str) -> str:
    for part in _header(scope, b"cookie").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return ""


class AuthenticationMiddleware(ASGIMiddleware):
    def __init__(self, viewers: ViewerCache | None = None) -> None:
        self.viewers = viewers  # callers kept between requests (accounts.viewer_cache)

    @staticmethod
    def should_bypass_for_scope(scope: Scope) -> bool:
        # (exclude_path_pattern warns on the static router's mount path, an error under pytest)
        return scope["path"].startswith("/static/")

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        viewer = None
        if scope["path"].startswith(API_PREFIX):
            scheme, _, token = _header(scope, b"authorization").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                viewer = await service.viewer_from_token(token.strip(), self.viewers)
        else:
            key = _cookie(scope, SESSION_COOKIE)
            if key:
                viewer = await service.viewer_from_session(key, self.viewers)
        scope["user"] = viewer
        audit.ACTOR.set(viewer)  # whoever causes a change is in its audit entry
        scope["auth"] = viewer.via if viewer else None
        await next_app(scope, receive, send)
