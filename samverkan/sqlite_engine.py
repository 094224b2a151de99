"""Piccolo's SQLite engine with long-lived connections: readers in parallel, one writer in turn.

Piccolo's own ``SQLiteEngine`` opens a connection (and an aiosqlite thread) for every statement
outside a transaction, 2.5–3.5 ms each, and begins transactions DEFERRED: one that reads and
then writes cannot upgrade when another connection wrote meanwhile, and fails at once with
``database is locked`` (the busy timeout does not apply to that case). This engine borrows
instead of connecting:

* a SELECT outside a transaction runs on the caller's own thread, on a reader connection of
  that thread: most take well under a millisecond, less than a hop to another thread and back,
  and under load such hops make the threads fight over the GIL (issue 15's profiles). SQLite's
  progress handler stops it after ``INLINE_STEPS`` virtual-machine steps (about a millisecond)
  and it runs again on one of a few reader threads, so a long read never holds up the event
  loop for longer than that. Readers are opened ``query_only``: a write that reached one would
  fail loudly instead of slipping past the writer's lock; with WAL they never wait for it;
* ONE writer connection takes every transaction (``BEGIN IMMEDIATE``, whatever type was
  asked for) and every other statement outside one; a lock makes the tasks of this process
  take it in turn, and SQLite's busy timeout makes other processes (``samverkan demo``, a cron
  sweep) wait for each other instead of failing. BEGIN, COMMIT and lone writes (which may wait
  for another process) run on the writer's thread; the statements between BEGIN and COMMIT run
  on the caller's thread, as the transaction holds the writer and nothing else touches it
  meanwhile (they are short by design: bulk writes go in chunks).

Each thread of a connection runs one job (a whole statement, fetched) at a time and answers the
caller's event loop, whichever it is: the test client runs the app on another thread and loop
than the tests, and the CLI calls ``asyncio.run`` several times. For the same reason the
writer's lock is not an ``asyncio.Lock`` (bound to one loop) but ``_LoopSafeLock``. The PRAGMAs
are set once per connection. ``close()`` closes the connections; the next statement opens them
again.
"""

from __future__ import annotations

import asyncio
import atexit
import collections
import datetime
import os
import queue
import sqlite3
import threading
import weakref
from functools import partial
from typing import Any, Callable, Optional

from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType

Job = Callable[[sqlite3.Connection], Any]

INLINE_STEPS = 100_000  # see the module's docstring
_STEPS_PER_CALL = 1_000  # the progress handler is called this often


def _fast_converters() -> None:
    """Piccolo registers a Python converter for every INTEGER column (``int(Decimal(text))``)
    and wraps the others in a type check: per value, the largest own-time entry of a list's
    profile. SQLite hands INTEGER columns over as ints already; the rest read the bytes directly."""
    sqlite3.converters.pop("INTEGER", None)
    sqlite3.register_converter("BOOLEAN", lambda value: value == b"1")
    sqlite3.register_converter("DATE", lambda value: datetime.date.fromisoformat(value.decode()))
    sqlite3.register_converter("TIMESTAMPTZ", _timestamptz)


def _timestamptz(value: bytes) -> datetime.datetime:
    # Piccolo stores aware values in UTC with their offset ("+00:00"); a naive one is UTC too.
    # (replace() costs six times the parse: only where needed.)
    parsed = datetime.datetime.fromisoformat(value.decode())
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=datetime.timezone.utc)


_fast_converters()


def _settle(future: asyncio.Future, result: Any, error: BaseException | None) -> None:
    if future.done():  # the caller gave up (cancelled)
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)


class _Connection:
    """One sqlite3 connection on a thread of its own, callable from any event loop. The
    connection is opened by the first job after start or ``close()``: a failed open (a missing
    directory, a full disk) is tried again by the next job instead of leaving a dead connection."""

    def __init__(self, open_db: Callable[[], sqlite3.Connection], name: str) -> None:
        self._open_db = open_db
        self._name = name
        self._db: sqlite3.Connection | None = None
        self.pending = 0  # jobs queued or running; approximate (no lock), to pick a reader
        self._started_in: int | None = None  # the process whose thread serves the queue
        self._starting = threading.Lock()
        # (job, done); job None closes the connection (without opening it first).
        self._jobs: queue.SimpleQueue[tuple[Job | None, Callable[[Any, BaseException | None], None]]] = queue.SimpleQueue()

    def _submit(self, job: Job | None, done: Callable[[Any, BaseException | None], None]) -> None:
        # The thread starts with the first job, and again in a child process after a fork (a
        # server that imports the app before forking its workers), which inherits no threads
        # and must not use a connection its parent opened.
        if self._started_in != os.getpid():
            with self._starting:
                if self._started_in != os.getpid():
                    self._db = None
                    self._jobs = queue.SimpleQueue()
                    threading.Thread(target=self._work, args=(self._jobs,), name=self._name, daemon=True).start()
                    self._started_in = os.getpid()
        self.pending += 1
        self._jobs.put((job, done))

    def _work(self, jobs: queue.SimpleQueue) -> None:
        while True:
            job, done = jobs.get()
            result, error = None, None
            try:
                if job is None:
                    self._close_db()
                else:
                    if self._db is None:
                        self._db = self._open_db()
                    result = job(self._db)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                error = exc
            self.pending -= 1
            done(result, error)

    async def run(self, job: Job | None) -> Any:
        future = asyncio.get_running_loop().create_future()
        loop = future.get_loop()

        def done(result: Any, error: BaseException | None) -> None:
            try:
                loop.call_soon_threadsafe(_settle, future, result, error)
            except RuntimeError:  # the caller's loop has closed meanwhile
                pass

        self._submit(job, done)
        return await future

    def fetch_here(self, sql: str, args: Any) -> list[dict]:
        """A statement of the transaction that holds this (writer) connection, on the caller's
        thread: the holder's lock keeps every other task off the connection, which BEGIN opened."""
        assert self._db is not None, "fetch_here outside a transaction"
        return _fetch(sql, args, self._db)

    async def execute(self, sql: str, args: Any = ()) -> list[dict]:
        """As sqlite3's, fetched (Piccolo's savepoints call ``connection.execute``)."""
        return await self.run(partial(_fetch, sql, args))

    def _close_db(self) -> None:
        if self._db is not None:
            self._db.close()  # the last connection to close checkpoints the WAL
            self._db = None

    async def close(self) -> None:
        await self.run(None)

    def close_and_wait(self, timeout: float) -> None:
        """For interpreter exit, when no event loop may be left."""
        if self._started_in != os.getpid():
            return  # never used in this process: nothing to close
        finished = threading.Event()
        self._submit(None, lambda *_: finished.set())
        finished.wait(timeout)


def _dicts(cursor: sqlite3.Cursor) -> list[dict]:
    """The rows as dicts, as Piccolo's engine answers. (Piccolo's row factory reads the
    cursor's description again for every row; here the names are taken once per statement.)"""
    rows = cursor.fetchall()
    if not rows:
        return rows
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in rows]


def _fetch(sql: str, args: Any, db: sqlite3.Connection) -> list[dict]:
    return _dicts(db.execute(sql, args))


def _write_alone(sql: str, args: Any, db: sqlite3.Connection) -> list[dict]:
    """A statement outside a transaction, on the writer. The writer's lock is held, so a
    transaction still open here is one whose owner could not end it (cancelled during
    COMMIT): end it rather than let this statement join it."""
    if db.in_transaction:
        db.execute("ROLLBACK")
    return _dicts(db.execute(sql, args))


def _begin(db: sqlite3.Connection) -> None:
    if db.in_transaction:  # see _write_alone
        db.execute("ROLLBACK")
    db.execute("BEGIN IMMEDIATE")


def _rollback(db: sqlite3.Connection) -> None:
    # SQLite has already rolled back after some errors (a full disk, an interrupt).
    if db.in_transaction:
        db.execute("ROLLBACK")


class _TooLong(Exception):
    """A read on the caller's thread ran past INLINE_STEPS."""


class _InlineReader:
    """A reader connection used on the thread that opened it (see the module's docstring)."""

    def __init__(self, db: sqlite3.Connection, generation: int) -> None:
        self.db = db
        self.pid = os.getpid()
        self.generation = generation
        self._calls = 0
        db.set_progress_handler(self._progress, _STEPS_PER_CALL)

    def _progress(self) -> int:
        self._calls += 1
        return self._calls > INLINE_STEPS // _STEPS_PER_CALL  # non-zero interrupts the statement

    def fetch(self, sql: str, args: Any) -> list[dict]:
        self._calls = 0
        try:
            return _dicts(self.db.execute(sql, args))
        except sqlite3.OperationalError as exc:
            if self._calls > INLINE_STEPS // _STEPS_PER_CALL and str(exc) == "interrupted":
                raise _TooLong from None
            raise


class _LoopSafeLock:
    """A lock for tasks on any event loop and thread, handed to the waiters in turn."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._waiters: collections.deque[asyncio.Future] = collections.deque()

    async def acquire(self, timeout: float) -> None:
        with self._mutex:
            if not self._held:
                self._held = True
                return
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
        try:
            async with asyncio.timeout(timeout):
                await waiter
        except BaseException:
            with self._mutex:
                handed_over = waiter not in self._waiters
                if not handed_over:
                    self._waiters.remove(waiter)
            if handed_over:  # the lock came as this task gave up: pass it on
                self.release()
            raise

    def release(self) -> None:
        with self._mutex:
            while self._waiters:
                waiter = self._waiters.popleft()
                try:
                    waiter.get_loop().call_soon_threadsafe(_settle, waiter, None, None)
                    return
                except RuntimeError:  # that waiter's loop has closed
                    continue
            self._held = False


class PooledSQLiteTransaction(SQLiteTransaction):
    """Piccolo's transaction, on the engine's writer connection, which it holds to the end."""

    __slots__ = ()
    engine: PooledSQLiteEngine

    async def get_connection(self) -> _Connection:
        return await self.engine.take_writer()

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is not None:
            return self._parent
        self.connection = await self.get_connection()
        try:
            await self.begin()
        except BaseException:
            self.engine.give_back_writer()
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def begin(self) -> None:
        # IMMEDIATE whatever type was asked for: see the module's docstring.
        await self.connection.run(_begin)

    async def rollback(self) -> None:
        await self.connection.run(_rollback)
        self._rolled_back = True

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._parent:
            return exception is None
        try:
            await end_transaction(self, exception)
        finally:
            self.engine.current_transaction.reset(self.context)
            self.engine.give_back_writer()
        return exception is None


async def end_transaction(transaction: Any, exception: BaseException | None) -> None:
    """How Piccolo ends an outermost transaction on leaving its block: rolled back after an
    error, else committed, unless the block did either itself. (Both engines' transactions
    override ``__aexit__`` to give their connection back whatever happens here.)"""
    if exception:
        if not transaction._rolled_back:
            await transaction.rollback()
    elif not transaction._committed and not transaction._rolled_back:
        await transaction.commit()


def _pending(connection: _Connection) -> int:
    return connection.pending


def _close_at_exit(engine_ref: weakref.ref) -> None:
    engine = engine_ref()
    if engine is not None:
        engine.close_inline_readers()
        for connection in engine.connections():
            connection.close_and_wait(timeout=5)


class PooledSQLiteEngine(SQLiteEngine):
    """See the module's docstring. ``timeout`` (seconds) is SQLite's busy timeout and also how
    long a task waits for this process's writer before ``database is locked``."""

    def __init__(self, path: str, readers: int = 4, timeout: float = 30, **connection_kwargs: Any) -> None:
        super().__init__(path=path, timeout=timeout, **connection_kwargs)
        self.lock_timeout = timeout
        self._writer_lock = _LoopSafeLock()
        self._writer = _Connection(partial(self._open, writer=True), name="sqlite-writer")
        self._readers = [_Connection(partial(self._open, writer=False), name=f"sqlite-reader-{n}") for n in range(readers)]
        self._inline = threading.local()  # each thread's _InlineReader
        self._inline_readers: weakref.WeakSet[_InlineReader] = weakref.WeakSet()
        self._generation = 0
        atexit.register(_close_at_exit, weakref.ref(self))

    def _open(self, writer: bool) -> sqlite3.Connection:
        db = sqlite3.connect(**self.connection_kwargs, check_same_thread=False)  # timeout= sets the busy timeout
        db.execute("PRAGMA foreign_keys = 1")
        if writer:
            db.execute("PRAGMA journal_mode = WAL")  # stored in the file: readers see it too
            db.execute("PRAGMA synchronous = NORMAL")  # with WAL: safe against crashes, one fsync per checkpoint
        else:
            db.execute("PRAGMA query_only = 1")
        return db

    def _inline_reader(self) -> _InlineReader:
        reader = getattr(self._inline, "reader", None)
        # A forked worker opens its own; after close() (a test's fresh file) a new one.
        if reader is None or reader.pid != os.getpid() or reader.generation != self._generation:
            reader = self._inline.reader = _InlineReader(self._open(writer=False), self._generation)
            self._inline_readers.add(reader)
        return reader

    def close_inline_readers(self) -> None:
        """Each thread opens a new one at its next read; a forked child leaves its parent's alone."""
        self._generation += 1
        for inline in list(self._inline_readers):
            if inline.pid == os.getpid():
                inline.db.close()

    def connections(self) -> list[_Connection]:
        return [self._writer, *self._readers]

    async def close(self) -> None:
        """Close every connection (after the transaction in progress, if any); the next
        statement opens them again."""
        await self._writer_lock.acquire(self.lock_timeout)
        try:
            await self._writer.close()
        finally:
            self._writer_lock.release()
        for reader in self._readers:
            await reader.close()
        self.close_inline_readers()

    async def take_writer(self) -> _Connection:
        try:
            await self._writer_lock.acquire(self.lock_timeout)
        except TimeoutError:
            raise sqlite3.OperationalError("database is locked") from None
        return self._writer

    def give_back_writer(self) -> None:
        self._writer_lock.release()

    def transaction(
        self, transaction_type: TransactionType = TransactionType.deferred, allow_nested: bool = True
    ) -> SQLiteTransaction:
        return PooledSQLiteTransaction(engine=self, transaction_type=transaction_type, allow_nested=allow_nested)

    async def _run_in_new_connection(
        self, query: str, args: Optional[list[Any]] = None, query_type: str = "generic", table: Any = None
    ) -> list[dict]:
        """A statement outside a transaction (the name is Piccolo's: nothing new is opened)."""
        args = args or []
        if query.lstrip()[:6].upper() == "SELECT":
            try:
                return self._inline_reader().fetch(query, args)
            except _TooLong:
                pass
            # The least busy reader, the first when all are idle: a thread kept warm answers faster.
            reader = min(self._readers, key=_pending)
            return await reader.run(partial(_fetch, query, args))
        writer = await self.take_writer()
        try:
            return await writer.run(partial(_write_alone, query, args))
        finally:
            self.give_back_writer()

    async def _run_in_existing_connection(
        self, connection: _Connection, query: str, args: Optional[list[Any]] = None,
        query_type: str = "generic", table: Any = None,
    ) -> list[dict]:
        return connection.fetch_here(query, args or [])
