"""Actions (åtgärder) decided on an agenda item: who does what by when. Kept, never deleted:
an action is done or struck with a reason."""

from piccolo.columns import Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from samverkan.accounts.tables import User
from samverkan.meetings.tables import AgendaItem, Meeting
from samverkan.orgs.tables import CollaborationGroup, Department, Person


class AgendaAction(Table, tablename="agenda_action"):
    meeting = ForeignKey(Meeting, on_delete=OnDelete.cascade, index=True)  # where it was decided
    item = ForeignKey(AgendaItem, on_delete=OnDelete.cascade, index=True)
    group = ForeignKey(CollaborationGroup, null=True, on_delete=OnDelete.restrict, index=True)  # the meeting's, followed up there
    department = ForeignKey(Department, null=True, on_delete=OnDelete.restrict)
    what = Text()
    responsible = ForeignKey(Person, on_delete=OnDelete.restrict, index=True)
    due = Date()
    status = Varchar(length=8, default="open")  # open, done, struck
    done_on = Date(null=True, default=None)
    struck_reason = Text(default="")
    version = Integer(default=1)
    created_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
