"""Small real files of every accepted kind, made in memory, for the paper tests."""

from __future__ import annotations

import io
import zipfile

from docx import Document


def docx(text: str = "Organisationsöversyn") -> bytes:
    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _zip(entries: dict[str, bytes], first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        if first:
            z.writestr(zipfile.ZipInfo(first), entries.pop(first), compress_type=zipfile.ZIP_STORED)
        for name, data in entries.items():
            z.writestr(name, data)
    return out.getvalue()


def ooxml(part: str) -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", f"{part}/document.xml": b"<x/>"})


def odf(kind: str) -> bytes:
    return _zip({"mimetype": f"application/vnd.oasis.opendocument.{kind}".encode(), "content.xml": b"<x/>"}, first="mimetype")


def zip_bomb() -> bytes:
    """A Word file whose one part unpacks to 150 MB of zeros (about 150 KB packed: over 100 times its size)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            block = b"\0" * (1024 * 1024)
            for _ in range(150):
                part.write(block)
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR" + b"\0" * 17
JPEG = b"\xff\xd8\xff\xe0\0\x10JFIF\0" + b"\0" * 20
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 100

ACCEPTED = {
    "budget.pdf": ("application/pdf", PDF),
    "Riskbedömning åäö.docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx()),
    "Bemanning.xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ooxml("xl")),
    "Bilder.pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ooxml("ppt")),
    "gammal.doc": ("application/msword", OLE2),
    "Plan.odt": ("application/vnd.oasis.opendocument.text", odf("text")),
    "Kalkyl.ods": ("application/vnd.oasis.opendocument.spreadsheet", odf("spreadsheet")),
    "karta.png": ("image/png", PNG),
    "foto.jpg": ("image/jpeg", JPEG),
    "anteckningar.txt": ("text/plain; charset=utf-8", "Frågor inför mötet\n".encode()),
}
