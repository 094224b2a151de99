"""Tables of papers (underlag): files uploaded to a matter or a meeting (optionally one of its
agenda items). The bytes live in the documents directory under their sha256; a removed paper
keeps its row, marked removed with who, when and why."""

from piccolo.columns import Boolean, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from samverkan.accounts.tables import User
from samverkan.matters.tables import Matter
from samverkan.meetings.tables import AgendaItem, Meeting
from samverkan.orgs.tables import TradeUnion


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
    # A paper of a union's agenda proposal: read by that union and the employer only, until the
    # proposal is accepted and the paper moves to the new agenda item (agenda_item set).
    proposal = ForeignKey("AgendaProposal", null=True, on_delete=OnDelete.cascade)


class NoticeSend(Table, tablename="notice_send"):
    """One sending of a meeting's kallelse: the first (called), an update (moved), to a participant
    added later (added), or the cancellation. ``recipients`` is JSON: [{key, name, email}]; the
    meeting's time and place as sent, to tell later whether it moved."""

    meeting = ForeignKey(Meeting, on_delete=OnDelete.cascade, index=True)
    reason = Varchar(length=12)  # called, moved, added, cancelled
    method = Varchar(length=8)  # REQUEST or CANCEL
    sequence = Integer()
    recipients = Text()
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    place = Varchar(length=300, default="")
    late = Boolean(default=False)
    sent_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    sent_at = Timestamptz(default=TimestamptzNow())


class NoticeReply(Table, tablename="notice_reply"):
    """A recipient's närvaroanmälan from the link in the kallelse: coming or not, and who comes instead."""

    key = Varchar(length=60, unique=True)  # "<meeting>:<recipient key>": one answer per recipient, the last counts
    meeting = ForeignKey(Meeting, on_delete=OnDelete.cascade, index=True)
    recipient = Varchar(length=30)  # "p:<person id>" or "u:<union id>"
    name = Varchar(length=200)
    attending = Boolean()
    substitute = Varchar(length=200, default="")
    answered_at = Timestamptz(default=TimestamptzNow())


class AgendaProposal(Table, tablename="agenda_proposal"):
    """A union party's proposal of an agenda item, until the agenda is sent; HR accepts it onto
    the agenda (``agenda_item``) or declines it with a reason."""

    meeting = ForeignKey(Meeting, on_delete=OnDelete.cascade, index=True)
    trade_union = ForeignKey(TradeUnion, on_delete=OnDelete.restrict)
    title = Varchar(length=300)
    text = Text(default="")
    matter = ForeignKey(Matter, null=True, on_delete=OnDelete.restrict)
    state = Varchar(length=10, default="proposed")  # proposed, accepted, declined
    reason = Text(default="")
    agenda_item = ForeignKey(AgendaItem, null=True, on_delete=OnDelete.set_null)
    proposed_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    proposed_at = Timestamptz(default=TimestamptzNow())
    decided_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    decided_at = Timestamptz(null=True, default=None)
