"""JSON API of questions from APT upwards under /api/v1."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.params import JSONBody, QueryParameter

from samverkan.accounts.access import EMPLOYER, SIGNED_IN
from samverkan.pagination import Page, PageRequest
from samverkan.questions import schemas as s
from samverkan.questions import service
from samverkan.web.openapi import errors
from samverkan.web.params import Limit, Offset, RecordId

# "state" is a name Litestar reserves for handler arguments; the query parameter keeps it.
State = Annotated[s.State | None, QueryParameter(name="state", description=(
    "open: waiting at this group; answered: answered after passing it; none: every question that passed it."))]


class QuestionController(Controller):
    path = "/"
    tags = ["Questions"]

    @post("/meetings/{id:int}/questions", guards=[EMPLOYER], status_code=201, summary="Record a question raised at an APT",
          responses=errors(403, 404, 413))
    async def raise_question(self, request: Request, id: RecordId, data: JSONBody[s.QuestionCreate]) -> s.Question:
        """The meeting must be one of an APT group (`level: apt`).
        Who: admin and hr; a department user (the chef) for its own department."""
        return await service.raise_question(request.user, id, data)

    @get("/questions/{id:int}", guards=[SIGNED_IN], summary="Get one question with its path, answer and comments",
         responses=errors(404))
    async def get_question(self, request: Request, id: RecordId) -> s.Question:
        """Who: admin and hr; a department user when a group on its path is its department's; a union user
        when its union is a party of a group on its path."""
        return await service.get_question(request.user, id)

    @post("/questions/{id:int}/escalate", guards=[EMPLOYER], status_code=200, summary="Lift a question to the parent group",
          responses=errors(403, 404, 409))
    async def escalate(self, request: Request, id: RecordId) -> s.Question:
        """Moves it to the parent group of the group where it waits (409 when answered or at the top).
        Who: admin and hr; a department user for a group of its department."""
        return await service.escalate(request.user, id)

    @post("/questions/{id:int}/answer", guards=[EMPLOYER], status_code=200, summary="Answer a question",
          responses=errors(403, 404, 409, 413))
    async def answer(self, request: Request, id: RecordId, data: JSONBody[s.Answer]) -> s.Question:
        """Records the answer, shown at every level it passed, mailed to the APT's chef and listed at the
        APT's next meeting as Återkoppling. Who: admin and hr; the department of the group where it waits;
        the group's employer-side members."""
        return await service.answer(request.user, id, data)

    @post("/questions/{id:int}/comments", guards=[SIGNED_IN], status_code=201, summary="Comment on a question",
          responses=errors(404, 413))
    async def comment(self, request: Request, id: RecordId, data: JSONBody[s.QuestionCommentCreate]) -> s.Question:
        """Who: everyone who sees the question (union representatives of the parties too)."""
        return await service.comment(request.user, id, data)

    @post("/questions/{id:int}/agenda", guards=[EMPLOYER], status_code=200, summary="Put a question on an agenda",
          responses=errors(403, 404, 409))
    async def to_agenda(self, request: Request, id: RecordId, data: JSONBody[s.ToAgenda]) -> s.Question:
        """Adds an item about it to a meeting of the group where it waits.
        Who: those who may change that meeting."""
        return await service.to_agenda(request.user, id, data)

    @get("/groups/{id:int}/questions", guards=[SIGNED_IN], summary="A group's questions", responses=errors(404))
    async def group_questions(self, request: Request, id: RecordId, question_state: State = None,
                              limit: Limit = 50, offset: Offset = 0) -> Page[s.Question]:
        """Newest first. Who: every signed-in role, for the questions it sees."""
        return await service.list_questions(request.user, group_id=id, state=question_state, page=PageRequest(limit, offset))


QUESTION_API = [QuestionController]
