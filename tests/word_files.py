"""Small Word files for the template tests, made with python-docx."""

from __future__ import annotations

import io

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def docx_of(*paragraphs: str, raw: str = "", external: str = "") -> bytes:
    """A Word file with these paragraphs, then a paragraph of raw body XML, and a hyperlink to
    the outside address ``external``."""
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if raw:
        document.element.body.append(parse_xml(f"<w:p {W_NS}>{raw}</w:p>"))
    if external:
        rel = document.part.relate_to(external, RT.HYPERLINK, is_external=True)
        document.element.body.append(parse_xml(
            f'<w:p {W_NS} {R_NS}><w:hyperlink r:id="{rel}"><w:r><w:t>här</w:t></w:r></w:hyperlink></w:p>'))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
