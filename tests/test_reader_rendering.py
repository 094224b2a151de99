"""What each reader sees of a meeting's record, on every path that renders it (docs/access.md):
the protocol page, the comparison page, the API (protocol, versions, comments, proposals), every
document kind and copy (the common one, the employer's, each union's, extracts, the zip), the
protocol e-mails received over real SMTP, and the sealed copies, which are made from the
approved record and nothing else.

The meeting has two items hidden from somebody: B, about a matter Kommunal is not a party to
although it sits at the meeting ("present but not a party"), and C, an individärende of Vision's
that neither Kommunal nor the department user may read."""

from __future__ import annotations

import io
import re
import zipfile

import msgspec
import pytest

from conftest import login, settings_with
from samverkan.documents.render import text_of

# The pages and deadlines drawn here count from "today"; the meetings are dated by hand.
pytestmark = pytest.mark.usefixtures("frozen")

ITEM_A = "Gemensamma scheman"
SECRETS = {
    "B": ("Digitala lås i hemtjänsten", "Låsen byts under vecka 12", "Vision vill se avtalet om låsen"),
    "C": ("Nils Nilsson", "Arbetsgivaren föreslår omplacering till Solgården", "Vision reserverar sig mot omplaceringen"),
}
# The hidden items each reader may read: HR and administrators all; the department user all but
# the individärende; Vision, a party to both matters, both; Kommunal neither.
READS = {"admin": {"B", "C"}, "hr": {"B", "C"}, "department": {"B"}, "vision": {"B", "C"}, "kommunal": set()}
READERS = tuple(READS)
LETTER = {"negotiation": "notice", "samverkan": "agenda"}


def shown(text: str) -> set[str]:
    """The hidden items of which anything appears in the text (a title, a text, a position)."""
    return {name for name, needles in SECRETS.items() if any(n in text for n in needles)}


def marker(reader: str, item: str, what: str = "synpunkt") -> str:
    return f"{what} från {reader} om punkt {item}"


@pytest.fixture
async def scene(request, client, org, make_caller):
    """A held meeting of Vision and Kommunal with items A (both parties'), B and C; the employer's
    justerare (Per Ek) signs in as a department user."""
    kind = getattr(request, "param", "negotiation")
    hr = await make_caller("hr")

    async def post(path, body):
        r = await client.post(path, json=body, headers=hr.headers)
        assert r.status_code == 201, r.text
        return r.json()

    vision, kommunal = org.union_id, org.other_union_id
    matters = {
        "A": await post("/api/v1/matters", {"title": "Nya scheman", "kind": "primary_negotiation",
                                            "department_id": org.department_id, "union_ids": [vision, kommunal]}),
        "B": await post("/api/v1/matters", {"title": SECRETS["B"][0], "kind": "primary_negotiation",
                                            "department_id": org.department_id, "union_ids": [vision]}),
        "C": await post("/api/v1/matters", {"title": "Omplacering av Nils Nilsson", "kind": "negotiation_on_request",
                                            "department_id": org.department_id, "union_ids": [vision], "personal_data": True}),
    }
    chair = await post("/api/v1/people", {"name": "Per Ek", "side": "employer", "department_id": org.department_id,
                                          "email": "per.ek@lund.example"})
    sara = await post("/api/v1/people", {"name": "Sara Öberg", "side": "union", "union_id": vision, "email": "sara@vision.example"})
    jonas = await post("/api/v1/people", {"name": "Jonas Åkesson", "side": "union", "union_id": kommunal,
                                          "email": "jonas@kommunal.example"})
    meeting = await post("/api/v1/meetings", {
        "kind": kind, "title": "Möte om hemtjänsten", "department_id": org.department_id, "union_ids": [vision, kommunal],
        "starts_at": "2026-03-02T09:00:00+01:00", "ends_at": "2026-03-02T10:30:00+01:00", "place": "Stadshuset",
        "chair_id": chair["id"], "approvers": [{"union_id": None, "person_id": chair["id"]},
                                               {"union_id": vision, "person_id": sara["id"]},
                                               {"union_id": kommunal, "person_id": jonas["id"]}]})
    for person in (chair, sara, jonas):
        await post(f"/api/v1/meetings/{meeting['id']}/participants", {"person_id": person["id"], "present": True})
    item_kind = "negotiation" if kind == "negotiation" else "samverkan"
    items = {
        "A": await post(f"/api/v1/meetings/{meeting['id']}/agenda", {
            "title": ITEM_A, "kind": item_kind, "matter_id": matters["A"]["id"], "text": "Alla parter ser den här punkten.",
            "positions": [{"union_id": vision, "outcome": "agreement"}, {"union_id": kommunal, "outcome": "agreement"}]}),
        "B": await post(f"/api/v1/meetings/{meeting['id']}/agenda", {
            "title": SECRETS["B"][0], "kind": item_kind, "matter_id": matters["B"]["id"], "text": SECRETS["B"][1],
            "positions": [{"union_id": vision, "outcome": "agreement", "note": SECRETS["B"][2]}]}),
        "C": await post(f"/api/v1/meetings/{meeting['id']}/agenda", {
            "title": "Omplacering av Nils Nilsson", "kind": item_kind, "matter_id": matters["C"]["id"],
            "text": "Nils Nilsson har begärt förhandling.", "employer_position": SECRETS["C"][1],
            "positions": [{"union_id": vision, "outcome": "disagreement", "reservation": SECRETS["C"][2]}]}),
    }
    held = await client.patch(f"/api/v1/meetings/{meeting['id']}", json={"status": "held"}, headers=hr.headers)
    assert held.status_code == 200, held.text
    readers = {
        "admin": await make_caller("admin"), "hr": hr,
        "department": await make_caller("department", department_id=org.department_id, email="per.ek@lund.example"),
        "vision": await make_caller("union", union_id=vision, email="sara@vision.example"),
        "kommunal": await make_caller("union", union_id=kommunal, email="jonas@kommunal.example"),
    }
    return {"kind": kind, "meeting": meeting, "items": items, "matters": matters, "people": {"chair": chair},
            "readers": readers, "url": f"/api/v1/meetings/{meeting['id']}/protocol"}


def _audiences(org) -> dict[str, str]:
    return {"all": "all", "department": "department", "vision": f"union:{org.union_id}", "kommunal": f"union:{org.other_union_id}"}


# What each copy shows: what its narrowest party may read. The common copy is for every party at
# once, so it shows neither B nor C.
COPY_SHOWS = {"all": set(), "department": {"B", "C"}, "vision": {"B", "C"}, "kommunal": set()}


def _may_fetch(reader: str, copy: str, shows: set[str]) -> bool:
    """The access rule for documents: the employer side all copies but a department user none that
    shows an individärende; a union its own copy, and the common copy only when that leaves out
    nothing (here it leaves out B and C, so each union gets its own copy instead)."""
    if reader in ("admin", "hr"):
        return True
    if reader == "department":
        return "C" not in shows
    return copy == reader


@pytest.mark.parametrize("scene", ["negotiation", "samverkan"], indirect=True)
async def test_every_document_and_copy_shows_each_reader_only_what_it_may_read(client, org, scene):
    hr, meeting_id = scene["readers"]["hr"], scene["meeting"]["id"]
    made: list[tuple[str, str, str, set[str]]] = []  # (document id, kind, copy, what it shows)
    for kind in ("protocol", LETTER[scene["kind"]]):
        for copy, audience in _audiences(org).items():
            r = await client.post(f"/api/v1/meetings/{meeting_id}/documents", json={"kind": kind, "audience": audience},
                                  headers=hr.headers)
            assert r.status_code == 201, r.text
            made.append((r.json()["id"], kind, copy, COPY_SHOWS[copy]))
    for item in ("A", "B", "C"):  # an extract of an item its copy does not show is refused
        for copy, audience in _audiences(org).items():
            r = await client.post(f"/api/v1/meetings/{meeting_id}/documents", headers=hr.headers, json={
                "kind": "extract", "audience": audience, "item_id": scene["items"][item]["id"]})
            if item != "A" and item not in COPY_SHOWS[copy]:
                assert r.status_code == 400 and r.json()["field"] == "item_id", (item, copy, r.text)
                continue
            assert r.status_code == 201, r.text
            made.append((r.json()["id"], "extract", copy, COPY_SHOWS[copy] & {item}))

    for reader, caller in scene["readers"].items():
        listed = {d["id"] for d in (await client.get(f"/api/v1/meetings/{meeting_id}/documents", headers=caller.headers)).json()}
        for document_id, kind, copy, shows in made:
            allowed = _may_fetch(reader, copy, shows)
            r = await client.get(f"/api/v1/documents/{document_id}", headers=caller.headers)
            assert r.status_code == (200 if allowed else 404), (reader, kind, copy, r.status_code)
            assert (document_id in listed) == allowed, (reader, kind, copy)
            if allowed:
                text = text_of(r.content)
                assert shown(text) == shows, (reader, kind, copy, shown(text))
                assert shown(text) <= READS[reader]
                if kind != "extract" or not shows:  # what every party reads is there (an extract of A)
                    assert ITEM_A in text or "Nya scheman" in text, (reader, kind, copy)

    # The zip of the protocol: a copy per party for the employer side, the union's own for a union.
    for reader in ("hr", "vision", "kommunal"):
        caller = scene["readers"][reader]
        r = await client.get(f"/api/v1/meetings/{meeting_id}/documents.zip?kind=protocol", headers=caller.headers)
        assert r.status_code == 200, r.text
        with zipfile.ZipFile(io.BytesIO(r.content)) as z:
            for name in z.namelist():
                assert shown(text_of(z.read(name))) <= READS[reader], (reader, name)
    refused = await client.get(f"/api/v1/meetings/{meeting_id}/documents.zip?kind=protocol",
                               headers=scene["readers"]["department"].headers)
    assert refused.status_code == 403  # the employer's copy shows the individärende

    # The pages serve the same files under the same rule.
    kommunal = scene["readers"]["kommunal"]
    client.cookies.clear()
    await login(client, kommunal.email, kommunal.password)
    for document_id, kind, copy, _ in made:
        if kind == "protocol" and copy in ("all", "kommunal"):
            for path in (f"/dokument/{document_id}", f"/dokument/{document_id}/word"):
                page = await client.get(path)
                assert page.status_code == (200 if copy == "kommunal" else 404), (path, page.status_code)
                if copy == "kommunal":
                    assert shown(page.text if path.endswith(str(document_id)) else text_of(page.content)) == set()
    client.cookies.clear()


async def test_a_common_copy_that_hides_nothing_goes_to_every_union(client, org, scene):
    """Without B and C on the agenda every party may read everything: the common copy is theirs too."""
    hr, meeting_id = scene["readers"]["hr"], scene["meeting"]["id"]
    for item in ("B", "C"):
        r = await client.delete(f"/api/v1/meetings/{meeting_id}/agenda/{scene['items'][item]['id']}", headers=hr.headers)
        assert r.status_code == 204, r.text
    common = (await client.post(f"/api/v1/meetings/{meeting_id}/documents", json={"kind": "protocol", "audience": "all"},
                                headers=hr.headers)).json()
    for reader in READERS:
        r = await client.get(f"/api/v1/documents/{common['id']}", headers=scene["readers"][reader].headers)
        assert r.status_code == 200, (reader, r.text)
        assert ITEM_A in text_of(r.content)


async def _comment(client, scene, reader, item):
    return await client.post(f"{scene['url']}/comments", headers=scene["readers"][reader].headers,
                             json={"agenda_item_id": scene["items"][item]["id"], "text": marker(reader, item)})


async def _propose(client, scene, reader, item):
    return await client.post(f"{scene['url']}/proposals", headers=scene["readers"][reader].headers,
                             json={"agenda_item_id": scene["items"][item]["id"], "note": marker(reader, item, "förslag")})


def _markers_shown(text: str) -> set[tuple[str, str, str]]:
    return {(r, i, w) for r in READERS for i in "ABC" for w in ("synpunkt", "förslag") if marker(r, i, w) in text}


async def test_comments_proposals_versions_pages_and_mails_show_each_reader_only_what_it_may_read(client, org, scene, smtp):
    from samverkan.reminders.service import sweep

    readers, url, meeting_id = scene["readers"], scene["url"], scene["meeting"]["id"]
    assert (await client.post(f"{url}/submit", headers=readers["hr"].headers)).status_code == 200

    # Writing: on an item one may not read, a comment or a proposal answers 404.
    written: set[tuple[str, str, str]] = set()
    for reader in READERS:
        for item in "ABC":
            may = item == "A" or item in READS[reader]
            r = await _comment(client, scene, reader, item)
            assert r.status_code == (201 if may else 404), (reader, item, r.text)
            if may:
                written.add((reader, item, "synpunkt"))
            r = await _propose(client, scene, reader, item)
            if not may:
                assert r.status_code == 404, (reader, item, r.text)
            elif reader in ("vision", "kommunal"):
                assert r.status_code == 201, (reader, item, r.text)
                written.add((reader, item, "förslag"))
            else:
                assert r.status_code == 403, (reader, item, r.text)  # the employer changes the protocol directly
    assert ("kommunal", "B", "synpunkt") not in written and ("department", "C", "synpunkt") not in written

    # Version 2: Vision's proposal on A accepted (so the comparison page has two versions).
    proposals = (await client.get(url, headers=readers["hr"].headers)).json()["proposals"]
    on_a = next(p for p in proposals if p["note"] == marker("vision", "A", "förslag"))
    decided = await client.post(f"{url}/proposals/{on_a['id']}/accept", json={}, headers=readers["hr"].headers)
    assert decided.status_code == 200, decided.text
    # A proposal on an item hidden from the employer's reader cannot be decided by it either.
    on_c = next(p for p in proposals if p["note"] == marker("vision", "C", "förslag"))
    hidden = await client.post(f"{url}/proposals/{on_c['id']}/reject", json={"reason": "x"}, headers=readers["department"].headers)
    assert hidden.status_code == 404, hidden.text

    for reader in READERS:
        caller = readers[reader]
        may_read = {(r, i, w) for (r, i, w) in written if i == "A" or i in READS[reader]}
        protocol = await client.get(url, headers=caller.headers)
        assert protocol.status_code == 200
        assert _markers_shown(protocol.text) == may_read, reader
        for number in (1, 2):
            version = await client.get(f"{url}/versions/{number}", headers=caller.headers)
            assert version.status_code == 200
            assert shown(version.text) == READS[reader], (reader, number)
            assert ITEM_A in version.text

        client.cookies.clear()
        await login(client, caller.email, caller.password)
        page = await client.get(f"/moten/{meeting_id}/protokoll")
        assert page.status_code == 200, page.text
        assert shown(page.text) == READS[reader], reader
        assert _markers_shown(page.text) == may_read, reader
        compared = await client.get(f"/moten/{meeting_id}/protokoll/jamfor?fran=1&till=2")
        assert compared.status_code == 200, compared.text
        assert shown(compared.text) == READS[reader], reader
        assert ITEM_A in compared.text
        client.cookies.clear()

    # Everyone approves; the copies go out by e-mail, each party's with its own copy.
    for reader in ("vision", "kommunal", "department"):
        r = await client.post(f"{url}/approve", headers=readers[reader].headers)
        assert r.status_code == 200, (reader, r.text)
    assert (await client.get(url, headers=readers["hr"].headers)).json()["state"] == "approved"
    # The protocol page links each reader to the sealed copies it may open, and to no other.
    copies = {d["id"] for d in (await client.get(url, headers=readers["hr"].headers)).json()["version"]["documents"]}
    for reader in READERS:
        caller = readers[reader]
        client.cookies.clear()
        await login(client, caller.email, caller.password)
        linked = {int(n) for n in re.findall(r'href="/dokument/(\d+)"', (await client.get(f"/moten/{meeting_id}/protokoll")).text)}
        client.cookies.clear()
        opens = {d for d in copies if (await client.get(f"/api/v1/documents/{d}", headers=caller.headers)).status_code == 200}
        assert linked == opens, reader
        assert len(opens) == {"admin": 3, "hr": 3, "department": 1, "vision": 1, "kommunal": 1}[reader], reader
    await sweep(settings_with(**smtp.env()))
    by_address = {c.email: name for name, c in readers.items()}
    got: dict[str, list[str]] = {}
    for message in smtp.recorder.messages:
        reader = by_address.get(message["To"])
        assert reader is not None, message["To"]
        texts = [message["Subject"], message.get_body(("plain",)).get_content()]
        texts += [text_of(a.get_content()) for a in message.iter_attachments()]
        assert shown("\n".join(texts)) <= READS[reader], (reader, message["Subject"])
        got.setdefault(reader, []).append(message["Subject"])
        if reader in ("vision", "kommunal") and message["Subject"].startswith("Justerat protokoll"):
            assert shown(texts[-1]) == READS[reader], reader  # the union's own copy, whole as it may read it
    # The employer's justerare is a department user: the employer's copy shows the individärende,
    # so it goes to HR instead; the department user was still asked to justera.
    assert [s for s in got["department"] if s.startswith("Justerat protokoll")] == []
    assert any(s.startswith("Protokoll att justera") for s in got["department"])
    assert any(s.startswith("Justerat protokoll") for s in got["hr"])
    assert all(any(s.startswith("Justerat protokoll") for s in got[u]) for u in ("vision", "kommunal"))


async def test_the_sealed_copies_are_the_approved_record_and_the_seal_verifies(client, org, scene, settings):
    """Renamed matter, a person's new name and a changed agenda after sending never reach them."""
    from samverkan.documents import record as rec
    from samverkan.documents import storage
    from samverkan.documents.tables import Document
    from samverkan.meetings.tables import AgendaItem
    from samverkan.protocols.tables import ProtocolVersion

    readers, url, meeting_id, hr = scene["readers"], scene["url"], scene["meeting"]["id"], scene["readers"]["hr"]
    assert (await client.post(f"{url}/submit", headers=hr.headers)).status_code == 200
    renamed = await client.patch(f"/api/v1/matters/{scene['matters']['A']['id']}", json={"title": "Omdöpt ärende"},
                                 headers=hr.headers)
    assert renamed.status_code == 200, renamed.text
    person = await client.patch(f"/api/v1/people/{scene['people']['chair']['id']}", json={"name": "Per Nyman"}, headers=hr.headers)
    assert person.status_code == 200, person.text
    # The agenda is frozen in review; a change that slipped past (the race of issue 13) is written here directly.
    await AgendaItem.update({AgendaItem.text: "Texten ändrad efter att protokollet skickats."}).where(
        AgendaItem.id == scene["items"]["A"]["id"])
    for reader in ("vision", "kommunal", "department"):
        assert (await client.post(f"{url}/approve", headers=readers[reader].headers)).status_code == 200

    version = await ProtocolVersion.select().where(ProtocolVersion.meeting == meeting_id).first()
    assert version["state"] == "approved"
    record = msgspec.json.decode(version["record"], type=rec.MeetingRecord)
    assert storage.sha256(version["record"].encode()) == version["record_sha256"]
    copies = (await client.get(f"{url}/versions/1", headers=hr.headers)).json()["documents"]
    assert sorted(c["audience"] for c in copies) == sorted(["department", f"union:{org.union_id}", f"union:{org.other_union_id}"])
    assert version["seal"] == storage.sha256((version["record_sha256"] + "".join(c["sha256"] for c in copies)).encode())
    readers_of = {"department": rec.EMPLOYER_COPY, f"union:{org.union_id}": rec.Party("union", org.union_id),
                  f"union:{org.other_union_id}": rec.Party("union", org.other_union_id)}
    for copy in copies:
        r = await client.get(f"/api/v1/documents/{copy['id']}", headers=hr.headers)
        assert r.status_code == 200 and storage.sha256(r.content) == copy["sha256"]
        text = text_of(r.content)
        assert "Nya scheman" in text and "Alla parter ser den här punkten." in text and "Per Ek" in text
        assert "Omdöpt ärende" not in text and "Per Nyman" not in text and "ändrad efter" not in text
        # Each copy's source is the stored record as its party reads it, and nothing else.
        row = await Document.select(Document.source.record.as_alias("record")).where(Document.id == copy["id"]).first()
        assert row["record"].encode() == msgspec.json.encode(rec.for_reader(record, readers_of[copy["audience"]]))


async def test_the_demo_common_copy_does_not_reach_a_union_that_is_not_a_party(client):
    """Demo meeting 1: Akademikerförbundet SSR sits in the meeting but is not a party to "Digitala
    lås"; the common copy is not given to it, and its own copy shows that item's number only."""
    from samverkan import demo
    from samverkan.accounts.service import Viewer
    from samverkan.documents import record as rec
    from samverkan.documents import service as documents
    from samverkan.documents.kinds import Audience
    from samverkan.errors import NotFound
    from samverkan.orgs.tables import TradeUnion
    from samverkan.settings import get_settings

    await demo.load()
    settings = get_settings()
    ssr = (await TradeUnion.select(TradeUnion.id).where(TradeUnion.name == "Akademikerförbundet SSR").first())["id"]
    _, record, _ = await documents.meeting_record(1, settings.employer_name)
    locks = next(i for i in record.items if i.matter and i.matter.title.startswith("Digitala lås"))
    assert ssr in {u.id for u in record.unions} and ssr not in locks.matter.parties
    admin = Viewer(0, "", "test", "admin", None, None, None, "test")
    union = Viewer(0, "", "test", "union", None, ssr, None, "test")
    common = await documents.produce(admin, 1, "protocol", Audience("all"), rec.Options(), settings)
    assert "Digitala lås" not in text_of((await documents.document_file(admin, common.id, settings))[1])
    with pytest.raises(NotFound):
        await documents.document_file(union, common.id, settings)
    assert common.id not in {d.id for d in await documents.list_documents(union, 1)}
    own = await documents.produce(union, 1, "protocol", Audience("union", ssr), rec.Options(), settings)
    text = text_of((await documents.document_file(union, own.id, settings))[1])
    assert "Digitala lås" not in text
    assert f"§ {locks.number}" in text and rec.REDACTED_TITLE in text


async def test_calendar_feeds_and_reminders_name_an_individarende_by_its_number_only(client, org, make_caller, smtp):
    """Feeds and reminder e-mails: a department user and a union that is not a party get nothing of
    an individärende; its party gets its diary number, never its title."""
    import datetime as dt
    from urllib.parse import urlsplit

    from samverkan import clock
    from samverkan.deadlines.calendar import add_months
    from samverkan.reminders.service import sweep

    hr = await make_caller("hr")
    readers = {"department": await make_caller("department", department_id=org.department_id),
               "vision": await make_caller("union", union_id=org.union_id),
               "kommunal": await make_caller("union", union_id=org.other_union_id)}
    matter = (await client.post("/api/v1/matters", json={
        "title": "Avsked av Nils Nilsson", "kind": "dispute", "department_id": org.department_id, "personal_data": True,
        "union_ids": [org.union_id]}, headers=hr.headers)).json()
    closed = add_months(clock.today() + dt.timedelta(days=3), -2)  # the central request is due within the week
    r = await client.post(f"/api/v1/matters/{matter['id']}/events", json={
        "type": "negotiation_closed", "date": closed.isoformat(), "union_id": org.union_id, "outcome": "disagreement"},
        headers=hr.headers)
    assert r.status_code == 201, r.text

    for name, caller in readers.items():
        url = (await client.post("/api/v1/me/calendar-feed", headers=caller.headers)).json()["url"]
        client.cookies.clear()
        feed = await client.get(urlsplit(url).path)
        assert feed.status_code == 200, feed.text
        unfolded = feed.text.replace("\r\n ", "")
        assert "Nils Nilsson" not in unfolded, name
        assert (matter["diary_no"] in unfolded) == (name == "vision"), name

    await sweep(settings_with(**smtp.env()))
    assert smtp.recorder.messages, "the union's deadline is within the week: it is reminded"
    for message in smtp.recorder.messages:
        assert "Nils Nilsson" not in message["Subject"] + message.get_content()
        assert message["To"] not in (readers["department"].email, readers["kommunal"].email)
    assert readers["vision"].email in {m["To"] for m in smtp.recorder.messages}


async def test_a_meeting_page_kept_for_one_reader_is_never_shown_to_another(app, client, scene):
    """Pages are kept rendered (web/page_cache.py). Each reader, the employer side first, signs in
    and opens the meeting page twice: the second time it comes from the cache, the same bytes, and
    either way it shows that reader only the hidden items it may read."""
    cache = app.state.page_cache
    path = f"/moten/{scene['meeting']['id']}"
    for reader in ("admin", "hr", "vision", "department", "kommunal"):
        caller = scene["readers"][reader]
        client.cookies.clear()
        await login(client, caller.email, caller.password)
        first = await client.get(path)
        hits = cache.hits
        second = await client.get(path)
        assert first.status_code == second.status_code == 200, reader
        assert cache.hits == hits + 1 and second.content == first.content, reader
        assert shown(second.text) == READS[reader], reader
