"""Input and output types of matters and their events."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

from samverkan.orgs.schemas import Id, Input
from samverkan.values import MultiLine, OneLine

MatterKind = Literal[
    "primary_negotiation", "negotiation_on_request", "negotiation_13", "central_negotiation", "contracting_out",
    "information", "samverkan", "work_environment", "dispute", "other",
]
EventType = Literal[
    "request_received", "request_sent", "meeting_held", "negotiation_closed", "withdrawal_notice",
    "central_requested", "central_closed", "knowledge", "occurrence", "decision_taken", "exception_recorded",
    "protocol_approved",
]
Outcome = Literal["agreement", "disagreement"]
Title = OneLine(300, filled=True)
LongText = MultiLine(20_000)
DiaryNo = OneLine(40, filled=True)
UnionIds = Annotated[list[Id], Meta(max_length=50)]
Reason = OneLine(2_000, filled=True)


class Party(Struct, kw_only=True):
    union_id: int
    state: str


class Event(Struct, kw_only=True):
    id: int
    type: EventType
    date: dt.date
    time: dt.time | None
    union_id: int | None
    outcome: str | None
    note: str
    agenda_item_id: int | None
    created_at: dt.datetime


class Matter(Struct, kw_only=True):
    id: int
    diary_no: str
    title: str
    description: str
    kind: MatterKind
    department_id: int
    union_ids: list[int]
    parties: list[Party]
    personal_data: bool
    status: str
    decision_allowed: bool
    hold_reason: str | None
    events: list[Event]
    version: int
    created_at: dt.datetime


class MatterCreate(Input):
    title: Title
    kind: MatterKind
    department_id: Id
    description: LongText = ""
    union_ids: UnionIds = []
    personal_data: bool = False
    diary_no: DiaryNo | None = None  # None: generated from the department's prefix and the year


class MatterUpdate(Input):
    title: Title | UnsetType = UNSET
    description: LongText | UnsetType = UNSET
    kind: MatterKind | UnsetType = UNSET
    department_id: Id | UnsetType = UNSET
    union_ids: UnionIds | UnsetType = UNSET
    personal_data: bool | UnsetType = UNSET
    diary_no: DiaryNo | UnsetType = UNSET
    version: int | UnsetType = UNSET  # when given, the update is refused if someone changed the matter since


class EventCreate(Input):
    type: EventType
    date: dt.date
    time: dt.time | None = None
    union_id: Id | None = None
    outcome: Outcome | None = None
    note: LongText = ""


class EventUpdate(Input):
    reason: Reason
    date: dt.date | UnsetType = UNSET
    time: dt.time | None | UnsetType = UNSET
    union_id: Id | None | UnsetType = UNSET
    outcome: Outcome | None | UnsetType = UNSET
    note: LongText | UnsetType = UNSET


class EventDelete(Input):
    reason: Reason
