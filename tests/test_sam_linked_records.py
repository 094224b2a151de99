"""The SAM forms and pages list and show only the meetings and matters the reader may see
(issue 13, fault 4): the follow-up form's meetings go through the meetings' scoping, a new form
starts in a department the reader may change, and a linked individärende or a meeting the
reader is not party to stays hidden on the record's page and in its Word file."""

from __future__ import annotations

import io

import docx
import pytest

from conftest import csrf, login
from sam_fixtures import assessment, follow_up, safety_rep

pytestmark = pytest.mark.usefixtures("frozen")  # assessments are dated from "today": the clock stands still


async def _held_meeting(client, hr, title: str, department_id: int | None, union_ids: list[int]) -> dict:
    created = await client.post("/api/v1/meetings", json={
        "kind": "samverkan", "title": title, "department_id": department_id, "union_ids": union_ids,
        "starts_at": "2026-02-10T09:00:00+01:00", "ends_at": "2026-02-10T10:00:00+01:00",
    }, headers=hr.headers)
    assert created.status_code == 201, created.text
    held = await client.patch(f"/api/v1/meetings/{created.json()['id']}", json={"status": "held"}, headers=hr.headers)
    assert held.status_code == 200, held.text
    return held.json()


async def test_the_follow_up_form_lists_only_meetings_the_reader_may_see(client, callers, org):
    people = await callers()
    hr, department = people["hr"], people["department"]
    await _held_meeting(client, hr, "FSG Vård februari", org.department_id, [org.union_id])
    await _held_meeting(client, hr, "FSG Kommunkontoret hemligt", org.other_department_id, [org.union_id])
    other_url = f"/sam/uppfoljningar/ny?forvaltning={org.other_department_id}"

    # HR may see both departments' meetings: the list is not simply empty.
    await login(client, hr.email, hr.password)
    assert "FSG Kommunkontoret hemligt" in (await client.get(other_url)).text

    client.cookies.clear()
    await login(client, department.email, department.password)
    # Over the API the other department's meeting is a 404 to this user ...
    other = await client.get("/api/v1/meetings", params={"department_id": org.other_department_id}, headers=department.headers)
    assert other.json()["total"] == 0
    # ... and the form, asked for the other department, starts in the user's own.
    form = await client.get(other_url)
    assert form.status_code == 200
    assert "FSG Kommunkontoret hemligt" not in form.text and "FSG Vård februari" in form.text

    # A post for the other department is refused, and the form drawn again lists nothing of it.
    data = {"department_id": str(org.other_department_id), "year": "2026", "date": "2026-03-02", "_csrf_token": csrf(client)}
    refused = await client.post("/sam/uppfoljningar/ny", data=data)
    assert refused.status_code == 422, refused.text
    assert "FSG Kommunkontoret hemligt" not in refused.text


async def test_the_risk_assessment_form_lists_only_matters_the_reader_may_see(client, callers, org):
    people = await callers()
    hr, department = people["hr"], people["department"]
    for title, department_id, personal in (("Omorganisation Kommunkontoret", org.other_department_id, False),
                                           ("Individärende Nilsson", org.department_id, True),
                                           ("Ny bemanning i hemvården", org.department_id, False)):
        r = await client.post("/api/v1/matters", json={"title": title, "kind": "primary_negotiation", "department_id": department_id,
                                                       "union_ids": [org.union_id], "personal_data": personal}, headers=hr.headers)
        assert r.status_code == 201, r.text
    await login(client, department.email, department.password)
    form = await client.get(f"/sam/riskbedomningar/ny?forvaltning={org.other_department_id}")
    assert form.status_code == 200
    assert "Ny bemanning i hemvården" in form.text
    assert "Omorganisation Kommunkontoret" not in form.text and "Individärende Nilsson" not in form.text


async def test_linked_records_stay_hidden_on_pages_and_in_word(client, callers, make_caller, org):
    people = await callers()
    hr, department = people["hr"], people["department"]
    individual = await client.post("/api/v1/matters", json={
        "title": "Individärende Nilsson", "kind": "primary_negotiation", "department_id": org.department_id,
        "union_ids": [org.other_union_id], "personal_data": True}, headers=hr.headers)
    assert individual.status_code == 201, individual.text
    made = await client.post("/api/v1/sam/risk-assessments", json=assessment(org.department_id, matter_id=individual.json()["id"]),
                             headers=hr.headers)
    assert made.status_code == 201, made.text
    # A central meeting (no department) with the other union only: the skyddsombud's union is no party.
    meeting = await _held_meeting(client, hr, "Centrala samverkansgruppen mars", None, [org.other_union_id])
    followed = await client.post("/api/v1/sam/annual-follow-ups", json=follow_up(org.department_id, 2026, meeting_id=meeting["id"]),
                                 headers=hr.headers)
    assert followed.status_code == 201, followed.text
    rep = await safety_rep(make_caller, org.department_id, org.union_id)
    assessment_url = f"/sam/riskbedomningar/{made.json()['id']}"
    follow_up_url = f"/sam/uppfoljningar/{followed.json()['id']}"

    await login(client, hr.email, hr.password)
    assert "Individärende Nilsson" in (await client.get(assessment_url)).text
    assert "Centrala samverkansgruppen mars" in (await client.get(follow_up_url)).text

    for reader, secret, url in ((department, "Individärende Nilsson", assessment_url),
                                (rep, "Individärende Nilsson", assessment_url),
                                (rep, "Centrala samverkansgruppen mars", follow_up_url)):
        client.cookies.clear()
        await login(client, reader.email, reader.password)
        page = await client.get(url)
        assert page.status_code == 200 and secret not in page.text, (reader.role, url)
        word = await client.get(f"{url}/dokument")
        assert word.status_code == 200
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
        text += "\n".join(c.text for t in docx.Document(io.BytesIO(word.content)).tables for r in t.rows for c in r.cells)
        assert secret not in text, (reader.role, url)
