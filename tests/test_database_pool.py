"""The PostgreSQL connection pool (samverkan.pg_pool): lends connections without asyncpg's reset
query (a round trip after every statement outside a transaction) and without its per-loan tasks
and timers (issue 15). What it must still do: never lend a connection in a transaction or with a
statement being cancelled, replace lost connections, serve waiters first come first served, and
never lose a connection to a cancelled waiter. PostgreSQL only: SQLite has no pool."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from samverkan import database
from samverkan.pg_pool import ConnectionPool


@pytest.fixture
async def pool(settings, is_postgres):
    if not is_postgres:
        pytest.skip("the connection pool is PostgreSQL's; the PostgreSQL run covers it")
    made = await ConnectionPool(lambda: asyncpg.connect(settings.database_url), max_size=1).start()
    yield made
    await made.close()


async def _backend(connection) -> int:
    return await connection.fetchval("SELECT pg_backend_pid()")


async def test_a_connection_given_back_inside_a_transaction_is_not_lent_again(pool):
    async with pool.acquire() as connection:
        await connection.execute("BEGIN")
        await connection.execute("SELECT 1")
        first = await _backend(connection)
    assert connection.is_closed() and pool.get_size() == 0
    async with pool.acquire() as connection:
        assert not connection.is_in_transaction() and await _backend(connection) != first
        await connection.execute("CREATE TEMP TABLE pool_probe (x int)")  # would fail in an aborted one


async def test_the_reset_query_is_not_sent(pool):
    """Session state is kept from one loan to the next: asyncpg's own reset (RESET ALL) would
    have put application_name back."""
    async with pool.acquire() as connection:
        await connection.execute("SET application_name = 'samverkan-pool-test'")
    assert (await pool.fetch("SHOW application_name"))[0][0] == "samverkan-pool-test"


async def test_the_first_in_line_gets_the_connection_given_back(pool):
    """A connection given back goes to the longest waiting loan, not to one asked for later
    (with a queue, a newcomer could take it before the woken waiter ran)."""
    held = await pool.acquire()
    served = []

    async def loan(name: str) -> None:
        async with pool.acquire():
            served.append(name)
            await asyncio.sleep(0)

    first = asyncio.create_task(loan("first"))
    await asyncio.sleep(0)
    pool.give_back(held)
    newcomer = asyncio.create_task(loan("newcomer"))  # asks before "first" has run again
    await asyncio.gather(first, newcomer)
    assert served == ["first", "newcomer"] and pool.get_size() == 1


async def test_a_cancelled_waiter_passes_its_connection_on(pool):
    held = await pool.acquire()
    first = asyncio.create_task(pool.fetch("SELECT 1"))
    second = asyncio.create_task(pool.fetch("SELECT 2"))
    await asyncio.sleep(0)
    pool.give_back(held)  # handed to "first"...
    first.cancel()  # ...which is cancelled before it runs
    assert (await asyncio.wait_for(second, 5))[0][0] == 2
    with pytest.raises(asyncio.CancelledError):
        await first
    assert pool.get_size() == 1 and pool.get_idle_size() == 1


async def test_a_cancelled_statement_closes_its_connection(pool):
    """A statement whose task is cancelled is still being cancelled on the server: its
    connection is closed, not lent again (it would refuse the next statement)."""
    before = (await pool.fetch("SELECT pg_backend_pid()"))[0][0]
    slow = asyncio.create_task(pool.fetch("SELECT pg_sleep(30)"))
    await asyncio.sleep(0.2)
    slow.cancel()
    with pytest.raises(asyncio.CancelledError):
        await slow
    assert (await asyncio.wait_for(pool.fetch("SELECT pg_backend_pid()"), 5))[0][0] != before


async def test_a_connection_the_server_ended_is_replaced(pool, settings):
    pid = (await pool.fetch("SELECT pg_backend_pid()"))[0][0]
    other = await asyncpg.connect(settings.database_url)
    try:
        assert await other.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await other.close()
    try:  # the first statement may find out that the connection is gone...
        await pool.fetch("SELECT 1")
    except Exception:  # noqa: BLE001 - (which error depends on when the client notices)
        pass
    assert (await pool.fetch("SELECT pg_backend_pid()"))[0][0] != pid  # ...the next has a new one
    assert pool.get_size() == 1


async def test_a_closed_pool_refuses_loans_and_wakes_its_waiters(pool):
    held = await pool.acquire()
    waiting = asyncio.create_task(pool.fetch("SELECT 1"))
    await asyncio.sleep(0)
    await pool.close()
    with pytest.raises(asyncpg.InterfaceError):
        await waiting
    with pytest.raises(asyncpg.InterfaceError):
        await pool.acquire()
    pool.give_back(held)
    assert held.is_closed() and pool.get_size() == 0


async def test_the_service_runs_its_statements_without_jit(is_postgres):
    """PostgreSQL's JIT compiled a union's deadline list for 0.5 s (its estimate ran high) that
    then ran in 1.5 ms: the service's connections have it off, pooled or not."""
    if not is_postgres:
        pytest.skip("JIT is PostgreSQL's; the PostgreSQL run covers it")
    from piccolo.querystring import QueryString

    db = database.engine()
    assert (await db.run_querystring(QueryString("SHOW jit")))[0]["jit"] == "off"
    connection = await db.get_new_connection()
    try:
        assert await connection.fetchval("SHOW jit") == "off"
    finally:
        await connection.close()


async def test_a_transaction_whose_rollback_fails_gives_its_connection_back(is_postgres):
    """Piccolo's transaction kept its connection lent for good when the rollback on leaving
    failed (the connection lost); database._Transaction gives it back, and it is replaced."""
    if not is_postgres:
        pytest.skip("the connection pool is PostgreSQL's; the PostgreSQL run covers it")
    from piccolo.querystring import QueryString

    db = database.engine()
    with pytest.raises((asyncpg.PostgresError, asyncpg.InterfaceError, ConnectionError)):
        async with db.transaction():
            pid = (await db.run_querystring(QueryString("SELECT pg_backend_pid() AS pid")))[0]["pid"]
            await db.run_querystring(QueryString("SELECT pg_terminate_backend({})", pid))  # ends this very connection
    assert db.pool.get_size() == db.pool.get_idle_size()  # none is left lent
    assert (await db.run_querystring(QueryString("SELECT 1 AS n")))[0]["n"] == 1


async def test_each_event_loop_has_its_own_pool(is_postgres):
    """An asyncpg pool serves only the loop that made it (database.LoopPooledPostgresEngine): the
    tests' loop has its pool; a loop in another thread finds none and runs its statements on
    connections of its own, instead of failing on the other loop's pool, and can start its own."""
    if not is_postgres:
        pytest.skip("the connection pool is PostgreSQL's; the PostgreSQL run covers it")
    import asyncio
    import threading

    from piccolo.querystring import QueryString

    db = database.engine()
    ours = db.pool
    assert ours is not None  # started for the tests' loop (conftest.pool_of_the_tests)
    seen: dict = {}

    two = [database.Prepared(lambda n=n: QueryString(f"SELECT {n} AS n")).read() for n in (1, 2)]

    async def elsewhere() -> None:
        seen["pool before"] = db.pool
        seen["answer"] = (await db.run_querystring(QueryString("SELECT 41 + 1 AS n")))[0]["n"]
        async with database.read_ahead(two):  # the column names are asked on a connection of its own
            seen["read ahead"] = [(await read.first())["n"] for read in two]
        await db.start_connection_pool(min_size=1, max_size=1)
        seen["own pool"] = db.pool
        seen["pooled answer"] = (await db.run_querystring(QueryString("SELECT 2 AS n")))[0]["n"]
        await db.close_connection_pool()
        seen["pool after"] = db.pool

    thread = threading.Thread(target=lambda: asyncio.run(elsewhere()))
    thread.start()
    await asyncio.to_thread(thread.join)
    assert seen["pool before"] is None and seen["answer"] == 42 and seen["read ahead"] == [1, 2]
    assert seen["own pool"] is not None and seen["own pool"] is not ours and seen["pooled answer"] == 2
    assert seen["pool after"] is None
    assert db.pool is ours  # the tests' pool is untouched
    assert (await db.run_querystring(QueryString("SELECT 1 AS n")))[0]["n"] == 1


# --- several prepared reads in one statement (database.read_ahead) --------------------------------


async def test_reads_ahead_give_the_rows_the_reads_give(org, make_caller, is_postgres):
    """Same rows, same order, same Python types (dates, booleans, None) as each read on its own;
    a read not named, or with other values, is sent as usual. SQLite: the reads run as usual."""
    from types import SimpleNamespace

    from samverkan.accounts import service as accounts
    from samverkan.orgs import schemas as s
    from samverkan.orgs import service as orgs
    from samverkan.papers import notices
    from conftest import QueryCounter

    await orgs.create_person(s.PersonCreate(name="Åsa Öberg", side="employer"))
    await orgs.create_person(s.PersonCreate(name="Bo Ek", side="union", union_id=org.union_id))
    user = await make_caller("hr")  # a row with a moment, booleans and nulls
    other_user = await make_caller("department", department_id=org.other_department_id)
    planned = SimpleNamespace(id=1, kind="samverkan", status="planned")  # its kallelser and the rule of their timing
    reads = [orgs._REGISTERS.read(), (accounts._USER, {"id": user.user_id}), *notices.notice_reads(planned)]
    expected = [await p.rows(**v) for p, v in reads]
    assert any(r["register"] == "person" for r in expected[0]) and len(reads) == 4 and expected[2] == []
    with QueryCounter() as counter:
        async with database.read_ahead(reads):
            got = [await p.rows(**v) for p, v in reads]
            again = await reads[0][0].rows(**reads[0][1])  # once only: the second time is read anew
            other = await reads[1][0].rows(id=other_user.user_id)  # other values
    assert got == expected and again == expected[0]
    assert {k: type(v) for k, v in got[1][0].items()} == {k: type(v) for k, v in expected[1][0].items()}
    assert got[1][0]["created_at"].tzinfo is not None
    assert [r["department"] for r in other] == [org.other_department_id]
    assert counter.count == (3 if is_postgres else 6), counter.statements  # ahead, again, other; or each
