"""Input and output types of protocol justering."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from msgspec import Meta, Struct

from samverkan.documents.record import MeetingRecord
from samverkan.meetings.schemas import Note, PositionOutcome
from samverkan.orgs.schemas import Id, Input
from samverkan.values import MultiLine, OneLine

Text = MultiLine(5000, filled=True)
Reason = OneLine(2000, filled=True)


class PartyStatus(Struct, kw_only=True):
    """A party's justering of a protocol version."""

    party: Annotated[str, Meta(description="employer, or union:<id>.")]
    label: Annotated[str, Meta(description="The party's name.")]
    justerare: Annotated[str | None, Meta(description="The designated justerare's name, or null.")]
    approved_by: Annotated[str | None, Meta(description="Who approved for the party, or null.")]
    approved_at: Annotated[dt.datetime | None, Meta(description="When, or null.")]


class Version(Struct, kw_only=True):
    """A version of a protocol sent for justering."""

    number: Annotated[int, Meta(description="The version's number, from 1.")]
    state: Annotated[Literal["in_review", "approved", "superseded", "reopened"], Meta(
        description="in_review, approved, superseded or reopened.")]
    record_sha256: Annotated[str, Meta(description="The SHA-256 of the frozen record.")]
    due: Annotated[dt.date | None, Meta(description="The last day for justering, or null.")]
    submitted_at: Annotated[dt.datetime, Meta(description="When it was sent for justering.")]
    locked_at: Annotated[dt.datetime | None, Meta(description="When the last approval locked it, or null.")]
    seal: Annotated[str, Meta(
        description="At lock: SHA-256 over the record's and the final copies' hashes; else empty.")]
    documents: Annotated[list[dict], Meta(description="The final copies: {id, audience, sha256}.")]
    ended_reason: Annotated[str, Meta(description="Why a reopened or superseded version ended; else empty.")]


class VersionDetail(Version, kw_only=True):
    """A version with its parties and the meeting's record as frozen."""

    parties: Annotated[list[PartyStatus], Meta(description="Each party's justering.")]
    record: Annotated[MeetingRecord, Meta(description="The meeting's record as frozen, as the caller may see it.")]


class Comment(Struct, kw_only=True):
    """A comment on a protocol version."""

    id: Annotated[int, Meta(description="The record's id.")]
    version: Annotated[int, Meta(description="The version commented on.")]
    agenda_item_id: Annotated[int | None, Meta(description="The item, or null for the whole protocol.")]
    party: Annotated[str, Meta(description="employer, or union:<id>.")]
    author: Annotated[str, Meta(description="Who wrote it.")]
    text: Annotated[str, Meta(description="The comment.")]
    created_at: Annotated[dt.datetime, Meta(description="When the record was made (UTC).")]


class Proposal(Struct, kw_only=True):
    """A union's proposed wording of its own position on an item."""

    id: Annotated[int, Meta(description="The record's id.")]
    version: Annotated[int, Meta(description="The version it was made on.")]
    agenda_item_id: Annotated[int, Meta(description="The item.")]
    union_id: Annotated[int, Meta(description="The union.")]
    outcome: Annotated[str | None, Meta(description="The proposed outcome, or null.")]
    note: Annotated[str, Meta(description="The proposed protokollsanteckning.")]
    reservation: Annotated[str, Meta(description="The proposed reservation.")]
    state: Annotated[Literal["pending", "accepted", "rejected"], Meta(description="pending, accepted or rejected.")]
    author: Annotated[str, Meta(description="Who proposed it.")]
    created_at: Annotated[dt.datetime, Meta(description="When the record was made (UTC).")]
    reason: Annotated[str, Meta(description="The employer's reason when deciding, or empty.")]


class Protocol(Struct, kw_only=True):
    """A meeting's protocol and its justering."""

    meeting_id: Annotated[int, Meta(description="The meeting.")]
    state: Annotated[Literal["draft", "in_review", "approved"], Meta(description="draft, in_review or approved.")]
    version: Annotated[Version | None, Meta(description="The latest version, or null before the first.")]
    versions: Annotated[list[Version], Meta(description="Every version.")]
    parties: Annotated[list[PartyStatus], Meta(description="Each party's justering of the latest version.")]
    comments: Annotated[list[Comment], Meta(description="The comments.")]
    proposals: Annotated[list[Proposal], Meta(description="The proposals.")]


class Waiting(Struct, kw_only=True):
    """A protocol version in review and the parties still to approve."""

    meeting_id: Annotated[int, Meta(description="The meeting.")]
    title: Annotated[str, Meta(description="The meeting's title.")]
    starts_at: Annotated[dt.datetime, Meta(description="When the meeting started.")]
    number: Annotated[int, Meta(description="The version.")]
    due: Annotated[dt.date | None, Meta(description="The last day for justering, or null.")]
    pending: Annotated[list[PartyStatus], Meta(description="The parties that have not approved.")]


class CommentCreate(Input):
    """The body of a comment on a protocol."""

    text: Annotated[Text, Meta(description="The comment.")]
    agenda_item_id: Annotated[Id | None, Meta(description="The item, or null for the whole protocol.")] = None


class ProposalCreate(Input):
    """The body of a proposal."""

    agenda_item_id: Annotated[Id, Meta(description="The item.")]
    outcome: Annotated[PositionOutcome | None, Meta(description="agreement, disagreement, informed, or null.")] = None
    note: Annotated[Note, Meta(description="The union's protokollsanteckning.")] = ""
    reservation: Annotated[Note, Meta(description="The union's reservation.")] = ""


class ProposalDecision(Input):
    """The body that accepts or rejects a proposal."""

    reason: Annotated[OneLine(2000), Meta(description="Why, optional.")] = ""


class Reopen(Input):
    """The body that opens a protocol again."""

    reason: Annotated[Reason, Meta(description="Why the protocol is opened again.")]


class Feedback(Struct, kw_only=True):
    """A protocol in review with proposals and comments waiting for the minute-taker."""

    meeting_id: int
    title: str
    proposals: int
    comments: int


class Approved(Struct, kw_only=True):
    """A locked protocol and the reader's own copy."""

    meeting_id: int
    title: str
    starts_at: dt.datetime
    number: int
    locked_at: dt.datetime | None
    document_id: int | None
