"""Tables of the organisation registry. Records others refer to are deactivated, never deleted."""

from piccolo.columns import (
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Department(Table, tablename="department"):
    """A förvaltning."""

    name = Varchar(length=200)
    code = Varchar(length=20, unique=True)
    diary_prefix = Varchar(length=20)
    active = Boolean(default=True)
    # Case-folded copy of the searchable fields: SQLite's LIKE folds ASCII only, not å/ä/ö.
    search_text = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class TradeUnion(Table, tablename="trade_union"):
    """A local union (lokal arbetstagarorganisation)."""

    name = Varchar(length=200, unique=True)
    federation = Varchar(length=200, default="")
    confederation = Varchar(length=50, default="")
    email = Varchar(length=254, default="")
    active = Boolean(default=True)
    search_text = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Person(Table, tablename="person"):
    """Someone on the employer side or the union side."""

    name = Varchar(length=200)
    email = Varchar(length=254, null=True, unique=True, default=None)
    title = Varchar(length=200, default="")
    side = Varchar(length=10)  # "employer" or "union"
    department = ForeignKey(Department, null=True, on_delete=OnDelete.restrict)
    trade_union = ForeignKey(TradeUnion, null=True, on_delete=OnDelete.restrict)
    is_hr = Boolean(default=False)
    is_manager = Boolean(default=False)
    is_safety_rep = Boolean(default=False)
    is_chief_safety_rep = Boolean(default=False)
    is_union_rep = Boolean(default=False)
    active = Boolean(default=True)
    search_text = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class CollaborationGroup(Table, tablename="collaboration_group"):
    """A samverkansgrupp (central, förvaltning, local or APT)."""

    name = Varchar(length=200)
    level = Varchar(length=12)  # central, department, local, apt
    department = ForeignKey(Department, null=True, on_delete=OnDelete.restrict)
    safety_committee = Boolean(default=False)
    cadence_months = Integer(null=True, default=None)
    # The group questions are lifted to (APT → FSG → CSG); null at the top.
    parent = ForeignKey("self", null=True, on_delete=OnDelete.set_null)
    active = Boolean(default=True)
    search_text = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class GroupUnion(Table, tablename="group_union"):
    group = ForeignKey(CollaborationGroup, on_delete=OnDelete.cascade)
    trade_union = ForeignKey(TradeUnion, on_delete=OnDelete.restrict)


class GroupMember(Table, tablename="group_member"):
    group = ForeignKey(CollaborationGroup, on_delete=OnDelete.cascade)
    person = ForeignKey(Person, on_delete=OnDelete.restrict)
