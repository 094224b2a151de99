"""The audit trail: one row per change, never updated or deleted, each carrying the hash of the
one before it, so that a changed or removed row breaks the chain where it happened."""

from piccolo.columns import Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class AuditEntry(Table, tablename="audit_entry"):
    at = Timestamptz()
    # Plain values, no foreign keys: an audit row must never change because another row did.
    actor_id = Integer(null=True, default=None)
    actor_name = Varchar(length=200, default="")
    action = Varchar(length=40)
    entity = Varchar(length=40, index=True)
    entity_id = Integer(null=True, default=None, index=True)
    before = Text(default="")  # JSON of the record before the change ("" when it is new)
    after = Text(default="")  # JSON after ("" when it is gone)
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64)
