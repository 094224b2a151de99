"""A negotiation meeting with people, justerare and a decided item, for the document tests."""

from __future__ import annotations

import pytest

HOSTILE = "Tom & Jerry <b>fet</b> \"citat\" 'apostrof' – åäö ÅÄÖ é"


@pytest.fixture
async def staff(callers):
    return await callers()


async def _person(client, hr, **body):
    r = await client.post("/api/v1/people", json=body, headers=hr.headers)
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture
async def negotiation(client, staff, org):
    """A negotiation under 11 § with Vision and Kommunal: people, justerare and a decided item."""
    hr = staff["hr"]
    matter = (await client.post("/api/v1/matters", json={
        "title": f"Sammanslagning av hemtjänst {HOSTILE}", "kind": "primary_negotiation", "department_id": org.department_id,
        "union_ids": [org.union_id, org.other_union_id], "description": "Två områden blir ett.",
    }, headers=hr.headers)).json()
    chair = await _person(client, hr, name="Per Ek", side="employer", department_id=org.department_id, title="Förvaltningschef",
                          email="per.ek@lund.example")
    scribe = await _person(client, hr, name="Anna Lindqvist", side="employer", department_id=org.department_id, title="HR-konsult")
    vision = await _person(client, hr, name="Sara Öberg", side="union", union_id=org.union_id)
    kommunal = await _person(client, hr, name="Jonas Åkesson", side="union", union_id=org.other_union_id)
    meeting = (await client.post("/api/v1/meetings", json={
        "kind": "negotiation", "title": "Förhandling om hemtjänsten", "department_id": org.department_id,
        "union_ids": [org.union_id, org.other_union_id], "starts_at": "2026-03-02T09:00:00+01:00",
        "ends_at": "2026-03-02T10:30:00+01:00", "place": "Stadshuset, rum Ärlan", "chair_id": chair["id"],
        "minute_taker_id": scribe["id"], "approvers": [{"union_id": None, "person_id": chair["id"]},
                                                       {"union_id": org.union_id, "person_id": vision["id"]},
                                                       {"union_id": org.other_union_id, "person_id": kommunal["id"]}],
    }, headers=hr.headers)).json()
    for person in (chair, scribe, vision, kommunal):
        r = await client.post(f"/api/v1/meetings/{meeting['id']}/participants", json={"person_id": person["id"], "present": True},
                              headers=hr.headers)
        assert r.status_code == 201, r.text
    item = (await client.post(f"/api/v1/meetings/{meeting['id']}/agenda", json={
        "title": "Sammanslagning", "kind": "negotiation", "matter_id": matter["id"], "text": f"Bakgrund: {HOSTILE}",
        "employer_position": "Områdena slås samman 1 juni.",
        "positions": [
            {"union_id": org.union_id, "outcome": "agreement", "note": "Vision vill följa upp arbetsmiljön."},
            {"union_id": org.other_union_id, "outcome": "disagreement", "reservation": "bemanningen räcker inte",
             "central_requested": True},
        ],
    }, headers=hr.headers)).json()
    closed = await client.post(f"/api/v1/meetings/{meeting['id']}/agenda/{item['id']}/close", json={}, headers=hr.headers)
    assert closed.status_code == 200, closed.text
    return {"meeting": meeting, "matter": matter, "item": item}
