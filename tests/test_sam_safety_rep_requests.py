"""A skyddsombud's request under 6 kap. 6 a § AML: its answer deadline (AML6-6a-ANSWER, fourteen
days or the skyddsombud's own date), acknowledging and answering it, the dates refused with their
field, and what the sweep sends: the escalation of an unanswered request that passed its day, and
the reminder of an action of the plan that is due soon."""

from __future__ import annotations

import datetime as dt

import pytest

from samverkan import clock
from conftest import settings_with
from sam_fixtures import assessment

pytestmark = pytest.mark.usefixtures("frozen")  # "today" matters here: the clock stands still (conftest)


def _days_ago(n: int) -> str:
    return (clock.today() - dt.timedelta(days=n)).isoformat()


async def _request(client, caller, department_id: int, received_days_ago: int, **extra) -> dict:
    r = await client.post("/api/v1/sam/safety-rep-requests", json={
        "department_id": department_id, "title": "Bristande ventilation i personalrummet", "safety_rep_name": "Sara Skyddsombud",
        "received_on": _days_ago(received_days_ago), "description": "Koldioxidhalten är för hög på eftermiddagarna.", **extra,
    }, headers=caller.headers)
    assert r.status_code == 201, r.text
    return r.json()


async def _answer_deadlines(client, caller) -> list[dict]:
    r = await client.get("/api/v1/deadlines", params={"limit": 500}, headers=caller.headers)
    return [d for d in r.json()["items"] if d["rule"] == "AML6-6a-ANSWER"]


# --- the answer deadline -----------------------------------------------------------------------


async def test_the_answer_is_due_fourteen_days_after_the_request_came_in(client, callers, org):
    people = await callers()
    request = await _request(client, people["department"], org.department_id, received_days_ago=3)
    received = clock.today() - dt.timedelta(days=3)
    due = received + dt.timedelta(days=14)
    assert (request["received_on"], request["answer_by"], request["answer_due"]) == (received.isoformat(), None, due.isoformat())
    assert request["state"] == "received" and request["overdue"] is False
    [deadline] = await _answer_deadlines(client, people["hr"])
    assert (deadline["subject"], deadline["subject_id"], deadline["department_id"]) == ("safety_rep_request", request["id"],
                                                                                       org.department_id)
    assert (deadline["start"], deadline["due"], deadline["state"], deadline["responsible"]) == (
        received.isoformat(), due.isoformat(), "open", "employer")
    assert deadline["link"] == f"/sam/begaran/{request['id']}"
    assert "Bristande ventilation i personalrummet" in deadline["label"]


async def test_the_skyddsombuds_own_date_is_the_answer_deadline(client, callers, org):
    people = await callers()
    answer_by = clock.today() + dt.timedelta(days=30)
    request = await _request(client, people["hr"], org.department_id, received_days_ago=1, answer_by=answer_by.isoformat())
    assert request["answer_by"] == request["answer_due"] == answer_by.isoformat()
    [deadline] = await _answer_deadlines(client, people["hr"])
    assert deadline["due"] == answer_by.isoformat() and deadline["state"] == "open"
    # A date sooner than fourteen days is the skyddsombud's to set too.
    soon = clock.today() + dt.timedelta(days=2)
    other = await _request(client, people["hr"], org.department_id, received_days_ago=0, answer_by=soon.isoformat())
    assert other["answer_due"] == soon.isoformat()
    assert {d["subject_id"]: d["due"] for d in await _answer_deadlines(client, people["hr"])}[other["id"]] == soon.isoformat()


# --- acknowledging and answering -------------------------------------------------------------


async def test_acknowledging_then_answering_meets_the_deadline(client, callers, org):
    people = await callers()
    department = people["department"]
    request = await _request(client, department, org.department_id, received_days_ago=5)
    r = await client.post(f"/api/v1/sam/safety-rep-requests/{request['id']}/acknowledge", json={"acknowledged_on": _days_ago(4)},
                          headers=department.headers)
    assert r.status_code == 200, r.text
    assert (r.json()["state"], r.json()["acknowledged_on"], r.json()["answered_on"]) == ("acknowledged", _days_ago(4), None)
    [deadline] = await _answer_deadlines(client, department)
    assert deadline["state"] == "open" and deadline["met_on"] is None  # a receipt is not an answer

    r = await client.post(f"/api/v1/sam/safety-rep-requests/{request['id']}/answer",
                          json={"answered_on": _days_ago(1), "answer": "  Fläkten byts vecka 12.  "}, headers=department.headers)
    assert r.status_code == 200, r.text
    answered = r.json()
    assert (answered["state"], answered["acknowledged_on"], answered["answered_on"], answered["answer"]) == (
        "answered", _days_ago(4), _days_ago(1), "Fläkten byts vecka 12.")
    assert answered["overdue"] is False
    [deadline] = await _answer_deadlines(client, department)
    assert (deadline["state"], deadline["met_on"]) == ("met", _days_ago(1))
    waiting = (await client.get("/api/v1/sam/safety-rep-requests", params={"waiting": "true"}, headers=department.headers)).json()
    assert waiting["total"] == 0
    done = (await client.get("/api/v1/sam/safety-rep-requests", params={"waiting": "false"}, headers=department.headers)).json()
    assert [i["id"] for i in done["items"]] == [request["id"]]


async def test_an_answer_without_acknowledgement_confirms_receipt_too(client, callers, org):
    people = await callers()
    request = await _request(client, people["hr"], org.department_id, received_days_ago=6)
    r = await client.post(f"/api/v1/sam/safety-rep-requests/{request['id']}/answer",
                          json={"answered_on": _days_ago(2), "answer": "Vi tar in en ergonom."}, headers=people["hr"].headers)
    assert r.status_code == 200, r.text
    assert (r.json()["state"], r.json()["acknowledged_on"], r.json()["answered_on"]) == ("answered", _days_ago(2), _days_ago(2))
    [deadline] = await _answer_deadlines(client, people["hr"])
    assert (deadline["state"], deadline["met_on"]) == ("met", _days_ago(2))
    # Answered: no later acknowledgement and no second answer.
    again = await client.post(f"/api/v1/sam/safety-rep-requests/{request['id']}/acknowledge",
                              json={"acknowledged_on": _days_ago(1)}, headers=people["hr"].headers)
    assert again.status_code == 409 and again.json()["field"] == "acknowledged_on"
    twice = await client.post(f"/api/v1/sam/safety-rep-requests/{request['id']}/answer",
                              json={"answered_on": _days_ago(1), "answer": "Igen"}, headers=people["hr"].headers)
    assert twice.status_code == 409 and twice.json()["field"] == "answered_on"


async def test_acknowledging_twice_is_a_conflict_and_keeps_the_first_day(client, callers, org):
    people = await callers()
    request = await _request(client, people["hr"], org.department_id, received_days_ago=3)
    path = f"/api/v1/sam/safety-rep-requests/{request['id']}/acknowledge"
    assert (await client.post(path, json={"acknowledged_on": _days_ago(3)}, headers=people["hr"].headers)).status_code == 200
    again = await client.post(path, json={"acknowledged_on": _days_ago(1)}, headers=people["department"].headers)
    assert again.status_code == 409 and again.json()["field"] == "acknowledged_on"
    current = (await client.get(f"/api/v1/sam/safety-rep-requests/{request['id']}", headers=people["hr"].headers)).json()
    assert current["acknowledged_on"] == _days_ago(3) and current["state"] == "acknowledged"


# --- bad dates ---------------------------------------------------------------------------------


async def test_an_answer_dated_before_the_request_came_in_is_refused(client, callers, org):
    people = await callers()
    request = await _request(client, people["hr"], org.department_id, received_days_ago=3)
    for path, body, field in (
        ("answer", {"answered_on": _days_ago(4), "answer": "Tidigt"}, "answered_on"),
        ("acknowledge", {"acknowledged_on": _days_ago(4)}, "acknowledged_on"),
    ):
        r = await client.post(f"/api/v1/sam/safety-rep-requests/{request['id']}/{path}", json=body, headers=people["hr"].headers)
        assert r.status_code == 400 and r.json()["field"] == field, (path, r.text)
    current = (await client.get(f"/api/v1/sam/safety-rep-requests/{request['id']}", headers=people["hr"].headers)).json()
    assert (current["state"], current["acknowledged_on"], current["answered_on"]) == ("received", None, None)
    [deadline] = await _answer_deadlines(client, people["hr"])
    assert deadline["state"] == "open"


@pytest.mark.parametrize("change, field", [
    (lambda today: {"received_on": (today + dt.timedelta(days=1)).isoformat()}, "received_on"),
    (lambda today: {"received_on": (today - dt.timedelta(days=3)).isoformat(),
                    "answer_by": (today - dt.timedelta(days=4)).isoformat()}, "answer_by"),
])
async def test_a_request_with_impossible_dates_is_refused_with_its_field(client, callers, org, change, field):
    from samverkan.deadlines.tables import Deadline
    from samverkan.sam.tables import SafetyRepRequest

    people = await callers()
    r = await client.post("/api/v1/sam/safety-rep-requests", json={
        "department_id": org.department_id, "title": "Hala golv", "safety_rep_name": "Sara Skyddsombud",
        **change(clock.today())}, headers=people["hr"].headers)
    assert r.status_code == 400 and r.json()["field"] == field, r.text
    assert await SafetyRepRequest.count() == 0 and await Deadline.count() == 0


# --- overdue, and what the sweep sends ---------------------------------------------------------------


async def test_an_unanswered_request_past_its_day_is_overdue_and_escalated(client, callers, org, smtp):
    from samverkan.reminders.service import sweep

    people = await callers()
    late = await _request(client, people["department"], org.department_id, received_days_ago=20)  # due six days ago
    answered_late = await _request(client, people["department"], org.department_id, received_days_ago=19)
    r = await client.post(f"/api/v1/sam/safety-rep-requests/{answered_late['id']}/answer",
                          json={"answered_on": _days_ago(0), "answer": "Sent men nu."}, headers=people["department"].headers)
    assert r.status_code == 200 and r.json()["overdue"] is False
    fresh = await _request(client, people["department"], org.department_id, received_days_ago=0)
    assert late["overdue"] is True and late["answer_due"] == _days_ago(6) and fresh["overdue"] is False
    listed = {i["id"]: i["overdue"] for i in (await client.get("/api/v1/sam/safety-rep-requests",
                                                               headers=people["hr"].headers)).json()["items"]}
    assert listed == {late["id"]: True, answered_late["id"]: False, fresh["id"]: False}
    overview = (await client.get(f"/api/v1/sam/departments/{org.department_id}/overview", headers=people["hr"].headers)).json()
    assert (overview["requests_waiting"], overview["requests_overdue"]) == (2, 1)
    deadline = next(d for d in await _answer_deadlines(client, people["hr"]) if d["subject_id"] == late["id"])
    assert deadline["state"] == "missed"

    result = await sweep(settings_with(**smtp.env()))
    assert result.failed == 0
    escalations = [m for m in smtp.recorder.messages if m["Subject"].startswith("Passerad frist")]
    assert [m["To"] for m in escalations] == [people["hr"].email]  # no HR contact in the registry: HR's users
    assert "Besked på skyddsombudets begäran" in escalations[0]["Subject"]
    body = escalations[0].get_content()
    assert "Arbetsmiljöverket" in body and "6 kap. 6 a § AML" in body
    assert f"/sam/begaran/{late['id']}" in body
    assert f"/sam/begaran/{answered_late['id']}" not in "".join(m.get_content() for m in smtp.recorder.messages)

    again = await sweep(settings_with(**smtp.env()))
    assert again.sent == 0  # escalated once


async def test_an_action_due_in_five_days_is_reminded_to_the_departments_users(client, callers, org, smtp, make_caller):
    from samverkan.reminders.service import sweep

    people = await callers()
    other_department = await make_caller("department", department_id=org.other_department_id)
    ra = (await client.post("/api/v1/sam/risk-assessments", json=assessment(org.department_id), headers=people["hr"].headers)).json()
    due = clock.today() + dt.timedelta(days=5)
    action = (await client.post("/api/v1/sam/actions", json={
        "risk_assessment_id": ra["id"], "risk_id": ra["risks"][0]["id"], "what": "Inför trygghetslarm för kvällspassen",
        "responsible": "Anna Chef", "due": due.isoformat()}, headers=people["hr"].headers)).json()
    far = (await client.post("/api/v1/sam/actions", json={
        "risk_assessment_id": ra["id"], "what": "Se över körscheman", "responsible": "Bo Planerare",
        "due": (clock.today() + dt.timedelta(days=40)).isoformat()}, headers=people["hr"].headers)).json()
    assert action["status"] == far["status"] == "planned"

    result = await sweep(settings_with(**smtp.env()))
    assert result.failed == 0
    reminders = [m for m in smtp.recorder.messages if m["Subject"].startswith("Frist om 5 dagar")]
    assert [m["To"] for m in reminders] == [people["department"].email]
    assert other_department.email not in {m["To"] for m in smtp.recorder.messages}
    mail = reminders[0]
    assert "Åtgärd i handlingsplanen genomförd" in mail["Subject"]
    body = mail.get_content()
    assert "Inför trygghetslarm för kvällspassen" in body and f"/sam/atgarder/{action['id']}" in body
    assert "Se över körscheman" not in "".join(m.get_content() + m["Subject"] for m in smtp.recorder.messages)

    # Done before the next stage (the day before): nothing more about it.
    from samverkan.reminders.tables import SweepState

    await SweepState.update({SweepState.digests_on: clock.today() + dt.timedelta(days=10)}).where(SweepState.name == "sweep")
    r = await client.patch(f"/api/v1/sam/actions/{action['id']}", json={"status": "done", "done_on": clock.today().isoformat()},
                           headers=people["department"].headers)
    assert r.status_code == 200, r.text
    later = await sweep(settings_with(**smtp.env()), now=clock.now() + dt.timedelta(days=4))
    assert later.sent == 0
