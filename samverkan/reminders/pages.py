"""Pages: the signed-in user's notifications, and the outbox for administrators."""

from __future__ import annotations

from typing import Literal

from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from samverkan.accounts.access import ADMIN, SIGNED_IN
from samverkan.errors import ServiceError
from samverkan.pagination import PageRequest
from samverkan.reminders import service
from samverkan.reminders.texts import kind_label
from samverkan.web.params import PageNumber, RecordId

PAGE_SIZE = 50
STATE_LABELS = {"pending": "Väntar", "sending": "Skickas", "sent": "Skickat", "failed": "Misslyckat", "cancelled": "Inte skickat (fristen stängd)"}


def _pages(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


@get("/notiser", guards=[SIGNED_IN], name="notifications")
async def notifications_page(request: Request, sida: PageNumber = 1) -> Template:
    page = await service.notifications(request.user, page=PageRequest(PAGE_SIZE, (sida - 1) * PAGE_SIZE))
    return Template("reminders/notifications.html", context={"page": page, "sida": sida, "pages": _pages(page.total)})


@post("/notiser/las", guards=[SIGNED_IN], name="notifications-read")
async def mark_all_read(request: Request) -> Redirect:
    await service.mark_read(request.user)
    return Redirect("/notiser")


async def _outbox(request: Request, status: str | None, sida: int, message: str | None = None, status_code: int = 200) -> Template:
    page = await service.outbox(request.user, status, PageRequest(PAGE_SIZE, (sida - 1) * PAGE_SIZE))
    return Template("reminders/outbox.html", status_code=status_code, context={
        "page": page, "sida": sida, "pages": _pages(page.total), "status": status or "", "counts": await service.outbox_counts(request.user),
        "states": STATE_LABELS, "kind_label": kind_label, "last": await service.last_sweep(), "message": message,
    })


@get("/utkorg", guards=[ADMIN], name="outbox")
async def outbox_page(request: Request, status: FromQuery[Literal["pending", "sending", "sent", "failed", "cancelled"] | None] = None,
                      sida: PageNumber = 1) -> Template:
    return await _outbox(request, status, sida)


@post("/utkorg/{id:int}/forsok-igen", guards=[ADMIN], name="outbox-retry")
async def retry(request: Request, id: RecordId) -> Redirect | Template:
    try:
        await service.retry(request.user, id)
    except ServiceError as exc:
        if exc.status_code == 404:
            raise
        return await _outbox(request, None, 1, exc.detail, status_code=409)
    return Redirect("/utkorg?status=pending")


ROUTES = [notifications_page, mark_all_read, outbox_page, retry]
