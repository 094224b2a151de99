"""Tables of documents: generated files (kept forever, never changed), the meeting records they
were made from, and the templates, letterheads and logos uploaded per department and union."""

from piccolo.columns import Boolean, Bytea, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from samverkan.accounts.tables import User
from samverkan.meetings.tables import Meeting
from samverkan.orgs.tables import Department, TradeUnion


class DocumentSource(Table, tablename="document_source"):
    """A meeting as one or more documents froze it (documents.record.MeetingRecord as JSON)."""

    sha256 = Varchar(length=64, unique=True)
    record = Text()
    created_at = Timestamptz(default=TimestamptzNow())


class Document(Table, tablename="document"):
    """A generated file. The bytes live in the documents directory under their sha256."""

    meeting = ForeignKey(Meeting, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=20)
    audience = Varchar(length=30)  # "department", "all" or "union:<id>"
    trade_union = ForeignKey(TradeUnion, null=True, on_delete=OnDelete.restrict)  # a union's copy
    meeting_version = Integer()
    source = ForeignKey(DocumentSource, on_delete=OnDelete.restrict)
    options = Text(default="{}")  # documents.record.Options as JSON
    template_name = Varchar(length=30)
    template_sha256 = Varchar(length=64)
    # Everything the bytes depend on, hashed: asking again for the same gives this row back.
    key = Varchar(length=64, unique=True)
    filename = Varchar(length=300)
    sha256 = Varchar(length=64)
    size = Integer()
    # Shows an individärende (personal_data matter): for HR and the union parties, not departments.
    restricted = Boolean(default=False)
    created_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())


class WordTemplate(Table, tablename="word_template"):
    """A department's or a union's own template for one kind. A replaced one is kept, with the
    time it was replaced, because documents name it by its hash."""

    name = Varchar(length=30)  # documents.kinds.TEMPLATES
    department = ForeignKey(Department, null=True, on_delete=OnDelete.restrict, index=True)
    trade_union = ForeignKey(TradeUnion, null=True, on_delete=OnDelete.restrict, index=True)
    filename = Varchar(length=200)
    content = Bytea()
    sha256 = Varchar(length=64)
    uploaded_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    uploaded_at = Timestamptz(default=TimestamptzNow())
    replaced_at = Timestamptz(null=True, default=None)


class Letterhead(Table, tablename="letterhead"):
    """The sender lines and logo in the header of a department's or a union's documents."""

    department = ForeignKey(Department, null=True, unique=True, on_delete=OnDelete.restrict)
    trade_union = ForeignKey(TradeUnion, null=True, unique=True, on_delete=OnDelete.restrict)
    text = Text(default="")
    logo = Bytea(null=True, default=None)
    logo_type = Varchar(length=40, default="")
    updated_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    updated_at = Timestamptz(default=TimestamptzNow())
