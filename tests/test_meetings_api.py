"""Meetings over the API: standard agendas, positions per union, closing items into matter
events, the status machine, version conflicts and bad input."""

from __future__ import annotations

import pytest


@pytest.fixture
async def hr(callers):
    return (await callers())["hr"]


@pytest.fixture
async def fsg(client, hr, org):
    """The department's samverkansgrupp, also the skyddskommitté, with both unions."""
    r = await client.post("/api/v1/groups", json={"name": "FSG VOF", "level": "department", "department_id": org.department_id,
                                                   "union_ids": [org.union_id, org.other_union_id], "safety_committee": True,
                                                   "cadence_months": 3}, headers=hr.headers)
    return r.json()


async def _meeting(client, caller, group, **fields):
    body = {"kind": "samverkan", "title": "FSG mars", "group_id": group["id"], "starts_at": "2026-03-02T09:00:00+01:00",
            "ends_at": "2026-03-02T11:00:00+01:00", "place": "Stadshuset, rum 3", **fields}
    r = await client.post("/api/v1/meetings", json=body, headers=caller.headers)
    assert r.status_code == 201, r.text
    return r.json()


async def test_a_committee_meeting_gets_the_standard_agenda(client, hr, fsg, org):
    meeting = await _meeting(client, hr, fsg)
    assert meeting["union_ids"] == sorted([org.union_id, org.other_union_id])  # from the group
    assert meeting["department_id"] == org.department_id
    titles = [i["title"] for i in meeting["agenda"]]
    assert titles[:3] == ["Mötets öppnande", "Val av justerare", "Fastställande av dagordning"]
    assert "Arbetsmiljö: tillbud och arbetsskador" in titles and titles[-1] == "Mötets avslutande"
    assert [i["number"] for i in meeting["agenda"]] == list(range(1, len(titles) + 1))
    assert meeting["status"] == "planned" and meeting["version"] == 1
    # A group's own list replaces the default.
    r = await client.put(f"/api/v1/groups/{fsg['id']}/standard-agenda",
                         json={"items": [{"title": "Öppnande", "kind": "formalities"}, {"title": "Arbetsmiljö", "kind": "work_environment"}]},
                         headers=hr.headers)
    assert r.status_code == 200
    second = await _meeting(client, hr, fsg, title="FSG april")
    assert [i["title"] for i in second["agenda"]] == ["Öppnande", "Arbetsmiljö"]
    plain = await _meeting(client, hr, fsg, title="Utan", standard_agenda=False)
    assert plain["agenda"] == []


async def test_journey_2_through_a_samverkan_meeting(client, hr, fsg, org):
    matter = (await client.post("/api/v1/matters", json={"title": "Sammanslagning av två enheter", "kind": "samverkan",
                                                          "department_id": org.department_id, "union_ids": [org.union_id, org.other_union_id]},
                                headers=hr.headers)).json()
    meeting = await _meeting(client, hr, fsg, standard_agenda=False)
    url = f"/api/v1/meetings/{meeting['id']}/agenda"
    item = (await client.post(url, json={"title": "Sammanslagning", "kind": "samverkan", "matter_id": matter["id"],
                                         "employer_position": "Enheterna slås ihop 1 maj."}, headers=hr.headers)).json()
    early = await client.post(f"{url}/{item['id']}/close", json={}, headers=hr.headers)
    assert early.status_code == 400 and early.json()["field"] == "positions"

    positions = [
        {"union_id": org.union_id, "outcome": "agreement"},
        {"union_id": org.other_union_id, "outcome": "disagreement", "note": "Kommunal anser att bemanningen blir för låg.",
         "reservation": "Kommunal reserverar sig mot beslutet.", "central_requested": True},
    ]
    patched = await client.patch(f"{url}/{item['id']}", json={"positions": positions, "version": item["version"]}, headers=hr.headers)
    assert patched.status_code == 200, patched.text
    assert patched.json()["positions"][1]["central_requested"] is True
    closed = await client.post(f"{url}/{item['id']}/close", json={}, headers=hr.headers)
    assert closed.status_code == 200 and closed.json()["closed_on"] == "2026-03-02"

    after = (await client.get(f"/api/v1/matters/{matter['id']}", headers=hr.headers)).json()
    kinds = sorted((e["type"], e["union_id"], e["outcome"]) for e in after["events"])
    assert kinds == sorted([
        ("negotiation_closed", org.union_id, "agreement"), ("negotiation_closed", org.other_union_id, "disagreement"),
        ("central_requested", org.other_union_id, None)])
    assert all(e["agenda_item_id"] == item["id"] for e in after["events"])
    assert after["decision_allowed"] is False and "Kommunal har begärt central förhandling" in after["hold_reason"]

    # Closing again (say, after a correction) rewrites the events instead of doubling them.
    await client.post(f"{url}/{item['id']}/close", json={"date": "2026-03-03"}, headers=hr.headers)
    again = (await client.get(f"/api/v1/matters/{matter['id']}", headers=hr.headers)).json()
    assert len(again["events"]) == 3 and {e["date"] for e in again["events"]} == {"2026-03-03"}

    held = await client.patch(f"/api/v1/meetings/{meeting['id']}", json={"status": "held"}, headers=hr.headers)
    assert held.status_code == 200 and held.json()["status"] == "held"
    events = (await client.get(f"/api/v1/matters/{matter['id']}/events", headers=hr.headers)).json()
    assert [e for e in events if e["type"] == "meeting_held"][0]["date"] == "2026-03-02"


async def test_conflicting_edits_are_409_with_what_changed(client, hr, fsg):
    meeting = await _meeting(client, hr, fsg)
    item = meeting["agenda"][0]
    url = f"/api/v1/meetings/{meeting['id']}/agenda/{item['id']}"
    first = await client.patch(url, json={"text": "Ordföranden öppnade mötet.", "version": item["version"]}, headers=hr.headers)
    assert first.status_code == 200
    second = await client.patch(url, json={"text": "Mötet öppnades kl. 9.", "version": item["version"]}, headers=hr.headers)
    assert second.status_code == 409 and second.json()["field"] == "version"
    assert "Ordföranden öppnade mötet." in second.json()["detail"]
    assert (await client.get(url, headers=hr.headers)).json()["text"] == "Ordföranden öppnade mötet."
    stale_meeting = await client.patch(f"/api/v1/meetings/{meeting['id']}", json={"place": "Annat rum", "version": 1}, headers=hr.headers)
    assert stale_meeting.status_code == 409  # the item edit moved the meeting's version on


async def test_reorder_and_delete_items(client, hr, fsg):
    meeting = await _meeting(client, hr, fsg, standard_agenda=False)
    url = f"/api/v1/meetings/{meeting['id']}/agenda"
    ids = [(await client.post(url, json={"title": t}, headers=hr.headers)).json()["id"] for t in ("A", "B", "C")]
    moved = await client.patch(f"{url}/{ids[2]}", json={"number": 1}, headers=hr.headers)
    assert moved.json()["number"] == 1
    agenda = (await client.get(url, headers=hr.headers)).json()
    assert [(i["title"], i["number"]) for i in agenda] == [("C", 1), ("A", 2), ("B", 3)]
    assert (await client.request("DELETE", f"{url}/{ids[0]}", headers=hr.headers)).status_code == 204
    assert [(i["title"], i["number"]) for i in (await client.get(url, headers=hr.headers)).json()] == [("C", 1), ("B", 2)]


async def test_participants(client, hr, fsg, org):
    person = (await client.post("/api/v1/people", json={"name": "Åsa Holm", "side": "union", "union_id": org.union_id, "roles": ["safety_rep"]}, headers=hr.headers)).json()
    meeting = await _meeting(client, hr, fsg)
    url = f"/api/v1/meetings/{meeting['id']}/participants"
    added = await client.post(url, json={"person_id": person["id"], "role": "safety_rep"}, headers=hr.headers)
    assert added.status_code == 201
    assert added.json() | {"id": 0} == {"id": 0, "person_id": person["id"], "side": "union", "union_id": org.union_id, "role": "safety_rep", "present": None}
    assert (await client.post(url, json={"person_id": person["id"]}, headers=hr.headers)).status_code == 409
    present = await client.patch(f"{url}/{added.json()['id']}", json={"present": True}, headers=hr.headers)
    assert present.json()["present"] is True
    assert (await client.post(url, json={"person_id": 99999}, headers=hr.headers)).json()["field"] == "person_id"
    assert (await client.request("DELETE", f"{url}/{added.json()['id']}", headers=hr.headers)).status_code == 204
    assert (await client.get(url, headers=hr.headers)).json() == []


async def test_status_machine(client, hr, fsg):
    meeting = await _meeting(client, hr, fsg)
    url = f"/api/v1/meetings/{meeting['id']}"
    assert (await client.patch(url, json={"status": "called"}, headers=hr.headers)).json()["status"] == "called"
    assert (await client.patch(url, json={"status": "cancelled"}, headers=hr.headers)).json()["status"] == "cancelled"
    item_on_cancelled = await client.post(f"{url}/agenda", json={"title": "X"}, headers=hr.headers)
    assert item_on_cancelled.status_code == 409
    bad = await client.patch(url, json={"status": "held"}, headers=hr.headers)
    assert bad.status_code == 400 and bad.json()["field"] == "status" and "inställt" in bad.json()["detail"]


async def test_bad_meeting_input(client, hr, fsg, org):
    before = await _count()
    cases = [
        ({"ends_at": "2026-03-02T08:00:00+01:00"}, "ends_at"),
        ({"starts_at": "2026-02-30T09:00:00"}, "starts_at"),
        ({"group_id": 99999}, "group_id"),
        ({"union_ids": [99999]}, "union_ids"),
        ({"kind": "party"}, "kind"),
        ({"approvers": [{"union_id": 99999, "person_id": 1}]}, "approvers[0].union_id"),
        ({"title": ""}, "title"),
    ]
    for fields, field in cases:
        body = {"kind": "samverkan", "title": "X", "group_id": fsg["id"], "starts_at": "2026-03-02T09:00:00+01:00",
                "ends_at": "2026-03-02T10:00:00+01:00", **fields}
        r = await client.post("/api/v1/meetings", json=body, headers=hr.headers)
        assert r.status_code == 400, (fields, r.text)
        assert r.json()["field"] == field, (fields, r.json())
    assert await _count() == before
    meeting = await _meeting(client, hr, fsg, union_ids=[org.union_id])
    outsider = await client.post(f"/api/v1/meetings/{meeting['id']}/agenda",
                                 json={"title": "X", "positions": [{"union_id": org.other_union_id, "outcome": "agreement"}]}, headers=hr.headers)
    assert outsider.status_code == 400 and outsider.json()["field"] == "positions[0].union_id"
    assert len((await client.get(f"/api/v1/meetings/{meeting['id']}/agenda", headers=hr.headers)).json()) == len(meeting["agenda"])


async def _count():
    from samverkan.meetings.tables import AgendaItem, Meeting

    return (await Meeting.count(), await AgendaItem.count())


async def test_local_times_without_a_zone_are_swedish(client, hr, fsg):
    meeting = await _meeting(client, hr, fsg, starts_at="2026-07-01T09:00:00", ends_at="2026-07-01T10:00:00")
    assert meeting["starts_at"] in ("2026-07-01T07:00:00Z", "2026-07-01T07:00:00+00:00")  # CEST is UTC+2


async def test_list_filters(client, hr, fsg, org):
    await _meeting(client, hr, fsg, title="Mars")
    await _meeting(client, hr, fsg, title="April", starts_at="2026-04-06T09:00:00+02:00", ends_at="2026-04-06T10:00:00+02:00")
    await _meeting(client, hr, fsg, title="Bara Vision", union_ids=[org.union_id],
                   starts_at="2026-05-04T09:00:00+02:00", ends_at="2026-05-04T10:00:00+02:00")
    async def titles(query):
        r = await client.get(f"/api/v1/meetings?{query}", headers=hr.headers)
        assert r.status_code == 200, r.text
        return [m["title"] for m in r.json()["items"]]
    assert await titles("") == ["Mars", "April", "Bara Vision"]
    assert await titles("from=2026-04-01&to=2026-04-30") == ["April"]
    assert await titles("to=2026-03-02") == ["Mars"]
    assert await titles(f"union_id={org.other_union_id}") == ["Mars", "April"]
    assert await titles(f"group_id={fsg['id']}&q=vision") == ["Bara Vision"]
    assert (await client.get("/api/v1/meetings?from=2026-13-01", headers=hr.headers)).json()["field"] == "from"


async def test_a_continued_negotiation_closes_the_remaining_parties(client, hr, fsg, org):
    matter = (await client.post("/api/v1/matters", json={"title": "Elevhälsan", "kind": "primary_negotiation", "department_id": org.department_id,
                                                          "union_ids": [org.union_id, org.other_union_id]}, headers=hr.headers)).json()
    await client.post(f"/api/v1/matters/{matter['id']}/events", json={"type": "negotiation_closed", "date": "2026-03-02",
                                                                      "union_id": org.union_id, "outcome": "agreement"}, headers=hr.headers)
    # The follow-up meeting is with Kommunal only.
    meeting = await _meeting(client, hr, fsg, kind="negotiation", union_ids=[org.other_union_id], standard_agenda=False)
    url = f"/api/v1/meetings/{meeting['id']}/agenda"
    item = (await client.post(url, json={"title": "Elevhälsan", "kind": "negotiation", "matter_id": matter["id"],
                                         "positions": [{"union_id": org.other_union_id, "outcome": "agreement"}]}, headers=hr.headers)).json()
    closed = await client.post(f"{url}/{item['id']}/close", json={}, headers=hr.headers)
    assert closed.status_code == 200, closed.text
    after = (await client.get(f"/api/v1/matters/{matter['id']}", headers=hr.headers)).json()
    assert after["decision_allowed"] is True


async def test_changing_the_parties_drops_their_justerare(client, hr, fsg, org):
    rep = (await client.post("/api/v1/people", json={"name": "K", "side": "union", "union_id": org.other_union_id}, headers=hr.headers)).json()
    meeting = await _meeting(client, hr, fsg, approvers=[{"union_id": org.other_union_id, "person_id": rep["id"]}])
    assert meeting["approvers"] == [{"union_id": org.other_union_id, "person_id": rep["id"]}]
    after = (await client.patch(f"/api/v1/meetings/{meeting['id']}", json={"union_ids": [org.union_id]}, headers=hr.headers)).json()
    assert after["approvers"] == []


async def test_an_information_matter_is_not_closed_as_a_negotiation(client, hr, fsg, org):
    matter = (await client.post("/api/v1/matters", json={"title": "Budget", "kind": "information", "department_id": org.department_id,
                                                          "union_ids": [org.union_id]}, headers=hr.headers)).json()
    meeting = await _meeting(client, hr, fsg, standard_agenda=False)
    item = (await client.post(f"/api/v1/meetings/{meeting['id']}/agenda", json={"title": "Budget", "kind": "samverkan", "matter_id": matter["id"],
            "positions": [{"union_id": org.union_id, "outcome": "agreement"}]}, headers=hr.headers)).json()
    r = await client.post(f"/api/v1/meetings/{meeting['id']}/agenda/{item['id']}/close", json={}, headers=hr.headers)
    assert r.status_code == 400 and r.json()["field"] == "matter_id"
