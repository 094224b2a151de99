"""Who sees which matters and meetings: scoping is part of the query, lists and counts included."""

from __future__ import annotations

import datetime as dt

import pytest

from samverkan.accounts.service import Viewer


@pytest.fixture
async def world(org, make_caller):
    """Matters and meetings spread over two departments and two unions, one of them personal."""
    from samverkan.matters import service as matters
    from samverkan.matters.schemas import MatterCreate
    from samverkan.meetings import service as meetings
    from samverkan.meetings.schemas import MeetingCreate

    hr = await make_caller("hr")
    actor = Viewer(hr.user_id, hr.email, "HR", "hr", None, None, None, "token")
    specs = [
        ("VOF, Vision", org.department_id, [org.union_id], False),
        ("VOF, Kommunal", org.department_id, [org.other_union_id], False),
        ("KK, båda", org.other_department_id, [org.union_id, org.other_union_id], False),
        ("VOF, individärende med Vision", org.department_id, [org.union_id], True),
    ]
    for title, department, unions, personal in specs:
        await matters.create_matter(actor, MatterCreate(title=title, kind="dispute", department_id=department,
                                                        union_ids=unions, personal_data=personal))
    start = dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)
    for title, department, unions in (("Möte VOF Vision", org.department_id, [org.union_id]),
                                      ("Möte VOF Kommunal", org.department_id, [org.other_union_id]),
                                      ("Möte KK", org.other_department_id, [org.union_id, org.other_union_id])):
        await meetings.create_meeting(actor, MeetingCreate(kind="negotiation", title=title, department_id=department,
                                                           union_ids=unions, starts_at=start, ends_at=start + dt.timedelta(hours=1)))
    return {
        "hr": hr,
        "department": await make_caller("department", department_id=org.department_id),
        "union": await make_caller("union", union_id=org.union_id),
    }


async def _titles(client, caller, path):
    response = await client.get(f"/api/v1/{path}?limit=500", headers=caller.headers)
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == len(body["items"])  # the count is scoped like the rows
    return sorted(item["title"] for item in body["items"])


async def test_matter_lists_are_scoped(client, world):
    assert len(await _titles(client, world["hr"], "matters")) == 4
    # A department sees its own department's matters, but not individärenden.
    assert await _titles(client, world["department"], "matters") == ["VOF, Kommunal", "VOF, Vision"]
    # A union sees the matters it is a party to, individärenden of its own included.
    assert await _titles(client, world["union"], "matters") == ["KK, båda", "VOF, Vision", "VOF, individärende med Vision"]


async def test_meeting_lists_are_scoped(client, world):
    assert len(await _titles(client, world["hr"], "meetings")) == 3
    assert await _titles(client, world["department"], "meetings") == ["Möte VOF Kommunal", "Möte VOF Vision"]
    assert await _titles(client, world["union"], "meetings") == ["Möte KK", "Möte VOF Vision"]


async def test_hidden_records_are_404_not_403(client, world):
    all_matters = {m["title"]: m["id"] for m in (await client.get("/api/v1/matters", headers=world["hr"].headers)).json()["items"]}
    all_meetings = {m["title"]: m["id"] for m in (await client.get("/api/v1/meetings", headers=world["hr"].headers)).json()["items"]}
    for caller, matter, meeting in (
        (world["union"], "VOF, Kommunal", "Möte VOF Kommunal"),
        (world["department"], "VOF, individärende med Vision", "Möte KK"),
    ):
        for url in (f"/api/v1/matters/{all_matters[matter]}", f"/api/v1/matters/{all_matters[matter]}/events",
                    f"/api/v1/meetings/{all_meetings[meeting]}", f"/api/v1/meetings/{all_meetings[meeting]}/agenda"):
            assert (await client.get(url, headers=caller.headers)).status_code == 404, (caller.role, url)
    # Filtering by a union does not widen what a union user sees.
    from_other = await client.get("/api/v1/matters?union_id=2", headers=world["union"].headers)
    assert [m["title"] for m in from_other.json()["items"]] == ["KK, båda"]


async def test_department_users_change_only_their_own_department(client, world, org):
    department = world["department"]
    elsewhere = await client.post("/api/v1/matters", json={"title": "X", "kind": "samverkan", "department_id": org.other_department_id},
                                  headers=department.headers)
    assert elsewhere.status_code == 403
    own = await client.post("/api/v1/matters", json={"title": "Ny schemaläggning", "kind": "samverkan", "department_id": org.department_id},
                            headers=department.headers)
    assert own.status_code == 201
    personal = await client.post("/api/v1/matters", json={"title": "X", "kind": "dispute", "department_id": org.department_id, "personal_data": True},
                                 headers=department.headers)
    assert personal.status_code == 403 and personal.json()["field"] == "personal_data"
    meeting = await client.post("/api/v1/meetings", json={"kind": "samverkan", "title": "APT", "department_id": org.other_department_id,
                                                          "starts_at": "2026-03-02T09:00:00", "ends_at": "2026-03-02T10:00:00"},
                                headers=department.headers)
    assert meeting.status_code == 403


async def test_union_users_only_read(client, world, org):
    union = world["union"]
    visible = (await client.get("/api/v1/matters", headers=union.headers)).json()["items"][0]
    assert (await client.patch(f"/api/v1/matters/{visible['id']}", json={"title": "Y"}, headers=union.headers)).status_code == 403
    assert (await client.post(f"/api/v1/matters/{visible['id']}/events", json={"type": "meeting_held", "date": "2026-03-02"},
                              headers=union.headers)).status_code == 403


async def test_agenda_items_about_hidden_matters_are_redacted(client, world, org):
    from samverkan.matters import service as matters
    from samverkan.meetings import schemas as ms
    from samverkan.meetings import service as meetings

    hr = world["hr"]
    actor = Viewer(hr.user_id, hr.email, "HR", "hr", None, None, None, "token")
    hidden = await matters.create_matter(actor, matters.s.MatterCreate(
        title="Omplacering av N.N.", kind="dispute", department_id=org.department_id, union_ids=[org.other_union_id], personal_data=True))
    joint = next(m for m in (await meetings.list_meetings(actor)).items if m.title == "Möte KK")
    await meetings.add_item(actor, joint.id, ms.AgendaItemCreate(title="Omplacering av N.N.", kind="negotiation", matter_id=hidden.id,
                                                                 text="Känsliga uppgifter"))
    seen_by_union = (await client.get(f"/api/v1/meetings/{joint.id}", headers=world["union"].headers)).json()
    item = seen_by_union["agenda"][-1]
    assert item["title"] == "Punkt om ett ärende som du inte har tillgång till"
    assert item["text"] == "" and item["matter_id"] is None and item["positions"] == []
    assert "Känsliga" not in str(seen_by_union)
    seen_by_hr = (await client.get(f"/api/v1/meetings/{joint.id}", headers=hr.headers)).json()
    assert seen_by_hr["agenda"][-1]["text"] == "Känsliga uppgifter"


async def test_only_hr_changes_or_deletes_an_exception(client, world, org):
    hr, department = world["hr"], world["department"]
    matter = (await client.post("/api/v1/matters", json={"title": "Brand", "kind": "primary_negotiation", "department_id": org.department_id,
                                                          "union_ids": [org.union_id]}, headers=hr.headers)).json()
    event = (await client.post(f"/api/v1/matters/{matter['id']}/events", json={"type": "exception_recorded", "date": "2026-03-01",
                                                                               "note": "Akut"}, headers=hr.headers)).json()
    url = f"/api/v1/matters/{matter['id']}/events/{event['id']}"
    assert (await client.request("DELETE", url, json={"reason": "x"}, headers=department.headers)).status_code == 403
    assert (await client.patch(url, json={"reason": "x", "note": "Inte akut"}, headers=department.headers)).status_code == 403
    assert (await client.request("DELETE", url, json={"reason": "Fel"}, headers=hr.headers)).status_code == 204
