"""The deadlines dashboard, the notifications page and the administrators' outbox page."""

from __future__ import annotations

import datetime as dt

import pytest

from samverkan import clock
from conftest import csrf, login

pytestmark = pytest.mark.usefixtures("frozen")  # "today" matters here: the clock stands still (conftest)


async def _matter(client, hr, org, request_days_ago: int, union_id: int) -> dict:
    matter = (await client.post("/api/v1/matters", json={
        "title": f"Begäran {request_days_ago}", "kind": "contracting_out", "department_id": org.department_id,
        "union_ids": [union_id]}, headers=hr.headers)).json()
    day = clock.today() - dt.timedelta(days=request_days_ago)
    await client.post(f"/api/v1/matters/{matter['id']}/events", json={"type": "request_received", "date": day.isoformat(),
                                                                         "union_id": union_id}, headers=hr.headers)
    return matter


def _section(html: str, heading: str) -> str:
    start = html.index(heading)
    end = html.find("<section", start)
    return html[start:end if end > 0 else None]


async def test_the_dashboard_groups_deadlines_by_urgency_within_the_viewers_scope(client, callers, org):
    people = await callers()
    overdue = await _matter(client, people["hr"], org, 20, org.union_id)
    this_week = await _matter(client, people["hr"], org, 12, org.union_id)
    later = await _matter(client, people["hr"], org, 0, org.union_id)
    other_union = await _matter(client, people["hr"], org, 12, org.other_union_id)

    await login(client, people["union"].email, people["union"].password)
    own = (await client.get("/frister")).text  # a union first sees the deadlines that are its own to meet
    assert '<a href="/frister?ansvar=vara" aria-current="page">Våra</a>' in own and overdue["diary_no"] not in own
    page = (await client.get("/frister?ansvar=alla")).text
    assert overdue["diary_no"] in _section(page, "Passerade och inte uppfyllda")
    assert this_week["diary_no"] in _section(page, "Går ut inom en vecka")
    assert later["diary_no"] in _section(page, "Går ut inom 30 dagar")
    assert other_union["diary_no"] not in page  # not a party: not the union's to see

    client.cookies.clear()
    await login(client, people["hr"].email, people["hr"].password)
    assert other_union["diary_no"] in (await client.get("/frister")).text


async def test_notifications_are_shown_counted_and_marked_read(client, callers, org):
    from samverkan.reminders.service import sweep
    from samverkan.reminders.tables import SweepState
    from samverkan.settings import get_settings

    people = await callers()
    await SweepState.insert(SweepState(name="sweep", digests_on=clock.today()))
    matter = await _matter(client, people["hr"], org, 12, org.union_id)
    await sweep(get_settings())  # no SMTP host: the mail goes to the log
    await login(client, people["department"].email, people["department"].password)
    page = (await client.get("/notiser")).text
    assert 'class="badge">1' in page and f'href="/arenden/{matter["id"]}"' in page and "Oläst" in page
    done = await client.post("/notiser/las", data={"_csrf_token": csrf(client)})
    assert done.status_code in (302, 303)
    page = (await client.get("/notiser")).text
    assert 'class="badge"' not in page and "Oläst" not in page


async def test_the_outbox_page_lists_messages_and_sends_a_failed_one_again(client, callers, org):
    from samverkan.reminders.service import sweep
    from samverkan.reminders.tables import OutboxMessage, SweepState
    from samverkan.settings import get_settings

    people = await callers()
    await SweepState.insert(SweepState(name="sweep", digests_on=clock.today()))
    await _matter(client, people["hr"], org, 12, org.union_id)
    await sweep(get_settings())
    first = await OutboxMessage.select().first()
    await OutboxMessage.update({OutboxMessage.state: "failed", OutboxMessage.last_error: "554 avvisad", OutboxMessage.attempts: 10}).where(
        OutboxMessage.id == first["id"])
    await login(client, people["admin"].email, people["admin"].password)
    page = (await client.get("/utkorg?status=failed")).text
    assert "554 avvisad" in page and first["to_address"] in page and "Skicka igen" in page
    r = await client.post(f"/utkorg/{first['id']}/forsok-igen", data={"_csrf_token": csrf(client)})
    assert r.status_code in (302, 303)
    assert (await OutboxMessage.select(OutboxMessage.state).where(OutboxMessage.id == first["id"]).first())["state"] == "pending"
    r = await client.post(f"/utkorg/{first['id']}/forsok-igen", data={"_csrf_token": csrf(client)})
    assert r.status_code in (302, 303)  # a waiting message may be pushed again: it goes at the next sweep
    sent = await OutboxMessage.select().where(OutboxMessage.state == "sent").first()
    r = await client.post(f"/utkorg/{sent['id']}/forsok-igen", data={"_csrf_token": csrf(client)})
    assert r.status_code == 409 and "Bara ett misslyckat" in r.text
