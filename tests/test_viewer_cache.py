"""Callers kept between requests (accounts.viewer_cache): on PostgreSQL a looked-up session or
token is kept until a notification says accounts, sessions or tokens changed; a change made by
this process is forgotten before its write returns, one made elsewhere (another instance, the
CLI, SQL by hand: here another connection) as soon as the notification arrives. While the
listening connection is down, nothing is kept. SQLite keeps nothing."""

from __future__ import annotations

import asyncio
import datetime as dt

import asyncpg
import pytest

from samverkan import clock
from samverkan.accounts.viewer_cache import ViewerCache
from conftest import login

pytestmark = pytest.mark.usefixtures("frozen")  # sessions expire by the clock: it stands still (conftest)

NOTIFIED_WITHIN = 5.0  # seconds; a notification arrives in milliseconds


@pytest.fixture
def viewers(app) -> ViewerCache:
    cache = app.state["viewers"]
    cache.forget()  # (the test before's callers)
    return cache


@pytest.fixture
def postgres_only(is_postgres):
    if not is_postgres:
        pytest.skip("notifications are PostgreSQL's; the PostgreSQL run covers it (SQLite keeps nothing: tested below)")


async def _elsewhere(settings, sql: str, *args) -> None:
    """A change made by someone else: a connection of its own, as another instance or the CLI."""
    connection = await asyncpg.connect(settings.database_url)
    try:
        await connection.execute(sql, *args)
    finally:
        await connection.close()


async def _until(check, what: str) -> None:
    end = asyncio.get_running_loop().time() + NOTIFIED_WITHIN
    while not await check():
        assert asyncio.get_running_loop().time() < end, what
        await asyncio.sleep(0.01)


async def _kept_then_revoked_elsewhere(client, caller, viewers, settings, what: str) -> None:
    """The caller's token is kept; revoked by another connection, it is refused within NOTIFIED_WITHIN."""
    assert (await client.get("/api/v1/me", headers=caller.headers)).status_code == 200
    assert len(viewers) == 1
    await _elsewhere(settings, "UPDATE api_token SET revoked_at = $2 WHERE \"user\" = $1", caller.user_id, clock.now())

    async def refused() -> bool:
        return (await client.get("/api/v1/me", headers=caller.headers)).status_code == 401

    await _until(refused, what)


def test_a_lookup_begun_before_a_change_is_not_kept():
    cache = ViewerCache()
    cache.set_listening(True)
    begun = cache.generation
    cache.forget()  # a notification while the lookup ran
    cache.put("k", "stale", begun)
    assert cache.get("k") is None
    cache.put("k", "fresh", cache.generation)
    assert cache.get("k") == "fresh"
    cache.set_listening(False)
    assert cache.get("k") is None and len(cache) == 0


def test_the_oldest_goes_first_when_full():
    cache = ViewerCache(max_entries=2)
    cache.set_listening(True)
    for key in "abc":
        cache.put(key, key.upper(), cache.generation)
    assert [cache.get(k) for k in "abc"] == [None, "B", "C"]


async def test_sqlite_keeps_no_caller(client, make_caller, viewers, is_postgres):
    if is_postgres:
        pytest.skip("the SQLite run covers it")
    caller = await make_caller("hr")
    assert (await client.get("/api/v1/me", headers=caller.headers)).status_code == 200
    assert not viewers.listening and len(viewers) == 0


async def test_a_token_is_kept_and_a_revocation_elsewhere_ends_it(client, make_caller, viewers, settings, postgres_only):
    caller = await make_caller("hr")
    assert viewers.listening
    await _kept_then_revoked_elsewhere(client, caller, viewers, settings, "the revoked token still worked")


async def test_a_revocation_here_ends_the_token_at_once(client, make_caller, viewers, postgres_only):
    caller = await make_caller("hr")
    assert (await client.get("/api/v1/me", headers=caller.headers)).status_code == 200
    token_id = (await client.get("/api/v1/me/tokens", headers=caller.headers)).json()[0]["id"]
    assert (await client.post(f"/api/v1/me/tokens/{token_id}/revoke", headers=caller.headers)).status_code == 204
    assert (await client.get("/api/v1/me", headers=caller.headers)).status_code == 401  # no waiting


@pytest.mark.parametrize("change", ["revoke", "deactivate", "update", "logout"])
async def test_a_change_made_here_is_forgotten_before_the_write_returns(change, make_caller, settings, is_postgres):
    """Without waiting for the notification (a cache of its own, which no listener tells)."""
    from samverkan.accounts import schemas, service

    cache = ViewerCache()
    cache.set_listening(True)
    caller = await make_caller("hr")
    token = caller.headers["Authorization"].removeprefix("Bearer ")
    session = await service.start_session(caller.user_id, "127.0.0.1", settings)
    assert await service.viewer_from_token(token, cache) and await service.viewer_from_session(session, cache)
    assert len(cache) == 2
    if change == "revoke":
        await service.revoke_token(caller.user_id, (await service.list_tokens(caller.user_id))[0].id)
    elif change == "deactivate":
        await service.deactivate_user(caller.user_id)
    elif change == "update":
        await service.update_user(caller.user_id, schemas.UserUpdate(role="admin"))
    else:
        await service.end_session(session)
    assert len(cache) == 0


async def test_a_role_changed_elsewhere_reaches_the_session(client, make_caller, org, viewers, settings, postgres_only):
    caller = await make_caller("hr")
    await login(client, caller.email, caller.password)
    assert (await client.get("/mallar")).status_code == 403  # hr may not manage templates
    await _elsewhere(settings, "UPDATE app_user SET role = 'admin' WHERE id = $1", caller.user_id)

    async def admitted() -> bool:
        return (await client.get("/mallar")).status_code == 200

    await _until(admitted, "the session kept the old role")


async def test_a_deactivation_elsewhere_ends_the_session(client, make_caller, viewers, settings, postgres_only):
    caller = await make_caller("hr")
    await login(client, caller.email, caller.password)
    assert (await client.get("/")).status_code == 200
    assert len(viewers) == 1
    await _elsewhere(settings, "UPDATE app_user SET active = false WHERE id = $1", caller.user_id)

    async def signed_out() -> bool:
        return (await client.get("/")).status_code == 302

    await _until(signed_out, "the deactivated user's session still worked")


async def test_a_kept_session_still_expires(client, make_caller, viewers, settings, frozen, postgres_only):
    caller = await make_caller("hr")
    await login(client, caller.email, caller.password)
    assert (await client.get("/")).status_code == 200
    assert len(viewers) == 1
    frozen.shift(dt.timedelta(hours=settings.session_hours, seconds=1))
    assert (await client.get("/")).status_code == 302


async def test_writes_that_do_not_change_a_caller_do_not_notify(client, make_caller, viewers, org, postgres_only):
    """A login (last_login_at) and an API call (last_used_at) write to the watched tables
    without changing a caller: they must not empty every instance's cache."""
    caller = await make_caller("hr")
    other = await make_caller("union", union_id=org.union_id)
    assert (await client.get("/api/v1/me", headers=caller.headers)).status_code == 200
    generation = viewers.generation
    await login(client, other.email, other.password)
    assert (await client.get("/")).status_code == 200
    assert (await client.get("/api/v1/me", headers=other.headers)).status_code == 200
    await asyncio.sleep(0.3)  # a notification would have come by now
    assert viewers.generation == generation and len(viewers) == 3


async def test_nothing_is_kept_while_the_listening_connection_is_down(client, make_caller, app, viewers, settings,
                                                                     postgres_only):
    caller = await make_caller("hr")
    assert (await client.get("/api/v1/me", headers=caller.headers)).status_code == 200
    assert len(viewers) == 1
    # The server ends the listening connection (a restart, a network fault).
    connection = await asyncpg.connect(settings.database_url)
    try:
        killed = await connection.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE 'LISTEN %'"
            " AND datname = current_database()")
    finally:
        await connection.close()
    assert killed >= 1

    async def stopped() -> bool:
        return not viewers.listening

    await _until(stopped, "the lost connection went unnoticed")
    assert len(viewers) == 0
    if not viewers.listening:  # (it may already be back)
        assert (await client.get("/api/v1/me", headers=caller.headers)).status_code == 200
        assert len(viewers) == 0 or viewers.listening

    async def back() -> bool:
        return viewers.listening

    await _until(back, "the listening connection did not come back")
    # Listening again: a change elsewhere is heard again.
    await _kept_then_revoked_elsewhere(client, caller, viewers, settings,
                                       "the revoked token still worked after the connection came back")
