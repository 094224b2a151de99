"""Deadlines derived from matter events, and those of SAM items and safety-committee meetings
(subject and subject_id name those; matter is null for them). "Missed" is stored for a deadline
done after its due day (met_on says when); an open deadline whose due date has passed is missed
too, worked out when read."""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from samverkan.accounts.tables import User
from samverkan.matters.tables import Matter, MatterEvent
from samverkan.orgs.tables import Department, TradeUnion


class RuleSet(Table, tablename="rule_set"):
    """One version of a local agreement's rule set; a change is a new version, never an edit."""

    name = Varchar(length=200)
    department = ForeignKey(Department, null=True, on_delete=OnDelete.restrict)  # null: the whole municipality
    effective_from = Date()
    note = Text(default="")
    created_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())


class RuleOverride(Table, tablename="rule_override"):
    """An agreement rule as a rule-set version sets it."""

    rule_set = ForeignKey(RuleSet, on_delete=OnDelete.cascade, index=True)
    rule_id = Varchar(length=40)
    length = Integer()
    unit = Varchar(length=12)
    adjust = Boolean(default=False)


class Deadline(Table, tablename="deadline"):
    matter = ForeignKey(Matter, null=True, on_delete=OnDelete.cascade, index=True)
    rule_id = Varchar(length=40)
    trigger_event = ForeignKey(MatterEvent, null=True, on_delete=OnDelete.cascade)
    # What the deadline is about: "matter", or a SAM item or meeting (deadlines.subjects).
    subject = Varchar(length=20, default="matter")
    subject_id = Integer(null=True, default=None)
    # Whose deadline it is: scopes who sees it and which local rule set applies.
    department = ForeignKey(Department, null=True, on_delete=OnDelete.restrict, index=True)
    label = Text(default="")  # what a SAM deadline is about, in Swedish (a matter's is its diary number and title)
    trade_union = ForeignKey(TradeUnion, null=True, on_delete=OnDelete.restrict)
    rule_set = ForeignKey(RuleSet, null=True, on_delete=OnDelete.restrict)  # null: the built-in catalogue
    start = Date()
    unadjusted_due = Date()
    due = Date(index=True)
    reason = Text(default="")
    # The due day was set by hand (a skyddsombud's reasonable date, an agreed day), not counted by
    # a rule: a rule-set change never moves it.
    fixed = Boolean(default=False)
    responsible = Varchar(length=10)  # employer, union, claimant
    state = Varchar(length=12, default="open")  # open, met, missed (done too late), waived, superseded
    met_on = Date(null=True, default=None)
    waived_reason = Text(default="")
    waived_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    # The next day the sweep should look at this deadline (a reminder stage or the escalation);
    # null once nothing is left to send. An index on it keeps the sweep proportional to what is due.
    next_reminder_on = Date(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
