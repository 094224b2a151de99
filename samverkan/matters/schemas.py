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
    "protocol_approved", "veto", "veto_lifted", "negotiation_hindered", "suit_filed",
    "priority_claimed", "secrecy_disagreement", "transfer_notice",
]
Claimant = Literal["employer", "union"]
CLAIMANT_DOC = ("Who claims in a dispute (64–66 §§ MBL), and so must act before its time limits run out: employer or union "
                "(the union party of each deadline); null: not recorded, read as the union.")
Outcome = Literal["agreement", "disagreement"]
Title = OneLine(300, filled=True)
LongText = MultiLine(20_000)
DiaryNo = OneLine(40, filled=True)
UnionIds = Annotated[list[Id], Meta(max_length=50)]
Reason = OneLine(2_000, filled=True)


class Party(Struct, kw_only=True):
    """A union's state in a matter, from its events."""

    union_id: Annotated[int, Meta(description="The union.")]
    state: Annotated[str, Meta(description=(
        "open, agreement, disagreement, withdrawn, central_requested, central_agreement, central_disagreement or veto (39 §)."))]


class Event(Struct, kw_only=True):
    """Something that happened in a matter: a request, a meeting, a closed negotiation, a decision…"""

    id: Annotated[int, Meta(description="The record's id.")]
    type: Annotated[EventType, Meta(description="What happened; it must fit the matter's kind (docs/api.md, Events).")]
    date: Annotated[dt.date, Meta(description="The day it happened.")]
    time: Annotated[dt.time | None, Meta(description="The time of day it happened (local time), or null.")]
    union_id: Annotated[int | None, Meta(
        description="The union the event concerns: a party to the matter; required or not allowed by the type.")]
    outcome: Annotated[str | None, Meta(
        description="agreement (enighet) or disagreement (oenighet), for the types that have one; else null.")]
    note: Annotated[str, Meta(description="Free text; for an exception, the reasons.")]
    agenda_item_id: Annotated[int | None, Meta(
        description="The agenda item whose closing (or meeting) wrote the event, or null.")]
    created_at: Annotated[dt.datetime, Meta(description="When the record was made (UTC).")]


class Matter(Struct, kw_only=True):
    """A matter (ärende): a question negotiated, informed about or handled with the unions."""

    id: Annotated[int, Meta(description="The record's id.")]
    diary_no: Annotated[str, Meta(
        description="The diary number (diarienummer), unique; generated from the department's series when left out.")]
    title: Annotated[str, Meta(description="What the matter is about.")]
    description: Annotated[str, Meta(description="A longer description, stored as sent.")]
    kind: Annotated[MatterKind, Meta(
        description="The kind of matter, which decides its rules and decision hold (docs/api.md, Kinds).")]
    department_id: Annotated[int, Meta(description="The department whose matter it is.")]
    union_ids: Annotated[list[int], Meta(description="The unions that are parties.")]
    parties: Annotated[list[Party], Meta(description="Each union's state in the matter, from its events.")]
    personal_data: Annotated[bool, Meta(
        description="An individärende (about one employee): registered and seen by hr and admin only.")]
    claimant: Annotated[Claimant | None, Meta(description=CLAIMANT_DOC)] = None
    status: Annotated[str, Meta(
        description="open, on_hold (no decision yet: a negotiation is not finished), closed or decided.")]
    decision_allowed: Annotated[bool, Meta(
        description="Whether the employer may take its decision now (MBL 11 and 14 §§).")]
    hold_reason: Annotated[str | None, Meta(
        description="Why a decision must wait, in Swedish, naming the unions; null when it need not.")]
    events: Annotated[list[Event], Meta(description="The matter's events, in date order.")]
    version: Annotated[int, Meta(
        description="Goes up with every change; send it back in a PATCH to refuse a change made in between (409).")]
    created_at: Annotated[dt.datetime, Meta(description="When the record was made (UTC).")]


class MatterCreate(Input):
    """The body that creates a matter."""

    title: Annotated[Title, Meta(description="What the matter is about.")]
    kind: Annotated[MatterKind, Meta(
        description="The kind of matter, which decides its rules and decision hold (docs/api.md, Kinds).")]
    department_id: Annotated[Id, Meta(description="The department whose matter it is.")]
    description: Annotated[LongText, Meta(description="A longer description, stored as sent.")] = ""
    union_ids: Annotated[UnionIds, Meta(description="The unions that are parties.")] = []
    personal_data: Annotated[bool, Meta(
        description="An individärende (about one employee): registered and seen by hr and admin only.")] = False
    diary_no: Annotated[DiaryNo | None, Meta(description=(
        "The diary number (diarienummer), unique; generated from the department's series when left out."))] = None
    claimant: Annotated[Claimant | None, Meta(description=CLAIMANT_DOC)] = None


class MatterUpdate(Input):
    """The body that changes a matter: only the fields sent change."""

    title: Annotated[Title, Meta(description="What the matter is about.")] | UnsetType = UNSET
    description: Annotated[LongText, Meta(description="A longer description, stored as sent.")] | UnsetType = UNSET
    kind: Annotated[MatterKind, Meta(description=(
        "The kind of matter, which decides its rules and decision hold (docs/api.md, Kinds)."))] | UnsetType = UNSET
    department_id: Annotated[Id, Meta(description="The department whose matter it is.")] | UnsetType = UNSET
    union_ids: Annotated[UnionIds, Meta(description="The unions that are parties.")] | UnsetType = UNSET
    personal_data: Annotated[bool, Meta(description=(
        "An individärende (about one employee): registered and seen by hr and admin only."))] | UnsetType = UNSET
    diary_no: Annotated[DiaryNo, Meta(description=(
        "The diary number (diarienummer), unique; generated from the department's series when left out."))] | UnsetType = UNSET
    claimant: Annotated[Claimant | None, Meta(description=CLAIMANT_DOC)] | UnsetType = UNSET
    version: Annotated[int, Meta(description=(
        "The version read: the change is refused (409 on `version`) if the record changed since."))] | UnsetType = UNSET


class EventCreate(Input):
    """The body that creates a matter's event."""

    type: Annotated[EventType, Meta(description="What happened; it must fit the matter's kind (docs/api.md, Events).")]
    date: Annotated[dt.date, Meta(description="The day it happened.")]
    time: Annotated[dt.time | None, Meta(description="The time of day it happened (local time), or null.")] = None
    union_id: Annotated[Id | None, Meta(
        description="The union the event concerns: a party to the matter; required or not allowed by the type.")] = None
    outcome: Annotated[Outcome | None, Meta(
        description="agreement (enighet) or disagreement (oenighet), for the types that have one; else null.")] = None
    note: Annotated[LongText, Meta(description="Free text; for an exception, the reasons.")] = ""


class EventUpdate(Input):
    """The body that changes an event: `reason` and the fields to change."""

    reason: Annotated[Reason, Meta(description="Why the event is changed or deleted; kept with the change.")]
    date: Annotated[dt.date, Meta(description="The day it happened.")] | UnsetType = UNSET
    time: Annotated[dt.time, Meta(
        description="The time of day it happened (local time), or null.")] | None | UnsetType = UNSET
    union_id: Annotated[Id, Meta(description=(
        "The union the event concerns: a party to the matter; required or not allowed by the type."))] | None | UnsetType = UNSET
    outcome: Annotated[Outcome, Meta(description=(
        "agreement (enighet) or disagreement (oenighet), for the types that have one; else null."))] | None | UnsetType = UNSET
    note: Annotated[LongText, Meta(description="Free text; for an exception, the reasons.")] | UnsetType = UNSET


class EventDelete(Input):
    """The body that deletes an event: why."""

    reason: Annotated[Reason, Meta(description="Why the event is changed or deleted; kept with the change.")]
