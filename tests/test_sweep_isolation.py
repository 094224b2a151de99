"""One failure, one record: a message that cannot be built or sent, or a deadline that cannot be
planned, is marked with its error and retried later with back-off; the others go on, over a real
SMTP server; /health and the administrators' warning show what is failing. Header values are
made safe (no CR/LF), subjects are cut at a word with "…", and attachment names keep å, ä, ö in a
form Outlook reads too."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from email.header import decode_header, make_header

import pytest

from samverkan import clock
from conftest import login, settings_with
from test_reminders import _matter_with_meeting_deadline

pytestmark = pytest.mark.usefixtures("frozen")


_serial = iter(range(1_000_000))


async def _queue(n: int, **changed) -> list[int]:
    """Outbox rows as a sweep (or an older version of it) would have planned them."""
    from samverkan.reminders.tables import OutboxMessage

    ids = []
    for _ in range(n):
        i = next(_serial)
        row = {"key": f"t:{i}", "kind": "justering", "to_address": f"person{i}@test.example", "subject": f"Att justera {i}",
               "body": "Hej!", "message_id": f"<t{i}@test.example>", "next_attempt_at": clock.now(), "created_at": clock.now(),
               **changed}
        ids.append((await OutboxMessage.insert(OutboxMessage(**row)).returning(OutboxMessage.id))[0]["id"])
    return ids


async def _row(message_id: int) -> dict:
    from samverkan.reminders.tables import OutboxMessage

    return await OutboxMessage.select().where(OutboxMessage.id == message_id).first()


async def test_a_poisoned_message_fails_alone_and_the_innocent_ones_arrive(client, smtp):
    from samverkan.reminders import planning
    from samverkan.reminders.service import sweep

    innocent = await _queue(3)
    # Planned before subjects were checked: a CR from a meeting's title, a diary number's LF.
    innocent += await _queue(1, subject="Protokoll att justera: Möte\rX")
    innocent += await _queue(1, subject="Ändrad frist (KS\n2026/1)")
    # An address that can never make a header: this one cannot be built at all.
    [poisoned] = await _queue(1, to_address="x@test.example\r\nBcc: evil@test.example")
    settings = settings_with(**smtp.env())

    result = await sweep(settings)
    assert (result.sent, result.failed) == (5, 1)
    assert len(smtp.recorder.messages) == 5
    subjects = {m["Subject"] for m in smtp.recorder.messages}
    assert {"Protokoll att justera: Möte X", "Ändrad frist (KS 2026/1)"} <= subjects
    assert not any("evil" in m.as_string() for m in smtp.recorder.messages)
    for message_id in innocent:
        assert (await _row(message_id))["state"] == "sent"
    row = await _row(poisoned)
    assert row["state"] == "pending" and row["lease_until"] is None and row["attempts"] == 1
    assert "kunde inte byggas" in row["last_error"] and "ValueError" in row["last_error"]
    assert row["next_attempt_at"] == clock.now() + planning.backoff(1)  # later, not at every tick

    health = (await client.get("/health")).json()
    assert health["outbox_failing"] == 1 and health["deadlines_failing"] == 0 and health["sweep_last_error"] is None

    # The next sweep at once leaves it be; after the back-offs it is tried again, and after the
    # last attempt it waits for an administrator (failed), still counted as failing.
    assert (await sweep(settings)).failed == 0
    later = await sweep(settings, now=clock.now() + dt.timedelta(days=1))  # past every back-off
    assert (later.sent, later.failed) == (0, planning.MAX_ATTEMPTS - 1)
    row = await _row(poisoned)
    assert row["state"] == "failed" and row["attempts"] == planning.MAX_ATTEMPTS
    assert len(smtp.recorder.messages) == 5
    assert (await client.get("/health")).json()["outbox_failing"] == 1


async def test_a_mailer_that_breaks_fails_its_batch_without_leaving_it_sending(client, smtp):
    from samverkan.reminders.mail import Mailer
    from samverkan.reminders.service import deliver

    class Broken(Mailer):
        async def send(self, messages):
            raise RuntimeError("trasig")

    ids = await _queue(2)
    assert await deliver(settings_with(**smtp.env()), Broken(), clock.now()) == (0, 2)
    for message_id in ids:
        row = await _row(message_id)
        assert row["state"] == "pending" and row["last_error"] == "RuntimeError: trasig"


async def test_a_subject_is_one_line_cut_at_a_word_and_folded(client, smtp):
    from samverkan.reminders.service import sweep
    from samverkan.reminders.texts import SUBJECT_LENGTH, one_line

    assert one_line("Möte\rX\x07\x1b\u2028Y\ufffe", 80) == "Möte X Y"
    assert one_line("Frist om 3 dagar: Förhandling om ny bemanning", 30) == "Frist om 3 dagar: Förhandling…"
    assert one_line("kort", 30) == "kort"
    long_title = "Samverkan om " + " ".join(["arbetsmiljöförbättringar"] * 10)  # over the limit, within the column
    await _queue(1, subject=long_title)
    await sweep(settings_with(**smtp.env()))
    [mail] = smtp.recorder.messages
    subject = mail["Subject"]
    assert len(subject) <= SUBJECT_LENGTH and subject.endswith("arbetsmiljöförbättringar…")
    assert long_title.startswith(subject[:-1])  # whole words only
    raw = mail.as_bytes()
    headers = raw.split(b"\n\n", 1)[0]
    assert max(len(line.rstrip(b"\r")) for line in headers.splitlines() if not line.startswith(b"Content-Type")) <= 78


async def test_an_attachment_name_with_swedish_letters_has_both_forms(settings):
    from samverkan.reminders.mail import Outgoing, build

    name = "Protokoll Samverkansgrupp Vård och omsorg, Solgården 2026-03-10.docx"
    raw = build(settings, Outgoing(1, "a@test.example", "Justerat protokoll", "Hej!", "<a@test.example>", (name, b"PK\x03\x04"))
                ).as_bytes()
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    [attachment] = list(parsed.iter_attachments())
    assert attachment.get_filename() == name and attachment.get_content() == b"PK\x03\x04"
    # RFC 2231 in Content-Disposition (the standard) ...
    disposition = raw.split(b"Content-Disposition:", 1)[1].split(b"\nContent-Type", 1)[0].split(b"\nMIME", 1)[0]
    assert b"filename*0*=utf-8''" in disposition and b"%C3%A5" in disposition
    # ... and an RFC 2047 name= in Content-Type, which Outlook reads.
    legacy = email.message_from_bytes(raw, policy=email.policy.compat32).get_payload()[1]
    encoded = legacy.get_param("name")
    assert encoded.startswith("=?utf-8?") and str(make_header(decode_header(encoded))) == name
    assert legacy.get_content_type() == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert attachment["Content-Type"].params["name"] == name


async def test_a_deadline_with_an_unknown_rule_fails_alone_and_is_shown(client, callers, org, smtp, make_caller, frozen):
    from samverkan.deadlines.tables import Deadline
    from samverkan.reminders.service import record_unknown_rules, sweep
    from samverkan.reminders.tables import DeadlineFailure, SweepState
    from samverkan.web import page_status

    today = clock.today()
    people = await callers()
    hr = people["hr"]
    good, _ = await _matter_with_meeting_deadline(client, hr, org, request_days_ago=12)
    bad, bad_deadline = await _matter_with_meeting_deadline(client, hr, org, request_days_ago=12)
    await Deadline.update({Deadline.rule_id: "BORTTAGEN-REGEL"}).where(Deadline.id == bad_deadline["id"])

    # At start the unknown rule is recorded before any sweep reaches it.
    assert await record_unknown_rules() == 1
    assert (await client.get("/health")).json()["deadlines_failing"] == 1

    result = await sweep(settings_with(**smtp.env()))  # no exception: the rest went out
    assert result.sent == 2 and result.failed == 0
    assert {m["To"] for m in smtp.recorder.messages} == {hr.email, people["department"].email}
    assert all(good["diary_no"] in m["Subject"] for m in smtp.recorder.messages)
    failure = await DeadlineFailure.select().where(DeadlineFailure.deadline == bad_deadline["id"]).first()
    assert failure["error"] == "LookupError: okänd regel 'BORTTAGEN-REGEL'" and failure["attempts"] == 1
    row = await Deadline.select(Deadline.next_reminder_on).where(Deadline.id == bad_deadline["id"]).first()
    assert row["next_reminder_on"] == today + dt.timedelta(days=1)  # looked at again tomorrow, not every tick
    state = await SweepState.select().where(SweepState.name == "sweep").first()
    assert state["last_finished_at"] == clock.now() and "BORTTAGEN-REGEL" in state["last_error"]
    health = (await client.get("/health")).json()
    assert health["status"] == "ok" and "BORTTAGEN-REGEL" in health["sweep_last_error"] and health["deadlines_failing"] == 1

    # The deadline pages, the matter page, the API and the calendar feed show it instead of breaking.
    listed = (await client.get("/api/v1/deadlines", headers=hr.headers)).json()
    assert "Okänd regel (BORTTAGEN-REGEL)" in [d["title"] for d in listed["items"]]
    mine = (await client.get(f"/api/v1/matters/{bad['id']}/deadlines", headers=hr.headers)).json()
    assert mine[0]["rule"] == "BORTTAGEN-REGEL" and mine[0]["title"] == "Okänd regel (BORTTAGEN-REGEL)"
    feed = (await client.post("/api/v1/me/calendar-feed", headers=hr.headers)).json()["url"]
    ics = await client.get("/calendar/" + feed.rsplit("/calendar/", 1)[1])
    assert ics.status_code == 200 and "Okänd regel (BORTTAGEN-REGEL)" in ics.text
    await login(client, hr.email, hr.password)
    page_status._checked = (0.0, {})
    for path in ("/frister", f"/arenden/{bad['id']}"):
        page = await client.get(path)
        assert page.status_code == 200 and "Okänd regel (BORTTAGEN-REGEL)" in page.text, path
        assert "Svepet har fel" not in page.text  # HR is not the one to fix it
    client.cookies.clear()
    admin = await make_caller("admin")
    await login(client, admin.email, admin.password)
    banner = (await client.get("/frister")).text
    assert "Svepet har fel" in banner and "1 frist kunde inte planeras" in banner and "BORTTAGEN-REGEL" in banner
    # The banner's own variables must not reach the page under it: the start page has a list
    # called "deadlines" too (once a 500 for every administrator while a deadline failed).
    start = await client.get("/")
    assert start.status_code == 200 and "1 frist kunde inte planeras" in start.text and "Utkorgen" in start.text

    # Retried with a growing delay: tomorrow (2nd failure), then two days later.
    frozen.shift(dt.timedelta(days=1))
    await sweep(settings_with(**smtp.env()))
    failure = await DeadlineFailure.select().where(DeadlineFailure.deadline == bad_deadline["id"]).first()
    assert failure["attempts"] == 2
    row = await Deadline.select(Deadline.next_reminder_on).where(Deadline.id == bad_deadline["id"]).first()
    assert row["next_reminder_on"] == today + dt.timedelta(days=3)
    # Repaired: the next look plans it, and the record goes.
    await Deadline.update({Deadline.rule_id: "MBL16-MEET-LOCAL"}).where(Deadline.id == bad_deadline["id"])
    frozen.shift(dt.timedelta(days=2))
    result = await sweep(settings_with(**smtp.env()))
    assert result.planned >= 1
    assert await DeadlineFailure.count() == 0
    health = (await client.get("/health")).json()
    assert health["deadlines_failing"] == 0 and health["sweep_last_error"] is None
