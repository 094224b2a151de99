"""The SAM Word documents through the API: riskbedömning med handlingsplan and årlig uppföljning
of a real record, downloaded as .docx, re-opened and read; the department's own letterhead when it
has one; the same bytes for the same record; 404 for those who may not read the department."""

from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import unquote

import pytest
from docx import Document

from samverkan import clock
from samverkan.documents import render
from samverkan.sam import rules
from sam_fixtures import assessment, follow_up, safety_rep

pytestmark = pytest.mark.usefixtures("frozen")  # "today" matters here: the clock stands still (conftest)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DEPARTMENT = "Vård- och omsorgsförvaltningen"  # org's first department


def _header_text(document) -> str:
    """The header's letterhead, reference and date (in a table beside the logo)."""
    section = document.sections[0].header
    return "\n".join([p.text for p in section.paragraphs]
                     + [cell.text for table in section.tables for row in table.rows for cell in row.cells])


def _table_with(document, header: str):
    for table in document.tables:
        if header in [cell.text for cell in table.rows[0].cells]:
            return table
    raise AssertionError(f"no table with the column {header!r}")


def _filename(response) -> str:
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;"), disposition
    encoded = re.search(r"filename\*=UTF-8''([^;]+)", disposition)
    assert encoded, disposition
    return unquote(encoded.group(1))


async def _download(client, caller, path: str):
    r = await client.get(path, headers=caller.headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == DOCX
    return r


async def _risk_assessment_with_plan(client, caller, department_id: int) -> tuple[dict, dict]:
    r = await client.post("/api/v1/sam/risk-assessments", json=assessment(department_id), headers=caller.headers)
    assert r.status_code == 201, r.text
    ra = r.json()
    r = await client.post("/api/v1/sam/actions", json={
        "risk_assessment_id": ra["id"], "risk_id": ra["risks"][0]["id"], "what": "Inför trygghetslarm för kvällspassen",
        "responsible": "Karin Holm, planerare", "due": (clock.today() + dt.timedelta(days=30)).isoformat()}, headers=caller.headers)
    assert r.status_code == 201, r.text
    return ra, r.json()


async def _follow_up(client, caller, department_id: int) -> dict:
    body = follow_up(department_id, 2026, summary="Arbetet fungerar i stort.", improvements=[
        {"what": "Kvittera uppgiftsfördelningen med alla enhetschefer", "responsible": "Anna Lindqvist", "due": "2026-06-30"}])
    r = await client.post("/api/v1/sam/annual-follow-ups", json=body, headers=caller.headers)
    assert r.status_code == 201, r.text
    return r.json()


async def test_a_risk_assessment_document_holds_the_assessment_its_risks_and_its_action_plan(client, callers, org):
    people = await callers()
    ra, action = await _risk_assessment_with_plan(client, people["department"], org.department_id)
    r = await _download(client, people["hr"], f"/api/v1/sam/risk-assessments/{ra['id']}/document")
    assert _filename(r) == f"SAM-RB-{ra['id']}_Riskbedomning_{ra['date']}.docx"

    document = Document(io.BytesIO(r.content))  # re-opens as Word
    text = render.text_of(r.content)
    for needle in (
        "Riskbedömning med handlingsplan – Sammanslagning av hemvårdsgrupper", DEPARTMENT, "Hemvården Norr",
        "Förändring i verksamheten", "Anna Chef", "Skyddsombud",
        "Ensamarbete kvällstid", "Mycket hög", "Larm till alla", "Längre körsträckor",
        "Inför trygghetslarm för kvällspassen", "Karin Holm, planerare", action["due"], "Planerad",
    ):
        assert needle in text, needle
    risks = _table_with(document, "Risknivå")
    assert [[cell.text for cell in row.cells] for row in risks.rows[1:]] == [
        ["1", "Ensamarbete kvällstid", "3", "4", "Mycket hög\n(12)", "Larm till alla"],
        ["2", "Längre körsträckor", "2", "2", "Medel\n(4)", "–"]]
    plan = _table_with(document, "Ansvarig")
    assert [[cell.text for cell in row.cells] for row in plan.rows[1:]] == [
        ["1", "Inför trygghetslarm för kvällspassen", "1", "Karin Holm, planerare", action["due"], "Planerad"]]
    for mark in render.LEFTOVER_MARKS:
        assert mark not in text, mark
    assert document.core_properties.title == "Riskbedömning med handlingsplan – Sammanslagning av hemvårdsgrupper"
    header = _header_text(document)
    assert f"Lunds kommun\n{DEPARTMENT}" in header and f"SAM-RB-{ra['id']}" in header  # the default letterhead


async def test_an_annual_follow_up_document_holds_the_checklist_and_the_improvements(client, callers, org):
    people = await callers()
    fu = await _follow_up(client, people["hr"], org.department_id)
    r = await _download(client, people["department"], f"/api/v1/sam/annual-follow-ups/{fu['id']}/document")
    assert _filename(r) == f"SAM-UPP-2026-{org.department_id}_Arlig-uppfoljning-SAM_2026-03-02.docx"

    document = Document(io.BytesIO(r.content))
    text = render.text_of(r.content)
    for needle in ("Årlig uppföljning av det systematiska arbetsmiljöarbetet 2026", DEPARTMENT, "Arbetet fungerar i stort.",
                   *rules.CHECKLIST.values(), "Ja", "Delvis", "Kommentar 0", "Kommentar 7",
                   "Kvittera uppgiftsfördelningen med alla enhetschefer", "Anna Lindqvist", "2026-06-30"):
        assert needle in text, needle
    for mark in render.LEFTOVER_MARKS:
        assert mark not in text, mark
    checklist = _table_with(document, "Del av arbetsmiljöarbetet")
    assert [[cell.text for cell in row.cells] for row in checklist.rows[1:]] == [
        [str(n), label, "Delvis" if i % 3 == 0 else "Ja", f"Kommentar {i}"]
        for i, (n, label) in enumerate(enumerate(rules.CHECKLIST.values(), 1))]
    improvements = _table_with(document, "Förbättring")
    assert [cell.text for cell in improvements.rows[1].cells][1:3] == [
        "Kvittera uppgiftsfördelningen med alla enhetschefer", "Anna Lindqvist"]
    assert document.core_properties.title == "Årlig uppföljning av det systematiska arbetsmiljöarbetet 2026"
    assert f"SAM-UPP-2026-{org.department_id}" in _header_text(document)


async def test_the_departments_own_letterhead_is_used_when_it_has_one(client, callers, org):
    people = await callers()
    admin = people["admin"]
    ra, _ = await _risk_assessment_with_plan(client, admin, org.department_id)
    fu = await _follow_up(client, admin, org.department_id)
    elsewhere, _ = await _risk_assessment_with_plan(client, admin, org.other_department_id)
    letterhead = "Vård och omsorg\nBox 41, 221 00 Lund"
    r = await client.put(f"/api/v1/departments/{org.department_id}/letterhead", data={"text": letterhead}, headers=admin.headers)
    assert r.status_code == 200, r.text

    for path in (f"/api/v1/sam/risk-assessments/{ra['id']}/document", f"/api/v1/sam/annual-follow-ups/{fu['id']}/document"):
        header = _header_text(Document(io.BytesIO((await _download(client, admin, path)).content)))
        assert letterhead in header, path
        assert f"Lunds kommun\n{DEPARTMENT}" not in header, path
    # Another department keeps the default.
    header = _header_text(Document(io.BytesIO((await _download(
        client, admin, f"/api/v1/sam/risk-assessments/{elsewhere['id']}/document")).content)))
    assert "Lunds kommun\nKommunkontoret" in header and letterhead not in header


async def test_the_same_record_gives_the_same_bytes(client, callers, org, frozen):
    people = await callers()
    ra, _ = await _risk_assessment_with_plan(client, people["hr"], org.department_id)
    fu = await _follow_up(client, people["hr"], org.department_id)
    paths = (f"/api/v1/sam/risk-assessments/{ra['id']}/document", f"/api/v1/sam/annual-follow-ups/{fu['id']}/document")
    first = [(await _download(client, people["hr"], path)).content for path in paths]
    frozen.shift(dt.timedelta(days=1, seconds=3))  # a clock in the file would show (a zip's timestamps: two-second steps)
    second = [(await _download(client, people["department"], path)).content for path in paths]
    assert first == second


async def test_a_user_who_may_not_read_the_department_gets_404(client, callers, org, make_caller):
    people = await callers()
    ra, _ = await _risk_assessment_with_plan(client, people["hr"], org.department_id)
    fu = await _follow_up(client, people["hr"], org.department_id)
    paths = (f"/api/v1/sam/risk-assessments/{ra['id']}/document", f"/api/v1/sam/annual-follow-ups/{fu['id']}/document")
    outsiders = {
        "department user elsewhere": await make_caller("department", department_id=org.other_department_id),
        "union user, not skyddsombud": people["union"],
        "skyddsombud elsewhere": await safety_rep(make_caller, org.other_department_id, org.union_id),
    }
    for name, caller in outsiders.items():
        for path in paths:
            r = await client.get(path, headers=caller.headers)
            assert r.status_code == 404, (name, path, r.status_code)
            assert r.headers["content-type"].split(";")[0] != DOCX
    # The skyddsombud of the department reads them; an unknown record is 404 for everyone.
    so = await safety_rep(make_caller, org.department_id, org.union_id)
    for path in paths:
        await _download(client, so, path)
    for path in ("/api/v1/sam/risk-assessments/99999/document", "/api/v1/sam/annual-follow-ups/99999/document"):
        assert (await client.get(path, headers=people["admin"].headers)).status_code == 404


@pytest.mark.parametrize("kind", ["risk-assessments", "annual-follow-ups"])
async def test_a_document_needs_a_signed_in_user(client, callers, org, kind):
    people = await callers()
    if kind == "risk-assessments":
        record, _ = await _risk_assessment_with_plan(client, people["hr"], org.department_id)
    else:
        record = await _follow_up(client, people["hr"], org.department_id)
    r = await client.get(f"/api/v1/sam/{kind}/{record['id']}/document")
    assert r.status_code == 401


async def test_a_linked_individual_matter_stays_out_of_the_document_and_page_for_who_may_not_see_it(client, callers, org, make_caller):
    from conftest import login

    people = await callers()
    matter = (await client.post("/api/v1/matters", json={
        "title": "Avsked av Anna Andersson", "kind": "dispute", "department_id": org.department_id, "personal_data": True,
        "union_ids": [org.other_union_id]}, headers=people["hr"].headers)).json()
    ra = (await client.post("/api/v1/sam/risk-assessments", json=assessment(org.department_id, matter_id=matter["id"]),
                            headers=people["hr"].headers)).json()
    rep = await safety_rep(make_caller, org.department_id, org.union_id)
    seen = render.text_of((await client.get(f"/api/v1/sam/risk-assessments/{ra['id']}/document", headers=people["hr"].headers)).content)
    assert "Avsked av Anna Andersson" in seen and matter["diary_no"] in seen  # HR may see it
    for who in (rep, people["department"]):
        assert (await client.get(f"/api/v1/matters/{matter['id']}", headers=who.headers)).status_code == 404
        r = await client.get(f"/api/v1/sam/risk-assessments/{ra['id']}/document", headers=who.headers)
        assert r.status_code == 200
        text = render.text_of(r.content)
        assert "Avsked av Anna Andersson" not in text and matter["diary_no"] not in text
    await login(client, people["department"].email, people["department"].password)
    page = await client.get(f"/sam/riskbedomningar/{ra['id']}")
    assert page.status_code == 200 and "Avsked av Anna Andersson" not in page.text and matter["diary_no"] not in page.text
