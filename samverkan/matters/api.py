"""JSON API of matters and events under /api/v1. Scoping happens in the service's queries."""

from __future__ import annotations

from typing import Literal

from litestar import Controller, Request, delete, get, patch, post
from litestar.params import FromQuery, JSONBody

from samverkan.accounts.access import EMPLOYER, SIGNED_IN
from samverkan.matters import schemas as s
from samverkan.matters import service
from samverkan.pagination import Page, PageRequest
from samverkan.web.params import FilterId, Limit, Offset, RecordId, SearchText

Status = Literal["open", "on_hold", "closed", "decided"]


class MatterController(Controller):
    path = "/matters"
    tags = ["Matters"]

    @get(guards=[SIGNED_IN])
    async def list_matters(
        self, request: Request, q: SearchText = None, kind: FromQuery[s.MatterKind | None] = None,
        department_id: FilterId = None, union_id: FilterId = None,
        status: FromQuery[Status | None] = None, limit: Limit = 50, offset: Offset = 0,
    ) -> Page[s.Matter]:
        return await service.list_matters(
            request.user, q=q, kind=kind, department_id=department_id, union_id=union_id, status=status,
            page=PageRequest(limit, offset),
        )

    @post(guards=[EMPLOYER])
    async def create_matter(self, request: Request, data: JSONBody[s.MatterCreate]) -> s.Matter:
        return await service.create_matter(request.user, data)

    @get("/{id:int}", guards=[SIGNED_IN])
    async def get_matter(self, request: Request, id: RecordId) -> s.Matter:
        return await service.get_matter(request.user, id)

    @patch("/{id:int}", guards=[EMPLOYER])
    async def update_matter(self, request: Request, id: RecordId, data: JSONBody[s.MatterUpdate]) -> s.Matter:
        return await service.update_matter(request.user, id, data)

    @get("/{id:int}/events", guards=[SIGNED_IN])
    async def list_events(self, request: Request, id: RecordId) -> list[s.Event]:
        return await service.list_events(request.user, id)

    @post("/{id:int}/events", guards=[EMPLOYER])
    async def add_event(self, request: Request, id: RecordId, data: JSONBody[s.EventCreate]) -> s.Event:
        return await service.add_event(request.user, id, data)

    @patch("/{id:int}/events/{event_id:int}", guards=[EMPLOYER])
    async def update_event(self, request: Request, id: RecordId, event_id: RecordId, data: JSONBody[s.EventUpdate]) -> s.Event:
        return await service.update_event(request.user, id, event_id, data)

    @delete("/{id:int}/events/{event_id:int}", guards=[EMPLOYER], status_code=204)
    async def delete_event(self, request: Request, id: RecordId, event_id: RecordId, data: JSONBody[s.EventDelete]) -> None:
        await service.delete_event(request.user, id, event_id, data.reason)
