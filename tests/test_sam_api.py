"""SAM through the API: risk assessments with their levels, the action plan and its deadlines,
the annual follow-up, and bad input answered with the field it concerns."""

from __future__ import annotations

import datetime as dt

import pytest

from samverkan import clock
from sam_fixtures import assessment, follow_up

pytestmark = pytest.mark.usefixtures("frozen")  # "today" matters here: the clock stands still (conftest)


async def _assessment(client, caller, department_id, **extra) -> dict:
    r = await client.post("/api/v1/sam/risk-assessments", json=assessment(department_id, **extra), headers=caller.headers)
    assert r.status_code == 201, r.text
    return r.json()


async def _sam_deadlines(client, caller, subject: str) -> list[dict]:
    r = await client.get("/api/v1/deadlines", params={"limit": 500}, headers=caller.headers)
    return [d for d in r.json()["items"] if d["subject"] == subject]


async def test_a_risk_assessment_is_created_with_its_risks_and_levels_from_the_matrix(client, callers, org):
    people = await callers()
    matter = (await client.post("/api/v1/matters", json={
        "title": "Sammanslagning av två enheter", "kind": "primary_negotiation", "department_id": org.department_id,
        "union_ids": [org.union_id]}, headers=people["hr"].headers)).json()
    created = await _assessment(client, people["department"], org.department_id, matter_id=matter["id"])
    assert [(r["number"], r["likelihood"], r["consequence"], r["level"]) for r in created["risks"]] == [
        (1, 3, 4, "very_high"), (2, 2, 2, "medium")]
    assert created["matter_id"] == matter["id"] and created["participants"][1]["role"] == "safety_rep"
    fetched = (await client.get(f"/api/v1/sam/risk-assessments/{created['id']}", headers=people["hr"].headers)).json()
    assert fetched == created
    linked = (await client.get("/api/v1/sam/risk-assessments", params={"matter_id": matter["id"]}, headers=people["hr"].headers)).json()
    assert [a["id"] for a in linked["items"]] == [created["id"]]


async def test_an_actions_by_when_is_a_deadline_met_when_done_and_superseded_when_struck(client, callers, org):
    people = await callers()
    ra = await _assessment(client, people["department"], org.department_id)
    due = clock.today() + dt.timedelta(days=20)
    r = await client.post("/api/v1/sam/actions", json={
        "risk_assessment_id": ra["id"], "risk_id": ra["risks"][0]["id"], "what": "Inför trygghetslarm", "responsible": "Anna Chef",
        "due": due.isoformat()}, headers=people["department"].headers)
    assert r.status_code == 201, r.text
    action = r.json()
    assert action["status"] == "planned" and not action["overdue"] and action["department_id"] == org.department_id
    [deadline] = await _sam_deadlines(client, people["department"], "sam_action")
    assert (deadline["rule"], deadline["due"], deadline["state"], deadline["subject_id"]) == ("SAM-ACTION", due.isoformat(), "open", action["id"])
    assert deadline["link"] == f"/sam/atgarder/{action['id']}" and "Inför trygghetslarm" in deadline["label"]

    done = await client.patch(f"/api/v1/sam/actions/{action['id']}", json={
        "status": "done", "done_on": clock.today().isoformat(), "follow_up": "Larmen används", "version": action["version"]},
        headers=people["department"].headers)
    assert done.status_code == 200, done.text
    [deadline] = await _sam_deadlines(client, people["department"], "sam_action")
    assert deadline["state"] == "met" and deadline["met_on"] == clock.today().isoformat()

    stale = await client.patch(f"/api/v1/sam/actions/{action['id']}", json={"status": "cancelled", "version": action["version"]},
                               headers=people["department"].headers)
    assert stale.status_code == 409 and stale.json()["field"] == "version"
    struck = await client.patch(f"/api/v1/sam/actions/{action['id']}", json={"status": "cancelled"}, headers=people["hr"].headers)
    assert struck.status_code == 200 and struck.json()["done_on"] is None
    [deadline] = await _sam_deadlines(client, people["hr"], "sam_action")
    assert deadline["state"] == "superseded"


async def test_an_open_action_past_its_day_is_overdue_and_listed_so(client, callers, org):
    people = await callers()
    ra = await _assessment(client, people["hr"], org.department_id)
    r = await client.post("/api/v1/sam/actions", json={
        "risk_assessment_id": ra["id"], "what": "Se över körscheman", "responsible": "Bo Planerare",
        "due": (clock.today() - dt.timedelta(days=2)).isoformat()}, headers=people["hr"].headers)
    assert r.status_code == 201 and r.json()["overdue"] is True
    overdue = (await client.get("/api/v1/sam/actions", params={"state": "overdue"}, headers=people["department"].headers)).json()
    assert [a["id"] for a in overdue["items"]] == [r.json()["id"]]
    [deadline] = await _sam_deadlines(client, people["hr"], "sam_action")
    assert deadline["state"] == "missed"


async def test_the_annual_follow_up_starts_next_years_deadline_and_its_improvements_become_actions(client, callers, org):
    people = await callers()
    r = await client.post("/api/v1/sam/annual-follow-ups", json=follow_up(org.department_id, 2025, improvements=[
        {"what": "Uppdatera rutinen för tillbud", "responsible": "Anna Chef", "due": "2025-06-30"}]),
        headers=people["department"].headers)
    assert r.status_code == 201, r.text
    first = r.json()
    assert len(first["action_ids"]) == 1 and len(first["checklist"]) == 8
    action = (await client.get(f"/api/v1/sam/actions/{first['action_ids'][0]}", headers=people["hr"].headers)).json()
    assert action["annual_follow_up_id"] == first["id"] and action["responsible"] == "Anna Chef"
    [annual] = await _sam_deadlines(client, people["hr"], "annual_follow_up")
    assert (annual["rule"], annual["due"], annual["state"]) == ("AFS-SAM-ANNUAL", "2026-03-02", "missed")

    second = await client.post("/api/v1/sam/annual-follow-ups", json=follow_up(org.department_id, 2026), headers=people["hr"].headers)
    assert second.status_code == 201
    deadlines = sorted(await _sam_deadlines(client, people["hr"], "annual_follow_up"), key=lambda d: d["due"])
    assert [(d["due"], d["state"], d["met_on"]) for d in deadlines] == [
        ("2026-03-02", "met", "2026-03-02"), ("2027-03-02", "open", None)]


@pytest.mark.parametrize("change, field", [
    (lambda b: b["risks"][0].update(likelihood=5), "risks[0].likelihood"),
    (lambda b: b["risks"][1].update(consequence=0), "risks[1].consequence"),
    (lambda b: b.update(participants=[]), "participants"),
    (lambda b: b["participants"][0].update(role="boss"), "participants[0].role"),
    (lambda b: b.update(department_id=99_999), "department_id"),
    (lambda b: b.update(matter_id=99_999), "matter_id"),
])
async def test_a_bad_risk_assessment_is_refused_with_its_field_and_nothing_is_written(client, callers, org, change, field):
    from samverkan.sam.tables import RiskAssessment

    people = await callers()
    body = assessment(org.department_id)
    change(body)
    r = await client.post("/api/v1/sam/risk-assessments", json=body, headers=people["hr"].headers)
    assert r.status_code == 400, r.text
    assert r.json()["field"] == field
    assert await RiskAssessment.count() == 0


async def test_a_bad_action_is_refused_with_its_field(client, callers, org):
    people = await callers()
    ra = await _assessment(client, people["hr"], org.department_id)
    good = {"risk_assessment_id": ra["id"], "what": "Inför trygghetslarm", "responsible": "Anna Chef",
            "due": (clock.today() + dt.timedelta(days=5)).isoformat()}
    cases = [
        ({**good, "due": (dt.date.fromisoformat(ra["date"]) - dt.timedelta(days=1)).isoformat()}, "due"),
        ({k: v for k, v in good.items() if k != "responsible"}, "responsible"),
        ({**good, "responsible": "  "}, "responsible"),
        ({**good, "risk_assessment_id": None}, "risk_assessment_id"),
        ({**good, "risk_id": 99_999}, "risk_id"),
    ]
    for body, field in cases:
        r = await client.post("/api/v1/sam/actions", json=body, headers=people["hr"].headers)
        assert r.status_code == 400 and r.json()["field"] == field, (field, r.text)
    action = (await client.post("/api/v1/sam/actions", json=good, headers=people["hr"].headers)).json()
    for patch, field in [({"status": "done"}, "done_on"), ({"done_on": clock.today().isoformat()}, "done_on"),
                         ({"status": "finished"}, "status")]:
        r = await client.patch(f"/api/v1/sam/actions/{action['id']}", json=patch, headers=people["hr"].headers)
        assert r.status_code == 400 and r.json()["field"] == field, (patch, r.text)


async def test_a_second_follow_up_for_the_same_year_and_a_bad_checklist_are_refused(client, callers, org):
    people = await callers()
    assert (await client.post("/api/v1/sam/annual-follow-ups", json=follow_up(org.department_id, 2026),
                              headers=people["hr"].headers)).status_code == 201
    again = await client.post("/api/v1/sam/annual-follow-ups", json=follow_up(org.department_id, 2026), headers=people["hr"].headers)
    assert again.status_code == 409 and again.json()["field"] == "year"
    other = await client.post("/api/v1/sam/annual-follow-ups", json=follow_up(org.other_department_id, 2026), headers=people["hr"].headers)
    assert other.status_code == 201  # the year is per department
    short = follow_up(org.department_id, 2027)
    short["checklist"] = short["checklist"][:-1]
    r = await client.post("/api/v1/sam/annual-follow-ups", json=short, headers=people["hr"].headers)
    assert r.status_code == 400 and r.json()["field"] == "checklist" and "Åtgärder" in r.json()["detail"]
    twice = follow_up(org.department_id, 2027)
    twice["checklist"][1]["element"] = "participation"
    r = await client.post("/api/v1/sam/annual-follow-ups", json=twice, headers=people["hr"].headers)
    assert r.status_code == 400 and r.json()["field"] == "checklist[1].element"
    early = follow_up(org.department_id, 2027, improvements=[{"what": "x", "responsible": "y", "due": "2027-01-01"}])
    r = await client.post("/api/v1/sam/annual-follow-ups", json=early, headers=people["hr"].headers)
    assert r.status_code == 400 and r.json()["field"] == "improvements[0].due"
