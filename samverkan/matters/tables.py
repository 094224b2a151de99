"""Tables of matters. ``status``, ``decision_allowed``, ``hold_reason`` and a party's ``state``
are derived from the events (matters/rules.py) and stored so that lists can filter on them;
they are rewritten whenever an event or a party changes."""

from piccolo.columns import JSON, Boolean, Date, ForeignKey, Integer, OnDelete, Text, Time, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from samverkan.accounts.tables import User
from samverkan.orgs.tables import Department, TradeUnion


class Matter(Table, tablename="matter"):
    """An ärende."""

    diary_no = Varchar(length=40, unique=True)
    diary_year = Integer(null=True, default=None)  # year and serial of a generated number
    diary_serial = Integer(null=True, default=None)
    title = Varchar(length=300)
    description = Text(default="")
    kind = Varchar(length=30, index=True)
    department = ForeignKey(Department, on_delete=OnDelete.restrict, index=True)
    personal_data = Boolean(default=False)  # individärende: narrower access
    # Who claims in a dispute (64–66 §§ MBL: the party that must act): employer or union; null: not
    # recorded, read as the union (as before the column existed).
    claimant = Varchar(length=10, null=True, default=None)
    status = Varchar(length=12, default="open", index=True)
    decision_allowed = Boolean(default=True)
    hold_reason = Text(default="")
    version = Integer(default=1)
    search_text = Text(default="")
    created_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    updated_at = Timestamptz(default=TimestamptzNow())


class MatterParty(Table, tablename="matter_party"):
    """A union that is a party to a matter, with where its negotiation stands."""

    matter = ForeignKey(Matter, on_delete=OnDelete.cascade, index=True)
    trade_union = ForeignKey(TradeUnion, on_delete=OnDelete.restrict, index=True)
    state = Varchar(length=24, default="open")


class MatterEvent(Table, tablename="matter_event"):
    """A händelse. Deleting one keeps the row (deleted_at) and a change record with the reason."""

    matter = ForeignKey(Matter, on_delete=OnDelete.cascade, index=True)
    type = Varchar(length=30)
    date = Date()
    time = Time(null=True, default=None)
    trade_union = ForeignKey(TradeUnion, null=True, on_delete=OnDelete.restrict)
    outcome = Varchar(length=20, null=True, default=None)
    note = Text(default="")
    # Set when closing an agenda item wrote the event (no FK: meetings build on matters).
    agenda_item_id = Integer(null=True, default=None, index=True)
    deleted_at = Timestamptz(null=True, default=None)
    created_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class MatterEventChange(Table, tablename="matter_event_change"):
    """Why and how an event was edited or deleted: before and after."""

    event = ForeignKey(MatterEvent, on_delete=OnDelete.cascade, index=True)
    action = Varchar(length=10)  # update, delete
    reason = Text()
    before = JSON()
    after = JSON(null=True, default=None)
    changed_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    changed_at = Timestamptz(default=TimestamptzNow())


class DiaryCounter(Table, tablename="diary_counter"):
    """The last serial given in one series of generated diary numbers. ``series`` is the text
    before the serial (e.g. "KS 2026/"); taking a number is one conditional UPDATE of this row
    in the transaction that creates the matter (matters.service._take_serial)."""

    series = Varchar(length=40, unique=True)
    last_serial = Integer(default=0)
