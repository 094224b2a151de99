"""Questions raised at an APT that travel up the groups (APT → FSG → CSG) and whose answer
travels back down. Kept, never deleted."""

from piccolo.columns import ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from samverkan.accounts.tables import User
from samverkan.meetings.tables import Meeting
from samverkan.orgs.tables import CollaborationGroup


class Question(Table, tablename="group_question"):
    meeting = ForeignKey(Meeting, null=True, on_delete=OnDelete.restrict, index=True)  # the APT meeting it was raised at
    origin = ForeignKey(CollaborationGroup, on_delete=OnDelete.restrict, index=True)  # the APT
    group = ForeignKey(CollaborationGroup, on_delete=OnDelete.restrict, index=True)  # where it waits now
    text = Text()
    raised_by = Varchar(length=200, default="")
    state = Varchar(length=10, default="open")  # open, escalated, answered
    escalated_at = Timestamptz(null=True, default=None)  # the last lift
    answer = Text(default="")
    answered_at = Timestamptz(null=True, default=None)
    answered_by = Varchar(length=200, default="")
    version = Integer(default=1)
    created_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class QuestionLevel(Table, tablename="group_question_level"):
    """One group the question reached, in order: its path."""

    question = ForeignKey(Question, on_delete=OnDelete.cascade, index=True)
    group = ForeignKey(CollaborationGroup, on_delete=OnDelete.restrict, index=True)
    reached_at = Timestamptz(default=TimestamptzNow())


class QuestionComment(Table, tablename="group_question_comment"):
    question = ForeignKey(Question, on_delete=OnDelete.cascade, index=True)
    author = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    author_name = Varchar(length=200)
    text = Text()
    created_at = Timestamptz(default=TimestamptzNow())
