"""JSON API of protocol justering under /api/v1/meetings/{id}/protocol."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, get, post
from litestar.params import JSONBody, PathParameter

from samverkan.accounts.access import ADMIN_OR_HR, EMPLOYER, SIGNED_IN
from samverkan.protocols import schemas as s
from samverkan.protocols import service
from samverkan.web.openapi import errors
from samverkan.web.params import RecordId

VersionNumber = Annotated[int, PathParameter(ge=1, le=100_000)]
TAGS = ["Protocols"]


@get("/meetings/{id:int}/protocol", guards=[SIGNED_IN], tags=TAGS,
     summary="The protocol: state, latest version, approvals, comments", responses=errors(404))
async def get_protocol(request: Request, id: RecordId) -> s.Protocol:
    """`state` (draft, in_review, approved), every version, each party's justerare and approval, the
    comments and proposals. Who: every signed-in role, within the meeting's scope."""
    return await service.get_protocol(request.user, id)


@post("/meetings/{id:int}/protocol/submit", guards=[EMPLOYER], tags=TAGS, status_code=200,
      summary="Send the protocol for justering",
      description="Freezes the meeting's record as a new version and tells each party's justerare, with the last day "
                  "from the justering rule. The meeting must be held (409 on `status`); its record cannot change while "
                  "in review. Who: the employer side (admin, hr; a department user for its own department).",
      responses=errors(403, 404, 409))
async def submit(request: Request, id: RecordId) -> s.Protocol:
    return await service.submit(request.user, id, request.app.state.settings)


@post("/meetings/{id:int}/protocol/comments", guards=[SIGNED_IN], tags=TAGS, status_code=201,
      summary="Comment on the protocol or an item", responses=errors(403, 404, 409, 413))
async def comment(request: Request, id: RecordId, data: JSONBody[s.CommentCreate]) -> s.Protocol:
    """A comment on the version in review (409 when none is), on the whole or on one item.
    Who: a party to the meeting: the employer side, or a union that is a party."""
    return await service.comment(request.user, id, data, request.app.state.settings)


@post("/meetings/{id:int}/protocol/proposals", guards=[SIGNED_IN], tags=TAGS, status_code=201,
      summary="Propose a change to one's own union's position or protokollsanteckning",
      responses=errors(403, 404, 409, 413))
async def propose(request: Request, id: RecordId, data: JSONBody[s.ProposalCreate]) -> s.Protocol:
    """A proposed wording of the union's own outcome, note or reservation on an item, while in review.
    Who: a union's justerare, or with none designated its users; the employer changes the record directly."""
    return await service.propose(request.user, id, data, request.app.state.settings)


@post("/meetings/{id:int}/protocol/proposals/{pid:int}/accept", guards=[EMPLOYER], tags=TAGS, status_code=200,
      summary="Accept a proposal: a new version, and approval starts over", responses=errors(403, 404, 409, 413))
async def accept(request: Request, id: RecordId, pid: RecordId, data: JSONBody[s.ProposalDecision]) -> s.Protocol:
    """Writes the proposed position into the meeting and sends a new version for justering; a proposal
    already decided is 409. Who: the employer side (admin, hr; a department user for its own department)."""
    return await service.decide(request.user, id, pid, True, data.reason, request.app.state.settings)


@post("/meetings/{id:int}/protocol/proposals/{pid:int}/reject", guards=[EMPLOYER], tags=TAGS, status_code=200,
      summary="Reject a proposal", responses=errors(403, 404, 409, 413))
async def reject(request: Request, id: RecordId, pid: RecordId, data: JSONBody[s.ProposalDecision]) -> s.Protocol:
    """Keeps the version as it is, with the `reason` if given; a proposal already decided is 409.
    Who: the employer side (admin, hr; a department user for its own department)."""
    return await service.decide(request.user, id, pid, False, data.reason, request.app.state.settings)


@post("/meetings/{id:int}/protocol/approve", guards=[SIGNED_IN], tags=TAGS, status_code=200,
      summary="Approve (justera) the version in review for the caller's own party",
      description="Who: the party's designated justerare, or without one someone of the party's side. When every party "
                  "has approved the protocol locks, and the final copies are made and sent to each party. Approving "
                  "again changes nothing; no version in review is 409.",
      responses=errors(403, 404, 409))
async def approve(request: Request, id: RecordId) -> s.Protocol:
    return await service.approve(request.user, id, request.app.state.settings)


@post("/meetings/{id:int}/protocol/reopen", guards=[ADMIN_OR_HR], tags=TAGS, status_code=200,
      summary="Open a sent or approved protocol again, with the reason", responses=errors(403, 404, 409, 413))
async def reopen(request: Request, id: RecordId, data: JSONBody[s.Reopen]) -> s.Protocol:
    """The version is marked reopened with the reason; the protocol is a draft again and the next version
    must be approved by every party anew. Who: admin and hr."""
    return await service.reopen(request.user, id, data.reason)


@get("/meetings/{id:int}/protocol/versions/{n:int}", guards=[SIGNED_IN], tags=TAGS,
     summary="One version, with its frozen record", responses=errors(404))
async def version(request: Request, id: RecordId, n: VersionNumber) -> s.VersionDetail:
    """Version `n` with the meeting's record as frozen, as the caller may see it (a union: items about its
    own matters; a department user: no individärende). Who: every signed-in role, within the meeting's scope."""
    return await service.get_version(request.user, id, n)


@get("/protocols/waiting", guards=[SIGNED_IN], tags=TAGS, summary="Protocols in review and the parties still to approve",
     responses=errors())
async def waiting(request: Request) -> list[s.Waiting]:
    """Every version in review the caller may see; a union user only those its union must approve.
    Who: every signed-in role."""
    return await service.waiting(request.user)


PROTOCOL_API = [get_protocol, submit, comment, propose, accept, reject, approve, reopen, version, waiting]
