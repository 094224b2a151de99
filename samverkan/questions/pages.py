"""The page of one question from an APT: its path, the answer, comments, and lifting, answering
and putting it on an agenda for those who may."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.response import Redirect, Template

from samverkan import clock
from samverkan.accounts import rights
from samverkan.accounts.access import EMPLOYER, SIGNED_IN
from samverkan.errors import ServiceError
from samverkan.meetings import service as meetings
from samverkan.pagination import PageRequest
from samverkan.questions import schemas as s
from samverkan.questions import service
from samverkan.web.forms import FormErrors, convert, optional_int, service_errors, text
from samverkan.web.params import RecordId

STATES = {"open": "Väntar på arbetsplatsträffen", "escalated": "Lyft, väntar på svar", "answered": "Besvarad"}


async def _page(request: Request, id: int, errors: dict | None = None, status: int = 200) -> Template:
    viewer = request.user
    question = await service.get_question(viewer, id)
    upcoming = await meetings.list_meetings(viewer, group_id=question.group_id, from_=clock.today(), page=PageRequest(limit=20))
    return Template("questions/question.html", context={
        "question": question, "states": STATES, "errors": errors or {},
        "lift_to": (await service.lift_targets([question.group_id])).get(question.group_id),
        "employer": rights.is_employer(viewer),
        "meetings": [(m.id, f"{m.title} ({m.starts_at.astimezone(clock.STOCKHOLM).date().isoformat()})") for m in upcoming.items],
    }, status_code=status)


def _errors(exc: FormErrors | ServiceError) -> dict[str, str]:
    return exc.errors if isinstance(exc, FormErrors) else service_errors(exc).errors


@get("/fragor/{id:int}", guards=[SIGNED_IN], name="question")
async def question_page(request: Request, id: RecordId) -> Template:
    return await _page(request, id)


@post("/fragor/{id:int}/svar", guards=[EMPLOYER], name="question-answer")
async def answer(request: Request, id: RecordId) -> Template | Redirect:
    try:
        await service.answer(request.user, id, convert({"text": text((await request.form()).get("text"))}, s.Answer))
    except (FormErrors, ServiceError) as exc:
        return await _page(request, id, {f"answer_{k}": v for k, v in _errors(exc).items()}, getattr(exc, "status_code", 422))
    return Redirect(f"/fragor/{id}")


@post("/fragor/{id:int}/lyft", guards=[EMPLOYER], name="question-lift")
async def lift(request: Request, id: RecordId) -> Template | Redirect:
    try:
        await service.escalate(request.user, id)
    except ServiceError as exc:
        return await _page(request, id, {"lift": exc.detail}, exc.status_code)
    return Redirect(f"/fragor/{id}")


@post("/fragor/{id:int}/kommentarer", guards=[SIGNED_IN], name="question-comment")
async def comment(request: Request, id: RecordId) -> Template | Redirect:
    try:
        await service.comment(request.user, id, convert({"text": text((await request.form()).get("text"))}, s.QuestionCommentCreate))
    except (FormErrors, ServiceError) as exc:
        return await _page(request, id, {f"comment_{k}": v for k, v in _errors(exc).items()}, getattr(exc, "status_code", 422))
    return Redirect(f"/fragor/{id}#kommentarer")


@post("/fragor/{id:int}/dagordning", guards=[EMPLOYER], name="question-agenda")
async def to_agenda(request: Request, id: RecordId) -> Template | Redirect:
    try:
        meeting_id = optional_int((await request.form()).get("agenda_meeting_id"))
        data = convert({"meeting_id": meeting_id}, s.ToAgenda)
        await service.to_agenda(request.user, id, data)
    except (FormErrors, ServiceError) as exc:
        return await _page(request, id, {f"agenda_{k}": v for k, v in _errors(exc).items()}, getattr(exc, "status_code", 422))
    return Redirect(f"/moten/{data.meeting_id}#dagordning")


ROUTES = [question_page, answer, lift, comment, to_agenda]
