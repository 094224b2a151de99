"""Input and output types of actions decided on agenda items."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

from samverkan.orgs.schemas import Id, Input
from samverkan.values import MultiLine, OneLine

What = OneLine(2_000, filled=True)
Reason = MultiLine(2_000, filled=True)
Status = Literal["open", "done", "struck"]
State = Literal["open", "done", "overdue", "struck"]


class MeetingActionCreate(Input):
    """An action decided on an agenda item: who does what by when."""

    what: Annotated[What, Meta(description="What is to be done.")]
    responsible_id: Annotated[Id, Meta(description="The registry person responsible.")]
    due: Annotated[dt.date, Meta(description="By when (a reminded deadline, rule AGR-ACTION); not before the meeting.")]


class MeetingActionUpdate(Input):
    """The body that changes an action: only the fields sent change. Done with `done_on`; struck with a reason."""

    what: Annotated[What, Meta(description="What is to be done.")] | UnsetType = UNSET
    responsible_id: Annotated[Id, Meta(description="The registry person responsible.")] | UnsetType = UNSET
    due: Annotated[dt.date, Meta(description="By when.")] | UnsetType = UNSET
    status: Annotated[Status, Meta(description="open, done (with `done_on`) or struck (with `reason`).")] | UnsetType = UNSET
    done_on: Annotated[dt.date, Meta(description="When it was done; required for a done action.")] | None | UnsetType = UNSET
    reason: Annotated[Reason, Meta(description="Why it was struck; required to strike.")] | UnsetType = UNSET
    version: Annotated[int, Meta(description=(
        "The version read: the change is refused (409 on `version`) if the action changed since."))] | UnsetType = UNSET


class MeetingAction(Struct, kw_only=True):
    """An action (åtgärd) decided on an agenda item, followed up at the group's next meeting."""

    id: Annotated[int, Meta(description="The record's id.")]
    meeting_id: Annotated[int, Meta(description="The meeting where it was decided.")]
    item_id: Annotated[int, Meta(description="The agenda item it was decided on.")]
    item_title: Annotated[str, Meta(description="The agenda item's heading.")]
    group_id: Annotated[int | None, Meta(description="The meeting's group, whose next meeting follows it up.")]
    department_id: Annotated[int | None, Meta(description="The meeting's department.")]
    what: Annotated[str, Meta(description="What is to be done.")]
    responsible_id: Annotated[int, Meta(description="The registry person responsible.")]
    responsible_name: Annotated[str, Meta(description="Their name.")]
    due: Annotated[dt.date, Meta(description="By when.")]
    status: Annotated[Status, Meta(description="open, done or struck.")]
    overdue: Annotated[bool, Meta(description="Open and past its last day.")]
    done_on: Annotated[dt.date | None, Meta(description="When it was done.")]
    struck_reason: Annotated[str, Meta(description="Why it was struck.")]
    decided_on: Annotated[dt.date, Meta(description="The day of the meeting where it was decided.")]
    version: Annotated[int, Meta(description="Bumped on every change.")]
