"""Calendar feeds. The token in a feed's URL is stored only as a hash."""

from piccolo.columns import ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from samverkan.accounts.tables import User


class CalendarFeed(Table, tablename="calendar_feed"):
    """A user's one secret iCalendar address; a new one replaces the row (and the old address)."""

    user = ForeignKey(User, unique=True, on_delete=OnDelete.cascade)
    token_hash = Varchar(length=64, unique=True)  # sha256 of the token in the URL
    created_at = Timestamptz(default=TimestamptzNow())
