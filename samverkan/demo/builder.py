"""Helpers for the demo's year of work: Swedish working days, and thin wrappers around the matters
and meetings services (every write goes through a service, so status, decision hold and party
states are derived exactly as for real input). Each wrapper skips what already exists."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

import holidays

from samverkan import clock
from samverkan.accounts.service import Viewer
from samverkan.matters import schemas as ms
from samverkan.matters import service as matters
from samverkan.matters.tables import Matter
from samverkan.meetings import schemas as gs
from samverkan.meetings import service as meetings
from samverkan.meetings.tables import Meeting
from samverkan.orgs.tables import Department

from samverkan.demo.registry import Registry

MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
          "november", "december"]


# --- calendar ------------------------------------------------------------------


@lru_cache(maxsize=8)
def _holidays(year: int) -> frozenset[dt.date]:
    days = set(holidays.Sweden(years=year))
    # Not allmänna helgdagar, but not working days either (45 § MBL, 1930:173 2 §).
    midsummer = next(d for d in days if d.month == 6 and d.day >= 20 and d.weekday() == 5)
    days |= {midsummer - dt.timedelta(days=1), dt.date(year, 12, 24), dt.date(year, 12, 31)}
    return frozenset(days)


def is_workday(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def next_workday(day: dt.date) -> dt.date:
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


def prev_workday(day: dt.date) -> dt.date:
    while not is_workday(day):
        day -= dt.timedelta(days=1)
    return day


def add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=clock.STOCKHOLM)


def month_title(day: dt.date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


# --- positions ----------------------------------------------------------------


@dataclass(frozen=True)
class Pos:
    """One union's position on an agenda item."""

    union: str
    outcome: str | None = None  # agreement, disagreement, informed
    note: str = ""  # protokollsanteckning
    reservation: str = ""
    central: bool = False  # requests central negotiation (14 § MBL)


def informed(unions: list[str], notes: dict[str, str] | None = None) -> list[Pos]:
    return [Pos(u, "informed", (notes or {}).get(u, "")) for u in unions]


def agreed(unions: list[str], notes: dict[str, str] | None = None) -> list[Pos]:
    return [Pos(u, "agreement", (notes or {}).get(u, "")) for u in unions]


# --- the builder --------------------------------------------------------------


@dataclass
class Agenda:
    """A meeting being built: its id, date and the agenda order as the service numbers it."""

    id: int
    title: str
    day: dt.date
    unions: list[str]
    order: list[int]
    by_title: dict[str, int]
    children: dict[int, int] = field(default_factory=dict)  # heading item -> last item put after it


class Builder:
    def __init__(self, reg: Registry, viewer: Viewer, anchor: dt.date) -> None:
        self.reg = reg
        self.viewer = viewer
        self.anchor = anchor
        self.matters: dict[str, int] = {}  # title -> id
        self.new_matters: set[int] = set()
        self._meetings: set[tuple[str, int | None, int | None]] = set()
        self._prefixes: dict[int, str] = {}
        self._hand_numbers: set[str] = set()

    async def prepare(self) -> None:
        self.matters = {r["title"]: r["id"] for r in await Matter.select(Matter.id, Matter.title)}
        self._meetings = {(r["title"], r["group"], r["department"])
                          for r in await Meeting.select(Meeting.title, Meeting.group, Meeting.department)}
        self._prefixes = {r["id"]: r["diary_prefix"] for r in await Department.select(Department.id, Department.diary_prefix)}
        self._hand_numbers = {r["diary_no"] for r in await Matter.select(Matter.diary_no)}

    def day(self, offset: int) -> dt.date:
        """The first working day on or after anchor + offset days."""
        return next_workday(self.anchor + dt.timedelta(days=offset))

    def unions(self, names: list[str]) -> list[int]:
        return [self.reg.unions[n] for n in names]

    def person(self, email: str) -> int:
        return self.reg.people[email]

    # matters ------------------------------------------------------------------

    def _diary_no(self, department_id: int, registered: dt.date) -> str | None:
        """None (the service's series) for this year; an earlier year's number is entered by hand,
        as a matter registered then would have got it."""
        if registered.year == clock.today().year:
            return None
        serial = registered.timetuple().tm_yday * 3
        while (number := f"{self._prefixes[department_id]} {registered.year}/{serial:04d}") in self._hand_numbers:
            serial += 1
        self._hand_numbers.add(number)
        return number

    async def matter(self, title: str, kind: str, department: str, unions: list[str], description: str,
                     registered: dt.date, personal_data: bool = False, claimant: str | None = None) -> tuple[int, bool]:
        """(id, created now). An existing matter with the title is left as it is."""
        if title in self.matters:
            return self.matters[title], False
        department_id = self.reg.departments[department]
        created = await matters.create_matter(self.viewer, ms.MatterCreate(
            title=title, kind=kind, department_id=department_id, description=description, union_ids=self.unions(unions),
            personal_data=personal_data, diary_no=self._diary_no(department_id, registered), claimant=claimant,
        ))
        # Registered on its first day, not when the demo ran: lists are ordered by this.
        await Matter.update({Matter.created_at: at(registered, 8, 30)}).where(Matter.id == created.id)
        self.matters[title] = created.id
        self.new_matters.add(created.id)
        return created.id, True

    async def event(self, matter_id: int, type: str, day: dt.date, union: str | None = None, outcome: str | None = None,
                    note: str = "", time: dt.time | None = None) -> None:
        await matters.add_event(self.viewer, matter_id, ms.EventCreate(
            type=type, date=day, time=time, union_id=self.reg.unions[union] if union else None, outcome=outcome, note=note,
        ))

    # meetings -----------------------------------------------------------------

    async def meeting(self, *, title: str, kind: str, day: dt.date, start: tuple[int, int], minutes: int, place: str,
                      chair: str, minute_taker: str, participants: list[str], group: str | None = None,
                      department: str | None = None, unions: list[str] | None = None, safety_reps: tuple[str, ...] = (),
                      absent: tuple[str, ...] = (), approvers: dict[str | None, str] | None = None) -> Agenda | None:
        """Create a meeting with its participants and justerare; None if it exists already."""
        group_id = self.reg.groups[group] if group else None
        department_id = self.reg.departments[department] if department else None
        # The same meeting: the same title in the same group, or for a meeting outside a group, the
        # same title in the same department.
        if any(t == title and (g == group_id if group_id else (g is None and d == department_id))
               for t, g, d in self._meetings):
            return None
        starts = at(day, *start)
        held = day < self.anchor
        created = await meetings.create_meeting(self.viewer, gs.MeetingCreate(
            kind=kind, title=title, starts_at=starts, ends_at=starts + dt.timedelta(minutes=minutes),
            department_id=department_id, group_id=group_id,
            union_ids=self.unions(unions) if unions is not None else None, place=place,
            chair_id=self.person(chair), minute_taker_id=self.person(minute_taker),
        ))
        self._meetings.add((title, group_id, created.department_id))
        union_names = {v: k for k, v in self.reg.unions.items()}
        names = [union_names[u] for u in created.union_ids]
        # Justerare per party: the chair for the employer, each union's ombud for the union.
        wanted = approvers if approvers is not None else {None: chair, **{u: self.reg.rep(u) for u in names}}
        await meetings.update_meeting(self.viewer, created.id, gs.MeetingUpdate(approvers=[
            gs.Approver(union_id=self.reg.unions[u] if u else None, person_id=self.person(email)) for u, email in wanted.items()
        ]))
        # A group's members came with the meeting; the demo keeps exactly the people it names.
        members = {p.person_id: p.id for p in created.participants}
        wanted_people = {self.person(email): email for email in participants}
        for person_id, participant_id in members.items():
            if person_id not in wanted_people:
                await meetings.remove_participant(self.viewer, created.id, participant_id)
        for person_id, email in wanted_people.items():
            role = "safety_rep" if email in safety_reps else "ordinary"
            present = (email not in absent) if held else None
            if person_id in members:
                await meetings.update_participant(self.viewer, created.id, members[person_id],
                                                  gs.ParticipantUpdate(role=role, present=present))
            else:
                await meetings.add_participant(self.viewer, created.id, gs.ParticipantCreate(
                    person_id=person_id, role=role, present=present))
        return Agenda(id=created.id, title=title, day=day, unions=names, order=[i.id for i in created.agenda],
                      by_title={i.title: i.id for i in created.agenda})

    def _positions(self, positions: list[Pos]) -> list[gs.Position]:
        return [gs.Position(union_id=self.reg.unions[p.union], outcome=p.outcome, note=p.note, reservation=p.reservation,
                            central_requested=p.central) for p in positions]

    async def item(self, agenda: Agenda, title: str, kind: str, *, after: str | None = None, matter: str | None = None,
                   text: str = "", employer_position: str = "", positions: list[Pos] = ()) -> int:
        """Add an item, at the end or after a heading of the standard agenda (and after the items
        already put there)."""
        number = None
        if after is not None:
            heading = agenda.by_title[after]
            anchor = agenda.children.get(heading, heading)
            number = agenda.order.index(anchor) + 2
        row = await meetings.add_item(self.viewer, agenda.id, gs.AgendaItemCreate(
            title=title, kind=kind, matter_id=self.matters[matter] if matter else None, text=text,
            employer_position=employer_position, positions=self._positions(list(positions)), number=number,
        ))
        if number is None:
            agenda.order.append(row.id)
        else:
            agenda.order.insert(number - 1, row.id)
            agenda.children[agenda.by_title[after]] = row.id
        agenda.by_title[title] = row.id
        return row.id

    async def fill(self, agenda: Agenda, title: str, text: str, *, matter: str | None = None,
                   positions: list[Pos] = ()) -> None:
        """Write the text (and optionally a matter and positions) of an item of the standard agenda."""
        patch = gs.AgendaItemUpdate(text=text)
        if matter is not None:
            patch.matter_id = self.matters[matter]
        if positions:
            patch.positions = self._positions(list(positions))
        await meetings.update_item(self.viewer, agenda.id, agenda.by_title[title], patch)

    async def status(self, agenda: Agenda, status: str) -> None:
        """Move along the status machine: planned → called → held."""
        steps = {"planned": [], "called": ["called"], "held": ["called", "held"]}[status]
        for step in steps:
            await meetings.update_meeting(self.viewer, agenda.id, gs.MeetingUpdate(status=step))

    async def close(self, agenda: Agenda, title: str) -> None:
        """Close the negotiation of an item: the matter gets its 'negotiation closed' events."""
        await meetings.close_item(self.viewer, agenda.id, agenda.by_title[title], gs.AgendaItemClose())
