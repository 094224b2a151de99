"""Pages of SAM: the overview per department, and a page (with its form) for each risk
assessment, action, annual follow-up and skyddsombud request."""

from __future__ import annotations

import re
from typing import Any

from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Response, Template

from samverkan.accounts import rights
from samverkan import clock
from samverkan.accounts.access import EMPLOYER, SIGNED_IN
from samverkan.documents.api import attachment
from samverkan.errors import ServiceError
from samverkan.orgs import service as orgs
from samverkan.pagination import PageRequest
from samverkan.sam import rules
from samverkan.sam import schemas as s
from samverkan.sam import service
from samverkan.sam.documents import DOCX, annual_follow_up_document, risk_assessment_document
from samverkan.web.forms import FormErrors, convert, filter_id, optional_int, service_errors, text
from samverkan.web.params import RecordId

ALL = PageRequest(limit=500)


async def _departments(request: Request) -> dict[int, str]:
    """The departments whose SAM the viewer reads, by name."""
    readable = await service.readable(request.user)
    return {id: name for id, name in await orgs.choices("department") if readable is None or id in readable}


async def _comments(request: Request, subject: str, id: int) -> dict[str, Any]:
    return {"comments": await service.comments(request.user, subject, id), "comment_action": f"{request.url.path}/kommentarer"}


def _changeable(request: Request, forvaltning: str | None) -> int | None:
    """The department a new form starts with: the one asked for if the viewer may change its
    SAM, else the viewer's own."""
    chosen = filter_id(forvaltning)
    return chosen if chosen is not None and service.may_change(request.user, chosen) else request.user.department_id


def _error(exc: FormErrors | ServiceError) -> dict[str, str]:
    return exc.errors if isinstance(exc, FormErrors) else service_errors(exc).errors


# --- overview ----------------------------------------------------------------------


@get("/sam", guards=[SIGNED_IN], name="sam")
async def overview(request: Request, forvaltning: FromQuery[str | None] = None) -> Template:
    departments = await _departments(request)
    chosen = filter_id(forvaltning)
    if chosen not in departments:
        chosen = request.user.department_id if request.user.department_id in departments else next(iter(departments), None)
    context: dict[str, Any] = {"departments": departments, "chosen": chosen, "today": clock.today()}
    if chosen is not None:
        context.update(
            overview=await service.overview(request.user, chosen),
            assessments=(await service.list_risk_assessments(request.user, department_id=chosen, page=ALL)).items,
            actions=(await service.list_actions(request.user, department_id=chosen, state="open", page=ALL)).items,
            follow_ups=(await service.list_follow_ups(request.user, department_id=chosen, page=ALL)).items,
            requests=(await service.list_requests(request.user, department_id=chosen, page=ALL)).items,
            can_change=service.may_change(request.user, chosen), is_union=rights.is_union(request.user),
        )
    return Template("sam/overview.html", context=context)


# --- risk assessments ------------------------------------------------------------------


MAX_ROWS = 100
RISK_FIELDS = ("id", "description", "likelihood", "consequence", "measures")
PARTICIPANT_FIELDS = ("person_id", "name", "role")


def _rows(form: Any, prefix: str, fields: tuple[str, ...], blank: dict) -> list[dict]:
    """The rows of a growing list as typed, with the row asked for added or the one asked to go removed:
    the buttons are plain submit buttons, so this works with and without JavaScript."""
    numbers = [int(m.group(1)) for key in form.keys() if (m := re.fullmatch(rf"{prefix}(\d{{1,3}})\.\w+", key))]
    rows = [{f: text(form.get(f"{prefix}{i}.{f}")).strip() for f in fields} for i in range(min(max(numbers, default=-1) + 1, MAX_ROWS))]
    removed = optional_int(text(form.get("remove")).removeprefix(prefix)) if text(form.get("remove")).startswith(prefix) else None
    if isinstance(removed, int) and 0 <= removed < len(rows):
        del rows[removed]
    if text(form.get("more")) == prefix and len(rows) < MAX_ROWS:
        rows.append(dict(blank))
    return rows


def _assessment_values(form: Any) -> dict[str, Any]:
    return {
        "department_id": optional_int(form.get("department_id")), "unit": text(form.get("unit")), "title": text(form.get("title")),
        "date": text(form.get("date")), "reason": text(form.get("reason")), "matter_id": optional_int(form.get("matter_id")),
        "description": text(form.get("description")), "version": optional_int(form.get("version")),
        "risks": _rows(form, "risk", RISK_FIELDS, {"likelihood": "1", "consequence": "1"}),
        "participants": _rows(form, "participant", PARTICIPANT_FIELDS, {"role": "employee"}),
    }


def _row_asked(form: Any) -> bool:
    return bool(text(form.get("more")) or text(form.get("remove")))


async def _assessment_body(values: dict[str, Any], type_: Any) -> Any:
    """The typed body: empty rows skipped, a participant from the register named as the register
    says; an error names the row as the form shows it."""
    people = {p["id"]: p["name"] for p in await orgs.people_described()}
    risks, risk_rows, participants, participant_rows = [], [], [], []
    for i, r in enumerate(values["risks"]):
        if r.get("description"):
            risks.append({**r, "id": optional_int(r.get("id")), "likelihood": optional_int(r.get("likelihood")),
                          "consequence": optional_int(r.get("consequence"))})
            risk_rows.append(i)
    for i, p in enumerate(values["participants"]):
        person_id = optional_int(p.get("person_id"))
        name = p.get("name") or people.get(person_id, "")
        if name or person_id:
            participants.append({"name": name, "role": p.get("role"), "person_id": person_id})
            participant_rows.append(i)
    editing = type_ is s.RiskAssessmentUpdate
    body = {k: v for k, v in values.items() if k not in ("risks", "participants", "version" if not editing else "department_id")}
    if not editing:
        risks = [{k: v for k, v in r.items() if k != "id"} for r in risks]
    try:
        return convert({**body, "risks": risks, "participants": participants}, type_, rows=True)
    except FormErrors as exc:
        raise FormErrors({_form_row(k, risk_rows, participant_rows): v for k, v in exc.errors.items()}) from None


def _form_row(field: str, risk_rows: list[int], participant_rows: list[int], improvement_rows: list[int] | None = None) -> str:
    """A field of the n-th row sent named as the form's row it came from (empty rows are not sent)."""
    for name, rows in (("risks", risk_rows), ("participants", participant_rows), ("improvements", improvement_rows or [])):
        if field.startswith(name + "["):
            index, _, rest = field[len(name) + 1:].partition("]")
            if index.isdigit() and int(index) < len(rows):
                return f"{name}[{rows[int(index)]}]{rest}"
    return field


async def _assessment_form(request: Request, values: dict, errors: dict, status: int = 200, id: int | None = None) -> Template:
    from samverkan.matters.service import choices

    department_id = values.get("department_id")
    matters = await choices(request.user, department_id) if isinstance(department_id, int) else []
    return Template("sam/assessment_form.html", context={
        "values": values, "errors": errors, "departments": await _departments(request), "matters": matters, "id": id,
        "people": await orgs.people_described(), "matrix": rules.matrix_rows(request.app.state.settings.risk_matrix),
    }, status_code=status)


@get("/sam/riskbedomningar/ny", guards=[EMPLOYER], name="sam-assessment-new")
async def new_assessment(request: Request, forvaltning: FromQuery[str | None] = None, arende: FromQuery[str | None] = None) -> Template:
    department_id = _changeable(request, forvaltning)
    return await _assessment_form(request, {
        "department_id": department_id, "date": clock.today().isoformat(), "matter_id": filter_id(arende),
        "reason": "change" if arende else "routine", "risks": [{"likelihood": "1", "consequence": "1"}],
        "participants": [{"role": "manager"}, {"role": "safety_rep"}]}, {})


@post("/sam/riskbedomningar/ny", guards=[EMPLOYER], name="sam-assessment-create")
async def create_assessment(request: Request) -> Template | Redirect:
    form = await request.form()
    values = _assessment_values(form)
    if _row_asked(form):
        return await _assessment_form(request, values, {})
    try:
        created = await service.create_risk_assessment(request.user, await _assessment_body(values, s.RiskAssessmentCreate),
                                                       request.app.state.settings)
    except (FormErrors, ServiceError) as exc:
        return await _assessment_form(request, values, _error(exc), status=422)
    return Redirect(f"/sam/riskbedomningar/{created.id}")


@get("/sam/riskbedomningar/{id:int}/andra", guards=[EMPLOYER], name="sam-assessment-edit")
async def edit_assessment(request: Request, id: RecordId) -> Template | Redirect:
    a = await service.get_risk_assessment(request.user, id)
    if a.closed_on or not service.may_change(request.user, a.department_id):
        return Redirect(f"/sam/riskbedomningar/{id}")
    return await _assessment_form(request, {
        "department_id": a.department_id, "unit": a.unit, "title": a.title, "date": a.date.isoformat(), "reason": a.reason,
        "matter_id": a.matter_id, "description": a.description, "version": a.version,
        "risks": [{"id": str(r.id), "description": r.description, "likelihood": str(r.likelihood),
                   "consequence": str(r.consequence), "measures": r.measures} for r in a.risks],
        "participants": [{"person_id": str(p.person_id or ""), "name": p.name, "role": p.role} for p in a.participants],
    }, {}, id=id)


@post("/sam/riskbedomningar/{id:int}/andra", guards=[EMPLOYER], name="sam-assessment-update")
async def update_assessment(request: Request, id: RecordId) -> Template | Redirect:
    form = await request.form()
    values = {**_assessment_values(form), "department_id": (await service.get_risk_assessment(request.user, id)).department_id}
    if _row_asked(form):
        return await _assessment_form(request, values, {}, id=id)
    try:
        await service.update_risk_assessment(request.user, id, await _assessment_body(values, s.RiskAssessmentUpdate),
                                             request.app.state.settings)
    except (FormErrors, ServiceError) as exc:
        status = 409 if isinstance(exc, ServiceError) and exc.status_code == 409 else 422
        return await _assessment_form(request, values, _error(exc), status=status, id=id)
    return Redirect(f"/sam/riskbedomningar/{id}")


@post("/sam/riskbedomningar/{id:int}/klar", guards=[EMPLOYER], name="sam-assessment-close")
async def close_assessment(request: Request, id: RecordId) -> Template | Redirect:
    try:
        await service.close_record(request.user, "risk_assessment", id)
    except ServiceError as exc:
        return await _assessment_page(request, id, _error(exc), status=exc.status_code)
    return Redirect(f"/sam/riskbedomningar/{id}")


async def _assessment_page(request: Request, id: int, errors: dict | None = None, values: dict | None = None,
                           status: int = 200) -> Template:
    a = await service.get_risk_assessment(request.user, id)
    matter = await service.visible_matter(request.user, a.matter_id)
    actions = (await service.list_actions(request.user, risk_assessment_id=id, page=ALL)).items
    return Template("sam/assessment.html", context={
        "a": a, "matter": matter, "department": await service.department_name(a.department_id), "actions": actions,
        "unacted": service.risks_without_action(a, actions),
        "matrix": rules.matrix_rows(request.app.state.settings.risk_matrix), "can_change": service.may_change(request.user, a.department_id),
        "errors": errors or {}, "values": values or {}, "today": clock.today(),
        "has_safety_rep": any(p.role in rules.SAFETY_REP_ROLES for p in a.participants),
        **await _comments(request, "risk_assessment", id),
    }, status_code=status)


@get("/sam/riskbedomningar/{id:int}", guards=[SIGNED_IN], name="sam-assessment")
async def assessment_page(request: Request, id: RecordId) -> Template:
    return await _assessment_page(request, id)


@get("/sam/riskbedomningar/{id:int}/dokument", guards=[SIGNED_IN], name="sam-assessment-document")
async def assessment_document(request: Request, id: RecordId) -> Response[bytes]:
    return attachment(*await risk_assessment_document(request.user, id, request.app.state.settings), DOCX)


def _action_values(form: Any) -> dict[str, Any]:
    return {"what": text(form.get("what")), "responsible": text(form.get("responsible")), "due": text(form.get("due"))}


@post("/sam/riskbedomningar/{id:int}/atgarder", guards=[EMPLOYER], name="sam-assessment-action")
async def add_assessment_action(request: Request, id: RecordId) -> Template | Redirect:
    form = await request.form()
    values = {**_action_values(form), "risk_assessment_id": id, "risk_id": optional_int(form.get("risk_id"))}
    try:
        await service.create_action(request.user, convert(values, s.ActionCreate))
    except (FormErrors, ServiceError) as exc:
        return await _assessment_page(request, id, _error(exc), values, 422)
    return Redirect(f"/sam/riskbedomningar/{id}#handlingsplan")


# --- actions -----------------------------------------------------------------------------


async def _action_page(request: Request, id: int, errors: dict | None = None, status: int = 200) -> Template:
    action = await service.get_action(request.user, id)
    return Template("sam/action.html", context={
        "action": action, "department": await service.department_name(action.department_id),
        "can_change": service.may_change(request.user, action.department_id), "errors": errors or {}, "today": clock.today(),
        **await _comments(request, "action", id),
    }, status_code=status)


@get("/sam/atgarder/{id:int}", guards=[SIGNED_IN], name="sam-action")
async def action_page(request: Request, id: RecordId) -> Template:
    return await _action_page(request, id)


@post("/sam/atgarder/{id:int}", guards=[EMPLOYER], name="sam-action-update")
async def update_action(request: Request, id: RecordId) -> Template | Redirect:
    form = await request.form()
    values = {**_action_values(form), "status": text(form.get("status")), "done_on": text(form.get("done_on")).strip() or None,
              "follow_up": text(form.get("follow_up")), "version": optional_int(form.get("version"))}
    try:
        await service.update_action(request.user, id, convert(values, s.ActionUpdate))
    except (FormErrors, ServiceError) as exc:
        return await _action_page(request, id, _error(exc), 422)
    return Redirect(f"/sam/atgarder/{id}")


# --- annual follow-up ------------------------------------------------------------------------


def _follow_up_values(form: Any) -> dict[str, Any]:
    checklist = [{"element": e, "answer": text(form.get(f"{e}.answer")), "comment": text(form.get(f"{e}.comment"))}
                 for e in rules.CHECKLIST if text(form.get(f"{e}.answer"))]
    return {
        "department_id": optional_int(form.get("department_id")), "year": optional_int(form.get("year")),
        "date": text(form.get("date")), "meeting_id": optional_int(form.get("meeting_id")),
        "participants": text(form.get("participants")), "summary": text(form.get("summary")), "checklist": checklist,
        "improvements": _rows(form, "improvement", ("what", "responsible", "due"), {}), "version": optional_int(form.get("version")),
    }


def _follow_up_body(values: dict[str, Any]) -> s.AnnualFollowUpCreate:
    kept = [i for i, m in enumerate(values["improvements"]) if m.get("what")]
    try:
        return convert({**{k: v for k, v in values.items() if k != "version"},
                        "improvements": [values["improvements"][i] for i in kept]}, s.AnnualFollowUpCreate, rows=True)
    except FormErrors as exc:
        raise FormErrors({_form_row(k, [], [], kept): v for k, v in exc.errors.items()}) from None


async def _follow_up_form(request: Request, values: dict, errors: dict, status: int = 200, id: int | None = None) -> Template:
    department_id = values.get("department_id")
    return Template("sam/follow_up_form.html", context={
        "values": values, "errors": errors, "departments": await _departments(request), "id": id,
        "meetings": await service.meeting_choices(request.user, department_id) if isinstance(department_id, int) else [],
        "answers": {c["element"]: c for c in values.get("checklist", [])},
    }, status_code=status)


@get("/sam/uppfoljningar/ny", guards=[EMPLOYER], name="sam-follow-up-new")
async def new_follow_up(request: Request, forvaltning: FromQuery[str | None] = None) -> Template:
    today = clock.today()
    return await _follow_up_form(request, {
        "department_id": _changeable(request, forvaltning), "year": today.year, "date": today.isoformat(),
        "checklist": [], "improvements": [{}]}, {})


@post("/sam/uppfoljningar/ny", guards=[EMPLOYER], name="sam-follow-up-create")
async def create_follow_up(request: Request) -> Template | Redirect:
    form = await request.form()
    values = _follow_up_values(form)
    if _row_asked(form):
        return await _follow_up_form(request, values, {})
    try:
        created = await service.create_follow_up(request.user, _follow_up_body(values))
    except (FormErrors, ServiceError) as exc:
        return await _follow_up_form(request, values, _error(exc), status=422)
    return Redirect(f"/sam/uppfoljningar/{created.id}")


async def _follow_up_page(request: Request, id: int, errors: dict | None = None, values: dict | None = None,
                          status: int = 200) -> Template:
    f = await service.get_follow_up(request.user, id)
    meeting = await service.visible_meeting(request.user, f.meeting_id)
    return Template("sam/follow_up.html", context={
        "f": f, "meeting": meeting, "department": await service.department_name(f.department_id),
        "answers": {c.element: c for c in f.checklist},
        "actions": (await service.list_actions(request.user, annual_follow_up_id=id, page=ALL)).items,
        "can_change": service.may_change(request.user, f.department_id), "errors": errors or {}, "values": values or {},
        "today": clock.today(), **await _comments(request, "annual_follow_up", id),
    }, status_code=status)


@get("/sam/uppfoljningar/{id:int}", guards=[SIGNED_IN], name="sam-follow-up")
async def follow_up_page(request: Request, id: RecordId) -> Template:
    return await _follow_up_page(request, id)


@get("/sam/uppfoljningar/{id:int}/andra", guards=[EMPLOYER], name="sam-follow-up-edit")
async def edit_follow_up(request: Request, id: RecordId) -> Template | Redirect:
    f = await service.get_follow_up(request.user, id)
    if f.closed_on or not service.may_change(request.user, f.department_id):
        return Redirect(f"/sam/uppfoljningar/{id}")
    return await _follow_up_form(request, {
        "department_id": f.department_id, "year": f.year, "date": f.date.isoformat(), "meeting_id": f.meeting_id,
        "participants": f.participants, "summary": f.summary, "version": f.version, "improvements": [],
        "checklist": [{"element": c.element, "answer": c.answer, "comment": c.comment} for c in f.checklist]}, {}, id=id)


@post("/sam/uppfoljningar/{id:int}/andra", guards=[EMPLOYER], name="sam-follow-up-update")
async def update_follow_up(request: Request, id: RecordId) -> Template | Redirect:
    f = await service.get_follow_up(request.user, id)
    values = {**_follow_up_values(await request.form()), "department_id": f.department_id, "year": f.year,
              "date": f.date.isoformat(), "improvements": []}
    try:
        patch = convert({k: values[k] for k in ("meeting_id", "participants", "summary", "checklist", "version")},
                        s.AnnualFollowUpUpdate)
        await service.update_follow_up(request.user, id, patch)
    except (FormErrors, ServiceError) as exc:
        status = 409 if isinstance(exc, ServiceError) and exc.status_code == 409 else 422
        return await _follow_up_form(request, values, _error(exc), status=status, id=id)
    return Redirect(f"/sam/uppfoljningar/{id}")


@post("/sam/uppfoljningar/{id:int}/klar", guards=[EMPLOYER], name="sam-follow-up-close")
async def close_follow_up(request: Request, id: RecordId) -> Template | Redirect:
    try:
        await service.close_record(request.user, "annual_follow_up", id)
    except ServiceError as exc:
        return await _follow_up_page(request, id, _error(exc), status=exc.status_code)
    return Redirect(f"/sam/uppfoljningar/{id}")


@get("/sam/uppfoljningar/{id:int}/dokument", guards=[SIGNED_IN], name="sam-follow-up-document")
async def follow_up_document(request: Request, id: RecordId) -> Response[bytes]:
    return attachment(*await annual_follow_up_document(request.user, id, request.app.state.settings), DOCX)


@post("/sam/uppfoljningar/{id:int}/atgarder", guards=[EMPLOYER], name="sam-follow-up-action")
async def add_follow_up_action(request: Request, id: RecordId) -> Template | Redirect:
    values = {**_action_values(await request.form()), "annual_follow_up_id": id}
    try:
        await service.create_action(request.user, convert(values, s.ActionCreate))
    except (FormErrors, ServiceError) as exc:
        return await _follow_up_page(request, id, _error(exc), values, 422)
    return Redirect(f"/sam/uppfoljningar/{id}#forbattringar")


# --- skyddsombud requests --------------------------------------------------------------------


async def _request_form(request: Request, values: dict, errors: dict, status: int = 200) -> Template:
    return Template("sam/request_form.html", context={
        "values": values, "errors": errors, "departments": await _departments(request),
    }, status_code=status)


@get("/sam/begaran/ny", guards=[SIGNED_IN], name="sam-request-new")
async def new_request(request: Request, forvaltning: FromQuery[str | None] = None) -> Template:
    name = request.user.name if rights.is_union(request.user) else ""
    return await _request_form(request, {"department_id": filter_id(forvaltning) or request.user.department_id,
                                         "received_on": clock.today().isoformat(), "safety_rep_name": name}, {})


@post("/sam/begaran/ny", guards=[SIGNED_IN], name="sam-request-create")
async def create_request(request: Request) -> Template | Redirect:
    form = await request.form()
    values = {k: text(form.get(k)) for k in ("title", "description", "unit", "safety_rep_name", "received_on")}
    values.update(department_id=optional_int(form.get("department_id")), answer_by=text(form.get("answer_by")).strip() or None)
    try:
        created = await service.create_request(request.user, convert(values, s.SafetyRepRequestCreate))
    except (FormErrors, ServiceError) as exc:
        return await _request_form(request, values, _error(exc), status=422)
    return Redirect(f"/sam/begaran/{created.id}")


async def _request_page(request: Request, id: int, errors: dict | None = None, status: int = 200) -> Template:
    r = await service.get_request(request.user, id)
    return Template("sam/request.html", context={
        "r": r, "department": await service.department_name(r.department_id), "today": clock.today(),
        "can_change": service.may_change(request.user, r.department_id), "errors": errors or {},
        **await _comments(request, "safety_rep_request", id),
    }, status_code=status)


@get("/sam/begaran/{id:int}", guards=[SIGNED_IN], name="sam-request")
async def request_page(request: Request, id: RecordId) -> Template:
    return await _request_page(request, id)


@post("/sam/begaran/{id:int}/bekrafta", guards=[EMPLOYER], name="sam-request-acknowledge")
async def acknowledge(request: Request, id: RecordId) -> Template | Redirect:
    form = await request.form()
    try:
        await service.acknowledge_request(request.user, id, convert({"acknowledged_on": text(form.get("acknowledged_on"))},
                                                                    s.Acknowledgement))
    except (FormErrors, ServiceError) as exc:
        return await _request_page(request, id, _error(exc), 422)
    return Redirect(f"/sam/begaran/{id}")


@post("/sam/begaran/{id:int}/besvara", guards=[EMPLOYER], name="sam-request-answer")
async def answer(request: Request, id: RecordId) -> Template | Redirect:
    form = await request.form()
    values = {"answer": text(form.get("answer")), "answered_on": text(form.get("answered_on"))}
    try:
        await service.answer_request(request.user, id, convert(values, s.SafetyRepRequestAnswer))
    except (FormErrors, ServiceError) as exc:
        return await _request_page(request, id, _error(exc), 422)
    return Redirect(f"/sam/begaran/{id}")


# --- comments ----------------------------------------------------------------------------------

def _comment_route(kind: str, subject: str, page: Any) -> Any:
    """One route per kind: Litestar does not fall back from /sam/begaran/… to a /sam/{kind}/… pattern."""

    @post(f"/sam/{kind}/{{id:int}}/kommentarer", guards=[SIGNED_IN], name=f"sam-{kind}-comment")
    async def comment(request: Request, id: RecordId) -> Template | Redirect:
        try:
            await service.add_comment(request.user, subject, id, convert({"text": text((await request.form()).get("text"))},
                                                                         s.SamCommentCreate))
        except (FormErrors, ServiceError) as exc:
            return await page(request, id, {"comment": next(iter(_error(exc).values()))}, status=422)
        return Redirect(f"/sam/{kind}/{id}#kommentarer")

    return comment


SAM_PAGES = [overview, new_assessment, create_assessment, edit_assessment, update_assessment, close_assessment, assessment_page, assessment_document, add_assessment_action,
             action_page, update_action, new_follow_up, create_follow_up, edit_follow_up, update_follow_up, close_follow_up, follow_up_page, follow_up_document,
             add_follow_up_action, new_request, create_request, request_page, acknowledge, answer,
             *[_comment_route(kind, subject, page) for kind, subject, page in (
                 ("riskbedomningar", "risk_assessment", _assessment_page), ("atgarder", "action", _action_page),
                 ("uppfoljningar", "annual_follow_up", _follow_up_page), ("begaran", "safety_rep_request", _request_page))]]
