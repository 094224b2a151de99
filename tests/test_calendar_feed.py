"""The secret iCalendar feed: what it holds for whom, that it parses, and that its token opens
that feed and nothing else."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar

from samverkan import clock
from conftest import FROZEN_AT, csrf, login

pytestmark = pytest.mark.usefixtures("frozen")  # "today" matters here: the clock stands still (conftest)

STARTS = dt.datetime.combine(FROZEN_AT.date() + dt.timedelta(days=3), dt.time(8, 0), tzinfo=dt.timezone.utc)


@pytest.fixture
async def people(callers):
    return await callers()


async def _matter(client, hr, org, title, union_ids, personal_data=False):
    r = await client.post("/api/v1/matters", headers=hr.headers, json={
        "title": title, "kind": "dispute", "department_id": org.department_id, "union_ids": union_ids,
        "personal_data": personal_data,
    })
    assert r.status_code == 201, r.text
    return r.json()


async def _event(client, hr, matter, **body):
    r = await client.post(f"/api/v1/matters/{matter['id']}/events", json=body, headers=hr.headers)
    assert r.status_code == 201, r.text


async def _deadline(client, hr, matter, rule):
    r = await client.get(f"/api/v1/matters/{matter['id']}/deadlines", headers=hr.headers)
    assert r.status_code == 200, r.text
    return next(d for d in r.json() if d["rule"] == rule)


async def _meeting(client, hr, org, title, union_ids, place=""):
    r = await client.post("/api/v1/meetings", headers=hr.headers, json={
        "kind": "negotiation", "title": title, "department_id": org.department_id, "union_ids": union_ids,
        "starts_at": STARTS.isoformat(), "ends_at": (STARTS + dt.timedelta(hours=1, minutes=30)).isoformat(), "place": place,
    })
    assert r.status_code == 201, r.text
    return r.json()


async def _new_feed(client, caller) -> str:
    r = await client.post("/api/v1/me/calendar-feed", headers=caller.headers)
    assert r.status_code == 201, r.text
    return r.json()["url"]


def _path(url: str) -> str:
    return urlsplit(url).path


async def _fetch(client, url: str):
    client.cookies.clear()  # the address alone must be enough
    return await client.get(_path(url))


async def _calendar(client, url: str) -> Calendar:
    r = await _fetch(client, url)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"
    assert r.headers["cache-control"] == "private, max-age=300"
    return Calendar.from_ical(r.content)


def _events(calendar: Calendar) -> dict[str, object]:
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


@pytest.fixture
async def world(client, org, people, settings):
    """Two unions' matters with deadlines, and their meetings."""
    hr = people["hr"]
    today = clock.today()
    ours = await _matter(client, hr, org, "Schemaändring på Solgården", [org.union_id])
    await _event(client, hr, ours, type="knowledge", date=today.isoformat())
    theirs = await _matter(client, hr, org, "Kommunals tvist om OB-tillägg", [org.other_union_id])
    await _event(client, hr, theirs, type="knowledge", date=today.isoformat())
    # Both unions are parties; the central-negotiation deadline is Kommunal's alone.
    shared = await _matter(client, hr, org, "Gemensam omorganisation", [org.union_id, org.other_union_id])
    await _event(client, hr, shared, type="negotiation_closed", date=today.isoformat(), union_id=org.other_union_id,
                 outcome="disagreement")
    personal = await _matter(client, hr, org, "Anna Anderssons rehabilitering", [], personal_data=True)
    await _event(client, hr, personal, type="knowledge", date=today.isoformat())
    return {
        "ours": ours, "theirs": theirs, "shared": shared, "personal": personal,
        "ours_deadline": await _deadline(client, hr, ours, "MBL64-LOCAL-KNOW"),
        "theirs_deadline": await _deadline(client, hr, theirs, "MBL64-LOCAL-KNOW"),
        "shared_deadline": await _deadline(client, hr, shared, "MBL64-CENTRAL"),
        "personal_deadline": await _deadline(client, hr, personal, "MBL64-LOCAL-KNOW"),
        "meeting": await _meeting(client, hr, org, "Förhandling om schemat", [org.union_id], place="Stadshuset, rum 3"),
        "other_meeting": await _meeting(client, hr, org, "Kommunals förhandling", [org.other_union_id]),
        "host": urlsplit(settings.base_url).hostname,
    }


async def test_a_union_users_feed_holds_its_deadlines_and_meetings_and_parses(client, people, world, settings):
    url = await _new_feed(client, people["union"])
    assert re.fullmatch(re.escape(settings.base_url) + r"/calendar/[A-Za-z0-9_-]{43}\.ics", url)
    calendar = await _calendar(client, url)
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["x-wr-calname"]) == "Samverkan – frister och möten"
    assert str(calendar["method"]) == "PUBLISH"
    assert calendar.get("prodid")
    events = _events(calendar)
    host, base = world["host"], settings.base_url

    deadline = world["ours_deadline"]
    event = events[f"deadline-{deadline['id']}@{host}"]
    due = dt.date.fromisoformat(deadline["due"])
    assert event.decoded("dtstart") == due and not isinstance(event.decoded("dtstart"), dt.datetime)
    assert event.decoded("dtend") == due + dt.timedelta(days=1)
    assert str(event["summary"]) == f"Frist: {deadline['title']}"
    assert str(event["url"]) == f"{base}/arenden/{world['ours']['id']}"
    description = str(event["description"])
    assert world["ours"]["diary_no"] in description and "Schemaändring på Solgården" in description
    assert deadline["basis"] in description and f"{base}/arenden/{world['ours']['id']}" in description
    assert event.get("dtstamp") is not None
    alarms = event.walk("VALARM")
    assert len(alarms) == 1 and str(alarms[0]["action"]) == "DISPLAY"
    assert alarms[0].decoded("trigger") == -dt.timedelta(hours=17)  # 07:00 the day before

    meeting = world["meeting"]
    event = events[f"meeting-{meeting['id']}@{host}"]
    assert str(event["summary"]) == "Förhandling om schemat"
    assert event.decoded("dtstart") == STARTS
    assert event.decoded("dtend") == STARTS + dt.timedelta(hours=1, minutes=30)
    assert event.decoded("dtstart").utcoffset() == dt.timedelta(0)
    assert str(event["location"]) == "Stadshuset, rum 3"
    assert str(event["url"]) == f"{base}/moten/{meeting['id']}"
    assert [a.decoded("trigger") for a in event.walk("VALARM")] == [-dt.timedelta(hours=1)]

    # Nothing of another union's matters and meetings, nor another union's deadline on a shared matter.
    body = (await _fetch(client, url)).text
    unfolded = body.replace("\r\n ", "")
    assert f"deadline-{world['theirs_deadline']['id']}@" not in unfolded
    assert f"/arenden/{world['theirs']['id']}" not in unfolded and "Kommunals tvist" not in unfolded
    assert world["theirs"]["diary_no"] not in unfolded
    assert f"deadline-{world['shared_deadline']['id']}@" not in unfolded
    assert f"deadline-{world['personal_deadline']['id']}@" not in unfolded and "Anna Andersson" not in unfolded
    assert f"meeting-{world['other_meeting']['id']}@" not in unfolded and "Kommunals förhandling" not in unfolded
    assert set(events) == {f"deadline-{deadline['id']}@{host}", f"meeting-{meeting['id']}@{host}"}


async def test_an_hr_users_feed_holds_every_matter_but_names_an_individarende_by_number_only(client, people, world, settings):
    events = _events(await _calendar(client, await _new_feed(client, people["hr"])))
    host = world["host"]
    for key in ("ours_deadline", "theirs_deadline", "shared_deadline", "personal_deadline"):
        assert f"deadline-{world[key]['id']}@{host}" in events, key
    assert f"meeting-{world['meeting']['id']}@{host}" in events
    assert f"meeting-{world['other_meeting']['id']}@{host}" in events
    personal = events[f"deadline-{world['personal_deadline']['id']}@{host}"]
    assert world["personal"]["diary_no"] in str(personal["description"])
    assert "Anna Andersson" not in str(personal["description"]) + str(personal["summary"])
    assert str(personal["url"]) == f"{settings.base_url}/arenden/{world['personal']['id']}"


async def test_a_met_deadline_and_a_cancelled_meeting(client, org, people, world):
    hr, host = people["hr"], world["host"]
    url = await _new_feed(client, people["union"])
    # A request meets the 64 § deadline: it leaves the feed.
    await _event(client, hr, world["ours"], type="request_received", date=clock.today().isoformat(), union_id=org.union_id)
    r = await client.patch(f"/api/v1/meetings/{world['meeting']['id']}", headers=hr.headers, json={"status": "cancelled"})
    assert r.status_code == 200, r.text
    events = _events(await _calendar(client, url))
    assert f"deadline-{world['ours_deadline']['id']}@{host}" not in events
    meeting = events[f"meeting-{world['meeting']['id']}@{host}"]
    assert str(meeting["status"]) == "CANCELLED" and not meeting.walk("VALARM")


async def test_regenerating_retires_the_old_address(client, people, world):
    union = people["union"]
    first = await _new_feed(client, union)
    assert (await _fetch(client, first)).status_code == 200
    second = await _new_feed(client, union)
    assert second != first
    assert (await _fetch(client, first)).status_code == 404
    assert (await _fetch(client, second)).status_code == 200


async def test_unknown_malformed_and_inactive_feeds_are_404(client, people, world):
    from samverkan.accounts.tables import User

    url = await _new_feed(client, people["union"])
    token = _path(url).removeprefix("/calendar/").removesuffix(".ics")
    for path in (f"/calendar/{'x' * 43}.ics", f"/calendar/{token}", f"/calendar/{token}.ical", "/calendar/.ics",
                 f"/calendar/{token[:-1]}.ics"):
        client.cookies.clear()
        assert (await client.get(path)).status_code == 404, path
    assert (await _fetch(client, url)).status_code == 200
    await User.update({User.active: False}).where(User.id == people["union"].user_id)
    assert (await _fetch(client, url)).status_code == 404


async def test_the_feed_token_opens_the_feed_and_nothing_else(client, people, world):
    url = await _new_feed(client, people["union"])
    token = _path(url).removeprefix("/calendar/").removesuffix(".ics")
    client.cookies.clear()
    for bearer in (token, f"{token}.ics"):
        r = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {bearer}"})
        assert r.status_code == 401, r.text
        r = await client.post("/api/v1/me/calendar-feed", headers={"Authorization": f"Bearer {bearer}"})
        assert r.status_code == 401, r.text
    # Nor does it sign anyone in to the pages.
    r = await client.get("/konto", headers={"Cookie": f"samverkan_session={token}"})
    assert r.status_code == 302 and r.headers["location"].startswith("/logga-in")
    # Creating a feed needs a signed-in caller.
    assert (await client.post("/api/v1/me/calendar-feed")).status_code == 401


async def test_the_account_page_makes_and_remakes_the_address(client, people, world, settings):
    union = people["union"]
    await login(client, union.email, union.password)
    page = await client.get("/konto")
    assert page.status_code == 200
    assert "Du har ingen kalenderadress ännu." in page.text and "Skapa kalenderadress" in page.text

    made = await client.post("/konto/kalender", data={"_csrf_token": csrf(client)})
    assert made.status_code == 201, made.text
    found = re.search(re.escape(settings.base_url) + r"/calendar/[A-Za-z0-9_-]{43}\.ics", made.text)
    assert found, made.text
    assert 'id="feed-url"' in made.text and "readonly" in made.text
    assert "Prenumerera på adressen i Outlook eller din kalender." in made.text
    url = found.group(0)
    # Shown once: the page after does not carry it, but says an address exists.
    again = await client.get("/konto")
    assert url not in again.text and "Du har en kalenderadress, skapad" in again.text
    assert "Skapa ny kalenderadress" in again.text

    events = _events(await _calendar(client, url))
    assert f"deadline-{world['ours_deadline']['id']}@{world['host']}" in events

    await login(client, union.email, union.password)
    remade = await client.post("/konto/kalender", data={"_csrf_token": csrf(client)})
    assert remade.status_code == 201
    new_url = re.search(re.escape(settings.base_url) + r"/calendar/[A-Za-z0-9_-]{43}\.ics", remade.text).group(0)
    assert new_url != url
    assert (await _fetch(client, url)).status_code == 404
    assert (await _fetch(client, new_url)).status_code == 200


async def test_the_account_page_form_needs_the_csrf_token(client, people):
    union = people["union"]
    await login(client, union.email, union.password)
    assert (await client.post("/konto/kalender", data={})).status_code == 403
    page = await client.get("/konto")
    assert "Du har ingen kalenderadress ännu." in page.text
