"""Filling a Word template, and checking one before it is accepted.

docxtpl fills the template in a sandboxed Jinja environment that escapes every value (so user
text with & < > cannot break the XML) and refuses underscore attributes (so a template cannot
reach Python internals). The result gets its document properties and is written as a zip with
fixed timestamps: the same template and context always give the same bytes.
No web or database imports.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import struct
import zipfile
from dataclasses import dataclass

from docx import Document
from docx.image.image import Image
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, TemplateError, nodes
from jinja2.sandbox import SandboxedEnvironment

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LOGO_HEIGHT = Mm(16)
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
LEFTOVER_MARKS = ("{{", "}}", "{%", "%}", "{#", "#}")


class TemplateProblem(Exception):
    """A template that cannot be used; the message says why, in Swedish."""


def _blank_none(value: object) -> object:
    return "" if value is None else value


class _Environment(SandboxedEnvironment):
    """docxtpl compiles a template's XML on every render, and the XML of one template is the
    same every time: compiling it once saves most of a render (25 of 45 ms for a long protocol)."""

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002 (Jinja's name)
        if globals is None and template_class is None and isinstance(source, str):
            return self._compiled(source)
        return super().from_string(source, globals, template_class)

    @functools.lru_cache(maxsize=64)
    def _compiled(self, source: str):
        return super().from_string(source)


# StrictUndefined: a misspelt variable is an error at upload, not an empty gap in a protocol.
_ENV = _Environment(autoescape=True, undefined=StrictUndefined, finalize=_blank_none)


@functools.lru_cache(maxsize=64)
def _patched(xml: str) -> str:
    return DocxTemplate.patch_xml(None, xml)  # uses nothing of the instance


class _Template(DocxTemplate):
    """docxtpl cleans a template's XML with a dozen regular expressions on every render, and it
    is the same XML every time: clean it once."""

    def patch_xml(self, src_xml: str) -> str:
        return _patched(src_xml)


@dataclass(frozen=True)
class Properties:
    title: str
    author: str  # the department
    created: dt.datetime  # the record's time, so that the properties too are the same every time
    subject: str = ""
    language: str = "sv-SE"


def render(template: bytes, context: dict, logo: bytes | None, properties: Properties) -> bytes:
    """The filled document as .docx bytes; TemplateProblem when the template cannot be filled."""
    tpl = _open(template)
    values = dict(context, logo=InlineImage(tpl, io.BytesIO(logo), height=LOGO_HEIGHT) if logo else "")
    try:
        tpl.render(values, jinja_env=_ENV, autoescape=True)
    except TemplateError as exc:
        raise TemplateProblem(f"Mallen kunde inte fyllas i: {exc.message or type(exc).__name__}") from exc
    except Exception as exc:  # docxtpl reports broken XML from a bad tag as lxml or value errors
        raise TemplateProblem(f"Mallen kunde inte fyllas i: {exc}") from exc
    core = tpl.docx.core_properties
    created = properties.created.astimezone(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    core.title, core.author, core.subject = properties.title, properties.author, properties.subject
    core.language, core.last_modified_by, core.comments, core.keywords = properties.language, properties.author, "", ""
    core.created = core.modified = created
    core.revision = 1
    out = io.BytesIO()
    tpl.save(out)
    return _fixed_zip(out.getvalue())


def _open(template: bytes) -> DocxTemplate:
    tpl = _Template(io.BytesIO(template))
    try:
        tpl.init_docx()
    except Exception as exc:  # python-docx raises several kinds for files that are not .docx
        raise TemplateProblem("Filen är inte ett Word-dokument (.docx).") from exc
    return tpl


_CENTRAL_ENTRY, _LOCAL_ENTRY = b"PK\x01\x02", b"PK\x03\x04"
_DOS_1980 = struct.pack("<HH", 0, (0 << 9) | (1 << 5) | 1)  # 00:00:00, 1980-01-01


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry dated 1980-01-01. The dates sit at fixed places in each
    entry's two headers, so they are overwritten there: rewriting the zip would compress every
    part a second time, a tenth of a render."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        offset = archive.start_dir  # the central directory
        for info in archive.infolist():
            if out[offset:offset + 4] != _CENTRAL_ENTRY or out[info.header_offset:info.header_offset + 4] != _LOCAL_ENTRY:
                raise ValueError("unexpected zip layout")
            out[offset + 12:offset + 16] = _DOS_1980
            out[info.header_offset + 10:info.header_offset + 14] = _DOS_1980
            names, extra, comment = struct.unpack_from("<HHH", out, offset + 28)
            offset += 46 + names + extra + comment
    return bytes(out)


def fixed_zip_of(files: list[tuple[str, bytes]]) -> bytes:
    """A zip of several documents, also the same bytes every time."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in files:
            entry = zipfile.ZipInfo(name, date_time=_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, data)
    return out.getvalue()


# --- checking an uploaded template --------------------------------------------------------


def _sources(tpl: DocxTemplate) -> list[str]:
    """The Jinja source of the body, the headers and the footers, as docxtpl will see it."""
    sources = [tpl.patch_xml(tpl.get_xml())]
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _, part in tpl.get_headers_footers(uri):
            sources.append(tpl.patch_xml(tpl.get_part_xml(part)))
    return sources


_BARRED_STATEMENTS = {
    nodes.Extends: "extends", nodes.Include: "include", nodes.Import: "import", nodes.FromImport: "import",
}


def disallowed(source: str) -> str | None:
    """What in a template's Jinja is not allowed, in Swedish; None when nothing is.

    The sandbox refuses these at render time too; checking the source names them at upload,
    including in branches the sample data does not reach."""
    try:
        tree = _ENV.parse(source)
    except TemplateError as exc:
        return f"fel i en mallkod: {exc.message}"
    for node in tree.find_all((nodes.Getattr, nodes.Name, nodes.Const, *_BARRED_STATEMENTS)):
        if type(node) in _BARRED_STATEMENTS:
            return f"{{% {_BARRED_STATEMENTS[type(node)]} %}} är inte tillåtet i en mall"
        name = getattr(node, "attr", None) or getattr(node, "name", None)
        if isinstance(node, nodes.Const):
            name = node.value if isinstance(node.value, str) else None
        if name and name.startswith("_"):
            return f"åtkomst till «{name}» är inte tillåten i en mall"
    return None


def check(template: bytes, context: dict, logo: bytes | None) -> None:
    """Accept a template only if it is a .docx, uses no disallowed Jinja, fills with the sample
    context without error and leaves no template code in the result; TemplateProblem says why."""
    if not zipfile.is_zipfile(io.BytesIO(template)):
        raise TemplateProblem("Filen är inte ett Word-dokument (.docx).")
    tpl = _open(template)
    for source in _sources(tpl):
        reason = disallowed(source)
        if reason:
            raise TemplateProblem(f"Mallen använder otillåten Jinja: {reason}.")
    result = render(template, context, logo, Properties("Exempel", "Exempel", dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)))
    text = text_of(result)
    for mark in LEFTOVER_MARKS:
        at = text.find(mark)
        if at >= 0:
            raise TemplateProblem(
                f"Det finns kvar mallkod i resultatet: «{text[max(0, at - 20):at + 30].strip()}». "
                "En tagg kan ha delats av Word; skriv om den i ett svep (se docs/templates.md)."
            )


def check_logo(data: bytes) -> str:
    """The image's media type; TemplateProblem unless it is a whole PNG or JPEG picture."""
    whole_png = data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR" and b"IEND" in data[-12:]
    whole_jpeg = data[:2] == b"\xff\xd8" and data.rstrip(b"\x00")[-2:] == b"\xff\xd9"
    try:
        image = Image.from_blob(data) if whole_png or whole_jpeg else None
    except Exception:  # python-docx raises struct errors on a picture that is cut short
        image = None
    if image is None or not image.px_width or not image.px_height:
        raise TemplateProblem("Logotypen måste vara en hel bild i PNG- eller JPEG-format.")
    return image.content_type


def text_of(docx: bytes) -> str:
    """All text of a document, paragraph by paragraph: body and tables, headers and footers."""
    document = Document(io.BytesIO(docx))
    lines: list[str] = []

    def walk(container) -> None:
        for block in container.iter_inner_content():
            if hasattr(block, "rows"):
                for row in block.rows:
                    for cell in row.cells:
                        walk(cell)
            else:
                lines.append(block.text)

    walk(document)
    for section in document.sections:
        for part in (section.header, section.footer):
            walk(part)
    return "\n".join(lines)
