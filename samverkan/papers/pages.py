"""Pages of papers (underlag): the section on the meeting and matter pages (upload several files at
once, list, download by clicking, remove with a reason)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import PathParameter, QueryParameter
from litestar.response import Redirect, Response, Template

from samverkan.accounts import rights
from samverkan.accounts.access import EMPLOYER, PUBLIC, SIGNED_IN
from samverkan.documents.api import attachment
from samverkan.database import Read
from samverkan.errors import Invalid, NotFound, ServiceError
from samverkan.papers import notices, proposals, service
from samverkan.papers.api import BODY_LIMIT, field, item_id, read_upload
from samverkan.papers.schemas import AgendaProposalCreate
from samverkan.web.params import RecordId

ReplyToken = Annotated[str, PathParameter(max_length=200)]
ReplyChoice = Annotated[str | None, QueryParameter(max_length=10)]
PAPER_FIELDS = {"file": "Fil", "title": "Rubrik", "agenda_item_id": "Punkt", "reason": "Skäl"}


async def section(request: Request, *, meeting: Any = None, matter: Any = None) -> dict[str, Any]:
    """What the meeting or matter page shows of papers (``templates/papers/_list.html``). The
    meeting or matter is the one the page has read as this viewer (so it is not looked up again)."""
    viewer = request.user
    owner = meeting or matter
    if meeting is not None:
        papers = await service.list_papers(viewer, meeting_id=meeting.id, seen=True)
        items = [(i.id, f"§ {i.number} {i.title}") for i in meeting.agenda]
        action = f"/moten/{meeting.id}/underlag"
    else:
        papers = await service.list_papers(viewer, matter_id=matter.id, seen=True)
        items = []
        action = f"/arenden/{matter.id}/underlag"
    numbers = {i.id: i.number for i in (meeting.agenda if meeting is not None else [])}
    return {
        "papers": [(p, numbers.get(p.agenda_item_id)) for p in papers], "paper_items": items, "paper_action": action,
        "can_upload_papers": rights.may_change_department(viewer, owner.department_id),
        "paper_fields": PAPER_FIELDS, "paper_max_mb": request.app.state.settings.paper_max_mb,
    }


async def _back_with_errors(request: Request, owner: str, owner_id: int, exc: ServiceError) -> Template:
    from samverkan.matters.pages import page_with_paper_errors
    from samverkan.meetings.pages import page_with_errors  # the pages import this module

    errors = {f"paper_{exc.field or 'file'}": exc.detail}
    if owner == "meeting":
        return await page_with_errors(request, owner_id, errors)
    return await page_with_paper_errors(request, owner_id, errors)


async def _upload(request: Request, owner: str, owner_id: int, then: str) -> Template | Redirect:
    try:
        files = await read_upload(request)
        form = await request.form()
        ids = {"meeting_id": owner_id} if owner == "meeting" else {"matter_id": owner_id}
        await service.upload(request.user, request.app.state.settings, files, title=field(form, "title"),
                             agenda_item_id=item_id(form) if owner == "meeting" else None, **ids)
    except ServiceError as exc:
        if isinstance(exc, NotFound):
            raise
        return await _back_with_errors(request, owner, owner_id, exc)
    return Redirect(f"{then}#underlag")


@post("/moten/{id:int}/underlag", guards=[EMPLOYER], name="meeting-paper-upload", request_max_body_size=BODY_LIMIT)
async def upload_to_meeting(request: Request, id: RecordId) -> Template | Redirect:
    return await _upload(request, "meeting", id, f"/moten/{id}")


@post("/arenden/{id:int}/underlag", guards=[EMPLOYER], name="matter-paper-upload", request_max_body_size=BODY_LIMIT)
async def upload_to_matter(request: Request, id: RecordId) -> Template | Redirect:
    return await _upload(request, "matter", id, f"/arenden/{id}")


@get("/underlag/{id:int}", guards=[SIGNED_IN], name="paper")
async def download(request: Request, id: RecordId) -> Response:
    paper, body = await service.paper_file(request.user, id, request.app.state.settings)
    return attachment(paper.filename, body, paper.media_type)


@post("/underlag/{id:int}/ta-bort", guards=[EMPLOYER], name="paper-remove")
async def remove(request: Request, id: RecordId) -> Template | Redirect:
    form = await request.form()
    paper = await service.paper(request.user, id)
    owner, owner_id = ("meeting", paper.meeting_id) if paper.meeting_id else ("matter", paper.matter_id)
    reason = (field(form, "reason") or "").strip()
    try:
        if not reason:
            raise Invalid("Skriv varför underlaget tas bort.", field="reason")
        await service.remove(request.user, id, reason)
    except ServiceError as exc:
        if isinstance(exc, NotFound):
            raise
        return await _back_with_errors(request, owner, owner_id, exc)
    return Redirect(f"/{'moten' if owner == 'meeting' else 'arenden'}/{owner_id}#underlag")


PAPER_PAGES = [upload_to_meeting, upload_to_matter, download, remove]


# --- the kallelse and the replies ----------------------------------------------------------


def section_reads(viewer: Any, meeting: Any) -> list[Read]:
    """What the papers, kallelse and proposal sections read from the database (the meeting page
    reads it ahead)."""
    return [service.papers_read(meeting.id), *notices.notice_reads(meeting), proposals.proposals_read(viewer, meeting.id)]


async def notice_section(request: Request, meeting: Any) -> dict[str, Any]:
    """What the meeting page shows of the kallelse (``templates/meetings/_notice.html``)."""
    viewer = request.user
    notice = await notices.notice(viewer, meeting.id, seen={
        "kind": meeting.kind, "starts_at": meeting.starts_at, "department": meeting.department_id, "status": meeting.status})
    mine = await notices.my_invitation(viewer, meeting.id)
    return {
        "notice": notice, "notice_reasons": notices.REASONS,
        "can_send_notice": rights.may_change_department(viewer, meeting.department_id) and meeting.status in ("planned", "called"),
        "my_reply": mine[1] if mine else None, "invited": mine is not None and meeting.status == "called",
    }


async def _meeting_errors(request: Request, id: int, exc: ServiceError) -> Template:
    from samverkan.meetings.pages import page_with_errors  # the meeting page imports this module

    if isinstance(exc, NotFound):
        raise exc
    return await page_with_errors(request, id, {f"notice_{exc.field or 'send'}": exc.detail})


@post("/moten/{id:int}/kallelse", guards=[EMPLOYER], name="notice-send")
async def send_notice(request: Request, id: RecordId) -> Template | Redirect:
    form = await request.form()
    try:
        await notices.send_notice(request.user, id, request.app.state.settings, confirm_late="confirm_late" in form)
    except ServiceError as exc:
        return await _meeting_errors(request, id, exc)
    return Redirect(f"/moten/{id}#kallelse")


def _answer(form: Any) -> bool | None:
    return {"1": True, "0": False}.get(field(form, "attending") or "")


@post("/moten/{id:int}/narvaroanmalan", guards=[SIGNED_IN], name="notice-reply-signed-in")
async def reply_signed_in(request: Request, id: RecordId) -> Template | Redirect:
    form = await request.form()
    try:
        attending = _answer(form)
        if attending is None:
            raise Invalid("Svara om du kommer.", field="attending")
        await notices.reply_signed_in(request.user, id, attending, field(form, "substitute") or "")
    except ServiceError as exc:
        return await _meeting_errors(request, id, exc)
    return Redirect(f"/moten/{id}#kallelse")


@get("/kallelse/svar/{token:str}", opt=PUBLIC, name="notice-reply")
async def reply_page(request: Request, token: ReplyToken, svar: ReplyChoice = None) -> Template:
    """The page a reply link in the kallelse opens; answering takes a press (a mail scanner that
    follows links must not answer for anyone)."""
    meeting, who, answer = await notices.open_link(token, request.app.state.settings)
    return Template("papers/reply.html", context={"meeting": meeting, "who": who, "answer": answer, "chosen": svar,
                                                  "token": token, "errors": {}, "done": False})


@post("/kallelse/svar/{token:str}", opt=PUBLIC, name="notice-reply-submit")
async def reply_submit(request: Request, token: ReplyToken) -> Template:
    settings = request.app.state.settings
    form = await request.form()
    attending = _answer(form)
    try:
        if attending is None:
            raise Invalid("Välj om du kommer eller har förhinder.", field="attending")
        meeting, who = await notices.reply_by_link(token, attending, field(form, "substitute") or "", settings)
    except (Invalid,) as exc:
        meeting, who, answer = await notices.open_link(token, settings)
        return Template("papers/reply.html", status_code=422, context={
            "meeting": meeting, "who": who, "answer": answer, "chosen": None, "token": token,
            "errors": {exc.field or "attending": exc.detail}, "done": False})
    return Template("papers/reply.html", context={"meeting": meeting, "who": who, "answer": {"attending": attending},
                                                  "chosen": None, "token": token, "errors": {}, "done": True})


PAPER_PAGES += [send_notice, reply_signed_in, reply_page, reply_submit]


# --- union agenda proposals ------------------------------------------------------------------


async def proposal_section(request: Request, meeting: Any) -> dict[str, Any]:
    """What the meeting page shows of agenda proposals (``templates/meetings/_proposals.html``)."""
    viewer = request.user
    row = {"id": meeting.id, "status": meeting.status}
    return {
        "proposals": await proposals.list_proposals(viewer, meeting.id, seen=True),
        "may_propose": rights.is_union(viewer) and viewer.union_id in meeting.union_ids and await proposals.open_for_proposals(row),
        "may_decide_proposals": rights.may_change_department(viewer, meeting.department_id),
    }


async def _proposal_action(request: Request, id: int, act: Any) -> Template | Redirect:
    try:
        await act(await request.form())
    except ServiceError as exc:
        if isinstance(exc, NotFound):
            raise
        from samverkan.meetings.pages import page_with_errors

        return await page_with_errors(request, id, {f"proposal_{exc.field or 'title'}": exc.detail})
    return Redirect(f"/moten/{id}#forslag")


@post("/moten/{id:int}/forslag", guards=[SIGNED_IN], name="proposal-create", request_max_body_size=BODY_LIMIT)
async def propose(request: Request, id: RecordId) -> Template | Redirect:
    async def act(form: Any) -> None:
        title, text = (field(form, "title") or "").strip(), field(form, "text") or ""
        if not title:
            raise Invalid("Skriv en rubrik för punkten.", field="title")
        files = await read_upload(request, required=False)
        await proposals.propose(request.user, id, AgendaProposalCreate(title=title[:300], text=text), request.app.state.settings,
                                files)
    return await _proposal_action(request, id, act)


@post("/moten/{id:int}/forslag/{pid:int}", guards=[EMPLOYER], name="proposal-decide")
async def decide_proposal(request: Request, id: RecordId, pid: RecordId) -> Template | Redirect:
    async def act(form: Any) -> None:
        settings = request.app.state.settings
        if field(form, "decision") == "accept":
            await proposals.accept(request.user, id, pid, settings)
            return
        reason = (field(form, "reason") or "").strip()
        if not reason:
            raise Invalid("Skriv varför förslaget avböjs.", field="reason")
        await proposals.decline(request.user, id, pid, reason, settings)
    return await _proposal_action(request, id, act)


PAPER_PAGES += [propose, decide_proposal]
