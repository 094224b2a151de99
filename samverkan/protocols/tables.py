"""Tables of protocol justering: the frozen versions of a meeting's record, each party's
approval of a version, comments, and the proposals a party makes to its own position."""

from piccolo.columns import Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from samverkan.accounts.tables import User
from samverkan.meetings.tables import Meeting
from samverkan.orgs.tables import TradeUnion


class ProtocolVersion(Table, tablename="protocol_version"):
    """Version n of a meeting's protocol: the record as sent for justering. Never edited; a
    change makes version n + 1 and marks this one superseded or reopened."""

    meeting = ForeignKey(Meeting, on_delete=OnDelete.restrict, index=True)
    number = Integer()
    key = Varchar(length=40, unique=True)  # "<meeting>:<number>": one version n per meeting
    state = Varchar(length=12)  # in_review, approved, superseded, reopened
    record = Text()  # documents.record.MeetingRecord as JSON
    record_sha256 = Varchar(length=64)
    due = Date(null=True, default=None)  # the last day for justering (AGR-PROTOCOL-APPROVAL)
    submitted_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    submitted_at = Timestamptz(default=TimestamptzNow())
    locked_at = Timestamptz(null=True, default=None)
    documents = Text(default="")  # JSON [{id, audience, sha256}] of the final copies, at lock
    seal = Varchar(length=64, default="")  # sha256 of the record's hash and the copies' hashes
    ended_reason = Text(default="")  # why it was superseded or reopened


class Approval(Table, tablename="protocol_approval"):
    """One party's justering of one version."""

    version = ForeignKey(ProtocolVersion, on_delete=OnDelete.cascade, index=True)
    party = Varchar(length=20)  # "employer" or "union:<id>"
    key = Varchar(length=60, unique=True)  # "<version>:<party>": a party approves a version once
    user = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    name = Varchar(length=200)
    approved_at = Timestamptz(default=TimestamptzNow())


class Comment(Table, tablename="protocol_comment"):
    meeting = ForeignKey(Meeting, on_delete=OnDelete.cascade, index=True)
    version_number = Integer()
    agenda_item_id = Integer(null=True, default=None)  # None: the protocol as a whole
    party = Varchar(length=20)
    user = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    author = Varchar(length=200)
    text = Text()
    created_at = Timestamptz(default=TimestamptzNow())


class Proposal(Table, tablename="protocol_proposal"):
    """A party's proposed wording of its own position on an item; the minute-taker decides."""

    meeting = ForeignKey(Meeting, on_delete=OnDelete.cascade, index=True)
    version_number = Integer()
    agenda_item_id = Integer()
    trade_union = ForeignKey(TradeUnion, on_delete=OnDelete.restrict)
    outcome = Varchar(length=14, null=True, default=None)
    note = Text(default="")
    reservation = Text(default="")
    state = Varchar(length=10, default="pending")  # pending, accepted, rejected
    user = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    author = Varchar(length=200)
    created_at = Timestamptz(default=TimestamptzNow())
    decided_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    decided_at = Timestamptz(null=True, default=None)
    reason = Text(default="")
