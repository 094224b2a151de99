"""Meetings, participants and agendas: scoping, the status machine, version checks, and the
events an agenda item writes on its matter when it is closed. No HTTP here."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any, Callable

import msgspec


from samverkan.accounts import rights
from samverkan import clock, json_sql
from samverkan.accounts.service import Viewer
from samverkan.audit import service as audit
from samverkan.database import Ids, Param, Prepared, Read, engine, ids_param, write_unique
from samverkan.deadlines import service as deadlines
from samverkan.errors import Conflict, Forbidden, Invalid, NotFound
from samverkan.matters import rules as matter_rules
from samverkan.matters import service as matters
from samverkan.matters.schemas import EventCreate
from samverkan.matters.tables import Matter
from samverkan.meetings import rules, warnings
from samverkan.meetings import schemas as s
from samverkan.meetings.tables import (
    AgendaItem,
    AgendaPosition,
    Meeting,
    MeetingApprover,
    MeetingUnion,
    Participant,
    StandardAgendaItem,
)
from samverkan.orgs.schemas import changes
from samverkan.orgs.tables import CollaborationGroup, Department, GroupMember, GroupUnion, Person, TradeUnion
from samverkan.pagination import Page, PageRequest, Party, all_columns, fetch_window, folded, given, matching, search_values, select_sql



# --- who sees what -----------------------------------------------------------


def _scope_of(viewer: Viewer) -> tuple[str, int | None]:
    """Which kind of scope the viewer has, and its department or union."""
    if rights.sees_all(viewer):
        return "all", None
    if rights.is_department(viewer):
        return "department", viewer.department_id
    if rights.is_union(viewer):
        return "union", viewer.union_id
    return "none", None


def _scoped(kind: str, value: Any) -> list[Any]:
    if kind == "all":
        return []
    if kind == "department":
        return [Meeting.department == value]
    if kind == "union":
        return [is_party(value)]
    return [Meeting.id == -1]


def scope(viewer: Viewer) -> list[Any]:
    """Conditions that limit meetings to what the viewer may see; part of every query."""
    return _scoped(*_scope_of(viewer))


def is_party(union_id: int) -> Party:
    """The union is a party to the meeting (see pagination.Party)."""
    return Party("meeting_union", "meeting", '"meeting"."id"', union_id)


FROZEN = {"in_review": "Protokollet är skickat för justering; ändringar görs som förslag på justeringssidan.",
          "approved": "Protokollet är justerat och låst; en ändring kräver att HR öppnar det igen."}


def _check_editable(viewer: Viewer, meeting: dict) -> None:
    """The viewer may change this meeting, and its record is not frozen by a protocol in review
    or approved (a change would no longer match what the parties justerar). Read before the
    write, for a clear answer early; the write checks the state again (``_lock_draft``)."""
    check_may_change(viewer, meeting["department"])
    _check_draft(meeting)


def _check_draft(meeting: dict) -> None:
    if meeting["protocol_state"] in FROZEN:
        raise Conflict(FROZEN[meeting["protocol_state"]], field="protocol")


def check_may_change(viewer: Viewer, department_id: int | None) -> None:
    if rights.may_change_department(viewer, department_id):
        return
    raise Forbidden("Du får inte ändra möten för den här förvaltningen.")


# --- reading -----------------------------------------------------------------


# Read on every meeting page and list: built once (database.Prepared).
_UNIONS = Prepared(lambda: MeetingUnion.select(MeetingUnion.meeting, MeetingUnion.trade_union)
                   .where(ids_param(MeetingUnion.meeting, "ids")).order_by(MeetingUnion.trade_union))


async def _union_ids(meeting_ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {i: [] for i in meeting_ids}
    if meeting_ids:
        rows = await _UNIONS.rows(ids=Ids(meeting_ids))
        for r in rows:
            out[r["meeting"]].append(r["trade_union"])
    return out


REDACTED_TITLE = "Punkt om ett ärende som du inte har tillgång till"


async def _hidden_matters(viewer: Viewer | None, linked: set[int]) -> set[int]:
    """Of the matters agenda items are about, those the viewer may not see."""
    if viewer is None or not linked or rights.sees_all(viewer):
        return set()
    return linked - {m["id"] for m in await Matter.select(Matter.id).where(Matter.id.is_in(list(linked)), *matters.scope(viewer))}


_ITEM_TITLES = Prepared(lambda: AgendaItem.select(AgendaItem.meeting, AgendaItem.title, AgendaItem.matter)
                        .where(ids_param(AgendaItem.meeting, "ids")).order_by(AgendaItem.meeting).order_by(AgendaItem.number))


async def agenda_titles(viewer: Viewer, meeting_ids: list[int]) -> dict[int, list[str]]:
    """Each meeting's agenda titles in order, hidden ones as on the meeting page, for meetings the
    viewer has listed: two statements for any number of meetings."""
    out: dict[int, list[str]] = {i: [] for i in meeting_ids}
    if meeting_ids:
        rows = await _ITEM_TITLES.rows(ids=Ids(meeting_ids))
        hidden = await _hidden_matters(viewer, {r["matter"] for r in rows if r["matter"] is not None})
        for r in rows:
            out[r["meeting"]].append(REDACTED_TITLE if r["matter"] in hidden else r["title"])
    return out


def _items_sql(engine_type: str, meeting: str) -> str:
    """A meeting's agenda items, each with its unions' positions, as a JSON array of rows."""
    j = json_sql
    position = j.obj(engine_type, *((c, c) for c in ("trade_union", "outcome", "note", "reservation")),
                     ("central_requested", j.boolean(engine_type, "central_requested")))
    positions = j.array(engine_type, position, "agenda_position", "agenda_position.item = agenda_item.id", "trade_union")
    item = j.obj(engine_type, *((c, c) for c in ("id", "number", "title", "kind", "matter", "text", "employer_position",
                                                 "closed_on", "version")), ("positions", positions))
    return j.array(engine_type, item, "agenda_item", f"agenda_item.meeting = {meeting}", "number", nested=False)


def _parts_sql(engine_type: str) -> str:
    """What a meeting's record holds besides its own row, each part a JSON array of rows, for
    the row of ``"meeting"`` in the query: one statement instead of five (on PostgreSQL each is a
    round trip; issue 15)."""
    j = json_sql
    m = '"meeting"'
    approvers = j.array(engine_type, j.obj(engine_type, ("trade_union", "trade_union"), ("person", "person")),
                        "meeting_approver", f"meeting_approver.meeting = {m}.id", "id", nested=False)
    participant = j.obj(engine_type, *((c, c) for c in ("id", "person", "side", "trade_union", "role")),
                        ("present", j.boolean(engine_type, "present")))
    participants = j.array(engine_type, participant, "participant", f"participant.meeting = {m}.id", "id", nested=False)
    unions = j.array(engine_type, "trade_union", "meeting_union", f"meeting_union.meeting = {m}.id", "trade_union", nested=False)
    return (f"{approvers} AS approvers, {participants} AS participants, {unions} AS union_ids, "
            f"{_items_sql(engine_type, f'{m}.id')} AS items")


# A meeting's agenda alone.
_AGENDA = Prepared(lambda: select_sql(_items_sql(engine().engine_type, '"meeting".id') + " AS items", Meeting,
                                      [Meeting.id == Param("id")]))


async def _agenda(meeting_id: int, viewer: Viewer | None = None, items_json: str | None = None) -> list[s.AgendaItem]:
    """The agenda; for a viewer, items about matters outside what they may see (another union's
    individärende, say) keep their number but show nothing of their content."""
    if items_json is None:
        row = await _AGENDA.first(id=meeting_id)
        items_json = row["items"] if row else "[]"
    items = msgspec.json.decode(items_json)
    hidden = await _hidden_matters(viewer, {i["matter"] for i in items if i["matter"] is not None})
    return [
        s.AgendaItem(
            id=i["id"], number=i["number"], title=REDACTED_TITLE, kind=i["kind"], matter_id=None, text="",
            employer_position="", positions=[], closed_on=_day(i["closed_on"]), version=i["version"],
        )
        if i["matter"] in hidden else
        s.AgendaItem(
            id=i["id"], number=i["number"], title=i["title"], kind=i["kind"], matter_id=i["matter"], text=i["text"],
            employer_position=i["employer_position"], closed_on=_day(i["closed_on"]), version=i["version"],
            positions=[s.Position(union_id=p["trade_union"], outcome=p["outcome"], note=p["note"], reservation=p["reservation"],
                                  central_requested=p["central_requested"]) for p in i["positions"]],
        )
        for i in items
    ]


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


async def _assemble(row: dict, viewer: Viewer) -> s.Meeting:
    """The meeting of a row read with its parts (_WHOLE_IN_SCOPE)."""
    meeting_id = row["id"]
    return s.Meeting(
        id=meeting_id, kind=row["kind"], title=row["title"], department_id=row["department"], group_id=row["group"],
        union_ids=_INTS.decode(row["union_ids"]), starts_at=row["starts_at"], ends_at=row["ends_at"],
        place=row["place"], status=row["status"], chair_id=row["chair"], minute_taker_id=row["minute_taker"],
        approvers=[s.Approver(union_id=a["trade_union"], person_id=a["person"]) for a in msgspec.json.decode(row["approvers"])],
        participants=[
            s.Participant(id=p["id"], person_id=p["person"], side=p["side"], union_id=p["trade_union"], role=p["role"], present=p["present"])
            for p in msgspec.json.decode(row["participants"])
        ],
        agenda=await _agenda(meeting_id, viewer, row["items"]), version=row["version"], protocol_state=row["protocol_state"],
        warnings=[s.MeetingWarning(code=w.code, text=w.text) for w in await planning_warnings(
            meeting_id=meeting_id, group_id=row["group"], department_id=row["department"], starts_at=row["starts_at"],
            status=row["status"], called_at=row["called_at"])],
    )


# --- warnings ------------------------------------------------------------------


_GROUP_CADENCE = Prepared(lambda: CollaborationGroup.select(
    CollaborationGroup.department, CollaborationGroup.safety_committee, CollaborationGroup.cadence_months,
).where(CollaborationGroup.id == Param("id")))
def _others() -> Any:
    """The group's meetings but this one and cancelled ones (for the cadence's neighbours)."""
    return (Meeting.group == Param("group")) & (Meeting.status != "cancelled") & (Meeting.id != Param("id"))


_BEFORE = Prepared(lambda: Meeting.select(Meeting.starts_at).where(_others() & (Meeting.starts_at < Param("at")))
                   .order_by(Meeting.starts_at, ascending=False).limit(1))
_AFTER = Prepared(lambda: Meeting.select(Meeting.starts_at).where(_others() & (Meeting.starts_at > Param("at")))
                  .order_by(Meeting.starts_at).limit(1))


async def planning_warnings(*, meeting_id: int | None, group_id: int | None, department_id: int | None,
                            starts_at: dt.datetime, status: str = "planned", called_at: dt.datetime | None = None,
                            ) -> list[warnings.Warning]:
    """The warnings of a meeting as it is or as it would be (``meeting_id`` None: a new one):
    in the past, a kallelse late, a group's cadence broken (see ``meetings.warnings``)."""
    if status not in warnings.PLANNING:
        return []
    starts_at = _aware(starts_at)
    out = [w for w in [warnings.in_past(starts_at, clock.now())] if w]
    if group_id is None:
        return out
    group = await _GROUP_CADENCE.first(id=group_id)
    if group is None:
        return out
    day = starts_at.astimezone(clock.STOCKHOLM).date()
    found = await deadlines.rules_in_force([warnings.CADENCE_RULE, warnings.NOTICE_RULE],
                                           department_id if department_id is not None else group["department"], day)
    called_on = called_at.astimezone(clock.STOCKHOLM).date() if called_at else None
    out += [w for w in [warnings.notice_late(day, found[warnings.NOTICE_RULE], called_on=called_on, today=clock.today())] if w]
    rule = warnings.cadence_rule(found[warnings.CADENCE_RULE], safety_committee=group["safety_committee"],
                                 cadence_months=group["cadence_months"])
    if rule is not None:
        around = {"group": group_id, "id": meeting_id or -1, "at": starts_at}
        before, after = await _BEFORE.first(**around), await _AFTER.first(**around)
        local = [r["starts_at"].astimezone(clock.STOCKHOLM).date() if r else None for r in (before, after)]
        out += warnings.cadence(day, local[0], local[1], rule)
    return out


async def warnings_if_moved(viewer: Viewer, id: int, starts_at: dt.datetime) -> list[warnings.Warning]:
    """The meeting's warnings were it to start at ``starts_at`` (for a form, before saving)."""
    row = await visible_row(viewer, id)
    return await planning_warnings(meeting_id=id, group_id=row["group"], department_id=row["department"], starts_at=starts_at,
                                   status=row["status"], called_at=row["called_at"])


async def group_outlook(group_id: int) -> tuple[s.MeetingSummary | None, list[warnings.Warning]]:
    """For a group's page: its next meeting (not cancelled, not yet begun) with that meeting's
    warnings; without one, a cadence warning when the group keeps an interval."""
    row = await Meeting.select().where(
        (Meeting.group == group_id) & (Meeting.status != "cancelled") & (Meeting.starts_at >= clock.now())
    ).order_by(Meeting.starts_at).first()
    if row is not None:
        found = await planning_warnings(meeting_id=row["id"], group_id=group_id, department_id=row["department"],
                                        starts_at=row["starts_at"], status=row["status"], called_at=row["called_at"])
        summary = s.MeetingSummary(
            id=row["id"], kind=row["kind"], title=row["title"], department_id=row["department"], group_id=group_id,
            union_ids=[], starts_at=row["starts_at"], ends_at=row["ends_at"], place=row["place"], status=row["status"],
            agenda_items=0, version=row["version"])
        return summary, found
    group = await CollaborationGroup.select().where(CollaborationGroup.id == group_id).first()
    last = await Meeting.select(Meeting.starts_at).where(
        (Meeting.group == group_id) & (Meeting.status != "cancelled")).order_by(Meeting.starts_at, ascending=False).first()
    if group is None or last is None:
        return None, []
    day = last["starts_at"].astimezone(clock.STOCKHOLM).date()
    found = await deadlines.rules_in_force([warnings.CADENCE_RULE], group["department"], day)
    rule = warnings.cadence_rule(found[warnings.CADENCE_RULE], safety_committee=group["safety_committee"],
                                 cadence_months=group["cadence_months"])
    if rule is None:
        return None, []
    due = rule.due(day).due
    return None, [warnings.Warning("cadence", f"Inget nästa möte är planerat. Det borde hållas senast {due.isoformat()} "
                                              f"({warnings.span(rule.length, rule.unit)} efter mötet {day.isoformat()}).")]


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=clock.STOCKHOLM)


# The list's filters: each condition takes the filter's value as a Param of its name.
_FILTERS: dict[str, Callable[[], Any]] = {
    "from": lambda: Meeting.starts_at >= Param("from"),
    "to": lambda: Meeting.starts_at < Param("to"),
    "department_id": lambda: Meeting.department == Param("department_id"),
    "group_id": lambda: Meeting.group == Param("group_id"),
    "union_id": lambda: is_party(Param("union_id")),
    "status": lambda: Meeting.status == Param("status"),
}


async def list_meetings(
    viewer: Viewer, *, q: str | None = None, from_: dt.date | None = None, to: dt.date | None = None,
    department_id: int | None = None, group_id: int | None = None, union_id: int | None = None,
    status: str | None = None, descending: bool = False, page: PageRequest = PageRequest(),
) -> Page[s.MeetingSummary]:
    kind, scope_value = _scope_of(viewer)
    search = search_values(q)
    filters = given(**{"from": from_ and _day_start(from_), "to": to and _day_start(to + dt.timedelta(days=1))},  # "to" is the last day
                    department_id=department_id, group_id=group_id, union_id=union_id, status=status)
    rows, window = await fetch_window(
        Meeting, lambda: [*_scoped(kind, Param("scope")), *matching(Meeting.search_text, search),
                          *(_FILTERS[name]() for name in filters)],
        Meeting.starts_at, page, descending=descending, select=_summary_columns(engine().engine_type),
        shape=("meetings", kind, len(search), *filters), values={"scope": scope_value, **search, **filters})
    window.items = [
        s.MeetingSummary(
            id=r["id"], kind=r["kind"], title=r["title"], department_id=r["department"], group_id=r["group"],
            union_ids=_INTS.decode(r["union_ids"]), starts_at=r["starts_at"], ends_at=r["ends_at"], place=r["place"],
            status=r["status"], agenda_items=r["agenda_items"], version=r["version"],
        )
        for r in rows
    ]
    return window


_INTS = msgspec.json.Decoder(list[int])
@cache
def _summary_columns(engine_type: str) -> str:
    """What a list shows of a meeting, its unions and its number of items in the same statement."""
    m = '"meeting"'
    own = ", ".join(f'{m}."{c}" AS "{c}"' for c in ("id", "kind", "title", "department", "group", "starts_at", "ends_at",
                                                     "place", "status", "version"))
    unions = json_sql.array(engine_type, "trade_union", "meeting_union", f"meeting_union.meeting = {m}.id", "trade_union",
                            nested=False)
    return f"{own}, {unions} AS union_ids, (SELECT COUNT(*) FROM agenda_item WHERE agenda_item.meeting = {m}.id) AS agenda_items"


def _per_scope(build: Callable[[list[Any]], Any]) -> dict[str, Prepared]:
    """A prepared read of the meeting by id for each kind of scope (``build`` makes it from the
    conditions): read several times on every meeting page, so built once."""
    return {kind: Prepared(lambda kind=kind: build([Meeting.id == Param("id"), *_scoped(kind, Param("scope"))]))
            for kind in ("all", "department", "union", "none")}


_ROW_IN_SCOPE = _per_scope(lambda where: Meeting.select().where(*where))
_WHOLE_IN_SCOPE = _per_scope(  # with its parts (_parts_sql)
    lambda where: select_sql(f"{all_columns(Meeting)}, {_parts_sql(engine().engine_type)}", Meeting, where))


def _read_in_scope(reads: dict[str, Prepared], viewer: Viewer, id: int) -> Read:
    kind, value = _scope_of(viewer)
    return reads[kind].read(id=id, scope=value)


async def _in_scope(reads: dict[str, Prepared], viewer: Viewer, id: int) -> dict:
    row = await _read_in_scope(reads, viewer, id).first()
    if row is None:
        raise NotFound(f"Mötet {id} finns inte.")
    return row


async def visible_row(viewer: Viewer, id: int) -> dict:
    return await _in_scope(_ROW_IN_SCOPE, viewer, id)


def meeting_read(viewer: Viewer, id: int) -> Read:
    """The statement get_meeting runs (for database.read_ahead)."""
    return _read_in_scope(_WHOLE_IN_SCOPE, viewer, id)


async def get_meeting(viewer: Viewer, id: int) -> s.Meeting:
    return await _assemble(await _in_scope(_WHOLE_IN_SCOPE, viewer, id), viewer)


# --- checks ------------------------------------------------------------------


def _aware(value: dt.datetime) -> dt.datetime:
    """A time without a zone is Swedish local time."""
    return value.replace(tzinfo=clock.STOCKHOLM) if value.tzinfo is None else value


async def _check_people(ids: dict[str, int | None]) -> None:
    wanted = {v for v in ids.values() if v is not None}
    if not wanted:
        return
    found = {r["id"] for r in await Person.select(Person.id).where(Person.id.is_in(list(wanted)))}
    for field, value in ids.items():
        if value is not None and value not in found:
            raise Invalid("Personen finns inte.", field=field)


async def _check_unions(union_ids: list[int]) -> None:
    if union_ids and await TradeUnion.count().where(TradeUnion.id.is_in(list(set(union_ids)))) != len(set(union_ids)):
        raise Invalid("Ett eller flera fackförbund finns inte.", field="union_ids")


async def _check_approvers(approvers: list[s.Approver], union_ids: list[int]) -> None:
    """One justerare per party, and each one on the side it approves for."""
    seen: set[int | None] = set()
    for i, approver in enumerate(approvers):
        if approver.union_id is not None and approver.union_id not in union_ids:
            raise Invalid("Justeraren ska företräda en part i mötet.", field=f"approvers[{i}].union_id")
        if approver.union_id in seen:
            raise Invalid("En part har bara en justerare.", field=f"approvers[{i}].union_id")
        seen.add(approver.union_id)
    await _check_people({f"approvers[{i}].person_id": a.person_id for i, a in enumerate(approvers)})
    people = {p["id"]: p for p in await Person.select(Person.id, Person.side, Person.trade_union).where(
        Person.id.is_in([a.person_id for a in approvers] or [0]))}
    for i, approver in enumerate(approvers):
        person = people[approver.person_id]
        belongs = person["side"] == "employer" if approver.union_id is None else person["trade_union"] == approver.union_id
        if not belongs:
            raise Invalid("Justeraren ska höra till den part hen justerar för.", field=f"approvers[{i}].person_id")


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        raise Invalid("Mötet måste sluta efter att det börjar.", field="ends_at")


def _check_version(current: int, expected: int | None, what: str) -> None:
    if expected is not None and expected != current:
        raise Conflict(
            f"{what} har ändrats av någon annan sedan du öppnade det (version {expected} → {current}). "
            "Ladda om för att se ändringen och gör din ändring igen.", field="version",
        )


# --- writing the meeting -----------------------------------------------------


class Unconfirmed(Exception):
    """A form's change brings warnings the person has not confirmed yet; nothing was written."""

    def __init__(self, found: list[warnings.Warning]) -> None:
        super().__init__(found)
        self.warnings = found


Confirm = Callable[[list[warnings.Warning]], bool]


async def create_meeting(viewer: Viewer, data: s.MeetingCreate, confirm: Confirm | None = None) -> s.Meeting:
    """Plan a meeting. With ``confirm`` (a form), its warnings are shown to ``confirm`` after every
    check has passed; when it says no, ``Unconfirmed`` is raised before anything is written."""
    starts_at, ends_at = _aware(data.starts_at), _aware(data.ends_at)
    _check_times(starts_at, ends_at)
    group = None
    if data.group_id is not None:
        group = await CollaborationGroup.select().where(CollaborationGroup.id == data.group_id).first()
        if group is None:
            raise Invalid("Samverkansgruppen finns inte.", field="group_id")
    department_id = data.department_id if data.department_id is not None else (group["department"] if group else None)
    if group and data.department_id is not None and group["department"] not in (None, data.department_id):
        raise Invalid("Gruppen hör till en annan förvaltning.", field="department_id")
    if department_id is not None and not await Department.exists().where(Department.id == department_id):
        raise Invalid("Förvaltningen finns inte.", field="department_id")
    check_may_change(viewer, department_id)
    if data.union_ids is not None:
        union_ids = sorted(set(data.union_ids))
        await _check_unions(union_ids)
    elif group:
        union_ids = [r["trade_union"] for r in await GroupUnion.select(GroupUnion.trade_union).where(GroupUnion.group == group["id"])]
    else:
        union_ids = []
    await _check_people({"chair_id": data.chair_id, "minute_taker_id": data.minute_taker_id})
    await _check_approvers(data.approvers, union_ids)
    for i, item in enumerate(data.agenda):
        try:
            await _check_matter(viewer, item.matter_id)
            _check_positions(item.positions, union_ids)
        except Invalid as exc:
            raise Invalid(exc.detail, field=f"agenda[{i}].{exc.field}") from None
    if confirm is not None:
        found = await planning_warnings(meeting_id=None, group_id=data.group_id, department_id=department_id, starts_at=starts_at)
        if not confirm(found):
            raise Unconfirmed(found)
    title = data.title.strip()
    async with engine().transaction():
        row = Meeting(
            kind=data.kind, title=title, department=department_id, group=data.group_id, starts_at=starts_at,
            ends_at=ends_at, place=data.place.strip(), chair=data.chair_id, minute_taker=data.minute_taker_id,
            search_text=folded(title, data.place),
        )
        await row.save()
        await _replace_unions(row.id, union_ids)
        await _replace_approvers(row.id, data.approvers)
        standard = await _standard_entries(group) if group and data.standard_agenda and data.kind in {
            "samverkan", "safety_committee"} else []
        await _insert_agenda(row.id, standard, data.agenda)
        if group:
            await _add_members(row.id, group["id"])
        created = await get_meeting(viewer, row.id)
        await audit.record(viewer, "create", "meeting", row.id, after=created)
    return created


async def _replace_unions(meeting_id: int, union_ids: list[int]) -> None:
    await MeetingUnion.delete().where(MeetingUnion.meeting == meeting_id)
    if union_ids:
        await MeetingUnion.insert(*[MeetingUnion(meeting=meeting_id, trade_union=u) for u in union_ids])


async def _replace_approvers(meeting_id: int, approvers: list[s.Approver]) -> None:
    await MeetingApprover.delete().where(MeetingApprover.meeting == meeting_id)
    if approvers:
        await MeetingApprover.insert(*[
            MeetingApprover(meeting=meeting_id, trade_union=a.union_id, person=a.person_id) for a in approvers
        ])


async def _standard_entries(group: dict) -> list[tuple[str, str]]:
    own = await StandardAgendaItem.select().where(StandardAgendaItem.group == group["id"]).order_by(StandardAgendaItem.number)
    return [(r["title"], r["kind"]) for r in own] or rules.standard_agenda(group["safety_committee"])


async def _insert_agenda(meeting_id: int, standard: list[tuple[str, str]], extra: list[s.AgendaItemCreate]) -> None:
    """The standard agenda with the extra items (a matter the meeting is booked for) before its
    closing run of formalities and other questions ("Övriga frågor", "Mötets avslutande")."""
    at = len(standard)
    while at and standard[at - 1][1] in {"formalities", "other"}:
        at -= 1
    at = at or len(standard)
    entries: list[s.AgendaItemCreate] = [s.AgendaItemCreate(title=t, kind=k) for t, k in standard]
    entries[at:at] = extra
    if not entries:
        return
    await AgendaItem.insert(*[
        AgendaItem(meeting=meeting_id, number=number, title=e.title.strip(), kind=e.kind, matter=e.matter_id, text=e.text,
                   employer_position=e.employer_position)
        for number, e in enumerate(entries, 1)
    ])
    if any(e.positions for e in entries):
        ids = {r["number"]: r["id"] for r in await AgendaItem.select(AgendaItem.id, AgendaItem.number).where(
            AgendaItem.meeting == meeting_id)}
        for number, e in enumerate(entries, 1):
            await _write_positions(ids[number], e.positions)


async def _add_members(meeting_id: int, group_id: int) -> None:
    """A group's members take part in its meetings (each can be taken off); a skyddsombud as one."""
    members = await GroupMember.select(
        GroupMember.person, GroupMember.person.side.as_alias("side"), GroupMember.person.trade_union.as_alias("union"),
        GroupMember.person.is_safety_rep.as_alias("safety_rep"),
    ).where((GroupMember.group == group_id) & (GroupMember.person.active == True)).order_by(GroupMember.person.name)  # noqa: E712
    seen: set[int] = set()
    rows = []
    for m in members:
        if m["person"] not in seen:
            seen.add(m["person"])
            rows.append(Participant(meeting=meeting_id, person=m["person"], side=m["side"], trade_union=m["union"],
                                    role="safety_rep" if m["safety_rep"] else "ordinary"))
    if rows:
        await Participant.insert(*rows)


async def update_meeting(viewer: Viewer, id: int, patch: s.MeetingUpdate, confirm: Confirm | None = None) -> s.Meeting:
    """Change a meeting; ``confirm`` as for ``create_meeting``, asked when the time changes."""
    current = await visible_row(viewer, id)
    _check_editable(viewer, current)
    fields = changes(patch)
    _check_version(current["version"], fields.pop("version", None), "Mötet")
    if not fields:  # nothing to change: the meeting as it is, with no new version
        return await get_meeting(viewer, id)
    starts_at = _aware(fields.get("starts_at", current["starts_at"]))
    ends_at = _aware(fields.get("ends_at", current["ends_at"]))
    _check_times(starts_at, ends_at)
    new_status = fields.get("status", current["status"])
    if not rules.can_move(current["status"], new_status):
        raise Invalid(
            f"Ett möte som är {rules.STATUS_LABELS[current['status']].lower()} kan inte bli "
            f"{rules.STATUS_LABELS[new_status].lower()}.", field="status",
        )
    union_ids = sorted(set(fields.pop("union_ids"))) if "union_ids" in fields else (await _union_ids([id]))[id]
    await _check_unions(union_ids)
    approvers = fields.pop("approvers", None)
    if approvers is not None:
        await _check_approvers(approvers, union_ids)
    await _check_people({k: fields[k] for k in ("chair_id", "minute_taker_id") if k in fields})
    if confirm is not None and starts_at != current["starts_at"]:
        found = await planning_warnings(meeting_id=id, group_id=current["group"], department_id=current["department"],
                                        starts_at=starts_at, status=new_status, called_at=current["called_at"])
        if not confirm(found):
            raise Unconfirmed(found)
    update: dict[str, Any] = {}
    for key, value in fields.items():
        column = {"chair_id": "chair", "minute_taker_id": "minute_taker"}.get(key, key)
        update[column] = value.strip() if key in {"title", "place"} else value
    update.update(starts_at=starts_at, ends_at=ends_at, version=current["version"] + 1, updated_at=clock.now())
    if new_status != current["status"] and new_status in {"called", "planned"}:
        update["called_at"] = clock.now() if new_status == "called" else None  # when the kallelse went out
    values = {**current, **update}
    update["search_text"] = folded(values["title"], values["place"])
    async with engine().transaction():
        changed = await Meeting.update(update).where(
            (Meeting.id == id) & (Meeting.version == current["version"]) & (Meeting.protocol_state == "draft")
        ).returning(Meeting.id)
        if not changed:
            _check_draft(await Meeting.select(Meeting.protocol_state).where(Meeting.id == id).first())
            raise Conflict("Mötet ändrades samtidigt av någon annan. Ladda om och gör ändringen igen.", field="version")
        if "union_ids" in changes(patch):
            await _replace_unions(id, union_ids)
            if approvers is None:  # a union that is no longer a party has no justerare either
                await MeetingApprover.delete().where(
                    (MeetingApprover.meeting == id) & MeetingApprover.trade_union.is_not_null()
                    & MeetingApprover.trade_union.not_in(union_ids or [0])
                )
        if approvers is not None:
            await _replace_approvers(id, approvers)
        if new_status == "held" and current["status"] != "held":
            await _record_held(viewer, id, starts_at)
        if {"status", "starts_at"} & fields.keys():
            await deadlines.recompute_cadence(current["group"])  # a skyddskommitté meets within three months
        await audit.record(viewer, "update", "meeting", id, before=current,
                           after=await Meeting.select().where(Meeting.id == id).first())
    await _notice_follow_up(viewer, id)
    return await get_meeting(viewer, id)


async def _notice_follow_up(viewer: Viewer, meeting_id: int) -> None:
    """Once the kallelse is sent: an update, a cancellation or a new participant's request (papers.notices)."""
    from samverkan.papers import notices  # papers build on meetings

    await notices.after_change(viewer, meeting_id)


async def _record_held(viewer: Viewer, meeting_id: int, starts_at: dt.datetime) -> None:
    """A held meeting is a 'meeting held' event on each matter on its agenda (once per matter)."""
    items = await AgendaItem.select(AgendaItem.id, AgendaItem.matter).where(
        (AgendaItem.meeting == meeting_id) & AgendaItem.matter.is_not_null()
    ).order_by(AgendaItem.number)
    local = starts_at.astimezone(clock.STOCKHOLM)
    done: set[int] = set()
    for item in items:
        if item["matter"] in done:
            continue
        done.add(item["matter"])
        await matters.record_from_meeting(
            item["matter"], EventCreate(type="meeting_held", date=local.date(), time=local.time().replace(tzinfo=None)),
            item["id"], viewer.user_id,
        )


def _bump_query(where: Any) -> Any:
    return Meeting.update({Meeting.version: Meeting.version + 1, Meeting.updated_at: clock.now()}).where(where)


async def _bump(meeting_id: int) -> None:
    await _bump_query(Meeting.id == meeting_id)


async def _lock_draft(meeting_id: int, open_only: bool = False) -> None:
    """The first write of every change to a meeting's record, inside its transaction: the
    meeting's version moves on only while the record is a draft (and, with ``open_only``, the
    meeting is not cancelled). The condition is in the UPDATE, which holds the meeting's row
    (PostgreSQL) or the write lock (SQLite) until commit: a submit that committed first makes
    this change 409 and roll back; one that comes later waits, and freezes the record with it."""
    where = (Meeting.id == meeting_id) & (Meeting.protocol_state == "draft")
    if open_only:
        where &= Meeting.status != "cancelled"
    if not await _bump_query(where).returning(Meeting.id):
        now = await Meeting.select(Meeting.protocol_state, Meeting.status).where(Meeting.id == meeting_id).first()
        _check_draft(now)
        _check_open(now)
        raise Conflict("Mötet ändrades samtidigt av någon annan. Ladda om.", field="version")


async def start_review(meeting_id: int) -> bool:
    """Send the record for justering: draft → in review, only if it is still a draft of a held
    meeting. The state check is this UPDATE, run first in the submit's transaction so that the
    record read after it holds every change committed before (see ``_lock_draft``)."""
    return bool(await Meeting.update({Meeting.protocol_state: "in_review", Meeting.updated_at: clock.now()}).where(
        (Meeting.id == meeting_id) & (Meeting.protocol_state == "draft") & (Meeting.status == "held")
    ).returning(Meeting.id))


def _check_open(meeting: dict) -> None:
    if meeting["status"] == "cancelled":
        raise Conflict("Mötet är inställt.", field="status")


# --- participants ------------------------------------------------------------


async def add_participant(viewer: Viewer, meeting_id: int, data: s.ParticipantCreate) -> s.Participant:
    meeting = await visible_row(viewer, meeting_id)
    _check_editable(viewer, meeting)
    person = await Person.select().where(Person.id == data.person_id).first()
    if person is None:
        raise Invalid("Personen finns inte.", field="person_id")
    if await Participant.exists().where((Participant.meeting == meeting_id) & (Participant.person == data.person_id)):
        raise Conflict("Personen är redan med på mötet.", field="person_id")
    async with engine().transaction():
        await _lock_draft(meeting_id)
        row = Participant(
            meeting=meeting_id, person=data.person_id, side=person["side"], trade_union=person["trade_union"],
            role=data.role, present=data.present,
        )
        await write_unique(row.save, Conflict("Personen är redan med på mötet.", field="person_id"))
        added = await Participant.select().where(Participant.id == row.id).first()
        await audit.record(viewer, "create", "participant", row.id, after=added)
    await _notice_follow_up(viewer, meeting_id)
    return _participant(added)


def _participant(p: dict) -> s.Participant:
    return s.Participant(id=p["id"], person_id=p["person"], side=p["side"], union_id=p["trade_union"], role=p["role"], present=p["present"])


async def _participant_row(meeting_id: int, participant_id: int) -> dict:
    row = await Participant.select().where((Participant.id == participant_id) & (Participant.meeting == meeting_id)).first()
    if row is None:
        raise NotFound(f"Deltagaren {participant_id} finns inte på mötet.")
    return row


async def update_participant(viewer: Viewer, meeting_id: int, participant_id: int, data: s.ParticipantUpdate) -> s.Participant:
    meeting = await visible_row(viewer, meeting_id)
    _check_editable(viewer, meeting)
    before = await _participant_row(meeting_id, participant_id)
    if not (changed := changes(data)):  # nothing to change: an UPDATE without SET would be a 500
        return _participant(before)
    async with engine().transaction():
        await _lock_draft(meeting_id)
        await Participant.update(changed).where(Participant.id == participant_id)
        after = await _participant_row(meeting_id, participant_id)
        await audit.record(viewer, "update", "participant", participant_id, before=before, after=after)
    return _participant(after)


async def set_presence(viewer: Viewer, meeting_id: int, present: set[int]) -> None:
    """Presence ticked in one list: the participants in ``present`` were there, the others not."""
    meeting = await visible_row(viewer, meeting_id)
    _check_editable(viewer, meeting)
    async with engine().transaction():
        await _lock_draft(meeting_id)
        for p in await Participant.select().where(Participant.meeting == meeting_id):
            if p["present"] is not (p["id"] in present):
                await Participant.update({Participant.present: p["id"] in present}).where(Participant.id == p["id"])
                await audit.record(viewer, "update", "participant", p["id"], before=p, after={**p, "present": p["id"] in present})


async def remove_participant(viewer: Viewer, meeting_id: int, participant_id: int) -> None:
    meeting = await visible_row(viewer, meeting_id)
    _check_editable(viewer, meeting)
    before = await _participant_row(meeting_id, participant_id)
    async with engine().transaction():
        await _lock_draft(meeting_id)
        await Participant.delete().where(Participant.id == participant_id)
        await audit.record(viewer, "delete", "participant", participant_id, before=before)


# --- agenda ------------------------------------------------------------------


async def _item_row(meeting_id: int, item_id: int) -> dict:
    row = await AgendaItem.select().where((AgendaItem.id == item_id) & (AgendaItem.meeting == meeting_id)).first()
    if row is None:
        raise NotFound(f"Punkten {item_id} finns inte på mötet.")
    return row


async def _check_matter(viewer: Viewer, matter_id: int | None) -> None:
    if matter_id is not None and not await Matter.exists().where(Matter.id == matter_id, *matters.scope(viewer)):
        raise Invalid("Ärendet finns inte.", field="matter_id")


def _check_positions(positions: list[s.Position], union_ids: list[int]) -> None:
    seen: set[int] = set()
    for i, position in enumerate(positions):
        if position.union_id not in union_ids:
            raise Invalid("Fackförbundet är inte part i mötet.", field=f"positions[{i}].union_id")
        if position.union_id in seen:
            raise Invalid("Ett fackförbund har en ståndpunkt per punkt.", field=f"positions[{i}].union_id")
        seen.add(position.union_id)


async def _write_positions(item_id: int, positions: list[s.Position]) -> None:
    for p in positions:
        await AgendaPosition.delete().where((AgendaPosition.item == item_id) & (AgendaPosition.trade_union == p.union_id))
    if positions:
        await AgendaPosition.insert(*[
            AgendaPosition(item=item_id, trade_union=p.union_id, outcome=p.outcome, note=p.note.strip(),
                           reservation=p.reservation.strip(), central_requested=p.central_requested)
            for p in positions
        ])


async def apply_accepted_position(meeting_id: int, item_id: int, position: s.Position) -> None:
    """Write a union's position as the minute-taker accepted it during justering, while the
    record is otherwise frozen; the caller (protocols.service) has checked who may."""
    await _item_row(meeting_id, item_id)
    await _write_positions(item_id, [position])
    await AgendaItem.update({AgendaItem.version: AgendaItem.version + 1}).where(AgendaItem.id == item_id)
    await _bump(meeting_id)


async def set_protocol_state(meeting_id: int, state: str) -> None:
    await Meeting.update({Meeting.protocol_state: state, Meeting.updated_at: clock.now()}).where(Meeting.id == meeting_id)


async def _move(meeting_id: int, item_id: int, number: int) -> None:
    """Put the item at ``number`` and renumber the others § 1…n in their order."""
    ids = [r["id"] for r in await AgendaItem.select(AgendaItem.id).where(AgendaItem.meeting == meeting_id).order_by(AgendaItem.number).order_by(AgendaItem.id)]
    ids.remove(item_id)
    ids.insert(min(number, len(ids) + 1) - 1, item_id)
    for position, other in enumerate(ids, 1):
        await AgendaItem.update({AgendaItem.number: position}).where((AgendaItem.id == other) & (AgendaItem.number != position))


async def add_item(viewer: Viewer, meeting_id: int, data: s.AgendaItemCreate) -> s.AgendaItem:
    meeting = await visible_row(viewer, meeting_id)
    _check_editable(viewer, meeting)
    _check_open(meeting)
    await _check_matter(viewer, data.matter_id)
    _check_positions(data.positions, (await _union_ids([meeting_id]))[meeting_id])
    async with engine().transaction():
        # The meeting's row first (a conditional UPDATE): on PostgreSQL its lock makes two
        # additions to one meeting take turns, so the second counts the first's item.
        await _lock_draft(meeting_id, open_only=True)
        last = await AgendaItem.count().where(AgendaItem.meeting == meeting_id)
        row = AgendaItem(
            meeting=meeting_id, number=last + 1, title=data.title.strip(), kind=data.kind, matter=data.matter_id,
            text=data.text, employer_position=data.employer_position,
        )
        await row.save()
        await _write_positions(row.id, data.positions)
        if data.number is not None:
            await _move(meeting_id, row.id, data.number)
        added = await _item(meeting_id, row.id)
        await audit.record(viewer, "create", "agenda_item", row.id, after=added)
    return added


async def _item(meeting_id: int, item_id: int) -> s.AgendaItem:
    item = next((i for i in await _agenda(meeting_id) if i.id == item_id), None)
    if item is None:
        raise NotFound(f"Punkten {item_id} finns inte på mötet.")
    return item


async def get_item(viewer: Viewer, meeting_id: int, item_id: int) -> s.AgendaItem:
    await visible_row(viewer, meeting_id)
    await _item_row(meeting_id, item_id)
    return next(i for i in await _agenda(meeting_id, viewer) if i.id == item_id)


async def update_item(viewer: Viewer, meeting_id: int, item_id: int, patch: s.AgendaItemUpdate) -> s.AgendaItem:
    meeting = await visible_row(viewer, meeting_id)
    _check_editable(viewer, meeting)
    _check_open(meeting)
    current = await _item_row(meeting_id, item_id)
    before = await _item(meeting_id, item_id)
    fields = changes(patch)
    expected = fields.pop("version", None)
    if expected is not None and expected != current["version"]:
        latest = before
        raise Conflict(
            f"Punkten § {current['number']} har ändrats av någon annan (version {expected} → {current['version']}). "
            f"Den sparade texten är nu: ”{_excerpt(latest)}”. Ladda om och gör din ändring igen.", field="version",
        )
    if not fields:
        return before
    if "matter_id" in fields:
        await _check_matter(viewer, fields["matter_id"])
    positions = fields.pop("positions", None)
    if positions is not None:
        _check_positions(positions, (await _union_ids([meeting_id]))[meeting_id])
    number = fields.pop("number", None)
    update = {("matter" if k == "matter_id" else k): (v.strip() if k == "title" else v) for k, v in fields.items()}
    async with engine().transaction():
        await _lock_draft(meeting_id, open_only=True)
        # The version in the WHERE: of two saves made from the same version, only the first counts.
        result = await AgendaItem.update({**update, AgendaItem.version: AgendaItem.version + 1}).where(
            (AgendaItem.id == item_id) & (AgendaItem.version == current["version"])
        ).returning(AgendaItem.id)
        if not result:
            raise Conflict(f"Punkten § {current['number']} ändrades samtidigt av någon annan. Ladda om.", field="version")
        if positions is not None:
            await _write_positions(item_id, positions)
        if number is not None:
            await _move(meeting_id, item_id, number)
        after = await _item(meeting_id, item_id)
        await audit.record(viewer, "update", "agenda_item", item_id, before=before, after=after)
    return after


def _excerpt(item: s.AgendaItem) -> str:
    text = " ".join((item.title + " " + item.text).split())
    return text if len(text) <= 120 else text[:117] + "…"


async def delete_item(viewer: Viewer, meeting_id: int, item_id: int) -> None:
    meeting = await visible_row(viewer, meeting_id)
    _check_editable(viewer, meeting)
    _check_open(meeting)
    before = await _item(meeting_id, item_id)
    async with engine().transaction():
        await _lock_draft(meeting_id, open_only=True)
        await audit.record(viewer, "delete", "agenda_item", item_id, before=before)
        await matters.retract_meeting_events([item_id], {"negotiation_closed", "central_requested", "meeting_held"},
                                             "Punkten togs bort från mötets dagordning.", viewer.user_id)
        await AgendaItem.delete().where(AgendaItem.id == item_id)
        rest = await AgendaItem.select(AgendaItem.id).where(AgendaItem.meeting == meeting_id).order_by(AgendaItem.number)
        for number, row in enumerate(rest, 1):
            await AgendaItem.update({AgendaItem.number: number}).where(AgendaItem.id == row["id"])


async def close_item(viewer: Viewer, meeting_id: int, item_id: int, data: s.AgendaItemClose) -> s.AgendaItem:
    """Close the negotiation of an item: each party union's outcome becomes a 'negotiation closed'
    event on the linked matter, and a requested central negotiation a 'central requested' event.
    Closing again rewrites those events (the old ones are kept, marked deleted, with the reason)."""
    meeting = await visible_row(viewer, meeting_id)
    _check_editable(viewer, meeting)
    _check_open(meeting)
    item = await _item(meeting_id, item_id)
    if item.matter_id is None:
        raise Invalid("Punkten är inte kopplad till något ärende.", field="matter_id")
    if item.kind not in {"negotiation", "samverkan"}:
        raise Invalid("Bara förhandlings- och samverkanspunkter avslutas.", field="kind")
    matter = await matters.get_matter(viewer, item.matter_id)
    if matter.kind not in matter_rules.EVENT_TYPES["negotiation_closed"].kinds:
        raise Invalid(f"Ärendet är av typen {matter_rules.KINDS[matter.kind].label.lower()}, som inte förhandlas klart.",
                      field="matter_id")
    by_union = {p.union_id: p for p in item.positions}
    # The parties of the matter that sit in this meeting: a continued negotiation may be held
    # with only the unions that were not done at the first meeting.
    meeting_unions = set((await _union_ids([meeting_id]))[meeting_id])
    closing = [u for u in matter.union_ids if u in meeting_unions]
    if not closing:
        raise Invalid("Ingen av ärendets fackliga parter är part i mötet.", field="positions")
    names = {r["id"]: r["name"] for r in await TradeUnion.select(TradeUnion.id, TradeUnion.name).where(TradeUnion.id.is_in(closing))}
    for union_id in closing:
        position = by_union.get(union_id)
        if position is None or position.outcome not in {"agreement", "disagreement"}:
            raise Invalid(f"Ange enighet eller oenighet för {names[union_id]} innan punkten avslutas.", field="positions")
    day = data.date or meeting["starts_at"].astimezone(clock.STOCKHOLM).date()
    async with engine().transaction():
        await _lock_draft(meeting_id, open_only=True)
        await matters.retract_meeting_events([item_id], {"negotiation_closed", "central_requested"},
                                             "Punkten avslutades på nytt.", viewer.user_id)
        for union_id in closing:
            position = by_union[union_id]
            await matters.record_from_meeting(
                item.matter_id, EventCreate(type="negotiation_closed", date=day, union_id=union_id, outcome=position.outcome,
                                            note=f"Möte {meeting['title']}, § {item.number}"), item_id, viewer.user_id,
            )
            if position.central_requested:
                await matters.record_from_meeting(
                    item.matter_id, EventCreate(type="central_requested", date=day, union_id=union_id,
                                                note=f"Begärd vid möte {meeting['title']}, § {item.number}"), item_id, viewer.user_id,
                )
        await AgendaItem.update({AgendaItem.closed_on: day, AgendaItem.version: AgendaItem.version + 1}).where(AgendaItem.id == item_id)
        after = await _item(meeting_id, item_id)
        await audit.record(viewer, "close", "agenda_item", item_id, before=item, after=after)
    return after


# --- standard agendas --------------------------------------------------------


async def get_standard_agenda(group_id: int) -> s.StandardAgenda:
    group = await CollaborationGroup.select().where(CollaborationGroup.id == group_id).first()
    if group is None:
        raise NotFound(f"Samverkansgruppen {group_id} finns inte.")
    return s.StandardAgenda(items=[s.StandardAgendaEntry(title=t, kind=k) for t, k in await _standard_entries(group)])


async def set_standard_agenda(viewer: Viewer, group_id: int, data: s.StandardAgenda) -> s.StandardAgenda:
    await get_standard_agenda(group_id)
    async with engine().transaction():
        before = await get_standard_agenda(group_id)
        await StandardAgendaItem.delete().where(StandardAgendaItem.group == group_id)
        if data.items:
            await StandardAgendaItem.insert(*[
                StandardAgendaItem(group=group_id, number=n, title=e.title.strip(), kind=e.kind) for n, e in enumerate(data.items, 1)
            ])
        await audit.record(viewer, "update", "standard_agenda", group_id, before=before, after=data)
    return await get_standard_agenda(group_id)

