"""Filling a Word template, and checking one before it is accepted.

docxtpl fills the template in a sandboxed Jinja environment that escapes every value (so user
text with & < > cannot break the XML) and refuses underscore attributes (so a template cannot
reach Python internals). The result gets its document properties and is written as a zip with
fixed timestamps: the same template and context always give the same bytes.

A template is measured before it is filled (a zip bomb or three million paragraphs is refused
before they cost anything), may not turn escaping off, and the filled document may not reach
outside: no field but page numbers, no relationship to an outside address. Values lose the
control characters that XML cannot carry. The time and memory a filling may take are limited by
the worker process it runs in (worker.py). No web or database imports.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import struct
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from docx import Document
from docx.image.image import Image
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, TemplateError, nodes
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LOGO_HEIGHT = Mm(16)
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
LEFTOVER_MARKS = ("{{", "}}", "{%", "%}", "{#", "#}")


# What a template may hold. The defaults are far below them (18 parts, 400 kB unpacked, at most
# 123 paragraphs); a template that needs more is a mistake or an attack.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 300
MAX_XML_BYTES = 5 * 1024 * 1024  # one XML part, unpacked
MAX_PARAGRAPHS = 20_000


class TemplateProblem(Exception):
    """A template that cannot be used; the message says why, in Swedish."""


def _blank_none(value: object) -> object:
    return "" if value is None else value


# C0 controls other than tab and newline, and the two non-characters: XML 1.0 cannot carry them,
# and docxtpl turns BEL and FF into paragraph and page breaks.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Text as a document can carry it: line ends as \\n, no other control characters."""
    return _UNWRITABLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _clean(value: object) -> object:
    """A context with every string cleaned (rows from before the input rules may hold anything)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


class _Environment(SandboxedEnvironment):
    """docxtpl compiles a template's XML on every render, and the XML of one template is the
    same every time: compiling it once saves most of a render (25 of 45 ms for a long protocol)."""

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002 (Jinja's name)
        if globals is None and template_class is None and isinstance(source, str):
            return self._compiled(source)
        return super().from_string(source, globals, template_class)

    @functools.lru_cache(maxsize=64)
    def _compiled(self, source: str):
        # Checked here too, not only at upload: a template stored before a rule was added.
        reason = disallowed(source)
        if reason:
            raise TemplateProblem(f"Mallen använder otillåten Jinja: {reason}.")
        return super().from_string(source)


# StrictUndefined: a misspelt variable is an error at upload, not an empty gap in a protocol.
_ENV = _Environment(autoescape=True, undefined=StrictUndefined, finalize=_blank_none)
# Filters whose output is not escaped for XML: markup from them would become part of the document
# (tojson leaves double quotes as they are, enough to leave an attribute).
_UNESCAPED_FILTERS = ("safe", "urlize", "xmlattr", "tojson")
for _name in _UNESCAPED_FILTERS:
    del _ENV.filters[_name]


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


class _Logo(InlineImage):
    """The logo with its alt text (docPr descr), for screen readers."""

    def __init__(self, tpl: DocxTemplate, image: bytes, text: str) -> None:
        super().__init__(tpl, io.BytesIO(image), height=LOGO_HEIGHT)
        self.text = text

    def _insert_image(self) -> str:
        return super()._insert_image().replace("<wp:docPr ", f"<wp:docPr descr={quoteattr(self.text)} ", 1)


def render(template: bytes, context: dict, logo: bytes | None, properties: Properties) -> bytes:
    """The filled document as .docx bytes; TemplateProblem when the template cannot be filled,
    is too large, or the result would reach outside."""
    measure(template)
    tpl = _open(template)
    values = _clean(context)
    sender = str(values.get("letterhead") or properties.author).split("\n")[0]
    values["logo"] = _Logo(tpl, logo, f"Logotyp – {sender}" if sender else "Logotyp") if logo else ""
    try:
        tpl.render(values, jinja_env=_ENV, autoescape=True)
    except TemplateProblem:
        raise
    except MemoryError:
        raise  # the worker reports it as the memory limit, not as a fault of the template
    except TemplateError as exc:
        raise TemplateProblem(f"Mallen kunde inte fyllas i: {exc.message or type(exc).__name__}") from exc
    except Exception as exc:  # docxtpl reports broken XML from a bad tag as lxml or value errors
        raise TemplateProblem(f"Mallen kunde inte fyllas i: {exc}") from exc
    core = tpl.docx.core_properties
    created = properties.created.astimezone(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    title, author, subject = (clean_text(t) for t in (properties.title, properties.author, properties.subject))
    core.title, core.author, core.subject = title, author, subject
    core.language, core.last_modified_by, core.comments, core.keywords = properties.language, author, "", ""
    core.created = core.modified = created
    core.revision = 1
    out = io.BytesIO()
    tpl.save(out)
    result = out.getvalue()
    reason = outside_reference(result)
    if reason:
        raise TemplateProblem(f"Dokumentet skulle {reason}; det lämnas inte ut.")
    return _fixed_zip(result)


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
    nodes.Extends: "{% extends %}", nodes.Include: "{% include %}", nodes.Import: "{% import %}",
    nodes.FromImport: "{% import %}",
    # {% autoescape false %} would let a value's XML into the document
    nodes.ScopedEvalContextModifier: "{% autoescape %}", nodes.EvalContextModifier: "{% autoescape %}",
}
# Names that hand out unescaped text: the filters (also as map('safe')) and markupsafe's class.
_BARRED_NAMES = {*_UNESCAPED_FILTERS, "markup"}


def disallowed(source: str) -> str | None:
    """What in a template's Jinja is not allowed, in Swedish; None when nothing is.

    The sandbox and the environment refuse these at render time too; checking the source names
    them at upload, including in branches the sample data does not reach."""
    try:
        tree = _ENV.parse(source)
    except TemplateError as exc:
        return f"fel i en mallkod: {exc.message}"
    for node in tree.find_all((nodes.Getattr, nodes.Name, nodes.Const, nodes.Filter, nodes.Test, *_BARRED_STATEMENTS)):
        if type(node) in _BARRED_STATEMENTS:
            return f"{_BARRED_STATEMENTS[type(node)]} är inte tillåtet i en mall"
        name = getattr(node, "attr", None) or getattr(node, "name", None)
        if isinstance(node, nodes.Const):
            name = node.value if isinstance(node.value, str) else None
        if name and name.startswith("_"):
            return f"åtkomst till «{name}» är inte tillåten i en mall"
        if name and name.lower() in _BARRED_NAMES:
            return f"«{name}» är inte tillåtet i en mall: allt som skrivs ut ska vara escapat"
    return None


# --- measuring a template and looking for what reaches outside -----------------------------


def measure(template: bytes) -> None:
    """TemplateProblem when the template is larger than a template may be, judged from the zip's
    directory and the XML, before anything is filled. zipfile stops unpacking an entry at its
    stated size, so the stated sizes bound what is read here and later."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(template))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise TemplateProblem("Filen är inte ett Word-dokument (.docx).") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise TemplateProblem(f"Mallen har {len(entries)} delar; högst {MAX_ENTRIES} är tillåtna.")
        unpacked = sum(e.file_size for e in entries)
        if unpacked > MAX_UNPACKED_BYTES:
            raise TemplateProblem(f"Mallen är {unpacked // 2**20} MB uppackad; högst {MAX_UNPACKED_BYTES // 2**20} MB är tillåtet.")
        paragraphs = 0
        for entry in entries:
            if not entry.filename.endswith(".xml"):
                continue
            if entry.file_size > MAX_XML_BYTES:
                raise TemplateProblem(f"Delen {entry.filename} i mallen är {entry.file_size // 2**20} MB; "
                                      f"högst {MAX_XML_BYTES // 2**20} MB är tillåtet.")
            if entry.filename.startswith("word/"):
                paragraphs += len(_PARAGRAPH.findall(_read(archive, entry)))
                if paragraphs > MAX_PARAGRAPHS:
                    raise TemplateProblem(f"Mallen har fler än {MAX_PARAGRAPHS} stycken; högre än så är inte rimligt för en mall.")


_PARAGRAPH = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?p[\s/>]")


def _read(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bytes:
    try:
        return archive.read(entry)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError, RuntimeError) as exc:
        # RuntimeError: an encrypted entry
        raise TemplateProblem(f"Delen {entry.filename} i mallen går inte att packa upp ({exc}).") from None


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FIELD_PARTS = (f"{_W}fldSimple", f"{_W}fldChar", f"{_W}instrText", f"{_W}delInstrText")
# Page numbers are the only fields a document needs (see docs/templates.md); every other field
# (INCLUDEPICTURE, INCLUDETEXT, HYPERLINK, LINK, DDE, …) can fetch or point outside.
_ALLOWED_FIELD = re.compile(r'\s*(PAGE|NUMPAGES|SECTIONPAGES)(\s+\\[*#@]\s*("[^"]*"|[^\s\\"]+))*\s*', re.IGNORECASE)
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _field_instructions(root) -> list[str]:
    """The instruction of every field: simple ones, and complex ones whose instruction runs from
    fldChar begin to separate (or end), in any number of instrText pieces, nested or not."""
    found: list[str] = []
    open_fields: list[list[str] | None] = []  # None: the field's instruction is complete
    for element in root.iter(*_FIELD_PARTS):
        tag = element.tag
        if tag == f"{_W}fldSimple":
            found.append(element.get(f"{_W}instr") or "")
        elif tag == f"{_W}fldChar":
            kind = element.get(f"{_W}fldCharType")
            if kind == "begin":
                open_fields.append([])
            elif open_fields and kind in ("separate", "end"):
                pieces = open_fields[-1]
                if pieces is not None:
                    found.append("".join(pieces))
                    open_fields[-1] = None
                if kind == "end":
                    open_fields.pop()
        elif open_fields and open_fields[-1] is not None:
            open_fields[-1].append(element.text or "")
        else:
            found.append(element.text or "")  # instruction text outside a field: judged all the same
    found.extend("".join(pieces) for pieces in open_fields if pieces is not None)
    return found


def outside_reference(docx: bytes) -> str | None:
    """What in a Word file could fetch or point to something outside it, as the end of a Swedish
    sentence; None when nothing does. Looks at every XML part and every relationship."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        for entry in archive.infolist():
            name = entry.filename
            if not name.endswith((".xml", ".rels")):
                continue
            data = _read(archive, entry)
            if name.endswith(".rels"):
                if b"External" not in data:
                    continue
                for rel in _parse(name, data).iter("{*}Relationship"):
                    if rel.get("TargetMode") == "External":
                        return f"hänvisa till en adress utanför dokumentet ({rel.get('Target', '')[:80]}) i {name}"
            elif b"fldSimple" in data or b"instrText" in data:
                for instruction in _field_instructions(_parse(name, data)):
                    if not _ALLOWED_FIELD.fullmatch(instruction):
                        return (f"innehålla fältkoden «{instruction.strip()[:80]}» i {name}; "
                                "bara sidnummer (PAGE, NUMPAGES) är tillåtna fält")
    return None


def _parse(name: str, data: bytes):
    try:
        return etree.fromstring(data, _XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise TemplateProblem(f"Delen {name} är inte giltig XML ({exc}).") from None


def check(template: bytes, context: dict, logo: bytes | None) -> None:
    """Accept a template only if it is a .docx within the limits, uses no disallowed Jinja and
    no field or relationship that reaches outside, fills with the sample context without error
    and leaves no template code in the result; TemplateProblem says why."""
    measure(template)
    tpl = _open(template)
    for source in _sources(tpl):
        reason = disallowed(source)
        if reason:
            raise TemplateProblem(f"Mallen använder otillåten Jinja: {reason}.")
    reason = outside_reference(template)
    if reason:
        raise TemplateProblem(f"Mallen skulle {reason}.")
    result = render(template, context, logo, Properties("Exempel", "Exempel", dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)))
    text = text_of(result)
    for mark in LEFTOVER_MARKS:
        at = text.find(mark)
        if at >= 0:
            raise TemplateProblem(
                f"Det finns kvar mallkod i resultatet: «{text[max(0, at - 20):at + 30].strip()}». "
                "En tagg kan ha delats av Word; skriv om den i ett svep (se Hjälp om mallar, /hjalp/mallar)."
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
