"""Deadlines derived from a matter's events: created, met, moved, superseded, waived, scoped."""

from __future__ import annotations

import datetime as dt

import pytest

from samverkan import clock

pytestmark = pytest.mark.usefixtures("frozen")  # "today" matters here: the clock stands still (conftest)


@pytest.fixture
async def hr(callers):
    return (await callers())["hr"]


async def _dispute(client, hr, org):
    return (await client.post("/api/v1/matters", json={"title": "Schema för medlem", "kind": "dispute", "department_id": org.department_id,
                                                        "union_ids": [org.union_id]}, headers=hr.headers)).json()


async def _event(client, hr, matter, **body):
    r = await client.post(f"/api/v1/matters/{matter['id']}/events", json=body, headers=hr.headers)
    assert r.status_code == 201, r.text
    return r.json()


async def _deadlines(client, caller, matter):
    r = await client.get(f"/api/v1/matters/{matter['id']}/deadlines", headers=caller.headers)
    assert r.status_code == 200, r.text
    return {d["rule"]: d for d in r.json()}


async def test_journey_1_the_meeting_deadline_and_the_claim_deadlines(client, hr, org):
    matter = await _dispute(client, hr, org)
    request = await _event(client, hr, matter, type="request_received", date="2025-12-17", union_id=org.union_id)
    meeting = (await _deadlines(client, hr, matter))["MBL16-MEET-LOCAL"]
    assert (meeting["unadjusted_due"], meeting["due"]) == ("2025-12-31", "2026-01-02")
    assert meeting["reason"] == "2025-12-31 är nyårsafton och 2026-01-01 nyårsdagen; fristen går ut fredag 2026-01-02"
    assert meeting["responsible"] == "employer" and meeting["title"].startswith("Förhandlingssammanträde")
    assert meeting["state"] == "missed"  # 2026-01-02 is past and no meeting is recorded yet

    await _event(client, hr, matter, type="meeting_held", date="2026-01-02")
    await _event(client, hr, matter, type="negotiation_closed", date="2026-01-02", union_id=org.union_id, outcome="disagreement")
    deadlines = await _deadlines(client, hr, matter)
    assert deadlines["MBL16-MEET-LOCAL"]["state"] == "met" and deadlines["MBL16-MEET-LOCAL"]["met_on"] == "2026-01-02"
    assert deadlines["MBL64-CENTRAL"]["due"] == "2026-03-02"  # 2 months: 2026-03-02 is a Monday
    assert deadlines["MBL65-SUIT"]["due"] == "2026-04-02"
    assert deadlines["MBL64-CENTRAL"]["union_id"] == org.union_id

    # A requested central negotiation meets 64 § and replaces the suit deadline until it closes.
    await _event(client, hr, matter, type="central_requested", date="2026-02-10", union_id=org.union_id)
    deadlines = await _deadlines(client, hr, matter)
    assert deadlines["MBL64-CENTRAL"]["state"] == "met"
    assert deadlines["MBL65-SUIT"]["state"] == "superseded"

    # Editing the trigger moves the deadline; the row is the same one.
    before = (await _deadlines(client, hr, matter))["MBL16-MEET-LOCAL"]
    await client.patch(f"/api/v1/matters/{matter['id']}/events/{request['id']}", json={"date": "2025-12-16", "reason": "Fel dag"}, headers=hr.headers)
    after = (await _deadlines(client, hr, matter))["MBL16-MEET-LOCAL"]
    assert after["id"] == before["id"] and after["due"] == "2025-12-30"


async def test_a_deleted_trigger_supersedes_its_deadline(client, hr, org):
    matter = await _dispute(client, hr, org)
    event = await _event(client, hr, matter, type="knowledge", date=clock.today().isoformat())
    assert (await _deadlines(client, hr, matter))["MBL64-LOCAL-KNOW"]["state"] == "open"
    await client.request("DELETE", f"/api/v1/matters/{matter['id']}/events/{event['id']}", json={"reason": "Fel"}, headers=hr.headers)
    assert (await _deadlines(client, hr, matter))["MBL64-LOCAL-KNOW"]["state"] == "superseded"


async def test_waive_with_a_reason(client, hr, org, make_caller):
    matter = await _dispute(client, hr, org)
    await _event(client, hr, matter, type="knowledge", date=clock.today().isoformat())
    deadline = (await _deadlines(client, hr, matter))["MBL64-LOCAL-KNOW"]
    department = await make_caller("department", department_id=org.department_id)
    assert (await client.post(f"/api/v1/deadlines/{deadline['id']}/waive", json={"reason": "x"}, headers=department.headers)).status_code == 403
    no_reason = await client.post(f"/api/v1/deadlines/{deadline['id']}/waive", json={"reason": " "}, headers=hr.headers)
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "reason"
    waived = await client.post(f"/api/v1/deadlines/{deadline['id']}/waive", json={"reason": "Parterna är överens om att inte driva frågan."}, headers=hr.headers)
    assert waived.status_code == 200 and waived.json()["state"] == "waived"
    assert (await client.post(f"/api/v1/deadlines/{deadline['id']}/waive", json={"reason": "igen"}, headers=hr.headers)).status_code == 409
    # A later change to the events keeps it waived.
    await _event(client, hr, matter, type="occurrence", date="2026-01-01")
    assert (await _deadlines(client, hr, matter))["MBL64-LOCAL-KNOW"]["state"] == "waived"


async def test_hold_matters_get_the_agreement_deadlines(client, hr, org):
    matter = (await client.post("/api/v1/matters", json={"title": "Sammanslagning", "kind": "samverkan", "department_id": org.department_id,
                                                          "union_ids": [org.union_id]}, headers=hr.headers)).json()
    await _event(client, hr, matter, type="meeting_held", date="2026-03-02")
    await _event(client, hr, matter, type="negotiation_closed", date="2026-03-02", union_id=org.union_id, outcome="disagreement")
    deadlines = await _deadlines(client, hr, matter)
    assert deadlines["AGR-CENTRAL-REQ"]["due"] == "2026-03-09" and deadlines["AGR-CENTRAL-REQ"]["responsible"] == "union"
    assert deadlines["AGR-PROTOCOL-APPROVAL"]["due"] == "2026-03-16"
    await _event(client, hr, matter, type="protocol_approved", date="2026-03-10")
    assert (await _deadlines(client, hr, matter))["AGR-PROTOCOL-APPROVAL"]["state"] == "met"


async def test_deadline_list_filters_and_scoping(client, hr, org, make_caller):
    mine = await _dispute(client, hr, org)
    other = (await client.post("/api/v1/matters", json={"title": "Annan", "kind": "dispute", "department_id": org.other_department_id,
                                                         "union_ids": [org.other_union_id]}, headers=hr.headers)).json()
    today = clock.today()
    await _event(client, hr, mine, type="knowledge", date=today.isoformat())
    await _event(client, hr, other, type="request_received", date="2025-12-17")
    everything = (await client.get("/api/v1/deadlines", headers=hr.headers)).json()
    assert everything["total"] == 2
    assert [d["rule"] for d in (await client.get("/api/v1/deadlines?state=missed", headers=hr.headers)).json()["items"]] == ["MBL16-MEET-LOCAL"]
    assert [d["rule"] for d in (await client.get("/api/v1/deadlines?state=open", headers=hr.headers)).json()["items"]] == ["MBL64-LOCAL-KNOW"]
    soon = (today + dt.timedelta(days=200)).isoformat()
    assert (await client.get(f"/api/v1/deadlines?due_after=2026-01-03&due_before={soon}", headers=hr.headers)).json()["total"] == 1
    assert (await client.get(f"/api/v1/deadlines?department_id={org.other_department_id}", headers=hr.headers)).json()["total"] == 1
    union = await make_caller("union", union_id=org.union_id)
    seen = (await client.get("/api/v1/deadlines", headers=union.headers)).json()
    assert seen["total"] == 1 and seen["items"][0]["matter_id"] == mine["id"]
    assert (await client.get(f"/api/v1/matters/{other['id']}/deadlines", headers=union.headers)).status_code == 404
    assert (await client.get("/api/v1/deadlines?state=late", headers=hr.headers)).json()["field"] == "state"
