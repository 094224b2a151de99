"""List endpoints run a fixed number of queries whatever the page size."""

from __future__ import annotations

import pytest

from conftest import QueryCounter

pytestmark = pytest.mark.usefixtures("frozen")  # deadlines and meeting warnings count from "today"


async def _seed(n: int, org) -> None:
    from samverkan.orgs.tables import CollaborationGroup, Department, GroupMember, GroupUnion, Person, TradeUnion

    await Department.insert(*[Department(name=f"D{i}", code=f"D{i}", diary_prefix="D", search_text=f"d{i}") for i in range(n)])
    await TradeUnion.insert(*[TradeUnion(name=f"U{i}", search_text=f"u{i}") for i in range(n)])
    await Person.insert(*[Person(name=f"P{i}", side="employer", search_text=f"p{i}") for i in range(n)])
    await CollaborationGroup.insert(*[CollaborationGroup(name=f"G{i}", level="central", search_text=f"g{i}") for i in range(n)])
    groups = await CollaborationGroup.select(CollaborationGroup.id)
    people = await Person.select(Person.id).limit(3)
    await GroupUnion.insert(*[GroupUnion(group=g["id"], trade_union=u) for g in groups for u in (org.union_id, org.other_union_id)])
    await GroupMember.insert(*[GroupMember(group=g["id"], person=p["id"]) for g in groups for p in people])


@pytest.mark.parametrize("resource", ["departments", "unions", "people", "groups"])
async def test_list_query_count_does_not_grow_with_page_size(client, callers, org, resource):
    admin = (await callers())["admin"]
    await _seed(120, org)
    # The first call of a token records its last use (one UPDATE a minute); keep that out of the count.
    await client.get("/api/v1/me", headers=admin.headers)
    counts = []
    for limit in (2, 100):
        with QueryCounter() as counter:
            response = await client.get(f"/api/v1/{resource}?limit={limit}", headers=admin.headers)
        assert response.status_code == 200 and len(response.json()["items"]) == limit
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    assert counts[0] <= 5  # the caller, the page, the total (and two link queries for groups)


async def _seed_matters_and_meetings(n: int, org) -> None:
    import datetime as dt

    from samverkan.matters.tables import Matter, MatterEvent, MatterParty
    from samverkan.meetings.tables import AgendaItem, AgendaPosition, Meeting, MeetingUnion

    await Matter.insert(*[Matter(diary_no=f"VO 2026/{i:04d}", title=f"M{i}", kind="dispute", department=org.department_id,
                                 search_text=f"m{i}") for i in range(n)])
    matters = await Matter.select(Matter.id)
    await MatterParty.insert(*[MatterParty(matter=m["id"], trade_union=u) for m in matters for u in (org.union_id, org.other_union_id)])
    await MatterEvent.insert(*[MatterEvent(matter=m["id"], type="meeting_held", date=dt.date(2026, 3, 2)) for m in matters for _ in range(2)])
    start = dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)
    await Meeting.insert(*[Meeting(kind="samverkan", title=f"Möte {i}", department=org.department_id, starts_at=start + dt.timedelta(days=i),
                                   ends_at=start + dt.timedelta(days=i, hours=1), search_text=f"möte {i}") for i in range(n)])
    meetings = await Meeting.select(Meeting.id)
    await MeetingUnion.insert(*[MeetingUnion(meeting=m["id"], trade_union=u) for m in meetings for u in (org.union_id, org.other_union_id)])
    await AgendaItem.insert(*[AgendaItem(meeting=m["id"], number=k, title=f"§ {k}") for m in meetings for k in range(1, 11)])
    items = await AgendaItem.select(AgendaItem.id).where(AgendaItem.meeting == meetings[0]["id"])
    await AgendaPosition.insert(*[AgendaPosition(item=i["id"], trade_union=org.union_id, outcome="agreement") for i in items])


@pytest.mark.parametrize("path", ["matters", "meetings"])
async def test_matter_and_meeting_lists_run_a_fixed_number_of_queries(client, callers, org, path):
    admin = (await callers())["admin"]
    await _seed_matters_and_meetings(120, org)
    await client.get("/api/v1/me", headers=admin.headers)
    counts = []
    for limit in (2, 100):
        with QueryCounter() as counter:
            response = await client.get(f"/api/v1/{path}?limit={limit}", headers=admin.headers)
        assert response.status_code == 200 and len(response.json()["items"]) == limit
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


async def test_a_meeting_page_runs_a_fixed_number_of_queries(client, callers, org):
    from samverkan.meetings.tables import Meeting

    admin = (await callers())["admin"]
    await _seed_matters_and_meetings(3, org)
    await client.get("/api/v1/me", headers=admin.headers)
    ids = [m["id"] for m in await Meeting.select(Meeting.id).order_by(Meeting.id)]
    counts = []
    for meeting_id in ids[:2]:  # the first has positions on every item, the second none
        with QueryCounter() as counter:
            assert (await client.get(f"/api/v1/meetings/{meeting_id}", headers=admin.headers)).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 2, counts  # the caller; the meeting with its parts in one statement


async def _seed_sam(n: int, org) -> None:
    import datetime as dt

    from samverkan.sam.tables import Action, AnnualFollowUp, Risk, RiskAssessment, SafetyRepRequest

    day = dt.date(2026, 3, 2)
    await RiskAssessment.insert(*[RiskAssessment(department=org.department_id, title=f"RB {i}", assessed_on=day, reason="routine")
                                  for i in range(n)])
    assessments = await RiskAssessment.select(RiskAssessment.id)
    await Risk.insert(*[Risk(risk_assessment=a["id"], number=k, description="r", likelihood=2, consequence=2, level="medium")
                        for a in assessments for k in (1, 2)])
    await Action.insert(*[Action(department=org.department_id, risk_assessment=a["id"], what="å", responsible="x", due=day)
                          for a in assessments])
    await AnnualFollowUp.insert(*[AnnualFollowUp(department=org.department_id, year=1900 + i, done_on=day) for i in range(n)])
    await SafetyRepRequest.insert(*[SafetyRepRequest(department=org.department_id, title=f"B {i}", safety_rep_name="S", received_on=day)
                                    for i in range(n)])


@pytest.mark.parametrize("path", ["risk-assessments", "actions", "annual-follow-ups", "safety-rep-requests"])
async def test_sam_list_query_count_does_not_grow_with_page_size(client, callers, org, path):
    people = await callers()
    await _seed_sam(120, org)
    for caller in (people["hr"], people["department"]):
        await client.get("/api/v1/me", headers=caller.headers)
        counts = []
        for limit in (2, 100):
            with QueryCounter() as counter:
                response = await client.get(f"/api/v1/sam/{path}?limit={limit}", headers=caller.headers)
            assert response.status_code == 200 and len(response.json()["items"]) == limit
            counts.append(counter.count)
        assert counts[0] == counts[1], (path, counts)
        assert counts[0] <= 5, (path, counts)


async def test_the_meeting_page_is_built_with_a_fixed_number_of_statements(client, make_caller, org, is_postgres):
    """The page reads the meeting, the unions and the people once, and offers the department's matters
    as one shared list, however long the agenda and however many matters (issue 15)."""
    from conftest import login
    from samverkan.matters.tables import Matter
    from samverkan.meetings.tables import AgendaItem, Meeting

    hr = await make_caller("hr")
    await login(client, hr.email, hr.password)
    await _seed_matters_and_meetings(3, org)
    first, second = [m["id"] for m in await Meeting.select(Meeting.id).order_by(Meeting.id)][:2]
    matters = [m["id"] for m in await Matter.select(Matter.id)]
    await AgendaItem.update({AgendaItem.matter: matters[0]}).where(AgendaItem.meeting == first)
    await AgendaItem.insert(*[AgendaItem(meeting=second, number=10 + k, title=f"Extra {k}", matter=matters[k]) for k in range(1, 3)])
    await client.get(f"/moten/{first}")  # the session's first request may write its last-seen time
    counts = []
    for meeting_id in (first, second):
        with QueryCounter() as counter:
            page = await client.get(f"/moten/{meeting_id}")
        assert page.status_code == 200
        counts.append(counter.count)
    # session, notices, the meeting with its parts, the registry's version (the registers themselves were read by
    # the first request: orgs.service.meeting_registers), the matters, documents (6); papers (1), the kallelse's sends and its rule set (2; replies only
    # once one is sent), proposals (1). The sections take the meeting the page read rather than read it again.
    # On PostgreSQL the session is kept (accounts.viewer_cache), the header's notices and the meeting are read
    # in one statement and all that follows the meeting in another (database.read_ahead).
    assert counts[0] == counts[1] <= (2 if is_postgres else 10), counts
    assert page.text.count("<datalist") == 1


@pytest.mark.parametrize("path", ["/moten/2147483648", "/moten/99999999999999999999", "/moten/0", "/moten/987654"])
async def test_a_meeting_page_out_of_range_or_missing_is_a_clean_error(client, make_caller, path):
    """The page's first read goes with the header's (web/page_status.py) before the handler checks
    the id: a value the database refuses must still end as the handler's 400 or 404."""
    from conftest import login

    hr = await make_caller("hr")
    await login(client, hr.email, hr.password)
    response = await client.get(path)
    assert response.status_code in (400, 404), (path, response.status_code)

