"""Input and output types of protocol justering."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from msgspec import Struct

from samverkan.documents.record import MeetingRecord
from samverkan.meetings.schemas import Note, PositionOutcome
from samverkan.orgs.schemas import Id, Input
from samverkan.values import MultiLine, OneLine

Text = MultiLine(5000, filled=True)
Reason = OneLine(2000, filled=True)


class PartyStatus(Struct, kw_only=True):
    party: str  # "employer" or "union:<id>"
    label: str
    justerare: str | None  # the designated justerare's name
    approved_by: str | None
    approved_at: dt.datetime | None


class Version(Struct, kw_only=True):
    number: int
    state: Literal["in_review", "approved", "superseded", "reopened"]
    record_sha256: str
    due: dt.date | None  # the last day for justering
    submitted_at: dt.datetime
    locked_at: dt.datetime | None
    seal: str  # sha256 over the record's and the final copies' hashes, at lock
    documents: list[dict]  # the final copies: {id, audience, sha256}
    ended_reason: str


class VersionDetail(Version, kw_only=True):
    parties: list[PartyStatus]
    record: MeetingRecord


class Comment(Struct, kw_only=True):
    id: int
    version: int
    agenda_item_id: int | None
    party: str
    author: str
    text: str
    created_at: dt.datetime


class Proposal(Struct, kw_only=True):
    id: int
    version: int
    agenda_item_id: int
    union_id: int
    outcome: str | None
    note: str
    reservation: str
    state: Literal["pending", "accepted", "rejected"]
    author: str
    created_at: dt.datetime
    reason: str


class Protocol(Struct, kw_only=True):
    meeting_id: int
    state: Literal["draft", "in_review", "approved"]
    version: Version | None  # the latest
    versions: list[Version]
    parties: list[PartyStatus]  # of the latest version
    comments: list[Comment]
    proposals: list[Proposal]


class Waiting(Struct, kw_only=True):
    meeting_id: int
    title: str
    starts_at: dt.datetime
    number: int
    due: dt.date | None
    pending: list[PartyStatus]


class CommentCreate(Input):
    text: Text
    agenda_item_id: Id | None = None


class ProposalCreate(Input):
    agenda_item_id: Id
    outcome: PositionOutcome | None = None
    note: Note = ""  # protokollsanteckning
    reservation: Note = ""


class ProposalDecision(Input):
    reason: OneLine(2000) = ""


class Reopen(Input):
    reason: Reason
