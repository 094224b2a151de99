"""A rule-set change moves exactly the open deadlines of the rules it changes, says why, and never
a due day set by hand (a skyddsombud's reasonable date) nor a waived deadline; its mail says what moved."""

from __future__ import annotations

import datetime as dt

import pytest

from samverkan import clock

pytestmark = pytest.mark.usefixtures("frozen")  # "today" matters here: the clock stands still (conftest)


def _version(effective: dt.date, rule: str, length: int, unit: str) -> dict:
    return {"name": "Ändrat samverkansavtal", "effective_from": effective.isoformat(),
            "rules": [{"rule": rule, "length": length, "unit": unit}]}


async def _request(client, caller, department_id, received: dt.date, **extra) -> dict:
    r = await client.post("/api/v1/sam/safety-rep-requests", json={
        "department_id": department_id, "title": "Buller i köket", "safety_rep_name": "Sara Skyddsombud",
        "received_on": received.isoformat(), **extra}, headers=caller.headers)
    assert r.status_code == 201, r.text
    return r.json()


async def test_only_the_changed_rules_deadlines_move_and_a_date_set_by_hand_never(client, callers, org):
    from samverkan.reminders.tables import OutboxMessage

    people = await callers()
    admin, hr = people["admin"], people["hr"]
    day = clock.today() - dt.timedelta(days=2)
    matter = (await client.post("/api/v1/matters", json={
        "title": "Ny organisation", "kind": "primary_negotiation", "department_id": org.department_id,
        "union_ids": [org.union_id]}, headers=hr.headers)).json()
    r = await client.post(f"/api/v1/matters/{matter['id']}/events", json={"type": "meeting_held", "date": day.isoformat()},
                          headers=hr.headers)
    assert r.status_code == 201, r.text
    set_by_hand = await _request(client, hr, org.department_id, day, answer_by=(day + dt.timedelta(days=30)).isoformat())
    counted = await _request(client, hr, org.department_id, day)
    deadlines = {(d["rule"], d["subject_id"] if d["subject"] != "matter" else None): d for d in
                 (await client.get("/api/v1/deadlines", params={"limit": 500}, headers=hr.headers)).json()["items"]}
    protocol = deadlines[("AGR-PROTOCOL-APPROVAL", None)]
    effective = day - dt.timedelta(days=10)

    preview = await client.post("/api/v1/rule-sets/preview", json=_version(effective, "AGR-PROTOCOL-APPROVAL", 7, "working_days"),
                                headers=admin.headers)
    assert preview.status_code == 200, preview.text
    assert [(m["deadline_id"], m["old_due"]) for m in preview.json()] == [(protocol["id"], protocol["due"])]
    assert "från 14 dagar till 7 arbetsdagar" in preview.json()[0]["why"]

    answer = await client.post("/api/v1/rule-sets/preview", json=_version(effective, "AML6-6a-ANSWER", 7, "days"),
                               headers=admin.headers)
    moved = answer.json()
    assert [m["deadline_id"] for m in moved] == [deadlines[("AML6-6a-ANSWER", counted["id"])]["id"]]
    assert deadlines[("AML6-6a-ANSWER", set_by_hand["id"])]["id"] not in [m["deadline_id"] for m in moved]

    saved = await client.post("/api/v1/rule-sets", json=_version(effective, "AML6-6a-ANSWER", 7, "days"), headers=admin.headers)
    assert saved.status_code == 201 and saved.json()["moved"] == moved
    fixed = (await client.get(f"/api/v1/sam/safety-rep-requests/{set_by_hand['id']}", headers=hr.headers)).json()
    assert fixed["answer_due"] == set_by_hand["answer_by"]
    mails = [m["body"] for m in await OutboxMessage.select(OutboxMessage.body).where(OutboxMessage.kind == "rule_change")]
    assert mails and all("Varför:" in b and "från 14 dagar till 7 dagar" in b for b in mails)
