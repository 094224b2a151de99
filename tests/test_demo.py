"""The demo: Lund after a year of work, loaded through the services, and idempotent."""

from __future__ import annotations

import datetime as dt

import pytest

from samverkan import clock
from samverkan.matters.rules import KINDS

pytestmark = pytest.mark.usefixtures("frozen")  # "today" matters here: the clock stands still (conftest)

WORK_ENVIRONMENT = [
    "Arbetsmiljö: riskbedömningar och handlingsplaner",
    "Arbetsmiljö: tillbud och arbetsskador",
    "Arbetsmiljö: sjukfrånvaro och rehabilitering",
    "Arbetsmiljö: företagshälsovård",
]


@pytest.fixture
async def demo():
    from samverkan import demo

    first = await demo.load()
    return first


async def _hr():
    from samverkan.demo import _hr_viewer

    return await _hr_viewer()


async def _matters():
    from samverkan.matters import service
    from samverkan.pagination import PageRequest

    page = await service.list_matters(await _hr(), page=PageRequest(limit=100))
    assert page.total == len(page.items)
    return page.items


async def _meetings():
    from samverkan.meetings import service
    from samverkan.pagination import PageRequest

    viewer = await _hr()
    page = await service.list_meetings(viewer, page=PageRequest(limit=100))
    assert page.total == len(page.items)
    return [await service.get_meeting(viewer, m.id) for m in page.items]


async def test_loading_twice_changes_nothing(client, demo):
    from samverkan import demo as module

    assert demo["matters"] >= 15 and demo["meetings"] >= 12
    assert demo["departments"] == 11 and demo["unions"] == 16
    events = sum(len(m.events) for m in await _matters())
    assert await module.load() == demo
    assert sum(len(m.events) for m in await _matters()) == events
    from samverkan.papers import proposals

    proposed = [p for m in await _meetings() for p in await proposals.list_proposals(await _hr(), m.id)]
    assert [[f.filename for f in p.papers] for p in proposed] == [["Visions enkät om sommarscheman.txt"]]  # once, with its paper


async def test_loading_on_a_later_day_changes_nothing(client, demo):
    """Dates are relative to the day the year was first loaded, so titles match on a later day."""
    import time_machine

    from samverkan import demo as module

    with time_machine.travel(clock.now() + dt.timedelta(days=40), tick=False):
        assert await module.load() == demo


async def test_every_kind_is_there(client, demo):
    matters = await _matters()
    assert {m.kind for m in matters} == set(KINDS)
    assert all(m.events or m.status == "on_hold" for m in matters)


async def test_a_claim_of_the_employer_made_too_late(client, demo):
    """Issue 16: the kommun claims, so 64 § binds it; its request came after four months."""
    from samverkan.deadlines import service as deadlines

    claim = next(m for m in await _matters() if m.claimant == "employer")
    late = {d.rule: d for d in await deadlines.matter_deadlines(await _hr(), claim.id)}["MBL64-LOCAL-KNOW"]
    assert late.state == "missed" and late.met_on > late.due and late.responsible == "employer"


async def test_holds_and_the_exception(client, demo):
    matters = {m.title: m for m in await _matters()}
    merger = matters["Sammanslagning av hemtjänstgrupperna Dalby och Södra Sandby"]
    assert merger.decision_allowed is False and merger.status == "on_hold"
    assert "Kommunal har begärt central förhandling (14 § MBL)" in merger.hold_reason
    assert "Arbetsgivaren får inte besluta" in merger.hold_reason
    states = {p.state for p in merger.parties}
    assert states == {"central_requested", "agreement"}

    partial = matters["Ny organisation för elevhälsan i grundskolan"]
    assert partial.decision_allowed is False
    assert partial.hold_reason.startswith("Förhandlingen är inte avslutad med Akademikerförbundet SSR och Sveriges Psykologförbund.")
    assert sorted(p.state for p in partial.parties) == ["agreement", "agreement", "open", "open"]

    excepted = [m for m in matters.values() if any(e.type == "exception_recorded" for e in m.events)]
    assert len(excepted) == 1
    exception = excepted[0]
    assert exception.decision_allowed is True and exception.status == "decided"
    assert exception.hold_reason.startswith("Undantag registrerat") and "synnerliga skäl" in exception.hold_reason.lower()
    types = [e.type for e in exception.events]
    assert types.index("exception_recorded") < types.index("decision_taken") < types.index("negotiation_closed")


async def test_journey_1_and_the_individual_dispute(client, demo):
    from samverkan.demo.year import JOURNEY_1

    matters = {m.title: m for m in await _matters()}
    journey = matters[JOURNEY_1]
    assert journey.kind == "dispute"
    types = [e.type for e in journey.events]
    assert types[-3:] == ["request_received", "meeting_held", "negotiation_closed"]
    received = next(e for e in journey.events if e.type == "request_received").date
    closed = journey.events[-1]
    assert closed.outcome == "disagreement" and closed.agenda_item_id is not None
    assert (closed.date - received).days <= 14  # 16 § MBL: within two weeks
    assert journey.status == "closed"
    individual = [m for m in matters.values() if m.personal_data]
    assert [m.kind for m in individual] == ["dispute"]
    # A union sees its own matters, an individärende included; the department role does not see it.
    from samverkan.accounts.service import Viewer
    from samverkan.matters import service

    vision = Viewer(user_id=0, email="", name="", role="union", department_id=None, union_id=journey.union_ids[0],
                    person_id=None, via="session")
    assert JOURNEY_1 in {m.title for m in (await service.list_matters(vision)).items}
    department = Viewer(user_id=0, email="", name="", role="department", department_id=individual[0].department_id,
                        union_id=None, person_id=None, via="session")
    assert individual[0].id not in {m.id for m in (await service.list_matters(department)).items}


async def test_meetings_held_and_ahead(client, demo):
    meetings = await _meetings()
    now = clock.now()
    past = [m for m in meetings if m.starts_at < now]
    ahead = [m for m in meetings if m.starts_at > now]
    assert past and all(m.status == "held" for m in past)
    assert {m.status for m in ahead} == {"planned", "called"}
    assert all(m.chair_id and m.minute_taker_id and m.participants for m in meetings)
    for m in meetings:
        # Justerare: one for the employer and one per union.
        assert sorted(a.union_id or 0 for a in m.approvers) == sorted([0, *m.union_ids])
        assert all(p.present is not None for p in m.participants) == (m.status == "held")

    positions = [p for m in past for i in m.agenda for p in i.positions]
    assert {p.outcome for p in positions} >= {"agreement", "disagreement", "informed"}
    assert any(p.note for p in positions) and any(p.reservation for p in positions)
    assert any(p.central_requested for p in positions)
    # Negotiation and samverkan items with a matter and a full set of positions are closed.
    closed = [i for m in past for i in m.agenda if i.closed_on]
    assert len(closed) >= 8
    assert all(i.closed_on is None for m in ahead for i in m.agenda)


async def test_the_fsg_of_vof_meets_every_third_month(client, demo):
    every = [m for m in await _meetings() if m.title.startswith("FSG Vård- och omsorgsförvaltningen")]
    meetings = [m for m in every if m.title.startswith("FSG Vård- och omsorgsförvaltningen,")]  # not next year's plan
    assert [m.status for m in meetings] == ["held"] * 4 + ["called", "planned"]
    planned = [m for m in every if m not in meetings]  # the year plan: next year, with the annual items
    assert planned and {m.starts_at.astimezone(clock.STOCKHOLM).year for m in planned} == {clock.today().year + 1}
    assert any(i.title == "Budget och verksamhetsplan" for m in planned for i in m.agenda)
    assert len({m.group_id for m in meetings}) == 1
    for m in meetings:
        titles = [i.title for i in m.agenda]
        assert all(t in titles for t in WORK_ENVIRONMENT), m.title
        assert titles[0] == "Mötets öppnande" and titles[-1] == "Mötets avslutande"
        assert [i.number for i in m.agenda] == list(range(1, len(titles) + 1))
    days = [m.starts_at.astimezone(clock.STOCKHOLM).date() for m in meetings]
    for earlier, later in zip(days, days[1:]):
        assert (later.year * 12 + later.month) - (earlier.year * 12 + earlier.month) <= 3
        assert later - earlier <= dt.timedelta(days=92)
    assert days[0] >= clock.today() - dt.timedelta(days=366)
    held = meetings[:4]
    assert any("Årlig uppföljning av det systematiska arbetsmiljöarbetet" in i.title for m in held for i in m.agenda)


async def test_a_year_of_sam_in_two_departments(client, demo):
    """SAM in VOF and BSF: risk assessments over the year, actions past their day, last year's
    follow-ups, 6:6a requests (one past the answer day), and a skyddsombud who comments."""
    from samverkan.accounts.service import Viewer
    from samverkan.accounts.tables import User
    from samverkan.demo.sam import MERGER, SAFETY_REP_LOGIN
    from samverkan.orgs.tables import Department, Person
    from samverkan.pagination import PageRequest
    from samverkan.sam import service as sam

    hr, today, page = await _hr(), clock.today(), PageRequest(limit=100)
    codes = {r["id"]: r["code"] for r in await Department.select(Department.id, Department.code)}
    vof = next(id for id, code in codes.items() if code == "VOF")

    assessments = (await sam.list_risk_assessments(hr, page=page)).items
    assert {codes[a.department_id] for a in assessments} == {"VOF", "BSF"}
    for code in ("VOF", "BSF"):
        mine = [a for a in assessments if codes[a.department_id] == code]
        assert 3 <= len(mine) <= 4
        assert all(today - dt.timedelta(days=366) <= a.date <= today and 2 <= len(a.risks) <= 4 for a in mine)
        assert any(p.role in ("safety_rep", "chief_safety_rep") and p.person_id for a in mine for p in a.participants)
    assert {r.level for a in assessments for r in a.risks} == {"low", "medium", "high", "very_high"}
    assert any(r.measures for a in assessments for r in a.risks)
    matters = {m.title: m.id for m in await _matters()}
    linked = [a for a in assessments if a.matter_id == matters[MERGER]]
    assert len(linked) == 1 and linked[0].reason == "change" and codes[linked[0].department_id] == "VOF"

    actions = (await sam.list_actions(hr, page=page)).items
    overdue = (await sam.list_actions(hr, state="overdue", page=page)).items
    assert len(overdue) >= 3 and all(a.overdue and a.due < today and a.status in ("planned", "in_progress") for a in overdue)
    assert sum(codes[a.department_id] == "VOF" for a in overdue) >= 3
    done = [a for a in actions if a.status == "done"]
    assert done and all(a.done_on and a.follow_up for a in done)
    assert any(a.status == "cancelled" for a in actions) and any(a.status == "in_progress" and not a.overdue for a in actions)
    assert all(a.responsible for a in actions)
    assert (await sam.overview(hr, vof)).overdue_actions >= 3

    follow_ups = [f for f in (await sam.list_follow_ups(hr, page=page)).items if f.year == today.year - 1]
    assert sorted(codes[f.department_id] for f in follow_ups) == ["BSF", "VOF"]
    for f in follow_ups:
        assert len(f.checklist) == 8 and {c.answer for c in f.checklist} == {"yes", "partly", "no"}
        assert 1 <= len(f.action_ids) <= 2 and f.date <= today

    requests = (await sam.list_requests(hr, page=page)).items
    for code in ("VOF", "BSF"):
        mine = [r for r in requests if codes[r.department_id] == code]
        assert any(r.state == "answered" for r in mine)
        assert any(r.state == "acknowledged" and not r.overdue for r in mine)
    late = [r for r in requests if r.answered_on is None and r.overdue]
    assert len(late) == 1 and codes[late[0].department_id] == "VOF"
    assert 18 <= (today - late[0].received_on).days <= 25 and late[0].answer_due < today
    assert (await sam.overview(hr, vof)).requests_overdue == 1

    # The demo's skyddsombud login: its person is Kommunal's skyddsombud for VOF; it reads VOF's SAM
    # and has commented on the late request.
    user = await User.select().where(User.email == SAFETY_REP_LOGIN).first()
    person = await Person.select().where(Person.id == user["person"]).first()
    assert user["role"] == "union" and person["is_safety_rep"] and person["department"] == vof
    assert user["name"] == person["name"]
    skyddsombud = Viewer(user_id=user["id"], email=user["email"], name=user["name"], role="union", department_id=None,
                         union_id=user["trade_union"], person_id=user["person"], via="session")
    assert await sam.readable(skyddsombud) == [vof]
    assert [c.author for c in await sam.comments(skyddsombud, "safety_rep_request", late[0].id)] == [user["name"]]


async def test_justering_at_first_login(client, demo):
    """Journey 4 at once: Vision's dispute protocol waits for Vision's justering, and every union
    party to a held meeting has an approved protocol with its own copy."""
    from samverkan.accounts.service import Viewer
    from samverkan.accounts.tables import User
    from samverkan.demo.justering import WAITING_FOR_VISION
    from samverkan.meetings.tables import Meeting, MeetingUnion
    from samverkan.protocols import service

    user = await User.select().where(User.email == "vision@lund.example").first()
    vision = Viewer(user["id"], user["email"], user["name"], "union", None, user["trade_union"], user["person"], "session")
    waiting = await service.waiting(vision)
    assert [w.title for w in waiting] == [WAITING_FOR_VISION] and waiting[0].due
    assert [p.label for p in waiting[0].pending] == ["Arbetsgivaren", "Vision"]
    assert waiting[0].pending[0].justerare == "Henrik Lindqvist"  # HR approves after Vision (journey 1)

    approved = {m["id"] for m in await Meeting.select(Meeting.id).where(Meeting.protocol_state == "approved")}
    held_unions = {r["trade_union"] for r in await MeetingUnion.select(MeetingUnion.trade_union, MeetingUnion.meeting).where(
        MeetingUnion.meeting.is_in(Meeting.select(Meeting.id).where(Meeting.status == "held")))}
    covered = {r["trade_union"] for r in await MeetingUnion.select(MeetingUnion.trade_union).where(
        MeetingUnion.meeting.is_in(list(approved) or [-1]))}
    assert held_unions and held_unions <= covered
    recent = await service.recently_approved(vision)
    assert recent and all(r.document_id for r in recent)
