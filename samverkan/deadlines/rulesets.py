"""Which version of which rule set decides a deadline. Pure: versions in, rule out.

The built-in catalogue is the bottom layer. A local agreement set (municipality-wide, or one
department's) is a chain of versions, each with an effective date and only the agreement rules it
changes; a rule a version leaves alone keeps what an earlier version of the chain said. For a
deadline the versions in force on its start day count, newest first: the department's chain,
then the municipality's, then the catalogue. Only the local agreement's rules can be
changed: never the law's, nor the reference rules of other agreements.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from samverkan.deadlines.calendar import UNITS
from samverkan.deadlines.catalogue import Rule

UNIT_LABELS = {"days": "dagar", "weeks": "veckor", "months": "månader", "years": "år", "working_days": "arbetsdagar"}


def described(rule: Rule) -> str:
    """A rule's length in Swedish: "7 arbetsdagar", "14 dagar, till vardag"."""
    return f"{rule.length} {UNIT_LABELS.get(rule.unit, rule.unit)}" + (", till vardag" if rule.adjust else "")


@dataclass(frozen=True)
class Override:
    length: int
    unit: str
    adjust: bool


@dataclass(frozen=True)
class Version:
    id: int
    department_id: int | None  # None: the whole municipality
    effective_from: dt.date
    overrides: dict[str, Override] = field(default_factory=dict)


def applied(rule: Rule, override: Override) -> Rule:
    return dataclasses.replace(rule, length=override.length, unit=override.unit, adjust=override.adjust)


def in_force(versions: list[Version], department_id: int | None, on: dt.date) -> list[Version]:
    """The versions of one scope that have taken effect on a day, newest first."""
    live = [v for v in versions if v.department_id == department_id and v.effective_from <= on]
    return sorted(live, key=lambda v: (v.effective_from, v.id), reverse=True)


def resolve(rule: Rule, versions: list[Version], department_id: int | None, start: dt.date) -> tuple[Rule, int | None]:
    """The rule as it applies to a deadline of this department starting on this day, and the
    version it came from (None: the built-in catalogue)."""
    if not rule.local:
        return rule, None
    scopes = ([department_id] if department_id is not None else []) + [None]
    for scope in scopes:
        for version in in_force(versions, scope, start):
            if rule.id in version.overrides:
                return applied(rule, version.overrides[rule.id]), version.id
    return rule, None


def effective_date_error(versions: list[Version], department_id: int | None, effective_from: dt.date) -> str | None:
    """A new version may not take effect before one that exists for the same scope: that would
    rewrite history the later version already decided."""
    latest = max((v.effective_from for v in versions if v.department_id == department_id), default=None)
    if latest is not None and effective_from < latest:
        return f"Det finns redan en version som gäller från {latest.isoformat()}; en ny version kan inte gälla tidigare."
    return None


def override_error(rule: Rule | None, override: Override) -> tuple[str, str] | None:
    """What is wrong with a local change of a rule: (the field, the Swedish message), or None."""
    if rule is None:
        return "rule", "Regeln finns inte."
    if rule.statutory:
        return "rule", "Regeln är lagstadgad och kan inte ändras lokalt."
    if not rule.local:
        return "rule", "Regeln hör till ett annat avtal och kan inte ändras lokalt."
    if override.unit not in UNITS:
        return "unit", "Okänd enhet."
    if not 1 <= override.length <= 1000:
        return "length", "Längden måste vara ett heltal från 1 till 1000."
    return None
