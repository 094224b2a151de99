"""Tables of systematic work-environment management (SAM, AFS 2023:1): risk assessments with
their risks, the action plan, the annual follow-up, and skyddsombud requests (6 kap. 6 a § AML).
Records are kept; an action is struck, not deleted."""

from piccolo.columns import Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from samverkan.accounts.tables import User
from samverkan.matters.tables import Matter
from samverkan.meetings.tables import Meeting
from samverkan.orgs.tables import Department, Person, TradeUnion


class RiskAssessment(Table, tablename="risk_assessment"):
    department = ForeignKey(Department, on_delete=OnDelete.restrict, index=True)
    unit = Varchar(length=200, default="")
    title = Varchar(length=300)
    assessed_on = Date()
    reason = Varchar(length=12)  # change (a change in operations) or routine
    matter = ForeignKey(Matter, null=True, on_delete=OnDelete.restrict, index=True)  # the change it assesses
    description = Text(default="")
    participants = Text(default="[]")  # JSON: [{name, role, person_id}]
    version = Integer(default=1)  # goes up with every change; each change is in the audit log
    closed_on = Date(null=True, default=None)  # marked done: no longer changed
    created_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Risk(Table, tablename="risk"):
    risk_assessment = ForeignKey(RiskAssessment, on_delete=OnDelete.cascade, index=True)
    number = Integer()
    description = Text()
    likelihood = Integer()  # 1–4
    consequence = Integer()  # 1–4
    level = Varchar(length=10)  # sam.rules.LEVELS, by the matrix in force when assessed
    measures = Text(default="")  # taken at once; the rest go to the action plan


class AnnualFollowUp(Table, tablename="annual_follow_up"):
    department = ForeignKey(Department, on_delete=OnDelete.restrict)
    year = Integer()
    done_on = Date()
    meeting = ForeignKey(Meeting, null=True, on_delete=OnDelete.restrict)  # where the samverkansgrupp treated it
    checklist = Text(default="[]")  # JSON: [{element, answer, comment}]
    participants = Text(default="")
    summary = Text(default="")
    version = Integer(default=1)  # goes up with every change; each change is in the audit log
    closed_on = Date(null=True, default=None)  # marked done: no longer changed
    created_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Action(Table, tablename="sam_action"):
    """One item of the action plan: from a risk assessment's risk or a follow-up's improvement."""

    department = ForeignKey(Department, on_delete=OnDelete.restrict, index=True)
    risk_assessment = ForeignKey(RiskAssessment, null=True, on_delete=OnDelete.restrict, index=True)
    risk = ForeignKey(Risk, null=True, on_delete=OnDelete.set_null)
    annual_follow_up = ForeignKey(AnnualFollowUp, null=True, on_delete=OnDelete.restrict, index=True)
    what = Text()
    responsible = Varchar(length=200)
    due = Date()
    status = Varchar(length=12, default="planned")  # planned, in_progress, done, cancelled
    done_on = Date(null=True, default=None)
    follow_up = Text(default="")  # whether it worked
    version = Integer(default=1)
    created_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class SafetyRepRequest(Table, tablename="safety_rep_request"):
    """A skyddsombud's request for measures or an investigation (6 kap. 6 a § AML)."""

    department = ForeignKey(Department, on_delete=OnDelete.restrict, index=True)
    unit = Varchar(length=200, default="")
    title = Varchar(length=300)
    description = Text(default="")
    safety_rep = ForeignKey(Person, null=True, on_delete=OnDelete.restrict)
    safety_rep_name = Varchar(length=200)
    trade_union = ForeignKey(TradeUnion, null=True, on_delete=OnDelete.restrict)
    received_on = Date()
    answer_by = Date(null=True, default=None)  # the reasonable date the skyddsombud set, if any
    acknowledged_on = Date(null=True, default=None)  # the written confirmation, given at once
    answered_on = Date(null=True, default=None)
    answer = Text(default="")
    created_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class SamComment(Table, tablename="sam_comment"):
    """A comment on a SAM record, by the department, HR or a skyddsombud who covers it."""

    subject = Varchar(length=20)  # risk_assessment, annual_follow_up, safety_rep_request, action
    subject_id = Integer()
    author = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    author_name = Varchar(length=200)
    text = Text()
    created_at = Timestamptz(default=TimestamptzNow())
