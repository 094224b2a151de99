"""Which rule-set version decides a deadline (pure): the department's, then the municipality's,
then the catalogue; only versions in force on the deadline's start day; never a statutory rule."""

from __future__ import annotations

import datetime as dt

from samverkan.deadlines.catalogue import BY_ID
from samverkan.deadlines.rulesets import Override, Version, effective_date_error, override_error, resolve

APPROVAL = BY_ID["AGR-PROTOCOL-APPROVAL"]
JAN, MAR = dt.date(2026, 1, 1), dt.date(2026, 3, 1)
VERSIONS = [
    Version(1, None, JAN, {"AGR-PROTOCOL-APPROVAL": Override(21, "days", False)}),
    Version(2, 7, MAR, {"AGR-PROTOCOL-APPROVAL": Override(10, "days", True)}),
    Version(3, None, MAR, {"AGR-CENTRAL-REQ": Override(10, "days", False)}),
]


def test_the_latest_version_in_force_on_the_start_day_decides():
    assert resolve(APPROVAL, VERSIONS, None, dt.date(2025, 12, 31)) == (APPROVAL, None)  # before any version
    rule, version = resolve(APPROVAL, VERSIONS, None, dt.date(2026, 2, 1))
    assert (rule.length, version) == (21, 1)
    # Version 3 (municipality, March) does not list the rule: version 1 still decides it.
    rule, version = resolve(APPROVAL, VERSIONS, 8, dt.date(2026, 4, 1))
    assert (rule.length, version) == (21, 1)


def test_a_departments_version_wins_over_the_municipalitys():
    rule, version = resolve(APPROVAL, VERSIONS, 7, dt.date(2026, 3, 2))
    assert (rule.length, rule.adjust, version) == (10, True, 2)
    assert rule.due(dt.date(2026, 3, 2)).due == dt.date(2026, 3, 12)
    rule, version = resolve(APPROVAL, VERSIONS, 7, dt.date(2026, 2, 27))  # before the department's version
    assert (rule.length, version) == (21, 1)


def test_statutory_and_other_agreements_rules_are_never_changed():
    assert resolve(BY_ID["MBL16-MEET-LOCAL"], VERSIONS, 7, MAR) == (BY_ID["MBL16-MEET-LOCAL"], None)
    assert override_error(BY_ID["MBL16-MEET-LOCAL"], Override(3, "weeks", True))[0] == "rule"
    assert override_error(BY_ID["GBG-SAMV-CENTRAL-REQ"], Override(3, "days", False))[0] == "rule"
    assert override_error(None, Override(3, "days", False))[0] == "rule"
    assert override_error(APPROVAL, Override(-1, "days", False))[0] == "length"
    assert override_error(APPROVAL, Override(3, "fortnights", False))[0] == "unit"
    assert override_error(APPROVAL, Override(3, "weeks", False)) is None


def test_a_version_may_not_take_effect_before_one_of_the_same_scope():
    assert effective_date_error(VERSIONS, None, dt.date(2026, 2, 1)) is not None  # March exists
    assert effective_date_error(VERSIONS, None, MAR) is None  # the same day: the newer one counts
    assert effective_date_error(VERSIONS, 8, JAN) is None  # another scope
