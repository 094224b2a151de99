"""Deadlines derived from matter events. "Missed" is not stored: it is an open deadline whose
due date has passed, worked out when read."""

from piccolo.columns import Date, ForeignKey, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from samverkan.accounts.tables import User
from samverkan.matters.tables import Matter, MatterEvent
from samverkan.orgs.tables import TradeUnion


class Deadline(Table, tablename="deadline"):
    matter = ForeignKey(Matter, on_delete=OnDelete.cascade, index=True)
    rule_id = Varchar(length=40)
    trigger_event = ForeignKey(MatterEvent, on_delete=OnDelete.cascade)
    trade_union = ForeignKey(TradeUnion, null=True, on_delete=OnDelete.restrict)
    start = Date()
    unadjusted_due = Date()
    due = Date(index=True)
    reason = Text(default="")
    responsible = Varchar(length=10)  # employer, union, claimant
    state = Varchar(length=12, default="open")  # open, met, waived, superseded
    met_on = Date(null=True, default=None)
    waived_reason = Text(default="")
    waived_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
