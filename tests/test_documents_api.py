"""Documents of a meeting over the API: every kind made from a real meeting and re-opened with
python-docx, union copies with their own positions first, the same bytes for the same version,
new documents for a new version, who may fetch which copy, the zip, and bad input."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from meeting_fixtures import HOSTILE, negotiation, staff  # noqa: F401 (fixtures)

from samverkan.documents.render import DOCX_MEDIA_TYPE, text_of

async def _make(client, caller, meeting_id, **body):
    return await client.post(f"/api/v1/meetings/{meeting_id}/documents", json=body, headers=caller.headers)


async def _download(client, caller, document_id):
    r = await client.get(f"/api/v1/documents/{document_id}", headers=caller.headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == DOCX_MEDIA_TYPE
    return r


async def test_the_protocol_of_a_negotiation(client, staff, org, negotiation):
    hr, meeting = staff["hr"], negotiation["meeting"]
    r = await _make(client, hr, meeting["id"], kind="protocol", audience=f"union:{org.union_id}")
    assert r.status_code == 201, r.text
    made = r.json()
    assert set(made) >= {"id", "kind", "audience", "filename", "sha256", "template_sha256", "created_at"}
    diary = negotiation["matter"]["diary_no"].replace(" ", "-").replace("/", "-")
    assert made["filename"] == f"{diary}_Protokoll_2026-03-02_Vision.docx"
    assert made["audience"] == f"union:{org.union_id}"

    body = (await _download(client, hr, made["id"])).content
    assert "filename*=UTF-8''" in (await _download(client, hr, made["id"])).headers["content-disposition"]
    text = text_of(body)
    for required in ("Protokoll fört vid lokal förhandling enligt 11 § MBL", "Arbetsgivare: Lunds kommun, Vård- och omsorgsförvaltningen",
                     "Arbetstagarorganisation: Vision", "Arbetstagarorganisation: Kommunal", "måndag 2 mars 2026",
                     "09.00–10.30", "Stadshuset, rum Ärlan", "För arbetsgivaren: Per Ek", "För Vision: Sara Öberg",
                     "Protokollförare", "Anna Lindqvist", "§ 1 Sammanslagning", "Parterna är överens",
                     "Förhandlingen avslutas i oenighet", "Kommunal reserverar sig mot arbetsgivarens förslag: bemanningen räcker inte.",
                     "Kommunal begär central förhandling enligt 14 § MBL", "Protokollsanteckning från Vision",
                     "Förhandlingen förklaras avslutad 2 mars 2026", "Vid protokollet", "Justeras",
                     "Exemplar för Vision", negotiation["matter"]["diary_no"], f"Bakgrund: {HOSTILE}"):
        assert required in text, required
    for mark in ("{{", "{%", "}}", "%}"):
        assert mark not in text
    # Vision's copy: Vision's own position first and marked; Kommunal's copy the other way round.
    assert text.index("► Vision (ert exemplar): Parterna är överens") < text.index("Kommunal: Förhandlingen avslutas i oenighet")
    kommunal = (await _make(client, hr, meeting["id"], kind="protocol", audience=f"union:{org.other_union_id}")).json()
    kommunal_text = text_of((await _download(client, hr, kommunal["id"])).content)
    assert kommunal_text.index("► Kommunal (ert exemplar)") < kommunal_text.index("Vision: Parterna är överens")

    document = Document(io.BytesIO(body))
    assert document.core_properties.title == "Protokoll fört vid lokal förhandling enligt 11 § MBL"
    assert document.core_properties.author == "Vård- och omsorgsförvaltningen"
    assert document.core_properties.language == "sv-SE"
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0].startswith("Protokoll fört vid") and "§ 1 Sammanslagning" in headings
    footer = document.sections[0].footer._element.xml
    assert "Sida " in footer and " PAGE " in footer and " NUMPAGES " in footer
    assert document.sections[0].header.part.related_parts, "the logo is in the header"


async def test_the_same_version_gives_the_same_bytes_and_a_new_version_a_new_document(client, staff, org, negotiation):
    hr, meeting = staff["hr"], negotiation["meeting"]
    first = (await _make(client, hr, meeting["id"], kind="protocol", audience="department")).json()
    again = (await _make(client, hr, meeting["id"], kind="protocol", audience="department")).json()
    assert again == first
    before = (await _download(client, hr, first["id"])).content
    # A change to the meeting is a new version: a new document, and the old one stays as it was.
    changed = await client.patch(f"/api/v1/meetings/{meeting['id']}", json={"place": "Rådhuset"}, headers=hr.headers)
    assert changed.status_code == 200
    new = (await _make(client, hr, meeting["id"], kind="protocol", audience="department")).json()
    assert new["id"] != first["id"] and new["sha256"] != first["sha256"]
    assert "Rådhuset" in text_of((await _download(client, hr, new["id"])).content)
    assert (await _download(client, hr, first["id"])).content == before
    listed = (await client.get(f"/api/v1/meetings/{meeting['id']}/documents", headers=hr.headers)).json()
    assert [d["id"] for d in listed] == [new["id"], first["id"]]


async def test_every_kind_of_a_negotiation(client, staff, org, negotiation):
    hr, meeting, item = staff["hr"], negotiation["meeting"], negotiation["item"]
    # 11 §: the employer asks; the kallelse and the protocol say who asked and when (issue 16, point 9).
    r = await client.post(f"/api/v1/matters/{item['matter_id']}/events", json={"type": "request_sent", "date": "2026-02-13"},
                          headers=hr.headers)
    assert r.status_code == 201, r.text
    expected = {
        "notice": ["Förhandlingsframställan – kallelse till lokal förhandling enligt 11 § MBL", "Förhandlingsfråga",
                   "Planerat beslut", "Områdena slås samman 1 juni.", "Förslag till tid och plats", "Bilagor",
                   "Organisationsöversyn & risker", "Kontaktperson", "Per Ek", "per.ek@lund.example", "Svar",
                   "senast 23 februari 2026", "Till", "Vision", "Kommunal",
                   "Förhandling begärd av arbetsgivaren 13 februari 2026."],
        "withdrawal_notice": ["Frånträdesbesked enligt 16 § 3 st. MBL", "frånträder härmed förhandlingen",
                              "16 § 3 stycket", "hölls måndag 2 mars 2026", "daterat 4 mars 2026", "För arbetsgivaren",
                              "Beskedet avslutar den lokala förhandlingen 4 mars 2026", "central förhandling (14 § MBL)"],
        "extract": ["Protokollsutdrag – § 1 Sammanslagning", "Utdrag ur protokoll", "Rätt utdraget intygar", "Justeras",
                    "Förhandlingen förklaras avslutad 2 mars 2026"],
        "protocol": ["Förhandling begärd av arbetsgivaren 13 februari 2026."],
    }
    options = {"notice": {"date": "2026-02-16", "attachments": ["Organisationsöversyn & risker"]},
               "withdrawal_notice": {"date": "2026-03-04"}, "extract": {"item_id": item["id"]},
               "protocol": {}}
    for kind, needles in expected.items():
        if kind == "withdrawal_notice":
            # 16 § 3 st.: only a party that has fulfilled its duty to negotiate withdraws: not before the meeting.
            early = await _make(client, hr, meeting["id"], kind=kind, audience="all", **options[kind])
            assert early.status_code == 400 and early.json()["field"] == "kind" and "hållits" in early.json()["detail"]
            held = await client.patch(f"/api/v1/meetings/{meeting['id']}", json={"status": "held"}, headers=hr.headers)
            assert held.status_code == 200, held.text
            before = await _make(client, hr, meeting["id"], kind=kind, audience="all", date="2026-02-27")
            assert before.status_code == 400 and before.json()["field"] == "date" and "2026-02-27" in before.json()["detail"]
        r = await _make(client, hr, meeting["id"], kind=kind, audience="all", **options[kind])
        assert r.status_code == 201, (kind, r.text)
        if kind == "withdrawal_notice":
            assert "_2026-03-04_" in r.json()["filename"]  # named by the besked's date
        text = text_of((await _download(client, hr, r.json()["id"])).content)
        for needle in needles:
            assert needle in text, (kind, needle)
        assert "{{" not in text and "{%" not in text
    agenda = await _make(client, hr, meeting["id"], kind="agenda")
    assert agenda.status_code == 400 and agenda.json()["field"] == "kind"


async def test_a_samverkan_protocol_and_agenda(client, staff, org):
    hr = staff["hr"]
    group = (await client.post("/api/v1/groups", json={
        "name": "FSG Vård och omsorg", "level": "department", "department_id": org.department_id,
        "union_ids": [org.union_id, org.other_union_id], "safety_committee": True, "cadence_months": 3}, headers=hr.headers)).json()
    meeting = (await client.post("/api/v1/meetings", json={
        "kind": "samverkan", "title": "FSG mars", "group_id": group["id"], "starts_at": "2026-03-02T13:00:00+01:00",
        "ends_at": "2026-03-02T15:00:00+01:00"}, headers=hr.headers)).json()
    info = next(i for i in meeting["agenda"] if i["kind"] == "information")
    r = await client.patch(f"/api/v1/meetings/{meeting['id']}/agenda/{info['id']}", json={
        "text": "Prognos 2: underskott.", "positions": [{"union_id": org.union_id, "outcome": "informed"}]}, headers=hr.headers)
    assert r.status_code == 200, r.text
    protocol = (await _make(client, hr, meeting["id"], kind="protocol", audience="all")).json()
    text = text_of((await _download(client, hr, protocol["id"])).content)
    for needle in ("Protokoll – FSG Vård och omsorg, tillika skyddskommitté", "Information enligt 19 § MBL",
                   "Vision: Informationen noteras.", "Arbetsmiljö – skyddskommitté (AML 6 kap. 9 §)",
                   "Arbetsmiljö: tillbud och arbetsskador", "Mötets avslutande", "Justeras", "För Kommunal"):
        assert needle in text, needle
    assert "Exemplar för" not in text  # the common copy is no party's
    agenda = (await _make(client, hr, meeting["id"], kind="agenda", date="2026-02-16")).json()
    text = text_of((await _download(client, hr, agenda["id"])).content)
    for needle in ("Kallelse med förslag till dagordning – FSG Vård och omsorg", "Förslag till dagordning",
                   "§ 1  Mötets öppnande", "Information enligt 19 § MBL", "Kallelsen skickad", "16 februari 2026",
                   "Arbetsgivarens exemplar"):
        assert needle in text, needle
    notice = await _make(client, hr, meeting["id"], kind="notice")
    assert notice.status_code == 400 and notice.json()["field"] == "kind"


async def test_union_users_fetch_their_own_copies_and_the_common_ones(client, staff, org, negotiation, make_caller):
    hr, union, meeting = staff["hr"], staff["union"], negotiation["meeting"]
    own = (await _make(client, hr, meeting["id"], kind="protocol", audience=f"union:{org.union_id}")).json()
    other = (await _make(client, hr, meeting["id"], kind="protocol", audience=f"union:{org.other_union_id}")).json()
    employer = (await _make(client, hr, meeting["id"], kind="protocol", audience="department")).json()
    common = (await _make(client, hr, meeting["id"], kind="protocol", audience="all")).json()
    listed = {d["id"] for d in (await client.get(f"/api/v1/meetings/{meeting['id']}/documents", headers=union.headers)).json()}
    assert listed == {own["id"], common["id"]}
    assert (await client.get(f"/api/v1/documents/{own['id']}", headers=union.headers)).status_code == 200
    assert (await client.get(f"/api/v1/documents/{common['id']}", headers=union.headers)).status_code == 200
    for hidden in (other, employer):
        assert (await client.get(f"/api/v1/documents/{hidden['id']}", headers=union.headers)).status_code == 404
    # A union user may make their own union's copy, not another's.
    assert (await _make(client, union, meeting["id"], kind="protocol", audience=f"union:{org.union_id}")).json()["id"] == own["id"]
    refused = await _make(client, union, meeting["id"], kind="protocol", audience=f"union:{org.other_union_id}")
    assert refused.status_code == 403 and refused.json()["field"] == "audience"
    letter = await _make(client, union, meeting["id"], kind="notice", audience=f"union:{org.union_id}")
    assert letter.status_code == 403 and letter.json()["field"] == "kind"  # the employer's letter
    # A department user of another department does not see the meeting at all.
    stranger = await make_caller("department", department_id=org.other_department_id)
    assert (await client.get(f"/api/v1/documents/{own['id']}", headers=stranger.headers)).status_code == 404
    assert (await _make(client, stranger, meeting["id"], kind="protocol")).status_code == 404


async def test_the_zip_has_a_copy_per_union_and_one_for_the_employer(client, staff, org, negotiation):
    hr, union, meeting = staff["hr"], staff["union"], negotiation["meeting"]
    r = await client.get(f"/api/v1/meetings/{meeting['id']}/documents.zip?kind=protocol", headers=hr.headers)
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert sorted(n.rsplit("_", 1)[1] for n in names) == ["Arbetsgivaren.docx", "Kommunal.docx", "Vision.docx"]
    again = await client.get(f"/api/v1/meetings/{meeting['id']}/documents.zip?kind=protocol", headers=hr.headers)
    assert again.content == r.content
    own = await client.get(f"/api/v1/meetings/{meeting['id']}/documents.zip?kind=protocol", headers=union.headers)
    assert [n.rsplit("_", 1)[1] for n in zipfile.ZipFile(io.BytesIO(own.content)).namelist()] == ["Vision.docx"]


@pytest.mark.parametrize("body, field", [
    ({"kind": "minutes"}, "kind"),
    ({"kind": "protocol", "audience": "everyone"}, "audience"),
    ({"kind": "protocol", "audience": "union:999999"}, "audience"),
    ({"kind": "protocol", "date": "2026-03-01"}, "date"),
    ({"kind": "protocol", "attachments": ["x"]}, "attachments"),
    ({"kind": "extract"}, "item_id"),
    ({"kind": "extract", "item_id": 999999}, "item_id"),
    ({"kind": "notice", "date": "2026-02-30"}, "date"),
    ({"kind": "protocol", "surprise": 1}, "surprise"),
])
async def test_bad_input_names_the_field(client, staff, negotiation, body, field):
    before = (await client.get(f"/api/v1/meetings/{negotiation['meeting']['id']}/documents", headers=staff["hr"].headers)).json()
    r = await _make(client, staff["hr"], negotiation["meeting"]["id"], **body)
    assert r.status_code == 400, r.text
    assert r.json()["field"] == field
    after = (await client.get(f"/api/v1/meetings/{negotiation['meeting']['id']}/documents", headers=staff["hr"].headers)).json()
    assert after == before


async def test_a_missing_or_changed_file_is_reported_not_served(client, staff, negotiation, settings):
    hr = staff["hr"]
    made = (await _make(client, hr, negotiation["meeting"]["id"], kind="protocol")).json()
    path = settings.documents_dir / made["sha256"][:2] / f"{made['sha256']}.docx"
    path.write_bytes(path.read_bytes() + b"tampered")
    r = await client.get(f"/api/v1/documents/{made['id']}", headers=hr.headers)
    assert r.status_code == 503 and "ändrats" in r.json()["detail"]
    path.unlink()
    r = await client.get(f"/api/v1/documents/{made['id']}", headers=hr.headers)
    assert r.status_code == 503 and "saknas" in r.json()["detail"]


async def test_an_individual_matter_stays_with_hr_and_its_parties(client, staff, org, negotiation):
    """A department user does not see an individärende on the meeting page; nor in a document."""
    hr, department, union, meeting = staff["hr"], staff["department"], staff["union"], negotiation["meeting"]
    personal = (await client.post("/api/v1/matters", json={
        "title": "Omplacering av N.N.", "kind": "negotiation_on_request", "department_id": org.department_id,
        "union_ids": [org.union_id], "personal_data": True}, headers=hr.headers)).json()
    r = await client.post(f"/api/v1/meetings/{meeting['id']}/agenda", json={
        "title": "Omplacering", "kind": "negotiation", "matter_id": personal["id"]}, headers=hr.headers)
    assert r.status_code == 201, r.text
    full = (await _make(client, hr, meeting["id"], kind="protocol")).json()
    assert "Omplacering av N.N." in text_of((await _download(client, hr, full["id"])).content)

    assert (await client.get(f"/api/v1/documents/{full['id']}", headers=department.headers)).status_code == 404
    listed = (await client.get(f"/api/v1/meetings/{meeting['id']}/documents", headers=department.headers)).json()
    assert full["id"] not in {d["id"] for d in listed}
    refused = await _make(client, department, meeting["id"], kind="protocol")
    assert refused.status_code == 403 and refused.json()["field"] == "audience"
    zipped = await client.get(f"/api/v1/meetings/{meeting['id']}/documents.zip", headers=department.headers)
    assert zipped.status_code == 403
    # Vision is a party to it and gets it in its own copy; Kommunal's copy shows the item's number only.
    vision = (await _make(client, union, meeting["id"], kind="protocol", audience=f"union:{org.union_id}")).json()
    assert "Omplacering av N.N." in text_of((await _download(client, union, vision["id"])).content)
    kommunal = (await _make(client, hr, meeting["id"], kind="protocol", audience=f"union:{org.other_union_id}")).json()
    kommunal_text = text_of((await _download(client, hr, kommunal["id"])).content)
    assert "Omplacering av N.N." not in kommunal_text and "Punkt om ett ärende som du inte har tillgång till" in kommunal_text
