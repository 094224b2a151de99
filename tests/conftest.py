"""Test set-up: one suite, two engines.

SQLite by default; ``SAMVERKAN_TEST_DATABASE_URL=postgresql://…`` runs the same suite on PostgreSQL
in a fresh database made for this run (dropped afterwards). An unreachable PostgreSQL fails the
run: it is never skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from zoneinfo import ZoneInfo
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import pytest

TEST_DB_ENV = "SAMVERKAN_TEST_DATABASE_URL"
_state: dict[str, Any] = {}


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


async def _admin_execute(url: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url, timeout=10)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def separate_database(data_dir: Path, prefix: str) -> AsyncIterator[dict[str, str]]:
    """An environment for a `samverkan` process with a database of its own: a fresh SQLite
    file in data_dir, or a fresh PostgreSQL database next to the test database (dropped after)."""
    env = {**os.environ, "SAMVERKAN_DATA_DIR": str(data_dir)}
    env.pop("SAMVERKAN_DB_POOL_SIZE", None)  # a real process uses its pool
    base = os.environ.get(TEST_DB_ENV)
    name = None
    if base:
        name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
        await _admin_execute(base, f'CREATE DATABASE "{name}"')
        env["SAMVERKAN_DATABASE_URL"] = _with_database(base, name)
    else:
        env.pop("SAMVERKAN_DATABASE_URL", None)
    try:
        yield env
    finally:
        if name:
            await _admin_execute(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pytest_configure(config: pytest.Config) -> None:
    """Point the service at a throw-away database before anything imports it; with
    SAMVERKAN_TEST_SHIFT_DAYS, move the clock that many days ahead for the whole run (the servers
    and commands the tests start inherit the variable and follow)."""
    from samverkan import clock

    clock.shift_for_tests()
    data_dir = Path(tempfile.mkdtemp(prefix="samverkan-test-"))
    _state["data_dir"] = data_dir
    os.environ["SAMVERKAN_DATA_DIR"] = str(data_dir)
    os.environ["SAMVERKAN_SECRET_KEY"] = secrets.token_urlsafe(48)
    os.environ["SAMVERKAN_LOG_LEVEL"] = "WARNING"
    # The test client runs the app on a loop of its own; the engine keeps a pool per loop
    # (database.LoopPooledPostgresEngine), so the app and the tests' own statements each use one.
    os.environ["SAMVERKAN_DB_POOL_SIZE"] = "4"
    os.environ["SAMVERKAN_SCHEDULER"] = "false"  # tests sweep when they mean to
    os.environ.pop("SAMVERKAN_DATABASE_URL", None)
    base_url = os.environ.get(TEST_DB_ENV, "").strip()
    if base_url:
        name = f"samverkan_test_{os.getpid()}_{secrets.token_hex(3)}"
        try:
            asyncio.run(_admin_execute(base_url, f'CREATE DATABASE "{name}"'))
        except Exception as exc:  # noqa: BLE001
            raise pytest.UsageError(f"{TEST_DB_ENV} is set but PostgreSQL cannot be used: {exc}") from exc
        _state["pg"] = (base_url, name)
        os.environ["SAMVERKAN_DATABASE_URL"] = _with_database(base_url, name)
    _cheap_password_hashing()


def _cheap_password_hashing() -> None:
    """argon2 at the service's cost (64 MiB, three passes) takes about 0.1 s of a core per hash,
    and the suite makes thousands of users; in this process passwords are hashed at argon2's
    cheapest (as Django's test settings do). Servers and commands the tests start as processes
    keep the real cost, and verify either kind of hash."""
    import argon2
    from argon2.profiles import CHEAPEST

    from samverkan.accounts import service

    cheap = argon2.PasswordHasher.from_parameters(CHEAPEST)
    service._hasher = lambda: cheap


def pytest_unconfigure(config: pytest.Config) -> None:
    if "pg" in _state:
        base_url, name = _state.pop("pg")
        asyncio.run(_admin_execute(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def pytest_report_header(config: pytest.Config) -> str:
    shift = os.environ.get("SAMVERKAN_TEST_SHIFT_DAYS")
    return f"samverkan database: {'PostgreSQL ' + _state['pg'][1] if 'pg' in _state else 'SQLite'}" + (
        f"; clock moved {shift} days ahead" if shift else "")


@pytest.fixture(scope="session")
def settings():
    from samverkan.settings import get_settings

    return get_settings()


@pytest.fixture(scope="session")
def is_postgres(settings) -> bool:
    return settings.is_postgres


@pytest.fixture(scope="session", autouse=True)
async def pool_of_the_tests(settings) -> AsyncIterator[None]:
    """The tests' own statements (set-up, checks) go through a pool on the tests' loop, as the
    app's go through its own on the test client's: a new server process per statement made the
    PostgreSQL run twice as long as SQLite's."""
    from samverkan import database

    await database.connect(settings)
    yield
    if settings.is_postgres:
        await database.disconnect(settings)


@pytest.fixture(scope="session")
async def app(settings):
    from samverkan.app import create_app

    return create_app(settings)


@pytest.fixture(scope="session")
async def client(app) -> AsyncIterator[Any]:
    from litestar.testing import AsyncTestClient

    # https: the session cookie is Secure, and a client only sends it back over https.
    async with AsyncTestClient(app=app, base_url="https://testserver.local") as client:
        client.follow_redirects = False  # tests check where a response points
        yield client


def _tables() -> list:
    from piccolo.conf.apps import Finder

    return Finder().get_table_classes()


@pytest.fixture(autouse=True)
async def clean_database(client, is_postgres) -> None:
    """Every test starts from empty tables (the schema stays)."""
    from samverkan.database import engine
    from samverkan.web import page_status

    client.cookies.clear()
    page_status._checked = (0.0, {})  # the sweep's status is cached for 30 s: not from the test before
    tables = [t._meta.tablename for t in _tables()]
    # DELETE, not TRUNCATE: on PostgreSQL truncating 56 tables takes 0.3–0.8 s (new files for
    # every table), deleting the few rows a test wrote about 10 ms. Children before parents.
    async with engine().transaction():
        for name in reversed(tables):
            await engine().run_ddl(f"DELETE FROM {name}")
    if is_postgres:  # the ids start again at 1, as on SQLite
        await engine().run_ddl(
            "SELECT setval(format('%I.%I', schemaname, sequencename), 1, false) FROM pg_sequences"
            " WHERE schemaname = current_schema()")


@dataclass
class Caller:
    """A user of a given role, with an API token (headers) and a password for pages."""

    user_id: int
    email: str
    role: str
    headers: dict[str, str]
    password: str
    department_id: int | None = None
    union_id: int | None = None


@pytest.fixture
def make_caller():
    from samverkan.accounts import service
    from samverkan.accounts.schemas import UserCreate

    async def make(role: str, department_id: int | None = None, union_id: int | None = None, email: str | None = None) -> Caller:
        email = email or f"{role}-{secrets.token_hex(3)}@test.example"
        password = "lösenord-" + secrets.token_hex(4)
        user = await service.create_user(
            UserCreate(email=email, name=f"Test {role}", role=role, department_id=department_id, union_id=union_id, password=password)
        )
        token, _ = await service.create_token(user.id, "test")
        return Caller(user.id, email, role, {"Authorization": f"Bearer {token}"}, password, department_id, union_id)

    return make


@dataclass
class Org:
    department_id: int
    other_department_id: int
    union_id: int
    other_union_id: int


@pytest.fixture
async def org() -> Org:
    """A small registry: two departments, two unions."""
    from samverkan.orgs import schemas as s
    from samverkan.orgs import service

    d1 = await service.create_department(s.DepartmentCreate(name="Vård- och omsorgsförvaltningen", code="VOF", diary_prefix="VO"))
    d2 = await service.create_department(s.DepartmentCreate(name="Kommunkontoret", code="KK", diary_prefix="KS"))
    u1 = await service.create_union(s.UnionCreate(name="Vision", federation="Vision", confederation="TCO"))
    u2 = await service.create_union(s.UnionCreate(name="Kommunal", federation="Svenska Kommunalarbetareförbundet", confederation="LO"))
    return Org(d1.id, d2.id, u1.id, u2.id)


@pytest.fixture
def callers(make_caller, org):
    """One caller per role; the department and union users belong to org's first department and union."""

    async def make() -> dict[str, Caller]:
        return {
            "admin": await make_caller("admin"),
            "hr": await make_caller("hr"),
            "department": await make_caller("department", department_id=org.department_id),
            "union": await make_caller("union", union_id=org.union_id),
        }

    return make


async def login(client, email: str, password: str) -> None:
    """Sign in through the form like a browser does (CSRF cookie first)."""
    page = await client.get("/logga-in")
    assert page.status_code == 200
    response = await client.post(
        "/logga-in", data={"email": email, "password": password, "_csrf_token": client.cookies.get("csrftoken")}
    )
    assert response.status_code in (302, 303), response.text


def csrf(client) -> str:
    """The token a page carries: bound to the session cookie once signed in (web/csrf.py), else the
    anonymous double-submit cookie's."""
    from samverkan.settings import get_settings
    from samverkan.web.csrf import session_token

    session = client.cookies.get("samverkan_session")
    return session_token(get_settings().secret_key, session) if session else client.cookies.get("csrftoken")


class QueryCounter:
    """Counts the SQL statements the service sends through the engine, and keeps each one's SQL
    and values (``statements``): Piccolo's queries through the engine's ``run_querystring``, the
    prepared ones (``database.Prepared``, ``database.read_ahead``) through ``database.fetch``,
    which bypasses it. A prepared read answered from a read-ahead sends nothing and is not counted.

    Piccolo engines have __slots__, so the count is taken on the engine's class for the
    duration of the block (tests run one at a time).
    """

    def __init__(self) -> None:
        self.statements: list[tuple[str, tuple]] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def __enter__(self) -> "QueryCounter":
        from samverkan import database

        self._cls = type(database.engine())
        self._original = self._cls.run_querystring
        self._original_fetch = database.fetch
        original, original_fetch, counter = self._original, self._original_fetch, self

        async def counting(engine_self, querystring, *args, **kwargs):
            sql, values = querystring.compile_string(engine_type=engine_self.engine_type)
            counter.statements.append((sql, tuple(map(repr, values))))
            return await original(engine_self, querystring, *args, **kwargs)

        async def counting_fetch(sql, args, as_dicts=True):
            counter.statements.append((sql, tuple(map(repr, args))))
            return await original_fetch(sql, args, as_dicts)

        self._cls.run_querystring = counting
        database.fetch = counting_fetch
        return self

    def __exit__(self, *exc) -> None:
        from samverkan import database

        self._cls.run_querystring = self._original
        database.fetch = self._original_fetch


@pytest.fixture
async def smtp():
    """A real SMTP server; digests count as done whatever day the test's clock shows (also past
    midnight), so tests see reminders only."""
    from smtp_server import SmtpServer
    from samverkan.reminders.tables import SweepState

    await SweepState.insert(SweepState(name="sweep", digests_on=dt.date(2200, 12, 31)))
    with SmtpServer() as server:
        yield server


FROZEN_AT = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)  # a Tuesday, 10:00 in Stockholm; tests were written then


@pytest.fixture
def frozen():
    """The clock stopped at FROZEN_AT for the test, for the service in this process too (every
    "today" comes from samverkan.clock); move it with frozen.shift(…) or frozen.move_to(…)."""
    import time_machine

    with time_machine.travel(FROZEN_AT, tick=False) as traveller:
        yield traveller


FROZEN_DAY = FROZEN_AT.astimezone(ZoneInfo("Europe/Stockholm")).date()


def clock_env(day: dt.date | None = None) -> dict[str, str]:
    """For a command or server a test starts: the shift that puts its clock on ``day`` (by
    default the test's, frozen or not) in Stockholm; it ticks from the real time of day. Browser
    tests start their demo on FROZEN_DAY, so the demo and the dates they type are the same every day."""
    import time

    from time_machine import escape_hatch

    from samverkan import clock

    real = escape_hatch.time.time() if escape_hatch.is_travelling() else time.time()
    real_today = dt.datetime.fromtimestamp(real, clock.STOCKHOLM).date()
    return {"SAMVERKAN_TEST_SHIFT_DAYS": str(((day or clock.today()) - real_today).days)}


def settings_with(**env):
    """The settings as the environment gives them, with these variables changed (e.g. the SMTP server's)."""
    import os

    from samverkan.settings import load_settings

    return load_settings({**os.environ, **env})
