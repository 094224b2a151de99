"""Time: stored in UTC, shown and reasoned about in Europe/Stockholm. All code asks here for
"now" and "today", so a test can freeze or move the clock (time-machine) for the whole service."""

import datetime as dt
import os
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TEST_SHIFT_ENV = "SAMVERKAN_TEST_SHIFT_DAYS"


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def today() -> dt.date:
    """Today's date in Sweden (not in UTC, which differs around midnight)."""
    return dt.datetime.now(STOCKHOLM).date()


def shift_for_tests() -> None:
    """The test suite runs once more with the clock moved this many days ahead, to find tests that
    pass only around the day they were written; the servers and commands it starts (python -m
    samverkan) follow it. Uses time-machine, which only the test extra installs: never set it in
    production."""
    days = os.environ.get(TEST_SHIFT_ENV, "").strip()
    if days:
        import time_machine

        time_machine.travel(dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=int(days)), tick=True).start()
