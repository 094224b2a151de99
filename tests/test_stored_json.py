"""Each matter's JSON, kept by the database (matters.stored_json), is what msgspec writes of the
matter's rows after every kind of change, on both engines; two changes at once both show."""

from __future__ import annotations

import asyncio
import datetime as dt

import msgspec
import pytest

pytestmark = pytest.mark.usefixtures("frozen")

LINE = 'Citat "så" och \\ snedstreck, {klamrar}, </script>, emoji 🙂, åäö'
TEXT = LINE + "\nrad två\tmed tab"


async def _expected(matter_id: int) -> dict:
    """The matter as msgspec writes it, from its rows read one by one (what the API answered
    before the database kept the JSON)."""
    from samverkan.matters import schemas as s
    from samverkan.matters.tables import Matter, MatterEvent, MatterParty

    m = await Matter.select().where(Matter.id == matter_id).first()
    parties = await MatterParty.select().where(MatterParty.matter == matter_id).order_by(MatterParty.trade_union)
    events = await (MatterEvent.select().where(MatterEvent.matter == matter_id, MatterEvent.deleted_at.is_null())
                    .order_by(MatterEvent.date).order_by(MatterEvent.id))
    matter = s.Matter(
        id=m["id"], diary_no=m["diary_no"], title=m["title"], description=m["description"], kind=m["kind"],
        department_id=m["department"], union_ids=[p["trade_union"] for p in parties],
        parties=[s.Party(union_id=p["trade_union"], state=p["state"]) for p in parties],
        personal_data=m["personal_data"], claimant=m["claimant"], status=m["status"], decision_allowed=m["decision_allowed"],
        hold_reason=m["hold_reason"] or None, version=m["version"], created_at=m["created_at"],
        events=[s.Event(id=e["id"], type=e["type"], date=e["date"], time=e["time"], union_id=e["trade_union"],
                        outcome=e["outcome"], note=e["note"], agenda_item_id=e["agenda_item_id"], created_at=e["created_at"])
                for e in events],
    )
    return msgspec.json.encode(matter)


async def _stored_text(matter_id: int) -> bytes:
    from samverkan.database import engine

    rows = await engine().run_querystring(_query(matter_id))
    return rows[0]["json"].encode()


async def _stored(matter_id: int) -> dict:
    return msgspec.json.decode(await _stored_text(matter_id))


def _query(matter_id: int):
    from piccolo.querystring import QueryString

    return QueryString("SELECT json FROM matter_json WHERE matter = {}", matter_id)


async def _check(client, hr, matter_id: int) -> dict:
    encoded = await _expected(matter_id)
    assert await _stored_text(matter_id) == encoded  # the very bytes, on both engines
    expected = msgspec.json.decode(encoded)  # moments and days stay text: their form is compared
    one = await client.get(f"/api/v1/matters/{matter_id}", headers=hr.headers)
    assert one.status_code == 200 and one.json() == expected
    listed = await client.get("/api/v1/matters?limit=50", headers=hr.headers)
    assert [m for m in listed.json()["items"] if m["id"] == matter_id] == [expected]
    assert encoded in listed.content  # sent on as stored
    return expected


async def test_every_change_writes_the_matters_json_as_msgspec_would(client, callers, org, frozen):
    from samverkan.matters.tables import MatterEvent

    hr = (await callers())["hr"]
    frozen.move_to(dt.datetime(2026, 3, 2, 7, 30, 0, 123456, tzinfo=dt.timezone.utc))  # a moment with microseconds
    created = await client.post("/api/v1/matters", headers=hr.headers, json={
        "title": LINE, "description": TEXT, "kind": "primary_negotiation", "department_id": org.department_id,
        "union_ids": [org.other_union_id, org.union_id], "personal_data": True, "claimant": "employer"})
    assert created.status_code == 201, created.text
    matter_id = created.json()["id"]
    first = await _check(client, hr, matter_id)
    assert first["created_at"] == "2026-03-02T07:30:00.123456Z" and first["personal_data"] is True
    assert first["union_ids"] == sorted([org.union_id, org.other_union_id]) and first["hold_reason"]

    url = f"/api/v1/matters/{matter_id}/events"
    frozen.move_to(dt.datetime(2026, 3, 3, 8, 0, 0, tzinfo=dt.timezone.utc))  # and one without
    for body in ({"type": "negotiation_closed", "date": "2026-03-03", "union_id": org.other_union_id, "outcome": "agreement",
                  "note": TEXT},
                 {"type": "negotiation_closed", "date": "2026-03-02", "union_id": org.union_id, "outcome": "disagreement"},
                 {"type": "meeting_held", "date": "2026-03-01", "time": "09:15:00"}):
        assert (await client.post(url, json=body, headers=hr.headers)).status_code == 201
    closed = await _check(client, hr, matter_id)
    assert [e["date"] for e in closed["events"]] == ["2026-03-01", "2026-03-02", "2026-03-03"]  # in date order, not as entered
    assert closed["status"] == "closed" and closed["hold_reason"] is None and closed["decision_allowed"] is True
    assert closed["events"][0]["time"] == "09:15:00" and closed["events"][0]["created_at"] == "2026-03-03T08:00:00Z"

    meeting = closed["events"][0]["id"]
    assert (await client.patch(f"{url}/{meeting}", json={"date": "2026-03-04", "reason": "Fel dag"}, headers=hr.headers)).status_code == 200
    # Writes no service makes (the API refuses control characters), escaped as msgspec does.
    await MatterEvent.update({MatterEvent.time: dt.time(9, 15, 0, 5), MatterEvent.note: "styr\x01tecken \u2028 \x7f"}).where(
        MatterEvent.id == meeting)
    moved = await _check(client, hr, matter_id)
    assert moved["events"][-1]["time"] == "09:15:00.000005" and moved["events"][-1]["note"] == "styr\x01tecken \u2028 \x7f"

    gone = await client.request("DELETE", f"{url}/{meeting}", json={"reason": "Dubblett"}, headers=hr.headers)
    assert gone.status_code == 204
    assert meeting not in [e["id"] for e in (await _check(client, hr, matter_id))["events"]]

    current = (await client.get(f"/api/v1/matters/{matter_id}", headers=hr.headers)).json()
    retitled = await client.patch(f"/api/v1/matters/{matter_id}", json={"title": "Ny rubrik", "version": current["version"]},
                                  headers=hr.headers)
    assert retitled.status_code == 200 and retitled.json()["title"] == "Ny rubrik"
    assert (await _check(client, hr, matter_id))["version"] == current["version"] + 1


async def test_a_deleted_matter_leaves_no_json(client, callers, org):
    from samverkan.database import engine
    from samverkan.matters.tables import Matter

    hr = (await callers())["hr"]
    created = await client.post("/api/v1/matters", headers=hr.headers, json={
        "title": "Kortlivat", "kind": "information", "department_id": org.department_id, "union_ids": [org.union_id]})
    matter_id = created.json()["id"]
    await Matter.delete().where(Matter.id == matter_id)
    assert await engine().run_querystring(_query(matter_id)) == []


async def test_two_transactions_adding_events_to_one_matter_at_once_both_show(client, callers, org, is_postgres, settings):
    """PostgreSQL: each transaction's trigger writes the JSON of what it sees; the matter's row
    is locked first, so the later one sees the earlier's event (without the lock its JSON would
    lack it). SQLite has one writer at a time, and the same must hold there."""
    from samverkan.matters.tables import MatterEvent

    hr = (await callers())["hr"]
    created = await client.post("/api/v1/matters", headers=hr.headers, json={
        "title": "Samtidigt", "kind": "information", "department_id": org.department_id, "union_ids": [org.union_id]})
    matter_id = created.json()["id"]
    insert = ("INSERT INTO matter_event (matter, type, date, note, created_at, updated_at) "
              "VALUES ({m}, 'occurrence', '2026-03-0{n}', 'samtidig {n}', '2026-03-01 08:00:00+00:00', '2026-03-01 08:00:00+00:00')")
    if is_postgres:
        import asyncpg

        first = await asyncpg.connect(settings.database_url)
        second = await asyncpg.connect(settings.database_url)
        try:
            await first.execute("BEGIN")
            await first.execute(insert.format(m=matter_id, n=1))
            await second.execute("BEGIN")
            waiting = asyncio.create_task(second.execute(insert.format(m=matter_id, n=2)))
            await asyncio.sleep(0.3)
            assert not waiting.done()  # the second waits for the first's lock on the matter
            await first.execute("COMMIT")
            await waiting
            await second.execute("COMMIT")
        finally:
            await first.close()
            await second.close()
    else:
        from samverkan.database import engine

        async def add(n: int) -> None:
            async with engine().transaction():
                await engine().run_ddl(insert.format(m=matter_id, n=n))
                await asyncio.sleep(0.05)

        await asyncio.gather(add(1), add(2))
    notes = [e["note"] for e in (await _stored(matter_id))["events"]]
    assert notes == ["samtidig 1", "samtidig 2"]
    assert await MatterEvent.count().where(MatterEvent.matter == matter_id) == 2


async def test_a_value_no_longer_allowed_stops_no_list(client, callers, org):
    """A matter whose stored kind or event type the schema no longer knows (an upgrade removed
    it) is still read, alone and in a list, and answered over the API: one odd row stops nothing.
    (The API sends the stored JSON on; pages decode it, and a value the schema refuses is read
    as it is instead.)"""
    from samverkan.accounts.service import viewer_from_token
    from samverkan.matters import service
    from samverkan.matters.tables import Matter, MatterEvent
    from samverkan.pagination import PageRequest

    hr = (await callers())["hr"]
    created = await client.post("/api/v1/matters", headers=hr.headers, json={
        "title": "Från en äldre version", "kind": "information", "department_id": org.department_id, "union_ids": [org.union_id]})
    matter_id = created.json()["id"]
    assert (await client.post(f"/api/v1/matters/{matter_id}/events", headers=hr.headers,
                              json={"type": "meeting_held", "date": "2026-03-02", "time": "10:30:00"})).status_code == 201
    await MatterEvent.update({MatterEvent.type: "old_type"}).where(MatterEvent.matter == matter_id)
    await Matter.update({Matter.kind: "old_kind"}).where(Matter.id == matter_id)
    api = await client.get(f"/api/v1/matters/{matter_id}", headers=hr.headers)
    assert api.status_code == 200 and api.json()["kind"] == "old_kind" and api.json()["events"][0]["type"] == "old_type"
    viewer = await viewer_from_token(hr.headers["Authorization"].removeprefix("Bearer "))
    for matter in ((await service.list_matters(viewer, page=PageRequest(limit=10))).items[0], await service.get_matter(viewer, matter_id)):
        assert matter.kind == "old_kind" and matter.events[0].type == "old_type"
        assert matter.events[0].time == dt.time(10, 30) and matter.events[0].date == dt.date(2026, 3, 2)
        assert matter.created_at.tzinfo is not None
