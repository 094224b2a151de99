"""The Swedish legal calendar and Lag (1930:173): hand-computed cases around every holiday of
2025–2028 and month ends (domain.md §5), and properties that hold for any date (hypothesis)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samverkan.deadlines.calendar import is_working_day, roll, shift
from samverkan.deadlines.catalogue import BY_ID, RULES, mbl64_request

D = dt.date.fromisoformat

# (end day, the day the time limit really ends) per 1930:173 2 §; computed by hand from the
# holiday rules of Lag (1989:253) and the weekdays, not by the code under test.
ROLLS = [
    # 2025
    ("2025-01-01", "2025-01-02"), ("2025-01-06", "2025-01-07"), ("2025-04-18", "2025-04-22"), ("2025-05-01", "2025-05-02"),
    ("2025-05-29", "2025-05-30"), ("2025-06-06", "2025-06-09"), ("2025-06-20", "2025-06-23"), ("2025-11-01", "2025-11-03"),
    ("2025-12-24", "2025-12-29"), ("2025-12-31", "2026-01-02"),
    # 2026
    ("2026-01-06", "2026-01-07"), ("2026-04-03", "2026-04-07"), ("2026-05-01", "2026-05-04"), ("2026-05-14", "2026-05-15"),
    ("2026-06-06", "2026-06-08"), ("2026-06-19", "2026-06-22"), ("2026-10-31", "2026-11-02"), ("2026-12-24", "2026-12-28"),
    ("2026-12-31", "2027-01-04"),
    # 2027
    ("2027-01-06", "2027-01-07"), ("2027-03-26", "2027-03-30"), ("2027-05-06", "2027-05-07"), ("2027-06-25", "2027-06-28"),
    ("2027-11-06", "2027-11-08"), ("2027-12-24", "2027-12-27"), ("2027-12-31", "2028-01-03"),
    # 2028 (påskdagen 16 April)
    ("2028-01-06", "2028-01-07"), ("2028-04-14", "2028-04-18"), ("2028-05-01", "2028-05-02"), ("2028-05-25", "2028-05-26"),
    ("2028-06-06", "2028-06-07"), ("2028-06-23", "2028-06-26"), ("2028-11-04", "2028-11-06"), ("2028-12-25", "2028-12-27"),
    # ordinary working days stay
    ("2026-03-04", "2026-03-04"), ("2028-12-29", "2028-12-29"),
]


@pytest.mark.parametrize("end, expected", ROLLS)
def test_end_days_roll_to_the_next_working_day(end, expected):
    due = roll(D(end))
    assert due.due == D(expected)
    assert (due.reason is None) == (end == expected)


# (rule, from, unadjusted end, due) incl. 1 §: same weekday, same date number or the month's last day.
PERIODS = [
    ("MBL16-MEET-LOCAL", "2025-12-17", "2025-12-31", "2026-01-02"),  # journey 1
    ("MBL16-MEET-CENTRAL", "2026-06-01", "2026-06-22", "2026-06-22"),
    ("MBL64-LOCAL-KNOW", "2025-10-31", "2026-02-28", "2026-03-02"),  # domain.md §5 example
    ("MBL64-LOCAL-KNOW", "2027-10-31", "2028-02-29", "2028-02-29"),  # leap year
    ("MBL64-CENTRAL", "2026-12-31", "2027-02-28", "2027-03-01"),
    ("MBL65-SUIT", "2026-03-31", "2026-06-30", "2026-06-30"),
    ("MBL66-MEMBER", "2026-08-31", "2026-09-30", "2026-09-30"),
    ("MBL64-LOCAL-LONGSTOP", "2024-02-29", "2026-02-28", "2026-03-02"),
    ("MBL37-SUIT", "2026-12-21", "2026-12-31", "2027-01-04"),  # days: the trigger day not counted
    ("MBL28-TERMINATE-CA", "2026-05-20", "2026-06-19", "2026-06-22"),
    ("MBL45-VARSEL", "2026-01-08", "2025-12-22", "2025-12-22"),  # seven working days back
    ("SKR-SAMV-INVITE", "2026-06-30", "2026-06-16", "2026-06-16"),  # two weeks before, not moved
    ("AMF8a-SK-MEET", "2026-11-30", "2027-02-28", "2027-02-28"),  # agreement rule: not moved
]


@pytest.mark.parametrize("rule, start, unadjusted, due", PERIODS)
def test_rule_periods(rule, start, unadjusted, due):
    result = BY_ID[rule].due(D(start))
    assert (result.unadjusted, result.due) == (D(unadjusted), D(due))


def test_the_longest_run_of_non_working_days_is_five():
    longest, run = 0, 0
    day = dt.date(2000, 1, 1)
    while day.year <= 2090:
        run = 0 if is_working_day(day) else run + 1
        longest = max(longest, run)
        day += dt.timedelta(days=1)
    assert longest == MOST_DAYS_MOVED


def test_the_reason_names_the_days():
    assert BY_ID["MBL16-MEET-LOCAL"].due(D("2025-12-17")).reason == (
        "2025-12-31 är nyårsafton och 2026-01-01 nyårsdagen; fristen går ut fredag 2026-01-02")
    assert roll(D("2025-12-24")).reason == (
        "2025-12-24 är julafton, 2025-12-25 juldagen, 2025-12-26 annandag jul, 2025-12-27 lördag och "
        "2025-12-28 söndag; fristen går ut måndag 2025-12-29")


def test_mbl64_takes_the_earlier_limit():
    rule, due = mbl64_request(knowledge=D("2026-05-04"), occurrence=D("2024-06-01"))
    assert rule.id == "MBL64-LOCAL-LONGSTOP" and due.due == D("2026-06-01")
    rule, due = mbl64_request(knowledge=D("2025-10-31"), occurrence=D("2025-09-01"))
    assert rule.id == "MBL64-LOCAL-KNOW" and due.due == D("2026-03-02")


def test_the_catalogue_has_every_rule_of_domain_md_with_a_length():
    ids = {r.id for r in RULES}
    assert len(ids) == len(RULES)
    assert {
        "MBL16-MEET-LOCAL", "MBL16-MEET-CENTRAL", "MBL21-SUIT-SECRECY", "MBL37-CENTRAL", "MBL37-SUIT", "MBL64-LOCAL-KNOW",
        "MBL64-LOCAL-LONGSTOP", "MBL64-CENTRAL", "MBL65-SUIT", "MBL65-SUIT-HINDER", "MBL66-MEMBER", "MBL66-UNREP-KNOW",
        "MBL66-UNREP-LONGSTOP", "MBL67-SUIT-STRIKE", "MBL28-TERMINATE-CA", "MBL45-VARSEL", "GBG-SAMV-CENTRAL-REQ",
        "UVA-CENTRAL-REQ", "HOK-LON-CENTRAL", "SKR-SAMV-INVITE", "AMF8a-SK-MEET", "AFS-SAM-ANNUAL", "KHA-CENTRAL", "KHA-SUIT",
    } <= ids
    assert all(r.adjust for r in RULES if r.statutory and r.unit != "working_days")


dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))
statutory = st.sampled_from([r for r in RULES if r.statutory and not r.before])


# At most five days later: julafton on a Wednesday starts five non-working days in a row
# (24–28 December 2025), so an end day on 24 December 2025 moves to the 29th. (Issue 4 says
# "never more than 4 days"; the law gives five in such years.)
MOST_DAYS_MOVED = 5


@settings(max_examples=400, deadline=None)
@given(rule=statutory, start=dates)
def test_a_statutory_due_date_is_a_working_day_on_or_just_after_the_end_day(rule, start):
    result = rule.due(start)
    assert is_working_day(result.due)
    assert result.unadjusted <= result.due <= result.unadjusted + dt.timedelta(days=MOST_DAYS_MOVED)
    assert (result.reason is None) == (result.due == result.unadjusted)


@settings(max_examples=300, deadline=None)
@given(start=dates, months=st.integers(min_value=1, max_value=48))
def test_months_end_on_the_same_date_or_the_last_of_a_shorter_month(start, months):
    end = shift(start, months, "months")
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == months
    assert end.day == start.day or (end.day < start.day and (end + dt.timedelta(days=1)).day == 1)


@settings(max_examples=200, deadline=None)
@given(start=dates, n=st.integers(min_value=1, max_value=30))
def test_working_days_count_only_working_days(start, n):
    end = shift(start, n, "working_days")
    assert is_working_day(end)
    between = [start + dt.timedelta(days=i) for i in range(1, (end - start).days + 1)]
    assert sum(is_working_day(d) for d in between) == n
