"""Single sign-on, the database side: attempts under way, accounts from the provider's claims,
replayed assertions, and the break-glass notice. The protocols are in oidc.py and saml.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from samverkan import clock
from samverkan.accounts import group_map
from samverkan.accounts.group_map import NoAccess
from samverkan.accounts.tables import ExternalIdentity, SeenAssertion, SignOnAttempt, User
from samverkan.accounts.viewer_cache import forget_everywhere
from samverkan.audit import service as audit
from samverkan.database import engine, insert_new
from samverkan.orgs.tables import Department, Person, TradeUnion
from samverkan.pagination import folded
from samverkan.reminders.audience import Recipient
from samverkan.reminders.service import Plan
from samverkan.settings import Settings

ATTEMPT_LIFETIME = dt.timedelta(minutes=10)  # from leaving for the provider to coming back


@dataclass(frozen=True)
class Claims:
    """What the provider says about the person signing in."""

    provider: str  # the OpenID issuer or the SAML IdP's entity id
    subject: str  # sub or NameID: stable at that provider
    name: str
    email: str
    groups: list[str]


def _hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


async def begin(kind: str, next: str, nonce: str = "", code_verifier: str = "", state: str | None = None) -> str:
    """Record an attempt and return its state (kept by the browser or the provider, stored as a hash)."""
    state = state or secrets.token_urlsafe(32)
    await SignOnAttempt.delete().where(SignOnAttempt.expires_at < clock.now())
    await SignOnAttempt.insert(SignOnAttempt(
        state_hash=_hash(state), kind=kind, nonce=nonce, code_verifier=code_verifier, next=next[:500],
        expires_at=clock.now() + ATTEMPT_LIFETIME,
    ))
    return state


async def take(kind: str, state: str) -> dict | None:
    """The attempt, removed in the same statement: one answer signs in once."""
    rows = await SignOnAttempt.delete().where(
        (SignOnAttempt.state_hash == _hash(state)) & (SignOnAttempt.kind == kind) & (SignOnAttempt.expires_at > clock.now())
    ).returning(SignOnAttempt.nonce, SignOnAttempt.code_verifier, SignOnAttempt.next)
    return rows[0] if rows else None


async def first_use(assertion_id: str, until: dt.datetime) -> bool:
    """Record a SAML assertion as used; False when it was used before (a replay)."""
    await SeenAssertion.delete().where(SeenAssertion.expires_at < clock.now())
    return await insert_new(SeenAssertion, ("assertion_id", "expires_at"), [(assertion_id[:200], until)]) == 1


async def _grant_ids(grant: group_map.Grant) -> tuple[int | None, int | None]:
    department = union = None
    if grant.department:
        row = await Department.select(Department.id).where(Department.code == grant.department).first()
        if row is None:
            raise NoAccess(f"Förvaltningen {grant.department} i gruppkartan finns inte i samverkan.")
        department = row["id"]
    if grant.union:
        row = await TradeUnion.select(TradeUnion.id).where(TradeUnion.name == grant.union).first()
        if row is None:
            raise NoAccess(f"Fackförbundet {grant.union} i gruppkartan finns inte i samverkan.")
        union = row["id"]
    return department, union


async def sign_in(person: Claims, settings: Settings) -> int:
    """The account of the person the provider vouches for, created at the first sign-in and given the
    role of their groups at every one; NoAccess (nothing written) when the groups give no role."""
    user_id = await _sign_in(person, settings)
    forget_everywhere()  # the role, name or e-mail may have changed (the account's sessions see it at once)
    return user_id


async def _sign_in(person: Claims, settings: Settings) -> int:
    grant = group_map.resolve(person.groups, settings.group_map, settings.sso_widest_role)
    department, union = await _grant_ids(grant)
    key = f"{person.provider} {person.subject}"
    email = person.email.strip().lower()
    now = clock.now()
    role = {"role": grant.role, "department": department, "trade_union": union}
    async with engine().transaction():
        link = await ExternalIdentity.select(ExternalIdentity.user, ExternalIdentity.user.active.as_alias("active")).where(
            ExternalIdentity.key == key).first()
        if link is not None:
            user_id = link["user"]
            if not link["active"]:
                raise NoAccess("Ditt konto i samverkan är inaktiverat.")
            before = await User.select(User.role, User.department, User.trade_union, User.name, User.email).where(User.id == user_id).first()
            values = {**role, "last_login_at": now}
            if person.name:
                values["name"] = person.name[:200]
            if "@" in email and email != before["email"] and not await User.exists().where(User.email == email):
                values["email"] = email
            values["search_text"] = folded(values.get("name", before["name"]), values.get("email", before["email"]))
            await User.update(values).where(User.id == user_id)
            await ExternalIdentity.update({ExternalIdentity.last_seen_at: now}).where(ExternalIdentity.key == key)
            if any(before[k] != v for k, v in role.items()):
                await audit.record(None, "sign_on_update", "user", user_id, before=before, after=role)
            return user_id
        if "@" not in email:
            raise NoAccess("Kommunens konto skickade ingen e-postadress, som samverkan behöver.")
        if await User.exists().where(User.email == email):
            # Never tie a sign-on to an account by its address: the address may have been reassigned.
            raise NoAccess(f"Det finns redan ett konto i samverkan med e-postadressen {email} som inte är kopplat "
                           "till kommunens inloggning.")
        register = await Person.select(Person.id).where(Person.email == email).first()
        name = (person.name or email)[:200]
        user = User(email=email, name=name, person=register["id"] if register else None, search_text=folded(name, email),
                    last_login_at=now, **role)
        await user.save()
        await ExternalIdentity.insert(ExternalIdentity(key=key[:1100], user=user.id, last_seen_at=now))
        await audit.record(None, "create", "user", user.id, after={"email": email, "name": name, **role, "via": person.provider})
        return user.id


async def notify_break_glass(user_id: int, address: str, settings: Settings) -> None:
    """A break-glass password sign-in is logged and mailed to every administrator."""
    user = await User.select(User.name, User.email).where(User.id == user_id).first()
    await audit.record(None, "break_glass_login", "user", user_id, after={"address": address})
    admins = await User.select(User.id, User.email, User.name).where((User.role == "admin") & (User.active == True))  # noqa: E712
    plan = Plan(settings)
    plan.add(f"bg:{user_id}:{clock.now().isoformat()}", "break_glass", [Recipient(a["email"], a["name"], a["id"]) for a in admins],
             "break_glass.txt", link="/logg", name=user["name"], email=user["email"], address=address,
             at=clock.now().astimezone(clock.STOCKHOLM).strftime("%Y-%m-%d %H:%M"))
    await plan.save()
