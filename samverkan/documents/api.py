"""JSON API of documents under /api/v1: make and list a meeting's documents, fetch a file (Word,
PDF, or a zip of every party's copy), and the templates and letterheads per department and union."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from litestar import Request, Response, delete, get, post, put
from litestar.datastructures import UploadFile
from litestar.openapi.spec import OpenAPIType, Schema
from litestar.params import FromQuery, JSONBody, PathParameter

from samverkan.accounts.access import ADMIN, SIGNED_IN
from samverkan.documents import schemas as s
from samverkan.documents import service
from samverkan.documents.render import DOCX_MEDIA_TYPE
from samverkan.errors import Invalid
from samverkan.web.openapi import Binary, download, errors, file_field, multipart
from samverkan.web.params import RecordId

TemplateNameParam = Annotated[s.TemplateName, PathParameter(description="One of the template names of docs/templates.md.")]


def attachment(filename: str, body: bytes, media_type: str) -> Response[bytes]:
    """A download; the file name also in ASCII for clients that do not read filename*."""
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    return Response(body, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}",
        "Cache-Control": "private, no-cache",
    })


@post("/meetings/{id:int}/documents", guards=[SIGNED_IN], status_code=201, tags=["Documents"],
      summary="Make a document of a meeting",
      description="Fills the template that applies (union → department → default) with the meeting as it is now. "
                  "Asking again for the same meeting version, kind, copy and template gives the same document back. "
                  "Who: the employer side (admin, hr; a department user for its own department); a union user its "
                  "own union's copy of a protocol or extract.",
      responses=errors(403, 404, 409, 413))
async def create_document(request: Request, id: RecordId, data: JSONBody[s.DocumentCreate]) -> s.Document:
    return await service.create_document(request.user, id, data, request.app.state.settings)


@get("/meetings/{id:int}/documents", guards=[SIGNED_IN], tags=["Documents"], summary="The documents of a meeting",
     responses=errors(404))
async def list_documents(request: Request, id: RecordId) -> list[s.Document]:
    """The meeting's documents the caller may fetch, newest first (a union user: its own and the common
    copies). Who: every signed-in role, within the meeting's scope."""
    return await service.list_documents(request.user, id)


@get("/meetings/{id:int}/documents.zip", guards=[SIGNED_IN], tags=["Documents"],
     summary="Every party's copy in one zip",
     description="One copy per union and one for the employer, made if they are not yet; a union user gets "
                 "their own union's copy. Who: every signed-in role, within the meeting's scope.",
     responses=errors(403, 404, 409), **download("application/zip", "A zip of Word files."))
async def documents_zip(request: Request, id: RecordId, kind: FromQuery[s.DocumentKind] = "protocol") -> Response[Binary]:
    name, body = await service.document_zip(request.user, id, kind, request.app.state.settings)
    return attachment(name, body, "application/zip")


@get("/documents/{id:int}", guards=[SIGNED_IN], tags=["Documents"], summary="Download a document (Word)",
     responses=errors(404), **download(DOCX_MEDIA_TYPE, "The Word file."))
async def download_document(request: Request, id: RecordId) -> Response[Binary]:
    """The file as it was made; a file whose hash no longer matches is 503, never the wrong bytes.
    Who: every signed-in role, within the meeting's scope; a union its own and the common copies."""
    document, body = await service.document_file(request.user, id, request.app.state.settings)
    return attachment(document.filename, body, DOCX_MEDIA_TYPE)


@get("/documents/{id:int}/pdf", guards=[SIGNED_IN], tags=["Documents"], summary="Download a document as PDF",
     description="Made by LibreOffice when it is installed; 503 with the reason when it is not. "
                 "Who: as for the Word file.",
     responses=errors(404), **download("application/pdf", "The PDF file."))
async def download_pdf(request: Request, id: RecordId) -> Response[Binary]:
    name, body = await service.document_pdf(request.user, id, request.app.state.settings)
    return attachment(name, body, "application/pdf")


# --- templates and letterheads -----------------------------------------------------------


async def uploaded(request: Request, field: str, required: bool = True) -> tuple[str, bytes] | None:
    """The file of a multipart field, or None; a missing required file is a 400 naming it."""
    form = await request.form()
    upload: Any = form.get(field)
    if isinstance(upload, UploadFile):
        content = await upload.read()
        if content:
            return upload.filename or "", content
    if required:
        raise Invalid("Välj en fil att ladda upp.", field=field)
    return None


@get("/word-templates", guards=[SIGNED_IN], tags=["Documents"], summary="The templates in use",
     description="The default of each template, then every department's and union's own. Who: every signed-in role.",
     responses=errors())
async def list_templates() -> list[s.WordTemplate]:
    return await service.list_templates()


@get("/word-templates/{name:str}", guards=[SIGNED_IN], tags=["Documents"], summary="Download a default template",
     responses=errors(404), **download(DOCX_MEDIA_TYPE, "The template, a Word file."))
async def default_template(name: TemplateNameParam) -> Response[Binary]:
    """The built-in template, to start one's own from. Who: every signed-in role."""
    filename, body = await service.template_file(name)
    return attachment(filename, body, DOCX_MEDIA_TYPE)


def _owner_routes(owner: str, label: str) -> list:
    """The template and letterhead routes of departments or of unions (same handlers, two paths)."""

    def scope(owner_id: int) -> tuple[int | None, int | None]:
        return (owner_id, None) if owner == "departments" else (None, owner_id)

    @get(f"/{owner}/{{owner_id:int}}/word-templates/{{name:str}}", guards=[ADMIN], tags=["Documents"],
         summary=f"Download the template that applies to a {label}",
         description=f"The {label}'s own template, else the next in line (department, then the default). Who: admin.",
         responses=errors(403, 404), **download(DOCX_MEDIA_TYPE, "The template, a Word file."))
    async def scoped_template(owner_id: RecordId, name: TemplateNameParam) -> Response[Binary]:
        filename, body = await service.template_file(name, *scope(owner_id))
        return attachment(filename, body, DOCX_MEDIA_TYPE)

    @put(f"/{owner}/{{owner_id:int}}/word-templates/{{name:str}}", guards=[ADMIN], tags=["Documents"],
         summary=f"Upload a {label}'s own template",
         description="multipart/form-data with the .docx in the field `file`. Refused with the reason when it is not "
                     "a .docx, uses disallowed Jinja, fails with the sample data or leaves template code behind. "
                     "Who: admin.",
         responses=errors(403, 404, 409, 413), operation_class=multipart(["file"], file=file_field("The .docx template.")))
    async def upload_template(request: Request, owner_id: RecordId, name: TemplateNameParam) -> s.WordTemplate:
        filename, content = await uploaded(request, "file")
        return await service.upload_template(request.user, name, *scope(owner_id), filename, content)

    @delete(f"/{owner}/{{owner_id:int}}/word-templates/{{name:str}}", guards=[ADMIN], tags=["Documents"],
            summary=f"Remove a {label}'s own template",
            description="The next in line (the department's, then the default) applies again. Who: admin.",
            responses=errors(403, 404))
    async def remove_template(owner_id: RecordId, name: TemplateNameParam) -> None:
        await service.remove_template(name, *scope(owner_id))

    @put(f"/{owner}/{{owner_id:int}}/letterhead", guards=[ADMIN], tags=["Documents"],
         summary=f"Set a {label}'s letterhead and logo",
         description="multipart/form-data: `text` (the sender lines) and optionally `logo` (PNG, JPEG, GIF, BMP or "
                     "TIFF). Without a logo the one it has is kept. Who: admin.",
         responses=errors(403, 404, 413), operation_class=multipart(
             [], text=Schema(type=OpenAPIType.STRING, max_length=2000, description="The sender lines, at most 8."),
             logo=file_field("PNG, JPEG, GIF, BMP or TIFF, at most 1 MB.")))
    async def set_letterhead(request: Request, owner_id: RecordId) -> s.Letterhead:
        text = (await request.form()).get("text")
        logo = await uploaded(request, "logo", required=False)
        return await service.set_letterhead(request.user, *scope(owner_id), text if isinstance(text, str) else "",
                                            logo[1] if logo else None, keep_logo=True)

    @delete(f"/{owner}/{{owner_id:int}}/letterhead", guards=[ADMIN], tags=["Documents"],
            summary=f"Remove a {label}'s letterhead",
            description="Documents made afterwards no longer carry it; none set is 404. Who: admin.",
            responses=errors(403, 404))
    async def remove_letterhead(owner_id: RecordId) -> None:
        await service.remove_letterhead(*scope(owner_id))

    return [scoped_template, upload_template, remove_template, set_letterhead, remove_letterhead]


@get("/letterheads", guards=[SIGNED_IN], tags=["Documents"], summary="The departments' and unions' letterheads",
     responses=errors())
async def list_letterheads() -> list[s.Letterhead]:
    """Every letterhead set, with whether it has a logo. Who: every signed-in role."""
    return await service.list_letterheads()


DOCUMENT_API = [
    create_document, list_documents, documents_zip, download_document, download_pdf,
    list_templates, default_template, list_letterheads,
    *_owner_routes("departments", "department"), *_owner_routes("unions", "union"),
]
