"""A PATCH with nothing to change (issue 14, fault 6): every PATCH endpoint answers `{}` with 200
and the record unchanged, or with 400 naming what is missing; never 500. The cases are checked
against the app's routes, so a new PATCH endpoint cannot be left out."""

from __future__ import annotations

import pytest
from meeting_fixtures import negotiation, staff  # noqa: F401 (fixtures)
from sam_fixtures import follow_up

# (route, the record's own URL for GET or None when it is read inside another, how to find it there)
CASES = {
    "/api/v1/departments/{id:int}": ("department", None),
    "/api/v1/unions/{id:int}": ("union", None),
    "/api/v1/people/{id:int}": ("person", None),
    "/api/v1/groups/{id:int}": ("group", None),
    "/api/v1/matters/{id:int}": ("matter", None),
    "/api/v1/matters/{id:int}/events/{event_id:int}": ("event", "400"),
    "/api/v1/meetings/{id:int}": ("meeting", None),
    "/api/v1/meetings/{id:int}/participants/{participant_id:int}": ("participant", None),
    "/api/v1/meetings/{id:int}/agenda/{item_id:int}": ("item", None),
    "/api/v1/sam/actions/{id:int}": ("action", None),
    "/api/v1/sam/annual-follow-ups/{id:int}": ("follow_up", None),
    "/api/v1/actions/{id:int}": ("meeting_action", None),
}


def test_every_patch_route_has_a_case(app):
    patch_paths = {r.path for r in app.routes if "PATCH" in getattr(r, "methods", set())}
    assert patch_paths == set(CASES), patch_paths ^ set(CASES)


@pytest.fixture
async def records(client, staff, org, negotiation):
    """One record of each kind with a PATCH: (its PATCH URL, its GET URL, a key that finds it there)."""
    hr = staff["hr"]
    meeting, matter, item = negotiation["meeting"], negotiation["matter"], negotiation["item"]
    people = (await client.get("/api/v1/people", headers=hr.headers)).json()["items"]
    group = await client.post("/api/v1/groups", json={"name": "FSG Vård", "level": "department", "department_id": org.department_id,
                                                      "union_ids": [org.union_id]}, headers=hr.headers)
    assert group.status_code == 201, group.text
    made = await client.post("/api/v1/sam/annual-follow-ups", json={**follow_up(org.department_id, 2026),
                                                                    "improvements": [{"what": "Ny rutin", "responsible": "Anna",
                                                                                      "due": "2026-12-31"}]},
                             headers=hr.headers)
    assert made.status_code == 201, made.text
    action_id = made.json()["action_ids"][0]
    event_id = (await client.get(f"/api/v1/matters/{matter['id']}", headers=hr.headers)).json()["events"][0]["id"]
    participant_id = (await client.get(f"/api/v1/meetings/{meeting['id']}", headers=hr.headers)).json()["participants"][0]["id"]
    m, d = meeting["id"], matter["id"]
    decided = await client.post(f"/api/v1/meetings/{m}/agenda/{item['id']}/actions",
                                json={"what": "Ny rutin", "responsible_id": people[0]["id"], "due": "2027-12-31"}, headers=hr.headers)
    assert decided.status_code == 201, decided.text
    return {
        "department": (f"/api/v1/departments/{org.department_id}", f"/api/v1/departments/{org.department_id}", None),
        "union": (f"/api/v1/unions/{org.union_id}", f"/api/v1/unions/{org.union_id}", None),
        "person": (f"/api/v1/people/{people[0]['id']}", f"/api/v1/people/{people[0]['id']}", None),
        "group": (f"/api/v1/groups/{group.json()['id']}", f"/api/v1/groups/{group.json()['id']}", None),
        "matter": (f"/api/v1/matters/{d}", f"/api/v1/matters/{d}", None),
        "event": (f"/api/v1/matters/{d}/events/{event_id}", f"/api/v1/matters/{d}", ("events", event_id)),
        "meeting": (f"/api/v1/meetings/{m}", f"/api/v1/meetings/{m}", None),
        "participant": (f"/api/v1/meetings/{m}/participants/{participant_id}", f"/api/v1/meetings/{m}",
                        ("participants", participant_id)),
        "item": (f"/api/v1/meetings/{m}/agenda/{item['id']}", f"/api/v1/meetings/{m}/agenda/{item['id']}", None),
        "action": (f"/api/v1/sam/actions/{action_id}", f"/api/v1/sam/actions/{action_id}", None),
        "meeting_action": (f"/api/v1/actions/{decided.json()['id']}", f"/api/v1/actions/{decided.json()['id']}", None),
        "follow_up": (f"/api/v1/sam/annual-follow-ups/{made.json()['id']}", f"/api/v1/sam/annual-follow-ups/{made.json()['id']}", None),
    }


def _find(body: dict, key: tuple[str, int] | None) -> dict:
    return body if key is None else next(x for x in body[key[0]] if x["id"] == key[1])


@pytest.mark.parametrize("route", sorted(CASES))
async def test_an_empty_patch_changes_nothing_and_is_no_error(client, staff, records, route):
    hr = staff["admin"]  # may PATCH every kind
    kind, expected = CASES[route]
    patch_url, get_url, key = records[kind]
    before = (await client.get(get_url, headers=hr.headers)).json()
    response = await client.patch(patch_url, json={}, headers=hr.headers)
    after = (await client.get(get_url, headers=hr.headers)).json()
    if expected == "400":
        assert response.status_code == 400 and response.json()["field"], response.text
    else:
        assert response.status_code == 200, response.text
        assert response.json() == _find(after, key)
    assert after == before, "a PATCH with nothing to change changed the record"
