"""Input and output types of papers (underlag)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from msgspec import Meta, Struct

from samverkan.orgs.schemas import Id, Input
from samverkan.values import MultiLine, OneLine


class Paper(Struct, kw_only=True):
    """A file uploaded as underlag to a matter or a meeting (and perhaps one of its agenda items)."""

    id: Annotated[int, Meta(description="The record's id.")]
    title: Annotated[str, Meta(description="The paper's title (the file name without extension unless given).")]
    filename: Annotated[str, Meta(description="The file's name, as uploaded.")]
    media_type: Annotated[str, Meta(description="The media type, decided by the file's content.")]
    size: Annotated[int, Meta(description="Bytes.")]
    sha256: Annotated[str, Meta(description="The file's SHA-256.")]
    meeting_id: Annotated[int | None, Meta(description="The meeting it belongs to.")] = None
    matter_id: Annotated[int | None, Meta(description="The matter it belongs to.")] = None
    agenda_item_id: Annotated[int | None, Meta(description="The meeting's agenda item it is underlag for.")] = None
    proposal_id: Annotated[int | None, Meta(description="The union's agenda proposal it came with, if any.")] = None
    uploaded_by: Annotated[str, Meta(description="Who uploaded it.")]
    uploaded_at: Annotated[dt.datetime, Meta(description="When.")]


class PaperRemoval(Input):
    """Why a paper is removed (it stays in the record, marked removed)."""

    reason: Annotated[MultiLine(2000, filled=True), Meta(description="Why the paper is removed.")]


class NoticeCreate(Input):
    """Send the kallelse."""

    confirm_late: Annotated[bool, Meta(description="Send even though it is later than the agreement's notice time.")] = False


class NoticeRecipient(Struct, kw_only=True):
    """One recipient of a kallelse."""

    name: Annotated[str, Meta(description="The participant's or union's name.")]
    email: Annotated[str, Meta(description="The address it went to.")]


class NoticeSent(Struct, kw_only=True):
    """One sending of the kallelse: what, to whom, when."""

    id: Annotated[int, Meta(description="The record's id.")]
    reason: Annotated[str, Meta(description="called, moved (an update), added (to a new participant) or cancelled.")]
    method: Annotated[str, Meta(description="The iCalendar METHOD: REQUEST or CANCEL.")]
    sequence: Annotated[int, Meta(description="The iCalendar SEQUENCE sent.")]
    late: Annotated[bool, Meta(description="Sent later than the agreement's notice time.")]
    recipients: Annotated[list[NoticeRecipient], Meta(description="Who it went to.")]
    sent_at: Annotated[dt.datetime, Meta(description="When it was put in the outbox.")]
    sent_by: Annotated[str | None, Meta(description="Who sent it; null: sent by the service after a change.")] = None


class NoticeReply(Struct, kw_only=True):
    """A recipient's närvaroanmälan."""

    name: Annotated[str, Meta(description="The recipient who answered.")]
    attending: Annotated[bool, Meta(description="Coming (true) or not (false).")]
    substitute: Annotated[str, Meta(description="Who comes instead, when not attending.")] = ""
    answered_at: Annotated[dt.datetime, Meta(description="When the latest answer came.")]


class Notice(Struct, kw_only=True):
    """The kallelse of a meeting: the sends and the replies."""

    sends: Annotated[list[NoticeSent], Meta(description="Each sending, oldest first.")]
    replies: Annotated[list[NoticeReply], Meta(description="The närvaroanmälan, by name.")]
    late_warning: Annotated[str | None, Meta(description="Set when a kallelse sent now would be late.")] = None


class AgendaProposalCreate(Input):
    """A union party's proposal of an agenda item."""

    title: Annotated[OneLine(300, filled=True), Meta(description="The proposed item's heading.")]
    text: Annotated[MultiLine(20000), Meta(description="What the union wants to raise.")] = ""
    matter_id: Annotated[Id | None, Meta(description="The matter it concerns, if any.")] = None


class AgendaProposalDecline(Input):
    """Why a proposal is declined."""

    reason: Annotated[MultiLine(2000, filled=True), Meta(description="Why HR declines the proposal.")]


class AgendaProposal(Struct, kw_only=True):
    """A proposed agenda item and what became of it."""

    id: Annotated[int, Meta(description="The record's id.")]
    union_id: Annotated[int, Meta(description="The union that proposed it.")]
    title: Annotated[str, Meta(description="The proposed item's heading.")]
    text: Annotated[str, Meta(description="What the union wants to raise.")]
    matter_id: Annotated[int | None, Meta(description="The matter it concerns, if any.")] = None
    state: Annotated[str, Meta(description="proposed, accepted or declined.")]
    reason: Annotated[str, Meta(description="Why it was declined.")] = ""
    agenda_item_id: Annotated[int | None, Meta(description="The item it became, when accepted.")] = None
    proposed_at: Annotated[dt.datetime, Meta(description="When it was proposed.")]
    papers: Annotated[list[Paper], Meta(description="The papers that came with it (on the agenda item once accepted).")] = []
