"""Output types of notifications and the outbox."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from msgspec import Struct


class Notification(Struct, kw_only=True):
    id: int
    title: str
    link: str | None
    created_at: dt.datetime
    read: bool


class OutboxMessage(Struct, kw_only=True):
    id: int
    kind: Literal["reminder", "escalation", "digest", "rule_change", "justering", "protocol"]
    to_address: str
    subject: str
    state: Literal["pending", "sending", "sent", "failed", "cancelled"]
    attempts: int
    next_attempt_at: dt.datetime
    last_error: str | None
    sent_at: dt.datetime | None
    created_at: dt.datetime
    deadline_id: int | None
    message_id: str
