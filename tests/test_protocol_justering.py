"""Protocol justering over the API: sent for justering, commented, a proposal accepted (a new
version, approval starts over), approved by each party's justerare only, locked with its copies
sent, edits refused after the lock, reopened by HR with a reason; approvals at the same moment."""

from __future__ import annotations

import asyncio

import pytest
from conftest import login
from meeting_fixtures import negotiation, staff  # noqa: F401 (fixtures)

from samverkan.documents.render import text_of


@pytest.fixture
async def justering(client, staff, org, negotiation, make_caller):
    """The negotiation, held, with a login for each party's designated justerare."""
    hr, meeting = staff["hr"], negotiation["meeting"]
    people = {a["union_id"]: a["person_id"] for a in meeting["approvers"]}
    for union_id, email in ((org.union_id, "sara.oberg@vision.example"), (org.other_union_id, "jonas@kommunal.example")):
        r = await client.patch(f"/api/v1/people/{people[union_id]}", json={"email": email}, headers=hr.headers)
        assert r.status_code == 200, r.text
    held = await client.patch(f"/api/v1/meetings/{meeting['id']}", json={"status": "held"}, headers=hr.headers)
    assert held.status_code == 200, held.text
    return {
        **negotiation,
        "employer": await make_caller("hr", email="per.ek@lund.example"),  # the chair, the employer's justerare
        "vision": await make_caller("union", union_id=org.union_id, email="sara.oberg@vision.example"),
        "kommunal": await make_caller("union", union_id=org.other_union_id, email="jonas@kommunal.example"),
        "vision_other": await make_caller("union", union_id=org.union_id),  # of Vision, but not its justerare
        "url": f"/api/v1/meetings/{meeting['id']}/protocol",
    }


async def _post(client, caller, url, body=None):
    return await client.post(url, json=body or {}, headers=caller.headers)


async def test_journey_from_sending_to_the_locked_protocol(client, staff, org, justering):
    from samverkan.reminders.tables import OutboxMessage

    hr, url, item = staff["hr"], justering["url"], justering["item"]
    assert (await client.get(url, headers=hr.headers)).json()["state"] == "draft"
    sent = await _post(client, hr, f"{url}/submit")
    assert sent.status_code == 200, sent.text
    protocol = sent.json()
    assert protocol["state"] == "in_review" and protocol["version"]["number"] == 1 and protocol["version"]["due"]
    assert [p["label"] for p in protocol["parties"]] == ["Arbetsgivaren", "Vision", "Kommunal"]
    assert [p["justerare"] for p in protocol["parties"]] == ["Per Ek", "Sara Öberg", "Jonas Åkesson"]
    told = {r["to_address"] for r in await OutboxMessage.select(OutboxMessage.to_address).where(OutboxMessage.kind == "justering")}
    assert told == {"per.ek@lund.example", "sara.oberg@vision.example", "jonas@kommunal.example"}

    # While in review the record is frozen: changes go through proposals.
    frozen = await client.patch(f"/api/v1/meetings/{justering['meeting']['id']}", json={"place": "Annan"}, headers=hr.headers)
    assert frozen.status_code == 409 and frozen.json()["field"] == "protocol"

    commented = await _post(client, justering["vision"], f"{url}/comments", {"agenda_item_id": item["id"], "text": "Stavfel i § 1."})
    assert commented.status_code == 201 and commented.json()["comments"][0]["party"] == f"union:{org.union_id}"
    proposed = await _post(client, justering["vision"], f"{url}/proposals", {
        "agenda_item_id": item["id"], "outcome": "agreement", "note": "Vision vill följa upp arbetsmiljön i oktober."})
    assert proposed.status_code == 201, proposed.text
    proposal = proposed.json()["proposals"][0]
    early = await _post(client, justering["kommunal"], f"{url}/approve")
    assert early.status_code == 200
    accepted = await _post(client, hr, f"{url}/proposals/{proposal['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    protocol = accepted.json()
    assert protocol["version"]["number"] == 2 and protocol["versions"][0]["state"] == "superseded"
    assert all(p["approved_at"] is None for p in protocol["parties"]), "approval starts over on a new version"
    v2 = (await client.get(f"{url}/versions/2", headers=hr.headers)).json()
    vision_note = next(p["note"] for p in v2["record"]["items"][0]["positions"] if p["union_id"] == org.union_id)
    assert vision_note == "Vision vill följa upp arbetsmiljön i oktober."

    # Only each party's justerare approves for it.
    wrong = await _post(client, justering["vision_other"], f"{url}/approve")
    assert wrong.status_code == 403 and wrong.json()["field"] == "party"
    department = await _post(client, staff["department"], f"{url}/approve")
    assert department.status_code == 403
    for party in ("kommunal", "vision"):
        assert (await _post(client, justering[party], f"{url}/approve")).status_code == 200
    last = await _post(client, justering["employer"], f"{url}/approve")
    assert last.status_code == 200, last.text
    protocol = last.json()
    assert protocol["state"] == "approved" and protocol["version"]["locked_at"] and len(protocol["version"]["seal"]) == 64
    copies = protocol["version"]["documents"]
    assert sorted(c["audience"] for c in copies) == sorted(["department", f"union:{org.union_id}", f"union:{org.other_union_id}"])
    vision_copy = next(c for c in copies if c["audience"] == f"union:{org.union_id}")
    body = await client.get(f"/api/v1/documents/{vision_copy['id']}", headers=justering["vision"].headers)
    assert body.status_code == 200 and "► Protokollsanteckning från Vision (ert exemplar): Vision vill följa upp arbetsmiljön i oktober." in text_of(body.content)
    # The justerade copy carries its justering instead of blank lines: who, when, the version's hash.
    copy_text = text_of(body.content)
    sha = protocol["version"]["record_sha256"]
    assert "Justering" in copy_text and "Ort och datum" not in copy_text and "____" not in copy_text
    for line in ("För arbetsgivaren: Test hr, justerat ", "För Vision: Test union, justerat ", "För Kommunal: Test union, justerat "):
        assert line in copy_text, copy_text
    assert f"{sha[:4]} {sha[4:8]} {sha[8:12]} {sha[12:16]}" in copy_text
    assert f"/moten/{justering['meeting']['id']}/protokoll" in copy_text

    sent_copies = await OutboxMessage.select(OutboxMessage.to_address, OutboxMessage.attachment).where(OutboxMessage.kind == "protocol")
    assert {m["to_address"]: m["attachment"] for m in sent_copies}["sara.oberg@vision.example"] == vision_copy["id"]
    events = (await client.get(f"/api/v1/matters/{justering['matter']['id']}", headers=hr.headers)).json()["events"]
    assert "protocol_approved" in {e["type"] for e in events}

    # Locked: the record cannot change, and nothing more can be approved or proposed.
    for method, path, body in (("PATCH", f"/api/v1/meetings/{justering['meeting']['id']}", {"place": "Annan"}),
                               ("POST", f"/api/v1/meetings/{justering['meeting']['id']}/agenda", {"title": "Ny"}),
                               ("PATCH", f"/api/v1/meetings/{justering['meeting']['id']}/agenda/{item['id']}", {"text": "Ändrat"})):
        refused = await client.request(method, path, json=body, headers=hr.headers)
        assert refused.status_code == 409, (path, refused.text)
    assert (await _post(client, justering["vision"], f"{url}/proposals", {"agenda_item_id": item["id"], "note": "x"})).status_code == 409

    # Reopening: HR only, with a reason; a new version must then be approved anew.
    assert (await _post(client, justering["vision"], f"{url}/reopen", {"reason": "x"})).status_code == 403
    no_reason = await _post(client, hr, f"{url}/reopen", {"reason": " "})
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "reason"
    reopened = await _post(client, hr, f"{url}/reopen", {"reason": "Fel datum i § 1."})
    assert reopened.status_code == 200 and reopened.json()["state"] == "draft"
    assert reopened.json()["versions"][-1]["state"] == "reopened" and reopened.json()["versions"][-1]["ended_reason"] == "Fel datum i § 1."
    assert (await client.patch(f"/api/v1/meetings/{justering['meeting']['id']}", json={"place": "Rådhuset"}, headers=hr.headers)).status_code == 200
    again = await _post(client, hr, f"{url}/submit")
    assert again.json()["version"]["number"] == 3 and again.json()["state"] == "in_review"
    assert (await client.get(f"{url}/versions/2", headers=hr.headers)).json()["state"] == "reopened"


async def test_approvals_at_the_same_moment_are_recorded_once_and_lock_once(client, staff, org, justering):
    from samverkan.protocols.tables import Approval

    url = justering["url"]
    assert (await _post(client, staff["hr"], f"{url}/submit")).status_code == 200
    twice = await asyncio.gather(*[_post(client, justering["vision"], f"{url}/approve") for _ in range(2)])
    assert [r.status_code for r in twice] == [200, 200]
    assert await Approval.count().where(Approval.party == f"union:{org.union_id}") == 1
    both = await asyncio.gather(_post(client, justering["kommunal"], f"{url}/approve"),
                                _post(client, justering["employer"], f"{url}/approve"))
    assert [r.status_code for r in both] == [200, 200]
    protocol = (await client.get(url, headers=staff["hr"].headers)).json()
    assert protocol["state"] == "approved" and await Approval.count() == 3
    assert len(protocol["version"]["documents"]) == 3


async def test_sending_needs_a_held_meeting_and_the_employer_side(client, staff, negotiation):
    url = f"/api/v1/meetings/{negotiation['meeting']['id']}/protocol"
    draft = await client.post(f"/api/v1/meetings/{negotiation['meeting']['id']}/documents", json={"kind": "protocol"},
                              headers=staff["hr"].headers)
    assert draft.status_code == 201, draft.text  # a draft keeps the lines for justering on paper
    draft_text = text_of((await client.get(f"/api/v1/documents/{draft.json()['id']}", headers=staff["hr"].headers)).content)
    assert "Ort och datum: ____" in draft_text and "kontrollsumma" not in draft_text
    early = await _post(client, staff["hr"], f"{url}/submit")
    assert early.status_code == 409 and early.json()["field"] == "status"
    assert (await _post(client, staff["union"], f"{url}/submit")).status_code == 403
    assert (await _post(client, staff["union"], f"{url}/approve")).status_code == 409  # nothing in review


async def test_a_proposal_changes_only_the_fields_it_names(client, staff, org, justering):
    """Kommunal proposes only a protokollsanteckning (outcome "Oförändrat"): once accepted, its
    disagreement, reservation and request for central negotiation are still there."""
    hr, url, item = staff["hr"], justering["url"], justering["item"]
    assert (await _post(client, hr, f"{url}/submit")).status_code == 200
    proposed = await _post(client, justering["kommunal"], f"{url}/proposals",
                           {"agenda_item_id": item["id"], "note": "Kommunal följer upp bemanningen."})
    assert proposed.status_code == 201, proposed.text
    pid = proposed.json()["proposals"][0]["id"]
    await login(client, hr.email, hr.password)
    page = (await client.get(f"/moten/{justering['meeting']['id']}/protokoll")).text
    start = page.index('<details class="accept">')
    shown = page[start:page.index("</details>", start)]  # the difference, before confirming
    assert "Kommunal följer upp bemanningen." in shown and "Bekräfta" in shown and "Oenighet" not in shown
    accepted = await _post(client, hr, f"{url}/proposals/{pid}/accept")
    assert accepted.status_code == 200, accepted.text
    v2 = (await client.get(f"{url}/versions/2", headers=hr.headers)).json()
    kommunal = next(p for p in v2["record"]["items"][0]["positions"] if p["union_id"] == org.other_union_id)
    assert kommunal["outcome"] == "disagreement" and kommunal["reservation"] == "bemanningen räcker inte"
    assert kommunal["central_requested"] is True and kommunal["note"] == "Kommunal följer upp bemanningen."
    vision = next(p for p in v2["record"]["items"][0]["positions"] if p["union_id"] == org.union_id)
    assert vision["outcome"] == "agreement" and vision["note"] == "Vision vill följa upp arbetsmiljön."
    compared = (await client.get(f"/moten/{justering['meeting']['id']}/protokoll/jamfor?fran=1&till=2")).text
    assert '<span class="added">+   Protokollsanteckning från Kommunal: Kommunal följer upp bemanningen.</span>' in compared
    assert "Kommunal: oenighet; reservation: bemanningen räcker inte" in compared and "disagreement" not in compared
    assert compared.count('<code class="hash">') == 2


async def test_comments_proposals_and_answers_are_told_both_ways(client, staff, org, justering, make_caller):
    """Comment → the minute-taker and HR; proposal → the minute-taker; accepted or rejected → the
    proposing union's justerare: each as an e-mail and an in-app notice (one outbox row)."""
    from samverkan.reminders.tables import OutboxMessage

    hr, url, item, meeting = staff["hr"], justering["url"], justering["item"], justering["meeting"]
    r = await client.patch(f"/api/v1/people/{meeting['minute_taker_id']}", json={"email": "anna@lund.example"}, headers=hr.headers)
    assert r.status_code == 200, r.text
    scribe = await make_caller("department", department_id=org.department_id, email="anna@lund.example")
    assert (await _post(client, hr, f"{url}/submit")).status_code == 200

    async def told(kind):
        return {m["to_address"]: m for m in await OutboxMessage.select().where(OutboxMessage.kind == kind)}

    assert (await _post(client, justering["vision"], f"{url}/comments", {"text": "Stavfel."})).status_code == 201
    comments = await told("comment")
    assert {"anna@lund.example", hr.email} <= set(comments) and "sara.oberg@vision.example" not in comments
    assert comments["anna@lund.example"]["user"] == scribe.user_id and comments["anna@lund.example"]["link"].endswith("/protokoll")
    assert "Stavfel" not in comments["anna@lund.example"]["body"]  # mail names the item, not the text

    for union, note in (("vision", "Vision följer upp."), ("kommunal", "Kommunal följer upp.")):
        assert (await _post(client, justering[union], f"{url}/proposals", {"agenda_item_id": item["id"], "note": note})).status_code == 201
    assert set(await told("proposal")) == {"anna@lund.example"}
    notices = (await client.get("/api/v1/notifications", headers=scribe.headers)).json()
    assert any("Förslag till ändring" in n["title"] for n in notices["items"]), notices

    proposals = (await client.get(url, headers=hr.headers)).json()["proposals"]
    rejected = await _post(client, hr, f"{url}/proposals/{proposals[1]['id']}/reject", {"reason": "Sades inte på mötet."})
    assert rejected.status_code == 200, rejected.text
    accepted = await _post(client, hr, f"{url}/proposals/{proposals[0]['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    answers = await told("decision")
    assert set(answers) == {"sara.oberg@vision.example", "jonas@kommunal.example"}
    assert "godtaget" in answers["sara.oberg@vision.example"]["subject"] and "version 2" in answers["sara.oberg@vision.example"]["body"]
    assert "avslaget" in answers["jonas@kommunal.example"]["subject"] and "Sades inte på mötet." in answers["jonas@kommunal.example"]["body"]


async def test_the_start_page_shows_what_waits_for_each_role(client, staff, org, justering, make_caller):
    hr, url, item = staff["hr"], justering["url"], justering["item"]
    title = justering["meeting"]["title"]
    assert (await _post(client, hr, f"{url}/submit")).status_code == 200
    assert (await _post(client, justering["vision"], f"{url}/proposals", {"agenda_item_id": item["id"], "note": "x"})).status_code == 201

    vision = justering["vision"]
    await login(client, vision.email, vision.password)
    page = (await client.get("/")).text
    waiting = page[page.index("todo-justering"):page.index("</section>", page.index("todo-justering"))]
    assert "Protokoll som väntar på er justering" in waiting and title in waiting and "sista dag" in waiting
    assert "todo-feedback" not in page and "utkorgen" not in page.lower()

    client.cookies.clear()
    await login(client, hr.email, hr.password)
    page = (await client.get("/")).text
    feedback = page[page.index("todo-feedback"):page.index("</section>", page.index("todo-feedback"))]
    assert title in feedback and "1 förslag" in feedback
    assert "Protokoll under justering" in page and "väntar på Arbetsgivaren, Vision, Kommunal" in page

    pid = (await client.get(url, headers=hr.headers)).json()["proposals"][0]["id"]
    assert (await _post(client, hr, f"{url}/proposals/{pid}/reject")).status_code == 200
    for party in ("vision", "kommunal", "employer"):
        assert (await _post(client, justering[party], f"{url}/approve")).status_code == 200
    client.cookies.clear()
    await login(client, vision.email, vision.password)
    page = (await client.get("/")).text
    approved = page[page.index("todo-approved"):]
    assert title in approved and "Ladda ner ert exemplar (Word)" in approved and 'hx-boost="false" download' in approved


async def test_the_start_page_of_a_department_and_an_administrator(client, org, make_caller):
    department = await make_caller("department", department_id=org.department_id)
    await login(client, department.email, department.password)
    page = (await client.get("/")).text
    assert "Kommande möten" in page and "Öppna åtgärder i handlingsplanen" in page and "Förvaltningens frister" in page
    assert "todo-justering" not in page and "Utkorgen" not in page
    client.cookies.clear()
    admin = await make_caller("admin")
    await login(client, admin.email, admin.password)
    page = (await client.get("/")).text
    assert "Utkorgen" in page and "Samverkansgrupper" in page and "todo-deadlines" not in page


async def test_the_justerade_copy_names_the_papers_frozen_when_sent(client, staff, org, justering):
    """The papers as they were when the protocol was sent for justering are the justerade copy's
    bilagor, each with its sha256; a paper removed after sending does not change the sealed copy."""
    import hashlib
    import io

    from docx import Document
    from paper_files import PDF, docx

    hr, url, meeting_id = staff["hr"], justering["url"], justering["meeting"]["id"]
    plan = docx("Omorganisationsplan")
    uploaded = []
    for name, data in (("Omorganisationsplan.docx", plan), ("Riskbedömning åäö.pdf", PDF)):
        r = await client.post(f"/api/v1/meetings/{meeting_id}/papers", files={"file": (name, data)}, headers=hr.headers)
        assert r.status_code == 201, r.text
        uploaded.append(r.json())
    assert [p["sha256"] for p in uploaded] == [hashlib.sha256(plan).hexdigest(), hashlib.sha256(PDF).hexdigest()]
    assert (await _post(client, hr, f"{url}/submit")).status_code == 200
    removed = await client.request("DELETE", f"/api/v1/papers/{uploaded[1]['id']}", json={"reason": "Fel version"}, headers=hr.headers)
    assert removed.status_code == 204, removed.text
    assert [p["id"] for p in (await client.get(f"/api/v1/meetings/{meeting_id}/papers", headers=hr.headers)).json()] == [uploaded[0]["id"]]

    for party in ("vision", "kommunal", "employer"):
        assert (await _post(client, justering[party], f"{url}/approve")).status_code == 200
    protocol = (await client.get(url, headers=hr.headers)).json()
    assert protocol["state"] == "approved" and len(protocol["version"]["seal"]) == 64
    for copy in protocol["version"]["documents"]:
        body = await client.get(f"/api/v1/documents/{copy['id']}", headers=hr.headers)
        assert body.status_code == 200
        assert hashlib.sha256(body.content).hexdigest() == copy["sha256"]  # the sealed bytes
        paragraphs = [p.text for p in Document(io.BytesIO(body.content)).paragraphs]
        cells = [c.text for t in Document(io.BytesIO(body.content)).tables for row in t.rows for c in row.cells]
        lines = paragraphs + cells
        start = next(i for i, line in enumerate(lines) if line.strip().startswith("Bilagor"))
        end = next(i for i in range(start, len(lines)) if lines[i].startswith("Justering"))
        bilagor = "\n".join(lines[start:end])
        for paper in uploaded:  # both, the removed one too: the list was frozen when sent
            assert f"{paper['title']} ({paper['filename']}, SHA-256 {paper['sha256']})" in bilagor, bilagor
