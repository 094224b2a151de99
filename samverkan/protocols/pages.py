"""Pages of justering: "Att justera" (what waits for the reader, or for whom), the review page of
a meeting's protocol (the protocol as it prints, comments, proposals, approval per party), the
comparison of two versions; and the administrators' audit log with its CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated, Any

import msgspec
from litestar import Request, get, post
from litestar.params import QueryParameter
from litestar.response import Redirect, Response, Template

from samverkan.accounts import rights
from samverkan import clock
from samverkan.accounts.access import ADMIN, ADMIN_OR_HR, EMPLOYER, SIGNED_IN
from samverkan.audit import labels as audit_labels
from samverkan.audit import service as audit
from samverkan.documents import preview
from samverkan.documents import service as documents
from samverkan.errors import ServiceError
from samverkan.meetings import service as meetings
from samverkan.meetings.rules import POSITION_OUTCOMES
from samverkan.pagination import PageRequest
from samverkan.protocols import rules
from samverkan.protocols import schemas as s
from samverkan.protocols import service
from samverkan.web.forms import FormErrors, convert, optional_int, service_errors, text
from samverkan.web.params import FilterId, PageNumber, RecordId
from samverkan.values import check_day

VersionQuery = Annotated[int, QueryParameter(ge=1, le=100_000)]
PAGE_SIZE = 100


@get("/att-justera", guards=[SIGNED_IN], name="to-approve")
async def waiting_page(request: Request) -> Template:
    return Template("protocols/waiting.html", context={
        "waiting": await service.waiting(request.user), "union_view": rights.is_union(request.user),
        "today": clock.today(),
    })


async def _review(request: Request, id: int, errors: dict | None = None, status_code: int = 200) -> Template:
    viewer = request.user
    protocol = await service.get_protocol(viewer, id)
    meeting = await meetings.get_meeting(viewer, id)
    html = None
    version = None
    if protocol.version:
        version = await service.get_version(viewer, id, protocol.version.number)
        department_id = meeting.department_id
        html = preview.to_html(await documents.render_record(version.record, department_id))
    # The items of the version as the reader may see it (docs/access.md): one may comment and
    # propose only on those, and the comments on the others are not shown.
    items = {i.id: f"§ {i.number} {i.title}" for i in version.record.items if not i.withheld} if version else {}
    may_change = rights.may_change_department(viewer, meeting.department_id)
    own_party = rules.EMPLOYER if not rights.is_union(viewer) else rules.union_party(viewer.union_id)
    own_status = next((p for p in protocol.parties if p.party == own_party), None)
    # The sealed copies the reader may open (the seal covers them all; each reader opens its own).
    sealed = protocol.version is not None and protocol.version.documents
    fetchable = {d.id for d in await documents.list_documents(viewer, id)} if sealed else set()
    # What each pending proposal would change, shown before the minute-taker confirms it.
    positions = {(i.id, p.union_id): msgspec.structs.asdict(p) for i in version.record.items for p in i.positions} if version else {}
    changes = {p.id: rules.proposal_changes(positions.get((p.agenda_item_id, p.union_id), {}), msgspec.structs.asdict(p))
               for p in protocol.proposals if p.state == "pending"}
    return Template("protocols/review.html", status_code=status_code, context={
        "meeting": meeting, "protocol": protocol, "html": html, "items": items, "may_change": may_change,
        "own_status": own_status, "is_union": rights.is_union(viewer), "outcomes": POSITION_OUTCOMES,
        "can_reopen": rights.sees_all(viewer), "errors": errors or {}, "state_labels": rules.STATE_LABELS,
        "version_labels": rules.VERSION_LABELS, "unions": {u.id: u.name for u in version.record.unions} if version else {},
        "fetchable": fetchable, "changes": changes, "field_labels": rules.FIELD_LABELS,
    })


@get("/moten/{id:int}/protokoll", guards=[SIGNED_IN], name="protocol")
async def review_page(request: Request, id: RecordId) -> Template:
    return await _review(request, id)


async def _act(request: Request, id: int, action) -> Template | Redirect:
    try:
        await action()
    except FormErrors as exc:
        return await _review(request, id, exc.errors, 422)
    except ServiceError as exc:
        if exc.status_code == 404 and exc.field is None:
            raise
        return await _review(request, id, service_errors(exc).errors, exc.status_code if exc.status_code in (403, 409) else 422)
    return Redirect(f"/moten/{id}/protokoll")


@post("/moten/{id:int}/protokoll/skicka", guards=[EMPLOYER], name="protocol-submit")
async def submit(request: Request, id: RecordId) -> Template | Redirect:
    return await _act(request, id, lambda: service.submit(request.user, id, request.app.state.settings))


@post("/moten/{id:int}/protokoll/kommentar", guards=[SIGNED_IN], name="protocol-comment")
async def comment(request: Request, id: RecordId) -> Template | Redirect:
    form = await request.form()
    values: dict[str, Any] = {"text": text(form.get("text")), "agenda_item_id": optional_int(form.get("agenda_item_id"))}
    return await _act(request, id, lambda: service.comment(request.user, id, convert(values, s.CommentCreate), request.app.state.settings))


@post("/moten/{id:int}/protokoll/forslag", guards=[SIGNED_IN], name="protocol-propose")
async def propose(request: Request, id: RecordId) -> Template | Redirect:
    form = await request.form()
    values: dict[str, Any] = {"agenda_item_id": optional_int(form.get("proposal_item_id")), "outcome": text(form.get("outcome")) or None,
                              "note": text(form.get("note")), "reservation": text(form.get("reservation"))}
    return await _act(request, id, lambda: service.propose(request.user, id, convert(values, s.ProposalCreate), request.app.state.settings))


@post("/moten/{id:int}/protokoll/forslag/{pid:int}/godta", guards=[EMPLOYER], name="protocol-accept")
async def accept(request: Request, id: RecordId, pid: RecordId) -> Template | Redirect:
    return await _act(request, id, lambda: service.decide(request.user, id, pid, True, "", request.app.state.settings))


@post("/moten/{id:int}/protokoll/forslag/{pid:int}/avsla", guards=[EMPLOYER], name="protocol-reject")
async def reject(request: Request, id: RecordId, pid: RecordId) -> Template | Redirect:
    form = await request.form()
    values = {"reason": text(form.get("reason"))}
    return await _act(request, id, lambda: service.decide(request.user, id, pid, False, convert(values, s.ProposalDecision).reason,
                                                          request.app.state.settings))


@post("/moten/{id:int}/protokoll/justera", guards=[SIGNED_IN], name="protocol-approve")
async def approve(request: Request, id: RecordId) -> Template | Redirect:
    return await _act(request, id, lambda: service.approve(request.user, id, request.app.state.settings))


@post("/moten/{id:int}/protokoll/oppna", guards=[ADMIN_OR_HR], name="protocol-reopen")
async def reopen(request: Request, id: RecordId) -> Template | Redirect:
    form = await request.form()
    values = {"reason": text(form.get("reason"))}
    return await _act(request, id, lambda: service.reopen(request.user, id, convert(values, s.Reopen).reason))


@get("/moten/{id:int}/protokoll/jamfor", guards=[SIGNED_IN], name="protocol-compare")
async def compare(request: Request, id: RecordId, fran: VersionQuery, till: VersionQuery) -> Template:
    first, second, lines = await service.difference(request.user, id, fran, till)
    meeting = await meetings.get_meeting(request.user, id)
    return Template("protocols/compare.html", context={"meeting": meeting, "lines": lines, "old": fran, "new": till,
                                                       "versions": (first, second), "version_labels": rules.VERSION_LABELS,
                                                       "changed": any(sign != " " for sign, _ in lines)})


# --- the audit log -----------------------------------------------------------------------------


Entity = Annotated[str | None, QueryParameter(max_length=40)]
Day = Annotated[dt.date | None, QueryParameter()]


@get("/logg", guards=[ADMIN], name="audit")
async def audit_page(request: Request, typ: Entity = None, post_id: FilterId = None, fran: Day = None, till: Day = None,
                     sida: PageNumber = 1) -> Template:
    fran, till = check_day(fran, "fran"), check_day(till, "till")
    page = await audit.entries(request.user, typ or None, post_id, None, fran, till, PageRequest(PAGE_SIZE, (sida - 1) * PAGE_SIZE))
    return Template("protocols/audit.html", context={
        "page": page, "typ": typ or "", "post_id": post_id, "actions": audit_labels.ACTIONS, "entities": audit_labels.ENTITIES, "fran": fran, "till": till, "sida": sida,
        "pages": max(1, -(-page.total // PAGE_SIZE)),
    })


@get("/logg.csv", guards=[ADMIN], name="audit-csv")
async def audit_csv(request: Request, typ: Entity = None, post_id: FilterId = None, fran: Day = None, till: Day = None) -> Response[bytes]:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["id", "tid", "vem", "vem_id", "handling", "typ", "post", "före", "efter", "hash"])
    offset = 0
    fran, till = check_day(fran, "fran"), check_day(till, "till")
    while True:
        page = await audit.entries(request.user, typ or None, post_id, None, fran, till, PageRequest(500, offset))
        for e in page.items:
            writer.writerow([e.id, e.at.astimezone(clock.STOCKHOLM).isoformat(), e.actor_name, e.actor_id or "",
                             audit_labels.ACTIONS.get(e.action, e.action), audit_labels.ENTITIES.get(e.entity, e.entity),
                             e.entity_id or "", "" if e.before is None else audit.as_json(e.before),
                             "" if e.after is None else audit.as_json(e.after), e.hash])
        offset += 500
        if offset >= page.total:
            break
    # A BOM so that Excel opens the Swedish letters right.
    return Response(("\ufeff" + out.getvalue()).encode(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="samverkan-logg.csv"'})


PROTOCOL_PAGES = [waiting_page, review_page, submit, comment, propose, accept, reject, approve, reopen, compare, audit_page, audit_csv]
