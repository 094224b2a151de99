"""Deadlines: the calculator; the deadlines a matter's events start (kept in step with the events
on every change); those of SAM items and of safety-committee meetings (kept in step by their
owners through keep_subject_deadlines); listed with the matter's or the department's scoping.
No HTTP here."""

from __future__ import annotations

import msgspec
from piccolo.columns.combination import WhereRaw

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from samverkan.accounts import rights
from samverkan import clock
from samverkan.accounts.service import Viewer
from samverkan.audit import service as audit
from samverkan.database import Ids, Param, Prepared, Read, engine, flattened, ids_param
from samverkan.deadlines import catalogue, rulesets, subjects
from samverkan.deadlines.calendar import Due
from samverkan.deadlines import schemas as s
from samverkan.deadlines.derive import EventFact, derive, state_of
from samverkan.deadlines.tables import Deadline, RuleOverride, RuleSet
from samverkan.errors import Conflict, Forbidden, Invalid, NotFound
from samverkan.matters.tables import Matter
from samverkan.orgs.tables import Department
from samverkan.reminders.planning import first_look
from samverkan.pagination import Page, PageRequest, Party, PartyOr, fetch_window, given

BUILT_IN = "mbl"
STATES = ("open", "met", "missed", "waived", "superseded")
LOCAL_RULES = [r.id for r in catalogue.RULES if r.local]


def calculate(rule_id: str, start: dt.date) -> s.Calculation:
    rule = catalogue.BY_ID.get(rule_id)
    if rule is None:
        raise NotFound(f"Det finns ingen fristregel {rule_id!r}.", field="rule")
    due = rule.due(start)
    return s.Calculation(rule=rule.id, from_=start, unadjusted_due=due.unadjusted, due=due.due, reason=due.reason)


# --- rule sets -------------------------------------------------------------------


async def _versions_of(sets: list[dict]) -> list[rulesets.Version]:
    overrides: dict[int, dict[str, rulesets.Override]] = {}
    for o in await RuleOverride.select():
        overrides.setdefault(o["rule_set"], {})[o["rule_id"]] = rulesets.Override(o["length"], o["unit"], o["adjust"])
    return [rulesets.Version(r["id"], r["department"], r["effective_from"], overrides.get(r["id"], {})) for r in sets]


async def load_versions() -> list[rulesets.Version]:
    return await _versions_of(await RuleSet.select(RuleSet.id, RuleSet.department, RuleSet.effective_from))


# Read for every meeting page and deadline computation: built once.
_OVERRIDES = Prepared(lambda: RuleOverride.select(
    RuleOverride.rule_set.id.as_alias("set_id"), RuleOverride.rule_set.department.as_alias("set_department"),
    RuleOverride.rule_set.effective_from.as_alias("set_from"), RuleOverride.rule_id, RuleOverride.length,
    RuleOverride.unit, RuleOverride.adjust,
).where(ids_param(RuleOverride.rule_id, "rule_ids", "varchar")))


def rules_in_force_read(rule_ids: list[str]) -> Read:
    """The statement rules_in_force runs (for database.read_ahead)."""
    return _OVERRIDES.read(rule_ids=Ids(rule_ids))


async def rules_in_force(rule_ids: list[str], department_id: int | None, on: dt.date) -> dict[str, catalogue.Rule]:
    """The catalogue rules as the rule sets in force for a department on a day say (one query)."""
    rows = await rules_in_force_read(rule_ids).rows()
    versions: dict[int, rulesets.Version] = {}
    for r in rows:
        version = versions.setdefault(r["set_id"], rulesets.Version(r["set_id"], r["set_department"], r["set_from"], {}))
        version.overrides[r["rule_id"]] = rulesets.Override(r["length"], r["unit"], r["adjust"])
    return {rule_id: rulesets.resolve(catalogue.BY_ID[rule_id], list(versions.values()), department_id, on)[0]
            for rule_id in rule_ids}


async def rule_sets() -> list[s.RuleSet]:
    """The built-in catalogue (read-only), then every local version, newest first per scope."""
    out = [s.RuleSet(
        id=BUILT_IN, name="MBL (1976:580) och samverkansavtalets standardregler", department_id=None,
        effective_from=dt.date(1977, 1, 1), read_only=True, rules=[s.rule_out(r) for r in catalogue.RULES],
    )]
    rows = await RuleSet.select().order_by(RuleSet.department, RuleSet.effective_from, RuleSet.id, ascending=False)
    versions = {v.id: v for v in await _versions_of(rows)}
    for r in rows:
        rules = [s.rule_out(rulesets.applied(catalogue.BY_ID[rule_id], o)) for rule_id, o in versions[r["id"]].overrides.items()
                 if rule_id in catalogue.BY_ID]
        out.append(s.RuleSet(id=str(r["id"]), name=r["name"], department_id=r["department"], effective_from=r["effective_from"],
                             read_only=False, rules=rules, note=r["note"] or None))
    return out


async def _checked(data: s.RuleSetCreate) -> tuple[rulesets.Version, list[rulesets.Version]]:
    if not data.name.strip():
        raise Invalid("Ge regeluppsättningen ett namn.", field="name")
    if data.department_id is not None and not await Department.exists().where(
        Department.id == data.department_id, Department.active == True  # noqa: E712
    ):
        raise Invalid("Förvaltningen finns inte.", field="department_id")
    if not data.rules:
        raise Invalid("Ange minst en regel som versionen ändrar.", field="rules")
    overrides: dict[str, rulesets.Override] = {}
    for i, item in enumerate(data.rules):
        override = rulesets.Override(item.length, item.unit, item.adjust_to_working_day)
        if item.rule in overrides:
            raise Invalid("Regeln finns två gånger.", field=f"rules[{i}].rule")
        problem = rulesets.override_error(catalogue.BY_ID.get(item.rule), override)
        if problem:
            raise Invalid(problem[1], field=f"rules[{i}].{problem[0]}")
        overrides[item.rule] = override
    versions = await load_versions()
    problem = rulesets.effective_date_error(versions, data.department_id, data.effective_from)
    if problem:
        raise Invalid(problem, field="effective_from")
    new = rulesets.Version(0, data.department_id, data.effective_from, overrides)  # its id: see _moves
    return new, versions


async def _moves(new: rulesets.Version, versions: list[rulesets.Version]) -> list[dict]:
    """Open deadlines of the rules the new version changes, in its scope, whose due day it changes,
    with why. A due day set by hand (fixed) or a waived deadline is never moved."""
    # The new version counts as the latest of its day: an id above every existing one.
    with_new = versions + [dataclasses.replace(new, id=max((v.id for v in versions), default=0) + 1)]
    where = [Deadline.state == "open", Deadline.rule_id.is_in(list(new.overrides) or ["-"]), Deadline.fixed == False,  # noqa: E712
             Deadline.start >= new.effective_from]
    if new.department_id is not None:
        where.append(Deadline.department == new.department_id)
    rows = await Deadline.select(*_MOVE_COLUMNS, Deadline.matter.diary_no.as_alias("diary_no")).where(*where).order_by(Deadline.due)
    moves = []
    for row in rows:
        base = catalogue.BY_ID[row["rule_id"]]
        rule, _ = rulesets.resolve(base, with_new, row["department"], row["start"])
        due = rule.due(row["start"])
        if due.due != row["due"]:
            before, _ = rulesets.resolve(base, versions, row["department"], row["start"])
            why = f"«{base.title}» ändras från {rulesets.described(before)} till {rulesets.described(rule)}, räknat från {row['start'].isoformat()}."
            moves.append({**row, "old_due": row["due"], "due": due.due, "unadjusted_due": due.unadjusted, "reason": due.reason or "",
                          "why": why})
    return moves


def _move_out(m: dict) -> s.Move:
    return s.Move(deadline_id=m["id"], matter_id=m["matter"], diary_no=m["diary_no"] or m["label"], rule=m["rule_id"],
                  title=catalogue.BY_ID[m["rule_id"]].title, old_due=m["old_due"], new_due=m["due"], why=m["why"],
                  link=subjects.link(m["subject"], m["subject_id"], m["matter"]))


async def preview_rule_set(viewer: Viewer, data: s.RuleSetCreate) -> list[s.Move]:
    _admin_only(viewer)
    new, versions = await _checked(data)
    return [_move_out(m) for m in await _moves(new, versions)]


async def create_rule_set(viewer: Viewer, data: s.RuleSetCreate) -> s.RuleSetCreated:
    """A new version of a scope's rule set; the open deadlines it changes move at once and the
    responsible people are told (in the app and by e-mail, through the outbox)."""
    from samverkan.reminders.service import notify_moved
    from samverkan.settings import get_settings

    _admin_only(viewer)
    async with engine().transaction():
        new, versions = await _checked(data)
        row = (await RuleSet.insert(RuleSet(
            name=data.name.strip(), department=data.department_id, effective_from=data.effective_from, note=data.note.strip(),
            created_by=viewer.user_id,
        )).returning(RuleSet.id))[0]
        await RuleOverride.insert(*[
            RuleOverride(rule_set=row["id"], rule_id=rule_id, length=o.length, unit=o.unit, adjust=o.adjust)
            for rule_id, o in new.overrides.items()
        ])
        moves = await _moves(new, versions)
        today = clock.today()
        for m in moves:
            await Deadline.update({
                Deadline.due: m["due"], Deadline.unadjusted_due: m["unadjusted_due"], Deadline.reason: m["reason"],
                Deadline.rule_set: row["id"], Deadline.next_reminder_on: first_look(m["due"], today), Deadline.updated_at: clock.now(),
            }).where(Deadline.id == m["id"])
        notified = await notify_moved(get_settings(), row["id"], data.name.strip(), moves) if moves else 0
        await audit.record(viewer, "create", "rule_set", row["id"], after={
            **msgspec.to_builtins(data), "moved": [{"deadline": m["id"], "from": m["old_due"], "to": m["due"]} for m in moves]})
    created = next(r for r in await rule_sets() if r.id == str(row["id"]))
    return s.RuleSetCreated(rule_set=created, moved=[_move_out(m) for m in moves], notified=notified)


def _admin_only(viewer: Viewer) -> None:
    if not rights.is_admin(viewer):
        raise Forbidden("Bara en administratör kan ändra regeluppsättningar.")


_MOVE_COLUMNS = (Deadline.id, Deadline.matter, Deadline.rule_id, Deadline.trade_union, Deadline.start, Deadline.due,
                 Deadline.responsible, Deadline.department, Deadline.subject, Deadline.subject_id, Deadline.label)


# --- keeping a matter's deadlines in step with its events --------------------


async def recompute(matter_id: int, kind: str, department_id: int, event_rows: list[dict], claimant: str | None = None) -> None:
    """Insert what the events now start, update what moved, supersede what no event starts any
    more. Waived deadlines stay waived. Called inside the transaction that changed the events,
    with the matter's current event rows in date order."""
    events = [EventFact(r["id"], r["type"], r["date"], r["trade_union"], r["outcome"]) for r in event_rows]
    existing = {(d["rule_id"], d["trigger_event"], d["trade_union"]): d
                for d in await Deadline.select().where(Deadline.matter == matter_id)}
    derived = derive(kind, events, claimant)
    versions = await load_versions() if any(item.rule.local for item in derived) else []
    today = clock.today()
    wanted = set()
    for item in derived:
        key = (item.rule.id, item.trigger_event_id, item.union_id)
        wanted.add(key)
        rule, rule_set_id = rulesets.resolve(item.rule, versions, department_id, item.start)
        if rule.optional and rule_set_id is None:
            wanted.discard(key)  # an agreement's limit only where a rule set says so
            continue
        due = rule.due(item.start)
        values = {
            "start": item.start, "unadjusted_due": due.unadjusted, "due": due.due, "reason": due.reason or "",
            "responsible": item.responsible, "met_on": item.met_on, "rule_set": rule_set_id, "updated_at": clock.now(),
        }
        current = existing.get(key)
        if current is None or current["due"] != due.due:
            values["next_reminder_on"] = first_look(due.due, today)  # a new due day earns its reminders afresh
        if current is None:
            await Deadline.insert(Deadline(
                matter=matter_id, rule_id=item.rule.id, trigger_event=item.trigger_event_id, trade_union=item.union_id,
                department=department_id, state=state_of(item.met_on, due.due), **values,
            ))
        elif current["state"] != "waived":
            await Deadline.update({**values, "state": state_of(item.met_on, due.due), "department": department_id}).where(
                Deadline.id == current["id"])
    for key, row in existing.items():
        if key not in wanted and row["state"] in ("open", "met", "missed"):
            await Deadline.update({Deadline.state: "superseded", Deadline.updated_at: clock.now()}).where(Deadline.id == row["id"])


# --- deadlines of SAM items and meetings ------------------------------------------


@dataclass(frozen=True)
class SubjectDeadline:
    """A deadline as the SAM item or meeting it is about wants it."""

    rule_id: str
    subject_id: int
    department_id: int | None
    start: dt.date
    label: str
    met_on: dt.date | None = None
    due: dt.date | None = None  # set by the subject (a "given" rule), else counted by the rule


async def keep_subject_deadlines(subject: str, subject_ids: list[int], wanted: list[SubjectDeadline]) -> None:
    """Make the stored deadlines of these subjects what `wanted` says: insert, update what moved,
    supersede what is no longer wanted. Waived ones stay waived. Inside the caller's transaction."""
    existing = {(d["rule_id"], d["subject_id"]): d for d in await Deadline.select().where(
        Deadline.matter.is_null(), Deadline.subject == subject, Deadline.subject_id.is_in(subject_ids or [-1]))}
    versions = await load_versions() if any(catalogue.BY_ID[w.rule_id].local for w in wanted) else []
    today = clock.today()
    keys = set()
    for w in wanted:
        keys.add((w.rule_id, w.subject_id))
        rule, rule_set_id = rulesets.resolve(catalogue.BY_ID[w.rule_id], versions, w.department_id, w.start)
        due = Due(w.due, w.due, None) if w.due else rule.due(w.start)
        values = {
            "start": w.start, "unadjusted_due": due.unadjusted, "due": due.due, "reason": due.reason or "", "label": w.label,
            "fixed": w.due is not None,
            "department": w.department_id, "met_on": w.met_on, "rule_set": rule_set_id, "updated_at": clock.now(),
        }
        current = existing.get((w.rule_id, w.subject_id))
        if current is None or current["due"] != due.due:
            values["next_reminder_on"] = first_look(due.due, today)
        if current is None:
            await Deadline.insert(Deadline(rule_id=w.rule_id, subject=subject, subject_id=w.subject_id, responsible="employer",
                                           state=state_of(w.met_on, due.due), **values))
        elif current["state"] != "waived":
            await Deadline.update({**values, "state": state_of(w.met_on, due.due)}).where(Deadline.id == current["id"])
    for key, row in existing.items():
        if key not in keys and row["state"] in ("open", "met", "missed"):
            await Deadline.update({Deadline.state: "superseded", Deadline.updated_at: clock.now()}).where(Deadline.id == row["id"])


async def recompute_cadence(group_id: int | None) -> None:
    """AMF 8 a §: a group that is also the skyddskommitté meets again within three months of each
    held meeting; the next held meeting meets that deadline. Inside the caller's transaction."""
    from samverkan.meetings.tables import Meeting
    from samverkan.orgs.tables import CollaborationGroup

    if group_id is None:
        return
    group = await CollaborationGroup.select().where(CollaborationGroup.id == group_id).first()
    meetings = await Meeting.select(Meeting.id, Meeting.status, Meeting.starts_at).where(Meeting.group == group_id).order_by(
        Meeting.starts_at)
    held = [(m["id"], m["starts_at"].astimezone(clock.STOCKHOLM).date()) for m in meetings if m["status"] == "held"]
    wanted = []
    if group and group["safety_committee"] and group["active"]:
        for i, (meeting_id, day) in enumerate(held):
            wanted.append(SubjectDeadline(
                "AMF8a-SK-MEET", meeting_id, group["department"], day, f"{group['name']}: nästa möte",
                met_on=held[i + 1][1] if i + 1 < len(held) else None))
    await keep_subject_deadlines("meeting", [m["id"] for m in meetings], wanted)


# --- reading -------------------------------------------------------------------


# The columns _out shows: a list converts no other (a date or a moment costs a conversion each).
_SHOWN = ", ".join(f'"deadline"."{c}" AS "{c}"' for c in (
    "id", "rule_id", "state", "due", "matter", "trade_union", "subject", "subject_id", "department", "label", "start",
    "unadjusted_due", "reason", "responsible", "met_on", "waived_reason", "rule_set"))


def _out(row: Mapping[str, Any], today: dt.date) -> s.Deadline:
    # A rule no longer in the catalogue (renamed or removed by an upgrade) is shown as such:
    # the deadline and its date still matter, and one such row must not break every list.
    rule = catalogue.BY_ID.get(row["rule_id"])
    state = "missed" if row["state"] == "open" and row["due"] < today else row["state"]
    return s.Deadline(
        id=row["id"], rule=row["rule_id"], title=rule.title if rule else f"Okänd regel ({row['rule_id']})",
        basis=rule.basis if rule else "", matter_id=row["matter"], union_id=row["trade_union"],
        subject=row["subject"], subject_id=row["subject_id"], department_id=row["department"], label=row["label"] or None,
        link=subjects.link(row["subject"], row["subject_id"], row["matter"]),
        start=row["start"], unadjusted_due=row["unadjusted_due"], due=row["due"], reason=row["reason"] or None, state=state,
        responsible=row["responsible"], met_on=row["met_on"], waived_reason=row["waived_reason"] or None,
        rule_set_id=row["rule_set"],
    )


# The visibility condition per kind of reader, compiled: it depends only on the reader's role,
# department, union and SAM departments (every row it tests is in the SQL), and for a union's
# reader its subqueries (their meetings, matters and actions) cost more to build than to run.
_VISIBLE: dict[tuple, WhereRaw] = {}
_VISIBLE_KEPT = 1000


async def _visible(viewer: Viewer) -> Any:
    """A matter's deadlines as the matter is visible; the others as the department's SAM is."""
    return (await _visible_keyed(viewer))[1]


async def _visible_keyed(viewer: Viewer) -> tuple[tuple, Any]:
    """The visibility condition (None: everything) and the key it is kept by."""
    from samverkan.matters.service import scope
    from samverkan.orgs.service import sam_departments

    conditions = scope(viewer)
    if not conditions:
        return (), None
    departments = await sam_departments(viewer)
    key = (viewer.role, viewer.department_id, viewer.union_id, None if departments is None else tuple(departments))
    visible = _VISIBLE.get(key)
    if visible is None:
        if len(_VISIBLE) >= _VISIBLE_KEPT:
            _VISIBLE.clear()
        visible = _visibility(viewer, conditions, departments)
        visible = _VISIBLE[key] = PartyOr(visible.party, flattened(visible.other)) if isinstance(visible, PartyOr) \
            else flattened(visible)
    return key, visible


def _visibility(viewer: Viewer, conditions: list[Any], departments: list[int] | None) -> Any:
    from samverkan.actions.service import scope as action_scope
    from samverkan.actions.tables import AgendaAction

    if rights.is_union(viewer):  # the union's own matters: its links, not every matter
        matters = Party("matter_party", "matter", '"deadline"."matter"', viewer.union_id, per_row=True)
    else:
        matters = Deadline.matter.is_in(Matter.select(Matter.id).where(*conditions))
    if departments is None:
        return matters | Deadline.matter.is_null()
    # An action from a meeting is seen by those who see the meeting and its item (actions.service.scope).
    # matter IS NULL, as every subject's deadline has: the partial index of subjects then serves.
    # EXISTS, not IN: SQLite would list every action the reader sees before the first row.
    seen = AgendaAction.select(AgendaAction.id).where(WhereRaw('"agenda_action"."id" = "deadline"."subject_id"'),
                                                      *action_scope(viewer))
    actions = Deadline.matter.is_null() & (Deadline.subject == "agenda_action") & WhereRaw("EXISTS ({})", seen.querystrings[0])
    others = actions if not departments else actions | (
        Deadline.matter.is_null() & (Deadline.subject != "agenda_action") & Deadline.department.is_in(departments))
    return PartyOr(matters, others) if isinstance(matters, Party) else matters | others


def _state(state: str | None, today: Any) -> Any:
    """The condition of a state as the lists show it; ``today`` a date or a Param."""
    if state == "missed":  # open past its due day, or done too late
        return ((Deadline.state == "open") & (Deadline.due < today)) | (Deadline.state == "missed")
    if state == "open":
        return (Deadline.state == "open") & (Deadline.due >= today)
    return (Deadline.state == state) if state else None


# The list's filters: each condition takes the filter's value as a Param of its name.
_FILTERS: dict[str, Callable[[], Any]] = {
    "due_before": lambda: Deadline.due < Param("due_before"),
    "due_after": lambda: Deadline.due > Param("due_after"),
    "department_id": lambda: Deadline.department == Param("department_id"),
    "union_id": lambda: Deadline.trade_union == Param("union_id"),
    "matter_id": lambda: Deadline.matter == Param("matter_id"),
    "responsible": lambda: Deadline.responsible == Param("responsible"),
    "responsible_in": lambda: ids_param(Deadline.responsible, "responsible_in", "text"),
}


def responsible_in(viewer: Viewer, choice: str) -> list[str] | None:
    """The responsible parties a filter of /frister stands for: "vara" (ours) is the reader's side
    and the claims (64/65 §§ MBL) it may make as the claimant; "alla" is no filter."""
    own = "union" if rights.is_union(viewer) else "employer"
    return {"vara": [own, "claimant"], "arbetsgivaren": ["employer"], "organisationen": ["union"]}.get(choice)


async def list_deadlines(
    viewer: Viewer, *, state: str | None = None, due_before: dt.date | None = None, due_after: dt.date | None = None,
    department_id: int | None = None, union_id: int | None = None, matter_id: int | None = None,
    responsible: str | None = None, responsible_in: list[str] | None = None, page: PageRequest = PageRequest(),
) -> Page[s.Deadline]:
    today = clock.today()
    visibility, visible = await _visible_keyed(viewer)
    filters = given(due_before=due_before, due_after=due_after, department_id=department_id, union_id=union_id,
                    matter_id=matter_id, responsible=responsible, responsible_in=Ids(responsible_in) if responsible_in else None)
    rows, window = await fetch_window(
        Deadline, lambda: [visible, _state(state, Param("today")), *(_FILTERS[name]() for name in filters)], Deadline.due, page,
        select=_SHOWN, shape=("deadlines", visibility, state, *filters), values={"today": today, **filters})
    window.items = [_out(r, today) for r in rows]
    return window


async def subject_deadlines(subject: str, subject_ids: Any, due_after: dt.date) -> list[s.Deadline]:
    """The open or missed deadlines of these subjects (ids or a subquery) due after a day: a
    person's own, whatever their role lets them list (the actions they are responsible for)."""
    rows = await Deadline.select().where(
        Deadline.matter.is_null(), Deadline.subject == subject, Deadline.subject_id.is_in(subject_ids),
        Deadline.state == "open", Deadline.due > due_after).order_by(Deadline.due)
    today = clock.today()
    return [_out(r, today) for r in rows]


async def matter_deadlines(viewer: Viewer, matter_id: int) -> list[s.Deadline]:
    from samverkan.matters.service import get_matter

    await get_matter(viewer, matter_id)  # 404 unless visible
    rows = await Deadline.select().where(Deadline.matter == matter_id).order_by(Deadline.due).order_by(Deadline.id)
    today = clock.today()
    return [_out(r, today) for r in rows]


NOT_OPEN = "Bara en öppen frist kan efterges."


async def waive(viewer: Viewer, deadline_id: int, reason: str) -> s.Deadline:
    if not rights.sees_all(viewer):
        raise Forbidden("Bara HR kan efterge en frist.")
    where = [Deadline.id == deadline_id, await _visible(viewer)]
    row = await Deadline.select().where(*[w for w in where if w is not None]).first()
    if row is None:
        raise NotFound(f"Fristen {deadline_id} finns inte.")
    if row["state"] != "open":
        raise Conflict(NOT_OPEN, field="state")
    async with engine().transaction():
        # Only from open, checked in the write: of two waivers (or a waiver and the event that
        # meets the deadline) the later one finds it no longer open.
        waived = await Deadline.update({
            Deadline.state: "waived", Deadline.waived_reason: reason.strip(), Deadline.waived_by: viewer.user_id,
            Deadline.updated_at: clock.now(),
        }).where((Deadline.id == deadline_id) & (Deadline.state == "open")).returning(Deadline.id)
        if not waived:
            raise Conflict(NOT_OPEN, field="state")
        after = await Deadline.select().where(Deadline.id == deadline_id).first()
        await audit.record(viewer, "waive", "deadline", deadline_id, before=row, after=after)
    return _out(after, clock.today())
