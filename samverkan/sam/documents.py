"""The SAM documents: riskbedömning med handlingsplan and årlig uppföljning av SAM, filled
through the documents machinery with the department's template, letterhead and logo."""

from __future__ import annotations

from samverkan import clock
from samverkan.accounts.service import Viewer
from samverkan.documents import kinds
from samverkan.documents.record import long_date, short_date
from samverkan.documents.service import render_department_document
from samverkan.pagination import PageRequest
from samverkan.sam import rules
from samverkan.sam import service
from samverkan.settings import Settings

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _actions(actions: list, risk_numbers: dict[int, int]) -> list[dict]:
    return [{
        "number": n, "risk_number": risk_numbers.get(a.risk_id) if a.risk_id else None, "what": a.what,
        "responsible": a.responsible, "due": a.due.isoformat(), "status": rules.STATUSES[a.status],
        "done_on": a.done_on.isoformat() if a.done_on else "", "follow_up": a.follow_up,
    } for n, a in enumerate(actions, 1)]


def level_legend(matrix: tuple[str, ...]) -> str:
    rows = "; ".join(f"sannolikhet {likelihood}: " + ", ".join(rules.LEVEL_LABELS[level].lower() for level in row)
                     for likelihood, row in zip((4, 3, 2, 1), rules.matrix_rows(matrix)))
    return f"Risknivå efter sannolikhet (1–4) och konsekvens (1–4) enligt riskmatrisen ({rows})."


def _filename(reference: str, label: str, day: str) -> str:
    return "_".join(kinds.file_part(p) for p in (reference, label, day)) + ".docx"


async def risk_assessment_document(viewer: Viewer, id: int, settings: Settings) -> tuple[str, bytes]:
    a = await service.get_risk_assessment(viewer, id)
    actions = (await service.list_actions(viewer, risk_assessment_id=id, page=PageRequest(limit=500))).items
    department = await service.department_name(a.department_id)
    matter = await service.visible_matter(viewer, a.matter_id)
    reference = f"SAM-RB-{a.id}"
    context = {
        "title": f"Riskbedömning med handlingsplan – {a.title}", "diary_no": reference, "document_date": short_date(a.date),
        "copy_label": "",
        "assessment": {"title": a.title, "department": department, "unit": a.unit, "date": long_date(a.date),
                       "reason": rules.REASONS[a.reason], "matter": f"{matter['diary_no']} {matter['title']}" if matter else "",
                       "description": a.description},
        "participants": [{"name": p.name, "role": rules.PARTICIPANT_ROLES[p.role]} for p in a.participants],
        "risks": [{"number": r.number, "description": r.description, "likelihood": r.likelihood, "consequence": r.consequence,
                   "score": r.likelihood * r.consequence, "level": rules.LEVEL_LABELS[r.level], "measures": r.measures}
                  for r in a.risks],
        "actions": _actions(actions, {r.id: r.number for r in a.risks}),
        "level_legend": level_legend(settings.risk_matrix),
    }
    data = await render_department_document("risk_assessment", a.department_id, department, settings.employer_name, context, a.date)
    return _filename(reference, "Riskbedomning", a.date.isoformat()), data


async def annual_follow_up_document(viewer: Viewer, id: int, settings: Settings) -> tuple[str, bytes]:
    f = await service.get_follow_up(viewer, id)
    actions = (await service.list_actions(viewer, annual_follow_up_id=id, page=PageRequest(limit=500))).items
    department = await service.department_name(f.department_id)
    m = await service.visible_meeting(viewer, f.meeting_id)
    meeting = f"{m['title']} {m['starts_at'].astimezone(clock.STOCKHOLM).date().isoformat()}" if m else ""
    answers = {c.element: c for c in f.checklist}
    reference = f"SAM-UPP-{f.year}-{f.department_id}"
    context = {
        "title": f"Årlig uppföljning av det systematiska arbetsmiljöarbetet {f.year}", "diary_no": reference,
        "document_date": short_date(f.date), "copy_label": "",
        "follow_up": {"department": department, "year": str(f.year), "date": long_date(f.date), "meeting": meeting,
                      "summary": f.summary, "participants": f.participants},
        "checklist": [{"number": n, "element": label, "answer": rules.ANSWERS[answers[e].answer] if e in answers else "–",
                       "comment": answers[e].comment if e in answers else ""}
                      for n, (e, label) in enumerate(rules.CHECKLIST.items(), 1)],
        "improvements": [{k: v for k, v in a.items() if k in ("number", "what", "responsible", "due", "status")}
                         for a in _actions(actions, {})],
    }
    data = await render_department_document("annual_follow_up", f.department_id, department, settings.employer_name, context, f.date)
    return _filename(reference, "Arlig-uppfoljning-SAM", f.date.isoformat()), data
