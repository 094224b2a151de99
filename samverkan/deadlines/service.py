"""Deadlines: the calculator, and the deadlines a matter's events start (kept in step with the
events on every change), listed with the matter's scoping. No HTTP here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from samverkan import clock
from samverkan.accounts.service import Viewer
from samverkan.deadlines import catalogue
from samverkan.deadlines import schemas as s
from samverkan.deadlines.derive import EventFact, derive
from samverkan.deadlines.tables import Deadline
from samverkan.errors import Conflict, Forbidden, NotFound
from samverkan.matters.tables import Matter
from samverkan.pagination import Page, PageRequest, fetch_page

BUILT_IN = "mbl"
STATES = ("open", "met", "missed", "waived", "superseded")


def calculate(rule_id: str, start: dt.date) -> s.Calculation:
    rule = catalogue.BY_ID.get(rule_id)
    if rule is None:
        raise NotFound(f"Det finns ingen fristregel {rule_id!r}.", field="rule")
    due = rule.due(start)
    return s.Calculation(rule=rule.id, from_=start, unadjusted_due=due.unadjusted, due=due.due, reason=due.reason)


def rule_sets() -> list[s.RuleSet]:
    """The built-in catalogue as one read-only set. (Versioned local sets come with the rule-set editor.)"""
    return [s.RuleSet(
        id=BUILT_IN, name="MBL (1976:580) och samverkansavtalets standardregler", effective_from=dt.date(1977, 1, 1),
        read_only=True, rules=[s.rule_out(r) for r in catalogue.RULES],
    )]


# --- keeping a matter's deadlines in step with its events --------------------


async def recompute(matter_id: int, kind: str, event_rows: list[dict]) -> None:
    """Insert what the events now start, update what moved, supersede what no event starts any
    more. Waived deadlines stay waived. Called inside the transaction that changed the events,
    with the matter's current event rows in date order."""
    events = [EventFact(r["id"], r["type"], r["date"], r["trade_union"], r["outcome"]) for r in event_rows]
    existing = {(d["rule_id"], d["trigger_event"], d["trade_union"]): d
                for d in await Deadline.select().where(Deadline.matter == matter_id)}
    wanted = set()
    for item in derive(kind, events):
        key = (item.rule.id, item.trigger_event_id, item.union_id)
        wanted.add(key)
        due = item.rule.due(item.start)
        values = {
            "start": item.start, "unadjusted_due": due.unadjusted, "due": due.due, "reason": due.reason or "",
            "responsible": item.responsible, "met_on": item.met_on, "updated_at": clock.now(),
        }
        current = existing.get(key)
        if current is None:
            await Deadline.insert(Deadline(
                matter=matter_id, rule_id=item.rule.id, trigger_event=item.trigger_event_id, trade_union=item.union_id,
                state="met" if item.met_on else "open", **values,
            ))
        elif current["state"] != "waived":
            await Deadline.update({**values, "state": "met" if item.met_on else "open"}).where(Deadline.id == current["id"])
    for key, row in existing.items():
        if key not in wanted and row["state"] in ("open", "met"):
            await Deadline.update({Deadline.state: "superseded", Deadline.updated_at: clock.now()}).where(Deadline.id == row["id"])


# --- reading -------------------------------------------------------------------


def _out(row: dict, today: dt.date) -> s.Deadline:
    rule = catalogue.BY_ID[row["rule_id"]]
    state = "missed" if row["state"] == "open" and row["due"] < today else row["state"]
    return s.Deadline(
        id=row["id"], rule=rule.id, title=rule.title, basis=rule.basis, matter_id=row["matter"], union_id=row["trade_union"],
        start=row["start"], unadjusted_due=row["unadjusted_due"], due=row["due"], reason=row["reason"] or None, state=state,
        responsible=row["responsible"], met_on=row["met_on"], waived_reason=row["waived_reason"] or None,
    )


def _visible(viewer: Viewer) -> Any:
    from samverkan.matters.service import scope

    conditions = scope(viewer)
    return Deadline.matter.is_in(Matter.select(Matter.id).where(*conditions)) if conditions else None


def _state(state: str | None, today: dt.date) -> Any:
    if state == "missed":
        return (Deadline.state == "open") & (Deadline.due < today)
    if state == "open":
        return (Deadline.state == "open") & (Deadline.due >= today)
    return (Deadline.state == state) if state else None


async def list_deadlines(
    viewer: Viewer, *, state: str | None = None, due_before: dt.date | None = None, due_after: dt.date | None = None,
    department_id: int | None = None, union_id: int | None = None, matter_id: int | None = None,
    responsible: str | None = None, page: PageRequest = PageRequest(),
) -> Page[s.Deadline]:
    today = clock.today()
    where = [
        _visible(viewer), _state(state, today),
        (Deadline.due < due_before) if due_before else None,
        (Deadline.due > due_after) if due_after else None,
        Deadline.matter.is_in(Matter.select(Matter.id).where(Matter.department == department_id)) if department_id else None,
        (Deadline.trade_union == union_id) if union_id else None,
        (Deadline.matter == matter_id) if matter_id else None,
        (Deadline.responsible == responsible) if responsible else None,
    ]
    rows, total = await fetch_page(Deadline, where, Deadline.due, page)
    return Page(items=[_out(r, today) for r in rows], total=total)


async def matter_deadlines(viewer: Viewer, matter_id: int) -> list[s.Deadline]:
    from samverkan.matters.service import get_matter

    await get_matter(viewer, matter_id)  # 404 unless visible
    rows = await Deadline.select().where(Deadline.matter == matter_id).order_by(Deadline.due).order_by(Deadline.id)
    today = clock.today()
    return [_out(r, today) for r in rows]


async def waive(viewer: Viewer, deadline_id: int, reason: str) -> s.Deadline:
    if viewer.role not in ("admin", "hr"):
        raise Forbidden("Bara HR kan efterge en frist.")
    where = [Deadline.id == deadline_id, _visible(viewer)]
    row = await Deadline.select().where(*[w for w in where if w is not None]).first()
    if row is None:
        raise NotFound(f"Fristen {deadline_id} finns inte.")
    if row["state"] != "open":
        raise Conflict("Bara en öppen frist kan efterges.", field="state")
    await Deadline.update({
        Deadline.state: "waived", Deadline.waived_reason: reason.strip(), Deadline.waived_by: viewer.user_id,
        Deadline.updated_at: clock.now(),
    }).where(Deadline.id == deadline_id)
    return _out(await Deadline.select().where(Deadline.id == deadline_id).first(), clock.today())
