"""The deadline calculator, the rule catalogue and the deadlines of matters under /api/v1."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from litestar import Controller, Request, get, post
from litestar.params import FromQuery, JSONBody, QueryParameter

from samverkan.accounts.access import ADMIN, ADMIN_OR_HR, SIGNED_IN
from samverkan.deadlines import schemas as s
from samverkan.deadlines import service
from samverkan.pagination import Page, PageRequest
from samverkan.web.openapi import errors
from samverkan.web.params import After, FilterId, Limit, Offset, RecordId
from samverkan.values import check_day

RuleId = Annotated[str, QueryParameter(name="rule", max_length=40, description="A rule id, e.g. MBL16-MEET-LOCAL.")]
From = Annotated[dt.date, QueryParameter(name="from", description="The day the period starts from (YYYY-MM-DD).")]
# "state" is a name Litestar reserves for handler arguments; the query parameter keeps it.
State = Annotated[Literal["open", "met", "missed", "waived", "superseded"] | None, QueryParameter(name="state")]


class DeadlineController(Controller):
    tags = ["Deadlines"]

    @get("/deadline-calculator", guards=[SIGNED_IN], summary="When does a time limit end?", responses=errors(404))
    async def calculate(self, rule_id: RuleId, from_: From) -> s.Calculation:
        """The end day of a time limit under `rule` that starts on `from`, moved to a working day where the
        rule says so, with the reason in Swedish. Stores nothing; an unknown rule is 404 on `rule`.
        Who: every signed-in role."""
        return service.calculate(rule_id, check_day(from_, "from"))

    @get("/rules", guards=[SIGNED_IN], summary="The rule sets and their rules", responses=errors())
    async def list_rules(self) -> list[s.RuleSet]:
        """The built-in catalogue (statutory rules and the local agreement's defaults), then the local
        versions, newest first within each scope. Who: every signed-in role."""
        return await service.rule_sets()

    @post("/rule-sets", guards=[ADMIN], status_code=201, summary="Save a new version of a rule set",
          responses=errors(403, 413))
    async def create_rule_set(self, request: Request, data: JSONBody[s.RuleSetCreate]) -> s.RuleSetCreated:
        """A new version of the municipality's or a department's rule set: the open deadlines it
        changes move at once, and the answer lists them (old → new). Who: admin."""
        return await service.create_rule_set(request.user, data)

    @post("/rule-sets/preview", guards=[ADMIN], status_code=200, summary="Preview a new rule set version",
          responses=errors(403, 413))
    async def preview_rule_set(self, request: Request, data: JSONBody[s.RuleSetCreate]) -> list[s.Move]:
        """What the same request to /rule-sets would move, without saving anything. Who: admin."""
        return await service.preview_rule_set(request.user, data)

    @get("/deadlines", guards=[SIGNED_IN], summary="List deadlines (frister)", responses=errors())
    async def list_deadlines(
        self, request: Request, state_: State = None, due_before: FromQuery[dt.date | None] = None,
        due_after: FromQuery[dt.date | None] = None, department_id: FilterId = None, union_id: FilterId = None,
        matter_id: FilterId = None, responsible: FromQuery[Literal["employer", "union", "claimant"] | None] = None,
        limit: Limit = 50, offset: Offset = 0, after: After = None,
    ) -> Page[s.Deadline]:
        """A page of the deadlines of matters and of SAM the caller may see. Filters: `state`, `due_before`,
        `due_after`, `department_id`, `union_id`, `matter_id`, `responsible`; `after` continues from a page's `next`.
        Who: every signed-in role, within the matters' scope."""
        return await service.list_deadlines(
            request.user, state=state_, due_before=check_day(due_before, "due_before"),
            due_after=check_day(due_after, "due_after"), department_id=department_id,
            union_id=union_id, matter_id=matter_id, responsible=responsible, page=PageRequest(limit, offset, after),
        )

    @get("/matters/{id:int}/deadlines", guards=[SIGNED_IN], summary="A matter's deadlines", responses=errors(404))
    async def matter_deadlines(self, request: Request, id: RecordId) -> list[s.Deadline]:
        """Every deadline the matter's events started, as a plain list.
        Who: every signed-in role, within its scope."""
        return await service.matter_deadlines(request.user, id)

    @post("/deadlines/{id:int}/waive", guards=[ADMIN_OR_HR], status_code=200, summary="Waive a deadline, with a reason",
          responses=errors(403, 404, 409, 413))
    async def waive(self, request: Request, id: RecordId, data: JSONBody[s.DeadlineWaive]) -> s.Deadline:
        """Stops reminders for an open deadline (409 on `state` otherwise); the reason is kept. Who: admin and hr."""
        return await service.waive(request.user, id, data.reason)
