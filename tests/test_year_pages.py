"""The pages of actions, questions and year plans, by form posts: the chef plans the FSG's year and
records and lifts an APT question, HR answers it, the union sees what it is a party to."""

from __future__ import annotations

import re

import pytest

from conftest import csrf, login
from year_fixtures import pyramid, staff  # noqa: F401

pytestmark = pytest.mark.usefixtures("frozen")


async def test_plan_act_and_ask_through_the_pages(client, staff, pyramid, org, make_caller):
    chef, hr, p = staff["department"], staff["hr"], pyramid
    await login(client, chef.email, chef.password)
    assert p.fsg["name"] in (await client.get("/grupper")).text
    proposal = await client.get(f"/grupper/{p.fsg['id']}/arsplan?ar=2027&forslag=true")
    assert proposal.status_code == 200 and 'value="2027-01-05"' in proposal.text
    bad = await client.post(f"/grupper/{p.fsg['id']}/arsplan", data={"year": "2027", "dates": ["2028-02-09"], "_csrf_token": csrf(client)})
    assert bad.status_code == 400 and "Datumet ligger inte i 2027." in bad.text
    saved = await client.post(f"/grupper/{p.fsg['id']}/arsplan", data={
        "year": "2027", "dates": ["2027-02-09", "2027-05-04", "2027-08-03", "2027-11-02"], "_csrf_token": csrf(client)})
    assert saved.status_code in (302, 303), saved.text
    plan = await client.get(saved.headers["location"])
    assert plan.text.count('href="/moten/') == 4 and "Budget och verksamhetsplan" in plan.text
    doc = await client.get(f"/grupper/{p.fsg['id']}/arsplan/2027/dokument")
    assert doc.status_code == 200 and doc.headers["content-type"].startswith("application/vnd.openxmlformats")

    # An action on the FSG meeting's item, then a question at an APT meeting, lifted to the FSG.
    meeting_page = await client.get(f"/moten/{p.meeting['id']}")
    assert f'href="/moten/{p.meeting["id"]}/atgarder"' in meeting_page.text
    url = f"/moten/{p.meeting['id']}/atgarder"
    missing = await client.post(url, data={"item_id": str(p.item["id"]), "what": "", "responsible_id": str(p.chef["id"]),
                                           "due": "2026-12-20", "_csrf_token": csrf(client)})
    assert missing.status_code == 422 and 'href="#what"' in missing.text
    made = await client.post(url, data={"item_id": str(p.item["id"]), "what": "Ny schemaläggning", "responsible_id": str(p.chef["id"]),
                                        "due": "2026-12-20", "_csrf_token": csrf(client)})
    assert made.status_code in (302, 303), made.text
    assert "Ny schemaläggning" in (await client.get(url)).text
    apt = (await client.post("/api/v1/meetings", json={"kind": "workplace_meeting", "title": "APT november", "group_id": p.apt["id"],
                                                       "starts_at": "2026-11-24T08:00:00", "ends_at": "2026-11-24T09:00:00"},
                             headers=hr.headers)).json()
    apt_url = f"/moten/{apt['id']}/atgarder"
    asked = await client.post(f"/moten/{apt['id']}/fragor", data={"text": "Får vi en extra tjänst på natten?", "_csrf_token": csrf(client)})
    assert asked.status_code in (302, 303), asked.text
    page = (await client.get(apt_url)).text
    question_id = int(re.search(r'href="/fragor/(\d+)"', page).group(1))
    assert f"Lyft till {p.fsg['name']}" in page
    lifted = await client.post(f"/moten/{apt['id']}/fragor/{question_id}/lyft", data={"_csrf_token": csrf(client)})
    assert lifted.status_code in (302, 303)

    # HR answers at the FSG; the union (a party) sees it; another union does not.
    await client.post("/logga-ut", data={"_csrf_token": csrf(client)})
    client.cookies.clear()
    await login(client, hr.email, hr.password)
    group = (await client.get(f"/grupper/{p.fsg['id']}")).text
    assert "Får vi en extra tjänst på natten?" in group and "Ny schemaläggning" in group
    empty = await client.post(f"/fragor/{question_id}/svar", data={"text": " ", "_csrf_token": csrf(client)})
    assert empty.status_code == 422
    answered = await client.post(f"/fragor/{question_id}/svar", data={"text": "Ja, från mars.", "_csrf_token": csrf(client)})
    assert answered.status_code in (302, 303), answered.text
    assert "Ja, från mars." in (await client.get(f"/grupper/{p.apt['id']}")).text
    client.cookies.clear()
    await login(client, staff["union"].email, staff["union"].password)
    assert "Ja, från mars." in (await client.get(f"/fragor/{question_id}")).text
    client.cookies.clear()
    other = await make_caller("union", union_id=org.other_union_id)
    await login(client, other.email, other.password)
    assert (await client.get(f"/fragor/{question_id}")).status_code == 404
    assert "Ny schemaläggning" not in (await client.get(f"/grupper/{p.fsg['id']}")).text
