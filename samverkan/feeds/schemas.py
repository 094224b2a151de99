"""Output types of the calendar feed."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta, Struct


class CalendarFeedCreated(Struct, kw_only=True):
    """A new calendar address."""

    url: Annotated[str, Meta(
        description="The iCalendar address to subscribe to; shown only this once (only its hash is stored).")]
