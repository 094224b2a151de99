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
from samverkan.web.openapi import errors
from samverkan.web.params import After, FilterId, Limit, Offset, RecordId, SearchText
from samverkan.values import check_day

From = Annotated[dt.date | None, QueryParameter(name="from", description="First day (starts_at, Europe/Stockholm).")]
To = Annotated[dt.date | None, QueryParameter(description="Last day, inclusive.")]


class MeetingController(Controller):
    path = "/meetings"
    tags = ["Meetings"]

    @get(guards=[SIGNED_IN], summary="List meetings", responses=errors())
    async def list_meetings(
        self, request: Request, q: SearchText = None, from_: From = None, to: To = None,
        department_id: FilterId = None, group_id: FilterId = None,
        union_id: FilterId = None, status: FromQuery[s.MeetingStatus | None] = None,
        limit: Limit = 50, offset: Offset = 0, after: After = None,
    ) -> Page[s.MeetingSummary]:
        """A page of summaries (without participants and agenda) of the meetings the caller may see, earliest
        first; `q` searches the title and place. Filters: `from`, `to` (days in Sweden, inclusive),
        `department_id`, `group_id`, `union_id` (a party), `status`; `after` continues from a page's `next`.
        Who: every signed-in role, within its scope."""
        return await service.list_meetings(
            request.user, q=q, from_=check_day(from_, "from"), to=check_day(to, "to"), department_id=department_id, group_id=group_id,
            union_id=union_id, status=status, page=PageRequest(limit, offset, after),
        )

    @post(guards=[EMPLOYER], summary="Plan a meeting", responses=errors(403, 413))
    async def create_meeting(self, request: Request, data: JSONBody[s.MeetingCreate]) -> s.Meeting:
        """Creates a meeting and answers 201; a samverkan or safety committee meeting of a group starts with the
        group's standard agenda unless `standard_agenda` is false.
        Who: admin and hr; a department user for its own department."""
        return await service.create_meeting(request.user, data)

    @get("/{id:int}", guards=[SIGNED_IN], summary="Get one meeting, with participants, justerare and agenda",
         responses=errors(404))
    async def get_meeting(self, request: Request, id: RecordId) -> s.Meeting:
        """The whole meeting.
        Who: every signed-in role, within its scope."""
        return await service.get_meeting(request.user, id)

    @patch("/{id:int}", guards=[EMPLOYER], summary="Change a meeting", responses=errors(403, 404, 409, 413))
    async def update_meeting(self, request: Request, id: RecordId, data: JSONBody[s.MeetingUpdate]) -> s.Meeting:
        """Changes the fields sent (status moves: planned → called → held; cancelled → planned). With `version`,
        refused (409) if the meeting changed since; refused (409 on `protocol`) while its protocol is in
        review or approved.
        Who: admin and hr; a department user for its own department."""
        return await service.update_meeting(request.user, id, data)

    @get("/{id:int}/participants", guards=[SIGNED_IN], summary="A meeting's participants",
         responses=errors(404))
    async def list_participants(self, request: Request, id: RecordId) -> list[s.Participant]:
        """The participants, as a plain list.
        Who: every signed-in role, within its scope."""
        return (await service.get_meeting(request.user, id)).participants

    @post("/{id:int}/participants", guards=[EMPLOYER], summary="Add a participant to a meeting",
          responses=errors(403, 404, 409, 413))
    async def add_participant(self, request: Request, id: RecordId, data: JSONBody[s.ParticipantCreate]) -> s.Participant:
        """Adds a registry person (once per meeting: 409 on `person_id`) and answers 201.
        Who: admin and hr; a department user for its own department."""
        return await service.add_participant(request.user, id, data)

    @patch("/{id:int}/participants/{participant_id:int}", guards=[EMPLOYER], summary="Change a participant",
           responses=errors(403, 404, 409, 413))
    async def update_participant(
        self, request: Request, id: RecordId, participant_id: RecordId, data: JSONBody[s.ParticipantUpdate]
    ) -> s.Participant:
        """Changes `role` and `present`.
        Who: admin and hr; a department user for its own department."""
        return await service.update_participant(request.user, id, participant_id, data)

    @delete("/{id:int}/participants/{participant_id:int}", guards=[EMPLOYER], status_code=204,
            summary="Remove a participant", responses=errors(403, 404, 409))
    async def remove_participant(self, request: Request, id: RecordId, participant_id: RecordId) -> None:
        """Takes the person off the meeting.
        Who: admin and hr; a department user for its own department."""
        await service.remove_participant(request.user, id, participant_id)

    @get("/{id:int}/agenda", guards=[SIGNED_IN], summary="A meeting's agenda", responses=errors(404))
    async def list_agenda(self, request: Request, id: RecordId) -> list[s.AgendaItem]:
        """The agenda items in § order, as a plain list.
        Who: every signed-in role, within its scope."""
        return (await service.get_meeting(request.user, id)).agenda

    @post("/{id:int}/agenda", guards=[EMPLOYER], summary="Add an agenda item",
          responses=errors(403, 404, 409, 413))
    async def add_item(self, request: Request, id: RecordId, data: JSONBody[s.AgendaItemCreate]) -> s.AgendaItem:
        """Adds an item at `number` (default last), renumbers the others and answers 201; a cancelled
        meeting's agenda cannot change (409 on `status`).
        Who: admin and hr; a department user for its own department."""
        return await service.add_item(request.user, id, data)

    @get("/{id:int}/agenda/{item_id:int}", guards=[SIGNED_IN], summary="Get one agenda item",
         responses=errors(404))
    async def get_item(self, request: Request, id: RecordId, item_id: RecordId) -> s.AgendaItem:
        """The item with its record and each union's position.
        Who: every signed-in role, within its scope."""
        return await service.get_item(request.user, id, item_id)

    @patch("/{id:int}/agenda/{item_id:int}", guards=[EMPLOYER], summary="Change an agenda item",
           responses=errors(403, 404, 409, 413))
    async def update_item(self, request: Request, id: RecordId, item_id: RecordId, data: JSONBody[s.AgendaItemUpdate]) -> s.AgendaItem:
        """Changes the fields sent; `positions` replaces the positions of the unions it names. A stale
        `version` is 409, with the saved text in `detail`.
        Who: admin and hr; a department user for its own department."""
        return await service.update_item(request.user, id, item_id, data)

    @delete("/{id:int}/agenda/{item_id:int}", guards=[EMPLOYER], status_code=204,
            summary="Delete an agenda item", responses=errors(403, 404, 409))
    async def delete_item(self, request: Request, id: RecordId, item_id: RecordId) -> None:
        """Removes the item, renumbers the rest and retracts the events closing it wrote on its matter.
        Who: admin and hr; a department user for its own department."""
        await service.delete_item(request.user, id, item_id)

    @post("/{id:int}/agenda/{item_id:int}/close", guards=[EMPLOYER], status_code=200,
          summary="Close an agenda item's negotiation", responses=errors(403, 404, 409, 413))
    async def close_item(self, request: Request, id: RecordId, item_id: RecordId, data: JSONBody[s.AgendaItemClose]) -> s.AgendaItem:
        """Writes a `negotiation_closed` event per union on the item's matter, with its outcome (and
        `central_requested` where asked), dated `date` or the meeting's day.
        Who: admin and hr; a department user for its own department."""
        return await service.close_item(request.user, id, item_id, data)


class StandardAgendaController(Controller):
    path = "/groups/{id:int}/standard-agenda"
    tags = ["Registry"]

    @get(guards=[SIGNED_IN], summary="A group's standard agenda", responses=errors(404))
    async def get_standard_agenda(self, id: RecordId) -> s.StandardAgenda:
        """The items a new samverkan or safety committee meeting of the group starts with.
        Who: every signed-in role."""
        return await service.get_standard_agenda(id)

    @put(guards=[ADMIN_OR_HR], summary="Replace a group's standard agenda", responses=errors(403, 404, 413))
    async def set_standard_agenda(self, request: Request, id: RecordId, data: JSONBody[s.StandardAgenda]) -> s.StandardAgenda:
        """Replaces the whole list; meetings already planned keep their agenda. Who: admin and hr."""
        return await service.set_standard_agenda(request.user, id, data)
