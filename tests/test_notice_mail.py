"""Sending the kallelse, over a real SMTP server: the mail parsed with `email`, its invitation with
`icalendar` (METHOD, UID as the calendar feed, SEQUENCE, TZID/VTIMEZONE, ATTENDEE), the Word
kallelse naming the papers as bilagor, Exchange-friendly headers; an update when the meeting moves,
CANCEL when it is cancelled, the request to a participant added later; the late warning; reply
links used twice, expired and forged."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from conftest import csrf, login, settings_with
from icalendar import Calendar
from paper_files import PDF

from samverkan.documents.render import text_of

pytestmark = pytest.mark.usefixtures("frozen")  # 2026-12-01 10:00 in Stockholm


async def _person(client, hr, **body):
    r = await client.post("/api/v1/people", json=body, headers=hr.headers)
    assert r.status_code == 201, r.text
    return r.json()


async def _meeting(client, staff, org, starts="2027-01-20T09:00:00+01:00", ends="2027-01-20T11:00:00+01:00", kind="samverkan"):
    hr = staff["hr"]
    r = await client.patch(f"/api/v1/unions/{org.union_id}", json={"email": "vision@lund.example"}, headers=staff["admin"].headers)
    assert r.status_code == 200, r.text
    chair = await _person(client, hr, name="Per Ek", side="employer", department_id=org.department_id, email="per.ek@lund.example")
    sara = await _person(client, hr, name="Sara Öberg", side="union", union_id=org.union_id, email="sara.oberg@vision.example")
    meeting = (await client.post("/api/v1/meetings", json={
        "kind": kind, "title": "Samverkan Vård och omsorg", "department_id": org.department_id, "union_ids": [org.union_id],
        "starts_at": starts, "ends_at": ends, "place": "Stadshuset, rum Ärlan",
    }, headers=hr.headers)).json()
    for person in (chair, sara):
        r = await client.post(f"/api/v1/meetings/{meeting['id']}/participants", json={"person_id": person["id"]}, headers=hr.headers)
        assert r.status_code == 201, r.text
    return meeting, chair, sara


def _calendar(mail) -> tuple[str, Calendar]:
    part = next(p for p in mail.walk() if p.get_content_type() == "text/calendar")
    return part.get_param("method"), Calendar.from_ical(part.get_content())


async def _deliver(smtp):
    from samverkan.reminders.service import sweep

    before = len(smtp.recorder.messages)
    await sweep(settings_with(**smtp.env()))
    return smtp.recorder.messages[before:]


async def test_the_kallelse_is_a_meeting_request_with_the_word_file_and_reply_links(client, callers, org, smtp, settings):
    staff = await callers()
    hr = staff["hr"]
    meeting, chair, sara = await _meeting(client, staff, org)
    r = await client.post(f"/api/v1/meetings/{meeting['id']}/papers", files={"file": ("Budget 2027 åäö.pdf", PDF)}, headers=hr.headers)
    assert r.status_code == 201
    paper = r.json()
    sent = await client.post(f"/api/v1/meetings/{meeting['id']}/notice", json={}, headers=hr.headers)
    assert sent.status_code == 200, sent.text
    notice = sent.json()
    assert [s["reason"] for s in notice["sends"]] == ["called"]
    assert {x["email"] for x in notice["sends"][0]["recipients"]} == {"per.ek@lund.example", "sara.oberg@vision.example", "vision@lund.example"}
    current = (await client.get(f"/api/v1/meetings/{meeting['id']}", headers=hr.headers)).json()
    assert current["status"] == "called"

    mails = await _deliver(smtp)
    assert sorted(m["To"] for m in mails) == ["per.ek@lund.example", "sara.oberg@vision.example", "vision@lund.example"]
    mail = next(m for m in mails if m["To"] == "sara.oberg@vision.example")
    assert mail["Subject"].startswith("Kallelse: Samverkan Vård och omsorg") and "2027-01-20" in mail["Subject"]
    assert mail["X-Auto-Response-Suppress"] == "All" and mail["Auto-Submitted"] == "auto-generated"
    assert "Samverkan – Lunds kommun" in mail["From"]
    method, cal = _calendar(mail)
    assert method == "REQUEST" and cal["METHOD"] == "REQUEST"
    event = cal.walk("VEVENT")[0]
    assert str(event["UID"]) == f"meeting-{meeting['id']}@127.0.0.1"
    assert int(event["SEQUENCE"]) == current["version"] - 1
    assert event["DTSTART"].params["TZID"] == "Europe/Stockholm" and event.decoded("DTSTART").hour == 9
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Europe/Stockholm"
    attendees = {str(a).lower(): a.params for a in event["ATTENDEE"]}
    assert set(attendees) == {"mailto:per.ek@lund.example", "mailto:sara.oberg@vision.example", "mailto:vision@lund.example"}
    assert all(p["RSVP"] == "TRUE" for p in attendees.values())
    assert str(event["ORGANIZER"]).lower().startswith("mailto:")
    # The feed has the same UID.
    from samverkan.feeds import service as feeds
    assert feeds  # (the feed's UID is meeting-<id>@host too: tests/test_calendar_feed.py)

    body = mail.get_body(("plain",)).get_content()
    assert "Budget 2027 åäö" in body and f"/underlag/{paper['id']}" in body
    yes = re.search(r"Jag kommer: (\S+)", body).group(1)
    no = re.search(r"Jag har förhinder: (\S+)", body).group(1)
    word = next(p for p in mail.iter_attachments() if p.get_filename() and p.get_filename().endswith(".docx"))
    assert "Bilagor" in text_of(word.get_content()) or "Budget 2027 åäö" in text_of(word.get_content())
    assert "Budget 2027 åäö" in text_of(word.get_content())

    # Replies: the link opens a page; answering records the närvaroanmälan and pre-fills presence.
    path = yes.split("127.0.0.1:8000", 1)[1]
    page = await client.get(path)
    assert page.status_code == 200 and "Sara Öberg" in page.text
    r = await client.post(path.split("?")[0], data={"attending": "1", "_csrf_token": csrf(client)})
    assert r.status_code == 200 and "Tack" in r.text
    r = await client.post(no.split("127.0.0.1:8000", 1)[1].split("?")[0], data={"attending": "0", "substitute": "Eva Lund",
                                                                                  "_csrf_token": csrf(client)})
    assert r.status_code == 200  # used twice: the latest answer counts, still one reply
    replies = (await client.get(f"/api/v1/meetings/{meeting['id']}/notice", headers=staff["union"].headers)).json()["replies"]
    assert [(x["name"], x["attending"], x["substitute"]) for x in replies] == [("Sara Öberg", False, "Eva Lund")]
    participants = (await client.get(f"/api/v1/meetings/{meeting['id']}", headers=hr.headers)).json()["participants"]
    assert {p["person_id"]: p["present"] for p in participants}[sara["id"]] is False
    # Forged: another person's key with Sara's signature, or a changed signature.
    token = path.split("/")[-1].split("?")[0]
    meeting_part, key, expires, mac = token.split(".")
    forged = f"{meeting_part}.p-{chair['id']}.{expires}.{mac}"
    assert (await client.get(f"/kallelse/svar/{forged}")).status_code == 404
    assert (await client.get(f"/kallelse/svar/{token[:-2]}xx")).status_code == 404


async def test_moving_adding_and_cancelling_send_updates(client, callers, org, smtp, frozen):
    staff = await callers()
    hr = staff["hr"]
    meeting, chair, sara = await _meeting(client, staff, org)
    assert (await client.post(f"/api/v1/meetings/{meeting['id']}/notice", json={}, headers=hr.headers)).status_code == 200
    first = await _deliver(smtp)
    sequence = int(_calendar(first[0])[1].walk("VEVENT")[0]["SEQUENCE"])

    current = (await client.get(f"/api/v1/meetings/{meeting['id']}", headers=hr.headers)).json()
    r = await client.patch(f"/api/v1/meetings/{meeting['id']}", json={
        "starts_at": "2027-01-21T13:00:00+01:00", "ends_at": "2027-01-21T15:00:00+01:00", "version": current["version"]}, headers=hr.headers)
    assert r.status_code == 200, r.text
    moved = await _deliver(smtp)
    assert len(moved) == 3 and all(m["Subject"].startswith("Ändrad kallelse") for m in moved)
    method, cal = _calendar(moved[0])
    event = cal.walk("VEVENT")[0]
    assert method == "REQUEST" and int(event["SEQUENCE"]) > sequence and event.decoded("DTSTART").hour == 13

    newcomer = await _person(client, hr, name="Jonas Åkesson", side="employer", department_id=org.department_id, email="jonas@lund.example")
    await client.post(f"/api/v1/meetings/{meeting['id']}/participants", json={"person_id": newcomer["id"]}, headers=hr.headers)
    added = await _deliver(smtp)
    assert [m["To"] for m in added] == ["jonas@lund.example"] and _calendar(added[0])[0] == "REQUEST"

    current = (await client.get(f"/api/v1/meetings/{meeting['id']}", headers=hr.headers)).json()
    r = await client.patch(f"/api/v1/meetings/{meeting['id']}", json={"status": "cancelled", "version": current["version"]}, headers=hr.headers)
    assert r.status_code == 200, r.text
    cancelled = await _deliver(smtp)
    assert len(cancelled) == 4
    method, cal = _calendar(cancelled[0])
    event = cal.walk("VEVENT")[0]
    assert method == "CANCEL" and cal["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
    assert int(event["SEQUENCE"]) > sequence
    sends = (await client.get(f"/api/v1/meetings/{meeting['id']}/notice", headers=staff["union"].headers)).json()["sends"]
    assert [s["reason"] for s in sends] == ["called", "moved", "added", "cancelled"]


async def test_a_late_kallelse_warns_first_and_expired_links_refuse(client, callers, org, smtp, frozen):
    staff = await callers()
    hr = staff["hr"]
    meeting, _, sara = await _meeting(client, staff, org, starts="2026-12-08T09:00:00+01:00", ends="2026-12-08T10:00:00+01:00")
    r = await client.post(f"/api/v1/meetings/{meeting['id']}/notice", json={}, headers=hr.headers)
    assert r.status_code == 409 and "confirm_late" in r.text and "senast 2026-11-24" in r.text
    assert (await client.get(f"/api/v1/meetings/{meeting['id']}", headers=hr.headers)).json()["status"] == "planned"
    r = await client.post(f"/api/v1/meetings/{meeting['id']}/notice", json={"confirm_late": True}, headers=hr.headers)
    assert r.status_code == 200 and r.json()["sends"][0]["late"] is True
    mail = next(m for m in await _deliver(smtp) if m["To"] == "sara.oberg@vision.example")
    path = re.search(r"Jag kommer: (\S+)", mail.get_body(("plain",)).get_content()).group(1).split("127.0.0.1:8000", 1)[1]
    frozen.move_to(dt.datetime(2026, 12, 8, 8, 0, tzinfo=dt.timezone.utc))  # the meeting has begun
    r = await client.get(path)
    assert r.status_code == 409 and "gällde fram till mötets början" in r.text


def test_an_attachment_named_with_a_o_is_readable_in_outlook_beside_the_invitation(settings):
    import email
    import email.policy

    from samverkan.reminders.mail import Outgoing, build

    message = build(settings, Outgoing(1, "a@b.example", "Kallelse", "Hej", "<x@y>", ("Kallelse Förhandling åäö.docx", b"PK"),
                                       "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"))
    raw = message.as_bytes()
    assert b"filename*=utf-8''Kallelse%20F%C3%B6rhandling%20%C3%A5%C3%A4%C3%B6.docx" in raw.replace(b"\n ", b"").replace(b"\r", b"")
    assert b'name="=?utf-8?' in raw
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed.get_content_type() == "multipart/mixed" and parsed["X-Auto-Response-Suppress"] == "All"
    calendar = next(p for p in parsed.walk() if p.get_content_type() == "text/calendar")
    assert calendar.get_param("method") == "REQUEST" and "METHOD:REQUEST" in calendar.get_content()
    assert next(parsed.iter_attachments()).get_filename() == "Kallelse Förhandling åäö.docx"


async def test_small_papers_go_with_the_kallelse_and_the_rest_are_linked(client, callers, org, smtp, app, monkeypatch):
    """SAMVERKAN_NOTICE_ATTACH_MAX_KB / _TOTAL_KB: each small paper attached (named with å/ä/ö
    for Outlook too), a large one and one over the total linked, an individärende's never."""
    import dataclasses

    monkeypatch.setattr(app.state, "settings", dataclasses.replace(app.state.settings, notice_attach_max_kb=2, notice_attach_total_kb=3))
    staff = await callers()
    hr = staff["hr"]
    meeting, _, _ = await _meeting(client, staff, org)
    small_text = "Riskbedömning åäö\n".encode() * 80  # about 1.5 KB
    uploads = [("Budget 2027 åäö.pdf", PDF), ("Riskbedömning.txt", small_text), ("Stor plan.txt", b"x" * 3000),
               ("Over totalen.txt", b"y" * 1800)]
    ids = []
    for name, data in uploads:
        r = await client.post(f"/api/v1/meetings/{meeting['id']}/papers", files={"file": (name, data)}, headers=hr.headers)
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    matter = (await client.post("/api/v1/matters", json={
        "title": "Omplacering", "kind": "primary_negotiation", "department_id": org.department_id, "union_ids": [org.union_id],
        "personal_data": True}, headers=hr.headers)).json()
    item = (await client.post(f"/api/v1/meetings/{meeting['id']}/agenda", json={
        "title": "Omplacering", "kind": "negotiation", "matter_id": matter["id"]}, headers=hr.headers)).json()
    r = await client.post(f"/api/v1/meetings/{meeting['id']}/papers", files={"file": ("läkarintyg.pdf", PDF)},
                          data={"agenda_item_id": str(item["id"])}, headers=hr.headers)
    assert r.status_code == 201, r.text
    personal = r.json()["id"]
    assert (await client.post(f"/api/v1/meetings/{meeting['id']}/notice", json={}, headers=hr.headers)).status_code == 200

    mails = await _deliver(smtp)
    assert len(mails) == 3
    for mail in mails:
        files = {p.get_filename(): p for p in mail.iter_attachments() if not p.get_filename().endswith(".docx")}
        assert set(files) == {"Budget 2027 åäö.pdf", "Riskbedömning.txt"}, mail["To"]
        assert files["Budget 2027 åäö.pdf"].get_content_type() == "application/pdf"
        assert files["Budget 2027 åäö.pdf"].get_content() == PDF  # byte-identical
        assert files["Riskbedömning.txt"].get_content_type() == "text/plain"
        raw = files["Budget 2027 åäö.pdf"].as_string()
        assert "filename*=utf-8''Budget%202027%20%C3%A5%C3%A4%C3%B6.pdf" in raw.replace("\n ", "")
        assert 'name="=?utf-8?' in raw  # Outlook's fallback
        body = mail.get_body(("plain",)).get_content()
        assert "Budget 2027 åäö (bifogad)" in body and "Stor plan: " in body and "Over totalen: " in body
        assert all(f"/underlag/{i}" in body for i in ids)  # every paper also linked
        assert "läkarintyg" not in body and f"/underlag/{personal}" not in body

    # 0: papers are only linked (here in the update a move sends, which reads the settings itself).
    from samverkan.papers import notices

    never = dataclasses.replace(app.state.settings, notice_attach_max_kb=0)
    monkeypatch.setattr(notices, "get_settings", lambda: never)
    current = (await client.get(f"/api/v1/meetings/{meeting['id']}", headers=hr.headers)).json()
    r = await client.patch(f"/api/v1/meetings/{meeting['id']}", json={"place": "Rum Tranan", "version": current["version"]},
                           headers=hr.headers)
    assert r.status_code == 200, r.text
    moved = await _deliver(smtp)
    assert len(moved) == 3
    for mail in moved:
        assert [p.get_filename()[-5:] for p in mail.iter_attachments()] == [".docx"]
        assert "(bifogad)" not in mail.get_body(("plain",)).get_content()
