"""The meeting's "Åtgärder och frågor" page: the actions decided on its items, the follow-up of the
group's earlier actions ("Uppföljning av åtgärder"), and at an APT the questions raised and the
feedback (Återkoppling) on those answered since the last meeting."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from samverkan import clock
from samverkan.accounts import rights
from samverkan.accounts.access import EMPLOYER, SIGNED_IN
from samverkan.actions import schemas as s
from samverkan.actions import service
from samverkan.errors import ServiceError
from samverkan.meetings import service as meetings
from samverkan.orgs import service as orgs
from samverkan.questions import schemas as qs
from samverkan.questions import service as questions
from samverkan.web.forms import FormErrors, convert, optional_int, service_errors, text
from samverkan.web.params import RecordId

STATUS_LABELS = {"open": "Öppen", "done": "Klar", "struck": "Struken"}
QUESTION_STATES = {"open": "Väntar på arbetsplatsträffen", "escalated": "Lyft, väntar på svar", "answered": "Besvarad"}


def _errors(exc: FormErrors | ServiceError) -> dict[str, str]:
    return exc.errors if isinstance(exc, FormErrors) else service_errors(exc).errors


async def _page(request: Request, id: int, errors: dict | None = None, values: dict | None = None, status: int = 200) -> Template:
    viewer = request.user
    meeting = await meetings.visible_row(viewer, id)
    decided, followed = await service.meeting_actions(viewer, meeting)
    group = await orgs.get_group(meeting["group"]) if meeting["group"] else None
    raised, feedback = await questions.meeting_questions(viewer, meeting) if group and group.level == "apt" else ([], [])
    agenda = await meetings.get_meeting(viewer, id)
    return Template("actions/meeting.html", context={
        "meeting": meeting, "group": group, "decided": decided, "followed": followed, "raised": raised, "feedback": feedback,
        "items": [(i.id, f"§ {i.number} {i.title}") for i in agenda.agenda if i.matter_id is not None or i.title != meetings.REDACTED_TITLE],
        "people": await orgs.choices("person"), "can_change": rights.may_change_department(viewer, meeting["department"]),
        "lift_to": await questions.lift_targets([q.group_id for q in raised]), "status_labels": STATUS_LABELS,
        "question_states": QUESTION_STATES, "errors": errors or {}, "values": values or {}, "today": clock.today(),
    }, status_code=status)


@get("/moten/{id:int}/atgarder", guards=[SIGNED_IN], name="meeting-actions")
async def meeting_actions_page(request: Request, id: RecordId) -> Template:
    return await _page(request, id)


@post("/moten/{id:int}/atgarder", guards=[EMPLOYER], name="meeting-action-create")
async def create_action(request: Request, id: RecordId) -> Template | Redirect:
    form = await request.form()
    values = {"what": text(form.get("what")), "responsible_id": optional_int(form.get("responsible_id")),
              "due": text(form.get("due")).strip() or None}
    item_id = optional_int(form.get("item_id"))
    try:
        if not isinstance(item_id, int):
            raise FormErrors({"item_id": "Välj punkten där åtgärden beslutades."})
        await service.create_action(request.user, id, item_id, convert(values, s.MeetingActionCreate))
    except (FormErrors, ServiceError) as exc:
        return await _page(request, id, _errors(exc), {**values, "item_id": item_id}, 422)
    return Redirect(f"/moten/{id}/atgarder#beslutade")


@get("/atgarder/{id:int}", guards=[SIGNED_IN], name="action")
async def action_page(request: Request, id: RecordId) -> Redirect:
    action = await service.get_action(request.user, id)
    return Redirect(f"/moten/{action.meeting_id}/atgarder#atgard-{id}")


@post("/atgarder/{id:int}", guards=[EMPLOYER], name="action-update")
async def update_action(request: Request, id: RecordId) -> Template | Redirect:
    form = await request.form()
    action = await service.get_action(request.user, id)
    back = optional_int(form.get("back"))
    page = back if isinstance(back, int) else action.meeting_id
    values: dict[str, Any] = {"status": text(form.get("status")), "version": optional_int(form.get("version"))}
    if values["status"] == "done":
        values["done_on"] = text(form.get("done_on")).strip() or None
    if values["status"] == "struck":
        values["reason"] = text(form.get("reason"))
    try:
        await service.update_action(request.user, id, convert(values, s.MeetingActionUpdate))
    except (FormErrors, ServiceError) as exc:
        return await _page(request, page, {f"{k}-{id}": v for k, v in _errors(exc).items()}, status=422)
    return Redirect(f"/moten/{page}/atgarder#atgard-{id}")


@post("/moten/{id:int}/fragor", guards=[EMPLOYER], name="meeting-question-create")
async def raise_question(request: Request, id: RecordId) -> Template | Redirect:
    form = await request.form()
    values = {"text": text(form.get("text")), "raised_by": text(form.get("raised_by"))}
    try:
        await questions.raise_question(request.user, id, convert(values, qs.QuestionCreate))
    except (FormErrors, ServiceError) as exc:
        return await _page(request, id, {f"question_{k}": v for k, v in _errors(exc).items()}, values, 422)
    return Redirect(f"/moten/{id}/atgarder#fragor")


@post("/moten/{id:int}/fragor/{question_id:int}/lyft", guards=[EMPLOYER], name="meeting-question-lift")
async def lift_question(request: Request, id: RecordId, question_id: RecordId) -> Template | Redirect:
    try:
        await questions.escalate(request.user, question_id)
    except ServiceError as exc:
        return await _page(request, id, {f"lift-{question_id}": exc.detail}, status=exc.status_code)
    return Redirect(f"/moten/{id}/atgarder#fraga-{question_id}")


ROUTES = [meeting_actions_page, create_action, action_page, update_action, raise_question, lift_question]
