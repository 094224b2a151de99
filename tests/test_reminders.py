"""Reminders: planned once from open deadlines, sent over real SMTP with a stable Message-ID,
retried when the server refuses or does not answer, escalated when overdue, summarised daily."""

from __future__ import annotations

import datetime as dt
import socket

import pytest

from samverkan import clock
from conftest import clock_env, settings_with

pytestmark = pytest.mark.usefixtures("frozen")  # "today" matters here: the clock stands still (conftest)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=clock.STOCKHOLM).astimezone(dt.timezone.utc)


async def _matter_with_meeting_deadline(client, hr, org, request_days_ago: int):
    """A negotiation request: MBL16-MEET-LOCAL is due two weeks after it (rolled to a working day)."""
    matter = (await client.post("/api/v1/matters", json={
        "title": "Ny bemanning på Solgården", "kind": "contracting_out", "department_id": org.department_id,
        "union_ids": [org.union_id]}, headers=hr.headers)).json()
    day = clock.today() - dt.timedelta(days=request_days_ago)
    r = await client.post(f"/api/v1/matters/{matter['id']}/events", json={
        "type": "request_received", "date": day.isoformat(), "union_id": org.union_id}, headers=hr.headers)
    assert r.status_code == 201, r.text
    deadline = (await client.get(f"/api/v1/matters/{matter['id']}/deadlines", headers=hr.headers)).json()[0]
    return matter, deadline


async def _outbox():
    from samverkan.reminders.tables import OutboxMessage

    return await OutboxMessage.select().order_by(OutboxMessage.id)


async def test_a_due_reminder_is_sent_once_with_a_stable_message_id(client, callers, org, smtp):
    from samverkan.reminders.service import sweep

    people = await callers()
    matter, deadline = await _matter_with_meeting_deadline(client, people["hr"], org, request_days_ago=12)
    due = dt.date.fromisoformat(deadline["due"])
    assert 0 <= (due - clock.today()).days <= 7  # within the week before: the "week" stage has come
    settings = settings_with(**smtp.env())

    first = await sweep(settings)
    assert first.planned >= 1 and first.sent == first.planned and first.failed == 0
    received = smtp.recorder.messages
    to = {m["To"] for m in received}
    # The employer is responsible: the matter's creator (HR) and the department's own users hear of it.
    assert to == {people["hr"].email, people["department"].email}
    mail = received[0]
    assert mail["Subject"].startswith(f"Frist om {(due - clock.today()).days} dagar")
    assert "Förhandlingssammanträde inom två veckor" in mail["Subject"]
    body = mail.get_content()
    assert f"/arenden/{matter['id']}" in body and "16 § 2 st. MBL" in body and due.isoformat() in body
    assert sorted(m["Message-ID"] for m in received) == sorted(r["message_id"] for r in await _outbox())

    again = await sweep(settings)
    assert again.planned == 0 and again.sent == 0
    assert len(smtp.recorder.messages) == len(received)  # nothing twice

    # The same reminder appears in the app, for the users who have a login.
    notes = (await client.get("/api/v1/notifications", headers=people["department"].headers)).json()
    assert notes["total"] == 1 and notes["items"][0]["link"] == f"/arenden/{matter['id']}"
    assert (await client.get("/api/v1/notifications", headers=people["union"].headers)).json()["total"] == 0


async def test_a_union_deadline_reminds_the_unions_users_and_an_individual_matter_keeps_its_title_out_of_mail(client, callers, org, smtp):
    from samverkan.reminders.service import sweep
    from samverkan.deadlines.calendar import add_months

    people = await callers()
    hr = people["hr"]
    matter = (await client.post("/api/v1/matters", json={
        "title": "Avsked av Anna Andersson", "kind": "dispute", "department_id": org.department_id, "personal_data": True,
        "union_ids": [org.union_id]}, headers=hr.headers)).json()
    closed = add_months(clock.today() + dt.timedelta(days=3), -2)  # 64 § central request: two months after, within the week
    r = await client.post(f"/api/v1/matters/{matter['id']}/events", json={
        "type": "negotiation_closed", "date": closed.isoformat(), "union_id": org.union_id, "outcome": "disagreement"}, headers=hr.headers)
    assert r.status_code == 201, r.text
    await sweep(settings_with(**smtp.env()))
    central = [m for m in smtp.recorder.messages if "Central förhandling påkallas" in m["Subject"]]
    assert [m["To"] for m in central] == [people["union"].email]  # the union is responsible, not the employer
    for m in smtp.recorder.messages:
        assert "Anna Andersson" not in m["Subject"] and "Anna Andersson" not in m.get_content()
        assert m["To"] != people["department"].email  # individärenden are for HR only


async def test_message_ids_are_stable_per_reminder_and_recipient():
    from samverkan.reminders.planning import message_id

    assert message_id("r:1:week:2026-01-02:abc", "lund.se") == message_id("r:1:week:2026-01-02:abc", "lund.se")
    assert message_id("r:1:week:2026-01-02:abc", "lund.se") != message_id("r:1:day_before:2026-01-02:abc", "lund.se")


async def test_a_refusing_server_loses_nothing_and_the_message_goes_later(client, callers, org, smtp):
    from samverkan.reminders.service import sweep

    people = await callers()
    await _matter_with_meeting_deadline(client, people["hr"], org, request_days_ago=12)
    settings = settings_with(**smtp.env())
    smtp.recorder.refuse_with = "451 4.3.0 Försök igen senare"
    result = await sweep(settings)
    assert result.sent == 0 and result.failed == result.planned >= 1
    rows = await _outbox()
    assert {r["state"] for r in rows} == {"pending"} and all(r["attempts"] == 1 for r in rows)
    assert all("451" in r["last_error"] for r in rows)
    assert all(r["next_attempt_at"] > clock.now() for r in rows)  # backoff: not retried at once

    smtp.recorder.refuse_with = None
    assert (await sweep(settings)).sent == 0  # still waiting for its backoff
    later = await sweep(settings, now=clock.now() + dt.timedelta(minutes=2))
    assert later.sent == len(rows)
    assert {r["state"] for r in await _outbox()} == {"sent"}
    assert sorted(m["Message-ID"] for m in smtp.recorder.messages) == sorted(r["message_id"] for r in rows)


async def test_a_server_that_does_not_answer_loses_nothing(client, callers, org, monkeypatch):
    from samverkan.reminders import mail
    from samverkan.reminders.service import sweep

    monkeypatch.setattr(mail, "TIMEOUT_SECONDS", 1)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)  # accepts connections, never says a word
    try:
        people = await callers()
        await _matter_with_meeting_deadline(client, people["hr"], org, request_days_ago=12)
        result = await sweep(settings_with(SAMVERKAN_SMTP_HOST="127.0.0.1", SAMVERKAN_SMTP_PORT=str(silent.getsockname()[1]),
                                       SAMVERKAN_SMTP_SECURITY="none"))
    finally:
        silent.close()
    assert result.sent == 0 and result.failed >= 1
    rows = await _outbox()
    assert {r["state"] for r in rows} == {"pending"} and all("timed out" in r["last_error"] for r in rows)


async def test_after_too_many_attempts_a_message_waits_for_an_administrator(client, callers, org, smtp):
    from samverkan.reminders import planning
    from samverkan.reminders.service import sweep
    from samverkan.reminders.tables import OutboxMessage

    people = await callers()
    await _matter_with_meeting_deadline(client, people["hr"], org, request_days_ago=12)
    settings = settings_with(**smtp.env())
    smtp.recorder.refuse_with = "554 5.7.1 Nej"
    await sweep(settings)
    await OutboxMessage.update({OutboxMessage.attempts: planning.MAX_ATTEMPTS - 1}).where(OutboxMessage.id > 0)
    await sweep(settings, now=clock.now() + dt.timedelta(days=1))
    rows = await _outbox()
    assert {r["state"] for r in rows} == {"failed"}

    admin = people["admin"]
    failed = (await client.get("/api/v1/outbox?state=failed", headers=admin.headers)).json()
    assert failed["total"] == len(rows) and "554" in failed["items"][0]["last_error"]
    assert (await client.get("/api/v1/outbox", headers=people["hr"].headers)).status_code == 403
    retried = await client.post(f"/api/v1/outbox/{rows[0]['id']}/retry", headers=admin.headers)
    assert retried.status_code == 200 and retried.json()["state"] == "pending" and retried.json()["attempts"] == 0
    smtp.recorder.refuse_with = None
    assert (await sweep(settings)).sent == 1
    again = await client.post(f"/api/v1/outbox/{rows[0]['id']}/retry", headers=admin.headers)
    assert again.status_code == 409 and again.json()["field"] == "state"


async def test_an_expired_lease_is_taken_over_and_sent_with_the_same_message_id(client, callers, org, smtp):
    from samverkan.reminders.service import claim, plan_deadline_reminders, sweep

    people = await callers()
    await _matter_with_meeting_deadline(client, people["hr"], org, request_days_ago=12)
    settings = settings_with(**smtp.env(), SAMVERKAN_MAIL_LEASE_SECONDS="30")
    await plan_deadline_reminders(settings, clock.today())
    taken = await claim(settings, clock.now())  # an instance claims, then dies before sending
    assert taken and {r["state"] for r in await _outbox()} == {"sending"}
    assert (await sweep(settings)).sent == 0  # the lease still holds: no one else sends
    after = await sweep(settings, now=clock.now() + dt.timedelta(seconds=31))
    assert after.sent == len(taken)
    assert sorted(m["Message-ID"] for m in smtp.recorder.messages) == sorted(r["message_id"] for r in taken)


async def test_a_deadline_met_before_sending_is_not_reminded(client, callers, org, smtp):
    from samverkan.reminders.service import plan_deadline_reminders, sweep

    people = await callers()
    matter, _ = await _matter_with_meeting_deadline(client, people["hr"], org, request_days_ago=12)
    settings = settings_with(**smtp.env())
    assert await plan_deadline_reminders(settings, clock.today()) >= 1
    await client.post(f"/api/v1/matters/{matter['id']}/events", json={"type": "meeting_held", "date": clock.today().isoformat()},
                      headers=people["hr"].headers)
    assert (await sweep(settings)).sent == 0
    assert {r["state"] for r in await _outbox()} == {"cancelled"} and smtp.recorder.messages == []


async def test_an_overdue_deadline_is_escalated_to_the_departments_hr_contact(client, callers, org, smtp):
    from samverkan.orgs import schemas as os_
    from samverkan.orgs import service as orgs
    from samverkan.reminders.service import sweep

    people = await callers()
    await orgs.create_person(os_.PersonCreate(name="Hanna HR", email="hanna.hr@lund.example", side="employer",
                                              department_id=org.department_id, roles=["hr"]))
    _, deadline = await _matter_with_meeting_deadline(client, people["hr"], org, request_days_ago=20)
    assert dt.date.fromisoformat(deadline["due"]) < clock.today() and deadline["state"] == "missed"
    await sweep(settings_with(**smtp.env()))
    escalations = [m for m in smtp.recorder.messages if m["Subject"].startswith("Passerad frist")]
    assert [m["To"] for m in escalations] == ["hanna.hr@lund.example"]
    assert "68 § MBL" in escalations[0].get_content()


async def test_a_late_sweep_sends_only_the_latest_stage():
    from samverkan.reminders.planning import first_look, stage_now

    due = dt.date(2026, 3, 16)
    assert first_look(due, dt.date(2026, 1, 1)) == dt.date(2026, 3, 9)
    assert stage_now(due, dt.date(2026, 3, 9)) == ("week", dt.date(2026, 3, 15))
    assert stage_now(due, dt.date(2026, 3, 16)) == ("due", dt.date(2026, 3, 17))  # down over the weekend: one mail, not three
    assert stage_now(due, dt.date(2026, 3, 17)) == ("overdue", None)
    assert stage_now(due, dt.date(2026, 6, 1)) == (None, None)  # long past: nobody is woken for it
    assert first_look(due, dt.date(2026, 6, 1)) is None


async def test_the_daily_digest_goes_once_from_seven_stockholm_time(client, callers, org, smtp):
    from samverkan.reminders.service import plan_digests
    from samverkan.reminders.tables import SweepState

    people = await callers()
    await _matter_with_meeting_deadline(client, people["hr"], org, request_days_ago=12)
    settings = settings_with(**smtp.env())
    today = clock.today()
    await SweepState.update({SweepState.digests_on: None}).where(SweepState.name == "sweep")
    assert await plan_digests(settings, _at(today, 6)) == 0
    planned = await plan_digests(settings, _at(today, 7))
    digests = [r for r in await _outbox() if r["kind"] == "digest"]
    # Everyone who can see the matter: admin and HR (all), the department user; the union user sees it as a party.
    assert planned == len(digests) == 4
    from samverkan.deadlines.calendar import WEEKDAYS

    assert all(r["subject"].startswith(f"Dina frister {WEEKDAYS[today.weekday()]} {today.isoformat()}: 0 passerade, 1 ") for r in digests)
    assert await plan_digests(settings, _at(today, 9)) == 0  # once a day


async def test_health_shows_the_last_sweep_and_pages_warn_when_it_is_old(client, callers):
    from samverkan.reminders.service import sweep
    from samverkan.reminders.tables import SweepState
    from samverkan.web import page_status
    from conftest import login

    people = await callers()
    before = (await client.get("/health")).json()
    assert before["sweep_last_run"] is None
    await sweep(settings_with())
    health = (await client.get("/health")).json()
    assert health["sweep_age_seconds"] is not None and 0 <= health["sweep_age_seconds"] < 60
    assert health["sweep_last_run"].startswith(str(dt.datetime.now(dt.timezone.utc).year))

    await login(client, people["hr"].email, people["hr"].password)
    page_status._checked = (0.0, {})
    assert "Påminnelser skickas inte" not in (await client.get("/frister")).text
    await SweepState.update({SweepState.last_finished_at: clock.now() - dt.timedelta(minutes=11)}).where(SweepState.name == "sweep")
    page_status._checked = (0.0, {})
    assert "Påminnelser skickas inte just nu" in (await client.get("/frister")).text


async def test_sweep_once_from_the_command_line_sends_what_is_due(client, callers, org, smtp):
    import os
    import subprocess
    import sys

    people = await callers()
    await _matter_with_meeting_deadline(client, people["hr"], org, request_days_ago=12)
    result = subprocess.run([sys.executable, "-m", "samverkan", "sweep", "--once"], capture_output=True, text=True, timeout=120,
                            env={**os.environ, **smtp.env(), **clock_env()})
    assert result.returncode == 0, result.stderr
    assert "skickade 2, misslyckade 0" in result.stdout
    assert sorted(m["To"] for m in smtp.recorder.messages) == sorted([people["hr"].email, people["department"].email])
    bare = subprocess.run([sys.executable, "-m", "samverkan", "sweep"], capture_output=True, text=True, timeout=60)
    assert bare.returncode == 2 and "--once" in bare.stderr
