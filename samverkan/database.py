"""The database engine (SQLite by default, PostgreSQL by URL) and migrations.

Piccolo finds the engine through ``samverkan.piccolo_conf``: importing ``samverkan`` sets
``PICCOLO_CONF``. The ``piccolo`` CLI does not import us, so for it export the variable first:
``PICCOLO_CONF=samverkan.piccolo_conf piccolo migrations new orgs --auto``.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import fcntl
import functools
import io
import itertools
import json
import logging
import re
import socket
import sqlite3
import weakref
from typing import Any, AsyncIterator, Awaitable, Callable, Mapping, NamedTuple

import asyncpg
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction
from piccolo.querystring import QueryString
from piccolo.columns import Column, ForeignKey
from piccolo.columns.combination import WhereRaw
from piccolo.table import Table

from samverkan.errors import Conflict
from samverkan import pg_pool
from samverkan.pg_pool import ConnectionPool
from samverkan.settings import Settings
from samverkan.sqlite_engine import PooledSQLiteEngine, end_transaction

log = logging.getLogger(__name__)


@functools.cache
def _class_names(cls: type) -> tuple[str, ...]:
    return tuple(dir(cls))


def _foreign_key_dir(self: ForeignKey) -> list[str]:
    """What ``dir()`` finds on a ForeignKey column, with its class's part worked out once.
    Piccolo's ``ForeignKey.__getattribute__`` calls ``dir(self)`` on every public attribute
    (to resolve lazy references), 33 times per matter list: the top own-time entry of the
    profile (issue 15). The answer is the same (instance attributes + the class's)."""
    return [*_class_names(type(self)), *object.__getattribute__(self, "__dict__")]


ForeignKey.__dir__ = _foreign_key_dir  # type: ignore[method-assign]

# The Piccolo apps in migration order; each area of the domain is one app.
APPS = [
    "samverkan.orgs.piccolo_app",
    "samverkan.accounts.piccolo_app",
    "samverkan.matters.piccolo_app",
    "samverkan.meetings.piccolo_app",
    "samverkan.deadlines.piccolo_app",
    "samverkan.reminders.piccolo_app",
    "samverkan.feeds.piccolo_app",
    "samverkan.documents.piccolo_app",
    "samverkan.audit.piccolo_app",
    "samverkan.protocols.piccolo_app",
    "samverkan.sam.piccolo_app",
    "samverkan.papers.piccolo_app",
    "samverkan.actions.piccolo_app",
    "samverkan.questions.piccolo_app",
    "samverkan.yearplans.piccolo_app",
]

# Any constant works; it only has to be the same for every instance of the service.
MIGRATION_LOCK_KEY = 7_365_726_161


class LoopPooledPostgresEngine(PostgresEngine):
    """Piccolo's PostgreSQL engine with a connection pool per event loop. An asyncpg pool
    serves only the loop that made it; a process of the service has one loop and so one pool,
    but the in-process tests run the app on the test client's loop and their own set-up on
    another, and each gets its pool instead of a new connection (a server process) for every
    statement. On a loop without a pool, statements open connections of their own, as before."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._pools: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._last: tuple[Any, ConnectionPool | None] = (lambda: None, None)  # (weakref to a loop, its pool)
        super().__init__(*args, **kwargs)

    @property  # type: ignore[override]
    def pool(self) -> ConnectionPool | None:
        # Piccolo asks several times per statement: the last loop's answer is kept (a lookup in
        # the weak dictionary makes a weak reference each time; 2 % of a list's time).
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop: nothing to run a query on
            return None
        if self._last[0]() is loop:
            return self._last[1]
        pool = self._pools.get(loop)
        self._last = (weakref.ref(loop), pool)
        return pool

    async def start_connection_pool(self, **options: Any) -> None:
        """Piccolo's, with samverkan.pg_pool instead of asyncpg's pool."""
        if self.pool:
            raise RuntimeError("a connection pool runs on this loop already")
        self.pool = await ConnectionPool(lambda: asyncpg.connect(**self.config), **options).start()

    def transaction(self, allow_nested: bool = True) -> PostgresTransaction:
        return _Transaction(engine=self, allow_nested=allow_nested)

    @pool.setter
    def pool(self, value: ConnectionPool | None) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # Piccolo's __init__ sets None before any loop runs
        self._last = (lambda: None, None)
        if value is None:
            self._pools.pop(loop, None)
        else:
            self._pools[loop] = value


class _Transaction(PostgresTransaction):
    """Piccolo's, giving its connection back whatever happens: when the rollback or commit on
    leaving fails (the connection lost, the task cancelled), Piccolo's would keep it lent for good."""

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent:
            return exception is None
        ending_error = None
        try:
            await end_transaction(self, exception)
        except BaseException as error:
            ending_error = error
            raise
        finally:
            if self.engine.pool:  # closed there if still in the transaction or broken
                self.engine.pool.give_back(self.connection, pg_pool.broke(ending_error))
            else:
                await self.connection.close()
            self.engine.current_transaction.reset(self.context)
        return exception is None


def make_engine(settings: Settings) -> Engine:
    if settings.is_postgres:
        # No JIT: the service's statements are short, and when the planner's estimate runs high (a
        # correlated EXISTS over a large table) PostgreSQL compiled for 0.5 s a statement that ran
        # in 1.5 ms (a union's deadline list at 300,000 deadlines).
        return LoopPooledPostgresEngine(config={"dsn": settings.database_url, "server_settings": {"jit": "off"}})
    # A generous busy timeout: SQLite serialises writers, and a request should wait, not fail.
    return PooledSQLiteEngine(path=str(settings.sqlite_path), timeout=30)


@functools.cache  # asked for several times per statement: the import machinery once
def engine() -> Engine:
    from samverkan.piccolo_conf import DB  # (it imports this module)

    return DB


@contextlib.asynccontextmanager
async def _migration_lock(settings: Settings) -> AsyncIterator[None]:
    """Hold a lock while migrating so that several instances can start at once."""
    if settings.is_postgres:
        # A session-level advisory lock lives on its own connection for the whole run.
        conn = await asyncpg.connect(settings.database_url)
        try:
            await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
            try:
                yield
            finally:
                await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)
        finally:
            await conn.close()
    else:
        with open(settings.data_dir / "migrate.lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


async def migrate(settings: Settings) -> None:
    """Apply every migration that has not run yet; a no-op when up to date."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    async with _migration_lock(settings):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):  # Piccolo prints progress; keep it in the log
            result = await run_forwards(app_name="all")
        log.debug("migrations:\n%s", out.getvalue())
        if not result.success:
            raise RuntimeError(f"migration failed: {result.message}")


class Listener:
    """A connection of its own that LISTENs on a PostgreSQL channel: ``on_notify()`` for each
    notification, ``on_state(True)`` once listening and ``on_state(False)`` when the connection is
    lost (what was missed meanwhile is unknown) or closed. A lost connection is opened again by
    itself, after RETRY_SECONDS."""

    RETRY_SECONDS = (0.2, 1.0, 2.0, 5.0, 10.0, 30.0)  # then every 30 s

    def __init__(self, dsn: str, channel: str, on_notify: Callable[[], None], on_state: Callable[[bool], None]) -> None:
        self._dsn, self._channel = dsn, channel
        self._on_notify, self._on_state = on_notify, on_state
        self._connection: asyncpg.Connection | None = None
        self._retrying: asyncio.Task | None = None
        self._closed = False

    async def start(self) -> None:
        if not await self._connect():
            self._retry()

    async def _connect(self) -> bool:
        try:
            connection = await asyncpg.connect(self._dsn)
            await connection.add_listener(self._channel, lambda *_: self._on_notify())
        except Exception:  # noqa: BLE001 - tried again later; meanwhile nothing relies on it
            log.warning("cannot listen on %s; trying again", self._channel, exc_info=True)
            return False
        if self._closed:
            await connection.close()
            return True
        connection.add_termination_listener(self._lost)
        self._connection = connection
        self._on_state(True)
        return True

    def _lost(self, _: asyncpg.Connection) -> None:
        self._connection = None
        if not self._closed:
            log.warning("the connection listening on %s was lost; opening it again", self._channel)
            self._on_state(False)
            self._retry()

    def _retry(self) -> None:
        async def retry() -> None:
            for n in itertools.count():
                await asyncio.sleep(self.RETRY_SECONDS[min(n, len(self.RETRY_SECONDS) - 1)])
                if self._closed or await self._connect():
                    return

        self._retrying = asyncio.get_running_loop().create_task(retry())

    async def close(self) -> None:
        self._closed = True
        self._on_state(False)
        if self._retrying is not None:
            self._retrying.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._retrying
        if self._connection is not None:
            connection, self._connection = self._connection, None
            await connection.close()


def pool_options(settings: Settings) -> dict[str, Any]:
    return {"min_size": 1, "max_size": settings.db_pool_size}


async def connect(settings: Settings) -> None:
    if settings.is_postgres and settings.db_pool_size:
        await engine().start_connection_pool(**pool_options(settings))


async def disconnect(settings: Settings) -> None:
    if settings.is_postgres:
        if settings.db_pool_size:
            await engine().close_connection_pool()
    else:
        await engine().close()


async def ping() -> bool:
    try:
        await engine().run_querystring(QueryString("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        log.exception("database ping failed")
        return False
    return True


# What a query raises when the database cannot be reached or cannot work right now, as opposed to
# a fault in the query or the data: the server stopped, restarting or out of connections, the
# network gone, the SQLite file unopenable, its disk failing or full, its writer busy too long.
_UNREACHABLE_POSTGRES = (
    asyncpg.PostgresConnectionError, asyncpg.CannotConnectNowError, asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError, asyncpg.TooManyConnectionsError,
)
_UNREACHABLE_SQLITE = ("unable to open database", "disk I/O error", "database or disk is full", "database is locked")


def is_unreachable(exc: BaseException) -> bool:
    if isinstance(exc, (ConnectionError, socket.gaierror, *_UNREACHABLE_POSTGRES)):
        return True
    if isinstance(exc, OSError) and "Connect call failed" in str(exc):  # asyncpg tried several addresses
        return True
    if isinstance(exc, asyncpg.InterfaceError) and "closed" in str(exc):  # a pooled connection the server dropped
        return True
    return isinstance(exc, sqlite3.OperationalError) and str(exc).startswith(_UNREACHABLE_SQLITE)


def _is_unique_violation(exc: BaseException) -> bool:
    return isinstance(exc, asyncpg.UniqueViolationError) or (
        isinstance(exc, sqlite3.IntegrityError) and "UNIQUE" in str(exc)
    )


async def write_unique(write: Callable[[], Awaitable[Any]], conflict: Conflict) -> Any:
    """Run a write; a unique violation from either engine (a race past the service's own
    check) becomes the same 409 the check would have given."""
    try:
        return await write()
    except Exception as exc:
        if _is_unique_violation(exc):
            raise conflict from None
        raise


_SQLITE_ROWS_PER_INSERT = 500  # SQLite allows 32,766 parameters per statement


async def insert_new(table: type[Table], columns: tuple[str, ...], rows: list[tuple]) -> int:
    """Insert plain rows, skipping those that meet a unique constraint (ON CONFLICT DO NOTHING);
    returns how many were inserted. For bulk planning: no Piccolo object per row, and on
    PostgreSQL one statement with one array per column, whatever the number of rows."""
    if not rows:
        return 0
    name = table._meta.tablename
    names = ", ".join(f'"{c}"' for c in columns)
    if engine().engine_type == "postgres":
        types = [table._meta.get_column_by_name(c).column_type for c in columns]
        arrays = ", ".join(f"{{}}::{t}[]" for t in types)
        sql = f"INSERT INTO {name} ({names}) SELECT * FROM unnest({arrays}) ON CONFLICT DO NOTHING RETURNING id"
        return len(await engine().run_querystring(QueryString(sql, *[list(col) for col in zip(*rows)])) or [])
    inserted = 0
    for start in range(0, len(rows), _SQLITE_ROWS_PER_INSERT):
        chunk = rows[start:start + _SQLITE_ROWS_PER_INSERT]
        values = ", ".join(["(" + ", ".join(["{}"] * len(columns)) + ")"] * len(chunk))
        sql = f"INSERT INTO {name} ({names}) VALUES {values} ON CONFLICT DO NOTHING RETURNING id"
        inserted += len(await engine().run_querystring(QueryString(sql, *[v for row in chunk for v in row])) or [])
    return inserted


class Param:
    """Where a prepared query takes a value when it runs (see Prepared)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class Prepared:
    """A Piccolo query built once and then run with new values. Building a select (every
    column's select string, the joins, the where clause) and compiling it take more CPU than
    SQLite takes to answer a simple one, on every request (issue 15's profiles); here the SQL is
    built and compiled once per engine, and each run hands it with its values straight to the
    engine's connection (the current transaction's, or the pool's). ``build`` returns the query
    (or a QueryString) with ``Param("name")`` where the values go; ``ids_param`` makes a list of ids one value."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self._build = build
        self._compiled: dict[str, tuple[str, list]] = {}
        self._columns: list[str] | None = None

    def _sql(self, engine_type: str, values: dict[str, Any]) -> tuple[str, list]:
        compiled = self._compiled.get(engine_type)
        if compiled is None:
            built = self._build()
            querystring = built if isinstance(built, QueryString) else built.querystrings[0]
            compiled = self._compiled[engine_type] = querystring.compile_string(engine_type=engine_type)
        sql, args = compiled
        return sql, [_value(values[a.name]) if isinstance(a, Param) else a for a in args]

    async def rows(self, **values: Any) -> list[dict]:
        rows = _taken_ahead(self, values)
        if rows is not None:
            return rows
        return await fetch(*self._sql(engine().engine_type, values))

    async def first(self, **values: Any) -> dict | None:
        rows = await self.rows(**values)
        return rows[0] if rows else None

    async def mappings(self, **values: Any) -> list[Mapping[str, Any]]:
        """The rows as read-only mappings: on PostgreSQL asyncpg's records, not copied into dicts
        (a microsecond a row; issue 15). Not read ahead."""
        return await fetch(*self._sql(engine().engine_type, values), as_dicts=False)

    def read(self, **values: Any) -> Read:
        """This query with these values, to run later or to hand to read_ahead."""
        return Read(self, values)

    async def _names(self) -> list[str]:
        """The statement's column names on PostgreSQL (asked once: an array of records carries none)."""
        if self._columns is None:
            db = engine()
            connection = await (db.pool.take() if db.pool else db.get_new_connection())
            try:
                statement = await connection.prepare(self._compiled["postgres"][0])  # compiled by the read's _sql
                self._columns = [a.name for a in statement.get_attributes()]
            finally:
                await (db.pool.release(connection) if db.pool else connection.close())
        return self._columns


class Read(NamedTuple):
    """A Prepared query with its values. A module names the reads a page makes (``papers_read``…)
    and runs the same Read itself, so a read ahead (read_ahead) always has the values it will be
    asked for."""

    prepared: Prepared
    values: dict[str, Any]

    async def rows(self) -> list[dict]:
        return await self.prepared.rows(**self.values)

    async def first(self) -> dict | None:
        return await self.prepared.first(**self.values)


async def fetch(sql: str, args: list, as_dicts: bool = True) -> list[Any]:
    """Compiled SQL and its values, sent as they are: on the current transaction's connection,
    the pool's, or a new one (SQLite: the reader's or the writer's); rows as dicts (or, on
    PostgreSQL without ``as_dicts``, as asyncpg's records)."""
    db = engine()
    transaction = db.current_transaction.get()
    if db.engine_type == "postgres":
        pool = db.pool  # (asked once: each asking asks for the running loop)
        if transaction:
            records = await transaction.connection.fetch(sql, *args)
        elif pool:
            records = await pool.fetch(sql, args)
        else:
            records = await db._run_in_new_connection(sql, args)
        return [dict(r) for r in records] if as_dicts else records
    if transaction:
        return await db._run_in_existing_connection(transaction.connection, sql, args)
    return await db._run_in_new_connection(sql, args)


# Reads run ahead in this task: a Prepared's id → [(values, rows), ...], each taken once.
_AHEAD: contextvars.ContextVar[dict[int, list] | None] = contextvars.ContextVar("samverkan_read_ahead", default=None)
_COMBINED: dict[tuple[int, ...], str] = {}  # the statement of several reads, by their Prepareds' ids


def _taken_ahead(prepared: Prepared, values: dict[str, Any]) -> list[dict] | None:
    ahead = _AHEAD.get()
    entries = ahead.get(id(prepared)) if ahead is not None else None
    for n, (given, rows) in enumerate(entries or ()):
        if given == values:
            del entries[n]
            return rows
    return None


def _combined(reads: list[Read]) -> str:
    """One statement returning each read's rows as an array of records, in the read's own order;
    the reads' parameters numbered on from one read to the next."""
    key = tuple(id(prepared) for prepared, _ in reads)
    sql = _COMBINED.get(key)
    if sql is None:
        parts, offset = [], 0
        for n, (prepared, values) in enumerate(reads):
            own, args = prepared._sql("postgres", values)
            if set(re.findall(r"\$(\d+)", own)) != {str(i) for i in range(1, len(args) + 1)}:
                raise ValueError(f"cannot renumber the parameters of {own!r}")
            own = re.sub(r"\$(\d+)", lambda m, offset=offset: f"${int(m.group(1)) + offset}", own)
            parts.append(f"ARRAY(SELECT t FROM ({own}) AS t) AS r{n}")
            offset += len(args)
        sql = _COMBINED[key] = "SELECT " + ", ".join(parts)
    return sql


@contextlib.asynccontextmanager
async def read_ahead(reads: list[Read]) -> AsyncIterator[None]:
    """Run these prepared reads now, on PostgreSQL in one statement (one round trip instead of
    one each: the reads of a page that follow its meeting, issue 15); inside the block a
    ``Prepared.rows`` with the same values takes its rows from here, once. A read not named here,
    or with other values, is sent as usual, so a list that misses one costs a round trip, never a
    wrong answer; if the statement fails, each read is sent (and fails) on its own. On SQLite (no
    round trips), inside a transaction and for a single read (nothing to save) the reads are sent
    as usual, when asked for."""
    db = engine()
    row = None
    if db.engine_type == "postgres" and len(reads) > 1 and db.current_transaction.get() is None:
        try:
            row = (await fetch(_combined(reads), [a for prepared, values in reads for a in prepared._sql("postgres", values)[1]]))[0]
        except Exception:  # noqa: BLE001 - a bad value (an id out of range, say) fails again in its own read, as usual
            log.debug("reading ahead failed", exc_info=True)
    if row is None:
        yield
        return
    ahead = {k: list(v) for k, v in (_AHEAD.get() or {}).items()}
    for n, (prepared, values) in enumerate(reads):
        names = await prepared._names()
        ahead.setdefault(id(prepared), []).append((values, [dict(zip(names, r)) for r in row[f"r{n}"]]))
    token = _AHEAD.set(ahead)
    try:
        yield
    finally:
        _AHEAD.reset(token)


def flattened(condition: Any) -> WhereRaw:
    """A condition built once and used on many requests, with its tree of QueryStrings (a
    scope's subqueries) merged into one template: Piccolo walks the tree again on every
    compile (issue 15's profiles: 50 walks per deadline list of a union)."""
    _, fragments, args = condition.querystring.bundle(start_index=1, bundled=[], combined_args=[])
    template = "".join(f.prefix + ("" if f.no_arg else "{}") for f in fragments)
    if template.count("{") != len(args) or "}" in template.replace("{}", ""):
        raise ValueError("a condition with a brace in its SQL cannot be flattened")  # see pagination._literal
    return WhereRaw(template, *args)


class Ids(list):
    """A list of ids sent as one value to a prepared query (see ids_param)."""


def _value(value: Any) -> Any:
    if isinstance(value, Ids) and engine().engine_type != "postgres":
        return json.dumps(value)
    return value


def ids_param(column: Column, name: str, sql_type: str = "integer") -> WhereRaw:
    """`column IN (ids)` in a prepared query, the ids one value whatever their number: on
    PostgreSQL an array (`= ANY`) of ``sql_type``, on SQLite a JSON array (`IN (SELECT value
    FROM json_each(…))`). Run it with ``name=Ids(...)``."""
    sql = f'"{column._meta.table._meta.tablename}"."{column._meta.db_column_name}"'
    if engine().engine_type == "postgres":
        return WhereRaw(f"{sql} = ANY({{}}::{sql_type}[])", Param(name))
    return WhereRaw(f"{sql} IN (SELECT value FROM json_each({{}}))", Param(name))


def ids_in(column: Column, ids: list[int]) -> Any:
    """`column IN (ids)` for a long list: on PostgreSQL one array parameter (`= ANY`), which
    spares Piccolo cleaning every value and the server parsing every placeholder."""
    if engine().engine_type == "postgres":
        return WhereRaw(f'"{column._meta.table._meta.tablename}"."{column._meta.db_column_name}" = ANY({{}}::integer[])', list(ids))
    return column.is_in(list(ids))


async def update_each(column: Column, values: dict[int, Any]) -> None:
    """Set `column` to a value of its own for each row id: on PostgreSQL one statement, on
    SQLite one per distinct value."""
    if not values:
        return
    table = column._meta.table
    if engine().engine_type == "postgres":
        name, col = table._meta.tablename, column._meta.db_column_name
        sql = (f'UPDATE {name} SET "{col}" = v.value FROM unnest({{}}::integer[], {{}}::{column.column_type}[]) AS v(id, value) '
               f"WHERE {name}.id = v.id")
        await engine().run_querystring(QueryString(sql, list(values), list(values.values())))
        return
    by_value: dict[Any, list[int]] = {}
    for row_id, value in values.items():
        by_value.setdefault(value, []).append(row_id)
    for value, ids in by_value.items():
        await table.update({column: value}).where(table._meta.primary_key.is_in(ids))
