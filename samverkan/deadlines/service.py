"""The calculator and the catalogue as the API and the CLI see them. No HTTP here."""

from __future__ import annotations

import datetime as dt

from samverkan.deadlines import catalogue
from samverkan.deadlines import schemas as s
from samverkan.errors import NotFound

BUILT_IN = "mbl"


def calculate(rule_id: str, start: dt.date) -> s.Calculation:
    rule = catalogue.BY_ID.get(rule_id)
    if rule is None:
        raise NotFound(f"Det finns ingen fristregel {rule_id!r}.", field="rule")
    due = rule.due(start)
    return s.Calculation(rule=rule.id, from_=start, unadjusted_due=due.unadjusted, due=due.due, reason=due.reason)


def rule_sets() -> list[s.RuleSet]:
    """The built-in catalogue as one read-only set. (Versioned local sets come with the rule-set editor.)"""
    return [s.RuleSet(
        id=BUILT_IN, name="MBL (1976:580) och samverkansavtalets standardregler", effective_from=dt.date(1977, 1, 1),
        read_only=True, rules=[s.rule_out(r) for r in catalogue.RULES],
    )]
