"""Documents of meetings: who may make and fetch which copy, the frozen meeting record, the
template and letterhead that apply (union → department → default), one render per unique
input, and the files. No HTTP here."""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
from dataclasses import dataclass

import anyio
import msgspec
from piccolo.columns.combination import Or

from samverkan.accounts import rights
from samverkan.actions import service as actions
from samverkan import clock
from samverkan.accounts.service import Viewer
from samverkan.audit import service as audit
from samverkan.database import Param, Prepared, Read, engine, insert_new
from samverkan.documents import kinds, pdf, render, storage, worker
from samverkan.documents import record as rec
from samverkan.documents import schemas as s
from samverkan.documents.kinds import Audience
from samverkan.documents.sample import sample_context, sample_contexts, sample_record_for
from samverkan.documents.tables import Document, DocumentSource, Letterhead, WordTemplate
from samverkan.errors import Conflict, Forbidden, Invalid, NotFound
from samverkan.matters import rules as matter_rules
from samverkan.matters.tables import Matter, MatterEvent, MatterParty
from samverkan.meetings import service as meetings
from samverkan.papers import service as papers
from samverkan.meetings.schemas import Meeting as MeetingOut
from samverkan.meetings.tables import Meeting
from samverkan.orgs.tables import CollaborationGroup, Department, Person, TradeUnion
from samverkan.paths import templates_dir
from samverkan.settings import Settings
from samverkan.values import refused

UNION_KINDS = {"protocol", "extract"}  # kallelser and frånträdesbesked are the employer's letters
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
MAX_LOGO_BYTES = 1024 * 1024


def default_template(name: str) -> bytes:
    return (templates_dir() / "word" / f"{name}.docx").read_bytes()


@functools.cache
def default_logo() -> bytes:
    return (templates_dir() / "word" / "logo.png").read_bytes()


log = logging.getLogger(__name__)

# --- who gets what ----------------------------------------------------------------------


# The record is read whole; each copy then shows it through rec.for_reader (docs/access.md).
_WHOLE = Viewer(0, "", "", "admin", None, None, None, "document")


def _audience(viewer: Viewer, meeting: MeetingOut, value: str) -> Audience:
    audience = kinds.parse_audience(value)
    if audience is None:
        raise Invalid('Ange "department", "all" eller "union:<id>".', field="audience")
    if audience.kind == "union" and audience.union_id not in meeting.union_ids:
        raise Invalid("Organisationen är inte part i mötet.", field="audience")
    if not rights.is_employer(viewer) and audience != Audience("union", viewer.union_id):
        raise Forbidden("Du kan bara ta fram din egen organisations exemplar.", field="audience")
    return audience


async def _common_copies_for(union_id: int | None, rows: list[dict]) -> set[int]:
    """Of these common copies, those that hide nothing from the union (see rec.hides_nothing_from):
    any other goes to the union as its own copy instead."""
    sources = {r["source"] for r in rows if r["audience"] == "all"}
    if not sources:
        return set()
    fitting = {
        src["id"] for src in await DocumentSource.select(DocumentSource.id, DocumentSource.record).where(
            DocumentSource.id.is_in(list(sources)))
        if rec.hides_nothing_from(msgspec.json.decode(src["record"], type=rec.MeetingRecord), union_id)
    }
    return {r["id"] for r in rows if r["audience"] == "all" and r["source"] in fitting}


async def _fetchable_rows(viewer: Viewer, rows: list[dict]) -> list[dict]:
    """Union users fetch their own union's copies and the common ones that hide nothing from them;
    the employer side all, except that a department user does not get an individärende (as on
    the meeting page)."""
    if rights.is_department(viewer):
        return [r for r in rows if not r["restricted"]]
    if rights.is_employer(viewer):
        return rows
    common = await _common_copies_for(viewer.union_id, rows)
    return [r for r in rows if r["audience"] == f"union:{viewer.union_id}" or r["id"] in common]


PERSONAL_DATA = "Dokumentet tar upp ett individärende; det tas fram av HR."


def _options(data: s.DocumentCreate, meeting: MeetingOut) -> rec.Options:
    kind = kinds.KINDS[data.kind]
    if data.date is not None and not kind.dated:
        raise Invalid("Datum anges bara för kallelser och frånträdesbesked; protokollet har mötets datum.", field="date")
    if data.attachments and data.kind not in ("notice", "agenda"):
        raise Invalid("Bilagor anges bara för kallelser.", field="attachments")
    if data.kind == "extract":
        if data.item_id is None:
            raise Invalid("Välj vilken punkt utdraget ska gälla.", field="item_id")
        if all(item.id != data.item_id for item in meeting.agenda):
            raise Invalid("Punkten finns inte på mötets dagordning.", field="item_id")
    elif data.item_id is not None:
        raise Invalid("En punkt anges bara för protokollsutdrag.", field="item_id")
    options = rec.Options(date=(data.date or clock.today()) if kind.dated else None,
                          attachments=list(data.attachments), item_id=data.item_id)
    if data.kind == "withdrawal_notice":
        problem = kinds.withdrawal_error(meeting.status, meeting.starts_at.astimezone(clock.STOCKHOLM).date(), options.date)
        if problem:
            raise Invalid(problem[1], field=problem[0])
    return options


# --- the frozen record ------------------------------------------------------------------


def _department_id(meeting: MeetingOut, group: dict | None) -> int | None:
    return meeting.department_id or (group["department"] if group else None)


async def _group(meeting: MeetingOut) -> dict | None:
    if meeting.group_id is None:
        return None
    return await CollaborationGroup.select(
        CollaborationGroup.name, CollaborationGroup.safety_committee, CollaborationGroup.department
    ).where(CollaborationGroup.id == meeting.group_id).first()


async def meeting_record(meeting_id: int, employer: str) -> tuple[MeetingOut, rec.MeetingRecord, int | None]:
    """The whole record of the meeting as it is now; a reader is shown ``rec.for_reader`` of it."""
    meeting = await meetings.get_meeting(_WHOLE, meeting_id)
    group = await _group(meeting)
    department_id = _department_id(meeting, group)
    person_ids = {p.person_id for p in meeting.participants} | {a.person_id for a in meeting.approvers}
    person_ids |= {i for i in (meeting.chair_id, meeting.minute_taker_id) if i is not None}
    people = {
        p["id"]: rec.PersonRef(name=p["name"], title=p["title"], email=p["email"] or "")
        for p in await Person.select(Person.id, Person.name, Person.title, Person.email).where(Person.id.is_in(list(person_ids) or [-1]))
    }
    unions = {u["id"]: u["name"] for u in await TradeUnion.select(TradeUnion.id, TradeUnion.name).where(
        TradeUnion.id.is_in(meeting.union_ids or [-1]))}
    matter_ids = [i.matter_id for i in meeting.agenda if i.matter_id is not None]
    parties: dict[int, list[int]] = {}
    for p in await MatterParty.select(MatterParty.matter, MatterParty.trade_union).where(
            MatterParty.matter.is_in(matter_ids or [-1])).order_by(MatterParty.trade_union):
        parties.setdefault(p["matter"], []).append(p["trade_union"])
    requests: dict[int, list[tuple[int | None, dt.date]]] = {}
    for e in await MatterEvent.select(MatterEvent.matter, MatterEvent.type, MatterEvent.trade_union, MatterEvent.date).where(
            MatterEvent.matter.is_in(matter_ids or [-1]), MatterEvent.type.is_in(["request_received", "request_sent"]),
            MatterEvent.deleted_at.is_null()).order_by(MatterEvent.date):
        # Received: the union asked; sent: the employer did.
        requests.setdefault(e["matter"], []).append((e["trade_union"] if e["type"] == "request_received" else None, e["date"]))
    matters = {
        m["id"]: rec.MatterRef(id=m["id"], diary_no=m["diary_no"], title=m["title"], description=m["description"], kind=m["kind"],
                               kind_label=matter_rules.KINDS[m["kind"]].label, personal_data=m["personal_data"],
                               parties=parties.get(m["id"], []), requests=requests.get(m["id"], []))
        for m in await Matter.select(Matter.id, Matter.diary_no, Matter.title, Matter.description, Matter.kind,
                                     Matter.personal_data).where(Matter.id.is_in(matter_ids or [-1]))
    }
    department = await Department.select(Department.name).where(Department.id == department_id).first() if department_id else None
    row = await Meeting.select(Meeting.id, Meeting.group, Meeting.starts_at).where(Meeting.id == meeting_id).first()
    extra = await actions.protocol_texts(row, [(i.id, i.title) for i in meeting.agenda])  # the actions decided and followed up
    record = rec.MeetingRecord(
        meeting_id=meeting.id, version=meeting.version, kind=meeting.kind, title=meeting.title, employer=employer,
        department=department["name"] if department else "", group=group["name"] if group else "",
        safety_committee=bool(group and group["safety_committee"]),
        starts_at=meeting.starts_at.astimezone(clock.STOCKHOLM), ends_at=meeting.ends_at.astimezone(clock.STOCKHOLM),
        place=meeting.place, unions=[rec.UnionRef(id=u, name=unions[u]) for u in meeting.union_ids],
        chair=people.get(meeting.chair_id), minute_taker=people.get(meeting.minute_taker_id),
        approvers=[rec.ApproverRef(union_id=a.union_id, person=people[a.person_id]) for a in meeting.approvers],
        participants=[rec.ParticipantRef(person=people[p.person_id], union_id=p.union_id, role=p.role, present=p.present)
                      for p in meeting.participants],
        items=[rec.ItemRef(
            id=i.id, number=i.number, title=i.title, kind=i.kind, matter=matters.get(i.matter_id),
            text="\n\n".join(part for part in (i.text, extra.get(i.id, "")) if part),
            employer_position=i.employer_position, closed_on=i.closed_on,
            positions=[rec.PositionRef(union_id=p.union_id, outcome=p.outcome, note=p.note, reservation=p.reservation,
                                       central_requested=p.central_requested) for p in i.positions],
        ) for i in meeting.agenda],
        papers=[rec.PaperRef(title=p["title"], filename=p["filename"], sha256=p["sha256"])
                for p in await papers.meeting_papers(meeting_id)],
    )
    return meeting, record, department_id


# --- templates and letterheads: union → department → default -----------------------------


def _in_line(table: type[WordTemplate] | type[Letterhead], department_id: int | None, union_id: int | None):
    """The rows of the department and of the union (either may be None), or None for neither."""
    conditions = [c for c in (table.department == department_id if department_id is not None else None,
                              table.trade_union == union_id if union_id is not None else None) if c is not None]
    if not conditions:
        return None
    return conditions[0] if len(conditions) == 1 else Or(*conditions)


def _own(table: type[WordTemplate] | type[Letterhead], department_id: int | None, union_id: int | None):
    """The rows of exactly one scope, a department's or a union's."""
    return table.department == department_id if department_id is not None else table.trade_union == union_id


def _union_first(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda r: r["trade_union"] is None)


async def _template(name: str, department_id: int | None, union_id: int | None) -> tuple[bytes, str]:
    condition = _in_line(WordTemplate, department_id, union_id)
    if condition is not None:
        rows = await WordTemplate.select(WordTemplate.content, WordTemplate.sha256, WordTemplate.trade_union).where(
            WordTemplate.name == name, WordTemplate.replaced_at.is_null(), condition)
        for row in _union_first(rows):
            return bytes(row["content"]), row["sha256"]
    content = default_template(name)
    return content, storage.sha256(content)


FALLBACK_NOTICE = ("Mallen «{label}» kunde inte fyllas i ({problem}), så standardmallen användes. "
                   "En administratör behöver rätta eller ta bort mallen under Mallar.")


async def _render_or_default(name: str, template: bytes, context: dict, logo: bytes | None,
                             properties: render.Properties) -> tuple[bytes, str | None]:
    """The filled document, and None; or, when an uploaded template fails now (it passed its upload
    check), the default template's and a notice that says so. The default failing is a fault."""
    try:
        return await worker.render(template, context, logo, properties), None
    except render.TemplateProblem as exc:
        default = default_template(name)
        if template == default:
            raise
        log.warning("template %s failed at render time, the default used: %s", name, exc)
        notice = FALLBACK_NOTICE.format(label=kinds.TEMPLATES[name], problem=str(exc).rstrip("."))
        return await worker.render(default, context, logo, properties), notice


async def _letterhead(department_id: int | None, union_id: int | None, default_text: str) -> tuple[str, bytes]:
    condition = _in_line(Letterhead, department_id, union_id)
    rows = [] if condition is None else _union_first(
        await Letterhead.select(Letterhead.trade_union, Letterhead.text, Letterhead.logo).where(condition))
    text = next((r["text"] for r in rows if r["text"].strip()), default_text)
    logo = next((bytes(r["logo"]) for r in rows if r["logo"]), default_logo())
    return text, logo


def _default_letterhead(record: rec.MeetingRecord) -> str:
    return "\n".join(line for line in (record.employer, record.department) if line)


# --- making a document ------------------------------------------------------------------


def _document(row: dict) -> s.Document:
    return s.Document(
        id=row["id"], kind=row["kind"], audience=row["audience"], filename=row["filename"], sha256=row["sha256"],
        template_sha256=row["template_sha256"], created_at=row["created_at"], meeting_id=row["meeting"],
        meeting_version=row["meeting_version"], template_name=row["template_name"], size=row["size"],
        union_id=row["trade_union"],
    )


def _file_party(record: rec.MeetingRecord, audience: Audience) -> str:
    if audience.kind == "union":
        return next(u.name for u in record.unions if u.id == audience.union_id)
    return "Arbetsgivaren" if audience.kind == "department" else "Gemensamt"


@dataclass(frozen=True)
class _Inputs:
    """Everything a document's bytes depend on, and the key that names that combination."""

    record: rec.MeetingRecord
    source: bytes
    template_name: str
    template: bytes
    template_sha: str
    letterhead: str
    logo: bytes
    key: str
    existing: dict | None  # the document already made from these inputs


def _key(kind: str, audience: Audience, source: bytes, template_sha: str, letterhead: str, logo: bytes,
         options: rec.Options) -> str:
    return storage.sha256(json.dumps(
        [kind, str(audience), storage.sha256(source), template_sha, letterhead, storage.sha256(logo),
         msgspec.to_builtins(options)], ensure_ascii=False, sort_keys=True).encode())


async def _live_record(meeting_id: int, employer: str) -> tuple[rec.MeetingRecord, int | None]:
    """Read in one transaction (one connection, not one per query), and again should the meeting
    change while it is read: the record must be one version of the meeting, not a mix of two."""
    for _ in range(3):
        async with engine().transaction():
            meeting, record, department_id = await meeting_record(meeting_id, employer)
            now = await Meeting.select(Meeting.version).where(Meeting.id == meeting_id).first()
        if now and now["version"] == meeting.version:
            return record, department_id
    raise Conflict("Mötet ändras just nu; försök igen om en stund.")


async def department_of(meeting_id: int) -> int | None:
    """The department whose templates and letterhead a meeting's documents use."""
    row = await Meeting.select(Meeting.department, Meeting.group.department.as_alias("group_department")).where(
        Meeting.id == meeting_id).first()
    return (row["department"] or row["group_department"]) if row else None


async def _inputs(record: rec.MeetingRecord, department_id: int | None, kind: str, audience: Audience,
                  options: rec.Options) -> _Inputs:
    """What the copy of ``audience`` shows of the whole record (its narrowest party's view), and
    the template and letterhead that apply."""
    shown = rec.for_reader(record, rec.reader_of(audience))
    union_id = audience.union_id if audience.kind == "union" else None
    template_name = kinds.template_name(kind, record.kind)
    template, template_sha = await _template(template_name, department_id, union_id)
    letterhead, logo = await _letterhead(department_id, union_id, _default_letterhead(shown))
    source = msgspec.json.encode(shown)
    key = _key(kind, audience, source, template_sha, letterhead, logo, options)
    existing = await Document.select().where(Document.key == key).first()
    return _Inputs(shown, source, template_name, template, template_sha, letterhead, logo, key, existing)


async def produce(viewer: Viewer, meeting_id: int, kind: str, audience: Audience, options: rec.Options,
                  settings: Settings) -> s.Document:
    """A copy of the meeting as it is now."""
    record, department_id = await _live_record(meeting_id, settings.employer_name)
    return await produce_from_record(viewer, record, department_id, kind, audience, options, settings)


async def produce_from_record(viewer: Viewer, record: rec.MeetingRecord, department_id: int | None, kind: str,
                              audience: Audience, options: rec.Options, settings: Settings) -> s.Document:
    """A copy of a whole record, e.g. the frozen record of an approved protocol version: the text
    is the record's alone, whatever the meeting, its matters or people are called now."""
    meeting_id = record.meeting_id
    inputs = await _inputs(record, department_id, kind, audience, options)
    if kind == "extract" and any(i.withheld for i in inputs.record.items if i.id == options.item_id):
        raise Invalid("Punkten tas inte upp i det här exemplaret.", field="item_id")
    restricted = rec.shows_personal_data(inputs.record, options.item_id)
    if restricted and rights.is_department(viewer):
        raise Forbidden(PERSONAL_DATA, field="audience")
    if inputs.existing:
        return _document(inputs.existing)

    record, template_name = inputs.record, inputs.template_name
    context = rec.context(record, kind, audience, options, inputs.letterhead)
    day = options.date or record.starts_at.date()
    properties = render.Properties(
        title=context["title"], author=record.department or record.employer, subject=record.title,
        created=dt.datetime.combine(day, dt.time(), tzinfo=clock.STOCKHOLM),
    )
    try:
        data, notice = await _render_or_default(template_name, inputs.template, context, inputs.logo, properties)
    except render.TemplateProblem as exc:
        raise Conflict(f"{exc} En administratör behöver rätta mallen «{kinds.TEMPLATES[template_name]}».", field="kind") from None
    sha = await anyio.to_thread.run_sync(storage.put, settings.documents_dir, data)
    # The template the copy was filled from: the default one when the uploaded one failed.
    template_sha = storage.sha256(default_template(template_name)) if notice else inputs.template_sha
    items = [i for i in record.items if i.id == options.item_id]
    diary = rec.diary_numbers(record, items or record.items)
    # A frånträdesbesked is named by its own date, the day the negotiation ends (16 § 3 st.).
    file_day = day if kind == "withdrawal_notice" else record.starts_at.date()
    filename = kinds.filename(diary[0] if diary else record.department or record.title, kind, file_day.isoformat(),
                              _file_party(record, audience), items[0].number if items else None)
    source_sha = storage.sha256(inputs.source)
    async with engine().transaction():
        await insert_new(DocumentSource, ("sha256", "record"), [(source_sha, inputs.source.decode())])
        source_row = await DocumentSource.select(DocumentSource.id).where(DocumentSource.sha256 == source_sha).first()
        await insert_new(Document, (
            "meeting", "kind", "audience", "trade_union", "meeting_version", "source", "options", "template_name",
            "template_sha256", "key", "filename", "sha256", "size", "restricted", "created_by", "created_at",
        ), [(meeting_id, kind, str(audience), audience.union_id, record.version, source_row["id"],
             msgspec.json.encode(options).decode(), template_name, template_sha, inputs.key, filename, sha, len(data),
             restricted, viewer.user_id or None, clock.now())])
        row = await Document.select().where(Document.key == inputs.key).first()
    return msgspec.structs.replace(_document(row), notice=notice)


async def render_record(record: rec.MeetingRecord, department_id: int | None) -> bytes:
    """The protocol of a frozen record as the common copy, for reading on a page; not stored."""
    template_name = kinds.template_name("protocol", record.kind)
    template, _ = await _template(template_name, department_id, None)
    letterhead, logo = await _letterhead(department_id, None, _default_letterhead(record))
    context = rec.context(record, "protocol", Audience("all"), rec.Options(), letterhead)
    properties = render.Properties(context["title"], record.department or record.employer, record.starts_at)
    try:
        return (await _render_or_default(template_name, template, context, logo, properties))[0]
    except render.TemplateProblem as exc:
        raise Conflict(str(exc), field="kind") from None


async def render_department_document(name: str, department_id: int, department: str, employer: str, context: dict,
                                     day: dt.date) -> bytes:
    """A department's document that is not a meeting's (the SAM ones): its template, letterhead
    and logo as for the department's meetings. Made from the record on each request, not stored:
    the same record gives the same bytes."""
    template, _ = await _template(name, department_id, None)
    letterhead, logo = await _letterhead(department_id, None, f"{employer}\n{department}")
    context = {**context, "letterhead": letterhead}
    properties = render.Properties(context["title"], department, dt.datetime.combine(day, dt.time(), tzinfo=clock.STOCKHOLM))
    try:
        return (await _render_or_default(name, template, context, logo, properties))[0]
    except render.TemplateProblem as exc:
        raise Conflict(f"{exc} En administratör behöver rätta mallen «{kinds.TEMPLATES[name]}».", field="template") from None


async def stored_file(document_id: int, settings: Settings) -> tuple[str, bytes]:
    """A document's name and bytes, for the system (an e-mail attachment): no viewer checks."""
    row = await Document.select(Document.filename, Document.sha256).where(Document.id == document_id).first()
    if row is None:
        raise NotFound(f"Dokumentet {document_id} finns inte.")
    return row["filename"], await anyio.to_thread.run_sync(storage.get, settings.documents_dir, row["sha256"])


async def create_document(viewer: Viewer, meeting_id: int, data: s.DocumentCreate, settings: Settings) -> s.Document:
    meeting = await meetings.get_meeting(viewer, meeting_id)
    reason = kinds.kind_error(data.kind, meeting.kind)
    if reason:
        raise Invalid(reason, field="kind")
    if not rights.is_employer(viewer) and data.kind not in UNION_KINDS:
        raise Forbidden("Kallelser och frånträdesbesked skickas av arbetsgivaren.", field="kind")
    audience = _audience(viewer, meeting, data.audience)
    return await produce(viewer, meeting_id, data.kind, audience, _options(data, meeting), settings)


# A meeting's documents for each kind of reader, read on every meeting page: built once (database.Prepared).
_ALL = Prepared(lambda: Document.select().where(Document.meeting == Param("meeting")).order_by(Document.id, ascending=False))
_UNRESTRICTED = Prepared(lambda: Document.select().where(
    Document.meeting == Param("meeting"), Document.restricted == False).order_by(Document.id, ascending=False))  # noqa: E712
_FOR_UNION = Prepared(lambda: Document.select().where(
    Document.meeting == Param("meeting"), Or(Document.audience == "all", Document.audience == Param("audience")))
    .order_by(Document.id, ascending=False))


def documents_read(viewer: Viewer, meeting_id: int) -> Read:
    """The statement list_documents runs for the viewer (for database.read_ahead)."""
    if rights.is_department(viewer):
        return _UNRESTRICTED.read(meeting=meeting_id)
    if not rights.is_employer(viewer):
        return _FOR_UNION.read(meeting=meeting_id, audience=f"union:{viewer.union_id}")
    return _ALL.read(meeting=meeting_id)


async def list_documents(viewer: Viewer, meeting_id: int, *, visible: bool = False) -> list[s.Document]:
    """``visible``: the caller has read the meeting within the viewer's scope already."""
    if not visible:
        await meetings.visible_row(viewer, meeting_id)
    rows = await documents_read(viewer, meeting_id).rows()
    return [_document(r) for r in await _fetchable_rows(viewer, rows)]


async def readable(viewer: Viewer, document_ids: list[int]) -> set[int]:
    """Of these documents of meetings the viewer has listed within their scope, those the viewer
    may fetch (as list_documents would show them): one or two statements for any number."""
    if not document_ids:
        return set()
    rows = await Document.select().where(Document.id.is_in(list(document_ids)))
    if not rights.is_employer(viewer):
        rows = [r for r in rows if r["audience"] in ("all", f"union:{viewer.union_id}")]
    return {r["id"] for r in await _fetchable_rows(viewer, rows)}


async def _fetchable(viewer: Viewer, document_id: int) -> dict:
    row = await Document.select().where(Document.id == document_id).first()
    if row is None or not await _fetchable_rows(viewer, [row]):
        raise NotFound(f"Dokumentet {document_id} finns inte.")
    await meetings.visible_row(viewer, row["meeting"])
    return row


async def document_file(viewer: Viewer, document_id: int, settings: Settings) -> tuple[s.Document, bytes]:
    row = await _fetchable(viewer, document_id)
    data = await anyio.to_thread.run_sync(storage.get, settings.documents_dir, row["sha256"])
    return _document(row), data


async def document_pdf(viewer: Viewer, document_id: int, settings: Settings) -> tuple[str, bytes]:
    """The document as PDF, made once and kept beside the Word file."""
    document, data = await document_file(viewer, document_id, settings)
    cached = await anyio.to_thread.run_sync(storage.find, settings.documents_dir, document.sha256, ".pdf")
    if cached is None:
        cached = await anyio.to_thread.run_sync(pdf.convert, data, settings.pdf_timeout_seconds)
        # off the event loop: the file is written with fsync
        await anyio.to_thread.run_sync(functools.partial(storage.put, settings.documents_dir, cached, ".pdf", digest=document.sha256))
    return document.filename.removesuffix(".docx") + ".pdf", cached


async def document_zip(viewer: Viewer, meeting_id: int, kind: str, settings: Settings) -> tuple[str, bytes]:
    """One copy per union and one for the employer (a union user: their own union's copy)."""
    meeting = await meetings.get_meeting(viewer, meeting_id)
    reason = kinds.kind_error(kind, meeting.kind) or ("Ett protokollsutdrag gäller en punkt; ta fram det för sig."
                                                       if kind == "extract" else None)
    if reason:
        raise Invalid(reason, field="kind")
    if not rights.is_employer(viewer) and kind not in UNION_KINDS:
        raise Forbidden("Kallelser och frånträdesbesked skickas av arbetsgivaren.", field="kind")
    if rights.is_employer(viewer):
        audiences = [Audience("department")] + [Audience("union", u) for u in meeting.union_ids]
    elif viewer.union_id in meeting.union_ids:
        audiences = [Audience("union", viewer.union_id)]
    else:
        audiences = []
    options = _options(s.DocumentCreate(kind=kind), meeting)
    documents = [await produce(viewer, meeting_id, kind, a, options, settings) for a in audiences]
    files = [(d.filename, await anyio.to_thread.run_sync(storage.get, settings.documents_dir, d.sha256)) for d in documents]
    name = (documents[0].filename.rsplit("_", 1)[0] if documents else f"Mote-{meeting_id}") + ".zip"
    return name, render.fixed_zip_of(files)


# --- templates and letterheads (admin) ----------------------------------------------------


def _check_scope_args(department_id: int | None, union_id: int | None) -> None:
    if (department_id is None) == (union_id is None):
        raise Invalid("Ange antingen en förvaltning eller en organisation.", field="scope")


async def _check_scope_exists(department_id: int | None, union_id: int | None) -> None:
    _check_scope_args(department_id, union_id)
    if department_id is not None and not await Department.exists().where(Department.id == department_id):
        raise NotFound(f"Förvaltningen {department_id} finns inte.")
    if union_id is not None and not await TradeUnion.exists().where(TradeUnion.id == union_id):
        raise NotFound(f"Organisationen {union_id} finns inte.")


def _template_out(row: dict) -> s.WordTemplate:
    return s.WordTemplate(
        id=row["id"], name=row["name"], label=kinds.TEMPLATES[row["name"]], department_id=row["department"],
        union_id=row["trade_union"], filename=row["filename"], sha256=row["sha256"], uploaded_at=row["uploaded_at"],
    )


_TEMPLATE_COLUMNS = (WordTemplate.id, WordTemplate.name, WordTemplate.department, WordTemplate.trade_union,
                     WordTemplate.filename, WordTemplate.sha256, WordTemplate.uploaded_at)


async def list_templates() -> list[s.WordTemplate]:
    """The defaults, then every override in use."""
    defaults = [
        s.WordTemplate(id=None, name=name, label=label, department_id=None, union_id=None, filename=f"{name}.docx",
                       sha256=storage.sha256(default_template(name)), uploaded_at=None)
        for name, label in kinds.TEMPLATES.items()
    ]
    rows = await WordTemplate.select(*_TEMPLATE_COLUMNS).where(WordTemplate.replaced_at.is_null()).order_by(WordTemplate.id)
    return defaults + [_template_out(r) for r in rows]


def _check_name(name: str) -> None:
    if name not in kinds.TEMPLATES:
        raise NotFound(f"Det finns ingen mall som heter {name!r}.")


async def check_template(name: str, content: bytes) -> None:
    """Refuse a template that is not a .docx, uses disallowed Jinja, fails with the sample data
    for any copy (the employer's, a party union's, a union's present but not a party, the common
    one) or leaves template code behind in the re-opened result; the reason names the problem."""
    if len(content) > MAX_TEMPLATE_BYTES:
        raise Invalid(f"Mallen är större än {MAX_TEMPLATE_BYTES // (1024 * 1024)} MB.", field="file")
    try:  # a file that is no Word document, or too large a one, is so for every copy: said once, without a copy
        render.measure(content)
    except render.TemplateProblem as exc:
        raise Invalid(str(exc), field="file") from None
    for label, context in sample_contexts(name):
        try:
            await worker.check(content, context, default_logo())
        except render.TemplateProblem as exc:
            raise Invalid(f"{exc} ({label})" if label else str(exc), field="file") from None


async def upload_template(viewer: Viewer, name: str, department_id: int | None, union_id: int | None,
                          filename: str, content: bytes) -> s.WordTemplate:
    _check_name(name)
    await _check_scope_exists(department_id, union_id)
    await check_template(name, content)
    scope = _own(WordTemplate, department_id, union_id)
    async with engine().transaction():
        await WordTemplate.update({WordTemplate.replaced_at: clock.now()}).where(
            WordTemplate.name == name, scope, WordTemplate.replaced_at.is_null())
        row = (await WordTemplate.insert(WordTemplate(
            name=name, department=department_id, trade_union=union_id, filename=filename[:200] or f"{name}.docx",
            content=content, sha256=storage.sha256(content), uploaded_by=viewer.user_id,
        )).returning(*_TEMPLATE_COLUMNS))[0]
        await audit.record(viewer, "upload", "word_template", row["id"], after=_template_out(row))
    return _template_out(row)


async def remove_template(name: str, department_id: int | None, union_id: int | None) -> None:
    """Back to the next template in line; the removed one is kept for the documents made from it."""
    _check_name(name)
    _check_scope_args(department_id, union_id)
    scope = _own(WordTemplate, department_id, union_id)
    async with engine().transaction():
        done = await WordTemplate.update({WordTemplate.replaced_at: clock.now()}).where(
            WordTemplate.name == name, scope, WordTemplate.replaced_at.is_null()).returning(WordTemplate.id)
        if not done:
            raise NotFound("Det finns ingen egen mall att ta bort här.")
        await audit.record(None, "remove", "word_template", done[0]["id"], before={"name": name, "department_id": department_id,
                                                                                   "union_id": union_id})


async def template_file(name: str, department_id: int | None = None, union_id: int | None = None) -> tuple[str, bytes]:
    """The template that applies for the scope (the default without one), to edit in Word."""
    _check_name(name)
    content, _ = await _template(name, department_id, union_id)
    return f"{name}.docx", content


def _letterhead_out(row: dict) -> s.Letterhead:
    logo = bytes(row["logo"]) if row["logo"] else None
    return s.Letterhead(department_id=row["department"], union_id=row["trade_union"], text=row["text"],
                        logo_sha256=storage.sha256(logo) if logo else None, logo_type=row["logo_type"],
                        updated_at=row["updated_at"])


async def list_letterheads() -> list[s.Letterhead]:
    return [_letterhead_out(r) for r in await Letterhead.select().order_by(Letterhead.id)]


async def set_letterhead(viewer: Viewer, department_id: int | None, union_id: int | None, text: str,
                         logo: bytes | None, keep_logo: bool) -> s.Letterhead:
    """Replace a scope's letterhead; ``logo`` None with ``keep_logo`` keeps the one it has."""
    await _check_scope_exists(department_id, union_id)
    if len(text) > 2000 or text.count("\n") > 8:
        raise Invalid("Brevhuvudet får ha högst 8 rader och 2000 tecken.", field="text")
    if refused(text, multi_line=True):  # a multipart form is no Struct: the text type's rule, by hand
        raise Invalid("Brevhuvudet får inte innehålla kontrolltecken (bara radbrytningar).", field="text")
    logo_type = ""
    if logo is not None:
        if len(logo) > MAX_LOGO_BYTES:
            raise Invalid("Logotypen är större än 1 MB.", field="logo")
        try:
            logo_type = render.check_logo(logo)
        except render.TemplateProblem as exc:
            raise Invalid(str(exc), field="logo") from None
    scope = _own(Letterhead, department_id, union_id)
    async with engine().transaction():
        current = await Letterhead.select(Letterhead.logo, Letterhead.logo_type).where(scope).first()
        if logo is None and keep_logo and current:
            logo, logo_type = current["logo"], current["logo_type"]
        await Letterhead.delete().where(scope)
        await Letterhead.insert(Letterhead(department=department_id, trade_union=union_id, text=text.strip(),
                                           logo=logo, logo_type=logo_type, updated_by=viewer.user_id))
        saved = _letterhead_out(await Letterhead.select().where(scope).first())
        await audit.record(viewer, "update", "letterhead", department_id or union_id, after=saved)
    return saved


async def remove_letterhead(department_id: int | None, union_id: int | None) -> None:
    _check_scope_args(department_id, union_id)
    scope = _own(Letterhead, department_id, union_id)
    async with engine().transaction():
        if not await Letterhead.delete().where(scope).returning(Letterhead.id):
            raise NotFound("Det finns inget eget brevhuvud att ta bort här.")
        await audit.record(None, "remove", "letterhead", department_id or union_id,
                           before={"department_id": department_id, "union_id": union_id})


async def preview_sample(name: str, department_id: int | None, union_id: int | None,
                         settings: Settings) -> tuple[bytes, str | None]:
    """The template that applies for the scope, filled with the sample meeting (and a notice if
    it failed and the default was used instead)."""
    _check_name(name)
    content, _ = await _template(name, department_id, union_id)
    sample = msgspec.structs.replace(sample_record_for(name), employer=settings.employer_name)
    letterhead, logo = await _letterhead(department_id, union_id, _default_letterhead(sample))
    context = dict(sample_context(name), letterhead=letterhead)
    properties = render.Properties(context["title"], sample.department, sample.starts_at)
    try:
        return await _render_or_default(name, content, context, logo, properties)
    except render.TemplateProblem as exc:
        raise Conflict(str(exc), field="file") from None
