"""JSON API of papers (underlag) under /api/v1: upload to a meeting or a matter, list, download, remove."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, delete, get, post
from litestar.datastructures import UploadFile
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, Reference, Schema
from litestar.params import JSONBody

from samverkan.accounts.access import EMPLOYER, SIGNED_IN
from samverkan.documents.api import attachment
from samverkan.errors import Invalid
from samverkan.papers import schemas as s
from samverkan.papers import notices, proposals, service, sniff
from samverkan.web.openapi import Binary, download, errors, file_field, multipart
from samverkan.web.params import RecordId

# The largest body a paper route reads at all; the setting (at most 500 MB) is checked below it.
BODY_LIMIT = 501 * 1024 * 1024
_FORM = multipart(
    ["file"], file=file_field(f"The paper: {sniff.ACCEPTED}, decided by its content."),
    title=Schema(type=OpenAPIType.STRING, max_length=300, description="A title; default the file name."),
    agenda_item_id=Schema(type=OpenAPIType.INTEGER, description="The meeting's agenda item it is underlag for."),
)
_WHO = "Who: the employer side that may change the meeting or matter (admin, hr; a department user for its own)."


def field(form: Any, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) else None


async def read_upload(request: Request, name: str = sniff.FIELD, required: bool = True) -> list[tuple[str, bytes]]:
    """Every file in the multipart field, after refusing a body larger than the setting allows
    (by its Content-Length, before it is read)."""
    settings = request.app.state.settings
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > (settings.paper_max_mb + 1) * 1024 * 1024:
        raise Invalid(f"Filen är större än {settings.paper_max_mb} MB.", field=name)
    form = await request.form()
    files = [(u.filename or "", await u.read()) for u in form.getall(name, [])
             if isinstance(u, UploadFile) and (required or u.filename)]  # a form's empty file field sends no name
    if not files and required:
        raise Invalid("Välj en fil att ladda upp.", field=name)
    return files


def item_id(form: Any) -> int | None:
    raw = (field(form, "agenda_item_id") or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 2**31 - 1:
        raise Invalid("Ange punktens id.", field="agenda_item_id")
    return int(raw)


async def _upload(request: Request, **owner: int) -> s.Paper:
    (filename, content), *more = await read_upload(request)
    if more:
        raise Invalid("Ladda upp en fil i taget.", field=sniff.FIELD)
    form = await request.form()
    return (await service.upload(request.user, request.app.state.settings, [(filename, content)], title=field(form, "title"),
                                 agenda_item_id=item_id(form), **owner))[0]


@post("/meetings/{id:int}/papers", guards=[EMPLOYER], status_code=201, tags=["Papers"], summary="Upload a paper to a meeting",
      description="multipart/form-data: `file`, optionally `title` and `agenda_item_id`. Refused with 400 naming the field: "
                  "an empty file, one over SAMVERKAN_PAPER_MAX_MB, a name with path parts, content that is not what the "
                  f"name says or not accepted, an Office file that unpacks to far more than it weighs. {_WHO}",
      responses=errors(403, 404), operation_class=_FORM, request_max_body_size=BODY_LIMIT)
async def upload_meeting_paper(request: Request, id: RecordId) -> s.Paper:
    return await _upload(request, meeting_id=id)


@post("/matters/{id:int}/papers", guards=[EMPLOYER], status_code=201, tags=["Papers"], summary="Upload a paper to a matter",
      description=f"As for a meeting, without `agenda_item_id`. {_WHO}",
      responses=errors(403, 404), operation_class=_FORM, request_max_body_size=BODY_LIMIT)
async def upload_matter_paper(request: Request, id: RecordId) -> s.Paper:
    return await _upload(request, matter_id=id)


@get("/meetings/{id:int}/papers", guards=[SIGNED_IN], tags=["Papers"], summary="The papers of a meeting", responses=errors(404))
async def list_meeting_papers(request: Request, id: RecordId) -> list[s.Paper]:
    """Oldest first. Who: whoever may read the meeting; papers on an item about a matter the caller
    may not see are left out."""
    return await service.list_papers(request.user, meeting_id=id)


@get("/matters/{id:int}/papers", guards=[SIGNED_IN], tags=["Papers"], summary="The papers of a matter", responses=errors(404))
async def list_matter_papers(request: Request, id: RecordId) -> list[s.Paper]:
    """Oldest first. Who: whoever may read the matter (an individärende: HR and its parties)."""
    return await service.list_papers(request.user, matter_id=id)


@dataclass
class _PaperDownload(Operation):
    """The download's 200 lists every media type a paper can have (the decorator takes one)."""

    def __post_init__(self) -> None:
        ok = (self.responses or {}).get("200")
        if ok is not None and not isinstance(ok, Reference) and ok.content:
            schema = next(iter(ok.content.values())).schema
            ok.content = {kind.media_type.split(";")[0]: OpenAPIMediaType(schema=schema) for kind in sniff.KINDS.values()}


@get("/papers/{id:int}", guards=[SIGNED_IN], tags=["Papers"], summary="Download a paper", responses=errors(404),
     operation_class=_PaperDownload, **download("application/pdf", "The file, with its media type and file name."))
async def download_paper(request: Request, id: RecordId) -> Response[Binary]:
    """The file as uploaded; a file whose hash no longer matches is 503. Recorded in the audit log.
    Who: whoever may read its meeting or matter."""
    paper, body = await service.paper_file(request.user, id, request.app.state.settings)
    return attachment(paper.filename, body, paper.media_type)


@delete("/papers/{id:int}", guards=[EMPLOYER], tags=["Papers"], summary="Remove a paper", status_code=204,
        responses=errors(403, 404, 409))
async def remove_paper(request: Request, id: RecordId, data: JSONBody[s.PaperRemoval]) -> None:
    """The row is kept, marked removed with the reason. Who: as for uploading."""
    await service.remove(request.user, id, data.reason)


PAPER_API = [upload_meeting_paper, upload_matter_paper, list_meeting_papers, list_matter_papers, download_paper, remove_paper]


@post("/meetings/{id:int}/notice", guards=[EMPLOYER], status_code=200, tags=["Papers"], summary="Send the kallelse",
      description="Sets the meeting called and mails, through the outbox, every participant with an e-mail address and each "
                  "union party's address: the kallelse as Word, links to the papers (the small ones also attached: "
                  "SAMVERKAN_NOTICE_ATTACH_MAX_KB), reply links and an iCalendar invitation "
                  "(METHOD:REQUEST, the calendar feed's UID). Later than the agreement's notice time: 409 on `confirm_late` "
                  f"unless it is true. Moving the meeting afterwards sends an update, cancelling it METHOD:CANCEL. {_WHO}",
      responses=errors(403, 404, 409))
async def send_notice(request: Request, id: RecordId, data: JSONBody[s.NoticeCreate]) -> s.Notice:
    await notices.send_notice(request.user, id, request.app.state.settings, data.confirm_late)
    return await notices.notice(request.user, id)


@get("/meetings/{id:int}/notice", guards=[SIGNED_IN], tags=["Papers"], summary="The kallelse sent and the replies",
     responses=errors(404))
async def get_notice(request: Request, id: RecordId) -> s.Notice:
    """What was sent, to whom and when, and the närvaroanmälan. Who: whoever may read the meeting
    (a union sees its own and the employer's recipients)."""
    return await notices.notice(request.user, id)


PAPER_API += [send_notice, get_notice]


@post("/meetings/{id:int}/proposals", guards=[SIGNED_IN], status_code=201, tags=["Papers"],
      summary="Propose an agenda item (a union party)",
      description="Until the kallelse is sent (409 after). HR and the department's users are told. "
                  "Who: a union user whose union is a party to the meeting.", responses=errors(403, 404, 409))
async def propose_item(request: Request, id: RecordId, data: JSONBody[s.AgendaProposalCreate]) -> s.AgendaProposal:
    return await proposals.propose(request.user, id, data, request.app.state.settings)


@post("/meetings/{id:int}/proposals/{pid:int}/papers", guards=[SIGNED_IN], status_code=201, tags=["Papers"],
      summary="Attach a paper to a union's agenda proposal",
      description="multipart/form-data: `file`, optionally `title`; checked as every paper. Read by the proposing union and the "
                  "employer; accepted, it moves to the new agenda item. Who: the proposing union, while the proposal awaits a "
                  "decision (409 after); another union gets 404.",
      responses=errors(403, 404, 409), operation_class=_FORM, request_max_body_size=BODY_LIMIT)
async def upload_proposal_paper(request: Request, id: RecordId, pid: RecordId) -> s.Paper:
    (filename, content), *more = await read_upload(request)
    if more:
        raise Invalid("Ladda upp en fil i taget.", field=sniff.FIELD)
    form = await request.form()
    return (await proposals.add_papers(request.user, id, pid, [(filename, content)], request.app.state.settings,
                                       title=field(form, "title")))[0]


@get("/meetings/{id:int}/proposals", guards=[SIGNED_IN], tags=["Papers"], summary="The agenda proposals of a meeting",
     responses=errors(404))
async def list_proposals(request: Request, id: RecordId) -> list[s.AgendaProposal]:
    """Who: the employer sees all; a union its own."""
    return await proposals.list_proposals(request.user, id)


@post("/meetings/{id:int}/proposals/{pid:int}/accept", guards=[EMPLOYER], status_code=200, tags=["Papers"],
      summary="Accept a proposal onto the agenda",
      description=f"It becomes the last agenda item; the union's users are told. 409 when already decided. {_WHO}",
      responses=errors(403, 404, 409))
async def accept_proposal(request: Request, id: RecordId, pid: RecordId) -> s.AgendaProposal:
    return await proposals.accept(request.user, id, pid, request.app.state.settings)


@post("/meetings/{id:int}/proposals/{pid:int}/decline", guards=[EMPLOYER], status_code=200, tags=["Papers"],
      summary="Decline a proposal with a reason",
      description=f"The union's users are told, with the reason. 409 when already decided. {_WHO}", responses=errors(403, 404, 409))
async def decline_proposal(request: Request, id: RecordId, pid: RecordId, data: JSONBody[s.AgendaProposalDecline]) -> s.AgendaProposal:
    return await proposals.decline(request.user, id, pid, data.reason, request.app.state.settings)


PAPER_API += [propose_item, upload_proposal_paper, list_proposals, accept_proposal, decline_proposal]
