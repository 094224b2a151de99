"""Dates within 1900–2200 wherever a date or time stamp is input (issue 14, fault 6): an event on
9999-12-31 or a meeting at 0001-01-01T00:30+14:00 (-infinity to PostgreSQL) used to be a 500.
Now the API answers 400 naming the field, the pages 422 in Swedish, the command line exit 1."""

from __future__ import annotations

import functools

import pytest

from conftest import csrf, login
from test_cli import run
from test_text_types import _counts, create
from sam_fixtures import follow_up

PAGE_MESSAGE = "Datumet måste ligga mellan 1900 och 2200."


@pytest.fixture
async def world(client, callers, org):
    staff = await callers()
    made = functools.partial(create, client, staff["hr"])
    matter = await made("matters", {"title": "Tvist", "kind": "dispute", "department_id": org.department_id, "union_ids": [org.union_id]})
    event = await made(f"matters/{matter['id']}/events", {"type": "knowledge", "date": "2026-03-02"})
    meeting = await made("meetings", {"kind": "negotiation", "title": "Förhandling", "department_id": org.department_id,
                                      "union_ids": [org.union_id], "starts_at": "2026-03-02T09:00:00+01:00",
                                      "ends_at": "2026-03-02T10:00:00+01:00"})
    item = await made(f"meetings/{meeting['id']}/agenda", {"title": "Punkt", "kind": "information"})
    request = await made("sam/safety-rep-requests", {"department_id": org.department_id, "title": "Buller",
                                                     "received_on": "2026-03-02", "safety_rep_name": "Sara"})
    return {"staff": staff, "org": org, "matter": matter, "event": event, "meeting": meeting, "item": item, "request": request}


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2201-01-01"])
async def test_api_refuses_dates_outside_the_range_naming_the_field(client, world, day):
    hr, admin, o = world["staff"]["hr"], world["staff"]["admin"], world["org"]
    m, mt = world["matter"]["id"], world["meeting"]["id"]
    cases = [
        ("POST", f"matters/{m}/events", {"type": "knowledge", "date": day}, "date"),
        ("PATCH", f"matters/{m}/events/{world['event']['id']}", {"reason": "Fel dag", "date": day}, "date"),
        ("POST", "meetings", {"kind": "samverkan", "title": "Möte", "department_id": o.department_id,
                              "starts_at": f"{day}T00:30:00+14:00", "ends_at": "2026-03-02T10:00:00+01:00"}, "starts_at"),
        ("PATCH", f"meetings/{mt}", {"ends_at": f"{day}T10:00:00+01:00"}, "ends_at"),
        ("POST", f"meetings/{mt}/agenda/{world['item']['id']}/close", {"date": day}, "date"),
        ("POST", f"meetings/{mt}/documents", {"kind": "notice", "date": day}, "date"),
        ("POST", "rule-sets", {"name": "Lokalt avtal", "effective_from": day, "rules": []}, "effective_from"),
        ("POST", "sam/actions", {"what": "Larm", "responsible": "Anna", "due": day}, "due"),
        ("POST", "sam/annual-follow-ups", follow_up(o.department_id, 2025, date=day), "date"),
        ("POST", "sam/annual-follow-ups", follow_up(o.department_id, 2025, improvements=[{"what": "Mer", "responsible": "A",
                                                                                           "due": day}]), "due"),
        ("POST", "sam/safety-rep-requests", {"department_id": o.department_id, "title": "Buller", "received_on": day,
                                             "safety_rep_name": "Sara"}, "received_on"),
        ("POST", f"sam/safety-rep-requests/{world['request']['id']}/acknowledge", {"acknowledged_on": day}, "acknowledged_on"),
    ]
    before = await _counts()
    for method, path, body, field in cases:
        headers = admin.headers if path.startswith("rule-sets") else hr.headers
        response = await client.request(method, f"/api/v1/{path}", json=body, headers=headers)
        assert response.status_code == 400, (path, response.status_code, response.text)
        assert response.json()["field"] == field, (path, response.json())
        assert "1900" in response.json()["detail"]
    assert await _counts() == before


async def test_the_first_and_last_day_of_the_range_are_accepted(client, world):
    hr, m = world["staff"]["hr"], world["matter"]["id"]
    for day in ("1900-01-01", "2200-12-31"):
        response = await client.post(f"/api/v1/matters/{m}/events", json={"type": "knowledge", "date": day}, headers=hr.headers)
        assert response.status_code == 201, response.text
    meeting = await client.post("/api/v1/meetings", json={
        "kind": "samverkan", "title": "Sent möte", "department_id": world["org"].department_id,
        "starts_at": "2200-12-31T09:00:00+01:00", "ends_at": "2200-12-31T10:00:00+01:00"}, headers=hr.headers)
    assert meeting.status_code == 201, meeting.text
    stored = await client.get(f"/api/v1/meetings/{meeting.json()['id']}", headers=hr.headers)
    assert stored.json()["starts_at"].startswith("2200-12-31T08:00:00")


@pytest.mark.parametrize("query, field", [
    ("meetings?from=9999-12-31", "from"), ("meetings?to=0001-01-01", "to"), ("deadlines?due_before=9999-12-31", "due_before"),
    ("deadlines?due_after=0001-01-01", "due_after"), ("deadline-calculator?rule=MBL16-MEET-LOCAL&from=9999-12-31", "from"),
    ("audit?from=0001-01-01", "from"), ("audit?to=2201-01-01", "to"),
])
async def test_date_query_parameters_outside_the_range(client, world, query, field):
    response = await client.get(f"/api/v1/{query}", headers=world["staff"]["admin"].headers)
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field
    inside = await client.get(f"/api/v1/{query.replace('9999-12-31', '2200-12-31').replace('0001-01-01', '1900-01-01').replace('2201-01-01', '2200-12-31')}",
                              headers=world["staff"]["admin"].headers)
    assert inside.status_code == 200, inside.text


async def test_pages_refuse_dates_outside_the_range_in_swedish(client, world):
    admin, o = world["staff"]["admin"], world["org"]
    await login(client, admin.email, admin.password)
    before = await _counts()
    for path, form in (
        (f"/arenden/{world['matter']['id']}/handelser", {"type": "knowledge", "date": "9999-12-31"}),
        ("/moten/nytt", {"kind": "samverkan", "title": "Möte", "department_id": str(o.department_id), "date": "0001-01-01",
                         "start": "00:30", "end": "01:00"}),
        ("/regler/ny", {"name": "Avtal", "effective_from": "2201-01-01", "note": ""}),
        ("/sam/begaran/ny", {"department_id": str(o.department_id), "title": "Buller", "received_on": "1899-12-31",
                             "safety_rep_name": "Sara"}),
    ):
        response = await client.post(path, data={**form, "_csrf_token": csrf(client)})
        assert response.status_code == 422, (path, response.status_code, response.text[:2000])
        assert PAGE_MESSAGE in response.text, path
    audit_page = await client.get("/logg?fran=9999-12-31")
    assert audit_page.status_code == 400 and PAGE_MESSAGE in audit_page.text
    assert await _counts() == before


async def test_command_line_refuses_dates_outside_the_range(client, org):
    far = run("deadline", "MBL16-MEET-LOCAL", "9999-12-31")
    assert far.returncode == 1 and "from" in far.stderr and "1900" in far.stderr, far.stderr
    near = run("deadline", "MBL16-MEET-LOCAL", "2200-12-20")
    assert near.returncode == 0, near.stderr
