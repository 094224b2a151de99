"""The samverkan year of the demo: the pyramid (two APT groups under VOF's FSG, every FSG under the
CSG), questions from the APTs (one answered, one waiting at the FSG), actions from the autumn FSG
meetings (one overdue) and next year's plan for VOF's FSG. Written through the services; only
what is missing is added."""

from __future__ import annotations

import datetime as dt

from samverkan import clock
from samverkan.actions import service as actions
from samverkan.actions.schemas import MeetingActionCreate, MeetingActionUpdate
from samverkan.actions.tables import AgendaAction
from samverkan.demo.builder import Builder
from samverkan.demo.registry import chief_email, hr_email
from samverkan.demo.year import KRISTALLEN, VOF_GROUP, Year
from samverkan.meetings import service as meetings
from samverkan.meetings.schemas import Approver, MeetingUpdate, ParticipantCreate
from samverkan.orgs import service as orgs
from samverkan.orgs.tables import CollaborationGroup, GroupMember, GroupUnion
from samverkan.pagination import PageRequest, folded
from samverkan.questions import service as questions
from samverkan.questions.schemas import Answer, QuestionCreate
from samverkan.questions.tables import Question
from samverkan.yearplans import service as yearplans
from samverkan.yearplans.schemas import YearPlanCreate

CSG_GROUP = "Central samverkansgrupp (CSG)"
APT_DALBY = "APT Hemtjänsten Dalby"
APT_SOLGARDEN = "APT Solgårdens särskilda boende"
APT_UNIONS = ["Kommunal", "Vision", "Vårdförbundet"]
ANSWERED = ("Nattpatrullen i Dalby vill ha en tredje bil på helgerna: körsträckorna gör att besöken blir sena. "
            "Kan förvaltningen ordna det?")
ANSWER = "Ja. En tredje bil leasas från den 1 februari; kostnaden ryms i hemtjänstens budget. Beslutat i FSG."
WAITING = "Kan sommarschemat läggas ut senast den 1 april, så att alla hinner planera sin semester?"


class GroupYear:
    def __init__(self, b: Builder, year: Year) -> None:
        self.b = b
        self.year = year

    async def run(self) -> None:
        await self.pyramid()
        await self.apt_questions()
        await self.autumn_actions()
        await self.year_plan()

    async def pyramid(self) -> None:
        b = self.b
        groups = b.reg.groups
        await CollaborationGroup.update({CollaborationGroup.parent: groups[CSG_GROUP]}).where(
            CollaborationGroup.level == "department", CollaborationGroup.parent.is_null())
        for name in (APT_DALBY, APT_SOLGARDEN):
            row = await CollaborationGroup.select(CollaborationGroup.id).where(CollaborationGroup.name == name).first()
            if row is None:
                row = (await CollaborationGroup.insert(CollaborationGroup(
                    name=name, level="apt", department=b.reg.departments["VOF"], parent=groups[VOF_GROUP],
                    search_text=folded(name))).returning(CollaborationGroup.id))[0]
                await GroupUnion.insert(*[GroupUnion(group=row["id"], trade_union=b.reg.unions[u]) for u in APT_UNIONS])
                await GroupMember.insert(GroupMember(group=row["id"], person=b.person(chief_email("VOF"))))
            groups[name] = row["id"]

    async def _apt(self, name: str, day: dt.date, held: bool):
        b = self.b
        a = await b.meeting(title=f"{name}, {day.isoformat()}", kind="workplace_meeting", group=name, day=day, start=(8, 0),
                            minutes=60, place=f"{KRISTALLEN}, personalrummet", chair=chief_email("VOF"),
                            minute_taker=chief_email("VOF"), participants=[chief_email("VOF")])
        if a and held:
            await b.status(a, "held")
        return a

    async def apt_questions(self) -> None:
        b = self.b
        for name, text, answer in ((APT_DALBY, ANSWERED, ANSWER), (APT_SOLGARDEN, WAITING, None)):
            held = await self._apt(name, b.day(-20), held=True)
            await self._apt(name, b.day(21), held=False)
            if held is None or await Question.exists().where(Question.text == text):
                continue
            q = await questions.raise_question(b.viewer, held.id, QuestionCreate(text=text, raised_by="Nattpatrullen" if answer else ""))
            await questions.escalate(b.viewer, q.id)
            if answer:
                await questions.answer(b.viewer, q.id, Answer(text=answer))

    async def autumn_actions(self) -> None:
        """On the last two held FSG meetings: one done, one overdue, one open ahead."""
        b = self.b
        held = [m for m in (await meetings.list_meetings(b.viewer, group_id=b.reg.groups[VOF_GROUP], to=b.anchor - dt.timedelta(days=1),
                                                       page=PageRequest(limit=100))).items if m.status == "held"][-2:]
        if len(held) < 2:
            return
        earlier, last = held
        wanted = [
            (earlier, "Ta fram en rutin för nyckelhantering när e-låsen införs", chief_email("VOF"), 30, 25),
            (last, "Redovisa sjukfrånvaron per enhet till nästa möte", hr_email("VOF"), 45, None),
            (last, "Utreda bemanningen nattetid på Solgården", chief_email("VOF"), 120, None),
        ]
        for meeting, what, who, days, done_after in wanted:
            if await AgendaAction.exists().where(AgendaAction.what == what):
                continue
            day = meeting.starts_at.astimezone(clock.STOCKHOLM).date()
            item = next(i for i in (await meetings.get_meeting(b.viewer, meeting.id)).agenda if i.title == "Samverkansfrågor")
            action = await actions.create_action(b.viewer, meeting.id, item.id, MeetingActionCreate(
                what=what, responsible_id=b.person(who), due=day + dt.timedelta(days=days)))
            if done_after:
                await actions.update_action(b.viewer, action.id, MeetingActionUpdate(status="done", done_on=day + dt.timedelta(days=done_after)))

    async def year_plan(self) -> None:
        """Next year's meetings of VOF's FSG, proposed from its cadence, once."""
        b = self.b
        group_id = b.reg.groups[VOF_GROUP]
        year = b.anchor.year + 1
        planned = await meetings.list_meetings(b.viewer, group_id=group_id, from_=dt.date(year, 1, 1), to=dt.date(year, 12, 31))
        if any(not m.title.startswith(f"{VOF_GROUP},") for m in planned.items):
            return
        proposal = await yearplans.plan(b.viewer, group_id, YearPlanCreate(year=year))
        if not proposal.meetings:
            return
        plan = await yearplans.plan(b.viewer, group_id, YearPlanCreate(
            year=year, dates=[m.date for m in proposal.meetings], start=dt.time(9, 0), minutes=150,
            place=f"{KRISTALLEN}, sammanträdesrum Lyran"))
        chair, scribe = b.person(chief_email("VOF")), b.person(hr_email("VOF"))
        members = [p for p in (await orgs.get_group(group_id)).member_ids]
        for m in plan.meetings:  # the roles and the group's members, as for the year's other meetings
            union_ids = (await meetings.get_meeting(b.viewer, m.id)).union_ids
            names = {v: k for k, v in b.reg.unions.items()}
            await meetings.update_meeting(b.viewer, m.id, MeetingUpdate(chair_id=chair, minute_taker_id=scribe, approvers=[
                Approver(union_id=None, person_id=chair),
                *[Approver(union_id=u, person_id=b.person(b.reg.rep(names[u]))) for u in union_ids]]))
            present = {p.person_id for p in (await meetings.get_meeting(b.viewer, m.id)).participants}
            for person_id in members:  # a group's members join its new meetings already; any others
                if person_id not in present:
                    await meetings.add_participant(b.viewer, m.id, ParticipantCreate(person_id=person_id))

