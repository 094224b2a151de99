"""JSON API of actions decided on agenda items under /api/v1."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get, patch, post
from litestar.params import JSONBody, QueryParameter

from samverkan.accounts.access import EMPLOYER, SIGNED_IN
from samverkan.actions import schemas as s
from samverkan.actions import service
from samverkan.pagination import Page, PageRequest
from samverkan.web.openapi import errors
from samverkan.web.params import Limit, Offset, RecordId

# "state" is a name Litestar reserves for handler arguments; the query parameter keeps it.
State = Annotated[s.State | None, QueryParameter(name="state", description="open, done, overdue (open and past due) or struck.")]


class ActionController(Controller):
    path = "/"
    tags = ["Actions"]

    @post("/meetings/{id:int}/agenda/{item_id:int}/actions", guards=[EMPLOYER], status_code=201,
          summary="Decide an action on an agenda item", responses=errors(403, 404, 413))
    async def create_action(self, request: Request, id: RecordId, item_id: RecordId, data: JSONBody[s.MeetingActionCreate]) -> s.MeetingAction:
        """Records who does what by when; the last day is a deadline (rule AGR-ACTION) reminded to the
        responsible person and followed up at the group's next meeting.
        Who: admin and hr; a department user for its own department's meetings."""
        return await service.create_action(request.user, id, item_id, data)

    @get("/meetings/{id:int}/actions", guards=[SIGNED_IN], summary="The actions decided at a meeting", responses=errors(404))
    async def meeting_actions(self, request: Request, id: RecordId, limit: Limit = 50, offset: Offset = 0) -> Page[s.MeetingAction]:
        """Who: every signed-in role that sees the meeting (items about hidden matters left out)."""
        return await service.list_actions(request.user, meeting_id=id, page=PageRequest(limit, offset))

    @get("/actions/{id:int}", guards=[SIGNED_IN], summary="Get one action", responses=errors(404))
    async def get_action(self, request: Request, id: RecordId) -> s.MeetingAction:
        """Who: every signed-in role that sees the action's meeting and item."""
        return await service.get_action(request.user, id)

    @patch("/actions/{id:int}", guards=[EMPLOYER], summary="Change an action: done, struck or reopened",
           responses=errors(403, 404, 409, 413))
    async def update_action(self, request: Request, id: RecordId, data: JSONBody[s.MeetingActionUpdate]) -> s.MeetingAction:
        """Done with `status: done` and `done_on`; struck with `status: struck` and `reason`. With `version`,
        refused (409) if the action changed since.
        Who: admin and hr; a department user for its own department's meetings."""
        return await service.update_action(request.user, id, data)

    @get("/groups/{id:int}/actions", guards=[SIGNED_IN], summary="A group's actions", responses=errors(404))
    async def group_actions(self, request: Request, id: RecordId, action_state: State = None,
                            limit: Limit = 50, offset: Offset = 0) -> Page[s.MeetingAction]:
        """The actions decided at the group's meetings, by last day. Filter `state`: open, done, overdue, struck.
        Who: every signed-in role, for the meetings it sees."""
        return await service.list_actions(request.user, group_id=id, state=action_state, page=PageRequest(limit, offset))


ACTION_API = [ActionController]
