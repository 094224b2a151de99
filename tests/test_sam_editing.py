"""SAM records stay editable until marked done: a risk assessment's risks kept, added and removed
(each change versioned in the audit log), rows added and removed in the form without JavaScript,
participants from the register, the matrix as a grid, and the warning for a high risk without action."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from samverkan import clock
from conftest import csrf, login
from sam_fixtures import assessment, follow_up

pytestmark = pytest.mark.usefixtures("frozen")  # "today" matters here: the clock stands still (conftest)


async def _created(client, caller, department_id) -> dict:
    r = await client.post("/api/v1/sam/risk-assessments", json=assessment(department_id), headers=caller.headers)
    assert r.status_code == 201, r.text
    return r.json()


def _edit(a: dict, **extra) -> dict:
    return {"title": a["title"], "date": a["date"], "reason": a["reason"], "participants": a["participants"],
            "risks": [{k: r[k] for k in ("id", "description", "likelihood", "consequence", "measures")} for r in a["risks"]],
            "version": a["version"], **extra}


async def test_a_risk_assessment_is_changed_with_risks_kept_added_and_removed_until_marked_done(client, callers, org):
    people = await callers()
    dept, admin = people["department"], people["admin"]
    a = await _created(client, dept, org.department_id)
    url = f"/api/v1/sam/risk-assessments/{a['id']}"
    first, second = a["risks"]
    action = await client.post("/api/v1/sam/actions", json={"what": "Larmrutin", "responsible": "Anna Chef",
                                                            "due": clock.today().isoformat(), "risk_assessment_id": a["id"],
                                                            "risk_id": first["id"]}, headers=dept.headers)
    assert action.status_code == 201, action.text

    risks = [{**_edit(a)["risks"][0], "likelihood": 4}, {"description": "Tunga lyft", "likelihood": 1, "consequence": 2}]
    changed = await client.put(url, json=_edit(a, risks=risks, title="Sammanslagning, reviderad"), headers=dept.headers)
    assert changed.status_code == 200, changed.text
    after = changed.json()
    assert after["version"] == 2 and after["title"] == "Sammanslagning, reviderad"
    assert [(r["id"] == first["id"], r["number"], r["description"], r["level"]) for r in after["risks"]] == [
        (True, 1, "Ensamarbete kvällstid", "very_high"), (False, 2, "Tunga lyft", "low")]
    assert second["description"] not in [r["description"] for r in after["risks"]]
    kept = (await client.get(f"/api/v1/sam/actions/{action.json()['id']}", headers=dept.headers)).json()
    assert kept["risk_id"] == first["id"]  # the action stays on its risk

    stale = await client.put(url, json=_edit(a, title="Gammal läsning"), headers=dept.headers)
    assert stale.status_code == 409 and stale.json()["field"] == "version"
    foreign = await client.put(url, json=_edit(after, risks=[{"id": 99999, "description": "x", "likelihood": 1,
                                                              "consequence": 1}]), headers=dept.headers)
    assert foreign.status_code == 400 and foreign.json()["field"] == "risks[0].id"

    log = (await client.get("/api/v1/audit", params={"entity": "risk_assessment", "entity_id": a["id"]},
                            headers=admin.headers)).json()["items"]
    update = next(e for e in log if e["action"] == "update")
    assert update["before"]["version"] == 1 and update["after"]["version"] == 2
    assert update["before"]["title"] == a["title"] and update["after"]["title"] == "Sammanslagning, reviderad"

    closed = await client.post(f"{url}/close", headers=dept.headers)
    assert closed.status_code == 200 and closed.json()["closed_on"] == clock.today().isoformat()
    late = await client.put(url, json=_edit(closed.json()), headers=dept.headers)
    assert late.status_code == 409 and late.json()["field"] == "closed_on"
    again = await client.post(f"{url}/close", headers=dept.headers)
    assert again.status_code == 409


async def test_the_form_adds_and_removes_rows_without_javascript_and_takes_people_from_the_register(client, callers, org):
    from samverkan.orgs import schemas as os_
    from samverkan.orgs import service as orgs

    people = await callers()
    await login(client, people["department"].email, people["department"].password)
    anna = await orgs.create_person(os_.PersonCreate(name="Anna Andersson", side="employer", title="Enhetschef",
                                                     department_id=org.department_id, roles=["manager"]))
    form = await client.get(f"/sam/riskbedomningar/ny?forvaltning={org.department_id}")
    assert form.status_code == 200 and "Anna Andersson (Enhetschef," in form.text
    assert form.text.count('name="risk0.description"') == 1 and 'name="risk1.description"' not in form.text
    base = {"department_id": str(org.department_id), "title": "Ny lokal", "date": clock.today().isoformat(),
            "reason": "routine", "participant0.person_id": str(anna.id), "participant0.name": "", "participant0.role": "manager",
            "participant1.name": "Sara Skyddsombud", "participant1.role": "safety_rep",
            "risk0.description": "Dålig ventilation", "risk0.likelihood": "3", "risk0.consequence": "3", "_csrf_token": csrf(client)}
    more = await client.post("/sam/riskbedomningar/ny", data={**base, "more": "risk"})
    assert more.status_code == 200 and 'name="risk1.description"' in more.text and "Dålig ventilation" in more.text
    fewer = await client.post("/sam/riskbedomningar/ny", data={**base, "remove": "participant1"})
    assert fewer.status_code == 200 and "Sara Skyddsombud" not in fewer.text and 'name="participant1.name"' not in fewer.text

    blank_first = {**base, "risk0.description": "", "risk1.description": "Buller", "risk1.likelihood": "9",
                   "risk1.consequence": "1"}
    bad = await client.post("/sam/riskbedomningar/ny", data=blank_first)
    assert bad.status_code == 422 and 'id="risks[1].likelihood-error"' in bad.text, re.findall(r"class=\"error[^>]*>[^<]*", bad.text)  # the row as the form shows it

    created = await client.post("/sam/riskbedomningar/ny", data=base)
    assert created.status_code in (302, 303), created.text
    url = created.headers["location"]
    page = await client.get(url)
    assert "Anna Andersson (chef)" in page.text
    # The matrix is a 4×4 grid with the risk's number in its cell; a high risk without action warns.
    assert page.text.count('<td class="level-') == 16 and '<span class="risk-no">1</span>' in page.text
    assert 'id="utan-atgard"' in page.text

    edit = await client.get(f"{url}/andra")
    assert edit.status_code == 200 and 'value="Dålig ventilation"' not in edit.text and "Dålig ventilation" in edit.text
    risk_id = re.search(r'name="risk0.id" value="(\d+)"', edit.text).group(1)
    values = {**base, "version": "1", "risk0.id": risk_id, "risk1.description": "Drag från fönster", "risk1.likelihood": "1",
              "risk1.consequence": "1"}
    saved = await client.post(f"{url}/andra", data=values)
    assert saved.status_code in (302, 303), saved.text
    page = await client.get(url)
    assert "Drag från fönster" in page.text and "Dålig ventilation" in page.text
    added = await client.post(f"{url}/atgarder", data={"what": "Ny fläkt", "responsible": "Anna Andersson", "risk_id": risk_id,
                                                       "due": (clock.today() + dt.timedelta(days=20)).isoformat(),
                                                       "_csrf_token": csrf(client)})
    assert added.status_code in (302, 303)
    page = await client.get(url)
    assert 'id="utan-atgard"' not in page.text

    stale = await client.post(f"{url}/andra", data=values)
    assert stale.status_code == 409 and "ändrades samtidigt" in stale.text
    closed = await client.post(f"{url}/klar", data={"_csrf_token": csrf(client)})
    assert closed.status_code in (302, 303)
    page = await client.get(url)
    assert "markerades som klar" in page.text and f"{url}/andra" not in page.text


async def test_an_annual_follow_up_is_changed_on_its_page_until_marked_done(client, callers, org):
    people = await callers()
    created = await client.post("/api/v1/sam/annual-follow-ups", json=follow_up(org.department_id, clock.today().year),
                                headers=people["department"].headers)
    assert created.status_code == 201, created.text
    url = f"/sam/uppfoljningar/{created.json()['id']}"
    await login(client, people["department"].email, people["department"].password)
    edit = await client.get(f"{url}/andra")
    assert edit.status_code == 200 and "Kommentar 1" in edit.text
    answers = {f"{c['element']}.answer": c["answer"] for c in follow_up(org.department_id, 2026)["checklist"]}
    saved = await client.post(f"{url}/andra", data={**answers, "summary": "Bra år", "participants": "Anna, Sara",
                                                    "version": "1", "_csrf_token": csrf(client)})
    assert saved.status_code in (302, 303), saved.text
    page = await client.get(url)
    assert "Bra år" in page.text
    closed = await client.post(f"{url}/klar", data={"_csrf_token": csrf(client)})
    assert closed.status_code in (302, 303)
    late = await client.post(f"{url}/andra", data={**answers, "summary": "Sent", "version": "2", "_csrf_token": csrf(client)})
    assert late.status_code == 409 and "markerad som klar" in late.text
