"""A samverkansgrupp that is also the department's skyddskommitté meets at least every three
months (8 a § arbetsmiljöförordningen): each held meeting starts an AMF8a-SK-MEET deadline, the
next held meeting meets it; a group that is no skyddskommitté gets none; the department's SAM
overview shows when the committee must meet next."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest

from samverkan import clock

pytestmark = pytest.mark.usefixtures("frozen")  # "today" matters here: the clock stands still (conftest)


def _plus_months(day: dt.date, months: int) -> dt.date:
    """The same day number `months` later, or the last day of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=clock.STOCKHOLM)


async def _group(client, hr, org, safety_committee: bool, name: str = "Förvaltningens samverkansgrupp") -> dict:
    r = await client.post("/api/v1/groups", json={
        "name": name, "level": "department", "department_id": org.department_id, "union_ids": [org.union_id],
        "safety_committee": safety_committee, "cadence_months": 3 if safety_committee else None}, headers=hr.headers)
    assert r.status_code == 201, r.text
    assert r.json()["safety_committee"] is safety_committee
    return r.json()


async def _meeting(client, hr, group: dict, kind: str, starts: dt.datetime) -> dict:
    r = await client.post("/api/v1/meetings", json={
        "kind": kind, "title": f"{group['name']} {starts.date().isoformat()}", "group_id": group["id"],
        "starts_at": starts.isoformat(), "ends_at": (starts + dt.timedelta(hours=2)).isoformat()}, headers=hr.headers)
    assert r.status_code == 201, r.text
    assert r.json()["department_id"] == group["department_id"]
    return r.json()


async def _set_status(client, hr, meeting: dict, status: str) -> dict:
    r = await client.patch(f"/api/v1/meetings/{meeting['id']}", json={"status": status}, headers=hr.headers)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == status
    return r.json()


async def _cadence(client, caller) -> list[dict]:
    r = await client.get("/api/v1/deadlines", params={"limit": 500}, headers=caller.headers)
    assert r.status_code == 200, r.text
    return sorted((d for d in r.json()["items"] if d["rule"] == "AMF8a-SK-MEET"), key=lambda d: d["start"])


async def _overview(client, caller, department_id: int) -> dict:
    r = await client.get(f"/api/v1/sam/departments/{department_id}/overview", headers=caller.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def test_holding_a_skyddskommitte_meeting_starts_the_three_month_deadline(client, callers, org):
    people = await callers()
    hr = people["hr"]
    group = await _group(client, hr, org, safety_committee=True)
    day = clock.today() - dt.timedelta(days=40)
    meeting = await _meeting(client, hr, group, "safety_committee", _at(day, 9))
    await _set_status(client, hr, meeting, "called")
    assert await _cadence(client, hr) == []  # planned or called is not held

    await _set_status(client, hr, meeting, "held")
    [deadline] = await _cadence(client, hr)
    due = _plus_months(day, 3)
    assert (deadline["subject"], deadline["subject_id"], deadline["matter_id"]) == ("meeting", meeting["id"], None)
    assert (deadline["start"], deadline["due"], deadline["unadjusted_due"]) == (day.isoformat(), due.isoformat(), due.isoformat())
    assert (deadline["state"], deadline["met_on"], deadline["department_id"]) == ("open", None, org.department_id)
    assert deadline["link"] == f"/moten/{meeting['id']}"
    assert group["name"] in deadline["label"]
    # The department's own users see it as part of its SAM.
    assert [d["id"] for d in await _cadence(client, people["department"])] == [deadline["id"]]


async def test_holding_the_next_meeting_meets_the_deadline_and_starts_a_new_one(client, callers, org):
    people = await callers()
    hr = people["hr"]
    group = await _group(client, hr, org, safety_committee=True)
    first_day = clock.today() - dt.timedelta(days=60)
    second_day = clock.today() - dt.timedelta(days=5)
    first = await _meeting(client, hr, group, "safety_committee", _at(first_day, 13))
    await _set_status(client, hr, first, "held")
    # The next one is a samverkansmöte of the same group; 00:30 Stockholm time is still its own day.
    second = await _meeting(client, hr, group, "samverkan", _at(second_day, 0, 30))
    upcoming = await _meeting(client, hr, group, "safety_committee", _at(clock.today() + dt.timedelta(days=20), 9))
    await _set_status(client, hr, second, "held")

    earlier, latest = await _cadence(client, hr)
    assert (earlier["subject_id"], earlier["due"], earlier["state"], earlier["met_on"]) == (
        first["id"], _plus_months(first_day, 3).isoformat(), "met", second_day.isoformat())
    assert (latest["subject_id"], latest["start"], latest["due"], latest["state"], latest["met_on"]) == (
        second["id"], second_day.isoformat(), _plus_months(second_day, 3).isoformat(), "open", None)
    assert latest["link"] == f"/moten/{second['id']}"
    assert upcoming["id"] not in {d["subject_id"] for d in await _cadence(client, hr)}  # only held meetings count


async def test_a_group_that_is_not_a_skyddskommitte_gets_no_cadence_deadline(client, callers, org):
    people = await callers()
    hr = people["hr"]
    group = await _group(client, hr, org, safety_committee=False, name="Arbetsplatsträff hemvården")
    for days_ago, kind in ((50, "samverkan"), (10, "safety_committee")):
        meeting = await _meeting(client, hr, group, kind, _at(clock.today() - dt.timedelta(days=days_ago), 9))
        await _set_status(client, hr, meeting, "held")
    assert await _cadence(client, hr) == []
    assert (await _overview(client, hr, org.department_id))["cadence_due"] is None


async def test_the_overview_shows_when_the_skyddskommitte_must_meet_next(client, callers, org):
    people = await callers()
    hr = people["hr"]
    assert (await _overview(client, hr, org.department_id))["cadence_due"] is None
    group = await _group(client, hr, org, safety_committee=True)
    first_day = clock.today() - dt.timedelta(days=45)
    first = await _meeting(client, hr, group, "safety_committee", _at(first_day, 9))
    await _set_status(client, hr, first, "held")
    assert (await _overview(client, hr, org.department_id))["cadence_due"] == _plus_months(first_day, 3).isoformat()

    second_day = clock.today() - dt.timedelta(days=3)
    second = await _meeting(client, hr, group, "samverkan", _at(second_day, 9))
    await _set_status(client, hr, second, "held")
    for caller in (hr, people["department"]):
        assert (await _overview(client, caller, org.department_id))["cadence_due"] == _plus_months(second_day, 3).isoformat()
    # Another department's overview is not about this committee.
    assert (await _overview(client, hr, org.other_department_id))["cadence_due"] is None
