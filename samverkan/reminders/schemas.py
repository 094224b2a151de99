"""Output types of notifications and the outbox."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from msgspec import Meta, Struct


class Notification(Struct, kw_only=True):
    """A notification in the app, for one user."""

    id: Annotated[int, Meta(description="The record's id.")]
    title: Annotated[str, Meta(description="What it is about (the e-mail's subject).")]
    link: Annotated[str | None, Meta(description="A page path such as /arenden/7, or null.")]
    created_at: Annotated[dt.datetime, Meta(description="When the record was made (UTC).")]
    read: Annotated[bool, Meta(description="Whether the user has read it.")]


class OutboxMessage(Struct, kw_only=True):
    """An e-mail the service has planned, and how its sending went."""

    id: Annotated[int, Meta(description="The record's id.")]
    kind: Annotated[Literal["reminder", "escalation", "digest", "rule_change", "justering", "protocol", "comment", "proposal",
                            "decision", "break_glass", "notice", "agenda_proposal", "question_answer"], Meta(
        description="reminder, escalation, digest, rule_change, justering, protocol, comment, proposal (a change to a "
                    "protocol), decision, break_glass, notice (a kallelse), agenda_proposal or question_answer "
                    "(reminders.texts.KIND_LABELS).")]
    to_address: Annotated[str, Meta(description="The recipient.")]
    subject: Annotated[str, Meta(description="The subject line.")]
    state: Annotated[Literal["pending", "sending", "sent", "failed", "cancelled"], Meta(
        description="pending, sending, sent, failed or cancelled (docs/api.md, Reminders).")]
    attempts: Annotated[int, Meta(description="How many times sending was tried.")]
    next_attempt_at: Annotated[dt.datetime, Meta(description="When the next try is due.")]
    last_error: Annotated[str | None, Meta(description="Why the last try failed, or null.")]
    sent_at: Annotated[dt.datetime | None, Meta(description="When it was handed to the mail server, or null.")]
    created_at: Annotated[dt.datetime, Meta(description="When the record was made (UTC).")]
    deadline_id: Annotated[int | None, Meta(description="The deadline it reminds of, or null.")]
    message_id: Annotated[str, Meta(description="The e-mail's Message-ID, the same on every try.")]
