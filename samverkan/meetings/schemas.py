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

    union_id: Annotated[Id | None, Meta(description="The party: a union of the meeting, or null for the employer.")]
    person_id: Annotated[Id, Meta(description="The party's justerare: a person of that party.")]


class Participant(Struct, kw_only=True):
    """A person taking part in a meeting."""

    id: Annotated[int, Meta(description="The record's id.")]
    person_id: Annotated[int, Meta(description="The registry person.")]
    side: Annotated[str, Meta(description="employer or union, from the person.")]
    union_id: Annotated[int | None, Meta(description="The person's union, or null.")]
    role: Annotated[ParticipantRole, Meta(description=(
        "ordinary, substitute (ersättare), co_opted (adjungerad), safety_rep (skyddsombud) or expert (sakkunnig)."))]
    present: Annotated[bool | None, Meta(description="Whether the person was there; null until known.")]


class Position(Checked, kw_only=True, forbid_unknown_fields=True):
    """One union's standpoint on an agenda item."""

    union_id: Annotated[Id, Meta(description="The union: a party to the meeting.")]
    outcome: Annotated[PositionOutcome | None, Meta(description="agreement, disagreement, informed, or null.")] = None
    note: Annotated[Note, Meta(description="The union's protokollsanteckning.")] = ""
    reservation: Annotated[Note, Meta(description="The union's reservation.")] = ""
    central_requested: Annotated[bool, Meta(description="The union asks for central negotiation (14 § MBL).")] = False


class AgendaItem(Struct, kw_only=True):
    """An item (§) on a meeting's agenda, with its record."""

    id: Annotated[int, Meta(description="The record's id.")]
    number: Annotated[int, Meta(
        description="The § number, 1…n in order; on a write, the place to put the item (past the end: last).")]
    title: Annotated[str, Meta(description="The item's heading.")]
    kind: Annotated[AgendaKind, Meta(
        description="formalities, information, samverkan, negotiation, work_environment or other.")]
    matter_id: Annotated[int | None, Meta(description="The matter the item treats, or null.")]
    text: Annotated[str, Meta(description="The record of the item (what was said and decided).")]
    employer_position: Annotated[str, Meta(description="The employer's position (arbetsgivarens ståndpunkt).")]
    positions: Annotated[list[Position], Meta(
        description="One per union of the meeting; a write replaces those of the unions it names.")]
    closed_on: Annotated[dt.date | None, Meta(description="When the item's negotiation was closed, or null.")]
    version: Annotated[int, Meta(
        description="Goes up with every change; send it back in a PATCH to refuse a change made in between (409).")]


class MeetingBase(Struct, kw_only=True):
    """What a meeting and its summary in a list share."""

    id: Annotated[int, Meta(description="The record's id.")]
    kind: Annotated[MeetingKind, Meta(
        description="negotiation, samverkan, information (19 § MBL), safety_committee or workplace_meeting (APT).")]
    title: Annotated[str, Meta(description="The meeting's title.")]
    department_id: Annotated[int | None, Meta(description="The department whose meeting it is (default: the group's).")]
    group_id: Annotated[int | None, Meta(description="The collaboration group that meets, or null.")]
    union_ids: Annotated[list[int], Meta(
        description="The unions that are parties (default: the group's member unions).")]
    starts_at: Annotated[dt.datetime, Meta(
        description="When it starts (answered in UTC; sent without a zone: Swedish local time).")]
    ends_at: Annotated[dt.datetime, Meta(description="When it ends, after `starts_at`.")]
    place: Annotated[str, Meta(description="Where, or a link.")]
    status: Annotated[MeetingStatus, Meta(
        description="planned, called (kallat), held (hållet) or cancelled (inställt).")]


class MeetingWarning(Struct, kw_only=True):
    """Something about the meeting's date to look at before it is held (it does not stop a save)."""

    code: Annotated[Literal["cadence", "notice_late", "in_past"], Meta(description=(
        "cadence (the group's interval, for a skyddskommitté 8 a § AMF, is broken before or after), notice_late "
        "(the kallelse went, or will go, out later than the agreement's notice time) or in_past (starts before now)."))]
    text: Annotated[str, Meta(description="The warning in Swedish, with the dates.")]


class Meeting(MeetingBase, kw_only=True):
    """A meeting: a negotiation, a samverkan or information meeting, a skyddskommitté or an APT."""

    chair_id: Annotated[int | None, Meta(description="The chair (ordförande): a registry person, or null.")]
    minute_taker_id: Annotated[int | None, Meta(
        description="The minute-taker (sekreterare): a registry person, or null.")]
    approvers: Annotated[list[Approver], Meta(description="The justerare, one per party.")]
    participants: Annotated[list[Participant], Meta(description="Who takes part.")]
    agenda: Annotated[list[AgendaItem], Meta(description="The agenda items in § order.")]
    version: Annotated[int, Meta(
        description="Goes up with every change; send it back in a PATCH to refuse a change made in between (409).")]
    protocol_state: Annotated[Literal["draft", "in_review", "approved"], Meta(
        description="draft, in_review (sent for justering: the record is frozen) or approved (locked).")] = "draft"
    warnings: Annotated[list[MeetingWarning], Meta(description=(
        "For a planned or called meeting: what to look at before it is held (see MeetingWarning); empty otherwise."))] = []


class MeetingSummary(MeetingBase, kw_only=True):
    """A meeting in a list: without participants and agenda."""

    agenda_items: Annotated[int, Meta(description="How many items the agenda has.")]
    version: Annotated[int, Meta(
        description="Goes up with every change; send it back in a PATCH to refuse a change made in between (409).")]


class MeetingCreate(Input):
    """The body that creates a meeting."""

    kind: Annotated[MeetingKind, Meta(
        description="negotiation, samverkan, information (19 § MBL), safety_committee or workplace_meeting (APT).")]
    title: Annotated[Title, Meta(description="The meeting's title.")]
    starts_at: Annotated[dt.datetime, Meta(
        description="When it starts (answered in UTC; sent without a zone: Swedish local time).")]
    ends_at: Annotated[dt.datetime, Meta(description="When it ends, after `starts_at`.")]
    department_id: Annotated[Id | None, Meta(
        description="The department whose meeting it is (default: the group's).")] = None
    group_id: Annotated[Id | None, Meta(description="The collaboration group that meets, or null.")] = None
    union_ids: Annotated[list[Id], Meta(max_length=50, 
        description="The unions that are parties (default: the group's member unions).")] | None = None
    place: Annotated[Place, Meta(description="Where, or a link.")] = ""
    chair_id: Annotated[Id | None, Meta(description="The chair (ordförande): a registry person, or null.")] = None
    minute_taker_id: Annotated[Id | None, Meta(
        description="The minute-taker (sekreterare): a registry person, or null.")] = None
    approvers: Annotated[list[Approver], Meta(max_length=51, description="The justerare, one per party.")] = []
    standard_agenda: Annotated[bool, Meta(description=(
        "Start a samverkan or safety committee meeting of a group with the group's standard agenda."))] = True
    agenda: Annotated[list["AgendaItemCreate"], Meta(max_length=100, description=(
        "Items to start with (e.g. the matter the meeting is booked for), placed before the standard agenda's "
        "closing items."))] = []


class MeetingUpdate(Input):
    """The body that changes a meeting: only the fields sent change."""

    title: Annotated[Title, Meta(description="The meeting's title.")] | UnsetType = UNSET
    starts_at: Annotated[dt.datetime, Meta(
        description="When it starts (answered in UTC; sent without a zone: Swedish local time).")] | UnsetType = UNSET
    ends_at: Annotated[dt.datetime, Meta(description="When it ends, after `starts_at`.")] | UnsetType = UNSET
    place: Annotated[Place, Meta(description="Where, or a link.")] | UnsetType = UNSET
    status: Annotated[MeetingStatus, Meta(
        description="planned, called (kallat), held (hållet) or cancelled (inställt).")] | UnsetType = UNSET
    union_ids: Annotated[list[Id], Meta(max_length=50, 
        description="The unions that are parties (default: the group's member unions).")] | UnsetType = UNSET
    chair_id: Annotated[Id, Meta(
        description="The chair (ordförande): a registry person, or null.")] | None | UnsetType = UNSET
    minute_taker_id: Annotated[Id, Meta(
        description="The minute-taker (sekreterare): a registry person, or null.")] | None | UnsetType = UNSET
    approvers: Annotated[list[Approver], Meta(max_length=51, 
        description="The justerare, one per party.")] | UnsetType = UNSET
    version: Annotated[int, Meta(description=(
        "The version read: the change is refused (409 on `version`) if the record changed since."))] | UnsetType = UNSET


class ParticipantCreate(Input):
    """The body that creates a participant."""

    person_id: Annotated[Id, Meta(description="The registry person; at most once per meeting.")]
    role: Annotated[ParticipantRole, Meta(description=(
        "ordinary, substitute (ersättare), co_opted (adjungerad), safety_rep (skyddsombud) or expert (sakkunnig)."))] = "ordinary"
    present: Annotated[bool | None, Meta(description="Whether the person was there; null until known.")] = None


class ParticipantUpdate(Input):
    """The body that changes a participant: only the fields sent change."""

    role: Annotated[ParticipantRole, Meta(description=(
        "ordinary, substitute (ersättare), co_opted (adjungerad), safety_rep (skyddsombud) or expert (sakkunnig)."))] | UnsetType = UNSET
    present: Annotated[bool, Meta(
        description="Whether the person was there; null until known.")] | None | UnsetType = UNSET


Positions = Annotated[list[Position], Meta(max_length=50)]


class AgendaItemCreate(Input):
    """The body that creates a agenda item."""

    title: Annotated[Title, Meta(description="The item's heading.")]
    kind: Annotated[AgendaKind, Meta(
        description="formalities, information, samverkan, negotiation, work_environment or other.")] = "other"
    matter_id: Annotated[Id | None, Meta(description="The matter the item treats, or null.")] = None
    text: Annotated[LongText, Meta(description="The record of the item (what was said and decided).")] = ""
    employer_position: Annotated[LongText, Meta(
        description="The employer's position (arbetsgivarens ståndpunkt).")] = ""
    positions: Annotated[Positions, Meta(
        description="One per union of the meeting; a write replaces those of the unions it names.")] = []
    number: Annotated[int, Meta(ge=1, le=500, description=(
        "The § number, 1…n in order; on a write, the place to put the item (past the end: last)."))] | None = None


class AgendaItemUpdate(Input):
    """The body that changes a agenda item: only the fields sent change."""

    title: Annotated[Title, Meta(description="The item's heading.")] | UnsetType = UNSET
    kind: Annotated[AgendaKind, Meta(
        description="formalities, information, samverkan, negotiation, work_environment or other.")] | UnsetType = UNSET
    matter_id: Annotated[Id, Meta(description="The matter the item treats, or null.")] | None | UnsetType = UNSET
    text: Annotated[LongText, Meta(
        description="The record of the item (what was said and decided).")] | UnsetType = UNSET
    employer_position: Annotated[LongText, Meta(
        description="The employer's position (arbetsgivarens ståndpunkt).")] | UnsetType = UNSET
    positions: Annotated[Positions, Meta(
        description="One per union of the meeting; a write replaces those of the unions it names.")] | UnsetType = UNSET
    number: Annotated[int, Meta(ge=1, le=500, description=(
        "The § number, 1…n in order; on a write, the place to put the item (past the end: last)."))] | UnsetType = UNSET
    version: Annotated[int, Meta(description=(
        "The version read: the change is refused (409 on `version`) if the record changed since."))] | UnsetType = UNSET


class AgendaItemClose(Input):
    """The body that closes an agenda item's negotiation."""

    date: Annotated[dt.date | None, Meta(
        description="The day the negotiation closed; default the meeting's day.")] = None


class StandardAgendaEntry(Checked, kw_only=True, forbid_unknown_fields=True):
    """An item of a standard agenda."""

    title: Annotated[Title, Meta(description="The item's heading.")]
    kind: Annotated[AgendaKind, Meta(description="The item's kind, as on an agenda item.")]


class StandardAgenda(Input):
    """The items a new samverkan or safety committee meeting of a group starts with."""

    items: Annotated[list[StandardAgendaEntry], Meta(max_length=100, description="The items, in order.")]
