"""Input and output types of meetings, participants and agenda items."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

from samverkan.matters.schemas import LongText, Title
from samverkan.orgs.schemas import Id, Input
from samverkan.values import Checked, MultiLine, OneLine

MeetingKind = Literal["negotiation", "samverkan", "information", "safety_committee", "workplace_meeting"]
MeetingStatus = Literal["planned", "called", "held", "cancelled"]
AgendaKind = Literal["formalities", "information", "samverkan", "negotiation", "work_environment", "other"]
ParticipantRole = Literal["ordinary", "substitute", "co_opted", "safety_rep", "expert"]
PositionOutcome = Literal["agreement", "disagreement", "informed"]
Place = OneLine(300)
Note = MultiLine(20_000)


class Approver(Struct, kw_only=True):
    """The justerare of one party; union_id null is the employer."""

    union_id: Id | None
    person_id: Id


class Participant(Struct, kw_only=True):
    id: int
    person_id: int
    side: str
    union_id: int | None
    role: ParticipantRole
    present: bool | None


class Position(Checked, kw_only=True, forbid_unknown_fields=True):
    union_id: Id
    outcome: PositionOutcome | None = None
    note: Note = ""  # protokollsanteckning
    reservation: Note = ""
    central_requested: bool = False


class AgendaItem(Struct, kw_only=True):
    id: int
    number: int
    title: str
    kind: AgendaKind
    matter_id: int | None
    text: str
    employer_position: str
    positions: list[Position]
    closed_on: dt.date | None
    version: int


class Meeting(Struct, kw_only=True):
    id: int
    kind: MeetingKind
    title: str
    department_id: int | None
    group_id: int | None
    union_ids: list[int]
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    status: MeetingStatus
    chair_id: int | None
    minute_taker_id: int | None
    approvers: list[Approver]
    participants: list[Participant]
    agenda: list[AgendaItem]
    version: int
    protocol_state: Literal["draft", "in_review", "approved"] = "draft"


class MeetingSummary(Struct, kw_only=True):
    """A meeting in a list: without participants and agenda."""

    id: int
    kind: MeetingKind
    title: str
    department_id: int | None
    group_id: int | None
    union_ids: list[int]
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    status: MeetingStatus
    agenda_items: int
    version: int


class MeetingCreate(Input):
    kind: MeetingKind
    title: Title
    starts_at: dt.datetime
    ends_at: dt.datetime
    department_id: Id | None = None
    group_id: Id | None = None
    union_ids: Annotated[list[Id], Meta(max_length=50)] | None = None  # None: the group's unions
    place: Place = ""
    chair_id: Id | None = None
    minute_taker_id: Id | None = None
    approvers: Annotated[list[Approver], Meta(max_length=51)] = []
    standard_agenda: bool = True  # start a group's meeting with its standard agenda


class MeetingUpdate(Input):
    title: Title | UnsetType = UNSET
    starts_at: dt.datetime | UnsetType = UNSET
    ends_at: dt.datetime | UnsetType = UNSET
    place: Place | UnsetType = UNSET
    status: MeetingStatus | UnsetType = UNSET
    union_ids: Annotated[list[Id], Meta(max_length=50)] | UnsetType = UNSET
    chair_id: Id | None | UnsetType = UNSET
    minute_taker_id: Id | None | UnsetType = UNSET
    approvers: Annotated[list[Approver], Meta(max_length=51)] | UnsetType = UNSET
    version: int | UnsetType = UNSET


class ParticipantCreate(Input):
    person_id: Id
    role: ParticipantRole = "ordinary"
    present: bool | None = None


class ParticipantUpdate(Input):
    role: ParticipantRole | UnsetType = UNSET
    present: bool | None | UnsetType = UNSET


Positions = Annotated[list[Position], Meta(max_length=50)]


class AgendaItemCreate(Input):
    title: Title
    kind: AgendaKind = "other"
    matter_id: Id | None = None
    text: LongText = ""
    employer_position: LongText = ""
    positions: Positions = []
    number: Annotated[int, Meta(ge=1, le=500)] | None = None  # None: last


class AgendaItemUpdate(Input):
    title: Title | UnsetType = UNSET
    kind: AgendaKind | UnsetType = UNSET
    matter_id: Id | None | UnsetType = UNSET
    text: LongText | UnsetType = UNSET
    employer_position: LongText | UnsetType = UNSET
    positions: Positions | UnsetType = UNSET  # replaces every union's position given; others stay
    number: Annotated[int, Meta(ge=1, le=500)] | UnsetType = UNSET  # move the item to this place
    version: int | UnsetType = UNSET


class AgendaItemClose(Input):
    date: dt.date | None = None  # default: the meeting's date


class StandardAgendaEntry(Checked, kw_only=True, forbid_unknown_fields=True):
    title: Title
    kind: AgendaKind


class StandardAgenda(Input):
    items: Annotated[list[StandardAgendaEntry], Meta(max_length=100)]
