"""JSON API of a group's year plan and annual items under /api/v1/groups/{id}."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get, post, put
from litestar.params import JSONBody, PathParameter
from litestar.response import Response

from samverkan.accounts.access import EMPLOYER, SIGNED_IN
from samverkan.documents.api import attachment
from samverkan.web.openapi import Binary, download, errors
from samverkan.web.params import RecordId
from samverkan.yearplans import schemas as s
from samverkan.yearplans import service
from samverkan.yearplans.document import DOCX, year_plan_document


Year = Annotated[int, PathParameter(ge=2000, le=2100, description="The year.")]


class YearPlanController(Controller):
    path = "/groups/{id:int}"
    tags = ["Year plans"]

    @get("/annual-items", guards=[SIGNED_IN], summary="A group's annual items", responses=errors(404))
    async def get_annual_items(self, id: RecordId) -> list[s.AnnualItem]:
        """The items a year plan places by month (the defaults until the group sets its own).
        Who: every signed-in role."""
        return await service.annual_items(id)

    @put("/annual-items", guards=[EMPLOYER], summary="Set a group's annual items", responses=errors(403, 404, 413))
    async def set_annual_items(self, request: Request, id: RecordId, data: JSONBody[s.AnnualItems]) -> list[s.AnnualItem]:
        """Replaces the list. Who: admin and hr; a department user for its own department's groups."""
        return await service.set_annual_items(request.user, id, data)

    @post("/year-plan", guards=[EMPLOYER], status_code=200, summary="Plan a group's year (or propose a plan)",
          responses=errors(403, 404, 409, 413))
    async def plan(self, request: Request, id: RecordId, data: JSONBody[s.YearPlanCreate]) -> s.YearPlan:
        """With `dates`: creates the year's meetings, each with the standard agenda and the annual items of its
        period (`saved: true`; 409 on `year` when the group already has meetings that year). Without: a proposal
        from the group's cadence, nothing saved. `warnings`: `cadence`, `notice_late`, `in_past`.
        Who: admin and hr; a department user for its own department's groups."""
        return await service.plan(request.user, id, data)

    @get("/year-plan/{year:int}/document", guards=[SIGNED_IN], summary="The sammanträdesplan as Word",
         responses=errors(404, 409), **download(DOCX, "Sammanträdesplan, a Word file."))
    async def document(self, request: Request, id: RecordId, year: Year) -> Response[Binary]:
        """The year's meetings with dates, places and their annual items.
        Who: every signed-in role, for the meetings it sees."""
        return attachment(*await year_plan_document(request.user, id, year, request.app.state.settings), DOCX)


YEAR_PLAN_API = [YearPlanController]
