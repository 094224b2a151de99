"""The sammanträdesplan: a group's meetings of a year with their annual items, as a Word file from
the "year_plan" template with the department's letterhead (docs/templates.md)."""

from __future__ import annotations

import datetime as dt

from samverkan import clock
from samverkan.accounts.service import Viewer
from samverkan.documents import kinds
from samverkan.documents.record import long_date, short_date
from samverkan.documents.service import render_department_document
from samverkan.orgs import service as orgs
from samverkan.settings import Settings
from samverkan.yearplans import rules, service

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def year_plan_document(viewer: Viewer, group_id: int, year: int, settings: Settings) -> tuple[str, bytes]:
    group = await service.group_row(group_id)
    items = await service.annual_items(group_id)
    titles = {i.title for i in items}
    meetings = await service.year_meetings(viewer, group_id, year)
    department = dict(await orgs.names("department", [group["department"]])).get(group["department"], "") if group["department"] else ""
    context = {
        "title": f"Sammanträdesplan {year}", "diary_no": "", "document_date": short_date(clock.today()), "copy_label": "",
        "plan": {"group": group["name"], "department": department, "year": str(year), "safety_committee": group["safety_committee"]},
        "meetings": [{
            "number": n, "date": long_date(m.starts_at.astimezone(clock.STOCKHOLM).date()),
            "time": f"{m.starts_at.astimezone(clock.STOCKHOLM):%H.%M}–{m.ends_at.astimezone(clock.STOCKHOLM):%H.%M}",
            "place": m.place, "annual": ", ".join(t for t in m.agenda_titles if t in titles),
        } for n, m in enumerate(meetings, 1)],
        "annual_items": [{"title": i.title, "month": rules.month_name(i.month)} for i in items],
    }
    data = await render_department_document("year_plan", group["department"], department, settings.employer_name, context,
                                            dt.date(year, 1, 1))
    return "_".join(kinds.file_part(p) for p in ("Sammantradesplan", group["name"], str(year))) + ".docx", data
