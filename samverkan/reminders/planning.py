"""When a deadline's reminders go out, and the keys that make planning them idempotent. Pure.

A deadline is looked at on the days of its stages: a week before, the day before, the day itself
(reminders to the responsible party) and the day after (escalation to the department's HR
contact). A sweep that runs late, after downtime, sends only the latest stage that has come,
not every one it slept through.
"""

from __future__ import annotations

import datetime as dt
import hashlib

# (stage, days relative to the due day)
STAGES: tuple[tuple[str, int], ...] = (("week", -7), ("day_before", -1), ("due", 0), ("overdue", 1))
# An overdue deadline is escalated only this long after it passed: a matter entered long after
# the fact should not wake anyone up about a right that lapsed last year.
ESCALATION_WINDOW = dt.timedelta(days=14)
# Retry delays after failed attempts; the last one repeats until MAX_ATTEMPTS.
BACKOFF = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2), dt.timedelta(hours=6))
MAX_ATTEMPTS = 10
# A deadline the sweep could not plan is looked at again after 1, 2, 4, then every 7 days.
FAILURE_BACKOFF_DAYS = (1, 2, 4, 7)
DIGEST_HOUR = 7  # Europe/Stockholm


def stage_dates(due: dt.date) -> list[tuple[str, dt.date]]:
    return [(stage, due + dt.timedelta(days=offset)) for stage, offset in STAGES]


def first_look(due: dt.date, today: dt.date) -> dt.date | None:
    """When the sweep should first look at a deadline that is new or whose due day moved."""
    if today - due >= ESCALATION_WINDOW:
        return None
    return max(stage_dates(due)[0][1], today)


def stage_now(due: dt.date, today: dt.date) -> tuple[str | None, dt.date | None]:
    """The stage to send today (if any) and the next day to look again (None: nothing is left)."""
    current = None
    for stage, day in stage_dates(due):
        if day <= today:
            current = stage
        else:
            return current, day
    if current == "overdue" and today - due >= ESCALATION_WINDOW:
        current = None
    return current, None


def backoff(attempts: int) -> dt.timedelta:
    return BACKOFF[min(attempts, len(BACKOFF)) - 1] if attempts > 0 else dt.timedelta(0)


def failure_backoff(failures: int) -> dt.timedelta:
    return dt.timedelta(days=FAILURE_BACKOFF_DAYS[min(failures, len(FAILURE_BACKOFF_DAYS)) - 1])


def message_id(key: str, domain: str) -> str:
    """Stable per message: a repeat after a crash has the same id, so mail clients fold it."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"
