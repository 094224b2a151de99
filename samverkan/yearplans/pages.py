"""The groups' own pages: a list of the samverkansgrupper, each group's page (its actions, the questions
waiting there and answered, SAM actions beside) and its "Årsplan": the year as a strip of months,
a plan proposed from the cadence that the user edits before saving, and the sammanträdesplan."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromQuery, PathParameter, QueryParameter
from litestar.response import Redirect, Response, Template

from samverkan import clock
from samverkan.accounts import rights
from samverkan.accounts.access import EMPLOYER, SIGNED_IN
from samverkan.actions import service as actions
from samverkan.documents.api import attachment
from samverkan.errors import ServiceError
from samverkan.meetings import service as meetings
from samverkan.orgs import service as orgs
from samverkan.orgs.pages import LEVEL_LABELS
from samverkan.pagination import PageRequest
from samverkan.questions import service as questions
from samverkan.sam import service as sam
from samverkan.web.forms import FormErrors, convert, service_errors, text
from samverkan.web.params import RecordId
from samverkan.yearplans import rules
from samverkan.yearplans import schemas as s
from samverkan.yearplans import service
from samverkan.yearplans.document import DOCX, year_plan_document

Year = Annotated[int | None, QueryParameter(ge=2000, le=2100)]
PlanYear = Annotated[int, PathParameter(ge=2000, le=2100)]
ActionFilter = Annotated[str | None, QueryParameter(pattern="^(open|overdue|done|struck)$")]
ACTION_FILTERS = {"open": "Öppna", "overdue": "Försenade", "done": "Klara", "struck": "Strukna"}


@get("/grupper", guards=[SIGNED_IN], name="groups")
async def groups_page(request: Request) -> Template:
    page = await orgs.list_groups(active=True, page=PageRequest(limit=500))
    return Template("yearplans/groups.html", context={
        "groups": page.items, "levels": LEVEL_LABELS, "departments": dict(await orgs.choices("department"))})


@get("/grupper/{id:int}", guards=[SIGNED_IN], name="group")
async def group_page(request: Request, id: RecordId, atgarder: ActionFilter = None) -> Template:
    viewer = request.user
    group = await orgs.get_group(id)
    names = dict(await orgs.choices("group"))
    state = atgarder or "open"
    sam_actions = (await sam.list_actions(viewer, department_id=group.department_id, state="open", page=PageRequest(limit=50))).items \
        if group.department_id and group.level != "apt" else []
    return Template("yearplans/group.html", context={
        "group": group, "levels": LEVEL_LABELS, "parent": names.get(group.parent_group_id), "year": clock.today().year,
        "actions": (await actions.list_actions(viewer, group_id=id, state=state, page=PageRequest(limit=100))).items,
        "action_state": state, "action_filters": ACTION_FILTERS,
        "waiting": (await questions.list_questions(viewer, group_id=id, state="open", page=PageRequest(limit=100))).items,
        "answered": (await questions.list_questions(viewer, group_id=id, state="answered", page=PageRequest(limit=20))).items,
        "sam_actions": sam_actions, "status_labels": {"open": "Öppen", "done": "Klar", "struck": "Struken"},
        "lift_to": await questions.lift_targets([id]), "can_change": rights.may_change_department(viewer, group.department_id),
        "meetings": (await meetings.list_meetings(viewer, group_id=id, from_=clock.today() - dt.timedelta(days=90),
                                                  page=PageRequest(limit=8))).items,
    })


def _strip(year: int, meetings: list, proposal: list[dt.date]) -> list[dict[str, Any]]:
    months: list[dict[str, Any]] = [{"name": rules.month_name(m), "meetings": [], "proposed": []} for m in range(1, 13)]
    for m in meetings:
        months[m.starts_at.astimezone(clock.STOCKHOLM).month - 1]["meetings"].append(m)
    for day in proposal:
        months[day.month - 1]["proposed"].append(day)
    return months


async def _plan_page(request: Request, id: int, year: int, proposal: s.YearPlan | None = None, errors: dict | None = None,
                     dates: list[str] | None = None, status: int = 200) -> Template:
    viewer = request.user
    group = await service.group_row(id)
    meetings = await service.year_meetings(viewer, id, year)
    items = await service.annual_items(id)
    titles = {i.title for i in items}
    saved = [m.starts_at.astimezone(clock.STOCKHOLM).date() for m in meetings]
    warnings = await service.plan_warnings(group, [], saved)
    return Template("yearplans/plan.html", context={
        "group": group, "year": year, "meetings": meetings, "titles": titles, "items": items, "warnings": warnings,
        "proposal": proposal, "dates": dates or ([m.date.isoformat() for m in proposal.meetings] if proposal else []),
        "strip": _strip(year, meetings, [m.date for m in proposal.meetings] if proposal else []),
        "can_change": rights.may_change_department(viewer, group["department"]), "errors": errors or {},
        "month_name": rules.month_name,
    }, status_code=status)


@get("/grupper/{id:int}/arsplan", guards=[SIGNED_IN], name="year-plan")
async def year_plan_page(request: Request, id: RecordId, ar: Year = None, forslag: FromQuery[bool] = False) -> Template:
    year = ar or clock.today().year + 1
    proposal = await service.plan(request.user, id, s.YearPlanCreate(year=year)) if forslag else None
    return await _plan_page(request, id, year, proposal)


@post("/grupper/{id:int}/arsplan", guards=[EMPLOYER], name="year-plan-save")
async def save_year_plan(request: Request, id: RecordId) -> Template | Redirect:
    form = await request.form()
    year_text = text(form.get("year")).strip()
    dates = [d.strip() for d in form.getall("dates", []) if isinstance(d, str) and d.strip()]
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else clock.today().year + 1
    values = {"year": year_text or None, "dates": dates, "place": text(form.get("place"))}
    try:
        await service.plan(request.user, id, convert(values, s.YearPlanCreate))
    except (FormErrors, ServiceError) as exc:
        errors = exc.errors if isinstance(exc, FormErrors) else service_errors(exc).errors
        return await _plan_page(request, id, year, errors=errors, dates=dates, status=422 if isinstance(exc, FormErrors) else exc.status_code)
    return Redirect(f"/grupper/{id}/arsplan?ar={year}")


@get("/grupper/{id:int}/arsplan/{year:int}/dokument", guards=[SIGNED_IN], name="year-plan-document")
async def year_plan_document_page(request: Request, id: RecordId, year: PlanYear) -> Response[bytes]:
    return attachment(*await year_plan_document(request.user, id, year, request.app.state.settings), DOCX)


ROUTES = [groups_page, group_page, year_plan_page, save_year_plan, year_plan_document_page]
