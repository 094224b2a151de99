"""What an uploaded paper is, decided by its bytes and not its name: PDF, Word, Excel, PowerPoint
(Office Open XML, and the 97–2003 formats), OpenDocument, PNG, JPEG and plain text. Office and
OpenDocument files are zip archives: each is opened and read through, and one that unpacks to far
more than it weighs (a zip bomb) is refused. Pure: bytes in, a kind or a Swedish refusal out."""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass

from samverkan.errors import Invalid

FIELD = "file"


@dataclass(frozen=True)
class Kind:
    label: str  # "en PDF", as in "Filen är inte en PDF"
    media_type: str
    extensions: tuple[str, ...]


KINDS: dict[str, Kind] = {
    "pdf": Kind("en PDF", "application/pdf", (".pdf",)),
    "docx": Kind("ett Word-dokument", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
    "xlsx": Kind("en Excel-fil", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
    "pptx": Kind("en PowerPoint-fil", "application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",)),
    "doc": Kind("ett Word-dokument", "application/msword", (".doc",)),
    "xls": Kind("en Excel-fil", "application/vnd.ms-excel", (".xls",)),
    "ppt": Kind("en PowerPoint-fil", "application/vnd.ms-powerpoint", (".ppt",)),
    "odt": Kind("ett OpenDocument-dokument", "application/vnd.oasis.opendocument.text", (".odt",)),
    "ods": Kind("ett OpenDocument-kalkylark", "application/vnd.oasis.opendocument.spreadsheet", (".ods",)),
    "odp": Kind("en OpenDocument-presentation", "application/vnd.oasis.opendocument.presentation", (".odp",)),
    "png": Kind("en PNG-bild", "image/png", (".png",)),
    "jpeg": Kind("en JPEG-bild", "image/jpeg", (".jpg", ".jpeg")),
    "text": Kind("en textfil", "text/plain; charset=utf-8", (".txt", ".csv", ".md")),
}
BY_EXTENSION = {ext: name for name, kind in KINDS.items() for ext in kind.extensions}
ACCEPTED = "PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG eller text"

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OOXML = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
ODF = {"application/vnd.oasis.opendocument." + k: v for k, v in
       (("text", "odt"), ("spreadsheet", "ods"), ("presentation", "odp"))}
# A zip may unpack to this many times its own size, and never to more than MAX_UNPACKED bytes.
MAX_RATIO = 100
MAX_UNPACKED = 500 * 1024 * 1024
MAX_ENTRIES = 10_000
MAX_NAME = 200


def check_name(name: str) -> str:
    """The file name as given, or 400: no path parts, no control characters, not too long."""
    name = name.strip()
    if not name or name in (".", ".."):
        raise Invalid("Filen saknar namn.", field=FIELD)
    if "/" in name or "\\" in name:
        raise Invalid("Filnamnet får inte innehålla sökvägar (/ eller \\).", field=FIELD)
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise Invalid("Filnamnet innehåller otillåtna tecken.", field=FIELD)
    if len(name) > MAX_NAME:
        raise Invalid(f"Filnamnet får vara högst {MAX_NAME} tecken.", field=FIELD)
    return name


def _unpacks_safely(archive: zipfile.ZipFile, size: int) -> None:
    """Read every member through with a running total: the sizes in the zip's directory can lie."""
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise Invalid("Filen innehåller för många delar för att vara ett kontorsdokument.", field=FIELD)
    budget = min(MAX_UNPACKED, max(size, 1024 * 1024) * MAX_RATIO)
    total = 0
    for entry in entries:
        with archive.open(entry) as member:
            while chunk := member.read(1024 * 1024):
                total += len(chunk)
                if total > budget:
                    raise Invalid("Filen packas upp till orimligt mycket data (zip-bomb) och tas inte emot.", field=FIELD)


def _zip_kind(data: bytes) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        kind = None
        if "mimetype" in names:
            kind = ODF.get(archive.read("mimetype")[:100].decode("ascii", "replace").strip())
        elif "[Content_Types].xml" in names:
            kind = next((k for prefix, k in OOXML.items() if any(n.startswith(prefix) for n in names)), None)
        if kind:
            _unpacks_safely(archive, len(data))
        return kind
    except Invalid:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, RuntimeError, NotImplementedError, ValueError):
        return None


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return not any(ord(c) < 32 and c not in "\t\r\n\f" for c in text)


def content_kind(data: bytes) -> str | None:
    """The accepted kind the bytes are, or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if data.startswith(OLE2):
        return "ole2"  # Word, Excel or PowerPoint 97–2003: which one, the name says
    return "text" if _is_text(data) else None


def identify(name: str, data: bytes) -> Kind:
    """The kind of an uploaded paper, or 400 naming ``file``. The name's extension says what the
    file claims to be; the content must be that (an executable named budget.pdf is not a PDF)."""
    extension = posixpath.splitext(name.lower())[1]
    claimed = BY_EXTENSION.get(extension)
    if claimed is None:
        raise Invalid(f"Filtypen tas inte emot. Ladda upp {ACCEPTED}.", field=FIELD)
    found = content_kind(data)
    if found == "ole2" and claimed in ("doc", "xls", "ppt"):
        found = claimed
    if found != claimed:
        raise Invalid(f"Filen är inte {KINDS[claimed].label}.", field=FIELD)
    return KINDS[claimed]
