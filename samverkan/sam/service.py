"""SAM: risk assessments, the action plan, annual follow-ups and skyddsombud requests, each kept
in step with its deadlines; who may read, change and comment. No HTTP here.

Who: HR and admin everything; a department user their own department; a union user who is a
skyddsombud reads and comments on the departments they cover (orgs.service.sam_departments)
and may register their own 6:6a requests there.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import msgspec

from samverkan.accounts import rights
from samverkan import clock
from samverkan.accounts.service import Viewer
from samverkan.audit import service as audit
from samverkan.database import engine, write_unique
from samverkan.deadlines import catalogue
from samverkan.deadlines.service import SubjectDeadline, keep_subject_deadlines
from samverkan.deadlines.tables import Deadline
from samverkan.errors import Conflict, Forbidden, Invalid, NotFound
from samverkan.matters.tables import Matter
from samverkan.meetings.tables import Meeting
from samverkan.orgs.schemas import changes
from samverkan.orgs.service import sam_departments
from samverkan.orgs.tables import Department, Person, TradeUnion
from samverkan.pagination import Page, PageRequest, fetch_page
from samverkan.sam import rules
from samverkan.sam import schemas as s
from samverkan.sam.tables import Action, AnnualFollowUp, Risk, RiskAssessment, SafetyRepRequest, SamComment
from samverkan.settings import Settings

# --- who may do what --------------------------------------------------------------


async def readable(viewer: Viewer) -> list[int] | None:
    """The departments whose SAM the viewer reads; None: all."""
    return await sam_departments(viewer)


def _in_scope(column: Any, departments: list[int] | None) -> Any:
    return None if departments is None else column.is_in(departments or [-1])


async def _check_read(viewer: Viewer, department_id: int, what: str) -> None:
    departments = await readable(viewer)
    if departments is not None and department_id not in departments:
        raise NotFound(f"{what} finns inte.")


def may_change(viewer: Viewer, department_id: int) -> bool:
    return rights.may_change_department(viewer, department_id)


def check_may_change(viewer: Viewer, department_id: int) -> None:
    if may_change(viewer, department_id):
        return
    if rights.is_union(viewer):
        raise Forbidden("Skyddsombud läser och kommenterar arbetsmiljöarbetet men ändrar det inte.")
    raise Forbidden("Du får inte ändra arbetsmiljöarbetet för den här förvaltningen.")


async def department_name(department_id: int) -> str:
    row = await Department.select(Department.name).where(Department.id == department_id).first()
    return row["name"] if row else ""


async def _check_department(department_id: int) -> None:
    if not await Department.exists().where(Department.id == department_id, Department.active == True):  # noqa: E712
        raise Invalid("Förvaltningen finns inte.", field="department_id")


async def _readable_row(table: Any, id: int, viewer: Viewer) -> dict | None:
    """The record if the viewer reads its department's SAM."""
    row = await table.select().where(table.id == id).first()
    if row is None:
        return None
    departments = await readable(viewer)
    return row if departments is None or row["department"] in departments else None


async def _row(table: Any, id: int, viewer: Viewer, what: str) -> dict:
    row = await _readable_row(table, id, viewer)
    if row is None:
        raise NotFound(f"{what} finns inte.")
    return row


# --- risk assessments -------------------------------------------------------------


def _participants(raw: str) -> list[s.SamParticipant]:
    return msgspec.convert(json.loads(raw), list[s.SamParticipant])


async def _assessments(rows: list[dict]) -> list[s.RiskAssessment]:
    """With their risks, in two queries however many."""
    risks: dict[int, list[s.Risk]] = {r["id"]: [] for r in rows}
    if rows:
        for r in await Risk.select().where(Risk.risk_assessment.is_in(list(risks))).order_by(Risk.number):
            risks[r["risk_assessment"]].append(s.Risk(
                id=r["id"], number=r["number"], description=r["description"], likelihood=r["likelihood"],
                consequence=r["consequence"], level=r["level"], measures=r["measures"]))
    return [s.RiskAssessment(
        id=r["id"], department_id=r["department"], unit=r["unit"], title=r["title"], date=r["assessed_on"], reason=r["reason"],
        matter_id=r["matter"], description=r["description"], participants=_participants(r["participants"]), risks=risks[r["id"]],
        version=r["version"], closed_on=r["closed_on"], created_at=r["created_at"],
    ) for r in rows]


async def list_risk_assessments(viewer: Viewer, *, department_id: int | None = None, matter_id: int | None = None,
                                page: PageRequest = PageRequest()) -> Page[s.RiskAssessment]:
    where = [_in_scope(RiskAssessment.department, await readable(viewer)),
             (RiskAssessment.department == department_id) if department_id else None,
             (RiskAssessment.matter == matter_id) if matter_id else None]
    rows, total = await fetch_page(RiskAssessment, where, RiskAssessment.assessed_on, page, descending=True)
    return Page(items=await _assessments(rows), total=total)


async def get_risk_assessment(viewer: Viewer, id: int) -> s.RiskAssessment:
    return (await _assessments([await _row(RiskAssessment, id, viewer, f"Riskbedömningen {id}")]))[0]


async def _check_matter(viewer: Viewer, matter_id: int | None, department_id: int) -> None:
    if matter_id is None:
        return
    matter = await visible_matter(viewer, matter_id)
    if matter is None:
        raise Invalid("Ärendet finns inte.", field="matter_id")
    if matter["department"] != department_id:
        raise Invalid("Ärendet hör till en annan förvaltning.", field="matter_id")


async def _check_people(ids: dict[str, int | None]) -> None:
    wanted = {field: id for field, id in ids.items() if id is not None}
    if not wanted:
        return
    found = {r["id"] for r in await Person.select(Person.id).where(Person.id.is_in(list(wanted.values())))}
    for field, id in wanted.items():
        if id not in found:
            raise Invalid("Personen finns inte.", field=field)


async def create_risk_assessment(viewer: Viewer, data: s.RiskAssessmentCreate, settings: Settings) -> s.RiskAssessment:
    await _check_department(data.department_id)
    check_may_change(viewer, data.department_id)
    await _check_matter(viewer, data.matter_id, data.department_id)
    await _check_people({f"participants[{i}].person_id": p.person_id for i, p in enumerate(data.participants)})
    async with engine().transaction():
        row = (await RiskAssessment.insert(RiskAssessment(
            department=data.department_id, unit=data.unit.strip(), title=data.title.strip(), assessed_on=data.date,
            reason=data.reason, matter=data.matter_id, description=data.description.strip(),
            participants=msgspec.json.encode(data.participants).decode(), created_by=viewer.user_id,
        )).returning(RiskAssessment.id))[0]
        if data.risks:
            await Risk.insert(*[Risk(
                risk_assessment=row["id"], number=n, description=r.description.strip(), likelihood=r.likelihood,
                consequence=r.consequence, level=rules.level(settings.risk_matrix, r.likelihood, r.consequence),
                measures=r.measures.strip(),
            ) for n, r in enumerate(data.risks, 1)])
        created = await get_risk_assessment(viewer, row["id"])
        await audit.record(viewer, "create", "risk_assessment", row["id"], after=created)
    return created


CHANGED_MEANWHILE = "{} ändrades samtidigt av någon annan. Ladda om och gör ändringen igen."


async def _open_for_change(viewer: Viewer, table: Any, id: int, what: str, version: int | None) -> dict:
    """The record, if the viewer may change it and it is not marked done (nor changed since `version`)."""
    current = await _row(table, id, viewer, f"{what} {id}")
    check_may_change(viewer, current["department"])
    if current["closed_on"] is not None:
        raise Conflict(f"{what} är markerad som klar och kan inte ändras.", field="closed_on")
    if version is not None and version != current["version"]:
        raise Conflict(CHANGED_MEANWHILE.format(what), field="version")
    return current


async def _bump(table: Any, current: dict, values: dict, what: str) -> None:
    """Write the change only if nobody changed or closed the record in between (checked in the write)."""
    changed = await table.update({**values, "version": current["version"] + 1, "updated_at": clock.now()}).where(
        (table.id == current["id"]) & (table.version == current["version"]) & table.closed_on.is_null()).returning(table.id)
    if not changed:
        raise Conflict(CHANGED_MEANWHILE.format(what), field="version")


async def update_risk_assessment(viewer: Viewer, id: int, data: s.RiskAssessmentUpdate, settings: Settings) -> s.RiskAssessment:
    """The whole assessment as the form shows it: risks with an id are kept and changed, new ones
    added, those left out removed (an action on a removed risk keeps its place in the plan)."""
    current = await _open_for_change(viewer, RiskAssessment, id, "Riskbedömningen", data.version)
    await _check_matter(viewer, data.matter_id, current["department"])
    await _check_people({f"participants[{i}].person_id": p.person_id for i, p in enumerate(data.participants)})
    kept = {r["id"] for r in await Risk.select(Risk.id).where(Risk.risk_assessment == id)}
    for i, r in enumerate(data.risks):
        if r.id is not None and r.id not in kept:
            raise Invalid("Risken hör inte till riskbedömningen.", field=f"risks[{i}].id")
    before = await get_risk_assessment(viewer, id)
    async with engine().transaction():
        await _bump(RiskAssessment, current, {
            "unit": data.unit.strip(), "title": data.title.strip(), "assessed_on": data.date, "reason": data.reason,
            "matter": data.matter_id, "description": data.description.strip(),
            "participants": msgspec.json.encode(data.participants).decode()}, "Riskbedömningen")
        staying = {r.id for r in data.risks if r.id is not None}
        if kept - staying:
            await Risk.delete().where(Risk.id.is_in(list(kept - staying)))
        for n, r in enumerate(data.risks, 1):
            values = {"number": n, "description": r.description.strip(), "likelihood": r.likelihood, "consequence": r.consequence,
                      "level": rules.level(settings.risk_matrix, r.likelihood, r.consequence), "measures": r.measures.strip()}
            if r.id is None:
                await Risk.insert(Risk(risk_assessment=id, **values))
            else:
                await Risk.update(values).where(Risk.id == r.id)
        if data.date != current["assessed_on"]:
            await sync_action_deadlines([a["id"] for a in await Action.select(Action.id).where(Action.risk_assessment == id)])
        after = await get_risk_assessment(viewer, id)
        await audit.record(viewer, "update", "risk_assessment", id, before=before, after=after)
    return after


async def close_record(viewer: Viewer, subject: str, id: int) -> None:
    """Mark a risk assessment or annual follow-up done: from then on it is read, not changed."""
    table, what = COMMENTABLE[subject]
    current = await _open_for_change(viewer, table, id, what, None)
    async with engine().transaction():
        await _bump(table, current, {"closed_on": clock.today()}, what)
        await audit.record(viewer, "close", subject, id, before={"closed_on": None}, after={"closed_on": clock.today()})


def risks_without_action(assessment: s.RiskAssessment, actions: list[s.Action]) -> list[s.Risk]:
    """High and very high risks with no live action in the plan: the page warns of them."""
    treated = {a.risk_id for a in actions if a.status != "cancelled"}
    return [r for r in assessment.risks if r.level in ("high", "very_high") and r.id not in treated]


# --- the action plan ----------------------------------------------------------------


def _action(row: dict, today: dt.date) -> s.Action:
    return s.Action(
        id=row["id"], department_id=row["department"], risk_assessment_id=row["risk_assessment"],
        annual_follow_up_id=row["annual_follow_up"], risk_id=row["risk"], what=row["what"], responsible=row["responsible"],
        due=row["due"], status=row["status"], overdue=rules.action_state(row["status"], row["due"], today) == "overdue",
        done_on=row["done_on"], follow_up=row["follow_up"], version=row["version"],
    )


def _action_state(state: str | None, today: dt.date) -> Any:
    if state == "open":
        return Action.status.is_in(list(rules.OPEN_STATUSES))
    if state == "overdue":
        return Action.status.is_in(list(rules.OPEN_STATUSES)) & (Action.due < today)
    return (Action.status == state) if state else None


async def list_actions(viewer: Viewer, *, department_id: int | None = None, risk_assessment_id: int | None = None,
                       annual_follow_up_id: int | None = None, state: str | None = None,
                       page: PageRequest = PageRequest()) -> Page[s.Action]:
    today = clock.today()
    where = [_in_scope(Action.department, await readable(viewer)), _action_state(state, today),
             (Action.department == department_id) if department_id else None,
             (Action.risk_assessment == risk_assessment_id) if risk_assessment_id else None,
             (Action.annual_follow_up == annual_follow_up_id) if annual_follow_up_id else None]
    rows, total = await fetch_page(Action, where, Action.due, page)
    return Page(items=[_action(r, today) for r in rows], total=total)


async def get_action(viewer: Viewer, id: int) -> s.Action:
    return _action(await _row(Action, id, viewer, f"Åtgärden {id}"), clock.today())


async def _source(viewer: Viewer, data: s.ActionCreate) -> tuple[int, dt.date]:
    """The department and date of what the action comes from."""
    if (data.risk_assessment_id is None) == (data.annual_follow_up_id is None):
        raise Invalid("Ange antingen riskbedömningen eller den årliga uppföljningen som åtgärden kommer från.",
                      field="risk_assessment_id")
    if data.risk_assessment_id is not None:
        row = await _readable_row(RiskAssessment, data.risk_assessment_id, viewer)
        if row is None:
            raise Invalid("Riskbedömningen finns inte.", field="risk_assessment_id")
        if data.risk_id is not None and not await Risk.exists().where(
                Risk.id == data.risk_id, Risk.risk_assessment == data.risk_assessment_id):
            raise Invalid("Risken hör inte till riskbedömningen.", field="risk_id")
        return row["department"], row["assessed_on"]
    if data.risk_id is not None:
        raise Invalid("En risk hör till en riskbedömning, inte till en uppföljning.", field="risk_id")
    row = await _readable_row(AnnualFollowUp, data.annual_follow_up_id, viewer)
    if row is None:
        raise Invalid("Uppföljningen finns inte.", field="annual_follow_up_id")
    return row["department"], row["done_on"]


def _check_action(status: str, done_on: dt.date | None, due: dt.date, since: dt.date, prefix: str = "") -> None:
    problem = rules.action_error(status, done_on, due, since, clock.today())
    if problem:
        raise Invalid(problem[1], field=prefix + problem[0])


async def create_action(viewer: Viewer, data: s.ActionCreate) -> s.Action:
    department_id, since = await _source(viewer, data)
    check_may_change(viewer, department_id)
    _check_action("planned", None, data.due, since)
    async with engine().transaction():
        row = (await Action.insert(Action(
            department=department_id, risk_assessment=data.risk_assessment_id, risk=data.risk_id,
            annual_follow_up=data.annual_follow_up_id, what=data.what.strip(), responsible=data.responsible.strip(), due=data.due,
            created_by=viewer.user_id,
        )).returning(Action.id))[0]
        await sync_action_deadlines([row["id"]])
        created = await get_action(viewer, row["id"])
        await audit.record(viewer, "create", "sam_action", row["id"], after=created)
    return created


async def update_action(viewer: Viewer, id: int, patch: s.ActionUpdate) -> s.Action:
    current = await _row(Action, id, viewer, f"Åtgärden {id}")
    check_may_change(viewer, current["department"])
    fields = changes(patch)
    expected = fields.pop("version", None)
    if expected is not None and expected != current["version"]:
        raise Conflict("Åtgärden ändrades samtidigt av någon annan. Ladda om och gör ändringen igen.", field="version")
    if not fields:
        return _action(current, clock.today())
    values = {**current, **{k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}}
    if values["status"] != "done" and "done_on" not in fields:
        values["done_on"] = None  # reopened or struck: no longer done
    _check_action(values["status"], values["done_on"], values["due"], await _since(current))
    update = {k: values[k] for k in ("what", "responsible", "due", "status", "done_on", "follow_up")}
    async with engine().transaction():
        changed = await Action.update({**update, "version": current["version"] + 1, "updated_at": clock.now()}).where(
            (Action.id == id) & (Action.version == current["version"])).returning(Action.id)
        if not changed:
            raise Conflict("Åtgärden ändrades samtidigt av någon annan. Ladda om och gör ändringen igen.", field="version")
        await sync_action_deadlines([id])
        after = await get_action(viewer, id)
        await audit.record(viewer, "update", "sam_action", id, before=_action(current, clock.today()), after=after)
    return after


async def _since(action: dict) -> dt.date:
    if action["risk_assessment"]:
        return (await RiskAssessment.select(RiskAssessment.assessed_on).where(RiskAssessment.id == action["risk_assessment"])
                .first())["assessed_on"]
    return (await AnnualFollowUp.select(AnnualFollowUp.done_on).where(AnnualFollowUp.id == action["annual_follow_up"])
            .first())["done_on"]


def action_label(what: str) -> str:
    short = what if len(what) <= 80 else what[:79] + "…"
    return f"åtgärden «{short}» i handlingsplanen"


async def sync_action_deadlines(ids: list[int]) -> None:
    """Each open or done action's 'by when' is a deadline; a struck one's is superseded."""
    rows = await Action.select(
        Action.id, Action.department, Action.what, Action.due, Action.status, Action.done_on,
        Action.risk_assessment.assessed_on.as_alias("assessed_on"), Action.annual_follow_up.done_on.as_alias("followed_up_on"),
    ).where(Action.id.is_in(ids or [-1]))
    await keep_subject_deadlines("sam_action", ids, [
        SubjectDeadline("SAM-ACTION", r["id"], r["department"], r["assessed_on"] or r["followed_up_on"], action_label(r["what"]),
                        met_on=r["done_on"], due=r["due"])
        for r in rows if r["status"] != "cancelled"
    ])


# --- annual follow-up -----------------------------------------------------------------


def _follow_up(row: dict, action_ids: list[int]) -> s.AnnualFollowUp:
    return s.AnnualFollowUp(
        id=row["id"], department_id=row["department"], year=row["year"], date=row["done_on"], meeting_id=row["meeting"],
        participants=row["participants"], summary=row["summary"],
        checklist=msgspec.convert(json.loads(row["checklist"]), list[s.ChecklistAnswer]), action_ids=action_ids,
        version=row["version"], closed_on=row["closed_on"],
    )


async def _follow_ups(rows: list[dict]) -> list[s.AnnualFollowUp]:
    actions: dict[int, list[int]] = {r["id"]: [] for r in rows}
    if rows:
        for a in await Action.select(Action.id, Action.annual_follow_up).where(Action.annual_follow_up.is_in(list(actions))):
            actions[a["annual_follow_up"]].append(a["id"])
    return [_follow_up(r, sorted(actions[r["id"]])) for r in rows]


async def list_follow_ups(viewer: Viewer, *, department_id: int | None = None,
                          page: PageRequest = PageRequest()) -> Page[s.AnnualFollowUp]:
    where = [_in_scope(AnnualFollowUp.department, await readable(viewer)),
             (AnnualFollowUp.department == department_id) if department_id else None]
    rows, total = await fetch_page(AnnualFollowUp, where, AnnualFollowUp.year, page, descending=True)
    return Page(items=await _follow_ups(rows), total=total)


async def get_follow_up(viewer: Viewer, id: int) -> s.AnnualFollowUp:
    return (await _follow_ups([await _row(AnnualFollowUp, id, viewer, f"Uppföljningen {id}")]))[0]


def _check_checklist(checklist: list[s.ChecklistAnswer]) -> None:
    seen: set[str] = set()
    for i, item in enumerate(checklist):
        if item.element in seen:
            raise Invalid("Punkten finns två gånger i checklistan.", field=f"checklist[{i}].element")
        seen.add(item.element)
    missing = [rules.CHECKLIST[e] for e in rules.CHECKLIST if e not in seen]
    if missing:
        raise Invalid("Besvara alla punkter i checklistan. Saknas: " + ", ".join(missing) + ".", field="checklist")


async def _check_meeting(viewer: Viewer, meeting_id: int | None, department_id: int) -> None:
    if meeting_id is None:
        return
    meeting = await visible_meeting(viewer, meeting_id)
    if meeting is None:
        raise Invalid("Mötet finns inte.", field="meeting_id")
    if meeting["department"] not in (None, department_id):
        raise Invalid("Mötet hör till en annan förvaltning.", field="meeting_id")


def _year_taken(year: int) -> Conflict:
    return Conflict(f"Förvaltningen har redan en årlig uppföljning för {year}.", field="year")


async def create_follow_up(viewer: Viewer, data: s.AnnualFollowUpCreate) -> s.AnnualFollowUp:
    await _check_department(data.department_id)
    check_may_change(viewer, data.department_id)
    _check_checklist(data.checklist)
    await _check_meeting(viewer, data.meeting_id, data.department_id)
    for i, item in enumerate(data.improvements):
        _check_action("planned", None, item.due, data.date, prefix=f"improvements[{i}].")
    if await AnnualFollowUp.exists().where(AnnualFollowUp.department == data.department_id, AnnualFollowUp.year == data.year):
        raise _year_taken(data.year)
    async with engine().transaction():
        row = (await write_unique(lambda: AnnualFollowUp.insert(AnnualFollowUp(
            department=data.department_id, year=data.year, done_on=data.date, meeting=data.meeting_id,
            checklist=msgspec.json.encode(data.checklist).decode(), participants=data.participants.strip(),
            summary=data.summary.strip(), created_by=viewer.user_id,
        )).returning(AnnualFollowUp.id), _year_taken(data.year)))[0]
        if data.improvements:
            ids = [r["id"] for r in await Action.insert(*[Action(
                department=data.department_id, annual_follow_up=row["id"], what=i.what.strip(), responsible=i.responsible.strip(),
                due=i.due, created_by=viewer.user_id,
            ) for i in data.improvements]).returning(Action.id)]
            await sync_action_deadlines(ids)
        await sync_follow_up_deadlines(data.department_id)
        created = await get_follow_up(viewer, row["id"])
        await audit.record(viewer, "create", "annual_follow_up", row["id"], after=created)
    return created


async def update_follow_up(viewer: Viewer, id: int, patch: s.AnnualFollowUpUpdate) -> s.AnnualFollowUp:
    fields = changes(patch)
    current = await _open_for_change(viewer, AnnualFollowUp, id, "Uppföljningen", fields.pop("version", None))
    if "checklist" in fields:
        _check_checklist(patch.checklist)
        fields["checklist"] = msgspec.json.encode(patch.checklist).decode()
    if "meeting_id" in fields:
        await _check_meeting(viewer, fields["meeting_id"], current["department"])
        fields["meeting"] = fields.pop("meeting_id")
    before = await get_follow_up(viewer, id)
    if not fields:
        return before
    async with engine().transaction():
        await _bump(AnnualFollowUp, current, {k: v.strip() if isinstance(v, str) and k != "checklist" else v
                                              for k, v in fields.items()}, "Uppföljningen")
        after = await get_follow_up(viewer, id)
        await audit.record(viewer, "update", "annual_follow_up", id, before=before, after=after)
    return after


async def sync_follow_up_deadlines(department_id: int) -> None:
    """AFS 2023:1: the next follow-up within a year of each one; a later year's meets it."""
    rows = await AnnualFollowUp.select(AnnualFollowUp.id, AnnualFollowUp.year, AnnualFollowUp.done_on).where(
        AnnualFollowUp.department == department_id).order_by(AnnualFollowUp.year)
    name = await department_name(department_id)
    await keep_subject_deadlines("annual_follow_up", [r["id"] for r in rows], [
        SubjectDeadline("AFS-SAM-ANNUAL", r["id"], department_id, r["done_on"],
                        f"den årliga uppföljningen av SAM {r['year'] + 1} ({name})",
                        met_on=rows[i + 1]["done_on"] if i + 1 < len(rows) else None)
        for i, r in enumerate(rows)
    ])


# --- skyddsombud requests (6 kap. 6 a § AML) --------------------------------------------


def _answer_due(row: dict) -> dt.date:
    return row["answer_by"] or catalogue.BY_ID["AML6-6a-ANSWER"].due(row["received_on"]).due


def _request(row: dict, due: dt.date | None, today: dt.date) -> s.SafetyRepRequest:
    answer_due = due or _answer_due(row)
    return s.SafetyRepRequest(
        id=row["id"], department_id=row["department"], unit=row["unit"], title=row["title"], description=row["description"],
        safety_rep_id=row["safety_rep"], safety_rep_name=row["safety_rep_name"], union_id=row["trade_union"],
        received_on=row["received_on"], answer_by=row["answer_by"], answer_due=answer_due,
        acknowledged_on=row["acknowledged_on"], answered_on=row["answered_on"], answer=row["answer"],
        state=rules.request_state(row["acknowledged_on"], row["answered_on"]),
        overdue=row["answered_on"] is None and answer_due < today,
    )


async def _requests(rows: list[dict]) -> list[s.SafetyRepRequest]:
    """With the answer's last day as its deadline says (a rule set may have changed the length)."""
    dues = {d["subject_id"]: d["due"] for d in await Deadline.select(Deadline.subject_id, Deadline.due).where(
        Deadline.matter.is_null(), Deadline.subject == "safety_rep_request", Deadline.rule_id == "AML6-6a-ANSWER",
        Deadline.subject_id.is_in([r["id"] for r in rows] or [-1]))}
    today = clock.today()
    return [_request(r, dues.get(r["id"]), today) for r in rows]


async def list_requests(viewer: Viewer, *, department_id: int | None = None, waiting: bool | None = None,
                        page: PageRequest = PageRequest()) -> Page[s.SafetyRepRequest]:
    where = [_in_scope(SafetyRepRequest.department, await readable(viewer)),
             (SafetyRepRequest.department == department_id) if department_id else None,
             None if waiting is None else (SafetyRepRequest.answered_on.is_null() if waiting else
                                           SafetyRepRequest.answered_on.is_not_null())]
    rows, total = await fetch_page(SafetyRepRequest, where, SafetyRepRequest.received_on, page, descending=True)
    return Page(items=await _requests(rows), total=total)


async def get_request(viewer: Viewer, id: int) -> s.SafetyRepRequest:
    return (await _requests([await _row(SafetyRepRequest, id, viewer, f"Begäran {id}")]))[0]


async def create_request(viewer: Viewer, data: s.SafetyRepRequestCreate) -> s.SafetyRepRequest:
    await _check_department(data.department_id)
    if rights.is_union(viewer):
        # A skyddsombud registers their own request, in a department they cover.
        departments = await readable(viewer)
        if departments is not None and data.department_id not in departments:
            raise Forbidden("Du är inte skyddsombud för den här förvaltningen.", field="department_id")
    else:
        check_may_change(viewer, data.department_id)
    await _check_people({"safety_rep_id": data.safety_rep_id})
    if data.union_id is not None and not await TradeUnion.exists().where(TradeUnion.id == data.union_id):
        raise Invalid("Organisationen finns inte.", field="union_id")
    if data.received_on > clock.today():
        raise Invalid("Begäran kan inte ha kommit in i framtiden.", field="received_on")
    if data.answer_by is not None and data.answer_by < data.received_on:
        raise Invalid("Svarsdagen kan inte vara före dagen då begäran kom in.", field="answer_by")
    union_id = data.union_id if data.union_id is not None else (viewer.union_id if rights.is_union(viewer) else None)
    async with engine().transaction():
        row = (await SafetyRepRequest.insert(SafetyRepRequest(
            department=data.department_id, unit=data.unit.strip(), title=data.title.strip(), description=data.description.strip(),
            safety_rep=data.safety_rep_id if data.safety_rep_id is not None else (viewer.person_id if rights.is_union(viewer) else None),
            safety_rep_name=data.safety_rep_name.strip(), trade_union=union_id, received_on=data.received_on,
            answer_by=data.answer_by, created_by=viewer.user_id,
        )).returning(SafetyRepRequest.id))[0]
        await sync_request_deadlines([row["id"]])
        created = await get_request(viewer, row["id"])
        await audit.record(viewer, "create", "safety_rep_request", row["id"], after=created)
    return created


async def _change_request(viewer: Viewer, id: int, action: str, values: dict) -> s.SafetyRepRequest:
    current = await _row(SafetyRepRequest, id, viewer, f"Begäran {id}")
    check_may_change(viewer, current["department"])
    day_field = "acknowledged_on" if action == "acknowledge" else "answered_on"
    day = values[day_field]
    if day < current["received_on"]:
        raise Invalid("Dagen kan inte vara före dagen då begäran kom in.", field=day_field)
    if day > clock.today():
        raise Invalid("Dagen kan inte ligga i framtiden.", field=day_field)
    if action == "acknowledge" and current["acknowledged_on"]:
        raise Conflict("Mottagandet är redan bekräftat.", field="acknowledged_on")
    if action == "answer":
        if current["answered_on"]:
            raise Conflict("Begäran är redan besvarad.", field="answered_on")
        if not current["acknowledged_on"]:
            values["acknowledged_on"] = day  # a written answer confirms receipt too
    before = await get_request(viewer, id)
    async with engine().transaction():
        await SafetyRepRequest.update({**values, "updated_at": clock.now()}).where(SafetyRepRequest.id == id)
        await sync_request_deadlines([id])
        after = await get_request(viewer, id)
        await audit.record(viewer, action, "safety_rep_request", id, before=before, after=after)
    return after


async def acknowledge_request(viewer: Viewer, id: int, data: s.Acknowledgement) -> s.SafetyRepRequest:
    return await _change_request(viewer, id, "acknowledge", {"acknowledged_on": data.acknowledged_on})


async def answer_request(viewer: Viewer, id: int, data: s.SafetyRepRequestAnswer) -> s.SafetyRepRequest:
    return await _change_request(viewer, id, "answer", {"answered_on": data.answered_on, "answer": data.answer.strip()})


async def sync_request_deadlines(ids: list[int]) -> None:
    """The answer 'utan dröjsmål': by the skyddsombud's reasonable date, or the agreement's default."""
    rows = await SafetyRepRequest.select().where(SafetyRepRequest.id.is_in(ids or [-1]))
    await keep_subject_deadlines("safety_rep_request", ids, [
        SubjectDeadline("AML6-6a-ANSWER", r["id"], r["department"], r["received_on"], f"skyddsombudets begäran «{r['title']}»",
                        met_on=r["answered_on"], due=r["answer_by"])
        for r in rows
    ])


# --- comments --------------------------------------------------------------------------

COMMENTABLE = {"risk_assessment": (RiskAssessment, "Riskbedömningen"), "annual_follow_up": (AnnualFollowUp, "Uppföljningen"),
               "safety_rep_request": (SafetyRepRequest, "Begäran"), "action": (Action, "Åtgärden")}


async def comments(viewer: Viewer, subject: str, id: int) -> list[s.SamComment]:
    table, what = COMMENTABLE[subject]
    await _row(table, id, viewer, f"{what} {id}")
    rows = await SamComment.select().where(SamComment.subject == subject, SamComment.subject_id == id).order_by(SamComment.id)
    return [s.SamComment(id=r["id"], author=r["author_name"], text=r["text"], created_at=r["created_at"]) for r in rows]


async def add_comment(viewer: Viewer, subject: str, id: int, data: s.SamCommentCreate) -> list[s.SamComment]:
    """Whoever reads a record may comment on it: the skyddsombud's voice in the department's SAM."""
    table, what = COMMENTABLE[subject]
    await _row(table, id, viewer, f"{what} {id}")
    async with engine().transaction():
        row = (await SamComment.insert(SamComment(
            subject=subject, subject_id=id, author=viewer.user_id, author_name=viewer.name, text=data.text.strip(),
        )).returning(SamComment.id))[0]
        await audit.record(viewer, "comment", subject, id, after={"comment": row["id"], "text": data.text.strip()})
    return await comments(viewer, subject, id)


# --- overview ----------------------------------------------------------------------------


async def visible_matter(viewer: Viewer, matter_id: int | None) -> dict | None:
    """A linked matter's diary number and title, if the reader may see the matter (an
    individärende stays hidden from a department user and from other unions)."""
    from samverkan.matters.service import scope

    if matter_id is None:
        return None
    return await Matter.select(Matter.id, Matter.diary_no, Matter.title, Matter.department).where(
        Matter.id == matter_id, *scope(viewer)).first()


async def meeting_choices(viewer: Viewer, department_id: int) -> list[tuple[int, str]]:
    """The department's held meetings that the viewer may see, newest first, for "treated in
    which meeting": listed through the meetings' own scoping, like the API."""
    from samverkan.meetings.service import list_meetings

    held = await list_meetings(viewer, department_id=department_id, status="held", descending=True, page=PageRequest(limit=100))
    return [(m.id, f"{m.starts_at.astimezone(clock.STOCKHOLM):%Y-%m-%d} {m.title}") for m in held.items]


async def visible_meeting(viewer: Viewer, meeting_id: int | None) -> dict | None:
    from samverkan.meetings.service import scope

    if meeting_id is None:
        return None
    return await Meeting.select(Meeting.id, Meeting.title, Meeting.starts_at, Meeting.department).where(
        Meeting.id == meeting_id, *scope(viewer)).first()


async def overview(viewer: Viewer, department_id: int) -> s.Overview:
    if not await Department.exists().where(Department.id == department_id):
        raise NotFound("Förvaltningen finns inte.")
    await _check_read(viewer, department_id, "Förvaltningen")
    today = clock.today()
    open_ = Action.status.is_in(list(rules.OPEN_STATUSES))
    levels = {level: 0 for level in rules.LEVELS}
    for r in await Risk.select(Risk.level).where(Risk.risk_assessment.department == department_id):
        levels[r["level"]] += 1
    follow_ups = {r["year"]: r["done_on"] for r in await AnnualFollowUp.select(AnnualFollowUp.year, AnnualFollowUp.done_on)
                  .where(AnnualFollowUp.department == department_id).order_by(AnnualFollowUp.year)}
    deadlines = {d["rule_id"]: d["due"] for d in await Deadline.select(Deadline.rule_id, Deadline.due).where(
        Deadline.department == department_id, Deadline.state == "open", Deadline.rule_id.is_in(["AFS-SAM-ANNUAL", "AMF8a-SK-MEET"]),
    ).order_by(Deadline.due, ascending=False)}
    waiting = await _requests(await SafetyRepRequest.select().where(
        SafetyRepRequest.department == department_id, SafetyRepRequest.answered_on.is_null()))
    return s.Overview(
        department_id=department_id,
        open_actions=await Action.count().where(Action.department == department_id, open_),
        overdue_actions=await Action.count().where(Action.department == department_id, open_, Action.due < today),
        risks_by_level=levels, follow_ups=follow_ups, follow_up_due=deadlines.get("AFS-SAM-ANNUAL"),
        requests_waiting=len(waiting), requests_overdue=sum(r.overdue for r in waiting),
        cadence_due=deadlines.get("AMF8a-SK-MEET"),
    )
