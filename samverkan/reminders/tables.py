"""The outbox of e-mail (which is also each user's list of notifications) and the sweep's own record."""

from piccolo.columns import Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from samverkan.accounts.tables import User
from samverkan.deadlines.tables import Deadline


class OutboxMessage(Table, tablename="outbox_message"):
    """One e-mail to one address. The key makes planning idempotent; the state machine is
    pending → sending (claimed, with a lease) → sent, or back to pending with a later
    next_attempt_at, or failed after too many attempts; cancelled when its deadline closed first.

    A message to a user with a login is also their in-app notification (not the daily digest,
    which only sums up): one row for both, so a sweep writes each reminder once."""

    key = Varchar(length=200, unique=True)
    kind = Varchar(length=20)  # reminders.texts.KIND_LABELS
    deadline = ForeignKey(Deadline, null=True, on_delete=OnDelete.cascade)
    user = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    to_address = Varchar(length=254)
    subject = Varchar(length=300)
    body = Text()
    message_id = Varchar(length=120)
    state = Varchar(length=10, default="pending")
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow())
    lease_until = Timestamptz(null=True, default=None)
    claimed_by = Varchar(length=100, default="")
    last_error = Text(default="")
    sent_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    link = Varchar(length=300, default="")  # the page the notification leads to
    # A document sent with the message (documents.tables.Document; no key: documents build on this app)
    attachment = Integer(null=True, default=None)
    read_at = Timestamptz(null=True, default=None)  # when the user read it in the app
    # An iCalendar invitation sent with the message (a kallelse: METHOD REQUEST or CANCEL inside)
    calendar = Text(default="")
    # Files sent along besides the Word document (a kallelse's small papers): JSON
    # [{"filename", "media_type", "sha256", "suffix"}], read from the documents directory by hash
    files = Text(default="")


class SweepState(Table, tablename="sweep_state"):
    """One row: when a sweep last finished (any instance), and the last day digests were planned."""

    name = Varchar(length=20, unique=True)
    last_started_at = Timestamptz(null=True, default=None)
    last_finished_at = Timestamptz(null=True, default=None)
    last_error = Text(default="")
    digests_on = Date(null=True, default=None)


class DeadlineFailure(Table, tablename="deadline_failure"):
    """A deadline the sweep could not plan reminders for (e.g. its rule is not in the catalogue):
    the error, how often it failed, and when last. It is retried with a growing delay; the row
    goes once the deadline is planned again, and until then /health and the administrators'
    warning count it."""

    deadline = ForeignKey(Deadline, null=False, unique=True, on_delete=OnDelete.cascade)
    error = Text(default="")
    attempts = Integer(default=0)
    failed_at = Timestamptz(default=TimestamptzNow())
