"""Matters and events over the API: diary numbers, events, the decision hold, edits with reasons."""

from __future__ import annotations


import pytest

from samverkan import clock

pytestmark = pytest.mark.usefixtures("frozen")  # "today" matters here: the clock stands still (conftest)


@pytest.fixture
async def hr(callers):
    return (await callers())["hr"]


async def _matter(client, caller, org, **fields):
    body = {"title": "Omorganisation av hemtjänsten", "kind": "primary_negotiation", "department_id": org.department_id,
            "union_ids": [org.union_id, org.other_union_id], **fields}
    response = await client.post("/api/v1/matters", json=body, headers=caller.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_diary_numbers_follow_the_department_series(client, hr, org):
    year = clock.today().year
    first = await _matter(client, hr, org)
    second = await _matter(client, hr, org)
    other = await _matter(client, hr, org, department_id=org.other_department_id)
    assert first["diary_no"] == f"VO {year}/0001"
    assert second["diary_no"] == f"VO {year}/0002"
    assert other["diary_no"] == f"KS {year}/0001"
    by_hand = await _matter(client, hr, org, diary_no="KS 2022/0086")
    assert by_hand["diary_no"] == "KS 2022/0086"
    taken = await client.post("/api/v1/matters", json={"title": "X", "kind": "other", "department_id": org.department_id,
                                                       "diary_no": "KS 2022/0086"}, headers=hr.headers)
    assert taken.status_code == 409 and taken.json()["field"] == "diary_no"
    # A hand-entered number does not disturb the series.
    assert (await _matter(client, hr, org, department_id=org.other_department_id))["diary_no"] == f"KS {year}/0002"


async def test_matter_shape(client, hr, org):
    matter = await _matter(client, hr, org)
    assert set(matter) >= {"id", "diary_no", "title", "description", "kind", "department_id", "union_ids", "personal_data",
                           "decision_allowed", "hold_reason", "events"}
    assert matter["union_ids"] == sorted([org.union_id, org.other_union_id])
    assert matter["decision_allowed"] is False and matter["status"] == "on_hold"
    assert "Förhandlingen är inte avslutad med Kommunal och Vision." in matter["hold_reason"]


async def test_journey_2_hold_central_negotiation_and_decision(client, hr, org):
    """A reorganisation (11 §): held until local and the requested central negotiation are closed."""
    m = await _matter(client, hr, org)
    url = f"/api/v1/matters/{m['id']}/events"
    refused = await client.post(url, json={"type": "decision_taken", "date": "2026-03-10"}, headers=hr.headers)
    assert refused.status_code == 409
    assert refused.json()["field"] == "type" and "inte avslutad" in refused.json()["detail"]

    for union, outcome in ((org.union_id, "agreement"), (org.other_union_id, "disagreement")):
        r = await client.post(url, json={"type": "negotiation_closed", "date": "2026-03-02", "union_id": union, "outcome": outcome}, headers=hr.headers)
        assert r.status_code == 201, r.text
    after_local = (await client.get(f"/api/v1/matters/{m['id']}", headers=hr.headers)).json()
    assert after_local["decision_allowed"] is True and after_local["status"] == "closed"

    central = await client.post(url, json={"type": "central_requested", "date": "2026-03-05", "union_id": org.other_union_id}, headers=hr.headers)
    assert central.status_code == 201
    held = (await client.get(f"/api/v1/matters/{m['id']}", headers=hr.headers)).json()
    assert held["decision_allowed"] is False
    assert "Kommunal har begärt central förhandling" in held["hold_reason"]
    assert {p["union_id"]: p["state"] for p in held["parties"]}[org.other_union_id] == "central_requested"
    assert (await client.post(url, json={"type": "decision_taken", "date": "2026-03-10"}, headers=hr.headers)).status_code == 409

    await client.post(url, json={"type": "central_closed", "date": "2026-04-01", "union_id": org.other_union_id, "outcome": "disagreement"}, headers=hr.headers)
    assert (await client.post(url, json={"type": "decision_taken", "date": "2026-04-02"}, headers=hr.headers)).status_code == 201
    done = (await client.get(f"/api/v1/matters/{m['id']}", headers=hr.headers)).json()
    assert done["status"] == "decided"
    assert [e["type"] for e in done["events"]] == [
        "negotiation_closed", "negotiation_closed", "central_requested", "central_closed", "decision_taken"]


async def test_an_exception_lets_the_employer_decide(client, hr, org, make_caller):
    m = await _matter(client, hr, org)
    url = f"/api/v1/matters/{m['id']}/events"
    department = await make_caller("department", department_id=org.department_id)
    no_reason = await client.post(url, json={"type": "exception_recorded", "date": "2026-03-01"}, headers=hr.headers)
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "note"
    not_hr = await client.post(url, json={"type": "exception_recorded", "date": "2026-03-01", "note": "Brand"}, headers=department.headers)
    assert not_hr.status_code == 403
    ok = await client.post(url, json={"type": "exception_recorded", "date": "2026-03-01", "note": "Lokalerna brann ned."}, headers=hr.headers)
    assert ok.status_code == 201
    matter = (await client.get(f"/api/v1/matters/{m['id']}", headers=hr.headers)).json()
    assert matter["decision_allowed"] is True
    assert matter["hold_reason"] == "Undantag registrerat 2026-03-01: Lokalerna brann ned."
    assert (await client.post(url, json={"type": "decision_taken", "date": "2026-03-02"}, headers=department.headers)).status_code == 201


async def test_journey_1_dispute_events(client, hr, org):
    m = await _matter(client, hr, org, kind="dispute", title="Schema för medlem", union_ids=[org.union_id])
    url = f"/api/v1/matters/{m['id']}/events"
    for body in (
        {"type": "request_received", "date": "2025-12-17", "union_id": org.union_id, "note": "Skriftlig framställan"},
        {"type": "meeting_held", "date": "2026-01-02", "time": "09:00:00"},
        {"type": "negotiation_closed", "date": "2026-01-02", "union_id": org.union_id, "outcome": "disagreement"},
    ):
        r = await client.post(url, json=body, headers=hr.headers)
        assert r.status_code == 201, r.text
    matter = (await client.get(f"/api/v1/matters/{m['id']}", headers=hr.headers)).json()
    assert matter["decision_allowed"] is True  # disputes carry no decision hold
    assert matter["status"] == "closed"
    assert matter["events"][1]["time"] == "09:00:00"
    assert (await client.get(url, headers=hr.headers)).json() == matter["events"]


async def test_editing_and_deleting_events_needs_a_reason_and_is_recorded(client, hr, org):
    from samverkan.matters.tables import MatterEvent, MatterEventChange

    m = await _matter(client, hr, org)
    url = f"/api/v1/matters/{m['id']}/events"
    event = (await client.post(url, json={"type": "negotiation_closed", "date": "2026-03-02", "union_id": org.union_id, "outcome": "agreement"}, headers=hr.headers)).json()
    no_reason = await client.patch(f"{url}/{event['id']}", json={"date": "2026-03-03"}, headers=hr.headers)
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "reason"
    edited = await client.patch(f"{url}/{event['id']}", json={"date": "2026-03-03", "reason": "Fel datum i protokollet"}, headers=hr.headers)
    assert edited.status_code == 200 and edited.json()["date"] == "2026-03-03"
    deleted = await client.request("DELETE", f"{url}/{event['id']}", json={"reason": "Registrerad på fel ärende"}, headers=hr.headers)
    assert deleted.status_code == 204
    matter = (await client.get(f"/api/v1/matters/{m['id']}", headers=hr.headers)).json()
    assert matter["events"] == [] and {p["union_id"]: p["state"] for p in matter["parties"]}[org.union_id] == "open"
    changes = await MatterEventChange.select().order_by(MatterEventChange.id).output(load_json=True)
    assert [(c["action"], c["reason"]) for c in changes] == [("update", "Fel datum i protokollet"), ("delete", "Registrerad på fel ärende")]
    assert changes[0]["before"]["date"] == "2026-03-02" and changes[0]["after"]["date"] == "2026-03-03"
    assert await MatterEvent.count() == 1  # kept, marked deleted
    gone = await client.request("DELETE", f"{url}/{event['id']}", json={"reason": "igen"}, headers=hr.headers)
    assert gone.status_code == 404


async def test_bad_events(client, hr, org):
    m = await _matter(client, hr, org, union_ids=[org.union_id])
    url = f"/api/v1/matters/{m['id']}/events"
    cases = [
        ({"type": "knowledge", "date": "2026-01-01"}, "type"),  # does not fit a primary negotiation
        ({"type": "negotiation_closed", "date": "2026-02-30", "union_id": org.union_id, "outcome": "agreement"}, "date"),
        ({"type": "negotiation_closed", "date": "2026-02-01", "union_id": org.other_union_id, "outcome": "agreement"}, "union_id"),
        ({"type": "negotiation_closed", "date": "2026-02-01", "union_id": org.union_id, "outcome": "maybe"}, "outcome"),
        ({"type": "party", "date": "2026-02-01"}, "type"),
        ({"type": "meeting_held", "date": "2026-02-01", "time": "25:00"}, "time"),
    ]
    for body, field in cases:
        r = await client.post(url, json=body, headers=hr.headers)
        assert r.status_code == 400, (body, r.text)
        assert r.json()["field"] == field, (body, r.json())
    assert (await client.get(url, headers=hr.headers)).json() == []


async def test_matter_update_and_concurrent_edits(client, hr, org):
    m = await _matter(client, hr, org)
    url = f"/api/v1/matters/{m['id']}"
    first = await client.patch(url, json={"title": "Sammanslagning av två enheter", "version": m["version"]}, headers=hr.headers)
    assert first.status_code == 200 and first.json()["version"] == m["version"] + 1
    stale = await client.patch(url, json={"title": "Något annat", "version": m["version"]}, headers=hr.headers)
    assert stale.status_code == 409 and stale.json()["field"] == "version"
    assert "ändrats av någon annan" in stale.json()["detail"]
    assert (await client.get(url, headers=hr.headers)).json()["title"] == "Sammanslagning av två enheter"
    await client.post(f"{url}/events", json={"type": "negotiation_closed", "date": "2026-03-02", "union_id": org.union_id, "outcome": "agreement"}, headers=hr.headers)
    in_use = await client.patch(url, json={"union_ids": [org.other_union_id]}, headers=hr.headers)
    assert in_use.status_code == 400 and in_use.json()["field"] == "union_ids" and "Vision" in in_use.json()["detail"]
    wrong_kind = await client.patch(url, json={"kind": "information"}, headers=hr.headers)
    assert wrong_kind.status_code == 400 and wrong_kind.json()["field"] == "kind"
    fewer = await client.patch(url, json={"union_ids": [org.union_id]}, headers=hr.headers)
    assert fewer.status_code == 200 and fewer.json()["union_ids"] == [org.union_id]
    assert fewer.json()["decision_allowed"] is True  # the one remaining party is closed


async def test_list_filters(client, hr, org):
    await _matter(client, hr, org, title="Ny bemanning på Vårdboendet Åsen")
    await _matter(client, hr, org, kind="information", title="Budget 2027", union_ids=[org.other_union_id])
    await _matter(client, hr, org, kind="dispute", title="Lönetvist", department_id=org.other_department_id, union_ids=[org.union_id])
    async def names(query):
        r = await client.get(f"/api/v1/matters?{query}", headers=hr.headers)
        assert r.status_code == 200, r.text
        return sorted(m["title"] for m in r.json()["items"])
    assert await names("kind=information") == ["Budget 2027"]
    assert await names(f"department_id={org.other_department_id}") == ["Lönetvist"]
    assert await names(f"union_id={org.other_union_id}") == ["Budget 2027", "Ny bemanning på Vårdboendet Åsen"]
    assert await names("status=on_hold") == ["Ny bemanning på Vårdboendet Åsen"]
    assert await names("q=ÅSEN") == ["Ny bemanning på Vårdboendet Åsen"]
    assert (await client.get("/api/v1/matters?status=sleeping", headers=hr.headers)).status_code == 400


async def test_a_number_entered_by_hand_does_not_jam_the_series(client, hr, org):
    year = clock.today().year
    await _matter(client, hr, org, diary_no=f"VO {year}/0002")
    assert (await _matter(client, hr, org))["diary_no"] == f"VO {year}/0003"
    assert (await _matter(client, hr, org))["diary_no"] == f"VO {year}/0004"
