"""What every page's header shows besides the page itself: the signed-in user's unread
notifications, and a warning when no sweep has finished for ten minutes (reminders would then
be silently late, which must never go unnoticed)."""

from __future__ import annotations

import re
import time

from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from samverkan.reminders import service as reminders

_STALE_CHECK_SECONDS = 30  # the sweep record is read at most this often per instance
_stale: tuple[float, bool] = (0.0, False)


async def _sweep_is_stale() -> bool:
    global _stale
    checked, stale = _stale
    if time.monotonic() - checked > _STALE_CHECK_SECONDS:
        stale = await reminders.sweep_is_stale()
        _stale = (time.monotonic(), stale)
    return stale


_NOT_PAGES = re.compile(r"^/(static|api|calendar)/|^/health$|^/schema")


class PageStatusMiddleware(ASGIMiddleware):
    # By request path, not handler path: the API's handlers live under a router.
    should_bypass_for_scope = staticmethod(lambda scope: _NOT_PAGES.match(scope["path"]) is not None)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        viewer = scope.get("user")
        headers = dict(scope["headers"])
        # A boosted link (hx-boost) gets a whole page with its header; other htmx requests get fragments.
        is_full_page = scope.get("method") == "GET" and (b"hx-request" not in headers or b"hx-boosted" in headers)
        if viewer is not None and is_full_page:
            scope["page_status"] = {"unread": await reminders.unread_count(viewer), "sweep_stale": await _sweep_is_stale()}
        await next_app(scope, receive, send)
