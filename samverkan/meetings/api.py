"""JSON API of meetings, participants, agendas and groups' standard agendas under /api/v1."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, Request, delete, get, patch, post, put
from litestar.params import FromQuery, JSONBody, QueryParameter

from samverkan.accounts.access import ADMIN_OR_HR, EMPLOYER, SIGNED_IN
from samverkan.meetings import schemas as s
from samverkan.meetings import service
from samverkan.pagination import Page, PageRequest
from samverkan.web.params import FilterId, Limit, Offset, RecordId, SearchText
from samverkan.values import check_day

From = Annotated[dt.date | None, QueryParameter(name="from", description="First day (starts_at, Europe/Stockholm).")]
To = Annotated[dt.date | None, QueryParameter(description="Last day, inclusive.")]


class MeetingController(Controller):
    path = "/meetings"
    tags = ["Meetings"]

    @get(guards=[SIGNED_IN])
    async def list_meetings(
        self, request: Request, q: SearchText = None, from_: From = None, to: To = None,
        department_id: FilterId = None, group_id: FilterId = None,
        union_id: FilterId = None, status: FromQuery[s.MeetingStatus | None] = None,
        limit: Limit = 50, offset: Offset = 0,
    ) -> Page[s.MeetingSummary]:
        return await service.list_meetings(
            request.user, q=q, from_=check_day(from_, "from"), to=check_day(to, "to"), department_id=department_id, group_id=group_id,
            union_id=union_id, status=status, page=PageRequest(limit, offset),
        )

    @post(guards=[EMPLOYER])
    async def create_meeting(self, request: Request, data: JSONBody[s.MeetingCreate]) -> s.Meeting:
        return await service.create_meeting(request.user, data)

    @get("/{id:int}", guards=[SIGNED_IN])
    async def get_meeting(self, request: Request, id: RecordId) -> s.Meeting:
        return await service.get_meeting(request.user, id)

    @patch("/{id:int}", guards=[EMPLOYER])
    async def update_meeting(self, request: Request, id: RecordId, data: JSONBody[s.MeetingUpdate]) -> s.Meeting:
        return await service.update_meeting(request.user, id, data)

    @get("/{id:int}/participants", guards=[SIGNED_IN])
    async def list_participants(self, request: Request, id: RecordId) -> list[s.Participant]:
        return (await service.get_meeting(request.user, id)).participants

    @post("/{id:int}/participants", guards=[EMPLOYER])
    async def add_participant(self, request: Request, id: RecordId, data: JSONBody[s.ParticipantCreate]) -> s.Participant:
        return await service.add_participant(request.user, id, data)

    @patch("/{id:int}/participants/{participant_id:int}", guards=[EMPLOYER])
    async def update_participant(
        self, request: Request, id: RecordId, participant_id: RecordId, data: JSONBody[s.ParticipantUpdate]
    ) -> s.Participant:
        return await service.update_participant(request.user, id, participant_id, data)

    @delete("/{id:int}/participants/{participant_id:int}", guards=[EMPLOYER], status_code=204)
    async def remove_participant(self, request: Request, id: RecordId, participant_id: RecordId) -> None:
        await service.remove_participant(request.user, id, participant_id)

    @get("/{id:int}/agenda", guards=[SIGNED_IN])
    async def list_agenda(self, request: Request, id: RecordId) -> list[s.AgendaItem]:
        return (await service.get_meeting(request.user, id)).agenda

    @post("/{id:int}/agenda", guards=[EMPLOYER])
    async def add_item(self, request: Request, id: RecordId, data: JSONBody[s.AgendaItemCreate]) -> s.AgendaItem:
        return await service.add_item(request.user, id, data)

    @get("/{id:int}/agenda/{item_id:int}", guards=[SIGNED_IN])
    async def get_item(self, request: Request, id: RecordId, item_id: RecordId) -> s.AgendaItem:
        return await service.get_item(request.user, id, item_id)

    @patch("/{id:int}/agenda/{item_id:int}", guards=[EMPLOYER])
    async def update_item(self, request: Request, id: RecordId, item_id: RecordId, data: JSONBody[s.AgendaItemUpdate]) -> s.AgendaItem:
        return await service.update_item(request.user, id, item_id, data)

    @delete("/{id:int}/agenda/{item_id:int}", guards=[EMPLOYER], status_code=204)
    async def delete_item(self, request: Request, id: RecordId, item_id: RecordId) -> None:
        await service.delete_item(request.user, id, item_id)

    @post("/{id:int}/agenda/{item_id:int}/close", guards=[EMPLOYER], status_code=200)
    async def close_item(self, request: Request, id: RecordId, item_id: RecordId, data: JSONBody[s.AgendaItemClose]) -> s.AgendaItem:
        return await service.close_item(request.user, id, item_id, data)


class StandardAgendaController(Controller):
    path = "/groups/{id:int}/standard-agenda"
    tags = ["Registry"]

    @get(guards=[SIGNED_IN])
    async def get_standard_agenda(self, id: RecordId) -> s.StandardAgenda:
        return await service.get_standard_agenda(id)

    @put(guards=[ADMIN_OR_HR])
    async def set_standard_agenda(self, request: Request, id: RecordId, data: JSONBody[s.StandardAgenda]) -> s.StandardAgenda:
        return await service.set_standard_agenda(request.user, id, data)
