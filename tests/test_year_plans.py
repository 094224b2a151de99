"""A group's year plan: dates → meetings with the standard agenda and the annual items of their
period, a proposal from the cadence, the warnings, the sammanträdesplan as Word."""

from __future__ import annotations

import io

import pytest
from docx import Document

from year_fixtures import pyramid, staff  # noqa: F401

pytestmark = pytest.mark.usefixtures("frozen")


async def test_four_dates_make_four_meetings_with_the_annual_items(client, staff, pyramid):
    chef, p = staff["department"], pyramid
    url = f"/api/v1/groups/{p.fsg['id']}/year-plan"
    r = await client.post(url, json={"year": 2027, "dates": ["2027-02-09", "2027-05-04", "2027-09-14", "2027-11-09"],
                                     "place": "Stadshuset"}, headers=chef.headers)
    assert r.status_code == 200, r.text
    plan = r.json()
    assert plan["saved"] is True and len(plan["meetings"]) == 4
    assert [m["annual_items"] for m in plan["meetings"]] == [
        ["Årlig uppföljning av SAM"], ["Löneöversyn"], ["Budget och verksamhetsplan"], []]
    # Over three months from October's meeting to February, and from May to September (AMF 8 a §).
    assert [(w["code"], w["date"]) for w in plan["warnings"]] == [("cadence", "2027-02-09"), ("cadence", "2027-09-14")]
    first = (await client.get(f"/api/v1/meetings/{plan['meetings'][0]['id']}", headers=chef.headers)).json()
    titles = [i["title"] for i in first["agenda"]]
    assert first["kind"] == "safety_committee" and first["place"] == "Stadshuset"
    assert titles.index("Årlig uppföljning av SAM") == titles.index("Övriga frågor") - 1 and titles[-1] == "Mötets avslutande"
    assert "Uppföljning av åtgärder" in titles

    again = await client.post(url, json={"year": 2027, "dates": ["2027-03-09", "2027-05-04"]}, headers=chef.headers)
    assert again.status_code == 409 and again.json()["field"] == "dates[1]"

    doc = await client.get(f"/api/v1/groups/{p.fsg['id']}/year-plan/2027/document", headers=chef.headers)
    assert doc.status_code == 200, doc.text
    word = Document(io.BytesIO(doc.content))
    text = "\n".join(p.text for p in word.paragraphs)
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    assert "Sammanträdesplan 2027" in text and "skyddskommitté" in text
    assert "tisdag 9 februari 2027" in cells and "Budget och verksamhetsplan" in cells and "13.00–15.00" in cells


async def test_a_proposal_from_the_cadence_saves_nothing(client, staff, pyramid):
    hr, p = staff["hr"], pyramid
    r = await client.post(f"/api/v1/groups/{p.fsg['id']}/year-plan", json={"year": 2027}, headers=hr.headers)
    assert r.status_code == 200, r.text
    plan = r.json()
    assert plan["saved"] is False and [m["date"] for m in plan["meetings"]] == ["2027-01-05", "2027-03-30", "2027-06-08", "2027-09-07", "2027-12-07"]
    assert all(m["id"] is None for m in plan["meetings"]) and plan["warnings"] == []
    assert (await client.get("/api/v1/meetings", params={"group_id": p.fsg["id"], "from": "2027-01-01"}, headers=hr.headers)).json()["total"] == 0
    soon = (await client.post(f"/api/v1/groups/{p.apt['id']}/year-plan", json={"year": 2026, "dates": ["2026-11-10", "2026-12-08"]},
                              headers=hr.headers)).json()
    assert [w["code"] for w in soon["warnings"]] == ["in_past", "notice_late"]


async def test_annual_items_are_the_groups_own(client, staff, pyramid):
    hr, p = staff["hr"], pyramid
    url = f"/api/v1/groups/{p.apt['id']}/annual-items"
    assert [i["title"] for i in (await client.get(url, headers=staff["union"].headers)).json()][0] == "Årlig uppföljning av SAM"
    r = await client.put(url, json={"items": [{"title": "Medarbetarenkät", "month": 10}]}, headers=hr.headers)
    assert r.status_code == 200 and r.json() == [{"title": "Medarbetarenkät", "month": 10, "kind": "information"}]
    plan = (await client.post(f"/api/v1/groups/{p.apt['id']}/year-plan", json={"year": 2027, "dates": ["2027-03-02", "2027-10-05"]},
                              headers=hr.headers)).json()
    assert [m["annual_items"] for m in plan["meetings"]] == [[], ["Medarbetarenkät"]] and plan["warnings"] == []
    assert (await client.put(url, json={"items": [{"title": "x", "month": 13}]}, headers=hr.headers)).json()["field"] == "items[0].month"


async def test_bad_input_and_access(client, staff, pyramid, org, make_caller):
    p = pyramid
    url = f"/api/v1/groups/{p.fsg['id']}/year-plan"
    bad = await client.post(url, json={"year": 2027, "dates": ["2028-01-11"]}, headers=staff["hr"].headers)
    assert bad.status_code == 400 and bad.json()["field"] == "dates[0]"
    twice = await client.post(url, json={"year": 2027, "dates": ["2027-01-12", "2027-01-12"]}, headers=staff["hr"].headers)
    assert twice.status_code == 400 and twice.json()["field"] == "dates[1]"
    other = await make_caller("department", department_id=org.other_department_id)
    assert (await client.post(url, json={"year": 2027}, headers=other.headers)).status_code == 403
    assert (await client.post(url, json={"year": 2027}, headers=staff["union"].headers)).status_code == 403
    assert (await client.post("/api/v1/groups/999999/year-plan", json={"year": 2027}, headers=staff["hr"].headers)).status_code == 404
    assert (await client.get(f"/api/v1/groups/{p.fsg['id']}/year-plan/1999/document", headers=staff["hr"].headers)).status_code == 400
