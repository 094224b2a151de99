"""Union agenda proposals: a party proposes until the kallelse is sent, HR accepts it onto the
agenda or declines with a reason, both sides are told; a union that is not a party cannot."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("frozen")


async def _notes(user_id: int) -> list[str]:
    from samverkan.reminders.tables import OutboxMessage

    return [r["subject"] for r in await OutboxMessage.select(OutboxMessage.subject).where(
        OutboxMessage.user == user_id, OutboxMessage.kind == "agenda_proposal")]


async def test_propose_accept_decline_and_both_sides_told(client, callers, org, make_caller):
    staff = await callers()
    hr, union = staff["hr"], staff["union"]
    meeting = (await client.post("/api/v1/meetings", json={
        "kind": "samverkan", "title": "Samverkan januari", "department_id": org.department_id, "union_ids": [org.union_id],
        "starts_at": "2027-01-20T09:00:00+01:00", "ends_at": "2027-01-20T11:00:00+01:00"}, headers=hr.headers)).json()
    url = f"/api/v1/meetings/{meeting['id']}/proposals"
    assert (await client.post(url, json={"title": "Hej"}, headers=hr.headers)).status_code == 403
    kommunal = await make_caller("union", union_id=org.other_union_id)
    assert (await client.post(url, json={"title": "Hej"}, headers=kommunal.headers)).status_code == 404
    assert (await client.post(url, json={"title": " "}, headers=union.headers)).status_code == 400

    first = await client.post(url, json={"title": "Schemaläggning i hemtjänsten", "text": "Vi vill ta upp helgerna."}, headers=union.headers)
    assert first.status_code == 201, first.text
    second = (await client.post(url, json={"title": "Friskvård"}, headers=union.headers)).json()
    assert await _notes(hr.user_id) == ["Förslag till dagordningen: Schemaläggning i hemtjänsten", "Förslag till dagordningen: Friskvård"]
    assert len(await _notes(staff["department"].user_id)) == 2

    accepted = await client.post(f"{url}/{first.json()['id']}/accept", headers=hr.headers)
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    agenda = (await client.get(f"/api/v1/meetings/{meeting['id']}/agenda", headers=hr.headers)).json()
    assert [(i["id"], i["title"], i["text"]) for i in agenda][-1] == (accepted.json()["agenda_item_id"], "Schemaläggning i hemtjänsten",
                                                                       "Vi vill ta upp helgerna.")
    assert (await client.post(f"{url}/{first.json()['id']}/accept", headers=hr.headers)).status_code == 409
    assert (await client.post(f"{url}/{second['id']}/decline", json={}, headers=hr.headers)).status_code == 400
    declined = await client.post(f"{url}/{second['id']}/decline", json={"reason": "Tas upp i APT"}, headers=hr.headers)
    assert declined.status_code == 200 and declined.json()["reason"] == "Tas upp i APT"
    assert (await client.post(f"{url}/{second['id']}/accept", headers=hr.headers)).status_code == 409
    assert await _notes(union.user_id) == ["Förslaget tas upp på dagordningen: Schemaläggning i hemtjänsten",
                                           "Förslaget till dagordningen avböjs: Friskvård"]
    assert [p["state"] for p in (await client.get(url, headers=union.headers)).json()] == ["accepted", "declined"]

    # Once the kallelse is sent, the agenda is closed to proposals.
    await client.post("/api/v1/people", json={"name": "Per Ek", "side": "employer", "department_id": org.department_id,
                                              "email": "per@lund.example"}, headers=hr.headers)
    await client.patch(f"/api/v1/unions/{org.union_id}", json={"email": "vision@lund.example"}, headers=staff["admin"].headers)
    r = await client.post(f"/api/v1/meetings/{meeting['id']}/notice", json={"confirm_late": True}, headers=hr.headers)
    assert r.status_code == 200, r.text
    r = await client.post(url, json={"title": "För sent"}, headers=union.headers)
    assert r.status_code == 409 and "Dagordningen är skickad" in r.text


async def test_propose_and_decide_on_the_meeting_page(client, callers, org):
    from conftest import csrf, login

    staff = await callers()
    hr, union = staff["hr"], staff["union"]
    meeting = (await client.post("/api/v1/meetings", json={
        "kind": "samverkan", "title": "Samverkan februari", "department_id": org.department_id, "union_ids": [org.union_id],
        "starts_at": "2027-02-20T09:00:00+01:00", "ends_at": "2027-02-20T11:00:00+01:00"}, headers=hr.headers)).json()
    await login(client, union.email, union.password)
    page = (await client.get(f"/moten/{meeting['id']}")).text
    assert "Föreslå punkten" in page
    r = await client.post(f"/moten/{meeting['id']}/forslag", data={"_csrf_token": csrf(client), "title": ""})
    assert r.status_code == 422 and "Skriv en rubrik" in r.text
    r = await client.post(f"/moten/{meeting['id']}/forslag", data={"_csrf_token": csrf(client), "title": "Lönekartläggning"})
    assert r.status_code in (302, 303)
    client.cookies.clear()
    await login(client, hr.email, hr.password)
    page = (await client.get(f"/moten/{meeting['id']}")).text
    assert "Lönekartläggning" in page and "Ta upp på dagordningen" in page
    proposal = (await client.get(f"/api/v1/meetings/{meeting['id']}/proposals", headers=hr.headers)).json()[0]
    r = await client.post(f"/moten/{meeting['id']}/forslag/{proposal['id']}", data={"_csrf_token": csrf(client), "decision": "decline"})
    assert r.status_code == 422 and "Skriv varför" in r.text
    r = await client.post(f"/moten/{meeting['id']}/forslag/{proposal['id']}", data={"_csrf_token": csrf(client), "decision": "accept"})
    assert r.status_code in (302, 303)
    assert "Tas upp på dagordningen" in (await client.get(f"/moten/{meeting['id']}")).text
