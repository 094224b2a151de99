"""Questions from APT upwards: raised at an APT meeting, lifted to the FSG and on to the CSG,
answered, and the answer back at every level and at the APT's next meeting; who may do what."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import QueryCounter
from year_fixtures import pyramid, staff  # noqa: F401

pytestmark = pytest.mark.usefixtures("frozen")


async def _meeting(client, hr, group, day, kind="workplace_meeting"):
    r = await client.post("/api/v1/meetings", json={"kind": kind, "title": f"{group['name']} {day}", "group_id": group["id"],
                                                    "starts_at": f"{day}T13:00:00", "ends_at": f"{day}T14:00:00"}, headers=hr.headers)
    assert r.status_code == 201, r.text
    return r.json()


async def test_a_question_goes_up_twice_and_its_answer_comes_back(client, staff, pyramid, org, make_caller, frozen):
    from samverkan.reminders.tables import OutboxMessage

    hr, chef, union, p = staff["hr"], staff["department"], staff["union"], pyramid
    apt_meeting = await _meeting(client, hr, p.apt, "2026-11-24")
    next_apt = await _meeting(client, hr, p.apt, "2026-12-15")
    r = await client.post(f"/api/v1/meetings/{apt_meeting['id']}/questions",
                          json={"text": "Kan vi få fler nattpersonal?", "raised_by": "Nattgruppen"}, headers=chef.headers)
    assert r.status_code == 201, r.text
    q = r.json()
    assert q["state"] == "open" and [lv["group_id"] for lv in q["levels"]] == [p.apt["id"]]
    url = f"/api/v1/questions/{q['id']}"

    lifted = (await client.post(f"{url}/escalate", headers=chef.headers)).json()
    assert lifted["state"] == "escalated" and lifted["group_id"] == p.fsg["id"] and lifted["overdue"] is False
    waiting = (await client.get(f"/api/v1/groups/{p.fsg['id']}/questions", params={"state": "open"}, headers=hr.headers)).json()
    assert [x["id"] for x in waiting["items"]] == [q["id"]]
    assert (await client.get(f"/api/v1/groups/{p.apt['id']}/questions", params={"state": "open"}, headers=hr.headers)).json()["total"] == 0

    # Not answered by the FSG's next meeting: flagged once that meeting has begun.
    await _meeting(client, hr, p.fsg, "2026-12-03", kind="safety_committee")
    frozen.move_to(dt.datetime(2026, 12, 4, 9, tzinfo=dt.timezone.utc))
    assert (await client.get(url, headers=hr.headers)).json()["overdue"] is True

    top = (await client.post(f"{url}/escalate", headers=chef.headers)).json()  # the FSG's department lifts on to the CSG
    assert [lv["group_id"] for lv in top["levels"]] == [p.apt["id"], p.fsg["id"], p.csg["id"]] and top["overdue"] is False
    again = await client.post(f"{url}/escalate", headers=hr.headers)
    assert again.status_code == 409

    # A union representative of a party comments; HR answers.
    assert (await client.post(f"{url}/comments", json={"text": "Vision stöder frågan."}, headers=union.headers)).status_code == 201
    assert (await client.post(f"{url}/answer", json={"text": "Ja"}, headers=union.headers)).status_code == 403
    answered = await client.post(f"{url}/answer", json={"text": "Två nya nattjänster från februari."}, headers=hr.headers)
    assert answered.status_code == 200, answered.text
    body = answered.json()
    assert body["state"] == "answered" and body["answer"] == "Två nya nattjänster från februari."
    assert body["comments"][0]["text"] == "Vision stöder frågan."
    assert (await client.post(f"{url}/answer", json={"text": "Igen"}, headers=hr.headers)).status_code == 409

    for group in (p.apt, p.fsg, p.csg):  # the answer at every level it passed
        items = (await client.get(f"/api/v1/groups/{group['id']}/questions", params={"state": "answered"}, headers=chef.headers)).json()["items"]
        assert [x["answer"] for x in items] == ["Två nya nattjänster från februari."], group["name"]
    mail = await OutboxMessage.select().where(OutboxMessage.kind == "question_answer")
    assert {m["to_address"] for m in mail} == {chef.email} and "Två nya nattjänster" in mail[0]["body"]

    # Återkoppling at the APT's next meeting, not at the one where it was raised.
    from samverkan.accounts.service import viewer_from_token
    from samverkan.meetings.tables import Meeting
    from samverkan.questions import service

    viewer = await viewer_from_token(chef.headers["Authorization"].split()[1])
    for meeting, raised, feedback in ((apt_meeting, [q["id"]], []), (next_apt, [], [q["id"]])):
        row = await Meeting.select().where(Meeting.id == meeting["id"]).first()
        got = await service.meeting_questions(viewer, row)
        assert ([x.id for x in got[0]], [x.id for x in got[1]]) == (raised, feedback)


async def test_who_may_raise_lift_answer_and_see(client, staff, pyramid, org, make_caller):
    hr, chef, p = staff["hr"], staff["department"], pyramid
    apt_meeting = await _meeting(client, hr, p.apt, "2026-11-24")
    other_union = await make_caller("union", union_id=org.other_union_id)
    other_department = await make_caller("department", department_id=org.other_department_id)
    path = f"/api/v1/meetings/{apt_meeting['id']}/questions"
    assert (await client.post(path, json={"text": "x"}, headers=staff["union"].headers)).status_code == 403
    assert (await client.post(path, json={"text": "x"}, headers=other_department.headers)).status_code == 404
    fsg_question = await client.post(f"/api/v1/meetings/{p.meeting['id']}/questions", json={"text": "x"}, headers=hr.headers)
    assert fsg_question.status_code == 400 and fsg_question.json()["field"] == "meeting_id"
    bad = await client.post(path, json={"text": " "}, headers=chef.headers)
    assert bad.status_code == 400 and bad.json()["field"] == "text"
    q = (await client.post(path, json={"text": "Varför dröjer löneutbetalningen?"}, headers=chef.headers)).json()
    url = f"/api/v1/questions/{q['id']}"
    assert (await client.get(url, headers=staff["union"].headers)).status_code == 200  # a party at the APT
    for caller in (other_union, other_department):
        assert (await client.get(url, headers=caller.headers)).status_code == 404
        assert (await client.post(f"{url}/comments", json={"text": "x"}, headers=caller.headers)).status_code == 404
        assert (await client.get(f"/api/v1/groups/{p.apt['id']}/questions", headers=caller.headers)).json()["total"] == 0
    assert (await client.post(f"{url}/escalate", headers=other_department.headers)).status_code == 404
    # Lifted to the CSG, Kommunal (a party there, not at the APT) sees it too.
    await client.post(f"{url}/escalate", headers=chef.headers)
    await client.post(f"{url}/escalate", headers=chef.headers)
    assert (await client.get(url, headers=other_union.headers)).status_code == 200
    # On the CSG's agenda.
    csg_meeting = await _meeting(client, hr, p.csg, "2027-01-12", kind="samverkan")
    r = await client.post(f"{url}/agenda", json={"meeting_id": csg_meeting["id"]}, headers=hr.headers)
    assert r.status_code == 200, r.text
    agenda = (await client.get(f"/api/v1/meetings/{csg_meeting['id']}", headers=hr.headers)).json()["agenda"]
    assert agenda[-1]["title"].startswith("Fråga från APT Solgården: Varför dröjer")
    wrong = await client.post(f"{url}/agenda", json={"meeting_id": apt_meeting["id"]}, headers=hr.headers)
    assert wrong.status_code == 400 and wrong.json()["field"] == "meeting_id"


async def test_the_group_list_takes_a_fixed_number_of_queries(client, staff, pyramid):
    hr, union = staff["hr"], staff["union"]
    apt_meeting = await _meeting(client, hr, pyramid.apt, "2026-11-24")
    await client.get("/api/v1/me", headers=union.headers)
    counts = []
    for n in (2, 5):
        while (await client.get(f"/api/v1/groups/{pyramid.fsg['id']}/questions", headers=hr.headers)).json()["total"] < n:
            q = (await client.post(f"/api/v1/meetings/{apt_meeting['id']}/questions", json={"text": "Fråga"}, headers=hr.headers)).json()
            await client.post(f"/api/v1/questions/{q['id']}/escalate", headers=hr.headers)
        with QueryCounter() as counter:
            r = await client.get(f"/api/v1/groups/{pyramid.fsg['id']}/questions?state=open", headers=union.headers)
        assert r.json()["total"] == n
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
