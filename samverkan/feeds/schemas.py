"""Output types of the calendar feed."""

from __future__ import annotations

from msgspec import Struct


class CalendarFeedCreated(Struct, kw_only=True):
    url: str  # the secret address, shown once: only its hash is stored
