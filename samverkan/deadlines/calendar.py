"""The Swedish legal calendar and Lag (1930:173) om beräkning av lagstadgad tid. Pure: no web,
no database.

- Non-working days: Saturdays, Sundays and the days of ``holidays.Sweden`` with the categories
  public and de_facto (the latter carries midsommarafton, julafton and nyårsafton), as in
  1930:173 2 § and MBL 45 §.
- 1 §: a period in weeks ends on the same weekday; in months or years on the same date number, or
  the last day of a shorter month. A period in days does not count the day it starts from.
- 2 §: an end day that is not a working day moves to the next working day.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays

WEEKDAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
UNITS = ("days", "weeks", "months", "years", "working_days")


@lru_cache(maxsize=64)
def _holidays(year: int) -> dict[dt.date, str]:
    return dict(holidays.Sweden(years=year, categories=("public", "de_facto"), language="sv"))


def holiday_name(day: dt.date) -> str | None:
    """The Swedish name of a holiday or de-facto holiday (e.g. "Nyårsafton"), else None."""
    return _holidays(day.year).get(day)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and holiday_name(day) is None


def non_working_reason(day: dt.date) -> str:
    """Why a day is not a working day, in Swedish: "nyårsafton", "lördag"."""
    name = holiday_name(day)
    return name.lower() if name else WEEKDAYS[day.weekday()]


def add_months(day: dt.date, months: int) -> dt.date:
    """The same date number, or the last day of a shorter month (1930:173 1 §)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def shift(day: dt.date, length: int, unit: str) -> dt.date:
    """``day`` moved by ``length`` units (negative: back). Working days skip non-working days."""
    if unit == "days":
        return day + dt.timedelta(days=length)
    if unit == "weeks":
        return day + dt.timedelta(weeks=length)
    if unit == "months":
        return add_months(day, length)
    if unit == "years":
        return add_months(day, 12 * length)
    if unit == "working_days":
        step = 1 if length >= 0 else -1
        remaining = abs(length)
        while remaining:
            day += dt.timedelta(days=step)
            if is_working_day(day):
                remaining -= 1
        return day
    raise ValueError(f"unknown unit {unit!r}")


@dataclass(frozen=True)
class Due:
    unadjusted: dt.date
    due: dt.date
    reason: str | None  # Swedish, when the two differ


def roll(day: dt.date, forward: bool = True) -> Due:
    """Move a non-working end day to the next working day (2 §), or the previous one for a
    deadline counted backwards (a kallelse must go out before, not after, a Saturday)."""
    skipped = []
    due = day
    while not is_working_day(due):
        skipped.append(due)
        due += dt.timedelta(days=1 if forward else -1)
    if not skipped:
        return Due(day, day, None)
    parts = [f"{d.isoformat()} {non_working_reason(d)}" for d in skipped]
    first = f"{skipped[0].isoformat()} är {non_working_reason(skipped[0])}"
    listed = first if len(parts) == 1 else ", ".join([first, *parts[1:-1]]) + " och " + parts[-1]
    return Due(day, due, f"{listed}; fristen går ut {WEEKDAYS[due.weekday()]} {due.isoformat()}")
