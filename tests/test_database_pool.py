"""The PostgreSQL connection pool (database.pool_options) skips asyncpg's reset query, a round
trip after every statement outside a transaction (issue 15). What the pool must still do, and
that the query is really skipped. PostgreSQL only: SQLite has no pool."""

from __future__ import annotations

import asyncpg
import pytest

from samverkan import database


@pytest.fixture
async def pool(settings, is_postgres):
    if not is_postgres:
        pytest.skip("the connection pool is PostgreSQL's; the PostgreSQL run covers it")
    made = await asyncpg.create_pool(settings.database_url, **{**database.pool_options(settings), "max_size": 1})
    yield made
    await made.close()


async def test_a_connection_given_back_inside_a_transaction_comes_back_without_it(pool):
    async with pool.acquire() as connection:
        await connection.execute("BEGIN")
        await connection.execute("SELECT 1")
        raw = connection._con  # the connection behind the proxy, the only one of the pool
    assert not raw.is_in_transaction()
    async with pool.acquire() as connection:
        assert not connection.is_in_transaction()
        await connection.execute("CREATE TEMP TABLE pool_probe (x int)")  # would fail in an aborted one


async def test_the_reset_query_is_not_sent(pool):
    """Session state is kept from one use to the next: asyncpg's own reset (RESET ALL) would
    have put application_name back."""
    async with pool.acquire() as connection:
        await connection.execute("SET application_name = 'samverkan-pool-test'")
    async with pool.acquire() as connection:
        assert await connection.fetchval("SHOW application_name") == "samverkan-pool-test"


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

    async def elsewhere() -> None:
        seen["pool before"] = db.pool
        seen["answer"] = (await db.run_querystring(QueryString("SELECT 41 + 1 AS n")))[0]["n"]
        await db.start_connection_pool(min_size=1, max_size=1)
        seen["own pool"] = db.pool
        seen["pooled answer"] = (await db.run_querystring(QueryString("SELECT 2 AS n")))[0]["n"]
        await db.close_connection_pool()
        seen["pool after"] = db.pool

    thread = threading.Thread(target=lambda: asyncio.run(elsewhere()))
    thread.start()
    await asyncio.to_thread(thread.join)
    assert seen["pool before"] is None and seen["answer"] == 42
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
    planned = SimpleNamespace(id=1, kind="samverkan", status="planned")  # its kallelser and the rule of their timing
    reads = [orgs.meeting_registers_read(org.department_id, None), (accounts._USER, {"id": user.user_id}),
             *notices.notice_reads(planned)]
    expected = [await p.rows(**v) for p, v in reads]
    assert any(r["register"] == "person" for r in expected[0]) and len(reads) == 4 and expected[2] == []
    with QueryCounter() as counter:
        async with database.read_ahead(reads):
            got = [await p.rows(**v) for p, v in reads]
            again = await reads[0][0].rows(**reads[0][1])  # once only: the second time is read anew
            other = await reads[0][0].rows(department=org.other_department_id, group=None)  # other values
    assert got == expected and again == expected[0]
    assert {k: type(v) for k, v in got[1][0].items()} == {k: type(v) for k, v in expected[1][0].items()}
    assert got[1][0]["created_at"].tzinfo is not None
    assert any(r["name"] == "Kommunkontoret" for r in other)
    assert counter.count == (3 if is_postgres else 6), counter.statements  # ahead, again, other; or each
