"""Output types of the rule catalogue and the calculator."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from msgspec import Meta, Struct, field

from samverkan.values import Checked, MultiLine, OneLine

Unit = Literal["days", "weeks", "months", "years", "working_days"]


class Rule(Struct, kw_only=True):
    """A time-limit rule of the catalogue or of a local rule set."""

    id: Annotated[str, Meta(description="The rule's id, e.g. MBL16-MEET-LOCAL.")]
    title: Annotated[str, Meta(description="What must be done by when.")]
    basis: Annotated[str, Meta(description="The statute or agreement it comes from.")]
    trigger: Annotated[str, Meta(description="What starts the period.")]
    length: Annotated[int, Meta(description="How long the period is, in `unit`.")]
    unit: Annotated[Unit, Meta(description="days, weeks, months, years or working_days.")]
    direction: Annotated[Literal["after", "before"], Meta(
        description="after the trigger, or before it (a time counted back).")]
    adjust_to_working_day: Annotated[bool, Meta(
        description="Whether an end on a non-working day moves to the next working day.")]
    statutory: Annotated[bool, Meta(description="A rule of law, which no rule set may change.")]
    local: Annotated[bool, Meta(description="A default of the local agreement that a rule set may change.")]
    optional: Annotated[bool, Meta(
        description="No deadline comes from the rule unless a local rule set gives it a length (AGR-MEET-LOCAL).")] = False


class RuleSet(Struct, kw_only=True):
    """The built-in catalogue or a local version of the agreement rules."""

    id: Annotated[str, Meta(description="\"mbl\" for the built-in catalogue, else the version's number.")]
    name: Annotated[str, Meta(description="The version's name, e.g. the agreement's.")]
    department_id: Annotated[int | None, Meta(
        description="The department it applies to; null: the whole municipality.")]
    effective_from: Annotated[dt.date, Meta(description="It applies to deadlines that start on or after this day.")]
    read_only: Annotated[bool, Meta(description="True for the built-in catalogue.")]
    rules: Annotated[list[Rule], Meta(description="The rules; a local version lists only those it changes.")]
    note: Annotated[str | None, Meta(description="A note on the version.")] = None


class RuleChange(Checked, kw_only=True, forbid_unknown_fields=True):
    """One rule a rule-set version changes."""

    rule: Annotated[OneLine(40), Meta(description="An agreement rule of the catalogue.")]
    length: Annotated[int, Meta(description="The new length (1–1000).")]
    unit: Annotated[Unit, Meta(description="days, weeks, months, years or working_days.")]
    adjust_to_working_day: Annotated[bool, Meta(
        description="Whether an end on a non-working day moves to the next working day.")] = False


class RuleSetCreate(Checked, kw_only=True, forbid_unknown_fields=True):
    """The body that saves (or previews) a new rule-set version."""

    name: Annotated[OneLine(200), Meta(description="The version's name, e.g. the agreement's.")]
    effective_from: Annotated[dt.date, Meta(description="It applies to deadlines that start on or after this day.")]
    rules: Annotated[list[RuleChange], Meta(max_length=50, description="The rules it changes, once each.")]
    department_id: Annotated[int, Meta(ge=1, le=2**31 - 1, 
        description="An active department it applies to; null: the whole municipality.")] | None = None
    note: Annotated[MultiLine(2_000), Meta(description="A note on the version.")] = ""


class Move(Struct, kw_only=True):
    """An open deadline that a new rule-set version moves."""

    deadline_id: Annotated[int, Meta(description="The deadline.")]
    matter_id: Annotated[int | None, Meta(description="Its matter, or null for a SAM deadline.")]
    diary_no: Annotated[str, Meta(description="The matter's diary number, or for a SAM deadline what it is about.")]
    rule: Annotated[str, Meta(description="The rule's id.")]
    title: Annotated[str, Meta(description="The deadline's title.")]
    old_due: Annotated[dt.date, Meta(description="The last day before the change.")]
    new_due: Annotated[dt.date, Meta(description="The last day after it.")]
    why: Annotated[str, Meta(description="Why it moves, in Swedish: the rule's old and new length and the start day.")]
    link: Annotated[str, Meta(description="The page of what it is about.")]


class RuleSetCreated(Struct, kw_only=True):
    """A saved rule-set version and what it moved."""

    rule_set: Annotated[RuleSet, Meta(description="The new version.")]
    moved: Annotated[list[Move], Meta(description="The open deadlines it moved.")]
    notified: Annotated[int, Meta(description="How many e-mails were planned to the people responsible.")]


class Calculation(Struct, kw_only=True):
    """When a time limit ends."""

    rule: Annotated[str, Meta(description="The rule's id.")]
    # "from" on the wire; a Python keyword here
    from_: Annotated[dt.date, Meta(description="The day the period starts from.")] = field(name="from")
    unadjusted_due: Annotated[dt.date, Meta(
        description="The end day under Lag (1930:173) 1 §, before any move to a working day.")]
    due: Annotated[dt.date, Meta(description="The day the time limit really ends.")]
    reason: Annotated[str | None, Meta(
        description="Why `due` differs from `unadjusted_due`, in Swedish; null when they are the same.")]


def rule_out(rule) -> Rule:
    return Rule(id=rule.id, title=rule.title, basis=rule.basis, trigger=rule.trigger, length=rule.length, unit=rule.unit,
                direction="before" if rule.before else "after", adjust_to_working_day=rule.adjust, statutory=rule.statutory,
                local=rule.local, optional=rule.optional)


class Deadline(Struct, kw_only=True):
    """A time limit (frist) that a matter's event or a SAM item started."""

    id: Annotated[int, Meta(description="The record's id.")]
    rule: Annotated[str, Meta(description="The rule's id.")]
    title: Annotated[str, Meta(description="What must be done by when.")]
    basis: Annotated[str, Meta(description="The statute or agreement.")]
    matter_id: Annotated[int | None, Meta(
        description="The matter, or null for a deadline of a SAM item or a meeting (see `subject`).")]
    union_id: Annotated[int | None, Meta(description="The union it concerns, or null.")]
    start: Annotated[dt.date, Meta(description="The day the period started.")]
    unadjusted_due: Annotated[dt.date, Meta(description="The end day before any move to a working day.")]
    due: Annotated[dt.date, Meta(description="The last day.")]
    reason: Annotated[str | None, Meta(description="Why `due` differs from `unadjusted_due`, or null.")]
    state: Annotated[Literal["open", "met", "missed", "waived", "superseded"], Meta(
        description="open, met, missed (open and past due, or done after the due day: then met_on says when), waived or superseded.")]
    responsible: Annotated[Literal["employer", "union", "claimant"], Meta(
        description="Who must act: employer, union or claimant.")]
    met_on: Annotated[dt.date | None, Meta(description="When it was done (in time: state met; too late: state missed), or null.")]
    waived_reason: Annotated[str | None, Meta(description="Why it was waived, or null.")]
    rule_set_id: Annotated[int | None, Meta(
        description="The local rule-set version that set the length; null: the built-in rule.")] = None
    subject: Annotated[Literal["matter", "sam_action", "annual_follow_up", "safety_rep_request", "meeting", "agenda_action"], Meta(description=(
        "What the deadline is about: matter, sam_action, annual_follow_up, safety_rep_request, meeting or agenda_action."))] = "matter"
    subject_id: Annotated[int | None, Meta(description="The id of that record.")] = None
    department_id: Annotated[int | None, Meta(description="The department, or null.")] = None
    label: Annotated[str | None, Meta(description="What a SAM or meeting deadline is about, or null.")] = None
    link: Annotated[str, Meta(description="The page of what it is about.")] = ""


class DeadlineWaive(Checked, kw_only=True, forbid_unknown_fields=True):
    """The body that waives a deadline."""

    reason: Annotated[OneLine(2_000, filled=True), Meta(description="Why the deadline no longer applies.")]
