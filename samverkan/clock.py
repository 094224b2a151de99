"""Time: stored in UTC, shown and reasoned about in Europe/Stockholm."""

import datetime as dt
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def today() -> dt.date:
    """Today's date in Sweden (not in UTC, which differs around midnight)."""
    return dt.datetime.now(STOCKHOLM).date()
