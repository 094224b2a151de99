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


async def test_papers_come_with_a_proposal_and_move_to_the_item_when_accepted(client, callers, org, make_caller):
    """A proposal's papers: checked as every paper; read by the proposing union and the employer,
    another union gets 404; accepted, they are the new item's; declined, they stay with the proposal."""
    from paper_files import PDF

    staff = await callers()
    hr, union = staff["hr"], staff["union"]
    kommunal = await make_caller("union", union_id=org.other_union_id)
    meeting = (await client.post("/api/v1/meetings", json={
        "kind": "samverkan", "title": "Samverkan mars", "department_id": org.department_id,
        "union_ids": [org.union_id, org.other_union_id],
        "starts_at": "2027-03-20T09:00:00+01:00", "ends_at": "2027-03-20T11:00:00+01:00"}, headers=hr.headers)).json()
    url = f"/api/v1/meetings/{meeting['id']}/proposals"
    kept = (await client.post(url, json={"title": "Arbetsmiljöenkäten"}, headers=union.headers)).json()
    dropped = (await client.post(url, json={"title": "Parkering"}, headers=union.headers)).json()

    def upload(pid, caller, name="Enkätsvar.pdf", data=PDF):
        return client.post(f"{url}/{pid}/papers", files={"file": (name, data)}, headers=caller.headers)

    r = await upload(kept["id"], union, "budget.pdf", b"MZ\x90\x00 not a pdf")
    assert r.status_code == 400 and "file" in r.text  # the same checks as every paper
    assert (await upload(kept["id"], union, "tom.pdf", b"")).status_code == 400
    assert (await upload(kept["id"], kommunal)).status_code == 404  # another union's proposal
    assert (await upload(kept["id"], hr)).status_code == 403
    paper = (await upload(kept["id"], union)).json()
    other = (await upload(dropped["id"], union, "Parkeringsplan.pdf")).json()
    assert paper["proposal_id"] == kept["id"] and paper["agenda_item_id"] is None

    for p in (paper, other):
        assert (await client.get(f"/api/v1/papers/{p['id']}", headers=union.headers)).content == PDF
        assert (await client.get(f"/api/v1/papers/{p['id']}", headers=hr.headers)).status_code == 200
        assert (await client.get(f"/api/v1/papers/{p['id']}", headers=kommunal.headers)).status_code == 404
    assert (await client.get(f"/api/v1/meetings/{meeting['id']}/papers", headers=hr.headers)).json() == []  # not yet the meeting's
    assert [p["id"] for p in (await client.get(url, headers=hr.headers)).json()[0]["papers"]] == [paper["id"]]
    assert (await client.get(url, headers=kommunal.headers)).json() == []

    accepted = (await client.post(f"{url}/{kept['id']}/accept", headers=hr.headers)).json()
    assert (await client.post(f"{url}/{dropped['id']}/decline", json={"reason": "Inte i samverkan"}, headers=hr.headers)).status_code == 200
    assert (await upload(dropped["id"], union)).status_code == 409
    on_meeting = (await client.get(f"/api/v1/meetings/{meeting['id']}/papers", headers=kommunal.headers)).json()
    assert [(p["id"], p["agenda_item_id"]) for p in on_meeting] == [(paper["id"], accepted["agenda_item_id"])]
    assert (await client.get(f"/api/v1/papers/{paper['id']}", headers=kommunal.headers)).status_code == 200
    # Declined: still the proposing union's and the employer's only.
    assert (await client.get(f"/api/v1/papers/{other['id']}", headers=union.headers)).status_code == 200
    assert (await client.get(f"/api/v1/papers/{other['id']}", headers=hr.headers)).status_code == 200
    assert (await client.get(f"/api/v1/papers/{other['id']}", headers=kommunal.headers)).status_code == 404


async def test_propose_with_papers_on_the_meeting_page(client, callers, org):
    from conftest import csrf, login
    from paper_files import PDF

    staff = await callers()
    hr, union = staff["hr"], staff["union"]
    meeting = (await client.post("/api/v1/meetings", json={
        "kind": "samverkan", "title": "Samverkan april", "department_id": org.department_id, "union_ids": [org.union_id],
        "starts_at": "2027-04-20T09:00:00+01:00", "ends_at": "2027-04-20T11:00:00+01:00"}, headers=hr.headers)).json()
    await login(client, union.email, union.password)
    assert 'type="file"' in (await client.get(f"/moten/{meeting['id']}")).text
    form = {"_csrf_token": csrf(client), "title": "Övertid"}
    r = await client.post(f"/moten/{meeting['id']}/forslag", data=form, files=[("file", ("budget.pdf", b"MZ not a pdf"))])
    assert r.status_code == 422 and "Filen är inte en PDF" in r.text
    assert (await client.get(f"/api/v1/meetings/{meeting['id']}/proposals", headers=hr.headers)).json() == []  # nothing half-stored
    r = await client.post(f"/moten/{meeting['id']}/forslag", data=form,
                          files=[("file", ("Övertid 2026.pdf", PDF)), ("file", ("Schema.pdf", PDF))])
    assert r.status_code in (302, 303), r.text
    r = await client.post(f"/moten/{meeting['id']}/forslag", data={**form, "title": "Utan underlag"}, files=[("file", ("", b""))])
    assert r.status_code in (302, 303), r.text
    page = (await client.get(f"/moten/{meeting['id']}")).text
    assert "Övertid 2026" in page and "Schema" in page
    listed = (await client.get(f"/api/v1/meetings/{meeting['id']}/proposals", headers=hr.headers)).json()
    assert [[p["filename"] for p in x["papers"]] for x in listed] == [["Övertid 2026.pdf", "Schema.pdf"], []]
    client.cookies.clear()
