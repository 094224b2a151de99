"""Output types of the rule catalogue and the calculator."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from msgspec import Meta, Struct, field

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


class RuleSet(Struct, kw_only=True):
    id: str
    name: str
    effective_from: dt.date
    read_only: bool
    rules: list[Rule]


class Calculation(Struct, kw_only=True):
    rule: str
    from_: dt.date = field(name="from")  # "from" on the wire; a Python keyword here
    unadjusted_due: dt.date
    due: dt.date
    reason: str | None


def rule_out(rule) -> Rule:
    return Rule(id=rule.id, title=rule.title, basis=rule.basis, trigger=rule.trigger, length=rule.length, unit=rule.unit,
                direction="before" if rule.before else "after", adjust_to_working_day=rule.adjust, statutory=rule.statutory)


class Deadline(Struct, kw_only=True):
    id: int
    rule: str
    title: str
    basis: str
    matter_id: int
    union_id: int | None
    start: dt.date
    unadjusted_due: dt.date
    due: dt.date
    reason: str | None
    state: Literal["open", "met", "missed", "waived", "superseded"]
    responsible: Literal["employer", "union", "claimant"]
    met_on: dt.date | None
    waived_reason: str | None


class DeadlineWaive(Struct, kw_only=True, forbid_unknown_fields=True):
    reason: Annotated[str, Meta(min_length=1, max_length=2_000, pattern=r"\S")]
