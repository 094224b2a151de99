"""What every page's header shows besides the page itself: the signed-in user's unread
notifications, and a warning when no sweep has finished for ten minutes (reminders would then
be silently late, which must never go unnoticed); administrators are also warned of the last
sweep's error and of messages and deadlines that keep failing."""

from __future__ import annotations

import re
import time

from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from samverkan.accounts import rights
from samverkan.database import read_ahead
from samverkan.reminders import service as reminders

_CHECK_SECONDS = 30  # the sweep record is read at most this often per instance
_checked: tuple[float, dict] = (0.0, {})


async def _sweep_status() -> dict:
    """Whether the sweep is stale, its last error and the failing counts, cached for a while."""
    global _checked
    checked, status = _checked
    if time.monotonic() - checked > _CHECK_SECONDS:
        last = await reminders.last_sweep()
        status = {"sweep_stale": reminders.is_stale(last), "sweep_error": (last or {}).get("last_error") or "",
                  **await reminders.failing_counts()}
        _checked = (time.monotonic(), status)
    return status


# A route's opt: (viewer, path parameters) → the database.Read the page makes first.
READS_WITH_HEADER = "reads_with_header"

_NOT_PAGES = re.compile(r"^/(static|api|calendar)/|^/health$|^/schema")


class PageStatusMiddleware(ASGIMiddleware):
    # By request path, not handler path: the API's handlers live under a router.
    should_bypass_for_scope = staticmethod(lambda scope: _NOT_PAGES.match(scope["path"]) is not None)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        viewer = scope.get("user")
        headers = dict(scope["headers"])
        # A boosted link (hx-boost) gets a whole page with its header; other htmx requests get fragments.
        is_full_page = scope.get("method") == "GET" and (b"hx-request" not in headers or b"hx-boosted" in headers)
        if viewer is None or not is_full_page:
            await next_app(scope, receive, send)
            return
        status = await _sweep_status()
        # The page's own first reads, if it names them, go with the header's in one statement.
        page_reads = scope["route_handler"].opt.get(READS_WITH_HEADER)
        async with read_ahead([reminders.unread_read(viewer), *(page_reads(viewer, scope["path_params"]) if page_reads else [])]):
            scope["page_status"] = {"unread": await reminders.unread_count(viewer), "sweep_stale": status["sweep_stale"],
                                    # The errors can name a mail server or a deadline: administrators only.
                                    **({k: status[k] for k in ("sweep_error", "outbox_failing", "deadlines_failing")}
                                       if rights.is_admin(viewer) else {})}
            await next_app(scope, receive, send)
