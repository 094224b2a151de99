"""Each state check inside its write (issue 13, fault 5): two operations at the same moment give
one winner and one 409, or two results that are the same as one after the other; never a 500 or
a half-written record.

Two kinds of race, on both engines:
- ``race``: two tasks wait at a barrier and then run; the engines decide the order.
- ``in_order`` (PostgreSQL): the first task is held inside its transaction, after its writes, by
  the audit chain's advisory lock (taken by the test); the second starts once the first waits
  there and runs its own checks, which still see the state from before the first. Only a check
  inside the second's write can see the first's change. SQLite has one writer at a time, so there
  the two always run one after the other and ``race`` is what applies.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any, Awaitable, Callable

import asyncpg
import pytest
from meeting_fixtures import HOSTILE, negotiation, staff  # noqa: F401 (fixtures)

from samverkan.errors import ServiceError

Op = Callable[[], Awaitable[Any]]


async def _outcome(op: Op) -> Any:
    """The result, or the service error (a 4xx); anything else fails the test."""
    try:
        return await op()
    except ServiceError as exc:
        return exc


async def race(first: Op, second: Op) -> list[Any]:
    barrier = asyncio.Barrier(2)

    async def run(op: Op) -> Any:
        await barrier.wait()
        return await _outcome(op)

    return list(await asyncio.gather(run(first), run(second)))


async def _lock_waiters(conn: asyncpg.Connection) -> int:
    return await conn.fetchval("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                               "AND wait_event_type = 'Lock'")


async def _until(condition: Callable[[], Awaitable[bool]], what: str) -> None:
    for _ in range(500):
        if await condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out waiting until {what}")


async def in_order(settings, first: Op, second: Op) -> list[Any]:
    from samverkan.audit.service import CHAIN_LOCK_KEY

    conn = await asyncpg.connect(settings.database_url)
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", CHAIN_LOCK_KEY)
        try:
            one = asyncio.create_task(_outcome(first))
            await _until(lambda: _held(conn, one, 1), "the first waits inside its transaction")
            two = asyncio.create_task(_outcome(second))
            await _until(lambda: _held(conn, two, 2), "the second waits for the first (or is done)")
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", CHAIN_LOCK_KEY)
        return [await one, await two]
    finally:
        await conn.close()


async def _held(conn: asyncpg.Connection, task: asyncio.Task, waiters: int) -> bool:
    if task.done() and waiters == 1:
        raise AssertionError(f"the first operation did not wait for the audit lock: {task.result()!r}")
    return task.done() or await _lock_waiters(conn) >= waiters


def _ok(outcome: Any) -> bool:
    return not isinstance(outcome, ServiceError)


def _conflict(outcome: Any, field: str) -> bool:
    return isinstance(outcome, ServiceError) and outcome.status_code == 409 and outcome.field == field


@pytest.fixture
def postgres_only(is_postgres):
    if not is_postgres:
        pytest.skip("ordering by a held lock needs PostgreSQL; on SQLite the race tests cover it")


async def _viewer(caller):
    from samverkan.accounts.service import viewer_from_token

    return await viewer_from_token(caller.headers["Authorization"].removeprefix("Bearer "))


# --- the agenda and the protocol ----------------------------------------------------------------


@pytest.fixture
async def held(client, staff, negotiation):
    """The negotiation, held, with HR as a service viewer and the operations the tests race."""
    from samverkan.meetings import schemas as ms
    from samverkan.meetings import service as meetings
    from samverkan.protocols import service as protocols

    meeting_id, item_id = negotiation["meeting"]["id"], negotiation["item"]["id"]
    r = await client.patch(f"/api/v1/meetings/{meeting_id}", json={"status": "held"}, headers=staff["hr"].headers)
    assert r.status_code == 200, r.text
    hr = await _viewer(staff["hr"])

    class Ops:
        def save(self, text: str) -> Op:
            return lambda: meetings.update_item(hr, meeting_id, item_id, ms.AgendaItemUpdate(text=text))

        def add_participant(self, person_id: int) -> Op:
            return lambda: meetings.add_participant(hr, meeting_id, ms.ParticipantCreate(person_id=person_id))

        def submit(self, settings) -> Op:
            return lambda: protocols.submit(hr, meeting_id, settings)

        async def reopen(self) -> None:
            await protocols.reopen(hr, meeting_id, "Nästa runda i testet.")

    return Ops(), meeting_id, item_id


async def _record_and_table(meeting_id: int, item_id: int) -> tuple[str, str]:
    """The item's text in the latest frozen version and in the table."""
    import json

    from samverkan.meetings.tables import AgendaItem
    from samverkan.protocols.tables import ProtocolVersion

    version = await ProtocolVersion.select(ProtocolVersion.record).where(ProtocolVersion.meeting == meeting_id).order_by(
        ProtocolVersion.number, ascending=False).first()
    frozen = json.loads(version["record"])["items"][0]["text"]
    return frozen, (await AgendaItem.select(AgendaItem.text).where(AgendaItem.id == item_id).first())["text"]


async def test_agenda_save_and_submit_at_once_never_change_a_sent_record(held, settings):
    ops, meeting_id, item_id = held
    for round in range(4):
        text = f"Text skriven i runda {round}."
        saved, submitted = await race(ops.save(text), ops.submit(settings))
        assert _ok(submitted), submitted  # a save is never a reason not to send
        assert _ok(saved) or _conflict(saved, "protocol"), saved
        frozen, stored = await _record_and_table(meeting_id, item_id)
        assert frozen == stored, "the table changed after the record was frozen"
        assert (stored == text) == _ok(saved)
        await ops.reopen()


async def test_two_submits_at_once_make_one_version(held, settings):
    from samverkan.protocols.tables import ProtocolVersion

    ops, meeting_id, _ = held
    for round in range(3):
        outcomes = await race(ops.submit(settings), ops.submit(settings))
        assert sum(map(_ok, outcomes)) == 1 and any(_conflict(o, "protocol") for o in outcomes), outcomes
        assert await ProtocolVersion.count().where(ProtocolVersion.meeting == meeting_id) == round + 1
        await ops.reopen()


async def test_a_save_that_checked_before_the_submit_committed_is_refused(held, settings, postgres_only):
    ops, meeting_id, item_id = held
    submitted, saved = await in_order(settings, ops.submit(settings), ops.save("För sent."))
    assert _ok(submitted) and _conflict(saved, "protocol"), (submitted, saved)
    assert await _record_and_table(meeting_id, item_id) == (f"Bakgrund: {HOSTILE}", f"Bakgrund: {HOSTILE}")


async def test_a_participant_added_as_the_protocol_is_sent_is_refused(held, settings, postgres_only):
    from samverkan.meetings.tables import Participant
    from samverkan.orgs import schemas as os_
    from samverkan.orgs import service as orgs

    ops, meeting_id, _ = held
    person = await orgs.create_person(os_.PersonCreate(name="Eva Sen", side="employer"))
    before = await Participant.count().where(Participant.meeting == meeting_id)
    submitted, added = await in_order(settings, ops.submit(settings), ops.add_participant(person.id))
    assert _ok(submitted) and _conflict(added, "protocol"), (submitted, added)
    assert await Participant.count().where(Participant.meeting == meeting_id) == before


async def test_a_save_committed_first_is_in_the_record_sent_after_it(held, settings, postgres_only):
    ops, meeting_id, item_id = held
    saved, submitted = await in_order(settings, ops.save("Sparad före sändningen."), ops.submit(settings))
    assert _ok(saved) and _ok(submitted), (saved, submitted)
    assert await _record_and_table(meeting_id, item_id) == ("Sparad före sändningen.", "Sparad före sändningen.")


# --- the decision hold --------------------------------------------------------------------------


@pytest.fixture
async def closed_matter(client, staff, org):
    """A primary negotiation closed in disagreement with Vision: the employer may decide, until
    Vision requests central negotiation (14 § MBL)."""
    hr = staff["hr"]
    matter = (await client.post("/api/v1/matters", json={
        "title": "Ny bemanning", "kind": "primary_negotiation", "department_id": org.department_id, "union_ids": [org.union_id],
    }, headers=hr.headers)).json()
    closed = await client.post(f"/api/v1/matters/{matter['id']}/events", json={
        "type": "negotiation_closed", "date": "2026-03-02", "union_id": org.union_id, "outcome": "disagreement"}, headers=hr.headers)
    assert closed.status_code == 201, closed.text
    assert (await client.get(f"/api/v1/matters/{matter['id']}", headers=hr.headers)).json()["decision_allowed"] is True
    return matter["id"], await _viewer(hr)


def _event(viewer, matter_id: int, **body) -> Op:
    from samverkan.matters import schemas as s
    from samverkan.matters import service

    return lambda: service.add_event(viewer, matter_id, s.EventCreate(date=dt.date(2026, 3, 3), **body))


async def _events(matter_id: int) -> dict[str, int]:
    from samverkan.matters.tables import MatterEvent

    rows = await MatterEvent.select(MatterEvent.id, MatterEvent.type).where(MatterEvent.matter == matter_id)
    return {r["type"]: r["id"] for r in rows}


async def test_a_decision_and_a_request_for_central_negotiation_at_once(closed_matter, org):
    matter_id, hr = closed_matter
    decided, requested = await race(_event(hr, matter_id, type="decision_taken"),
                                    _event(hr, matter_id, type="central_requested", union_id=org.union_id, note="Vi begär central."))
    assert _ok(requested), requested
    assert _ok(decided) or _conflict(decided, "type"), decided
    events = await _events(matter_id)
    # Written one after the other: a decision is there only if it came before the request.
    assert ("decision_taken" in events) == _ok(decided)
    if _ok(decided):
        assert events["decision_taken"] < events["central_requested"]


async def test_a_decision_checked_before_the_hold_committed_is_refused(closed_matter, org, settings, postgres_only):
    matter_id, hr = closed_matter
    requested, decided = await in_order(
        settings, _event(hr, matter_id, type="central_requested", union_id=org.union_id, note="Vi begär central."),
        _event(hr, matter_id, type="decision_taken"))
    assert _ok(requested) and _conflict(decided, "type"), (requested, decided)
    assert "central förhandling" in decided.detail
    assert set(await _events(matter_id)) == {"negotiation_closed", "central_requested"}


# --- waiving a deadline -------------------------------------------------------------------------


@pytest.fixture
async def open_deadline(client, staff, org):
    """A request to negotiate (38 § MBL) received: the employer's meeting duty (16 § 2 st.) is an open deadline."""
    from samverkan.deadlines import service as deadlines

    hr = staff["hr"]
    matter = (await client.post("/api/v1/matters", json={
        "title": "Begäran om förhandling", "kind": "contracting_out", "department_id": org.department_id,
        "union_ids": [org.union_id]}, headers=hr.headers)).json()
    r = await client.post(f"/api/v1/matters/{matter['id']}/events", json={
        "type": "request_received", "date": "2026-03-02", "union_id": org.union_id}, headers=hr.headers)
    assert r.status_code == 201, r.text
    viewer = await _viewer(hr)
    deadline = next(d for d in await deadlines.matter_deadlines(viewer, matter["id"]) if d.rule == "MBL16-MEET-LOCAL")
    assert deadline.state in ("open", "missed")  # stored open; missed is read from the date
    return deadline.id, viewer


def _waive(viewer, deadline_id: int, reason: str) -> Op:
    from samverkan.deadlines import service as deadlines

    return lambda: deadlines.waive(viewer, deadline_id, reason)


async def _waived_reason(deadline_id: int) -> str:
    from samverkan.deadlines.tables import Deadline

    return (await Deadline.select(Deadline.waived_reason).where(Deadline.id == deadline_id).first())["waived_reason"]


async def test_two_waivers_at_once_one_wins(open_deadline):
    deadline_id, hr = open_deadline
    outcomes = await race(_waive(hr, deadline_id, "Första skälet."), _waive(hr, deadline_id, "Andra skälet."))
    assert sum(map(_ok, outcomes)) == 1 and any(_conflict(o, "state") for o in outcomes), outcomes
    winner = next(o for o in outcomes if _ok(o))
    assert await _waived_reason(deadline_id) == winner.waived_reason


async def test_a_waiver_checked_before_another_committed_is_refused(open_deadline, settings, postgres_only):
    deadline_id, hr = open_deadline
    first, second = await in_order(settings, _waive(hr, deadline_id, "Första skälet."), _waive(hr, deadline_id, "Andra skälet."))
    assert _ok(first) and _conflict(second, "state"), (first, second)
    assert await _waived_reason(deadline_id) == "Första skälet."
