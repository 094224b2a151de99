"""Tables of meetings, their parties, participants, justerare and agenda."""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from samverkan.matters.tables import Matter
from samverkan.orgs.tables import CollaborationGroup, Department, Person, TradeUnion


class Meeting(Table, tablename="meeting"):
    kind = Varchar(length=20)
    title = Varchar(length=300)
    department = ForeignKey(Department, null=True, on_delete=OnDelete.restrict, index=True)
    group = ForeignKey(CollaborationGroup, null=True, on_delete=OnDelete.restrict, index=True)
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    place = Varchar(length=300, default="")
    status = Varchar(length=12, default="planned")
    called_at = Timestamptz(null=True, default=None)  # when it was marked called (kallat): the kallelse went out
    chair = ForeignKey(Person, null=True, on_delete=OnDelete.restrict)
    minute_taker = ForeignKey(Person, null=True, on_delete=OnDelete.restrict)
    # Bumped on every change to the meeting or its agenda: two editors cannot overwrite each other.
    version = Integer(default=1)
    # draft, in_review or approved: set by protocols.service; the record is frozen unless draft.
    protocol_state = Varchar(length=12, default="draft")
    search_text = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class MeetingUnion(Table, tablename="meeting_union"):
    """A union that is a party to the meeting."""

    meeting = ForeignKey(Meeting, on_delete=OnDelete.cascade, index=True)
    trade_union = ForeignKey(TradeUnion, on_delete=OnDelete.restrict, index=True)


class MeetingApprover(Table, tablename="meeting_approver"):
    """The justerare of one party: the employer (trade_union null) or a union."""

    meeting = ForeignKey(Meeting, on_delete=OnDelete.cascade, index=True)
    trade_union = ForeignKey(TradeUnion, null=True, on_delete=OnDelete.restrict)
    person = ForeignKey(Person, on_delete=OnDelete.restrict)


class Participant(Table, tablename="participant"):
    meeting = ForeignKey(Meeting, on_delete=OnDelete.cascade, index=True)
    person = ForeignKey(Person, on_delete=OnDelete.restrict)
    side = Varchar(length=10)
    trade_union = ForeignKey(TradeUnion, null=True, on_delete=OnDelete.restrict)
    role = Varchar(length=12, default="ordinary")
    present = Boolean(null=True, default=None)  # unknown until the meeting is held


class AgendaItem(Table, tablename="agenda_item"):
    meeting = ForeignKey(Meeting, on_delete=OnDelete.cascade, index=True)
    number = Integer()  # § 1, § 2, …
    title = Varchar(length=300)
    kind = Varchar(length=20, default="other")
    matter = ForeignKey(Matter, null=True, on_delete=OnDelete.restrict, index=True)
    text = Text(default="")
    employer_position = Text(default="")
    closed_on = Date(null=True, default=None)  # when the negotiation of this item was closed
    version = Integer(default=1)


class AgendaPosition(Table, tablename="agenda_position"):
    """One union's position on one agenda item."""

    item = ForeignKey(AgendaItem, on_delete=OnDelete.cascade, index=True)
    trade_union = ForeignKey(TradeUnion, on_delete=OnDelete.restrict)
    outcome = Varchar(length=14, null=True, default=None)
    note = Text(default="")  # protokollsanteckning
    reservation = Text(default="")
    central_requested = Boolean(default=False)


class StandardAgendaItem(Table, tablename="standard_agenda_item"):
    """A group's own standard agenda; without one the default of meetings/rules.py applies."""

    group = ForeignKey(CollaborationGroup, on_delete=OnDelete.cascade, index=True)
    number = Integer()
    title = Varchar(length=300)
    kind = Varchar(length=20)
