"""The SAM pages: the overview per department, the forms with Swedish errors by field, the
action plan, the skyddsombud's view and the warning on a reorganisation without a risk assessment."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from samverkan import clock
from conftest import csrf, login
from sam_fixtures import CHECKLIST, safety_rep

pytestmark = pytest.mark.usefixtures("frozen")  # "today" matters here: the clock stands still (conftest)


def _risk_form(department_id: int, **extra) -> dict:
    return {
        "department_id": str(department_id), "title": "Ny schemaläggning i hemtjänsten", "unit": "Hemvården Norr",
        "date": (clock.today() - dt.timedelta(days=3)).isoformat(), "reason": "routine",
        "participant0.name": "Anna Chef", "participant0.role": "manager",
        "participant1.name": "Sara Skyddsombud", "participant1.role": "safety_rep",
        "risk0.description": "Stress vid dubbelbokningar", "risk0.likelihood": "4", "risk0.consequence": "3",
        "risk1.description": "Halkrisk vintertid", "risk1.likelihood": "2", "risk1.consequence": "1", "risk1.measures": "Broddar köpta",
        **extra,
    }


async def test_a_risk_assessment_made_through_the_form_shows_its_levels_and_takes_actions(client, callers, org):
    people = await callers()
    await login(client, people["department"].email, people["department"].password)
    form = await client.get(f"/sam/riskbedomningar/ny?forvaltning={org.department_id}")
    assert form.status_code == 200 and "Sannolikhet" in form.text

    missing = await client.post("/sam/riskbedomningar/ny", data={**_risk_form(org.department_id, title=""), "_csrf_token": csrf(client)})
    assert missing.status_code == 422 and "Fältet måste fyllas i." in missing.text and 'href="#title"' in missing.text
    bad = await client.post("/sam/riskbedomningar/ny", data={**_risk_form(org.department_id, **{"risk0.likelihood": "7"}),
                                                              "_csrf_token": csrf(client)})
    assert bad.status_code == 422 and "Talet måste vara högst 4." in bad.text

    created = await client.post("/sam/riskbedomningar/ny", data={**_risk_form(org.department_id), "_csrf_token": csrf(client)})
    assert created.status_code in (302, 303), created.text
    url = created.headers["location"]
    page = await client.get(url)
    assert page.status_code == 200
    assert "Stress vid dubbelbokningar" in page.text and "Mycket hög" in page.text and "Låg" in page.text
    assert "Inget skyddsombud deltog" not in page.text

    early = await client.post(f"{url}/atgarder", data={"what": "Nytt bokningsstöd", "responsible": "Anna Chef",
                                                       "due": "2000-01-01", "_csrf_token": csrf(client)})
    assert early.status_code == 422 and "Sista dagen kan inte vara före riskbedömningen" in early.text
    nobody = await client.post(f"{url}/atgarder", data={"what": "Nytt bokningsstöd", "responsible": " ",
                                                        "due": clock.today().isoformat(), "_csrf_token": csrf(client)})
    assert nobody.status_code == 422 and 'id="responsible-error"' in nobody.text
    added = await client.post(f"{url}/atgarder", data={"what": "Nytt bokningsstöd", "responsible": "Anna Chef",
                                                       "due": (clock.today() + dt.timedelta(days=30)).isoformat(),
                                                       "_csrf_token": csrf(client)})
    assert added.status_code in (302, 303)
    page = await client.get(url)
    action_url = re.search(r'href="(/sam/atgarder/\d+)"', page.text).group(1)
    done = await client.post(action_url, data={"what": "Nytt bokningsstöd", "responsible": "Anna Chef",
                                               "due": (clock.today() + dt.timedelta(days=30)).isoformat(), "status": "done",
                                               "done_on": "", "follow_up": "", "version": "1", "_csrf_token": csrf(client)})
    assert done.status_code == 422 and "Ange när åtgärden blev klar." in done.text

    overview = await client.get(f"/sam?forvaltning={org.department_id}")
    assert overview.status_code == 200 and "Öppna åtgärder: 1" in overview.text and "Nytt bokningsstöd" in overview.text


async def test_the_annual_follow_up_form_needs_every_checklist_answer_and_refuses_a_second_for_the_year(client, callers, org):
    people = await callers()
    await login(client, people["hr"].email, people["hr"].password)
    data = {"department_id": str(org.department_id), "year": "2026", "date": "2026-03-02", "_csrf_token": csrf(client),
            **{f"{e}.answer": "yes" for e in CHECKLIST[:-1]}}
    short = await client.post("/sam/uppfoljningar/ny", data=data)
    assert short.status_code == 422 and "Saknas: Åtgärder" in short.text
    data["measures.answer"] = "partly"
    data["improvement0.what"] = "Utbilda nya chefer i SAM"
    data["improvement0.responsible"] = "HR-chefen"
    data["improvement0.due"] = "2026-09-30"
    saved = await client.post("/sam/uppfoljningar/ny", data=data)
    assert saved.status_code in (302, 303), saved.text
    page = await client.get(saved.headers["location"])
    assert "Årlig uppföljning av SAM 2026" in page.text and "Utbilda nya chefer i SAM" in page.text and "Delvis" in page.text
    again = await client.post("/sam/uppfoljningar/ny", data=data)
    assert again.status_code == 422 and "redan en årlig uppföljning för 2026" in again.text


async def test_a_skyddsombud_reads_and_comments_and_sees_when_to_turn_to_arbetsmiljoverket(client, callers, make_caller, org):
    people = await callers()
    rep = await safety_rep(make_caller, org.department_id, org.union_id)
    received = clock.today() - dt.timedelta(days=20)
    r = await client.post("/api/v1/sam/safety-rep-requests", json={
        "department_id": org.department_id, "title": "Åtgärda ventilationen i personalrummet", "received_on": received.isoformat(),
        "safety_rep_name": "Sara Skyddsombud"}, headers=people["hr"].headers)
    assert r.status_code == 201
    await login(client, rep.email, rep.password)
    overview = await client.get("/sam")
    assert overview.status_code == 200 and "Åtgärda ventilationen i personalrummet" in overview.text
    assert "Ny riskbedömning" not in overview.text and "Begär åtgärder (6 kap. 6 a § AML)" in overview.text
    page = await client.get(f"/sam/begaran/{r.json()['id']}")
    assert "Arbetsmiljöverket" in page.text and "Mottagandet är inte bekräftat" in page.text
    assert "Lämna besked" not in page.text  # the employer answers
    said = await client.post(f"/sam/begaran/{r.json()['id']}/kommentarer", data={"text": "Vi väntar fortfarande.",
                                                                                  "_csrf_token": csrf(client)})
    assert said.status_code in (302, 303)
    assert "Vi väntar fortfarande." in (await client.get(f"/sam/begaran/{r.json()['id']}")).text
    refused = await client.post(f"/sam/begaran/{r.json()['id']}/besvara", data={"answer": "x", "answered_on": clock.today().isoformat(),
                                                                                 "_csrf_token": csrf(client)})
    assert refused.status_code == 403


async def test_a_reorganisation_without_a_risk_assessment_warns_on_the_matter_page(client, callers, org):
    people = await callers()
    matter = (await client.post("/api/v1/matters", json={
        "title": "Sammanslagning av två enheter", "kind": "primary_negotiation", "department_id": org.department_id,
        "union_ids": [org.union_id]}, headers=people["hr"].headers)).json()
    await login(client, people["hr"].email, people["hr"].password)
    page = await client.get(f"/arenden/{matter['id']}")
    assert "Ingen riskbedömning är kopplad till ärendet." in page.text
    assert f"/sam/riskbedomningar/ny?forvaltning={org.department_id}&amp;arende={matter['id']}" in page.text
    r = await client.post("/sam/riskbedomningar/ny", data={**_risk_form(org.department_id, reason="change", matter_id=str(matter["id"])),
                                                           "_csrf_token": csrf(client)})
    assert r.status_code in (302, 303), r.text
    page = await client.get(f"/arenden/{matter['id']}")
    assert "Ingen riskbedömning är kopplad" not in page.text and "Ny schemaläggning i hemtjänsten" in page.text
