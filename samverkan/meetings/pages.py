"""Pages of meetings: the list, a new meeting, and the meeting page where the minute-taker writes
the record during the meeting. Agenda items save as they go (htmx); every form also works as a
plain form without JavaScript."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, Awaitable, Callable

import msgspec
from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Response, Template

from samverkan.accounts import rights
from samverkan import clock
from samverkan.accounts.access import EMPLOYER, SIGNED_IN
from samverkan.database import read_ahead
from samverkan.documents.pages import section as documents_section
from samverkan.documents.pages import section_reads as documents_reads
from samverkan.errors import Conflict, ServiceError
from samverkan.matters import service as matters
from samverkan.meetings import rules
from samverkan.meetings import schemas as s
from samverkan.meetings import service
from samverkan.orgs import service as orgs
from samverkan.pagination import PageRequest, page_count
from samverkan.papers.pages import notice_section, proposal_section
from samverkan.papers.pages import section as papers_section
from samverkan.papers.pages import section_reads as papers_reads
from samverkan.web.page_cache import CachedTemplate
from samverkan.web.page_status import READS_WITH_HEADER
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


def _local(day: str, time: str) -> str:
    """A date and an HH:MM from the form as a local date-time (Europe/Stockholm is assumed)."""
    if not day or not time:
        return ""
    return f"{day}T{time}:00" if len(time) == 5 else f"{day}T{time}"


def _time_fields(errors: dict[str, str]) -> dict[str, str]:
    """The form asks for a date and two times; the API's starts_at/ends_at point at those."""
    renamed = {"starts_at": "start", "ends_at": "end"}
    return {renamed.get(k, k): v for k, v in errors.items()}


# --- the meeting form: a new meeting, and changing one on its page ----------------------------


def _parties(form: Any) -> tuple[list[Any], list[dict], list[str]]:
    """The checked unions, the justerare chosen (one per party) and each one's field name."""
    union_ids = [optional_int(v) for v in form.getall("union_ids")] if "union_ids" in form else []
    approvers, fields = [], []
    for key in form.keys():
        if not key.startswith("approver_"):
            continue
        party = key.removeprefix("approver_")
        person_id = optional_int(form.get(key))
        if person_id is None or not (party == "employer" or party.isascii() and party.isdigit()):
            continue
        approvers.append({"union_id": None if party == "employer" else int(party), "person_id": person_id})
        fields.append(key)
    return union_ids, approvers, fields


def _meeting_values(form: Any, *, times: bool) -> tuple[dict[str, Any], list[str]]:
    """What the meeting form posts, as the API's input (MeetingCreate / MeetingUpdate), and the
    form field of each justerare (for an error that names ``approvers[i]``)."""
    union_ids, approvers, fields = _parties(form)
    values: dict[str, Any] = {"chair_id": optional_int(form.get("chair_id")), "minute_taker_id": optional_int(form.get("minute_taker_id")),
                              "approvers": approvers}
    if times:
        day = text(form.get("date"))
        values.update(title=text(form.get("title")), place=text(form.get("place")), union_ids=union_ids,
                      starts_at=_local(day, text(form.get("start"))), ends_at=_local(day, text(form.get("end"))))
    return values, fields


def _form_errors(errors: dict[str, str], fields: list[str]) -> dict[str, str]:
    """Service and validation errors at the form's fields: times, and each justerare's select."""
    out = {}
    for key, message in _time_fields(errors).items():
        if key.startswith("approvers[") and (index := key[len("approvers["):].split("]")[0]).isdigit() and int(index) < len(fields):
            key = fields[int(index)]
        elif key.startswith("union_ids"):
            key = "union_ids"
        out[key] = message
    return out


def _shown(form: Any) -> dict[str, Any]:
    """What was typed, to show again."""
    union_ids, approvers, _ = _parties(form)
    return {
        **{k: text(form.get(k)) for k in ("kind", "title", "date", "start", "end", "place")},
        **{k: optional_int(form.get(k)) for k in ("group_id", "department_id", "chair_id", "minute_taker_id", "arende")},
        "union_ids": union_ids, "approvers": {a["union_id"]: a["person_id"] for a in approvers},
        "standard_agenda": "standard_agenda" in form,
    }


def _confirmed(form: Any, found: list, before: list | None = None) -> bool:
    """The warnings were shown with these very values and the person saves anyway (or, on a change,
    there is nothing new to warn about)."""
    texts = [w.text for w in found]
    if before is not None and set(texts) <= {w.text for w in before}:
        return True
    return not texts or text(form.get("confirmed")) == _fingerprint(found)


def _fingerprint(found: list) -> str:
    """Which warnings were shown: another date (another text) asks again."""
    return hashlib.sha256("\n".join(sorted(w.text for w in found)).encode()).hexdigest()[:16]


async def _new_form(request: Request, values: dict, errors: dict, status: int = 200, found: list | None = None) -> Template:
    registers = await orgs.meeting_registers()
    return Template("meetings/form.html", context={
        "values": values, "errors": errors, "groups": await orgs.choices("group"), "departments": await orgs.choices("department"),
        "unions": registers.unions, "by_party": registers.by_party, "warnings": found or [], "confirm": _fingerprint(found) if found else "",
    }, status_code=status)


@get("/moten/nytt", guards=[EMPLOYER], name="meeting-new")
async def new_meeting(request: Request, arende: FromQuery[str | None] = None) -> Template:
    """The form; from a matter's "Boka möte" (``?arende=ID``) with its department, its unions and
    an agenda item for it."""
    values: dict[str, Any] = {"kind": "samverkan", "standard_agenda": True, "department_id": request.user.department_id,
                              "date": (clock.today() + dt.timedelta(days=21)).isoformat(), "start": "09:00", "end": "11:00",
                              "union_ids": [], "approvers": {}}
    if (matter_id := filter_id(arende)) is not None:
        matter = await matters.get_matter(request.user, matter_id)
        kind, _ = rules.for_matter(matter.kind)
        values.update(kind=kind, title=matter.title, department_id=matter.department_id, union_ids=matter.union_ids,
                      arende=matter.id, matter_label=f"{matter.diary_no} {matter.title}", standard_agenda=False)
    return await _new_form(request, values, {})


@post("/moten/nytt", guards=[EMPLOYER], name="meeting-create")
async def create_meeting(request: Request) -> Template | Redirect:
    form = await request.form()
    values, fields = _meeting_values(form, times=True)
    shown = _shown(form)
    values.update(kind=shown["kind"], group_id=shown["group_id"], department_id=shown["department_id"],
                  standard_agenda=shown["standard_agenda"], union_ids=values["union_ids"] or None)
    if shown["arende"] is not None:
        matter = await matters.get_matter(request.user, shown["arende"]) if isinstance(shown["arende"], int) else None
        if matter is not None:
            shown["matter_label"] = f"{matter.diary_no} {matter.title}"
            values["agenda"] = [{"title": matter.title, "kind": rules.for_matter(matter.kind)[1], "matter_id": matter.id}]
    try:
        meeting = await service.create_meeting(request.user, convert(values, s.MeetingCreate), lambda found: _confirmed(form, found))
    except service.Unconfirmed as exc:
        return await _new_form(request, shown, {}, 200, exc.warnings)
    except FormErrors as exc:
        return await _new_form(request, shown, _form_errors(exc.errors, fields), 422)
    except ServiceError as exc:
        if exc.status_code == 404:
            raise
        return await _new_form(request, shown, _form_errors(service_errors(exc).errors, fields), 422)
    return Redirect(f"/moten/{meeting.id}")


@post("/moten/varningar", guards=[EMPLOYER], name="meeting-warnings")
async def preview_warnings(request: Request) -> Template:
    """The warnings of the values in a meeting form as they stand (htmx, while one fills it in)."""
    form = await request.form()
    day = text(form.get("date"))
    try:
        starts_at = dt.datetime.fromisoformat(_local(day, text(form.get("start"))))
    except ValueError:
        return Template("meetings/_warnings.html", context={"warnings": []})
    meeting_id = optional_int(form.get("meeting_id"))
    if isinstance(meeting_id, int):
        found = await service.warnings_if_moved(request.user, meeting_id, starts_at)
    else:
        group_id, department_id = optional_int(form.get("group_id")), optional_int(form.get("department_id"))
        found = await service.planning_warnings(meeting_id=None, group_id=group_id if isinstance(group_id, int) else None,
                                                department_id=department_id if isinstance(department_id, int) else None,
                                                starts_at=starts_at)
    return Template("meetings/_warnings.html", context={"warnings": found})


# --- the meeting page --------------------------------------------------------


async def _context(request: Request, meeting: s.Meeting, open_item: int | None = None) -> dict[str, Any]:
    """Everything the page shows, each read once; on PostgreSQL the registers, the matters to
    choose from and the sections' reads in one round trip (database.read_ahead)."""
    viewer = request.user
    linked = [i.matter_id for i in meeting.agenda if i.matter_id is not None]
    can_change = _can_change(request, meeting) and meeting.status != "cancelled" and meeting.protocol_state == "draft"
    # The department's matters to choose from (one shared list) for an editor; the linked ones for all.
    choose_in = meeting.department_id if can_change else None
    async with read_ahead([orgs.registry_version_read(), *matters.options_reads(viewer, choose_in, linked),
                           *documents_reads(viewer, meeting), *papers_reads(viewer, meeting)]):
        registers = await orgs.meeting_registers()
        unions = registers.unions
        return {
            "meeting": meeting, "unions": unions, "people": registers.people, "by_party": registers.by_party,
            "candidates": registers.candidates(meeting.union_ids),
            "approvers": {a.union_id: a.person_id for a in meeting.approvers},
            "matter_options": await matters.options(viewer, choose_in, linked), "open_item": open_item,
            "can_change": can_change, "planning": meeting.status in ("planned", "called"),
            "moves": sorted(rules.TRANSITIONS[meeting.status]),
            "group_name": registers.groups.get(meeting.group_id), "department_name": registers.departments.get(meeting.department_id),
            **await documents_section(request, meeting, unions),
            **await papers_section(request, meeting=meeting),
            **await notice_section(request, meeting),
            **await proposal_section(request, meeting),
        }


@get("/moten/{id:int}/arendeforslag", guards=[EMPLOYER], name="meeting-matter-suggestions")
async def matter_suggestions(request: Request, id: RecordId, matter: FromQuery[str | None] = None) -> Template:
    """The matters the page suggests for what is typed in a matter field (htmx: the options of the
    page's shared list), from the meeting's department, as the reader may see them."""
    meeting = await service.visible_row(request.user, id)  # (its row only: asked as one types)
    service.check_may_change(request.user, meeting["department"])
    found = await matters.suggestions(request.user, meeting["department"], matter or "")
    return Template("meetings/_matter_options.html", context={"matter_options": found})


@get("/moten/{id:int}", guards=[SIGNED_IN], name="meeting",
     opt={READS_WITH_HEADER: lambda viewer, params: [service.meeting_read(viewer, params["id"])]})
async def meeting_page(request: Request, id: RecordId, punkt: FromQuery[str | None] = None) -> CachedTemplate:
    meeting = await service.get_meeting(request.user, id)
    return CachedTemplate("meetings/detail.html", context={
        **await _context(request, meeting, filter_id(punkt)), "errors": {}, "document_errors": {}, "edit": None})


async def page_with_errors(request: Request, id: int, errors: dict, status: int = 422,
                           document_errors: dict | None = None, open_item: int | None = None,
                           edit: dict | None = None) -> Template:
    meeting = await service.get_meeting(request.user, id)
    return Template("meetings/detail.html", status_code=status, context={
        **await _context(request, meeting, open_item), "errors": errors, "document_errors": document_errors or {},
        "edit": edit})


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


@post("/moten/{id:int}/andra", guards=[EMPLOYER], name="meeting-edit")
async def edit_meeting(request: Request, id: RecordId) -> Template | Redirect:
    """Change the meeting: for a planned or called one its title, time, place and parties too;
    always the chair, the minute-taker and one justerare per party. A change that brings a new
    warning (moved into the past, say) is shown first and saved when confirmed."""
    meeting = await service.get_meeting(request.user, id)
    form = await request.form()
    planning = meeting.status in ("planned", "called")
    values, fields = _meeting_values(form, times=planning)
    values["version"] = optional_int(form.get("version"))
    shown = _shown(form)
    try:
        await service.update_meeting(request.user, id, convert(values, s.MeetingUpdate),
                                     lambda found: _confirmed(form, found, meeting.warnings))
    except service.Unconfirmed as exc:
        return await page_with_errors(request, id, {}, 200, edit={**shown, "warnings": exc.warnings, "confirm": _fingerprint(exc.warnings)})
    except FormErrors as exc:
        return await page_with_errors(request, id, _form_errors(exc.errors, fields), edit=shown)
    except ServiceError as exc:
        if exc.status_code == 404:
            raise
        return await page_with_errors(request, id, _form_errors(service_errors(exc).errors, fields), edit=shown)
    return Redirect(f"/moten/{id}#motet")


# --- participants --------------------------------------------------------------


@post("/moten/{id:int}/deltagare", guards=[EMPLOYER], name="participant-add")
async def add_participant(request: Request, id: RecordId) -> Template | Redirect:
    form = await request.form()
    values = {"person_id": optional_int(form.get("person_id")), "role": text(form.get("role")) or "ordinary"}
    return await _apply(request, id, lambda: service.add_participant(request.user, id, convert(values, s.ParticipantCreate)),
                        f"/moten/{id}#deltagare")


@post("/moten/{id:int}/narvaro", guards=[EMPLOYER], name="meeting-presence")
async def set_presence(request: Request, id: RecordId) -> Response | Redirect:
    """Presence ticked in one list: the ticked participants were there, the others not."""
    form = await request.form()
    present = {i for i in (optional_int(v) for v in form.getall("present")) if isinstance(i, int)} if "present" in form else set()
    await service.set_presence(request.user, id, present)
    if _is_htmx(request):
        return Response(content="", status_code=204)
    return Redirect(f"/moten/{id}#deltagare")


@post("/moten/{id:int}/deltagare/{participant_id:int}/ta-bort", guards=[EMPLOYER], name="participant-remove")
async def remove_participant(request: Request, id: RecordId, participant_id: RecordId) -> Redirect:
    await service.remove_participant(request.user, id, participant_id)
    return Redirect(f"/moten/{id}#deltagare")


# --- agenda ----------------------------------------------------------------------


async def _matter_id(request: Request, form: Any) -> Any:
    """The item's matter: chosen in the shared list by its diary number (``matter``), or an id."""
    if "matter" not in form:
        return optional_int(form.get("matter_id"))
    typed = text(form.get("matter")).strip()
    if not typed:
        return None
    found = await matters.find_by_diary_no(request.user, typed)
    if found is None:
        raise FormErrors({"matter_id": "Ärendet finns inte. Välj i listan eller skriv diarienumret, t.ex. VO 2026/0042."})
    return found


def _item_values(form: Any, union_ids: list[int]) -> dict[str, Any]:
    positions = []
    for union_id in union_ids:
        key = f"u{union_id}"
        positions.append({
            "union_id": union_id, "outcome": text(form.get(f"{key}_outcome")) or None, "note": text(form.get(f"{key}_note")),
            "reservation": text(form.get(f"{key}_reservation")), "central_requested": f"{key}_central" in form,
        })
    return {
        "title": text(form.get("title")), "kind": text(form.get("kind")) or "other", "text": text(form.get("text")), "employer_position": text(form.get("employer_position")), "positions": positions,
        "version": optional_int(form.get("version")),
    }


async def _item_fragment(request: Request, meeting: s.Meeting, item: s.AgendaItem, *, errors: dict | None = None,
                         conflict: s.AgendaItem | None = None, status: int) -> Template:
    return Template("meetings/_item.html", context={
        **await _context(request, meeting, item.id), "item": item, "errors": errors or {}, "conflict": conflict, "saved_at": None,
        "item_failed": True,  # what is in the fields was not saved
    }, status_code=status)


@post("/moten/{id:int}/punkter", guards=[EMPLOYER], name="item-add")
async def add_item(request: Request, id: RecordId) -> Template | Redirect:
    form = await request.form()
    values = {"title": text(form.get("title")), "kind": text(form.get("kind")) or "other"}
    try:
        values["matter_id"] = await _matter_id(request, form)
        item = await service.add_item(request.user, id, convert(values, s.AgendaItemCreate))
    except FormErrors as exc:
        return await page_with_errors(request, id, {f"new_{k}": v for k, v in exc.errors.items()})
    except ServiceError as exc:
        if exc.status_code == 404:
            raise
        return await page_with_errors(request, id, {f"new_{exc.field or '_'}": exc.detail})
    return Redirect(f"/moten/{id}?punkt={item.id}#punkt-{item.id}")


@post("/moten/{id:int}/punkter/{item_id:int}", guards=[EMPLOYER], name="item-save")
async def save_item(request: Request, id: RecordId, item_id: RecordId) -> Template | Redirect:
    """Save one agenda item. With htmx the answer is only what changed (the new version and
    "saved"), so the minute-taker keeps typing undisturbed; without JavaScript, the page again."""
    meeting = await service.get_meeting(request.user, id)
    current = next((i for i in meeting.agenda if i.id == item_id), None)
    if current is None:
        raise ServiceError(f"Punkten {item_id} finns inte på mötet.")
    form = await request.form()
    values = _item_values(form, meeting.union_ids)
    # What was typed, to show again with any error (a Struct built directly is not validated).
    attempted = s.AgendaItem(
        id=item_id, number=current.number, title=values["title"], kind=values["kind"], matter_id=current.matter_id,
        text=values["text"], employer_position=values["employer_position"],
        positions=[s.Position(**p) for p in values["positions"]], closed_on=current.closed_on, version=current.version,
    )
    try:
        values["matter_id"] = attempted.matter_id = await _matter_id(request, form)
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
    return Redirect(f"/moten/{id}?punkt={item_id}#punkt-{item_id}")


@post("/moten/{id:int}/punkter/{item_id:int}/flytta", guards=[EMPLOYER], name="item-move")
async def move_item(request: Request, id: RecordId, item_id: RecordId) -> Redirect:
    form = await request.form()
    number = optional_int(form.get("number"))
    if isinstance(number, int) and number >= 1:
        await service.update_item(request.user, id, item_id, s.AgendaItemUpdate(number=min(number, 500)))
    return Redirect(f"/moten/{id}?punkt={item_id}#punkt-{item_id}")


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
        return await page_with_errors(request, id, {f"item-{item_id}": exc.detail}, open_item=item_id)
    return Redirect(f"/moten/{id}?punkt={item_id}#punkt-{item_id}")


ROUTES = [
    meeting_list, new_meeting, create_meeting, preview_warnings, matter_suggestions, meeting_page, change_status, edit_meeting, add_participant,
    set_presence, remove_participant, add_item, save_item, move_item, delete_item, close_item,
]
