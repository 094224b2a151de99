"""The start page, "Att göra": what waits for the reader, by role (issue 17).

union: protocols waiting for our justering (with the last day), our upcoming meetings, the
deadlines we are responsible for, recent protocols with our copy to download.
HR: deadlines due in 14 days and missed ones, proposals and comments waiting, protocols in justering.
department: our upcoming meetings, our open SAM actions, our department's deadlines (the group's cadence among them).
admin: the register and the outbox."""

from __future__ import annotations

import datetime as dt
from typing import Any

from samverkan import clock
from samverkan.accounts import rights
from samverkan.accounts.service import Viewer
from samverkan.deadlines import service as deadlines
from samverkan.matters import service as matters
from samverkan.meetings import service as meetings
from samverkan.pagination import PageRequest
from samverkan.protocols import service as protocols
from samverkan.reminders import service as reminders
from samverkan.sam import service as sam

LIST = PageRequest(10)


async def todo(viewer: Viewer) -> dict[str, Any]:
    today = clock.today()
    out: dict[str, Any] = {"today": today}
    if rights.is_admin(viewer):
        out["outbox"] = await reminders.outbox_counts(viewer)
        out["sweep"] = await reminders.last_sweep()
    if rights.is_union(viewer) or rights.is_department(viewer) or viewer.role == "hr":
        out["meetings"] = (await meetings.list_meetings(viewer, from_=today, page=PageRequest(5))).items
    if rights.is_union(viewer) or viewer.role == "hr":
        out["waiting"] = await protocols.waiting(viewer)
    if rights.is_union(viewer):
        out["deadlines"] = await _deadlines(viewer, today, days=31, parties=deadlines.responsible_in(viewer, "vara"))
        out["approved"] = await protocols.recently_approved(viewer)
    elif viewer.role == "hr":
        out["deadlines"] = await _deadlines(viewer, today, days=15)
        out["feedback"] = await protocols.feedback_waiting(viewer)
    elif rights.is_department(viewer):
        out["deadlines"] = await _deadlines(viewer, today, days=31)
        out["actions"] = (await sam.list_actions(viewer, state="open", page=LIST)).items
    if "deadlines" in out:
        out["matters"] = await matters.headings(list({d.matter_id for d in out["deadlines"] if d.matter_id}))
    return out


async def _deadlines(viewer: Viewer, today: dt.date, days: int, parties: list[str] | None = None) -> list:
    """The missed ones first, then those due within ``days``."""
    missed = await deadlines.list_deadlines(viewer, state="missed", responsible_in=parties, page=LIST)
    due = await deadlines.list_deadlines(viewer, state="open", due_before=today + dt.timedelta(days=days),
                                         responsible_in=parties, page=LIST)
    return missed.items + due.items
