"""Accounts. Secrets (passwords, session ids, API tokens) are stored only as hashes."""

from piccolo.columns import Boolean, ForeignKey, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from samverkan.orgs.tables import Department, Person, TradeUnion


class User(Table, tablename="app_user"):
    email = Varchar(length=254, unique=True)
    name = Varchar(length=200)
    password_hash = Text(default="")  # empty: cannot log in with a password
    role = Varchar(length=12)  # admin, hr, department, union
    department = ForeignKey(Department, null=True, on_delete=OnDelete.restrict)
    trade_union = ForeignKey(TradeUnion, null=True, on_delete=OnDelete.restrict)
    person = ForeignKey(Person, null=True, on_delete=OnDelete.set_null)
    active = Boolean(default=True)
    search_text = Text(default="")  # case-folded name and e-mail, as in the registry
    created_at = Timestamptz(default=TimestamptzNow())
    last_login_at = Timestamptz(null=True, default=None)


class ApiToken(Table, tablename="api_token"):
    user = ForeignKey(User, on_delete=OnDelete.cascade)
    label = Varchar(length=100, default="")
    token_hash = Varchar(length=64, unique=True)  # sha256: tokens are long and random
    hint = Varchar(length=12)  # the first characters, to tell tokens apart
    created_at = Timestamptz(default=TimestamptzNow())
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class UserSession(Table, tablename="user_session"):
    key_hash = Varchar(length=64, unique=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(index=True)
    address = Varchar(length=64, default="")


class LoginFailure(Table, tablename="login_failure"):
    """One failed login; counted per account and per address for throttling."""

    key = Varchar(length=300, index=True)  # "account:<email>" or "address:<ip>"
    at = Timestamptz(default=TimestamptzNow(), index=True)
