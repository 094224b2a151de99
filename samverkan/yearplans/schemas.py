"""Input and output types of year plans and annual items."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from msgspec import Meta, Struct

from samverkan.meetings.schemas import AgendaKind
from samverkan.orgs.schemas import Input
from samverkan.values import OneLine

Year = Annotated[int, Meta(ge=2000, le=2100)]


class AnnualItem(Input):
    """An item the year plan puts in the first meeting in or after its month."""

    title: Annotated[OneLine(300, filled=True), Meta(description="The agenda item, e.g. Löneöversyn.")]
    month: Annotated[int, Meta(ge=1, le=12, description="The month (1–12) from which the item is due.")]
    kind: Annotated[AgendaKind, Meta(description="The agenda item's kind.")] = "information"


class AnnualItems(Input):
    """A group's annual items; without any stored, the defaults apply."""

    items: Annotated[list[AnnualItem], Meta(max_length=30, description="The items, in any order.")]


class YearPlanCreate(Input):
    """Plan a group's year. Without `dates`, the answer is a proposal from the group's cadence, nothing is saved."""

    year: Annotated[Year, Meta(description="The year.")]
    dates: Annotated[list[dt.date], Meta(max_length=24, description=(
        "The meeting days, in the year; each meeting gets the standard agenda and the annual items of its period."))] | None = None
    start: Annotated[dt.time, Meta(description="When each meeting starts (Swedish local time).")] = dt.time(13, 0)
    minutes: Annotated[int, Meta(ge=15, le=600, description="How long each meeting is, in minutes.")] = 120
    place: Annotated[OneLine(300), Meta(description="Where the meetings are held.")] = ""


class PlannedMeeting(Struct, kw_only=True):
    """One meeting of a year plan, created or proposed."""

    id: Annotated[int | None, Meta(description="The meeting, once created; null in a proposal.")]
    date: Annotated[dt.date, Meta(description="The day.")]
    title: Annotated[str, Meta(description="The meeting's title.")]
    annual_items: Annotated[list[str], Meta(description="The annual items placed in this meeting.")]


class YearMeeting(Struct, kw_only=True):
    """A meeting of the year as the year plan's page and document show it."""

    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    agenda_titles: list[str]


class PlanWarning(Struct, kw_only=True):
    """Something to look at in a year plan."""

    code: Annotated[str, Meta(description="cadence (more than three months between a skyddskommitté's meetings), "
                                          "notice_late (too little time for the kallelse) or in_past.")]
    message: Annotated[str, Meta(description="In Swedish.")]
    date: Annotated[dt.date, Meta(description="The date it concerns.")]


class YearPlan(Struct, kw_only=True):
    """A group's year: the meetings created (or proposed) and the warnings."""

    group_id: Annotated[int, Meta(description="The group.")]
    year: Annotated[int, Meta(description="The year.")]
    saved: Annotated[bool, Meta(description="False for a proposal; true when the meetings were created.")]
    meetings: Annotated[list[PlannedMeeting], Meta(description="The year's meetings, by date.")]
    warnings: Annotated[list[PlanWarning], Meta(description="What to look at before (or after) saving.")]
