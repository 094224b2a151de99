"""Pages of meetings: the list, a new meeting, and the meeting page where the minute-taker writes
the record during the meeting. Agenda items save as they go (htmx); every form also works as a
plain form without JavaScript."""

from __future__ import annotations

import datetime as dt
from typing import Any, Awaitable, Callable

import msgspec
from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Response, Template

from samverkan.accounts import rights
from samverkan import clock
from samverkan.accounts.access import EMPLOYER, SIGNED_IN
from samverkan.documents.pages import section as documents_section
from samverkan.errors import Conflict, ServiceError
from samverkan.matters import service as matters
from samverkan.meetings import rules
from samverkan.meetings import schemas as s
from samverkan.meetings import service
from samverkan.orgs import service as orgs
from samverkan.pagination import PageRequest, page_count
from samverkan.papers.pages import notice_section, proposal_section
from samverkan.papers.pages import section as papers_section
from samverkan.web.forms import FormErrors, convert, filter_id, optional_int, service_errors, text
from samverkan.web.params import PageNumber, RecordId

PAGE_SIZE = 50


def _can_change(request: Request, meeting: Any = None) -> bool:
    if meeting is None:
        return rights.is_employer(request.user)
    return rights.may_change_department(request.user, meeting.department_id)


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


# --- list and new ------------------------------------------------------------


@get("/moten", guards=[SIGNED_IN], name="meetings")
async def meeting_list(request: Request, visa: FromQuery[str | None] = None, grupp: FromQuery[str | None] = None,
                       sida: PageNumber = 1) -> Template:
    past = visa == "tidigare"
    today = clock.today()
    group_id = filter_id(grupp)
    page = await service.list_meetings(
        request.user, from_=None if past else today, to=today - dt.timedelta(days=1) if past else None,
        group_id=group_id, descending=past, page=PageRequest(PAGE_SIZE, (sida - 1) * PAGE_SIZE),
    )
    groups = await orgs.choices("group")
    return Template("meetings/list.html", context={
        "page": page, "past": past, "group_id": group_id, "groups": groups,
        "group_names": dict(groups), "can_change": _can_change(request),
        "sida": sida, "pages": page_count(page, PAGE_SIZE, sida),
    })


def _new_values(form: Any) -> dict[str, Any]:
    day, start, end = text(form.get("date")), text(form.get("start")), text(form.get("end"))
    return {
        "kind": text(form.get("kind")), "title": text(form.get("title")), "group_id": optional_int(form.get("group_id")),
        "department_id": optional_int(form.get("department_id")), "place": text(form.get("place")),
        "starts_at": _local(day, start), "ends_at": _local(day, end),
        "standard_agenda": "standard_agenda" in form,
    }


def _local(day: str, time: str) -> str:
    """A date and an HH:MM from the form as a local date-time (Europe/Stockholm is assumed)."""
    if not day or not time:
        return ""
    return f"{day}T{time}:00" if len(time) == 5 else f"{day}T{time}"


async def _new_form(request: Request, values: dict, errors: dict, status: int = 200) -> Template:
    return Template("meetings/form.html", context={
        "values": values, "errors": errors, "groups": await orgs.choices("group"),
        "departments": await orgs.choices("department"),
    }, status_code=status)


@get("/moten/nytt", guards=[EMPLOYER], name="meeting-new")
async def new_meeting(request: Request) -> Template:
    return await _new_form(request, {"kind": "samverkan", "standard_agenda": True, "department_id": request.user.department_id,
                                     "date": clock.today().isoformat(), "start": "09:00", "end": "11:00"}, {})


@post("/moten/nytt", guards=[EMPLOYER], name="meeting-create")
async def create_meeting(request: Request) -> Template | Redirect:
    form = await request.form()
    values = _new_values(form)
    shown = {**values, "date": text(form.get("date")), "start": text(form.get("start")), "end": text(form.get("end"))}
    try:
        meeting = await service.create_meeting(request.user, convert(values, s.MeetingCreate))
    except FormErrors as exc:
        return await _new_form(request, shown, _time_fields(exc.errors), 422)
    except ServiceError as exc:
        return await _new_form(request, shown, _time_fields(service_errors(exc).errors), 422)
    return Redirect(f"/moten/{meeting.id}")


def _time_fields(errors: dict[str, str]) -> dict[str, str]:
    """The form asks for a date and two times; the API's starts_at/ends_at point at those."""
    renamed = {"starts_at": "start", "ends_at": "end"}
    return {renamed.get(k, k): v for k, v in errors.items()}


# --- the meeting page --------------------------------------------------------


async def _context(request: Request, meeting: s.Meeting) -> dict[str, Any]:
    unions = dict(await orgs.choices("union"))
    people_rows = await orgs.people()
    people = {p["id"]: p for p in people_rows}
    candidates = [
        (p["id"], f"{p['name']} ({unions.get(p['trade_union'], 'arbetsgivaren')})")
        for p in people_rows
        if p["side"] == "employer" or p["trade_union"] in meeting.union_ids
    ]
    by_party: dict[Any, list] = {None: [(p["id"], p["name"]) for p in people_rows if p["side"] == "employer"]}
    for union_id in meeting.union_ids:
        by_party[union_id] = [(p["id"], p["name"]) for p in people_rows if p["trade_union"] == union_id]
    matter_choices = await matters.choices(request.user, meeting.department_id) if meeting.department_id else []
    return {
        "meeting": meeting, "unions": unions, "people": people, "candidates": candidates, "by_party": by_party,
        "approvers": {a.union_id: a.person_id for a in meeting.approvers},
        "matters": matter_choices,
        "can_change": _can_change(request, meeting) and meeting.status != "cancelled" and meeting.protocol_state == "draft",
        "moves": sorted(rules.TRANSITIONS[meeting.status]),
        "group_name": dict(await orgs.choices("group")).get(meeting.group_id),
        "department_name": dict(await orgs.choices("department")).get(meeting.department_id),
        **await documents_section(request, meeting),
        **await papers_section(request, meeting=meeting),
        **await notice_section(request, meeting),
        **await proposal_section(request, meeting),
    }


@get("/moten/{id:int}", guards=[SIGNED_IN], name="meeting")
async def meeting_page(request: Request, id: RecordId) -> Template:
    meeting = await service.get_meeting(request.user, id)
    return Template("meetings/detail.html", context={**await _context(request, meeting), "errors": {}, "document_errors": {}})


async def page_with_errors(request: Request, id: int, errors: dict, status: int = 422,
                           document_errors: dict | None = None) -> Template:
    meeting = await service.get_meeting(request.user, id)
    return Template("meetings/detail.html", status_code=status, context={
        **await _context(request, meeting), "errors": errors, "document_errors": document_errors or {}})


async def _apply(request: Request, id: int, change: Callable[[], Awaitable[Any]], then: str) -> Template | Redirect:
    """Make a change from a form on the meeting page: back to the page, or the page with the errors."""
    try:
        await change()
    except FormErrors as exc:
        return await page_with_errors(request, id, exc.errors)
    except ServiceError as exc:
        if exc.status_code == 404:
            raise
        return await page_with_errors(request, id, service_errors(exc).errors)
    return Redirect(then)


@post("/moten/{id:int}/status", guards=[EMPLOYER], name="meeting-status")
async def change_status(request: Request, id: RecordId) -> Template | Redirect:
    form = await request.form()
    return await _apply(request, id, lambda: service.update_meeting(
        request.user, id, convert({"status": text(form.get("status"))}, s.MeetingUpdate)), f"/moten/{id}")


@post("/moten/{id:int}/roller", guards=[EMPLOYER], name="meeting-roles")
async def set_roles(request: Request, id: RecordId) -> Template | Redirect:
    """Chair, minute-taker and one justerare per party (the employer and each union)."""
    meeting = await service.get_meeting(request.user, id)
    form = await request.form()
    approvers = []
    for union_id in [None, *meeting.union_ids]:
        person_id = optional_int(form.get(f"approver_{union_id or 'employer'}"))
        if person_id is not None:
            approvers.append({"union_id": union_id, "person_id": person_id})
    values = {"chair_id": optional_int(form.get("chair_id")), "minute_taker_id": optional_int(form.get("minute_taker_id")),
              "approvers": approvers, "version": optional_int(form.get("version"))}
    return await _apply(request, id, lambda: service.update_meeting(request.user, id, convert(values, s.MeetingUpdate)),
                        f"/moten/{id}#roller")


# --- participants --------------------------------------------------------------


@post("/moten/{id:int}/deltagare", guards=[EMPLOYER], name="participant-add")
async def add_participant(request: Request, id: RecordId) -> Template | Redirect:
    form = await request.form()
    values = {"person_id": optional_int(form.get("person_id")), "role": text(form.get("role")) or "ordinary"}
    return await _apply(request, id, lambda: service.add_participant(request.user, id, convert(values, s.ParticipantCreate)),
                        f"/moten/{id}#deltagare")


@post("/moten/{id:int}/deltagare/{participant_id:int}", guards=[EMPLOYER], name="participant-update")
async def update_participant(request: Request, id: RecordId, participant_id: RecordId) -> Response | Redirect:
    form = await request.form()
    await service.update_participant(request.user, id, participant_id, s.ParticipantUpdate(present="present" in form))
    if _is_htmx(request):
        return Response(content="", status_code=204)
    return Redirect(f"/moten/{id}#deltagare")


@post("/moten/{id:int}/deltagare/{participant_id:int}/ta-bort", guards=[EMPLOYER], name="participant-remove")
async def remove_participant(request: Request, id: RecordId, participant_id: RecordId) -> Redirect:
    await service.remove_participant(request.user, id, participant_id)
    return Redirect(f"/moten/{id}#deltagare")


# --- agenda ----------------------------------------------------------------------


def _item_values(form: Any, union_ids: list[int]) -> dict[str, Any]:
    positions = []
    for union_id in union_ids:
        key = f"u{union_id}"
        positions.append({
            "union_id": union_id, "outcome": text(form.get(f"{key}_outcome")) or None, "note": text(form.get(f"{key}_note")),
            "reservation": text(form.get(f"{key}_reservation")), "central_requested": f"{key}_central" in form,
        })
    return {
        "title": text(form.get("title")), "kind": text(form.get("kind")) or "other", "matter_id": optional_int(form.get("matter_id")),
        "text": text(form.get("text")), "employer_position": text(form.get("employer_position")), "positions": positions,
        "version": optional_int(form.get("version")),
    }


async def _item_fragment(request: Request, meeting: s.Meeting, item: s.AgendaItem, *, errors: dict | None = None,
                         conflict: s.AgendaItem | None = None, status: int) -> Template:
    return Template("meetings/_item.html", context={
        **await _context(request, meeting), "item": item, "errors": errors or {}, "conflict": conflict, "saved_at": None,
        "item_failed": True,  # what is in the fields was not saved
    }, status_code=status)


@post("/moten/{id:int}/punkter", guards=[EMPLOYER], name="item-add")
async def add_item(request: Request, id: RecordId) -> Template | Redirect:
    form = await request.form()
    values = {"title": text(form.get("title")), "kind": text(form.get("kind")) or "other", "matter_id": optional_int(form.get("matter_id"))}
    try:
        item = await service.add_item(request.user, id, convert(values, s.AgendaItemCreate))
    except FormErrors as exc:
        return await page_with_errors(request, id, {f"new_{k}": v for k, v in exc.errors.items()})
    except ServiceError as exc:
        if exc.status_code == 404:
            raise
        return await page_with_errors(request, id, {f"new_{exc.field or '_'}": exc.detail})
    return Redirect(f"/moten/{id}#punkt-{item.id}")


@post("/moten/{id:int}/punkter/{item_id:int}", guards=[EMPLOYER], name="item-save")
async def save_item(request: Request, id: RecordId, item_id: RecordId) -> Template | Redirect:
    """Save one agenda item. With htmx the answer is only what changed (the new version and
    "saved"), so the minute-taker keeps typing undisturbed; without JavaScript, the page again."""
    meeting = await service.get_meeting(request.user, id)
    current = next((i for i in meeting.agenda if i.id == item_id), None)
    if current is None:
        raise ServiceError(f"Punkten {item_id} finns inte på mötet.")
    values = _item_values(await request.form(), meeting.union_ids)
    # What was typed, to show again with any error (a Struct built directly is not validated).
    attempted = s.AgendaItem(
        id=item_id, number=current.number, title=values["title"], kind=values["kind"], matter_id=values["matter_id"],
        text=values["text"], employer_position=values["employer_position"],
        positions=[s.Position(**p) for p in values["positions"]], closed_on=current.closed_on, version=current.version,
    )
    try:
        data = convert(values, s.AgendaItemUpdate)
        saved = await service.update_item(request.user, id, item_id, data)
    except FormErrors as exc:
        return await _item_fragment(request, meeting, attempted, errors=exc.errors, status=422)
    except Conflict as exc:
        if exc.field != "version":
            return await _item_fragment(request, meeting, attempted, errors={exc.field or "_": exc.detail}, status=422)
        # Show both: what the other person saved, and what this person wrote (kept in the fields,
        # with the new version, so saving again replaces theirs knowingly).
        latest = await service.get_item(request.user, id, item_id)
        return await _item_fragment(request, meeting, msgspec.structs.replace(attempted, version=latest.version),
                                    conflict=latest, status=409)
    except ServiceError as exc:
        if exc.status_code == 404:
            raise
        return await _item_fragment(request, meeting, attempted, errors={exc.field or "_": exc.detail}, status=422)
    if _is_htmx(request):
        # Leave the fields as they are (the minute-taker may be typing in the next one); only the
        # version and the "saved" line change, out of band.
        return Template("meetings/_saved.html", context={"item": saved, "saved_at": clock.now()},
                        headers={"HX-Reswap": "none"})
    return Redirect(f"/moten/{id}#punkt-{item_id}")


@post("/moten/{id:int}/punkter/{item_id:int}/flytta", guards=[EMPLOYER], name="item-move")
async def move_item(request: Request, id: RecordId, item_id: RecordId) -> Redirect:
    form = await request.form()
    number = optional_int(form.get("number"))
    if isinstance(number, int) and number >= 1:
        await service.update_item(request.user, id, item_id, s.AgendaItemUpdate(number=min(number, 500)))
    return Redirect(f"/moten/{id}#punkt-{item_id}")


@post("/moten/{id:int}/punkter/{item_id:int}/ta-bort", guards=[EMPLOYER], name="item-delete")
async def delete_item(request: Request, id: RecordId, item_id: RecordId) -> Redirect:
    await service.delete_item(request.user, id, item_id)
    return Redirect(f"/moten/{id}#dagordning")


@post("/moten/{id:int}/punkter/{item_id:int}/avsluta", guards=[EMPLOYER], name="item-close")
async def close_item(request: Request, id: RecordId, item_id: RecordId) -> Template | Redirect:
    try:
        await service.close_item(request.user, id, item_id, s.AgendaItemClose())
    except ServiceError as exc:
        if exc.status_code == 404:
            raise
        return await page_with_errors(request, id, {f"item-{item_id}": exc.detail})
    return Redirect(f"/moten/{id}#punkt-{item_id}")


ROUTES = [
    meeting_list, new_meeting, create_meeting, meeting_page, change_status, set_roles, add_participant, update_participant,
    remove_participant, add_item, save_item, move_item, delete_item, close_item,
]
