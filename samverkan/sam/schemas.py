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
    """Someone who took part in a risk assessment."""

    name: Annotated[Name, Meta(description="Their name.")]
    role: Annotated[Role, Meta(
        description="manager, safety_rep, chief_safety_rep, employee, hr, occupational_health or other.")]
    person_id: Annotated[Id | None, Meta(description="The registry person, or null.")] = None


class RiskCreate(Input):
    """A risk in a new risk assessment."""

    description: Annotated[MultiLine(5_000, filled=True), Meta(description="The risk.")]
    likelihood: Annotated[Grade, Meta(description="How likely, 1–4.")]
    consequence: Annotated[Grade, Meta(description="How serious, 1–4.")]
    measures: Annotated[Text, Meta(description="What was done at once.")] = ""


class RiskEdit(RiskCreate):
    """A risk in a changed risk assessment: one with an id keeps its record (and its actions)."""

    id: Annotated[Id | None, Meta(description="The risk kept, or null for a new one; a risk left out is removed.")] = None


class Risk(Struct, kw_only=True):
    """A risk found in a risk assessment."""

    id: Annotated[int, Meta(description="The record's id.")]
    number: Annotated[int, Meta(description="Its number in the assessment.")]
    description: Annotated[str, Meta(description="The risk.")]
    likelihood: Annotated[int, Meta(description="How likely, 1–4.")]
    consequence: Annotated[int, Meta(description="How serious, 1–4.")]
    level: Annotated[Level, Meta(description="low, medium, high or very_high, from the risk matrix.")]
    measures: Annotated[str, Meta(description="What was done at once.")]


class RiskAssessmentCreate(Input):
    """The body that creates a risk assessment."""

    department_id: Annotated[Id, Meta(description="The department.")]
    title: Annotated[Title, Meta(description="What was assessed.")]
    date: Annotated[dt.date, Meta(description="When.")]
    reason: Annotated[Reason, Meta(description="change (before a change in the business) or routine.")]
    participants: Annotated[list[SamParticipant], Meta(min_length=1, max_length=100, description="Who took part.")]
    risks: Annotated[list[RiskCreate], Meta(max_length=200, description="The risks found.")]
    unit: Annotated[Unit, Meta(description="The unit or workplace, or empty.")] = ""
    matter_id: Annotated[Id | None, Meta(description="The matter of the change, or null.")] = None
    description: Annotated[Text, Meta(description="A description.")] = ""


class RiskAssessmentUpdate(Input):
    """The body that changes a risk assessment not yet marked done: the whole of it, as the form shows it."""

    title: Annotated[Title, Meta(description="What was assessed.")]
    date: Annotated[dt.date, Meta(description="When.")]
    reason: Annotated[Reason, Meta(description="change (before a change in the business) or routine.")]
    participants: Annotated[list[SamParticipant], Meta(min_length=1, max_length=100, description="Who took part.")]
    risks: Annotated[list[RiskEdit], Meta(max_length=200, description="The risks found; one left out is removed.")]
    version: Annotated[int, Meta(description="The version read: refused (409 on `version`) if the record changed since.")]
    unit: Annotated[Unit, Meta(description="The unit or workplace, or empty.")] = ""
    matter_id: Annotated[Id | None, Meta(description="The matter of the change, or null.")] = None
    description: Annotated[Text, Meta(description="A description.")] = ""


class RiskAssessment(Struct, kw_only=True):
    """A risk assessment (riskbedömning) with its risks."""

    id: Annotated[int, Meta(description="The record's id.")]
    department_id: Annotated[int, Meta(description="The department.")]
    unit: Annotated[str, Meta(description="The unit or workplace, or empty.")]
    title: Annotated[str, Meta(description="What was assessed.")]
    date: Annotated[dt.date, Meta(description="When.")]
    reason: Annotated[Reason, Meta(description="change (before a change in the business) or routine.")]
    matter_id: Annotated[int | None, Meta(description="The matter of the change, or null.")]
    description: Annotated[str, Meta(description="A description.")]
    participants: Annotated[list[SamParticipant], Meta(description="Who took part.")]
    risks: Annotated[list[Risk], Meta(description="The risks found.")]
    version: Annotated[int, Meta(description="Goes up with every change; send it back when changing.")]
    closed_on: Annotated[dt.date | None, Meta(description="When it was marked done (then no longer changed), or null.")]
    created_at: Annotated[dt.datetime, Meta(description="When the record was made (UTC).")]


class ActionCreate(Input):
    """The body that creates a action."""

    what: Annotated[What, Meta(description="What is to be done.")]
    responsible: Annotated[Name, Meta(description="Who is responsible.")]
    due: Annotated[dt.date, Meta(description="By when (a reminded deadline).")]
    risk_assessment_id: Annotated[Id | None, Meta(
        description="The risk assessment it comes from; this or `annual_follow_up_id`.")] = None
    annual_follow_up_id: Annotated[Id | None, Meta(
        description="The annual follow-up it comes from; this or `risk_assessment_id`.")] = None
    risk_id: Annotated[Id | None, Meta(description="The risk it treats, in the risk assessment, or null.")] = None


class ActionUpdate(Input):
    """The body that changes a action: only the fields sent change."""

    what: Annotated[What, Meta(description="What is to be done.")] | UnsetType = UNSET
    responsible: Annotated[Name, Meta(description="Who is responsible.")] | UnsetType = UNSET
    due: Annotated[dt.date, Meta(description="By when (a reminded deadline).")] | UnsetType = UNSET
    status: Annotated[Status, Meta(description="planned, in_progress, done or cancelled.")] | UnsetType = UNSET
    done_on: Annotated[dt.date, Meta(
        description="When it was done; required for a done action.")] | None | UnsetType = UNSET
    follow_up: Annotated[Text, Meta(description="Whether it worked.")] | UnsetType = UNSET
    version: Annotated[int, Meta(description=(
        "The version read: the change is refused (409 on `version`) if the record changed since."))] | UnsetType = UNSET


class Action(Struct, kw_only=True):
    """An item of the action plan (handlingsplan)."""

    id: Annotated[int, Meta(description="The record's id.")]
    department_id: Annotated[int, Meta(description="The department.")]
    risk_assessment_id: Annotated[int | None, Meta(description="The risk assessment it comes from, or null.")]
    annual_follow_up_id: Annotated[int | None, Meta(description="The annual follow-up it comes from, or null.")]
    risk_id: Annotated[int | None, Meta(description="The risk it treats, or null.")]
    what: Annotated[str, Meta(description="What is to be done.")]
    responsible: Annotated[str, Meta(description="Who is responsible.")]
    due: Annotated[dt.date, Meta(description="By when (a reminded deadline).")]
    status: Annotated[Status, Meta(description="planned, in_progress, done or cancelled.")]
    overdue: Annotated[bool, Meta(description="Not done and past `due`.")]
    done_on: Annotated[dt.date | None, Meta(description="When it was done; required for a done action.")]
    follow_up: Annotated[str, Meta(description="Whether it worked.")]
    version: Annotated[int, Meta(
        description="Goes up with every change; send it back in a PATCH to refuse a change made in between (409).")]


class ChecklistAnswer(Input):
    """The answer for one element of SAM."""

    element: Annotated[Element, Meta(description="The element of SAM (AFS 2023:1) answered about.")]
    answer: Annotated[Answer, Meta(description="yes, partly or no.")]
    comment: Annotated[Text, Meta(description="A comment.")] = ""


class Improvement(Input):
    """An improvement, which becomes an action."""

    what: Annotated[What, Meta(description="What is to be improved.")]
    responsible: Annotated[Name, Meta(description="Who is responsible.")]
    due: Annotated[dt.date, Meta(description="By when.")]


class AnnualFollowUpCreate(Input):
    """The body that creates a annual follow-up."""

    department_id: Annotated[Id, Meta(description="The department.")]
    year: Annotated[int, Meta(ge=2000, le=2100, description="The year followed up; one per department and year.")]
    date: Annotated[dt.date, Meta(description="When it was done.")]
    checklist: Annotated[list[ChecklistAnswer], Meta(max_length=20, 
        description="An answer for each element of SAM, once each.")]
    meeting_id: Annotated[Id | None, Meta(
        description="The meeting where the samverkansgrupp treated it, or null.")] = None
    participants: Annotated[Text, Meta(description="Who took part.")] = ""
    summary: Annotated[Text, Meta(description="The summary.")] = ""
    improvements: Annotated[list[Improvement], Meta(max_length=100, 
        description="Improvements, which become actions.")] = []


class AnnualFollowUpUpdate(Input):
    """The body that changes a annual follow-up: only the fields sent change."""

    meeting_id: Annotated[Id, Meta(
        description="The meeting where the samverkansgrupp treated it, or null.")] | None | UnsetType = UNSET
    summary: Annotated[Text, Meta(description="The summary.")] | UnsetType = UNSET
    participants: Annotated[Text, Meta(description="Who took part.")] | UnsetType = UNSET
    checklist: Annotated[list[ChecklistAnswer], Meta(max_length=20, 
        description="An answer for each element of SAM, once each.")] | UnsetType = UNSET
    version: Annotated[int, Meta(description=(
        "The version read: the change is refused (409 on `version`) if the record changed since."))] | UnsetType = UNSET


class AnnualFollowUp(Struct, kw_only=True):
    """The annual follow-up of SAM (årlig uppföljning) for a department and year."""

    id: Annotated[int, Meta(description="The record's id.")]
    department_id: Annotated[int, Meta(description="The department.")]
    year: Annotated[int, Meta(description="The year followed up; one per department and year.")]
    date: Annotated[dt.date, Meta(description="When it was done.")]
    meeting_id: Annotated[int | None, Meta(description="The meeting where the samverkansgrupp treated it, or null.")]
    participants: Annotated[str, Meta(description="Who took part.")]
    summary: Annotated[str, Meta(description="The summary.")]
    checklist: Annotated[list[ChecklistAnswer], Meta(description="An answer for each element of SAM, once each.")]
    action_ids: Annotated[list[int], Meta(description="The actions it made.")]
    version: Annotated[int, Meta(description="Goes up with every change; send it back when changing.")]
    closed_on: Annotated[dt.date | None, Meta(description="When it was marked done (then no longer changed), or null.")]


class SafetyRepRequestCreate(Input):
    """The body that creates a skyddsombud request."""

    department_id: Annotated[Id, Meta(description="The department.")]
    title: Annotated[Title, Meta(description="What the request is about.")]
    received_on: Annotated[dt.date, Meta(description="When the employer received it.")]
    safety_rep_name: Annotated[Name, Meta(description="The skyddsombud's name.")]
    description: Annotated[Text, Meta(description="The request.")] = ""
    unit: Annotated[Unit, Meta(description="The unit or workplace, or empty.")] = ""
    safety_rep_id: Annotated[Id | None, Meta(description="The skyddsombud as a registry person, or null.")] = None
    union_id: Annotated[Id | None, Meta(description="The skyddsombud's union, or null.")] = None
    answer_by: Annotated[dt.date | None, Meta(description="The reasonable date the skyddsombud set, or null.")] = None


class SafetyRepRequestAnswer(Input):
    """The body that answers a skyddsombud request."""

    answer: Annotated[MultiLine(10_000, filled=True), Meta(description="The employer's answer.")]
    answered_on: Annotated[dt.date, Meta(description="When it was answered.")]


class Acknowledgement(Input):
    """The body that confirms receipt of a skyddsombud request."""

    acknowledged_on: Annotated[dt.date, Meta(description="When receipt was confirmed.")]


class SafetyRepRequest(Struct, kw_only=True):
    """A skyddsombud's request under 6 kap. 6 a § AML."""

    id: Annotated[int, Meta(description="The record's id.")]
    department_id: Annotated[int, Meta(description="The department.")]
    unit: Annotated[str, Meta(description="The unit or workplace, or empty.")]
    title: Annotated[str, Meta(description="What the request is about.")]
    description: Annotated[str, Meta(description="The request.")]
    safety_rep_id: Annotated[int | None, Meta(description="The skyddsombud as a registry person, or null.")]
    safety_rep_name: Annotated[str, Meta(description="The skyddsombud's name.")]
    union_id: Annotated[int | None, Meta(description="The skyddsombud's union, or null.")]
    received_on: Annotated[dt.date, Meta(description="When the employer received it.")]
    answer_by: Annotated[dt.date | None, Meta(description="The reasonable date the skyddsombud set, or null.")]
    answer_due: Annotated[dt.date, Meta(description="When the answer is due: `answer_by`, or the rule's default.")]
    acknowledged_on: Annotated[dt.date | None, Meta(description="When receipt was confirmed, or null.")]
    answered_on: Annotated[dt.date | None, Meta(description="When it was answered, or null.")]
    answer: Annotated[str, Meta(description="The employer's answer, or empty.")]
    state: Annotated[Literal["received", "acknowledged", "answered"], Meta(
        description="received, acknowledged or answered.")]
    overdue: Annotated[bool, Meta(
        description="Unanswered past `answer_due`: the skyddsombud may turn to Arbetsmiljöverket.")]


class SamCommentCreate(Input):
    """The body of a comment on a SAM record."""

    text: Annotated[MultiLine(5_000, filled=True), Meta(description="The comment.")]


class SamComment(Struct, kw_only=True):
    """A comment on a SAM record."""

    id: Annotated[int, Meta(description="The record's id.")]
    author: Annotated[str, Meta(description="Who wrote it.")]
    text: Annotated[str, Meta(description="The comment.")]
    created_at: Annotated[dt.datetime, Meta(description="When the record was made (UTC).")]


class Overview(Struct, kw_only=True):
    """A department's SAM at a glance."""

    department_id: Annotated[int, Meta(description="The department.")]
    open_actions: Annotated[int, Meta(description="Actions not done.")]
    overdue_actions: Annotated[int, Meta(description="Actions past due.")]
    risks_by_level: Annotated[dict[str, int], Meta(description="How many risks at each level.")]
    follow_ups: Annotated[dict[int, dt.date], Meta(description="Year → the day its follow-up was done.")]
    follow_up_due: Annotated[dt.date | None, Meta(description="When the next annual follow-up is due, or null.")]
    requests_waiting: Annotated[int, Meta(description="Skyddsombud requests not answered.")]
    requests_overdue: Annotated[int, Meta(description="Those past their answer date.")]
    cadence_due: Annotated[dt.date | None, Meta(
        description="The skyddskommitté's next meeting at the latest, or null.")]
