"""Output types of the rule catalogue and the calculator."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from msgspec import Meta, Struct, field

from samverkan.values import Checked, MultiLine, OneLine

Unit = Literal["days", "weeks", "months", "years", "working_days"]


class Rule(Struct, kw_only=True):
    id: str
    title: str
    basis: str
    trigger: str
    length: int
    unit: Unit
    direction: Literal["after", "before"]
    adjust_to_working_day: bool
    statutory: bool
    local: bool  # a default of the local agreement that a rule set may change


class RuleSet(Struct, kw_only=True):
    id: str  # "mbl" for the built-in catalogue, else the version's number
    name: str
    department_id: int | None  # None: the whole municipality
    effective_from: dt.date
    read_only: bool
    rules: list[Rule]  # a local version lists only the rules it changes
    note: str | None = None


class RuleChange(Checked, kw_only=True, forbid_unknown_fields=True):
    rule: OneLine(40)
    length: int
    unit: Unit
    adjust_to_working_day: bool = False


class RuleSetCreate(Checked, kw_only=True, forbid_unknown_fields=True):
    name: OneLine(200)
    effective_from: dt.date
    rules: Annotated[list[RuleChange], Meta(max_length=50)]
    department_id: Annotated[int, Meta(ge=1, le=2**31 - 1)] | None = None
    note: MultiLine(2_000) = ""


class Move(Struct, kw_only=True):
    deadline_id: int
    matter_id: int | None
    diary_no: str  # or, for a SAM deadline, what it is about
    rule: str
    title: str
    old_due: dt.date
    new_due: dt.date
    link: str


class RuleSetCreated(Struct, kw_only=True):
    rule_set: RuleSet
    moved: list[Move]
    notified: int  # e-mails planned to the responsible people


class Calculation(Struct, kw_only=True):
    rule: str
    from_: dt.date = field(name="from")  # "from" on the wire; a Python keyword here
    unadjusted_due: dt.date
    due: dt.date
    reason: str | None


def rule_out(rule) -> Rule:
    return Rule(id=rule.id, title=rule.title, basis=rule.basis, trigger=rule.trigger, length=rule.length, unit=rule.unit,
                direction="before" if rule.before else "after", adjust_to_working_day=rule.adjust, statutory=rule.statutory,
                local=rule.local)


class Deadline(Struct, kw_only=True):
    id: int
    rule: str
    title: str
    basis: str
    matter_id: int | None  # None: a deadline of a SAM item or a meeting (subject, subject_id)
    union_id: int | None
    start: dt.date
    unadjusted_due: dt.date
    due: dt.date
    reason: str | None
    state: Literal["open", "met", "missed", "waived", "superseded"]
    responsible: Literal["employer", "union", "claimant"]
    met_on: dt.date | None
    waived_reason: str | None
    rule_set_id: int | None = None  # the local rule-set version that set the length; None: the built-in rule
    subject: Literal["matter", "sam_action", "annual_follow_up", "safety_rep_request", "meeting"] = "matter"
    subject_id: int | None = None
    department_id: int | None = None
    label: str | None = None  # what a SAM or meeting deadline is about
    link: str = ""  # the page of what it is about


class DeadlineWaive(Checked, kw_only=True, forbid_unknown_fields=True):
    reason: OneLine(2_000, filled=True)
