"""Local rule sets: versions with an effective date that change the agreement's deadlines, move
the open deadlines they reach (old → new), tell the responsible people, and refuse bad input."""

from __future__ import annotations

import datetime as dt

import pytest

from samverkan import clock
from conftest import csrf, login

pytestmark = pytest.mark.usefixtures("frozen")  # "today" matters here: the clock stands still (conftest)


async def _meeting_matter(client, hr, department_id, union_id, held: dt.date) -> tuple[dict, dict]:
    matter = (await client.post("/api/v1/matters", json={
        "title": "Omorganisation av hemtjänsten", "kind": "primary_negotiation", "department_id": department_id,
        "union_ids": [union_id]}, headers=hr.headers)).json()
    r = await client.post(f"/api/v1/matters/{matter['id']}/events", json={"type": "meeting_held", "date": held.isoformat()},
                          headers=hr.headers)
    assert r.status_code == 201, r.text
    return matter, await _approval(client, hr, matter)


async def _approval(client, caller, matter) -> dict:
    deadlines = (await client.get(f"/api/v1/matters/{matter['id']}/deadlines", headers=caller.headers)).json()
    return next(d for d in deadlines if d["rule"] == "AGR-PROTOCOL-APPROVAL")


def _version(effective: dt.date, length: int = 21, department_id: int | None = None, **extra) -> dict:
    body = {"name": "Lunds samverkansavtal 2026", "effective_from": effective.isoformat(), "department_id": department_id,
            "rules": [{"rule": "AGR-PROTOCOL-APPROVAL", "length": length, "unit": "days"}]}
    return {**body, **extra}


async def test_a_new_version_moves_open_deadlines_and_tells_the_responsible(client, callers, org):
    people = await callers()
    admin, hr = people["admin"], people["hr"]
    held = clock.today() - dt.timedelta(days=3)
    matter, before = await _meeting_matter(client, hr, org.department_id, org.union_id, held)
    assert before["due"] == (held + dt.timedelta(days=14)).isoformat()

    preview = await client.post("/api/v1/rule-sets/preview", json=_version(held - dt.timedelta(days=30)), headers=admin.headers)
    assert preview.status_code == 200, preview.text
    assert preview.json() == [{
        "deadline_id": before["id"], "matter_id": matter["id"], "diary_no": matter["diary_no"], "rule": "AGR-PROTOCOL-APPROVAL",
        "title": before["title"], "old_due": before["due"], "new_due": (held + dt.timedelta(days=21)).isoformat(),
        "link": f"/arenden/{matter['id']}",
        "why": f"«{before['title']}» ändras från 14 dagar till 21 dagar, räknat från {held.isoformat()}.",
    }]
    assert (await _approval(client, hr, matter))["due"] == before["due"]  # a preview changes nothing

    created = await client.post("/api/v1/rule-sets", json=_version(held - dt.timedelta(days=30)), headers=admin.headers)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["moved"] == preview.json() and body["notified"] >= 1
    assert body["rule_set"]["rules"][0]["length"] == 21 and body["rule_set"]["read_only"] is False
    assert (await _approval(client, hr, matter))["due"] == (held + dt.timedelta(days=21)).isoformat()

    # The responsible side (the employer) hears of it in the app and through the outbox.
    notes = (await client.get("/api/v1/notifications", headers=people["department"].headers)).json()
    assert notes["total"] == 1 and notes["items"][0]["title"].startswith("Ändrad frist")
    outbox = (await client.get("/api/v1/outbox", headers=admin.headers)).json()
    assert {m["kind"] for m in outbox["items"]} == {"rule_change"}

    rules = (await client.get("/api/v1/rules", headers=hr.headers)).json()
    assert [r["id"] for r in rules][0] == "mbl" and rules[0]["read_only"] is True
    assert any(r["name"] == "Lunds samverkansavtal 2026" for r in rules)


async def test_a_version_applies_from_its_date_and_a_department_version_wins(client, callers, org):
    people = await callers()
    admin, hr = people["admin"], people["hr"]
    effective = clock.today() - dt.timedelta(days=5)
    assert (await client.post("/api/v1/rule-sets", json=_version(effective, 21), headers=admin.headers)).status_code == 201
    assert (await client.post("/api/v1/rule-sets", json=_version(effective, 10, org.department_id, name="VOF:s avtal"),
                              headers=admin.headers)).status_code == 201

    before = clock.today() - dt.timedelta(days=6)
    _, old = await _meeting_matter(client, hr, org.department_id, org.union_id, before)
    assert old["due"] == (before + dt.timedelta(days=14)).isoformat()  # started before either version
    _, vof = await _meeting_matter(client, hr, org.department_id, org.union_id, clock.today())
    assert vof["due"] == (clock.today() + dt.timedelta(days=10)).isoformat()
    _, kk = await _meeting_matter(client, hr, org.other_department_id, org.union_id, clock.today())
    assert kk["due"] == (clock.today() + dt.timedelta(days=21)).isoformat()


async def test_bad_rule_sets_are_refused_naming_the_field(client, callers, org):
    people = await callers()
    admin = people["admin"]
    today = clock.today()
    assert (await client.post("/api/v1/rule-sets", json=_version(today), headers=admin.headers)).status_code == 201

    cases = [
        (_version(today - dt.timedelta(days=1)), "effective_from"),
        (_version(today + dt.timedelta(days=1), -3), "rules[0].length"),
        (_version(today + dt.timedelta(days=1), 0), "rules[0].length"),
        ({**_version(today), "rules": [{"rule": "MBL16-MEET-LOCAL", "length": 3, "unit": "weeks"}]}, "rules[0].rule"),
        ({**_version(today), "rules": [{"rule": "NOPE", "length": 3, "unit": "weeks"}]}, "rules[0].rule"),
        ({**_version(today), "rules": [{"rule": "GBG-SAMV-CENTRAL-REQ", "length": 3, "unit": "days"}]}, "rules[0].rule"),
        ({**_version(today), "rules": []}, "rules"),
        ({**_version(today), "name": "  "}, "name"),
        (_version(today, department_id=99999), "department_id"),
    ]
    for body, field in cases:
        r = await client.post("/api/v1/rule-sets", json=body, headers=admin.headers)
        assert r.status_code == 400, (body, r.text)
        assert r.json()["field"] == field, (body, r.json())
    r = await client.post("/api/v1/rule-sets", json={**_version(today), "effective_from": "2026-02-30"}, headers=admin.headers)
    assert r.status_code == 400 and "effective_from" in r.text
    assert len((await client.get("/api/v1/rules", headers=admin.headers)).json()) == 2  # nothing half-written

    assert (await client.post("/api/v1/rule-sets", json=_version(today), headers=people["hr"].headers)).status_code == 403


async def test_the_editor_previews_and_saves(client, callers, org):
    people = await callers()
    held = clock.today() - dt.timedelta(days=2)
    matter, before = await _meeting_matter(client, people["hr"], org.department_id, org.union_id, held)
    await login(client, people["admin"].email, people["admin"].password)
    form = (await client.get("/regler/ny")).text
    assert "AGR-PROTOCOL-APPROVAL" in form and "MBL16-MEET-LOCAL" not in form  # statutory rules are not offered
    data = {"_csrf_token": csrf(client), "name": "Lunds avtal", "department_id": "", "effective_from": (held - dt.timedelta(days=1)).isoformat(),
            "note": "", "AGR-PROTOCOL-APPROVAL.change": "on", "AGR-PROTOCOL-APPROVAL.length": "-2",
            "AGR-PROTOCOL-APPROVAL.unit": "days", "action": "preview"}
    bad = await client.post("/regler/ny", data=data)
    assert bad.status_code == 422 and "Längden måste vara ett heltal från 1 till 1000." in bad.text
    assert 'id="AGR-PROTOCOL-APPROVAL.length"' in bad.text and 'aria-invalid="true"' in bad.text

    preview = await client.post("/regler/ny", data={**data, "AGR-PROTOCOL-APPROVAL.length": "20"})
    assert preview.status_code == 200 and "1 öppen frist flyttas" in preview.text
    assert before["due"] in preview.text and (held + dt.timedelta(days=20)).isoformat() in preview.text
    saved = await client.post("/regler/ny", data={**data, "AGR-PROTOCOL-APPROVAL.length": "20", "action": "save"})
    assert saved.status_code == 200 and "Versionen är sparad" in saved.text and matter["diary_no"] in saved.text
    assert "Lunds avtal" in (await client.get("/regler")).text
