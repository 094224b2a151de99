"""Actions decided on agenda items: a reminded deadline (AGR-ACTION) of the responsible person,
followed up at the group's next meeting, done or struck; who sees them."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import QueryCounter, settings_with
from year_fixtures import pyramid, staff  # noqa: F401

pytestmark = pytest.mark.usefixtures("frozen")


async def _action(client, p, caller, **body):
    body = {"what": "Se över bemanningen på natten", "responsible_id": p.chef["id"], "due": "2026-11-30", **body}
    return await client.post(f"/api/v1/meetings/{p.meeting['id']}/agenda/{p.item['id']}/actions", json=body, headers=caller.headers)


async def test_an_action_is_a_deadline_listed_by_state_and_done(client, staff, pyramid):
    hr, p = staff["hr"], pyramid
    r = await _action(client, p, staff["department"])
    assert r.status_code == 201, r.text
    action = r.json()
    assert action["status"] == "open" and action["overdue"] is True and action["responsible_name"] == "Karin Holm"
    assert action["decided_on"] == "2026-10-06" and action["item_title"] == "Samverkansfrågor"
    later = (await _action(client, p, hr, what="Ny rutin för larm", due="2027-01-15")).json()

    deadlines = (await client.get("/api/v1/deadlines", params={"state": "missed"}, headers=hr.headers)).json()["items"]
    mine = [d for d in deadlines if d["subject"] == "agenda_action"]
    assert [(d["rule"], d["due"], d["link"]) for d in mine] == [("AGR-ACTION", "2026-11-30", f"/atgarder/{action['id']}")]

    url = f"/api/v1/groups/{p.fsg['id']}/actions"
    assert [a["id"] for a in (await client.get(url, params={"state": "overdue"}, headers=hr.headers)).json()["items"]] == [action["id"]]
    assert (await client.get(url, params={"state": "open"}, headers=hr.headers)).json()["total"] == 2

    done = await client.patch(f"/api/v1/actions/{action['id']}", json={"status": "done", "done_on": "2026-11-28", "version": 1},
                              headers=hr.headers)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "done" and done.json()["overdue"] is False
    assert (await client.get(url, params={"state": "done"}, headers=hr.headers)).json()["items"][0]["id"] == action["id"]
    met = (await client.get("/api/v1/deadlines", params={"state": "met"}, headers=hr.headers)).json()["items"]
    assert [d["met_on"] for d in met if d["subject"] == "agenda_action"] == ["2026-11-28"]

    # Struck only with a reason; the deadline is then superseded.
    bad = await client.patch(f"/api/v1/actions/{later['id']}", json={"status": "struck"}, headers=hr.headers)
    assert bad.status_code == 400 and bad.json()["field"] == "reason"
    struck = await client.patch(f"/api/v1/actions/{later['id']}", json={"status": "struck", "reason": "Ersatt av ny rutin"},
                                headers=hr.headers)
    assert struck.json()["struck_reason"] == "Ersatt av ny rutin"
    assert (await client.get("/api/v1/deadlines", params={"state": "open"}, headers=hr.headers)).json()["total"] == 0
    stale = await client.patch(f"/api/v1/actions/{action['id']}", json={"what": "x", "version": 1}, headers=hr.headers)
    assert stale.status_code == 409 and stale.json()["field"] == "version"


@pytest.mark.parametrize("body, field", [
    ({"due": "2026-10-01"}, "due"),  # before the meeting
    ({"responsible_id": 999999}, "responsible_id"),
    ({"what": "  "}, "what"),
    ({"what": "a\u2028b"}, "what"),
    ({"due": "not a day"}, "due"),
])
async def test_bad_input_names_the_field(client, staff, pyramid, body, field):
    r = await _action(client, pyramid, staff["hr"], **body)
    assert r.status_code == 400, r.text
    assert r.json()["field"] == field


async def test_who_sees_and_changes_actions(client, staff, pyramid, org, make_caller):
    p = pyramid
    action = (await _action(client, p, staff["hr"])).json()
    other_union = await make_caller("union", union_id=org.other_union_id)
    other_department = await make_caller("department", department_id=org.other_department_id)
    assert (await client.get(f"/api/v1/actions/{action['id']}", headers=staff["union"].headers)).status_code == 200  # a party
    for caller in (other_union, other_department):  # not a party; another department
        assert (await client.get(f"/api/v1/actions/{action['id']}", headers=caller.headers)).status_code == 404
        assert (await client.get(f"/api/v1/groups/{p.fsg['id']}/actions", headers=caller.headers)).json()["total"] == 0
        assert (await client.get("/api/v1/deadlines", headers=caller.headers)).json()["total"] == 0
    assert (await _action(client, p, other_department)).status_code == 404  # does not see the meeting
    assert (await _action(client, p, staff["union"])).status_code == 403
    r = await client.patch(f"/api/v1/actions/{action['id']}", json={"status": "done", "done_on": "2026-11-01"},
                           headers=other_department.headers)
    assert r.status_code == 404


async def test_an_action_on_an_individual_matter_is_hidden_from_the_department(client, staff, pyramid, org):
    hr, p = staff["hr"], pyramid
    matter = (await client.post("/api/v1/matters", json={
        "title": "Omplacering av N.N.", "kind": "negotiation_on_request", "department_id": org.department_id, "union_ids": [org.union_id],
        "personal_data": True}, headers=hr.headers)).json()
    item = (await client.post(f"/api/v1/meetings/{p.meeting['id']}/agenda", json={"title": "Individärende", "matter_id": matter["id"]},
                              headers=hr.headers)).json()
    r = await client.post(f"/api/v1/meetings/{p.meeting['id']}/agenda/{item['id']}/actions", json={
        "what": "Erbjud tjänst på Solgården", "responsible_id": p.chef["id"], "due": "2026-12-20"}, headers=hr.headers)
    assert r.status_code == 201, r.text
    assert (await client.get(f"/api/v1/groups/{p.fsg['id']}/actions", headers=hr.headers)).json()["total"] == 1
    for caller in (staff["department"],):
        assert (await client.get(f"/api/v1/actions/{r.json()['id']}", headers=caller.headers)).status_code == 404
        assert (await client.get(f"/api/v1/groups/{p.fsg['id']}/actions", headers=caller.headers)).json()["total"] == 0
        feed = [d for d in (await client.get("/api/v1/deadlines", headers=caller.headers)).json()["items"] if d["subject"] == "agenda_action"]
        assert feed == []


async def test_the_responsible_person_is_reminded_over_smtp(client, staff, pyramid, smtp):
    from samverkan.reminders.service import sweep

    r = await _action(client, pyramid, staff["hr"], due="2026-12-04")
    assert r.status_code == 201, r.text
    result = await sweep(settings_with(**smtp.env()))
    assert result.sent >= 1
    to = {m["To"] for m in smtp.recorder.messages}
    assert "karin.holm@lund.example" in to and staff["department"].email in to
    mail = next(m for m in smtp.recorder.messages if m["To"] == "karin.holm@lund.example")
    assert "Åtgärd från samverkansmöte genomförd" in mail["Subject"]
    assert f"/atgarder/{r.json()['id']}" in mail.get_content()


async def test_the_group_list_takes_a_fixed_number_of_queries(client, staff, pyramid):
    union = staff["union"]
    await client.get("/api/v1/me", headers=union.headers)  # the token's first use is recorded once; keep it out
    counts = []
    for _ in range(2):
        for _ in range(3):
            await _action(client, pyramid, staff["hr"])
        with QueryCounter() as q:
            r = await client.get(f"/api/v1/groups/{pyramid.fsg['id']}/actions?state=open", headers=union.headers)
        counts.append(q.count)
    assert r.json()["total"] == 6 and counts[0] == counts[1], counts


async def test_the_protocol_lists_actions_decided_and_followed_up(client, staff, pyramid, frozen):
    from samverkan.documents.service import meeting_record

    hr, p = staff["hr"], pyramid
    await _action(client, p, hr, what="Ny larmrutin", due="2026-12-20")
    later = (await client.post("/api/v1/meetings", json={
        "kind": "safety_committee", "title": "FSG VOF december", "group_id": p.fsg["id"],
        "starts_at": "2026-12-15T13:00:00", "ends_at": "2026-12-15T15:00:00"}, headers=hr.headers)).json()
    _, record, _ = await meeting_record(p.meeting["id"], "Lunds kommun")
    decided = next(i for i in record.items if i.id == p.item["id"])
    assert "Åtgärder:\n– Ny larmrutin (ansvarig Karin Holm, senast 2026-12-20)" in decided.text
    _, record, _ = await meeting_record(later["id"], "Lunds kommun")
    follow_up = next(i for i in record.items if i.title == "Uppföljning av åtgärder")
    assert follow_up.text == "Följdes upp:\n– Ny larmrutin (ansvarig Karin Holm, senast 2026-12-20)"


async def test_the_responsible_persons_calendar_feed_has_the_action(client, staff, pyramid, org, make_caller):
    from samverkan.accounts import service as accounts
    from samverkan.accounts.schemas import UserCreate

    # Karin Holm signs in as a union user of the other union (not a party): her own action is in her feed.
    user = await accounts.create_user(UserCreate(email="karin.holm@lund.example", name="Karin Holm", role="union",
                                                 union_id=org.other_union_id, password="lösenord-karin-1"))
    from samverkan.orgs.tables import Person
    from samverkan.accounts.tables import User

    person = await Person.select(Person.id).where(Person.email == "karin.holm@lund.example").first()
    await User.update({User.person: person["id"]}).where(User.id == user.id)
    await _action(client, pyramid, staff["hr"], what="Boka lokal för utbildning", due="2026-12-22")
    token, _ = await accounts.create_token(user.id, "test")
    url = (await client.post("/api/v1/me/calendar-feed", headers={"Authorization": f"Bearer {token}"})).json()["url"]
    feed = (await client.get(url[url.index("/calendar/"):])).text
    assert "Boka lokal för utbildning" in feed
    other = await make_caller("union", union_id=org.other_union_id)
    url = (await client.post("/api/v1/me/calendar-feed", headers=other.headers)).json()["url"]
    assert "Boka lokal för utbildning" not in (await client.get(url[url.index("/calendar/"):])).text


async def test_a_unions_deadlines_are_counted_from_both_halves(client, staff, pyramid, org, monkeypatch):
    """A union's deadline list holds its matters' deadlines and those of the actions of meetings it
    sees (pagination.PartyOr). The capped total counts the two halves apart, from the union's links
    and from the actions, each up to the cap, and every row once."""
    from samverkan import pagination
    from samverkan.deadlines.tables import Deadline
    from samverkan.matters.tables import Matter, MatterParty

    hr, union = staff["hr"], staff["union"]
    for due in ("2026-12-10", "2026-12-11"):
        assert (await _action(client, pyramid, hr, due=due)).status_code == 201
    for n, party in enumerate((org.union_id, org.union_id, org.union_id, org.other_union_id)):
        matter = (await Matter.insert(Matter(diary_no=f"VO 2026/{900 + n}", title=f"M{n}", kind="dispute",
                                             department=org.department_id, search_text=f"m{n}")))[0]["id"]
        await MatterParty.insert(MatterParty(matter=matter, trade_union=party))
        await Deadline.insert(Deadline(matter=matter, rule_id="MBL16-MEET-LOCAL", department=org.department_id, start=dt.date(2026, 12, 1),
                                       unadjusted_due=dt.date(2026, 12, 15), due=dt.date(2026, 12, 15), responsible="employer"))
    body = (await client.get("/api/v1/deadlines?limit=500", headers=union.headers)).json()
    assert sorted(d["subject"] for d in body["items"]) == ["agenda_action"] * 2 + ["matter"] * 3
    assert (body["total"], body["total_capped"]) == (5, False)
    for cap, expected in ((5, (5, False)), (4, (4, True)), (2, (2, True)), (1, (1, True))):
        monkeypatch.setattr(pagination, "TOTAL_CAP", cap)
        monkeypatch.setattr(pagination, "_WINDOWS", {})  # the statements built anew, with this cap in their SQL
        body = (await client.get("/api/v1/deadlines?limit=2", headers=union.headers)).json()
        assert (body["total"], body["total_capped"], len(body["items"])) == (*expected, 2), cap
