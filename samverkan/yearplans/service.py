"""A group's year: its annual items and the plan that creates the year's meetings with the standard
agenda plus the annual items of each period. No HTTP here."""

from __future__ import annotations

import datetime as dt

from samverkan import clock
from samverkan.accounts.service import Viewer
from samverkan.audit import service as audit
from samverkan.database import engine
from samverkan.deadlines import service as deadlines
from samverkan.errors import Conflict, Invalid, NotFound
from samverkan.meetings import service as meetings
from samverkan.meetings import warnings as meeting_warnings
from samverkan.meetings.schemas import AgendaItemCreate, MeetingCreate
from samverkan.meetings.tables import Meeting
from samverkan.orgs.tables import CollaborationGroup
from samverkan.yearplans import rules
from samverkan.yearplans import schemas as s
from samverkan.yearplans.tables import AnnualItem

KINDS = {"apt": "workplace_meeting"}  # a group's meetings are samverkan meetings, an APT's workplace meetings


async def group_row(group_id: int) -> dict:
    row = await CollaborationGroup.select().where(CollaborationGroup.id == group_id).first()
    if row is None:
        raise NotFound(f"Samverkansgruppen {group_id} finns inte.")
    return row


async def annual_items(group_id: int) -> list[s.AnnualItem]:
    await group_row(group_id)
    rows = await AnnualItem.select().where(AnnualItem.group == group_id).order_by(AnnualItem.month).order_by(AnnualItem.id)
    if rows:
        return [s.AnnualItem(title=r["title"], month=r["month"], kind=r["kind"]) for r in rows]
    return [s.AnnualItem(title=t, month=m, kind=k) for t, m, k in rules.DEFAULT_ANNUAL_ITEMS]


async def set_annual_items(viewer: Viewer, group_id: int, data: s.AnnualItems) -> list[s.AnnualItem]:
    group = await group_row(group_id)
    meetings.check_may_change(viewer, group["department"])
    before = await annual_items(group_id)
    async with engine().transaction():
        await AnnualItem.delete().where(AnnualItem.group == group_id)
        if data.items:
            await AnnualItem.insert(*[AnnualItem(group=group_id, title=i.title.strip(), month=i.month, kind=i.kind) for i in data.items])
        after = await annual_items(group_id)
        await audit.record(viewer, "update", "annual_items", group_id, before=before, after=after)
    return after


def _title(group: dict, day: dt.date) -> str:
    return f"{group['name']} {day.day} {rules.month_name(day.month)} {day.year}"


async def plan_warnings(group: dict, dates: list[dt.date], existing: list[dt.date]) -> list[rules.Warning]:
    """The plan's warnings with the rules in force for the group's department (cadence: AMF 8 a §
    or the group's own interval; notice: SKR-SAMV-INVITE)."""
    found = await deadlines.rules_in_force([meeting_warnings.CADENCE_RULE, meeting_warnings.NOTICE_RULE],
                                           group["department"], clock.today())
    cadence = meeting_warnings.cadence_rule(found[meeting_warnings.CADENCE_RULE], safety_committee=group["safety_committee"],
                                            cadence_months=group["cadence_months"])
    return rules.warnings(dates, clock.today(), existing, cadence_rule=cadence, notice_rule=found[meeting_warnings.NOTICE_RULE])


async def _warnings(group: dict, dates: list[dt.date], existing: list[dt.date]) -> list[s.PlanWarning]:
    return [s.PlanWarning(code=w.code, message=w.message, date=w.date) for w in await plan_warnings(group, dates, existing)]


async def _planned(group_id: int, year: int) -> list[dt.date]:
    """The days of the group's meetings (not cancelled) in the year, and of the last one before it."""
    rows = await Meeting.select(Meeting.starts_at).where(
        Meeting.group == group_id, Meeting.status != "cancelled",
        Meeting.starts_at < dt.datetime(year + 1, 1, 1, tzinfo=clock.STOCKHOLM)).order_by(Meeting.starts_at)
    days = [r["starts_at"].astimezone(clock.STOCKHOLM).date() for r in rows]
    return [d for d in days if d.year == year] or days[-1:]


async def plan(viewer: Viewer, group_id: int, data: s.YearPlanCreate) -> s.YearPlan:
    """With dates, create those meetings (all or none) beside the year's existing ones; without,
    propose dates from the cadence after the meetings already planned. Warnings look at both."""
    group = await group_row(group_id)
    meetings.check_may_change(viewer, group["department"])
    items = [(i.title, i.month, i.kind) for i in await annual_items(group_id)]
    existing = await _planned(group_id, data.year)
    this_year = [d for d in existing if d.year == data.year]
    if data.dates is None:
        dates = rules.propose(data.year, group["cadence_months"], existing[-1] if existing else None)
        placed = rules.place(dates, items)
        return s.YearPlan(group_id=group_id, year=data.year, saved=False, warnings=await _warnings(group, dates, existing), meetings=[
            s.PlannedMeeting(id=None, date=d, title=_title(group, d), annual_items=[t for t, _ in placed[n]])
            for n, d in enumerate(dates)])
    if not data.dates:
        raise Invalid("Ange minst ett datum.", field="dates")
    for i, day in enumerate(data.dates):
        if day.year != data.year:
            raise Invalid(f"Datumet ligger inte i {data.year}.", field=f"dates[{i}]")
        if day in data.dates[:i]:
            raise Invalid("Datumet finns redan i planen.", field=f"dates[{i}]")
        if day in this_year:
            raise Conflict("Gruppen har redan ett möte den dagen.", field=f"dates[{i}]")
    dates = sorted(data.dates)
    placed = rules.place(dates, items)
    out = []
    async with engine().transaction():
        for n, day in enumerate(dates):
            starts = dt.datetime.combine(day, data.start, tzinfo=clock.STOCKHOLM)
            meeting = await meetings.create_meeting(viewer, MeetingCreate(
                kind=KINDS.get(group["level"], "safety_committee" if group["safety_committee"] else "samverkan"),
                title=_title(group, day), starts_at=starts, ends_at=starts + dt.timedelta(minutes=data.minutes),
                group_id=group_id, place=data.place))
            titles = [i.title for i in meeting.agenda]
            at = titles.index("Övriga frågor") + 1 if "Övriga frågor" in titles else None
            for title, kind in placed[n]:
                await meetings.add_item(viewer, meeting.id, AgendaItemCreate(title=title, kind=kind, number=at))
                at = at + 1 if at else None
            out.append(s.PlannedMeeting(id=meeting.id, date=day, title=meeting.title, annual_items=[t for t, _ in placed[n]]))
    return s.YearPlan(group_id=group_id, year=data.year, saved=True, meetings=out, warnings=await _warnings(group, dates, existing))


async def year_meetings(viewer: Viewer, group_id: int, year: int) -> list[s.YearMeeting]:
    """The group's meetings of the year that the viewer sees, by date, with their agenda titles."""
    await group_row(group_id)
    page = await meetings.list_meetings(viewer, group_id=group_id, from_=dt.date(year, 1, 1), to=dt.date(year, 12, 31))
    held = [m for m in page.items if m.status != "cancelled"]
    titles = await meetings.agenda_titles(viewer, [m.id for m in held])
    return [s.YearMeeting(id=m.id, starts_at=m.starts_at, ends_at=m.ends_at, place=m.place, agenda_titles=titles[m.id])
            for m in held]
