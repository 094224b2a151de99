"""The audit trail over the API (administrators)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Request, get
from litestar.params import QueryParameter

from samverkan.accounts.access import ADMIN
from samverkan.audit import schemas as s
from samverkan.audit import service
from samverkan.pagination import Page, PageRequest
from samverkan.web.openapi import errors
from samverkan.web.params import FilterId, Limit, Offset
from samverkan.values import check_day

Entity = Annotated[str | None, QueryParameter(max_length=40, description="e.g. matter, meeting, agenda_item, protocol")]
From = Annotated[dt.date | None, QueryParameter(name="from", description="First day (Europe/Stockholm).")]
To = Annotated[dt.date | None, QueryParameter(description="Last day, inclusive.")]


@get("/audit", guards=[ADMIN], tags=["Audit"], summary="The audit trail, newest first",
     description="Who changed what, when, with the record before and after. Append-only and hash-chained; "
                 "`samverkan audit verify` checks the chain. Filters: `entity`, `entity_id`, `actor_id`, `from`, `to` "
                 "(days in Sweden). Who: admin.",
     responses=errors(403))
async def audit_entries(request: Request, entity: Entity = None, entity_id: FilterId = None, actor_id: FilterId = None,
                        from_: From = None, to: To = None, limit: Limit = 50, offset: Offset = 0) -> Page[s.AuditEntry]:
    return await service.entries(request.user, entity, entity_id, actor_id, check_day(from_, "from"), check_day(to, "to"),
                                 PageRequest(limit, offset))


AUDIT_API = [audit_entries]
