"""Papers (underlag) over the API: every accepted kind, every refusal, nothing half-stored, access
as every role (a union that is not a party, an individärende), download byte-identical and audited,
removal with a reason."""

from __future__ import annotations

import hashlib

from meeting_fixtures import negotiation, staff  # noqa: F401 (fixtures)
from paper_files import ACCEPTED, EXE, PDF, docx, zip_bomb


async def _upload(client, caller, owner: str, owner_id: int, name: str, data: bytes, **fields):
    return await client.post(f"/api/v1/{owner}/{owner_id}/papers", files={"file": (name, data)}, data=fields, headers=caller.headers)


async def _count():
    from samverkan.papers.tables import Paper

    return await Paper.count()


async def test_each_accepted_kind_round_trips_byte_identical_and_is_audited(client, staff, negotiation, settings):
    hr, union = staff["hr"], staff["union"]
    meeting_id = negotiation["meeting"]["id"]
    for name, (media_type, data) in ACCEPTED.items():
        r = await _upload(client, hr, "meetings", meeting_id, name, data)
        assert r.status_code == 201, (name, r.text)
        paper = r.json()
        assert paper["media_type"] == media_type and paper["size"] == len(data), name
        assert paper["sha256"] == hashlib.sha256(data).hexdigest() and paper["filename"] == name
        assert paper["uploaded_by"] == "Test hr"
        stored = settings.documents_dir / paper["sha256"][:2]
        assert any(p.name.startswith(paper["sha256"]) for p in stored.iterdir())
        got = await client.get(f"/api/v1/papers/{paper['id']}", headers=union.headers)
        assert got.status_code == 200, got.text
        assert got.content == data and got.headers["content-type"].startswith(media_type.split(";")[0])
        assert "filename*=UTF-8''" in got.headers["content-disposition"]
    listed = (await client.get(f"/api/v1/meetings/{meeting_id}/papers", headers=union.headers)).json()
    assert [p["filename"] for p in listed] == list(ACCEPTED)
    log = (await client.get("/api/v1/audit?entity=paper", headers=staff["admin"].headers)).json()
    actions = [e["action"] for e in log["items"]]
    assert actions.count("download") == len(ACCEPTED) and actions.count("upload") == len(ACCEPTED)


REFUSED = [
    ("budget.pdf", EXE, "Filen är inte en PDF"),
    ("budget.docx", PDF, "Filen är inte ett Word-dokument"),
    ("program.exe", EXE, "Filtypen tas inte emot"),
    ("tom.pdf", b"", "Filen är tom"),
    ("../../etc/passwd.txt", b"hej", "sökvägar"),
    ("a\\b.pdf", PDF, "sökvägar"),
    ("bomb.docx", None, "zip-bomb"),
    ("binär.txt", b"abc\x00\x01def", "Filen är inte en textfil"),
]


async def test_refusals_name_the_field_and_store_nothing(client, staff, negotiation):
    for name, data, message in REFUSED:
        data = zip_bomb() if data is None else data
        r = await _upload(client, staff["hr"], "meetings", negotiation["meeting"]["id"], name, data)
        assert r.status_code == 400, (name, r.text)
        assert '"file"' in r.text and message in r.text, (name, r.text)
    assert await _count() == 0


async def test_too_large_a_file_is_refused(client, staff, negotiation, settings, monkeypatch):
    import dataclasses

    small = dataclasses.replace(settings, paper_max_mb=1)
    monkeypatch.setattr(client.app.state, "settings", small)
    big = PDF + b"0" * (1024 * 1024)
    r = await _upload(client, staff["hr"], "meetings", negotiation["meeting"]["id"], "stor.pdf", big)
    assert r.status_code == 400 and "större än 1 MB" in r.text and '"file"' in r.text
    r = await _upload(client, staff["hr"], "meetings", negotiation["meeting"]["id"], "stor.pdf", big + b"0" * (1024 * 1024))
    assert r.status_code == 400 and "större än 1 MB" in r.text
    assert await _count() == 0


async def test_missing_file_and_bad_fields(client, staff, negotiation):
    hr, meeting_id = staff["hr"], negotiation["meeting"]["id"]
    r = await client.post(f"/api/v1/meetings/{meeting_id}/papers", data={"title": "x"}, files={"other": ("a.pdf", PDF)}, headers=hr.headers)
    assert r.status_code == 400 and '"file"' in r.text
    r = await _upload(client, hr, "meetings", meeting_id, "a.pdf", PDF, agenda_item_id="999999")
    assert r.status_code == 400 and "agenda_item_id" in r.text
    r = await _upload(client, hr, "meetings", meeting_id, "a.pdf", PDF, agenda_item_id="x")
    assert r.status_code == 400 and "agenda_item_id" in r.text
    r = await _upload(client, hr, "meetings", meeting_id, "a.pdf", PDF, title="x" * 301)
    assert r.status_code == 400 and '"title"' in r.text
    r = await _upload(client, hr, "matters", negotiation["matter"]["id"], "a.pdf", PDF,
                      agenda_item_id=str(negotiation["item"]["id"]))
    assert r.status_code == 400 and "agenda_item_id" in r.text
    assert await _count() == 0
    r = await _upload(client, hr, "meetings", meeting_id, "a.pdf", PDF, title="Budget 2027", agenda_item_id=str(negotiation["item"]["id"]))
    assert r.status_code == 201 and r.json()["title"] == "Budget 2027" and r.json()["agenda_item_id"] == negotiation["item"]["id"]


async def test_access_follows_the_meeting_and_the_matter(client, staff, org, negotiation, make_caller):
    hr, department, union = staff["hr"], staff["department"], staff["union"]
    outsider = await make_caller("union", union_id=(await _third_union()))
    other_department = await make_caller("department", department_id=org.other_department_id)
    meeting_id, matter_id = negotiation["meeting"]["id"], negotiation["matter"]["id"]
    on_meeting = (await _upload(client, hr, "meetings", meeting_id, "a.pdf", PDF)).json()
    on_matter = (await _upload(client, department, "matters", matter_id, "b.pdf", PDF)).json()
    for paper, owner, owner_id in ((on_meeting, "meetings", meeting_id), (on_matter, "matters", matter_id)):
        for caller in (hr, department, union, staff["admin"]):
            assert (await client.get(f"/api/v1/papers/{paper['id']}", headers=caller.headers)).status_code == 200
            assert len((await client.get(f"/api/v1/{owner}/{owner_id}/papers", headers=caller.headers)).json()) == 1
        for caller in (outsider, other_department):
            assert (await client.get(f"/api/v1/papers/{paper['id']}", headers=caller.headers)).status_code == 404
            assert (await client.get(f"/api/v1/{owner}/{owner_id}/papers", headers=caller.headers)).status_code == 404
    # Only the employer that may change the meeting uploads; a union user is refused by role.
    assert (await _upload(client, union, "meetings", meeting_id, "c.pdf", PDF)).status_code == 403
    assert (await _upload(client, other_department, "meetings", meeting_id, "c.pdf", PDF)).status_code == 404
    assert (await client.get("/api/v1/papers/999999", headers=hr.headers)).status_code == 404


async def _third_union() -> int:
    from samverkan.orgs import schemas as s
    from samverkan.orgs import service

    return (await service.create_union(s.UnionCreate(name="Lärarförbundet", federation="Sveriges Lärare", confederation="TCO"))).id


async def test_an_individarende_paper_is_for_hr_and_its_parties_only(client, staff, org, make_caller):
    hr, department, union = staff["hr"], staff["department"], staff["union"]
    matter = (await client.post("/api/v1/matters", json={
        "title": "Omplacering", "kind": "primary_negotiation", "department_id": org.department_id, "union_ids": [org.other_union_id],
        "personal_data": True,
    }, headers=hr.headers)).json()
    meeting = (await client.post("/api/v1/meetings", json={
        "kind": "negotiation", "title": "Förhandling", "department_id": org.department_id,
        "union_ids": [org.union_id, org.other_union_id], "starts_at": "2027-03-02T09:00:00+01:00", "ends_at": "2027-03-02T10:00:00+01:00",
    }, headers=hr.headers)).json()
    item = (await client.post(f"/api/v1/meetings/{meeting['id']}/agenda", json={"title": "Omplacering", "kind": "negotiation",
                                                                                    "matter_id": matter["id"]}, headers=hr.headers)).json()
    on_matter = (await _upload(client, hr, "matters", matter["id"], "läkarintyg.pdf", PDF)).json()
    on_item = (await _upload(client, hr, "meetings", meeting["id"], "underlag.pdf", PDF, agenda_item_id=str(item["id"]))).json()
    kommunal = await make_caller("union", union_id=org.other_union_id)
    for paper in (on_matter, on_item):
        assert (await client.get(f"/api/v1/papers/{paper['id']}", headers=hr.headers)).status_code == 200
        assert (await client.get(f"/api/v1/papers/{paper['id']}", headers=kommunal.headers)).status_code == 200
        # Vision is a party to the meeting but not to the individärende; the department never sees one.
        assert (await client.get(f"/api/v1/papers/{paper['id']}", headers=union.headers)).status_code == 404
        assert (await client.get(f"/api/v1/papers/{paper['id']}", headers=department.headers)).status_code == 404
    assert (await client.get(f"/api/v1/meetings/{meeting['id']}/papers", headers=union.headers)).json() == []
    assert len((await client.get(f"/api/v1/meetings/{meeting['id']}/papers", headers=kommunal.headers)).json()) == 1


async def test_removal_keeps_the_row_with_the_reason(client, staff, negotiation):
    hr, union = staff["hr"], staff["union"]
    paper = (await _upload(client, hr, "meetings", negotiation["meeting"]["id"], "a.docx", docx())).json()
    r = await client.request("DELETE", f"/api/v1/papers/{paper['id']}", json={"reason": "Fel version"}, headers=union.headers)
    assert r.status_code == 403
    r = await client.request("DELETE", f"/api/v1/papers/{paper['id']}", json={}, headers=hr.headers)
    assert r.status_code == 400 and "reason" in r.text
    r = await client.request("DELETE", f"/api/v1/papers/{paper['id']}", json={"reason": "Fel version"}, headers=hr.headers)
    assert r.status_code == 204, r.text
    assert (await client.get(f"/api/v1/papers/{paper['id']}", headers=hr.headers)).status_code == 404
    assert (await client.get(f"/api/v1/meetings/{negotiation['meeting']['id']}/papers", headers=hr.headers)).json() == []
    assert await _count() == 1
    r = await client.request("DELETE", f"/api/v1/papers/{paper['id']}", json={"reason": "igen"}, headers=hr.headers)
    assert r.status_code == 404


async def test_a_protocol_sent_for_justering_freezes_its_bilagor_with_their_sha256(client, staff, negotiation, settings):
    from samverkan.documents import record as rec
    from samverkan.documents import service as documents
    from samverkan.documents.kinds import Audience
    from samverkan.documents.render import text_of
    from samverkan.protocols import service as protocols

    hr, meeting_id = staff["hr"], negotiation["meeting"]["id"]
    plan = (await _upload(client, hr, "meetings", meeting_id, "Plan.docx", docx("Plan"))).json()
    budget = (await _upload(client, hr, "meetings", meeting_id, "Budget.pdf", PDF)).json()
    assert (await client.patch(f"/api/v1/meetings/{meeting_id}", json={"status": "held"}, headers=hr.headers)).status_code == 200
    assert (await client.post(f"/api/v1/meetings/{meeting_id}/protocol/submit", headers=hr.headers)).status_code == 200
    # Afterwards the list changes; the version sent keeps what it was sent with.
    await client.request("DELETE", f"/api/v1/papers/{budget['id']}", json={"reason": "Ersatt"}, headers=hr.headers)
    await _upload(client, hr, "meetings", meeting_id, "Ny budget.pdf", PDF + b"%2")
    version = (await client.get(f"/api/v1/meetings/{meeting_id}/protocol/versions/1", headers=staff["union"].headers)).json()
    assert [(p["title"], p["sha256"]) for p in version["record"]["papers"]] == [("Plan", plan["sha256"]), ("Budget", budget["sha256"])]
    frozen = (await protocols.get_version(protocols.SYSTEM, meeting_id, 1)).record
    document = await documents.produce_from_record(protocols.SYSTEM, frozen, None, "protocol", Audience("all"), rec.Options(), settings)
    text = text_of((await documents.stored_file(document.id, settings))[1])
    assert "Bilagor" in text and f"Plan (Plan.docx, SHA-256 {plan['sha256']})" in text and budget["sha256"] in text
    assert "Ny budget" not in text
