"""The deadline calculator and the rule catalogue under /api/v1."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, get
from litestar.params import QueryParameter

from samverkan.accounts.access import SIGNED_IN
from samverkan.deadlines import schemas as s
from samverkan.deadlines import service

RuleId = Annotated[str, QueryParameter(name="rule", max_length=40, description="A rule id, e.g. MBL16-MEET-LOCAL.")]
From = Annotated[dt.date, QueryParameter(name="from", description="The day the period starts from (YYYY-MM-DD).")]


class DeadlineController(Controller):
    tags = ["Deadlines"]
    guards = [SIGNED_IN]

    @get("/deadline-calculator")
    async def calculate(self, rule_id: RuleId, from_: From) -> s.Calculation:
        return service.calculate(rule_id, from_)

    @get("/rules")
    async def list_rules(self) -> list[s.RuleSet]:
        return service.rule_sets()
