"""Pure rules of a group's year plan: the dates a cadence proposes, where the annual items go, and
what to warn about (a skyddskommitté's gap over three months, AMF 8 a §; a date too close for the
kallelse; a date already past). Plain values in, plain values out."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from samverkan.deadlines.calendar import add_months, is_working_day
from samverkan.deadlines.catalogue import Rule
from samverkan.meetings import warnings as meeting_warnings

# The annual items a group starts with until it sets its own: (title, month, agenda kind). An item
# goes into the first planned meeting in or after its month, or the year's last meeting.
DEFAULT_ANNUAL_ITEMS: tuple[tuple[str, int, str], ...] = (
    ("Årlig uppföljning av SAM", 1, "work_environment"),
    ("Löneöversyn", 3, "information"),
    ("Budget och verksamhetsplan", 9, "information"),
)
MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november",
          "december")


@dataclass(frozen=True)
class Warning:
    code: str  # cadence, notice_late, in_past
    message: str  # Swedish
    date: dt.date


def propose(year: int, cadence_months: int | None, after: dt.date | None = None) -> list[dt.date]:
    """Meetings every `cadence_months` (default three) through the year: the first on the second Tuesday
    of the middle month of the first period (or one period after `after`, a meeting already planned),
    each next one on the second Tuesday of its month or, when that is too late, the last Tuesday (a
    working day) before the period has passed, so that no gap is longer than the cadence."""
    step = max(1, min(12, cadence_months or 3))
    day = _second_tuesday(year, 1 + step // 2)
    if after is not None:
        limit = add_months(after, step)
        follow = min(_second_tuesday(limit.year, limit.month), limit - dt.timedelta(days=(limit.weekday() - 1) % 7))
        if after.year == year or follow.year == year:
            day = follow if after.year == year else min(day, follow)
    out = []
    while day.year == year:
        while not is_working_day(day):
            day -= dt.timedelta(days=7) if out or after else -dt.timedelta(days=1)
        out.append(day)
        limit = add_months(day, step)
        day = min(_second_tuesday(limit.year, limit.month), limit - dt.timedelta(days=(limit.weekday() - 1) % 7))
    return out


def _second_tuesday(year: int, month: int) -> dt.date:
    return [d for d in calendar.Calendar().itermonthdates(year, month) if d.month == month and d.weekday() == 1][1]


def place(dates: list[dt.date], items: list[tuple[str, int, str]]) -> dict[int, list[tuple[str, str]]]:
    """Index of the meeting (in date order) → the annual items it treats (title, kind)."""
    ordered = sorted(dates)
    out: dict[int, list[tuple[str, str]]] = {i: [] for i in range(len(ordered))}
    if not ordered:
        return out
    for title, month, kind in items:
        index = next((i for i, d in enumerate(ordered) if d.month >= month), len(ordered) - 1)
        out[index].append((title, kind))
    return out


def warnings(dates: list[dt.date], today: dt.date, existing: list[dt.date], *, cadence_rule: Rule | None,
             notice_rule: Rule) -> list[Warning]:
    """For new dates: in_past and notice_late; over the existing and new dates together: cadence.
    The texts and rules are a single meeting's (meetings/warnings.py), each said of its date."""
    out = []
    for day in sorted(dates):
        if day < today:
            out.append(Warning("in_past", f"{day.isoformat()} har redan varit.", day))
        elif late := meeting_warnings.notice_late(day, notice_rule, called_on=None, today=today):
            out.append(Warning("notice_late", f"{day.isoformat()}: {late.text}", day))
    if cadence_rule is not None:
        ordered = sorted({*dates, *existing})
        for before, after in zip(ordered, ordered[1:]):
            out += [Warning(w.code, w.text, after) for w in meeting_warnings.cadence(after, before, None, cadence_rule)]
    return out


def month_name(month: int) -> str:
    return MONTHS[month - 1]
