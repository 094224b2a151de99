"""JSON API of SAM under /api/v1/sam: risk assessments, actions, annual follow-ups, skyddsombud
requests, their comments and Word documents, and a department's overview."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, Request, get, patch, post, put
from litestar.params import JSONBody, QueryParameter
from litestar.response import Response

from samverkan.accounts.access import EMPLOYER, SIGNED_IN
from samverkan.documents.api import attachment
from samverkan.pagination import Page, PageRequest
from samverkan.sam import schemas as s
from samverkan.sam import service
from samverkan.sam.documents import DOCX, annual_follow_up_document, risk_assessment_document
from samverkan.web.openapi import Binary, download, errors
from samverkan.web.params import FilterId, Limit, Offset, RecordId

# "state" is a name Litestar reserves for handler arguments; the query parameter keeps it.
ActionState = Annotated[Literal["open", "overdue", "planned", "in_progress", "done", "cancelled"] | None,
                        QueryParameter(name="state")]
Waiting = Annotated[bool | None, QueryParameter(description="true: not yet answered; false: answered.")]


class SamController(Controller):
    path = "/sam"
    tags = ["SAM"]

    @get("/risk-assessments", guards=[SIGNED_IN], summary="List risk assessments", responses=errors())
    async def list_risk_assessments(self, request: Request, department_id: FilterId = None, matter_id: FilterId = None,
                                    limit: Limit = 50, offset: Offset = 0) -> Page[s.RiskAssessment]:
        """A page of the risk assessments the caller may see, with their risks. Filters: `department_id`,
        `matter_id`. Who: hr and admin; a department user for its own department; a skyddsombud for the departments they cover."""
        return await service.list_risk_assessments(request.user, department_id=department_id, matter_id=matter_id,
                                                   page=PageRequest(limit, offset))

    @post("/risk-assessments", guards=[EMPLOYER], status_code=201, summary="Create a risk assessment",
          responses=errors(403, 413))
    async def create_risk_assessment(self, request: Request, data: JSONBody[s.RiskAssessmentCreate]) -> s.RiskAssessment:
        """A risk assessment with its risks, in one request; each risk's level comes from the risk matrix.
        Who: hr and admin; a department user for its own department."""
        return await service.create_risk_assessment(request.user, data, request.app.state.settings)

    @get("/risk-assessments/{id:int}", guards=[SIGNED_IN], summary="Get one risk assessment", responses=errors(404))
    async def get_risk_assessment(self, request: Request, id: RecordId) -> s.RiskAssessment:
        """The risk assessment with its participants and risks. Who: hr and admin; a department user for its own department; a skyddsombud for the departments they cover."""
        return await service.get_risk_assessment(request.user, id)

    @put("/risk-assessments/{id:int}", guards=[EMPLOYER], summary="Change a risk assessment",
         responses=errors(403, 404, 409, 413))
    async def update_risk_assessment(self, request: Request, id: RecordId, data: JSONBody[s.RiskAssessmentUpdate]) -> s.RiskAssessment:
        """The whole assessment, until it is marked done (then 409 on `closed_on`); a risk sent with its id is
        kept, one left out removed. Refused (409 on `version`) if it changed since read. Each change is in the
        audit log. Who: hr and admin; a department user for its own department."""
        return await service.update_risk_assessment(request.user, id, data, request.app.state.settings)

    @post("/risk-assessments/{id:int}/close", guards=[EMPLOYER], status_code=200, summary="Mark a risk assessment done",
          responses=errors(403, 404, 409))
    async def close_risk_assessment(self, request: Request, id: RecordId) -> s.RiskAssessment:
        """From then on it is read, not changed. Who: hr and admin; a department user for its own department."""
        await service.close_record(request.user, "risk_assessment", id)
        return await service.get_risk_assessment(request.user, id)

    @get("/risk-assessments/{id:int}/document", guards=[SIGNED_IN], summary="A risk assessment as a Word file",
         responses=errors(404, 409), **download(DOCX, "Riskbedömning med handlingsplan, a Word file."))
    async def risk_assessment_document(self, request: Request, id: RecordId) -> Response[Binary]:
        """Riskbedömning med handlingsplan as a Word file with the department's letterhead.
        Who: hr and admin; a department user for its own department; a skyddsombud for the departments they cover."""
        return attachment(*await risk_assessment_document(request.user, id, request.app.state.settings), DOCX)

    @get("/actions", guards=[SIGNED_IN], summary="List the action plan", responses=errors())
    async def list_actions(self, request: Request, department_id: FilterId = None, risk_assessment_id: FilterId = None,
                           annual_follow_up_id: FilterId = None, state_: ActionState = None, limit: Limit = 50,
                           offset: Offset = 0) -> Page[s.Action]:
        """A page of actions. Filters: `department_id`, `risk_assessment_id`, `annual_follow_up_id`, `state`
        (`open` and `overdue` as well as the statuses). Who: hr and admin; a department user for its own department; a skyddsombud for the departments they cover."""
        return await service.list_actions(request.user, department_id=department_id, risk_assessment_id=risk_assessment_id,
                                          annual_follow_up_id=annual_follow_up_id, state=state_, page=PageRequest(limit, offset))

    @post("/actions", guards=[EMPLOYER], status_code=201, summary="Add an action to the action plan",
          responses=errors(403, 404, 413))
    async def create_action(self, request: Request, data: JSONBody[s.ActionCreate]) -> s.Action:
        """An item of the action plan; its 'by when' becomes a deadline with reminders.
        Who: hr and admin; a department user for its own department."""
        return await service.create_action(request.user, data)

    @get("/actions/{id:int}", guards=[SIGNED_IN], summary="Get one action", responses=errors(404))
    async def get_action(self, request: Request, id: RecordId) -> s.Action:
        """The action, with whether it is overdue. Who: hr and admin; a department user for its own department; a skyddsombud for the departments they cover."""
        return await service.get_action(request.user, id)

    @patch("/actions/{id:int}", guards=[EMPLOYER], summary="Change an action", responses=errors(403, 404, 409, 413))
    async def update_action(self, request: Request, id: RecordId, data: JSONBody[s.ActionUpdate]) -> s.Action:
        """Changes the fields sent; `done_on` is required for a done action. With `version`, refused (409) if the
        action changed since. Who: hr and admin; a department user for its own department."""
        return await service.update_action(request.user, id, data)

    @get("/annual-follow-ups", guards=[SIGNED_IN], summary="List annual follow-ups", responses=errors())
    async def list_follow_ups(self, request: Request, department_id: FilterId = None, limit: Limit = 50,
                              offset: Offset = 0) -> Page[s.AnnualFollowUp]:
        """A page of the annual follow-ups of SAM (AFS 2023:1). Filter: `department_id`. Who: hr and admin; a department user for its own department; a skyddsombud for the departments they cover."""
        return await service.list_follow_ups(request.user, department_id=department_id, page=PageRequest(limit, offset))

    @post("/annual-follow-ups", guards=[EMPLOYER], status_code=201, summary="Record an annual follow-up",
          responses=errors(403, 404, 409, 413))
    async def create_follow_up(self, request: Request, data: JSONBody[s.AnnualFollowUpCreate]) -> s.AnnualFollowUp:
        """One per department and year (409 on `year`); its improvements become actions, and the next
        follow-up a deadline. Who: hr and admin; a department user for its own department."""
        return await service.create_follow_up(request.user, data)

    @get("/annual-follow-ups/{id:int}", guards=[SIGNED_IN], summary="Get one annual follow-up", responses=errors(404))
    async def get_follow_up(self, request: Request, id: RecordId) -> s.AnnualFollowUp:
        """The follow-up with its checklist and the actions it made. Who: hr and admin; a department user for its own department; a skyddsombud for the departments they cover."""
        return await service.get_follow_up(request.user, id)

    @patch("/annual-follow-ups/{id:int}", guards=[EMPLOYER], summary="Change an annual follow-up",
           responses=errors(403, 404, 409, 413))
    async def update_follow_up(self, request: Request, id: RecordId, data: JSONBody[s.AnnualFollowUpUpdate]) -> s.AnnualFollowUp:
        """Changes the fields sent. Who: hr and admin; a department user for its own department."""
        return await service.update_follow_up(request.user, id, data)

    @post("/annual-follow-ups/{id:int}/close", guards=[EMPLOYER], status_code=200, summary="Mark an annual follow-up done",
          responses=errors(403, 404, 409))
    async def close_follow_up(self, request: Request, id: RecordId) -> s.AnnualFollowUp:
        """From then on it is read, not changed. Who: hr and admin; a department user for its own department."""
        await service.close_record(request.user, "annual_follow_up", id)
        return await service.get_follow_up(request.user, id)

    @get("/annual-follow-ups/{id:int}/document", guards=[SIGNED_IN], summary="An annual follow-up as a Word file",
         responses=errors(404, 409), **download(DOCX, "Årlig uppföljning av SAM, a Word file."))
    async def follow_up_document(self, request: Request, id: RecordId) -> Response[Binary]:
        """Årlig uppföljning av SAM as a Word file with the department's letterhead.
        Who: hr and admin; a department user for its own department; a skyddsombud for the departments they cover."""
        return attachment(*await annual_follow_up_document(request.user, id, request.app.state.settings), DOCX)

    @get("/safety-rep-requests", guards=[SIGNED_IN], summary="List skyddsombud requests (6 kap. 6 a § AML)",
         responses=errors())
    async def list_requests(self, request: Request, department_id: FilterId = None, waiting: Waiting = None,
                            limit: Limit = 50, offset: Offset = 0) -> Page[s.SafetyRepRequest]:
        """A page of requests, with when each must be answered. Filters: `department_id`, `waiting`. Who: hr and admin; a department user for its own department; a skyddsombud for the departments they cover."""
        return await service.list_requests(request.user, department_id=department_id, waiting=waiting,
                                           page=PageRequest(limit, offset))

    @post("/safety-rep-requests", guards=[SIGNED_IN], status_code=201, summary="Register a skyddsombud request",
          responses=errors(403, 404, 413))
    async def create_request(self, request: Request, data: JSONBody[s.SafetyRepRequestCreate]) -> s.SafetyRepRequest:
        """A skyddsombud's request under 6 kap. 6 a § AML; its answer becomes a deadline.
        Who: the employer side (hr, admin; a department user for its own department), or a skyddsombud for a
        department they cover."""
        return await service.create_request(request.user, data)

    @get("/safety-rep-requests/{id:int}", guards=[SIGNED_IN], summary="Get one skyddsombud request",
         responses=errors(404))
    async def get_request(self, request: Request, id: RecordId) -> s.SafetyRepRequest:
        """The request, its state and whether its answer is overdue. Who: hr and admin; a department user for its own department; a skyddsombud for the departments they cover."""
        return await service.get_request(request.user, id)

    @post("/safety-rep-requests/{id:int}/acknowledge", guards=[EMPLOYER], status_code=200,
          summary="Confirm receipt of a skyddsombud request", responses=errors(403, 404, 409, 413))
    async def acknowledge(self, request: Request, id: RecordId, data: JSONBody[s.Acknowledgement]) -> s.SafetyRepRequest:
        """The written confirmation of receipt, which the law wants given at once; once only (409).
        Who: hr and admin; a department user for its own department."""
        return await service.acknowledge_request(request.user, id, data)

    @post("/safety-rep-requests/{id:int}/answer", guards=[EMPLOYER], status_code=200,
          summary="Answer a skyddsombud request", responses=errors(403, 404, 409, 413))
    async def answer(self, request: Request, id: RecordId, data: JSONBody[s.SafetyRepRequestAnswer]) -> s.SafetyRepRequest:
        """The employer's answer, which meets the request's deadline; once only (409). Who: hr and admin; a department user for its own department."""
        return await service.answer_request(request.user, id, data)

    @get("/departments/{id:int}/overview", guards=[SIGNED_IN], summary="A department's SAM at a glance",
         responses=errors(404))
    async def overview(self, request: Request, id: RecordId) -> s.Overview:
        """Open and overdue actions, risks by level, follow-ups per year and the next one's last day, requests
        waiting, and the skyddskommitté's next meeting at the latest. Who: hr and admin; a department user for its own department; a skyddsombud for the departments they cover."""
        return await service.overview(request.user, id)


def _comment_routes(path: str, subject: str, label: str) -> list:
    @get(f"/sam/{path}/{{id:int}}/comments", guards=[SIGNED_IN], tags=["SAM"], name=f"sam-{subject}-comments",
         summary=f"The comments on a {label}", responses=errors(404))
    async def list_comments(request: Request, id: RecordId) -> list[s.SamComment]:
        """Oldest first. Who: whoever may read the record."""
        return await service.comments(request.user, subject, id)

    @post(f"/sam/{path}/{{id:int}}/comments", guards=[SIGNED_IN], tags=["SAM"], status_code=201, name=f"sam-{subject}-comment",
          summary=f"Comment on a {label}", responses=errors(404, 413))
    async def add_comment(request: Request, id: RecordId, data: JSONBody[s.SamCommentCreate]) -> list[s.SamComment]:
        """Answers every comment on the record, the new one last. Who: whoever may read the record may
        comment: a skyddsombud who covers the department too."""
        return await service.add_comment(request.user, subject, id, data)

    return [list_comments, add_comment]


SAM_API = [SamController, *[route for path, subject, label in (
    ("risk-assessments", "risk_assessment", "risk assessment"), ("actions", "action", "action"),
    ("annual-follow-ups", "annual_follow_up", "annual follow-up"),
    ("safety-rep-requests", "safety_rep_request", "skyddsombud request"),
) for route in _comment_routes(path, subject, label)]]
