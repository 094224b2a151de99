"""The SQLite engine's own promises (samverkan/sqlite_engine.py), on an engine and file of the
test's own: any event loop and thread, transactions that take the writer in turn and give it
back whatever happens, reads that see the last commit, and connections that come back after
``close()`` and after a fork. (The service's use of it is tested everywhere else.)"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading

import pytest
from piccolo.querystring import QueryString

from samverkan.sqlite_engine import PooledSQLiteEngine


@pytest.fixture
async def engine(tmp_path):
    made = PooledSQLiteEngine(path=str(tmp_path / "engine.sqlite"), timeout=2)
    await made.run_ddl("CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER)")
    yield made
    await made.close()


async def _sql(engine, template: str, *values) -> list[dict]:
    """Through the engine's public path: in the current transaction if there is one."""
    return await engine.run_querystring(QueryString(template, *values))


async def _count(engine) -> int:
    return (await _sql(engine, "SELECT count(*) AS n FROM t"))[0]["n"]


async def _insert(engine, x: int) -> None:
    await _sql(engine, "INSERT INTO t (x) VALUES ({})", x)


async def _xs(engine) -> list[int]:
    return [r["x"] for r in await _sql(engine, "SELECT x FROM t ORDER BY x")]


async def test_a_read_sees_the_write_before_it_and_pragmas_are_set(engine):
    for n in range(1, 6):
        await _insert(engine, n)
        assert await _count(engine) == n  # a reader, right after the writer committed
    assert (await engine.run_ddl("PRAGMA journal_mode"))[0]["journal_mode"] == "wal"
    reader_pragmas = await _sql(engine, "SELECT * FROM pragma_foreign_keys, pragma_query_only")
    assert reader_pragmas == [{"foreign_keys": 1, "query_only": 1}]


async def test_transactions_from_two_event_loops_take_the_writer_in_turn(engine):
    """A read, then a write, in each of 2 × 20 transactions from two threads' loops at once: the
    stock engine's deferred transactions fail here with 'database is locked'."""

    async def increments(times: int) -> None:
        for _ in range(times):
            async with engine.transaction():
                value = (await _sql(engine, "SELECT coalesce(max(x), 0) AS v FROM t"))[0]["v"]
                await _insert(engine, value + 1)

    errors: list[BaseException] = []

    def other_loop() -> None:
        try:
            asyncio.run(increments(20))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    thread = threading.Thread(target=other_loop)
    thread.start()
    await increments(20)
    await asyncio.to_thread(thread.join)
    assert not errors, errors
    assert await _xs(engine) == list(range(1, 41))  # no two read the same max


async def test_a_failed_or_cancelled_transaction_gives_the_writer_back(engine):
    with pytest.raises(ValueError):
        async with engine.transaction():
            await _insert(engine, 1)
            raise ValueError
    assert await _count(engine) == 0  # rolled back

    holder_inside, release = asyncio.Event(), asyncio.Event()

    async def holder() -> None:
        async with engine.transaction():
            await _insert(engine, 2)
            holder_inside.set()
            await release.wait()

    async def waiter() -> None:
        async with engine.transaction():
            await _insert(engine, 3)

    holding = asyncio.create_task(holder())
    await holder_inside.wait()
    waiting = asyncio.create_task(waiter())
    await asyncio.sleep(0.05)
    waiting.cancel()  # cancelled while waiting for the writer
    with pytest.raises(asyncio.CancelledError):
        await waiting
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        async with engine.transaction():  # the writer is held past the timeout (2 s)
            pass
    release.set()
    await holding
    async with asyncio.timeout(2):
        async with engine.transaction():
            await _insert(engine, 4)
    assert await _xs(engine) == [2, 4]


async def test_savepoints_roll_back_to_where_they_were_made(engine):
    async with engine.transaction() as transaction:
        await _insert(engine, 1)
        savepoint = await transaction.savepoint()
        await _insert(engine, 2)
        await savepoint.rollback_to()
    assert await _xs(engine) == [1]


async def test_connections_come_back_after_close_and_in_a_forked_child(engine):
    await _insert(engine, 1)
    await engine.close()
    assert await _count(engine) == 1
    await _insert(engine, 2)

    pid = os.fork()
    if pid == 0:  # the child: no threads of the parent's, a connection of its own
        try:
            ok = asyncio.run(_count(engine)) == 2
            asyncio.run(_insert(engine, 3))
        except BaseException:  # noqa: BLE001 - the exit code says it
            ok = False
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert await _count(engine) == 3


async def test_a_short_read_runs_on_the_callers_thread_a_long_one_moves_to_a_reader(engine, monkeypatch):
    """Issue 15: a hop to a reader thread costs more than a short query, so short reads run on
    the caller's thread; one that runs past INLINE_STEPS is stopped there and answered by a
    reader thread, whole, without holding up the event loop for longer than the budget."""
    from samverkan import sqlite_engine

    calls: list[tuple[str, str]] = []
    fetch, inline_fetch = sqlite_engine._fetch, sqlite_engine._InlineReader.fetch

    def on_thread(sql, args, db):
        calls.append(("thread", threading.current_thread().name))
        return fetch(sql, args, db)

    def inline(self, sql, args):
        calls.append(("inline", threading.current_thread().name))
        return inline_fetch(self, sql, args)

    monkeypatch.setattr(sqlite_engine, "_fetch", on_thread)
    monkeypatch.setattr(sqlite_engine._InlineReader, "fetch", inline)
    await _insert(engine, 7)
    assert await _count(engine) == 1
    here = threading.current_thread().name
    assert calls == [("inline", here)]
    long_read = ("SELECT * FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) "
                 "SELECT count(*) AS c, sum(i) AS s FROM n)")
    assert await _sql(engine, long_read) == [{"c": 300000, "s": 300000 * 300001 // 2}]
    assert calls[1:] == [("inline", here), ("thread", "sqlite-reader-0")]


async def test_a_transactions_statements_run_on_the_callers_thread_and_see_their_own_writes(engine):
    async with engine.transaction():
        await _insert(engine, 1)
        assert await _xs(engine) == [1]  # inside: the writer's own uncommitted row
        # Outside the transaction, on another task: the last commit only.
        assert await asyncio.create_task(_outside(engine)) == 0
    assert await _count(engine) == 1


async def _outside(engine) -> int:
    engine.current_transaction.set(None)  # a task of its own, not in the transaction
    return await _count(engine)


async def test_column_types_come_back_as_piccolos_converters_made_them(engine):
    """The converters registered in place of Piccolo's (sqlite_engine._fast_converters) give the
    same Python values: ints, booleans, dates and UTC timestamps; NULL stays None."""
    import datetime as dt

    await engine.run_ddl("CREATE TABLE typed (i INTEGER, b BOOLEAN, d DATE, ts TIMESTAMPTZ, n INTEGER)")
    stamp = dt.datetime(2026, 3, 1, 12, 30, 5, 123456, tzinfo=dt.timezone.utc)
    await _sql(engine, "INSERT INTO typed VALUES ({}, {}, {}, {}, NULL)", 2**40, True, dt.date(2026, 2, 28), stamp)
    await _sql(engine, "INSERT INTO typed VALUES ({}, {}, {}, {}, NULL)", -3, False, dt.date(2026, 1, 1), stamp)
    rows = await _sql(engine, "SELECT * FROM typed ORDER BY i DESC")
    assert rows == [{"i": 2**40, "b": True, "d": dt.date(2026, 2, 28), "ts": stamp, "n": None},
                    {"i": -3, "b": False, "d": dt.date(2026, 1, 1), "ts": stamp, "n": None}]
    assert type(rows[0]["b"]) is bool and rows[0]["ts"].tzinfo == dt.timezone.utc
