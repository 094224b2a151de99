"""Notifications and the outbox under /api/v1."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, Request, get, post
from litestar.params import FromQuery, QueryParameter

from samverkan.accounts.access import ADMIN, SIGNED_IN
from samverkan.pagination import Page, PageRequest
from samverkan.reminders import schemas as s
from samverkan.reminders import service
from samverkan.web.openapi import errors
from samverkan.web.params import Limit, Offset, RecordId

OutboxState = Annotated[Literal["pending", "sending", "sent", "failed", "cancelled"] | None, QueryParameter(name="state")]


class ReminderController(Controller):
    tags = ["Reminders"]

    @get("/notifications", guards=[SIGNED_IN], summary="My notifications", responses=errors())
    async def list_notifications(self, request: Request, unread: FromQuery[bool] = False, limit: Limit = 50,
                                 offset: Offset = 0) -> Page[s.Notification]:
        """The caller's own notifications, newest first; `unread=true` lists only the unread.
        Who: every signed-in role, own notifications only."""
        return await service.notifications(request.user, unread, PageRequest(limit, offset))

    @post("/notifications/{id:int}/read", guards=[SIGNED_IN], status_code=204, summary="Mark a notification read",
          responses=errors(404))
    async def read_notification(self, request: Request, id: RecordId) -> None:
        """Someone else's notification, or one that does not exist, is 404.
        Who: every signed-in role, own notifications only."""
        await service.mark_read(request.user, id)

    @get("/outbox", guards=[ADMIN], summary="The outbox: every planned e-mail", responses=errors(403))
    async def list_outbox(self, request: Request, state_: OutboxState = None, limit: Limit = 50, offset: Offset = 0) -> Page[s.OutboxMessage]:
        """Every e-mail the service has planned, newest first; `state=failed` lists what needs attention.
        Who: admin."""
        return await service.outbox(request.user, state_, PageRequest(limit, offset))

    @post("/outbox/{id:int}/retry", guards=[ADMIN], status_code=200, summary="Send a failed e-mail again",
          responses=errors(403, 404, 409))
    async def retry(self, request: Request, id: RecordId) -> s.OutboxMessage:
        """Puts a `failed` or `pending` message back in the queue with its attempts at 0 (409 on `state`
        otherwise). Who: admin."""
        return await service.retry(request.user, id)
