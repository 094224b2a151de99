"""JSON API of protocol justering under /api/v1/meetings/{id}/protocol."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, get, post
from litestar.params import JSONBody, PathParameter

from samverkan.accounts.access import ADMIN_OR_HR, EMPLOYER, SIGNED_IN
from samverkan.protocols import schemas as s
from samverkan.protocols import service
from samverkan.web.params import RecordId

VersionNumber = Annotated[int, PathParameter(ge=1, le=100_000)]
TAGS = ["Protocols"]


@get("/meetings/{id:int}/protocol", guards=[SIGNED_IN], tags=TAGS, summary="The protocol: state, latest version, approvals, comments")
async def get_protocol(request: Request, id: RecordId) -> s.Protocol:
    return await service.get_protocol(request.user, id)


@post("/meetings/{id:int}/protocol/submit", guards=[EMPLOYER], tags=TAGS, status_code=200,
      summary="Send the protocol for justering",
      description="Freezes the meeting's record as a new version and tells each party's justerare, with the last day "
                  "from the justering rule. The meeting must be held; its record cannot change while in review.")
async def submit(request: Request, id: RecordId) -> s.Protocol:
    return await service.submit(request.user, id, request.app.state.settings)


@post("/meetings/{id:int}/protocol/comments", guards=[SIGNED_IN], tags=TAGS, status_code=201, summary="Comment on the protocol or an item")
async def comment(request: Request, id: RecordId, data: JSONBody[s.CommentCreate]) -> s.Protocol:
    return await service.comment(request.user, id, data)


@post("/meetings/{id:int}/protocol/proposals", guards=[SIGNED_IN], tags=TAGS, status_code=201,
      summary="Propose a change to one's own union's position or protokollsanteckning")
async def propose(request: Request, id: RecordId, data: JSONBody[s.ProposalCreate]) -> s.Protocol:
    return await service.propose(request.user, id, data)


@post("/meetings/{id:int}/protocol/proposals/{pid:int}/accept", guards=[EMPLOYER], tags=TAGS, status_code=200,
      summary="Accept a proposal: a new version, and approval starts over")
async def accept(request: Request, id: RecordId, pid: RecordId, data: JSONBody[s.ProposalDecision]) -> s.Protocol:
    return await service.decide(request.user, id, pid, True, data.reason, request.app.state.settings)


@post("/meetings/{id:int}/protocol/proposals/{pid:int}/reject", guards=[EMPLOYER], tags=TAGS, status_code=200,
      summary="Reject a proposal")
async def reject(request: Request, id: RecordId, pid: RecordId, data: JSONBody[s.ProposalDecision]) -> s.Protocol:
    return await service.decide(request.user, id, pid, False, data.reason, request.app.state.settings)


@post("/meetings/{id:int}/protocol/approve", guards=[SIGNED_IN], tags=TAGS, status_code=200,
      summary="Approve (justera) the version in review for the caller's own party",
      description="Only the party's designated justerare, or without one someone of the party's side. When every party "
                  "has approved the protocol locks, and the final copies are made and sent to each party.")
async def approve(request: Request, id: RecordId) -> s.Protocol:
    return await service.approve(request.user, id, request.app.state.settings)


@post("/meetings/{id:int}/protocol/reopen", guards=[ADMIN_OR_HR], tags=TAGS, status_code=200,
      summary="Open a sent or approved protocol again, with the reason")
async def reopen(request: Request, id: RecordId, data: JSONBody[s.Reopen]) -> s.Protocol:
    return await service.reopen(request.user, id, data.reason)


@get("/meetings/{id:int}/protocol/versions/{n:int}", guards=[SIGNED_IN], tags=TAGS, summary="One version, with its frozen record")
async def version(request: Request, id: RecordId, n: VersionNumber) -> s.VersionDetail:
    return await service.get_version(request.user, id, n)


@get("/protocols/waiting", guards=[SIGNED_IN], tags=TAGS, summary="Protocols in review and the parties still to approve")
async def waiting(request: Request) -> list[s.Waiting]:
    return await service.waiting(request.user)


PROTOCOL_API = [get_protocol, submit, comment, propose, accept, reject, approve, reopen, version, waiting]
