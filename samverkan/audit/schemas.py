"""Output types of the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from msgspec import Meta, Struct


class AuditEntry(Struct, kw_only=True):
    """One change in the append-only, hash-chained audit trail."""

    id: Annotated[int, Meta(description="The record's id.")]
    at: Annotated[dt.datetime, Meta(description="When (UTC).")]
    actor_id: Annotated[int | None, Meta(description="The user who made the change, or null (the system).")]
    actor_name: Annotated[str, Meta(description="Their name then.")]
    action: Annotated[str, Meta(description="create, update, delete, close, submit, approve, lock…")]
    entity: Annotated[str, Meta(description="What kind of record, e.g. matter.")]
    entity_id: Annotated[int | None, Meta(description="Its id.")]
    before: Annotated[Any, Meta(description="The record before (JSON), or null.")]
    after: Annotated[Any, Meta(description="The record after (JSON), or null.")]
    hash: Annotated[str, Meta(description="SHA-256 over the previous entry's hash and this entry's fields.")]
