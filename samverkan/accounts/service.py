"""Users, passwords, sessions, API tokens and the login throttle. No HTTP here."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from functools import lru_cache

import argon2
import msgspec

from samverkan import clock
from samverkan.accounts import schemas as s
from samverkan.accounts.tables import ApiToken, LoginFailure, User, UserSession
from samverkan.accounts.viewer_cache import ViewerCache, forget_everywhere
from samverkan.audit import service as audit
from samverkan.database import Param, Prepared, engine, write_unique
from samverkan.errors import Conflict, Invalid, NotFound, ServiceError
from samverkan.orgs.schemas import changes
from samverkan.orgs.tables import Department, Person, TradeUnion
from samverkan.pagination import Page, PageRequest, fetch_page, folded, matches
from samverkan.settings import Settings

ROLES = ("admin", "hr", "department", "union")

LOGIN_WINDOW = dt.timedelta(minutes=15)
# An address (an office NAT, say) is shared by many people: allow it more failures than one account.
ADDRESS_FAILURE_FACTOR = 4
# Writing last_used_at on every API call would turn every read into a write.
TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=1)
TOKEN_PREFIX = "svk_"


PASSWORD_LOGIN_OFF = "Inloggning med lösenord är avstängd. Logga in med kommunens konto."


class LoginFailed(ServiceError):
    status_code = 401


class LoginThrottled(ServiceError):
    status_code = 429


@dataclass(frozen=True)
class Viewer:
    """Who is calling: the signed-in user, resolved from a session cookie or a bearer token."""

    user_id: int
    email: str
    name: str
    role: str
    department_id: int | None
    union_id: int | None
    person_id: int | None
    via: str  # "session" or "token"


def _sha256(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@lru_cache(maxsize=1)
def _hasher() -> argon2.PasswordHasher:
    return argon2.PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Verified against when the account does not exist, so that both cases take as long.
    return _hasher().hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


async def hash_password_async(password: str) -> str:
    return await asyncio.to_thread(hash_password, password)


def _user(row: dict) -> s.User:
    return s.User(
        id=row["id"], email=row["email"], name=row["name"], role=row["role"], department_id=row["department"],
        union_id=row["trade_union"], person_id=row["person"], active=row["active"],
        has_password=bool(row["password_hash"]), last_login_at=row["last_login_at"], break_glass=row["break_glass"],
    )


_USER = Prepared(lambda: User.select().where(User.id == Param("id")))


async def get_user(id: int) -> s.User:
    row = await _USER.first(id=id)
    if row is None:
        raise NotFound(f"Användaren {id} finns inte.")
    return _user(row)


async def list_users(q: str | None = None, active: bool | None = None, page: PageRequest = PageRequest()) -> Page[s.User]:
    where = [matches(User.search_text, q) if q else None, (User.active == active) if active is not None else None]
    rows, total = await fetch_page(User, where, User.name, page)
    return Page(items=[_user(r) for r in rows], total=total)


DUPLICATE_USER = "Det finns redan en användare med den e-postadressen."


async def _check_user(values: dict, exclude_id: int | None = None) -> None:
    """The role decides what a login is tied to: a department user to one department, a union user to one union."""
    role, department, union = values["role"], values["department"], values["trade_union"]
    if role == "department" and department is None:
        raise Invalid("En förvaltningsanvändare måste höra till en förvaltning.", field="department_id")
    if role == "union" and union is None:
        raise Invalid("En facklig användare måste höra till ett fackförbund.", field="union_id")
    if role != "department" and department is not None:
        raise Invalid("Bara förvaltningsanvändare knyts till en förvaltning.", field="department_id")
    if role != "union" and union is not None:
        raise Invalid("Bara fackliga användare knyts till ett fackförbund.", field="union_id")
    if department is not None and not await Department.exists().where(Department.id == department):
        raise Invalid("Förvaltningen finns inte.", field="department_id")
    if union is not None and not await TradeUnion.exists().where(TradeUnion.id == union):
        raise Invalid("Fackförbundet finns inte.", field="union_id")
    query = User.exists().where(User.email == values["email"])
    if exclude_id is not None:
        query = query.where(User.id != exclude_id)
    if await query:
        raise Conflict(DUPLICATE_USER, field="email")


def _user_columns(fields: dict) -> dict:
    out: dict = {}
    for key, value in fields.items():
        if key == "department_id":
            out["department"] = value
        elif key == "union_id":
            out["trade_union"] = value
        elif key == "email":
            out["email"] = value.strip().lower()
        elif key == "password":
            if value:  # empty: keep the current password (hashed by the caller, off the event loop)
                out["password"] = value
        else:
            out[key] = value.strip() if isinstance(value, str) else value
    return out


async def _hash_in(values: dict) -> dict:
    password = values.pop("password", None)
    if password:
        values["password_hash"] = await hash_password_async(password)
    return values


async def create_user(data: s.UserCreate) -> s.User:
    values = await _hash_in(_user_columns(msgspec.structs.asdict(data)))
    await _check_user(values)
    # A login belongs to a person of the registry when one has the same address.
    person = await Person.select(Person.id).where(Person.email == values["email"]).first()
    row = User(**values, person=person["id"] if person else None, search_text=folded(values["name"], values["email"]))
    async with engine().transaction():
        await write_unique(row.save, Conflict(DUPLICATE_USER, field="email"))
        created = await get_user(row.id)
        await audit.record(None, "create", "user", row.id, after=created)
    return created


async def update_user(id: int, patch: s.UserUpdate) -> s.User:
    current = await User.select().where(User.id == id).first()
    if current is None:
        raise NotFound(f"Användaren {id} finns inte.")
    changed = await _hash_in(_user_columns(changes(patch)))
    values = {**current, **changed}
    await _check_user(values, exclude_id=id)
    update = {**changed, "search_text": folded(values["name"], values["email"])}
    before = await get_user(id)
    async with engine().transaction():
        await write_unique(lambda: User.update(update).where(User.id == id), Conflict(DUPLICATE_USER, field="email"))
        if "password_hash" in changed:
            # A new password set by an administrator ends the sessions of whoever had the old one.
            await UserSession.delete().where(UserSession.user == id)
        after = await get_user(id)
        # The password itself never goes into the log, only that it was changed.
        await audit.record(None, "update", "user", id, before=before,
                           after={**msgspec.to_builtins(after), "password_changed": "password_hash" in changed})
    forget_everywhere()
    return after


async def check_not_locking_out(actor_id: int, target_id: int, data: s.UserUpdate | None) -> None:
    """An administrator may not deactivate or demote their own login: nobody could undo it in the UI.

    ``data`` is the update being made, or None for a deactivation.
    """
    if actor_id != target_id:
        return
    if data is None or data.active is False:
        raise Conflict("Du kan inte inaktivera ditt eget konto.", field="active")
    if data.role is not msgspec.UNSET and data.role != "admin":
        raise Conflict("Du kan inte ta bort din egen administratörsroll.", field="role")


async def deactivate_user(id: int) -> s.User:
    """A deactivated login's sessions and tokens stop working at once (both check active)."""
    before = await get_user(id)
    async with engine().transaction():
        await User.update({User.active: False}).where(User.id == id)
        after = await get_user(id)
        await audit.record(None, "deactivate", "user", id, before=before, after=after)
    forget_everywhere()
    return after


# --- login -----------------------------------------------------------------


async def _failures(key: str, since: dt.datetime) -> int:
    return await LoginFailure.count().where((LoginFailure.key == key) & (LoginFailure.at > since))


async def authenticate(email: str, password: str, address: str, settings: Settings) -> int:
    """Return the user id, or raise LoginFailed / LoginThrottled with the same words for any account.

    The attempt is recorded before the password is checked and counted with it, so that parallel
    guesses cannot all slip in under the limit; a successful login clears it again.
    """
    email = email.strip().lower()
    account_key, address_key = f"account:{email}", f"address:{address}"
    since = clock.now() - LOGIN_WINDOW
    attempt = await LoginFailure.insert(LoginFailure(key=account_key), LoginFailure(key=address_key)).returning(LoginFailure.id)
    if (
        await _failures(account_key, since) > settings.login_max_failures
        or await _failures(address_key, since) > settings.login_max_failures * ADDRESS_FAILURE_FACTOR
    ):
        raise LoginThrottled("För många misslyckade inloggningar. Vänta en kvart och försök igen.")
    row = await User.select(User.id, User.password_hash, User.break_glass).where((User.email == email) & (User.active == True)).first()  # noqa: E712
    if not settings.password_login and not (row and row["break_glass"]):
        # Sign-on is the way in; only a break-glass account keeps its password (docs/sso.md).
        raise LoginFailed(PASSWORD_LOGIN_OFF)
    stored = row["password_hash"] if row and row["password_hash"] else _dummy_hash()
    # Argon2 takes tens of milliseconds of CPU on purpose: off the event loop, or every request waits.
    ok = await asyncio.to_thread(_verify, stored, password) and row is not None and bool(row["password_hash"])
    if not ok:
        await LoginFailure.delete().where(LoginFailure.at < since)
        raise LoginFailed("Fel e-postadress eller lösenord.")
    await LoginFailure.delete().where(
        (LoginFailure.key == account_key) | LoginFailure.id.is_in([a["id"] for a in attempt])
    )
    update: dict = {User.last_login_at: clock.now()}
    if _hasher().check_needs_rehash(stored):
        update[User.password_hash] = await hash_password_async(password)
    await User.update(update).where(User.id == row["id"])
    return row["id"]


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher().verify(stored, password)
    except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
        return False


async def start_session(user_id: int, address: str, settings: Settings, signed_in_with: str = "password") -> str:
    """Create a session and return its key; only the hash is stored."""
    key = secrets.token_urlsafe(32)
    await UserSession.insert(
        UserSession(
            key_hash=_sha256(key), user=user_id, address=address[:64], signed_in_with=signed_in_with,
            expires_at=clock.now() + dt.timedelta(hours=settings.session_hours),
        )
    )
    # Expired sessions are swept here rather than by a separate job.
    await UserSession.delete().where(UserSession.expires_at < clock.now())
    return key


async def end_session(key: str) -> str | None:
    """End a session; returns how it was signed in (password, oidc, saml), or None if there was none."""
    rows = await UserSession.delete().where(UserSession.key_hash == _sha256(key)).returning(UserSession.signed_in_with)
    forget_everywhere()
    return rows[0]["signed_in_with"] if rows else None


VIEWER_COLUMNS = ("id", "email", "name", "role", "department", "trade_union", "person")
# The joined columns are built once: rebuilding them costs more than the query on every request.
_SESSION_USER = tuple(getattr(UserSession.user, c) for c in VIEWER_COLUMNS)
_TOKEN_USER = tuple(getattr(ApiToken.user, c) for c in VIEWER_COLUMNS)


def viewer_from_row(row: dict, via: str, prefix: str = "") -> Viewer:
    """A Viewer from the VIEWER_COLUMNS of a user row (joined columns carry a prefix such as "user.")."""
    v = {c: row[f"{prefix}{c}"] for c in VIEWER_COLUMNS}
    return Viewer(
        user_id=v["id"], email=v["email"], name=v["name"], role=v["role"], department_id=v["department"],
        union_id=v["trade_union"], person_id=v["person"], via=via,
    )


_SESSION_LOOKUP = Prepared(lambda: (
    UserSession.select(UserSession.expires_at, *_SESSION_USER)
    .where((UserSession.key_hash == Param("key_hash")) & (UserSession.expires_at > Param("now"))
           & (UserSession.user.active == True))  # noqa: E712
    .limit(1)
))


async def viewer_from_session(key: str, cache: ViewerCache | None = None) -> Viewer | None:
    key_hash, now = _sha256(key), clock.now()
    kept = cache.get(key_hash) if cache is not None else None
    if kept is not None and kept[1] > now:
        return kept[0]
    generation = cache.generation if cache is not None else 0
    row = await _SESSION_LOOKUP.first(key_hash=key_hash, now=now)
    if row is None:
        return None
    viewer = viewer_from_row(row, "session", "user.")
    if cache is not None:
        cache.put(key_hash, (viewer, row["expires_at"]), generation)
    return viewer


# --- API tokens ------------------------------------------------------------


def _token(row: dict) -> s.ApiToken:
    return s.ApiToken(
        id=row["id"], label=row["label"], hint=row["hint"], created_at=row["created_at"],
        last_used_at=row["last_used_at"], revoked_at=row["revoked_at"],
    )


async def create_token(user_id: int, label: str) -> tuple[str, s.ApiToken]:
    """Return the token (shown once) and its record."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user=user_id, label=label.strip()[:100], token_hash=_sha256(raw), hint=raw[:10])
    async with engine().transaction():
        await row.save()
        token = _token(await ApiToken.select().where(ApiToken.id == row.id).first())
        await audit.record(None, "create", "api_token", row.id, after=token)
    return raw, token


async def list_tokens(user_id: int) -> list[s.ApiToken]:
    rows = await ApiToken.select().where(ApiToken.user == user_id).order_by(ApiToken.created_at, ascending=False)
    return [_token(r) for r in rows]


async def revoke_token(user_id: int, token_id: int) -> None:
    """Revoke one of the user's own tokens; another user's token is "not found", not "forbidden"."""
    row = await ApiToken.select(ApiToken.id).where((ApiToken.id == token_id) & (ApiToken.user == user_id)).first()
    if row is None:
        raise NotFound("Nyckeln finns inte.")
    async with engine().transaction():
        await ApiToken.update({ApiToken.revoked_at: clock.now()}).where(
            (ApiToken.id == token_id) & ApiToken.revoked_at.is_null()
        )
        await audit.record(None, "revoke", "api_token", token_id)
    forget_everywhere()


_TOKEN_LOOKUP = Prepared(lambda: (
    ApiToken.select(ApiToken.id, ApiToken.last_used_at, *_TOKEN_USER)
    .where((ApiToken.token_hash == Param("token_hash")) & ApiToken.revoked_at.is_null() & (ApiToken.user.active == True))  # noqa: E712
    .limit(1)
))


async def viewer_from_token(raw: str, cache: ViewerCache | None = None) -> Viewer | None:
    """The token's user; ``cache`` keeps it between requests (accounts.viewer_cache)."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token_hash = _sha256(raw)
    kept = cache.get(token_hash) if cache is not None else None
    if kept is None:
        generation = cache.generation if cache is not None else 0
        row = await _TOKEN_LOOKUP.first(token_hash=token_hash)
        if row is None:
            return None
        kept = {"id": row["id"], "last_used_at": row["last_used_at"], "viewer": viewer_from_row(row, "token", "user.")}
        if cache is not None:
            cache.put(token_hash, kept, generation)
    now = clock.now()
    if kept["last_used_at"] is None or now - kept["last_used_at"] > TOKEN_TOUCH_INTERVAL:
        await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == kept["id"])
        kept["last_used_at"] = now
    return kept["viewer"]


async def find_user_id(email: str) -> int:
    row = await User.select(User.id).where(User.email == email.strip().lower()).first()
    if row is None:
        raise NotFound(f"Det finns ingen användare med e-postadressen {email}.", field="email")
    return row["id"]
