"""Pages of matters: the list with filters, a matter with its parties, timeline and hold."""

from __future__ import annotations

from typing import Any

import msgspec

from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from samverkan.accounts import rights
from samverkan import clock
from samverkan.accounts.access import ADMIN_OR_HR, EMPLOYER, SIGNED_IN
from samverkan.deadlines import service as deadlines
from samverkan.deadlines.schemas import DeadlineWaive
from samverkan.errors import ServiceError
from samverkan.matters import rules
from samverkan.matters import schemas as s
from samverkan.matters import service
from samverkan.orgs import service as orgs
from samverkan.pagination import PageRequest, page_count
from samverkan.papers.pages import section as papers_section
from samverkan.sam import service as sam
from samverkan.web.forms import FormErrors, convert, filter_id, optional_int, service_errors, text
from samverkan.web.params import PageNumber, RecordId, SearchText

PAGE_SIZE = 50


async def _names() -> dict[str, dict[int, str]]:
    return {"department": dict(await orgs.choices("department")), "union": dict(await orgs.choices("union"))}


def _can_change(request: Request) -> bool:
    return rights.is_employer(request.user)


@get("/arenden", guards=[SIGNED_IN], name="matters")
async def matter_list(
    request: Request, q: SearchText = None, typ: FromQuery[str | None] = None, forvaltning: FromQuery[str | None] = None,
    forbund: FromQuery[str | None] = None, status: FromQuery[str | None] = None, sida: PageNumber = 1,
) -> Template:
    # A filter form sends "" for "all"; anything that is not an id counts as "all".
    forvaltning, forbund = filter_id(forvaltning), filter_id(forbund)
    page = await service.list_matters(
        request.user, q=q, kind=typ if typ in rules.KINDS else None, department_id=forvaltning, union_id=forbund,
        status=status if status in {"open", "on_hold", "closed", "decided"} else None,
        page=PageRequest(PAGE_SIZE, (sida - 1) * PAGE_SIZE),
    )
    return Template("matters/list.html", context={
        "page": page, "names": await _names(), "can_change": _can_change(request), "sida": sida,
        "pages": page_count(page, PAGE_SIZE, sida),
        "filters": {"q": q or "", "typ": typ or "", "forvaltning": forvaltning, "forbund": forbund, "status": status or ""},
    })


def _matter_values(form: Any) -> dict[str, Any]:
    return {
        "title": text(form.get("title")), "kind": text(form.get("kind")), "description": text(form.get("description")),
        "department_id": optional_int(form.get("department_id")),
        "union_ids": [optional_int(v) for v in form.getall("union_ids")] if "union_ids" in form else [],
        "personal_data": "personal_data" in form, "diary_no": text(form.get("diary_no")).strip() or None,
        "claimant": text(form.get("claimant")) or None,
    }


async def _form(request: Request, values: dict, errors: dict, matter: s.Matter | None = None, status: int = 200) -> Template:
    return Template("matters/form.html", context={
        "values": values, "errors": errors, "matter": matter, "names": await _names(), "viewer": request.user,
    }, status_code=status)


@get("/arenden/nytt", guards=[EMPLOYER], name="matter-new")
async def new_matter(request: Request) -> Template:
    return await _form(request, {"department_id": request.user.department_id, "union_ids": []}, {})


@post("/arenden/nytt", guards=[EMPLOYER], name="matter-create")
async def create_matter(request: Request) -> Template | Redirect:
    values = _matter_values(await request.form())
    try:
        matter = await service.create_matter(request.user, convert(values, s.MatterCreate))
    except FormErrors as exc:
        return await _form(request, values, exc.errors, status=422)
    except ServiceError as exc:
        return await _form(request, values, service_errors(exc).errors, status=422)
    return Redirect(f"/arenden/{matter.id}")


@get("/arenden/{id:int}/redigera", guards=[EMPLOYER], name="matter-edit")
async def edit_matter(request: Request, id: RecordId) -> Template:
    matter = await service.get_matter(request.user, id)
    return await _form(request, msgspec.structs.asdict(matter), {}, matter)


@post("/arenden/{id:int}/redigera", guards=[EMPLOYER], name="matter-update")
async def update_matter(request: Request, id: RecordId) -> Template | Redirect:
    matter = await service.get_matter(request.user, id)
    form = await request.form()
    values = _matter_values(form)
    values["diary_no"] = values["diary_no"] or matter.diary_no
    values["version"] = optional_int(form.get("version"))
    try:
        await service.update_matter(request.user, id, convert(values, s.MatterUpdate))
    except FormErrors as exc:
        return await _form(request, values, exc.errors, matter, status=422)
    except ServiceError as exc:
        return await _form(request, values, service_errors(exc).errors, matter, status=422)
    return Redirect(f"/arenden/{id}")


async def _page(request: Request, matter: s.Matter, errors: dict | None = None, values: dict | None = None,
                status: int = 200) -> Template:
    return Template("matters/detail.html", context={
        "matter": matter, "names": await _names(), "can_change": _can_change(request), "errors": errors or {},
        "deadlines": await deadlines.matter_deadlines(request.user, matter.id),
        "risk_assessments": (await sam.list_risk_assessments(request.user, matter_id=matter.id)).items,
        "can_waive": rights.sees_all(request.user),
        "values": values or {"date": clock.today().isoformat()}, "event_types": _event_types_for(matter.kind),
        **await papers_section(request, matter=matter),
    }, status_code=status)


async def page_with_paper_errors(request: Request, id: int, errors: dict) -> Template:
    return await _page(request, await service.get_matter(request.user, id), errors, status=422)


def _event_types_for(kind: str) -> list[tuple[str, str]]:
    return [(k, v.label) for k, v in rules.EVENT_TYPES.items() if kind in v.kinds]


@get("/arenden/{id:int}", guards=[SIGNED_IN], name="matter")
async def matter_page(request: Request, id: RecordId) -> Template:
    return await _page(request, await service.get_matter(request.user, id))


def _event_values(form: Any) -> dict[str, Any]:
    return {
        "type": text(form.get("type")), "date": text(form.get("date")), "time": text(form.get("time")) or None,
        "union_id": optional_int(form.get("union_id")), "outcome": text(form.get("outcome")) or None, "note": text(form.get("note")),
    }


@post("/arenden/{id:int}/handelser", guards=[EMPLOYER], name="matter-event-add")
async def add_event(request: Request, id: RecordId) -> Template | Redirect:
    values = _event_values(await request.form())
    try:
        await service.add_event(request.user, id, convert(values, s.EventCreate))
    except FormErrors as exc:
        return await _page(request, await service.get_matter(request.user, id), exc.errors, values, 422)
    except ServiceError as exc:
        if exc.status_code == 404:
            raise
        return await _page(request, await service.get_matter(request.user, id), service_errors(exc).errors, values, 422)
    return Redirect(f"/arenden/{id}#tidslinje")


@post("/arenden/{id:int}/handelser/{event_id:int}/ta-bort", guards=[EMPLOYER], name="matter-event-delete")
async def delete_event(request: Request, id: RecordId, event_id: RecordId) -> Template | Redirect:
    form = await request.form()
    try:
        data = convert({"reason": text(form.get("reason"))}, s.EventDelete)
        await service.delete_event(request.user, id, event_id, data.reason)
    except FormErrors as exc:
        return await _page(request, await service.get_matter(request.user, id),
                           {f"delete-{event_id}": "Ange varför händelsen tas bort."} if "reason" in exc.errors else exc.errors,
                           status=422)
    return Redirect(f"/arenden/{id}#tidslinje")


@post("/arenden/{id:int}/handelser/{event_id:int}", guards=[EMPLOYER], name="matter-event-update")
async def update_event(request: Request, id: RecordId, event_id: RecordId) -> Template | Redirect:
    """Correct an event's date, time, outcome or note; the reason is kept in the history."""
    form = await request.form()
    values = {"date": text(form.get("date")), "time": text(form.get("time")) or None,
              "outcome": text(form.get("outcome")) or None, "note": text(form.get("note")), "reason": text(form.get("reason"))}
    try:
        await service.update_event(request.user, id, event_id, convert(values, s.EventUpdate))
    except FormErrors as exc:
        return await _page(request, await service.get_matter(request.user, id),
                           {f"edit-{event_id}": next(iter(exc.errors.values()))}, status=422)
    except ServiceError as exc:
        if exc.status_code == 404:
            raise
        return await _page(request, await service.get_matter(request.user, id), {f"edit-{event_id}": exc.detail}, status=422)
    return Redirect(f"/arenden/{id}#tidslinje")


@post("/arenden/{id:int}/frister/{deadline_id:int}/efterge", guards=[ADMIN_OR_HR], name="deadline-waive")
async def waive_deadline(request: Request, id: RecordId, deadline_id: RecordId) -> Template | Redirect:
    form = await request.form()
    try:
        data = convert({"reason": text(form.get("reason"))}, DeadlineWaive)
        await deadlines.waive(request.user, deadline_id, data.reason)
    except (FormErrors, ServiceError) as exc:
        if isinstance(exc, ServiceError) and exc.status_code == 404:
            raise
        message = "Ange varför fristen efterges." if isinstance(exc, FormErrors) else exc.detail
        return await _page(request, await service.get_matter(request.user, id), {f"waive-{deadline_id}": message}, status=422)
    return Redirect(f"/arenden/{id}#frister")


ROUTES = [waive_deadline, matter_list, new_matter, create_matter, edit_matter, update_matter, matter_page, add_event, update_event, delete_event]
