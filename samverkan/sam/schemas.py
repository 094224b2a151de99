"""Input and output types of SAM (X, XCreate, XUpdate)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

from samverkan.orgs.schemas import Id, Input
from samverkan.values import MultiLine, OneLine

Name = OneLine(200, filled=True)
Title = OneLine(300, filled=True)
Text = MultiLine(10_000)
Unit = OneLine(200)
What = OneLine(5_000, filled=True)  # what an action or improvement is
Grade = Annotated[int, Meta(ge=1, le=4)]  # likelihood or consequence, 1–4
Level = Literal["low", "medium", "high", "very_high"]
Status = Literal["planned", "in_progress", "done", "cancelled"]
Reason = Literal["change", "routine"]
Role = Literal["manager", "safety_rep", "chief_safety_rep", "employee", "hr", "occupational_health", "other"]
Element = Literal["participation", "policy", "routines", "task_distribution", "knowledge", "risk_assessment", "investigation",
                  "measures"]
Answer = Literal["yes", "partly", "no"]


class SamParticipant(Input):
    name: Name
    role: Role
    person_id: Id | None = None


class RiskCreate(Input):
    description: MultiLine(5_000, filled=True)
    likelihood: Grade
    consequence: Grade
    measures: Text = ""  # taken at once


class Risk(Struct, kw_only=True):
    id: int
    number: int
    description: str
    likelihood: int
    consequence: int
    level: Level
    measures: str


class RiskAssessmentCreate(Input):
    department_id: Id
    title: Title
    date: dt.date
    reason: Reason
    participants: Annotated[list[SamParticipant], Meta(min_length=1, max_length=100)]
    risks: Annotated[list[RiskCreate], Meta(max_length=200)]
    unit: Unit = ""
    matter_id: Id | None = None
    description: Text = ""


class RiskAssessment(Struct, kw_only=True):
    id: int
    department_id: int
    unit: str
    title: str
    date: dt.date
    reason: Reason
    matter_id: int | None
    description: str
    participants: list[SamParticipant]
    risks: list[Risk]
    created_at: dt.datetime


class ActionCreate(Input):
    what: What
    responsible: Name
    due: dt.date
    risk_assessment_id: Id | None = None  # one of these two says where the action comes from
    annual_follow_up_id: Id | None = None
    risk_id: Id | None = None  # the risk it treats, in the risk assessment


class ActionUpdate(Input):
    what: What | UnsetType = UNSET
    responsible: Name | UnsetType = UNSET
    due: dt.date | UnsetType = UNSET
    status: Status | UnsetType = UNSET
    done_on: dt.date | None | UnsetType = UNSET
    follow_up: Text | UnsetType = UNSET  # whether it worked
    version: int | UnsetType = UNSET  # the version read: refused if someone changed it since


class Action(Struct, kw_only=True):
    id: int
    department_id: int
    risk_assessment_id: int | None
    annual_follow_up_id: int | None
    risk_id: int | None
    what: str
    responsible: str
    due: dt.date
    status: Status
    overdue: bool
    done_on: dt.date | None
    follow_up: str
    version: int


class ChecklistAnswer(Input):
    element: Element
    answer: Answer
    comment: Text = ""


class Improvement(Input):
    what: What
    responsible: Name
    due: dt.date


class AnnualFollowUpCreate(Input):
    department_id: Id
    year: Annotated[int, Meta(ge=2000, le=2100)]
    date: dt.date
    checklist: Annotated[list[ChecklistAnswer], Meta(max_length=20)]
    meeting_id: Id | None = None  # where the samverkansgrupp treated it
    participants: Text = ""
    summary: Text = ""
    improvements: Annotated[list[Improvement], Meta(max_length=100)] = []


class AnnualFollowUpUpdate(Input):
    meeting_id: Id | None | UnsetType = UNSET
    summary: Text | UnsetType = UNSET
    participants: Text | UnsetType = UNSET
    checklist: Annotated[list[ChecklistAnswer], Meta(max_length=20)] | UnsetType = UNSET


class AnnualFollowUp(Struct, kw_only=True):
    id: int
    department_id: int
    year: int
    date: dt.date
    meeting_id: int | None
    participants: str
    summary: str
    checklist: list[ChecklistAnswer]
    action_ids: list[int]


class SafetyRepRequestCreate(Input):
    department_id: Id
    title: Title
    received_on: dt.date
    safety_rep_name: Name
    description: Text = ""
    unit: Unit = ""
    safety_rep_id: Id | None = None
    union_id: Id | None = None
    answer_by: dt.date | None = None  # the reasonable date the skyddsombud set


class SafetyRepRequestAnswer(Input):
    answer: MultiLine(10_000, filled=True)
    answered_on: dt.date


class Acknowledgement(Input):
    acknowledged_on: dt.date


class SafetyRepRequest(Struct, kw_only=True):
    id: int
    department_id: int
    unit: str
    title: str
    description: str
    safety_rep_id: int | None
    safety_rep_name: str
    union_id: int | None
    received_on: dt.date
    answer_by: dt.date | None
    answer_due: dt.date  # answer_by, or the rule's default
    acknowledged_on: dt.date | None
    answered_on: dt.date | None
    answer: str
    state: Literal["received", "acknowledged", "answered"]
    overdue: bool  # no answer by answer_due: the skyddsombud may turn to Arbetsmiljöverket


class SamCommentCreate(Input):
    text: MultiLine(5_000, filled=True)


class SamComment(Struct, kw_only=True):
    id: int
    author: str
    text: str
    created_at: dt.datetime


class Overview(Struct, kw_only=True):
    """A department's SAM at a glance."""

    department_id: int
    open_actions: int
    overdue_actions: int
    risks_by_level: dict[str, int]
    follow_ups: dict[int, dt.date]  # year → the day it was done
    follow_up_due: dt.date | None  # when the next annual follow-up is due
    requests_waiting: int
    requests_overdue: int
    cadence_due: dt.date | None  # the skyddskommitté's next meeting at the latest
