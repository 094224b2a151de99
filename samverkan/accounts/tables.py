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
    break_glass = Boolean(default=False)  # may sign in with a password when password login is off
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
    signed_in_with = Varchar(length=8, default="password")  # password, oidc or saml: logout ends the provider's too


class LoginFailure(Table, tablename="login_failure"):
    """One failed login; counted per account and per address for throttling."""

    key = Varchar(length=300, index=True)  # "account:<email>" or "address:<ip>"
    at = Timestamptz(default=TimestamptzNow(), index=True)


class ExternalIdentity(Table, tablename="external_identity"):
    """A person at an identity provider, tied to one account. Matched on the provider's stable
    subject (OpenID Connect: issuer and sub; SAML: the IdP's entity id and the NameID), never on an
    e-mail address, which can be given to someone else."""

    key = Varchar(length=1100, unique=True)  # "<issuer> <subject>"
    user = ForeignKey(User, on_delete=OnDelete.cascade)
    created_at = Timestamptz(default=TimestamptzNow())
    last_seen_at = Timestamptz(null=True, default=None)


class SignOnAttempt(Table, tablename="sign_on_attempt"):
    """A sign-on that left for the provider and has not come back: what the answer must match.
    Taken by a conditional DELETE, so that one answer is used once."""

    state_hash = Varchar(length=64, unique=True)  # OpenID Connect state, or the SAML request id
    kind = Varchar(length=4)  # oidc or saml
    nonce = Varchar(length=100, default="")
    code_verifier = Varchar(length=128, default="")
    next = Varchar(length=500, default="/")
    expires_at = Timestamptz(index=True)


class SeenAssertion(Table, tablename="seen_assertion"):
    """A SAML assertion that has signed someone in: the same one again is a replay."""

    assertion_id = Varchar(length=200, unique=True)
    expires_at = Timestamptz(index=True)
