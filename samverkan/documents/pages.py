"""Pages of documents: the documents section of the meeting page (make, list, download per
copy), a document's preview as HTML, and the administrators' templates and letterheads."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect, Response, Template

from samverkan.accounts import rights
from samverkan.accounts.access import ADMIN, SIGNED_IN
from samverkan.documents import kinds, pdf, preview, service
from samverkan.documents import schemas as s
from samverkan.documents.api import TemplateNameParam, attachment, uploaded
from samverkan.documents.render import DOCX_MEDIA_TYPE
from samverkan.documents.sample import sample_context
from samverkan.database import Read
from samverkan.errors import Invalid, ServiceError
from samverkan.meetings.schemas import Meeting
from samverkan.orgs import service as orgs
from samverkan.web.forms import FormErrors, convert, optional_int, service_errors, text
from samverkan.web.params import RecordId

ForScope = Annotated[str | None, QueryParameter(name="for", max_length=40, description="department:ID or union:ID")]
AUDIENCE_LABELS = {"department": "Arbetsgivarens exemplar", "all": "Gemensamt exemplar"}
DOCUMENT_FIELDS = {"kind": "Dokument", "audience": "Exemplar", "item_id": "Punkt", "date": "Datum", "attachments": "Bilagor"}


def _audience_label(audience: str, unions: dict[int, str]) -> str:
    if audience.startswith("union:"):
        return f"Exemplar för {unions.get(int(audience[6:]), audience)}"
    return AUDIENCE_LABELS[audience]


def section_reads(viewer: Any, meeting: Meeting) -> list[Read]:
    """What section reads from the database (the meeting page reads it ahead)."""
    return [service.documents_read(viewer, meeting.id)]


async def section(request: Request, meeting: Meeting, unions: dict[int, str] | None = None) -> dict[str, Any]:
    """What the meeting page shows of documents (``unions``: id → name, when the caller has read them)."""
    viewer = request.user
    unions = unions if unions is not None else dict(await orgs.choices("union"))
    union_view = not rights.is_employer(viewer)
    if union_view:
        audiences = [(f"union:{viewer.union_id}", _audience_label(f"union:{viewer.union_id}", unions))] \
            if viewer.union_id in meeting.union_ids else []
    else:
        audiences = [(a, label) for a, label in AUDIENCE_LABELS.items()] + [
            (f"union:{u}", _audience_label(f"union:{u}", unions)) for u in meeting.union_ids]
    documents = await service.list_documents(viewer, meeting.id, visible=True)  # the meeting was read in scope
    choices = [(k, v.label) for k, v in kinds.KINDS.items()
               if meeting.kind in v.meeting_kinds and (not union_view or k in service.UNION_KINDS)
               and (k != "withdrawal_notice" or meeting.status == "held")]  # 16 § 3 st.: only after the meeting
    return {
        "documents": [(d, _audience_label(d.audience, unions)) for d in documents],
        "document_kinds": choices,
        # Before the meeting one calls it; after it one writes the protocol.
        "default_kind": "protocol" if meeting.status == "held" or not choices else choices[0][0],
        "union_view": union_view,
        "audiences": audiences,
        "pdf_available": pdf.available(),
        "document_fields": DOCUMENT_FIELDS,
    }


def _create_values(form: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"kind": text(form.get("kind")), "audience": text(form.get("audience")) or "department"}
    kind = kinds.KINDS.get(values["kind"])
    if values["kind"] == "extract":
        values["item_id"] = optional_int(form.get("item_id"))
    if kind and kind.dated and text(form.get("date")):
        values["date"] = text(form.get("date"))
    if values["kind"] in ("notice", "agenda"):
        values["attachments"] = [line.strip() for line in text(form.get("attachments")).splitlines() if line.strip()]
    return values


@post("/moten/{id:int}/dokument", guards=[SIGNED_IN], name="document-create")
async def create_document(request: Request, id: RecordId) -> Template | Redirect:
    from samverkan.meetings.pages import page_with_errors  # the meeting page imports this module

    form = await request.form()
    try:
        document = await service.create_document(request.user, id, convert(_create_values(form), s.DocumentCreate),
                                                 request.app.state.settings)
    except FormErrors as exc:
        return await page_with_errors(request, id, {}, document_errors=exc.errors)
    except ServiceError as exc:
        if exc.status_code == 404:
            raise
        return await page_with_errors(request, id, {}, document_errors=service_errors(exc).errors)
    return Redirect(f"/dokument/{document.id}" + ("?standardmall=1" if document.notice else ""))


async def _preview_page(request: Request, id: int, message: str | None = None, status_code: int = 200) -> Template:
    document, body = await service.document_file(request.user, id, request.app.state.settings)
    unions = dict(await orgs.choices("union"))
    return Template("documents/preview.html", status_code=status_code, context={
        "document": document, "kind_label": kinds.KINDS[document.kind].label,
        "audience_label": _audience_label(document.audience, unions), "html": preview.to_html(body),
        "pdf_available": pdf.available(), "message": message,
    })


STANDARD_TEMPLATE_USED = ("Förvaltningens eller förbundets egen mall kunde inte fyllas i, så dokumentet gjordes med "
                          "standardmallen. En administratör behöver rätta mallen under Mallar.")


@get("/dokument/{id:int}", guards=[SIGNED_IN], name="document")
async def document_page(request: Request, id: RecordId, standardmall: FromQuery[str | None] = None) -> Template:
    return await _preview_page(request, id, STANDARD_TEMPLATE_USED if standardmall else None)


@get("/dokument/{id:int}/word", guards=[SIGNED_IN], name="document-word")
async def document_word(request: Request, id: RecordId) -> Response[bytes]:
    document, body = await service.document_file(request.user, id, request.app.state.settings)
    return attachment(document.filename, body, DOCX_MEDIA_TYPE)


@get("/dokument/{id:int}/pdf", guards=[SIGNED_IN], name="document-pdf")
async def document_pdf(request: Request, id: RecordId) -> Response[bytes] | Template:
    try:
        name, body = await service.document_pdf(request.user, id, request.app.state.settings)
    except pdf.PdfUnavailable as exc:
        return await _preview_page(request, id, exc.detail, status_code=503)
    return attachment(name, body, "application/pdf")


@get("/moten/{id:int}/dokument.zip", guards=[SIGNED_IN], name="documents-zip")
async def documents_zip(request: Request, id: RecordId, typ: FromQuery[s.DocumentKind] = "protocol") -> Response[bytes]:
    name, body = await service.document_zip(request.user, id, typ, request.app.state.settings)
    return attachment(name, body, "application/zip")


# --- templates and letterheads (admin) ----------------------------------------------------


def _scope_choices(departments: list, unions: list) -> list[tuple[str, str]]:
    return [(f"department:{i}", name) for i, name in departments] + [(f"union:{i}", name) for i, name in unions]


def _parse_scope(value: str) -> tuple[int | None, int | None]:
    owner, _, raw = value.partition(":")
    if owner in ("department", "union") and raw.isdigit():
        return (int(raw), None) if owner == "department" else (None, int(raw))
    raise Invalid("Välj en förvaltning eller en organisation.", field="scope")


async def _templates_page(request: Request, errors: dict | None = None, message: str | None = None,
                          values: dict | None = None, status_code: int = 200) -> Template:
    departments = await orgs.choices("department")
    unions = await orgs.choices("union")
    names = {**{("department", i): n for i, n in departments}, **{("union", i): n for i, n in unions}}
    templates = await service.list_templates()
    return Template("documents/templates.html", status_code=status_code, context={
        "defaults": [t for t in templates if t.id is None], "overrides": [t for t in templates if t.id is not None],
        "letterheads": await service.list_letterheads(), "names": names, "template_labels": kinds.TEMPLATES,
        "scopes": _scope_choices(departments, unions), "errors": errors or {}, "message": message, "values": values or {},
    })


@get("/mallar", guards=[ADMIN], name="templates")
async def templates_page(request: Request) -> Template:
    return await _templates_page(request)


@post("/mallar", guards=[ADMIN], name="template-upload")
async def upload_template(request: Request) -> Template | Redirect:
    form = await request.form()
    values = {"name": text(form.get("name")), "scope": text(form.get("scope"))}
    try:
        if values["name"] not in kinds.TEMPLATES:
            raise Invalid("Välj vilken mall filen ersätter.", field="name")
        scope = _parse_scope(values["scope"])
        filename, content = await uploaded(request, "file")
        await service.upload_template(request.user, values["name"], *scope, filename, content)
    except ServiceError as exc:
        if exc.status_code == 404 and exc.field is None:
            raise
        return await _templates_page(request, service_errors(exc).errors, values=values, status_code=422)
    return await _templates_page(request, message=f"Mallen «{kinds.TEMPLATES[values['name']]}» är uppladdad och används nu.")


@post("/mallar/ta-bort", guards=[ADMIN], name="template-remove")
async def remove_template(request: Request) -> Redirect:
    form = await request.form()
    await service.remove_template(text(form.get("name")), *_parse_scope(text(form.get("scope"))))
    return Redirect("/mallar")


@post("/mallar/brevhuvud", guards=[ADMIN], name="letterhead-set")
async def set_letterhead(request: Request) -> Template:
    form = await request.form()
    values = {"letterhead_scope": text(form.get("scope")), "letterhead_text": text(form.get("text"))}
    try:
        scope = _parse_scope(values["letterhead_scope"])
        logo = await uploaded(request, "logo", required=False)
        await service.set_letterhead(request.user, *scope, values["letterhead_text"], logo[1] if logo else None,
                                     keep_logo="remove_logo" not in form)
    except ServiceError as exc:
        if exc.status_code == 404 and exc.field is None:
            raise
        errors = {f"letterhead_{k}": v for k, v in service_errors(exc).errors.items()}
        return await _templates_page(request, errors, values=values, status_code=422)
    return await _templates_page(request, message="Brevhuvudet är sparat.")


@post("/mallar/brevhuvud/ta-bort", guards=[ADMIN], name="letterhead-remove")
async def remove_letterhead(request: Request) -> Redirect:
    form = await request.form()
    await service.remove_letterhead(*_parse_scope(text(form.get("scope"))))
    return Redirect("/mallar")


@get("/mallar/{name:str}", guards=[ADMIN], name="template-download")
async def download_template(name: TemplateNameParam, for_: ForScope = None) -> Response[bytes]:
    filename, body = await service.template_file(name, *(_parse_scope(for_) if for_ else (None, None)))
    return attachment(filename, body, DOCX_MEDIA_TYPE)


@get("/mallar/{name:str}/exempel", guards=[ADMIN], name="template-preview")
async def template_preview(request: Request, name: TemplateNameParam, for_: ForScope = None) -> Template:
    scope = _parse_scope(for_) if for_ else (None, None)
    body, notice = await service.preview_sample(name, *scope, request.app.state.settings)
    return Template("documents/template_preview.html", context={
        "label": kinds.TEMPLATES[name], "html": preview.to_html(body), "name": name, "for_": for_ or "", "notice": notice,
    })


@get("/hjalp/mallar", guards=[SIGNED_IN], name="help-templates")
async def templates_help() -> Template:
    """How to edit a Word template, with each template's variables as the sample data fills them."""
    variables = [(name, (label, sorted(sample_context(name)))) for name, label in kinds.TEMPLATES.items()]
    return Template("help/templates.html", context={"variables": variables})


DOCUMENT_PAGES = [templates_help, 
    create_document, document_page, document_word, document_pdf, documents_zip,
    templates_page, upload_template, remove_template, set_letterhead, remove_letterhead, download_template, template_preview,
]
