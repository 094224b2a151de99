"""JSON API of SAM under /api/v1/sam: risk assessments, actions, annual follow-ups, skyddsombud
requests, their comments and Word documents, and a department's overview."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, Request, get, patch, post
from litestar.params import JSONBody, QueryParameter
from litestar.response import Response

from samverkan.accounts.access import EMPLOYER, SIGNED_IN
from samverkan.documents.api import attachment
from samverkan.pagination import Page, PageRequest
from samverkan.sam import schemas as s
from samverkan.sam import service
from samverkan.sam.documents import DOCX, annual_follow_up_document, risk_assessment_document
from samverkan.web.params import FilterId, Limit, Offset, RecordId

# "state" is a name Litestar reserves for handler arguments; the query parameter keeps it.
ActionState = Annotated[Literal["open", "overdue", "planned", "in_progress", "done", "cancelled"] | None,
                        QueryParameter(name="state")]
Waiting = Annotated[bool | None, QueryParameter(description="true: not yet answered; false: answered.")]


class SamController(Controller):
    path = "/sam"
    tags = ["SAM"]

    @get("/risk-assessments", guards=[SIGNED_IN])
    async def list_risk_assessments(self, request: Request, department_id: FilterId = None, matter_id: FilterId = None,
                                    limit: Limit = 50, offset: Offset = 0) -> Page[s.RiskAssessment]:
        return await service.list_risk_assessments(request.user, department_id=department_id, matter_id=matter_id,
                                                   page=PageRequest(limit, offset))

    @post("/risk-assessments", guards=[EMPLOYER], status_code=201)
    async def create_risk_assessment(self, request: Request, data: JSONBody[s.RiskAssessmentCreate]) -> s.RiskAssessment:
        """A risk assessment with its risks, in one request; each risk's level comes from the risk matrix."""
        return await service.create_risk_assessment(request.user, data, request.app.state.settings)

    @get("/risk-assessments/{id:int}", guards=[SIGNED_IN])
    async def get_risk_assessment(self, request: Request, id: RecordId) -> s.RiskAssessment:
        return await service.get_risk_assessment(request.user, id)

    @get("/risk-assessments/{id:int}/document", guards=[SIGNED_IN])
    async def risk_assessment_document(self, request: Request, id: RecordId) -> Response[bytes]:
        """Riskbedömning med handlingsplan as a Word file with the department's letterhead."""
        return attachment(*await risk_assessment_document(request.user, id, request.app.state.settings), DOCX)

    @get("/actions", guards=[SIGNED_IN])
    async def list_actions(self, request: Request, department_id: FilterId = None, risk_assessment_id: FilterId = None,
                           annual_follow_up_id: FilterId = None, state_: ActionState = None, limit: Limit = 50,
                           offset: Offset = 0) -> Page[s.Action]:
        return await service.list_actions(request.user, department_id=department_id, risk_assessment_id=risk_assessment_id,
                                          annual_follow_up_id=annual_follow_up_id, state=state_, page=PageRequest(limit, offset))

    @post("/actions", guards=[EMPLOYER], status_code=201)
    async def create_action(self, request: Request, data: JSONBody[s.ActionCreate]) -> s.Action:
        """An item of the action plan; its 'by when' becomes a deadline with reminders."""
        return await service.create_action(request.user, data)

    @get("/actions/{id:int}", guards=[SIGNED_IN])
    async def get_action(self, request: Request, id: RecordId) -> s.Action:
        return await service.get_action(request.user, id)

    @patch("/actions/{id:int}", guards=[EMPLOYER])
    async def update_action(self, request: Request, id: RecordId, data: JSONBody[s.ActionUpdate]) -> s.Action:
        return await service.update_action(request.user, id, data)

    @get("/annual-follow-ups", guards=[SIGNED_IN])
    async def list_follow_ups(self, request: Request, department_id: FilterId = None, limit: Limit = 50,
                              offset: Offset = 0) -> Page[s.AnnualFollowUp]:
        return await service.list_follow_ups(request.user, department_id=department_id, page=PageRequest(limit, offset))

    @post("/annual-follow-ups", guards=[EMPLOYER], status_code=201)
    async def create_follow_up(self, request: Request, data: JSONBody[s.AnnualFollowUpCreate]) -> s.AnnualFollowUp:
        """One per department and year; its improvements become actions, and the next follow-up a deadline."""
        return await service.create_follow_up(request.user, data)

    @get("/annual-follow-ups/{id:int}", guards=[SIGNED_IN])
    async def get_follow_up(self, request: Request, id: RecordId) -> s.AnnualFollowUp:
        return await service.get_follow_up(request.user, id)

    @patch("/annual-follow-ups/{id:int}", guards=[EMPLOYER])
    async def update_follow_up(self, request: Request, id: RecordId, data: JSONBody[s.AnnualFollowUpUpdate]) -> s.AnnualFollowUp:
        return await service.update_follow_up(request.user, id, data)

    @get("/annual-follow-ups/{id:int}/document", guards=[SIGNED_IN])
    async def follow_up_document(self, request: Request, id: RecordId) -> Response[bytes]:
        """Årlig uppföljning av SAM as a Word file with the department's letterhead."""
        return attachment(*await annual_follow_up_document(request.user, id, request.app.state.settings), DOCX)

    @get("/safety-rep-requests", guards=[SIGNED_IN])
    async def list_requests(self, request: Request, department_id: FilterId = None, waiting: Waiting = None,
                            limit: Limit = 50, offset: Offset = 0) -> Page[s.SafetyRepRequest]:
        return await service.list_requests(request.user, department_id=department_id, waiting=waiting,
                                           page=PageRequest(limit, offset))

    @post("/safety-rep-requests", guards=[SIGNED_IN], status_code=201)
    async def create_request(self, request: Request, data: JSONBody[s.SafetyRepRequestCreate]) -> s.SafetyRepRequest:
        """A skyddsombud's request under 6 kap. 6 a § AML, registered by the employer or by the skyddsombud."""
        return await service.create_request(request.user, data)

    @get("/safety-rep-requests/{id:int}", guards=[SIGNED_IN])
    async def get_request(self, request: Request, id: RecordId) -> s.SafetyRepRequest:
        return await service.get_request(request.user, id)

    @post("/safety-rep-requests/{id:int}/acknowledge", guards=[EMPLOYER], status_code=200)
    async def acknowledge(self, request: Request, id: RecordId, data: JSONBody[s.Acknowledgement]) -> s.SafetyRepRequest:
        """The written confirmation of receipt, which the law wants given at once."""
        return await service.acknowledge_request(request.user, id, data)

    @post("/safety-rep-requests/{id:int}/answer", guards=[EMPLOYER], status_code=200)
    async def answer(self, request: Request, id: RecordId, data: JSONBody[s.SafetyRepRequestAnswer]) -> s.SafetyRepRequest:
        return await service.answer_request(request.user, id, data)

    @get("/departments/{id:int}/overview", guards=[SIGNED_IN])
    async def overview(self, request: Request, id: RecordId) -> s.Overview:
        return await service.overview(request.user, id)


def _comment_routes(path: str, subject: str) -> list:
    @get(f"/sam/{path}/{{id:int}}/comments", guards=[SIGNED_IN], tags=["SAM"], name=f"sam-{subject}-comments")
    async def list_comments(request: Request, id: RecordId) -> list[s.Comment]:
        return await service.comments(request.user, subject, id)

    @post(f"/sam/{path}/{{id:int}}/comments", guards=[SIGNED_IN], tags=["SAM"], status_code=201, name=f"sam-{subject}-comment")
    async def add_comment(request: Request, id: RecordId, data: JSONBody[s.CommentCreate]) -> list[s.Comment]:
        """Whoever may read the record may comment: a skyddsombud who covers the department too."""
        return await service.add_comment(request.user, subject, id, data)

    return [list_comments, add_comment]


SAM_API = [SamController, *[route for path, subject in (
    ("risk-assessments", "risk_assessment"), ("actions", "action"), ("annual-follow-ups", "annual_follow_up"),
    ("safety-rep-requests", "safety_rep_request"),
) for route in _comment_routes(path, subject)]]
