"""Which version of which rule set decides a deadline. Pure: versions in, rule out.

The built-in catalogue is the bottom layer. A local agreement set (municipality-wide, or one
department's) is a chain of versions, each with an effective date and only the agreement rules it
changes. For a deadline the latest version effective on its start day counts: the department's
first, then the municipality's, then the catalogue. Only the local agreement's rules can be
changed: never the law's, nor the reference rules of other agreements.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from samverkan.deadlines.calendar import UNITS
from samverkan.deadlines.catalogue import Rule




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


def current(versions: list[Version], department_id: int | None, on: dt.date) -> Version | None:
    """The version of one scope in force on a day."""
    live = [v for v in versions if v.department_id == department_id and v.effective_from <= on]
    return max(live, key=lambda v: (v.effective_from, v.id), default=None)


def resolve(rule: Rule, versions: list[Version], department_id: int | None, start: dt.date) -> tuple[Rule, int | None]:
    """The rule as it applies to a deadline of this department starting on this day, and the
    version it came from (None: the built-in catalogue)."""
    if not rule.local:
        return rule, None
    scopes = ([department_id] if department_id is not None else []) + [None]
    for scope in scopes:
        version = current(versions, scope, start)
        if version is not None and rule.id in version.overrides:
            return applied(rule, version.overrides[rule.id]), version.id
    return rule, None


def effective_date_error(versions: list[Version], department_id: int | None, effective_from: dt.date) -> str | None:
    """A new version may not take effect before one that exists for the same scope: that would
    rewrite history the later version already decided."""
    latest = max((v.effective_from for v in versions if v.department_id == department_id), default=None)
    if latest is not None and effective_from < latest:
        return f"Det finns redan en version som gäller från {latest.isoformat()}; en ny version kan inte gälla tidigare."
    return None


def override_error(rule: Rule | None, override: Override) -> str | None:
    if rule is None:
        return "Regeln finns inte."
    if rule.statutory:
        return "Regeln är lagstadgad och kan inte ändras lokalt."
    if not rule.local:
        return "Regeln hör till ett annat avtal och kan inte ändras lokalt."
    if override.unit not in UNITS:
        return "Okänd enhet."
    if not 1 <= override.length <= 1000:
        return "Längden måste vara ett heltal från 1 till 1000."
    return None
