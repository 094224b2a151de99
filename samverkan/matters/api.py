"""JSON API of matters and events under /api/v1. Scoping happens in the service's queries."""

from __future__ import annotations

from typing import Literal

from litestar import Controller, Request, delete, get, patch, post
from litestar.params import FromQuery, JSONBody

from samverkan.accounts.access import EMPLOYER, SIGNED_IN
from samverkan.matters import schemas as s
from samverkan.matters import service
from samverkan.pagination import Page, PageRequest
from samverkan.web.openapi import errors
from samverkan.web.params import After, FilterId, Limit, Offset, RecordId, SearchText

Status = Literal["open", "on_hold", "closed", "decided"]


class MatterController(Controller):
    path = "/matters"
    tags = ["Matters"]

    @get(guards=[SIGNED_IN], summary="List matters (ärenden)", responses=errors())
    async def list_matters(
        self, request: Request, q: SearchText = None, kind: FromQuery[s.MatterKind | None] = None,
        department_id: FilterId = None, union_id: FilterId = None,
        status: FromQuery[Status | None] = None, limit: Limit = 50, offset: Offset = 0, after: After = None,
    ) -> Page[s.Matter]:
        """A page of the matters the caller may see, newest first; `q` searches the diary number and title.
        Filters: `kind`, `department_id`, `union_id` (a party), `status`; `after` continues from a page's `next`. Who: every signed-in role, within its
        scope (docs/access.md)."""
        return await service.list_matters_json(
            request.user, q=q, kind=kind, department_id=department_id, union_id=union_id, status=status,
            page=PageRequest(limit, offset, after),
        )

    @post(guards=[EMPLOYER], summary="Register a matter", responses=errors(403, 409, 413))
    async def create_matter(self, request: Request, data: JSONBody[s.MatterCreate]) -> s.Matter:
        """Registers a matter and answers 201 with it; without `diary_no` the next number of the department's
        series is written. An individärende (`personal_data`) only by admin and hr.
        Who: admin and hr; a department user for its own department."""
        return await service.create_matter(request.user, data)

    @get("/{id:int}", guards=[SIGNED_IN], summary="Get one matter, with its events and decision hold",
         responses=errors(404))
    async def get_matter(self, request: Request, id: RecordId) -> s.Matter:
        """The matter, its parties, events and whether a decision may be taken. Who: every signed-in role,
        within its scope; outside it 404."""
        return await service.get_matter(request.user, id)

    @patch("/{id:int}", guards=[EMPLOYER], summary="Change a matter", responses=errors(403, 404, 409, 413))
    async def update_matter(self, request: Request, id: RecordId, data: JSONBody[s.MatterUpdate]) -> s.Matter:
        """Changes the fields sent; with `version`, refused (409) if the matter changed since.
        Who: admin and hr; a department user for its own department."""
        return await service.update_matter(request.user, id, data)

    @get("/{id:int}/events", guards=[SIGNED_IN], summary="A matter's events", responses=errors(404))
    async def list_events(self, request: Request, id: RecordId) -> list[s.Event]:
        """The events of the matter (not deleted ones), as a plain list.
        Who: every signed-in role, within its scope."""
        return await service.list_events(request.user, id)

    @post("/{id:int}/events", guards=[EMPLOYER], summary="Record an event in a matter",
          responses=errors(403, 404, 409, 413))
    async def add_event(self, request: Request, id: RecordId, data: JSONBody[s.EventCreate]) -> s.Event:
        """Records what happened (a request, a meeting, a closed negotiation, a decision…) and answers 201;
        the type must fit the matter's kind. A decision while the decision hold is on is 409; an exception
        (`exception_recorded`) only by admin and hr.
        Who: admin and hr; a department user for its own department."""
        return await service.add_event(request.user, id, data)

    @patch("/{id:int}/events/{event_id:int}", guards=[EMPLOYER], summary="Change an event, with a reason",
           responses=errors(403, 404, 409, 413))
    async def update_event(self, request: Request, id: RecordId, event_id: RecordId, data: JSONBody[s.EventUpdate]) -> s.Event:
        """Changes the fields sent; `reason` is required and kept with the event before and after.
        Who: admin and hr; a department user for its own department."""
        return await service.update_event(request.user, id, event_id, data)

    @delete("/{id:int}/events/{event_id:int}", guards=[EMPLOYER], status_code=204,
            summary="Delete an event, with a reason", responses=errors(403, 404, 409, 413))
    async def delete_event(self, request: Request, id: RecordId, event_id: RecordId, data: JSONBody[s.EventDelete]) -> None:
        """The body `{"reason": …}` is required. The event leaves the matter but is kept, marked deleted;
        deleting it again is 404.
        Who: admin and hr; a department user for its own department."""
        await service.delete_event(request.user, id, event_id, data.reason)
