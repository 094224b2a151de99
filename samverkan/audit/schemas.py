"""Output types of the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from msgspec import Struct


class AuditEntry(Struct, kw_only=True):
    id: int
    at: dt.datetime
    actor_id: int | None
    actor_name: str
    action: str
    entity: str
    entity_id: int | None
    before: Any
    after: Any
    hash: str
