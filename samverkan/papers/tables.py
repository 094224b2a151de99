"""Tables of papers (underlag): files uploaded to a matter or a meeting (optionally one of its
agenda items). The bytes live in the documents directory under their sha256; a removed paper
keeps its row, marked removed with who, when and why."""

from piccolo.columns import ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from samverkan.accounts.tables import User
from samverkan.matters.tables import Matter
from samverkan.meetings.tables import AgendaItem, Meeting


class Paper(Table, tablename="paper"):
    meeting = ForeignKey(Meeting, null=True, on_delete=OnDelete.restrict, index=True)
    matter = ForeignKey(Matter, null=True, on_delete=OnDelete.restrict, index=True)
    # A deleted agenda item leaves its papers on the meeting.
    agenda_item = ForeignKey(AgendaItem, null=True, on_delete=OnDelete.set_null)
    title = Varchar(length=300)
    filename = Varchar(length=200)
    media_type = Varchar(length=120)
    size = Integer()
    sha256 = Varchar(length=64)
    uploaded_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    uploaded_at = Timestamptz(default=TimestamptzNow())
    removed_at = Timestamptz(null=True, default=None)
    removed_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    removed_reason = Text(default="")
