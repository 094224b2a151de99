"""Warnings as data on a meeting (cadence, notice_late, in_past), the pure functions behind them,
and planning through the service: group members as participants, a matter's item on a new
meeting, parties and time changed afterwards."""

from __future__ import annotations

import datetime as dt

import pytest

from samverkan import clock
from samverkan.deadlines.catalogue import BY_ID
from samverkan.meetings import warnings

pytestmark = pytest.mark.usefixtures("frozen")  # 2026-12-01 10:00 in Stockholm


def _at(day: str, hour: int = 9) -> str:
    return f"{day}T{hour:02d}:00:00+01:00"


# --- the pure functions --------------------------------------------------------------------


def test_cadence_counts_three_months_both_ways() -> None:
    rule = BY_ID["AMF8a-SK-MEET"]
    day = dt.date(2026, 6, 1)
    assert warnings.cadence(day, dt.date(2026, 3, 1), dt.date(2026, 9, 1), rule) == []
    before, = warnings.cadence(day, dt.date(2026, 2, 27), None, rule)
    assert before.code == "cadence" and "2026-05-27" in before.text and "8 a § arbetsmiljöförordningen" in before.text
    after, = warnings.cadence(day, None, dt.date(2026, 9, 2), rule)
    assert "2026-09-01" in after.text
    own = warnings.cadence_rule(rule, safety_committee=False, cadence_months=2)
    assert own is not None and warnings.cadence(day, dt.date(2026, 3, 31), None, own)[0].text.startswith("Mer än 2 månader")
    assert warnings.cadence_rule(rule, safety_committee=False, cadence_months=None) is None
    assert warnings.cadence_rule(rule, safety_committee=True, cadence_months=6) is rule  # the shorter counts


def test_notice_is_due_two_weeks_before() -> None:
    rule = BY_ID["SKR-SAMV-INVITE"]
    meeting = dt.date(2026, 12, 15)
    assert warnings.notice_late(meeting, rule, called_on=None, today=dt.date(2026, 12, 1)) is None
    late = warnings.notice_late(meeting, rule, called_on=None, today=dt.date(2026, 12, 2))
    assert late is not None and "senast 2026-12-01" in late.text
    assert warnings.notice_late(meeting, rule, called_on=dt.date(2026, 12, 1), today=dt.date(2026, 12, 10)) is None
    sent = warnings.notice_late(meeting, rule, called_on=dt.date(2026, 12, 3), today=dt.date(2026, 12, 10))
    assert sent is not None and "gick ut 2026-12-03" in sent.text


def test_in_past() -> None:
    now = dt.datetime(2026, 12, 1, 9, tzinfo=dt.timezone.utc)
    assert warnings.in_past(now, now) is None
    assert warnings.in_past(now - dt.timedelta(minutes=1), now).code == "in_past"


# --- through the API -------------------------------------------------------------------------


@pytest.fixture
async def hr(callers):
    return (await callers())["hr"]


@pytest.fixture
async def committee(client, hr, org):
    person = (await client.post("/api/v1/people", json={"name": "Sara Skyddsombud", "side": "union", "union_id": org.union_id,
                                                         "roles": ["safety_rep"]}, headers=hr.headers)).json()
    boss = (await client.post("/api/v1/people", json={"name": "Bo Chef", "side": "employer", "department_id": org.department_id},
                              headers=hr.headers)).json()
    r = await client.post("/api/v1/groups", json={
        "name": "FSG VOF", "level": "department", "department_id": org.department_id, "union_ids": [org.union_id],
        "safety_committee": True, "member_ids": [person["id"], boss["id"]]}, headers=hr.headers)
    assert r.status_code == 201, r.text
    return {**r.json(), "rep": person, "boss": boss}


async def _create(client, hr, **body) -> dict:
    r = await client.post("/api/v1/meetings", json={"kind": "samverkan", "title": "FSG", "ends_at": _at(body["starts_at"][:10], 11),
                                                     **body}, headers=hr.headers)
    assert r.status_code == 201, r.text
    return r.json()


def _codes(meeting: dict) -> list[str]:
    return [w["code"] for w in meeting["warnings"]]


async def test_a_committee_meeting_past_its_cadence_warns(client, hr, committee) -> None:
    first = await _create(client, hr, group_id=committee["id"], starts_at=_at("2026-12-21"))
    assert _codes(first) == []  # the kallelse is due 2026-12-07: not yet late; no earlier meeting
    second = await _create(client, hr, group_id=committee["id"], starts_at=_at("2027-04-12"))
    assert _codes(second) == ["cadence"]
    assert "2027-03-21" in second["warnings"][0]["text"]
    # The earlier meeting now has a next one too far off.
    again = (await client.get(f"/api/v1/meetings/{first['id']}", headers=hr.headers)).json()
    assert _codes(again) == ["cadence"] and "till gruppens nästa möte 2027-04-12" in again["warnings"][0]["text"]
    # Moved within three months: no cadence warning on either.
    r = await client.patch(f"/api/v1/meetings/{second['id']}", json={"starts_at": "2027-03-15T09:00:00", "ends_at": "2027-03-15T11:00:00"},
                           headers=hr.headers)
    assert r.status_code == 200 and _codes(r.json()) == []
    # A cancelled meeting does not count.
    await client.patch(f"/api/v1/meetings/{first['id']}", json={"status": "cancelled"}, headers=hr.headers)
    assert (await client.get(f"/api/v1/meetings/{first['id']}", headers=hr.headers)).json()["warnings"] == []


async def test_notice_late_and_in_past(client, hr, committee, frozen) -> None:
    soon = await _create(client, hr, group_id=committee["id"], starts_at=_at("2026-12-10"))
    assert _codes(soon) == ["notice_late"] and "senast 2026-11-26" in soon["warnings"][0]["text"]
    called = await client.patch(f"/api/v1/meetings/{soon['id']}", json={"status": "called"}, headers=hr.headers)
    assert "gick ut 2026-12-01" in called.json()["warnings"][0]["text"]
    past = await _create(client, hr, group_id=committee["id"], starts_at=_at("2026-11-30"), standard_agenda=False)
    assert _codes(past)[0] == "in_past"
    held = await client.patch(f"/api/v1/meetings/{past['id']}", json={"status": "held"}, headers=hr.headers)
    assert held.json()["warnings"] == []  # a held meeting has nothing to plan
    plain = await _create(client, hr, starts_at=_at("2026-11-01"), union_ids=[])
    assert _codes(plain) == ["in_past"]  # no group: neither cadence nor the agreement's notice


async def test_the_rule_set_changes_the_notice_time(client, hr, committee, callers) -> None:
    admin = (await callers())["admin"]
    r = await client.post("/api/v1/rule-sets", json={"name": "Kortare kallelse", "effective_from": "2026-01-01",
                                                      "rules": [{"rule": "SKR-SAMV-INVITE", "length": 5, "unit": "days"}]},
                          headers=admin.headers)
    assert r.status_code == 201, r.text
    meeting = await _create(client, hr, group_id=committee["id"], starts_at=_at("2026-12-10"))
    assert _codes(meeting) == []  # five days before the 10th is the 5th


async def test_group_members_become_participants_and_a_matter_gets_its_item(client, hr, committee, org) -> None:
    matter = (await client.post("/api/v1/matters", json={"title": "Nya scheman", "kind": "samverkan", "department_id": org.department_id,
                                                          "union_ids": [org.union_id]}, headers=hr.headers)).json()
    meeting = await _create(client, hr, group_id=committee["id"], starts_at=_at("2026-12-21"),
                            agenda=[{"title": "Nya scheman", "kind": "samverkan", "matter_id": matter["id"],
                                     "positions": [{"union_id": org.union_id, "outcome": "informed"}]}])
    people = {p["person_id"]: p for p in meeting["participants"]}
    assert set(people) == {committee["rep"]["id"], committee["boss"]["id"]}
    assert people[committee["rep"]["id"]]["role"] == "safety_rep" and people[committee["rep"]["id"]]["union_id"] == org.union_id
    titles = [(i["title"], i["matter_id"]) for i in meeting["agenda"]]
    at = titles.index(("Nya scheman", matter["id"]))
    assert [(p["union_id"], p["outcome"]) for p in meeting["agenda"][at]["positions"]] == [(org.union_id, "informed")]
    assert [t for t, _ in titles[at + 1:]] == ["Uppföljning av åtgärder", "Övriga frågor", "Nästa möte", "Mötets avslutande"]
    assert [i["number"] for i in meeting["agenda"]] == list(range(1, len(titles) + 1))
    # Each can be taken off.
    participant = people[committee["boss"]["id"]]["id"]
    r = await client.delete(f"/api/v1/meetings/{meeting['id']}/participants/{participant}", headers=hr.headers)
    assert r.status_code == 204


async def test_bad_agenda_on_create_names_the_field_and_writes_nothing(client, hr, committee, org) -> None:
    before = (await client.get("/api/v1/meetings", headers=hr.headers)).json()["total"]
    r = await client.post("/api/v1/meetings", json={
        "kind": "samverkan", "title": "X", "group_id": committee["id"], "starts_at": _at("2026-12-21"), "ends_at": _at("2026-12-21", 11),
        "agenda": [{"title": "Y", "matter_id": 999999}]}, headers=hr.headers)
    assert r.status_code == 400 and r.json()["field"] == "agenda[0].matter_id", r.text
    r = await client.post("/api/v1/meetings", json={
        "kind": "samverkan", "title": "X", "group_id": committee["id"], "starts_at": _at("2026-12-21"), "ends_at": _at("2026-12-21", 11),
        "agenda": [{"title": "Y", "positions": [{"union_id": org.other_union_id, "outcome": "agreement"}]}]}, headers=hr.headers)
    assert r.status_code == 400 and r.json()["field"] == "agenda[0].positions[0].union_id", r.text
    assert (await client.get("/api/v1/meetings", headers=hr.headers)).json()["total"] == before


async def test_group_outlook_for_the_group_page(client, hr, committee) -> None:
    from samverkan.meetings import service

    assert await service.group_outlook(committee["id"]) == (None, [])
    held = await _create(client, hr, group_id=committee["id"], starts_at=_at("2026-11-02"), standard_agenda=False)
    await client.patch(f"/api/v1/meetings/{held['id']}", json={"status": "held"}, headers=hr.headers)
    nothing, (warning,) = await service.group_outlook(committee["id"])
    assert nothing is None and warning.code == "cadence" and "senast 2027-02-02" in warning.text
    late = await _create(client, hr, group_id=committee["id"], starts_at=_at("2027-03-01"), standard_agenda=False)
    upcoming, found = await service.group_outlook(committee["id"])
    assert upcoming.id == late["id"] and [w.code for w in found] == ["cadence"]
    assert clock.today() == dt.date(2026, 12, 1)
