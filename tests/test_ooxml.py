"""Valid OOXML: every default template, and a document of each kind made from it, keeps the child
order the schema requires in w:tblPr, w:tcPr, w:pPr, w:rPr and w:sectPr with no element twice,
asks for no compatibility mode below Word 2013's (15), gives every picture alt text, and keeps
its signatures on one page. On top, the whole package is checked by an OOXML schema validator
(openxml-audit, the Open XML SDK's schemas in pure Python, offline)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from docx import Document
from lxml import etree
from openxml_audit import FileFormat, OpenXmlValidator

from samverkan.documents import kinds, render
from samverkan.documents.sample import sample_context
from samverkan.documents.service import default_logo, default_template

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# The sequences of ECMA-376 Part 1 (4th ed.), transitional wml.xsd, written down from the schema.
PPR = (  # CT_PPrBase, then CT_PPr's rPr, sectPr, pPrChange
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd tabs "
    "suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd "
    "snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
    "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
).split()
RPR = (  # CT_ParaRPr's ins, del, moveFrom, moveTo; EG_RPrBase in the schema's order; rPrChange
    "ins del moveFrom moveTo rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint "
    "noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText "
    "vertAlign rtl cs em lang eastAsianLayout specVanish oMath rPrChange"
).split()
TBLPR = (  # CT_TblPrBase, then CT_TblPr's tblPrChange
    "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc tblCellSpacing tblInd "
    "tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription tblPrChange"
).split()
TCPR = (  # CT_TcPrBase, then CT_TcPr's cellIns / cellDel / cellMerge and tcPrChange
    "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign hideMark headers "
    "cellIns cellDel cellMerge tcPrChange"
).split()
SECTPR = (  # EG_HdrFtrReferences (a choice, up to six, hence one rank), EG_SectPrContents, sectPrChange
    "headerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders lnNumType pgNumType cols formProt "
    "vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid printerSettings sectPrChange"
).split()
ORDERS = {"tblPr": TBLPR, "tcPr": TCPR, "pPr": PPR, "rPr": RPR, "sectPr": SECTPR}
RANK_ALIAS = {"footerReference": "headerReference"}
REPEATABLE = {"headerReference", "footerReference"}
WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"


def order_problems(xml: bytes, part: str) -> list[str]:
    """Each w: property element whose w: children are out of the schema's order or repeated."""
    problems = []
    root = etree.fromstring(xml)
    for name, order in ORDERS.items():
        for element in root.iter(f"{W}{name}"):
            children = [etree.QName(c).localname for c in element if isinstance(c.tag, str) and c.tag.startswith(W)]
            ranks = []
            for child in children:
                key = RANK_ALIAS.get(child, child)
                if key not in order:
                    problems.append(f"{part}: w:{child} is not allowed in w:{name}")
                    continue
                ranks.append(order.index(key))
            if ranks != sorted(ranks):
                problems.append(f"{part}: w:{name} children out of order: {children}")
            repeated = {c for c in children if children.count(c) > 1 and c not in REPEATABLE}
            if repeated:
                problems.append(f"{part}: w:{name} holds {sorted(repeated)} more than once")
    return problems


def package_problems(docx: bytes) -> list[str]:
    problems = []
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        for name in archive.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                problems += order_problems(archive.read(name), name)
        settings = etree.fromstring(archive.read("word/settings.xml"))
        modes = [int(s.get(f"{W}val")) for s in settings.iter(f"{W}compatSetting") if s.get(f"{W}name") == "compatibilityMode"]
        if not modes or min(modes) < 15:
            problems.append(f"word/settings.xml: compatibilityMode {modes or 'missing'} (Word opens it in compatibility mode)")
        for name in archive.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                for picture in etree.fromstring(archive.read(name)).iter(WP_DOCPR):
                    if not (picture.get("descr") or "").strip():
                        problems.append(f"{name}: picture {picture.get('name')!r} has no alt text (descr)")
    return problems


_VALIDATOR = OpenXmlValidator(file_format=FileFormat.OFFICE_2019, max_errors=50)


def validator_errors(docx: bytes, tmp_path, name: str) -> list[str]:
    path = tmp_path / f"{name}.docx"
    path.write_bytes(docx)
    return [str(e) for e in _VALIDATOR.validate(str(path)).errors]


def _filled(name: str) -> bytes:
    context = sample_context(name)
    return render.render(default_template(name), context, default_logo(),
                         render.Properties(context["title"], "Vård- och omsorgsförvaltningen", dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc)))


@pytest.mark.parametrize("name", list(kinds.TEMPLATES))
def test_every_default_template_and_its_document_is_valid_ooxml(name, tmp_path):
    template, document = default_template(name), _filled(name)
    assert package_problems(template) == [], "the template"
    assert package_problems(document) == [], "a document made from it"
    assert validator_errors(template, tmp_path, "template") == []
    assert validator_errors(document, tmp_path, "document") == []
    pictures = list(etree.fromstring(zipfile.ZipFile(io.BytesIO(document)).read("word/header1.xml")).iter(WP_DOCPR))
    assert [p.get("descr") for p in pictures] == ["Logotyp – Lunds kommun"], "the logo, described by its sender"


def test_the_checks_find_what_the_old_templates_had():
    """The checks can fail: the faults issue 14 found are each reported."""
    bad = (f'<w:document xmlns:w="{W[1:-1]}"><w:body><w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/>'
           '<w:tblLayout w:type="fixed"/><w:tblLook w:val="0080"/><w:tblLayout w:type="fixed"/></w:tblPr></w:tbl>'
           '<w:p><w:pPr><w:jc w:val="right"/><w:pStyle w:val="Header"/></w:pPr><w:r><w:rPr><w:sz w:val="18"/><w:b/></w:rPr></w:r></w:p>'
           '</w:body></w:document>').encode()
    problems = order_problems(bad, "word/document.xml")
    assert any("tblLayout" in p and "more than once" in p for p in problems), problems
    assert any("w:pPr children out of order" in p for p in problems), problems
    assert any("w:rPr children out of order" in p for p in problems), problems
    old = _edited(default_template("protocol"), "word/settings.xml",
                  lambda xml: xml.replace(b'compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"',
                                          b'compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="14"'))
    assert any("compatibilityMode [14]" in p for p in package_problems(old))
    unlabelled = _edited(_filled("protocol"), "word/header1.xml", lambda xml: xml.replace(b"descr=", b"title="))
    assert any("no alt text" in p for p in package_problems(unlabelled))


def _edited(docx: bytes, part: str, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(out, "w") as dst:
        for entry in src.infolist():
            data = src.read(entry)
            dst.writestr(entry.filename, change(data) if entry.filename == part else data)
    return out.getvalue()


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t")).strip()


SIGNED = {"protocol": "Justeras", "samverkan_protocol": "Justeras", "extract": "Justeras",
          "withdrawal_notice": "För arbetsgivaren", "risk_assessment": "Underskrifter", "annual_follow_up": "Underskrifter"}


@pytest.mark.parametrize("name", list(SIGNED))
def test_the_signature_block_is_kept_together(name):
    """Each signature's label, line and name stay on one page: in a document made from the
    template, every paragraph from the label to the signature line keeps with the next one
    (keepNext and keepLines), and a table of signatures has rows that neither split nor part."""
    document = Document(io.BytesIO(_filled(name)))
    body = list(document.element.body.iterchildren())
    start = next(i for i, block in enumerate(body) if _text(block) == SIGNED[name])
    block = body[start:]
    tables = [b for b in block if b.tag == f"{W}tbl"]
    if tables:
        rows = tables[0].findall(f"{W}tr")
        assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
        for row in rows[:-1]:
            assert all(p.find(f"{W}pPr/{W}keepNext") is not None for p in row.iter(f"{W}p")), "rows keep with the next"
        return
    paragraphs = [b for b in block if b.tag == f"{W}p"]
    lines = [i for i, p in enumerate(paragraphs) if _text(p).startswith("____")]
    assert lines, "a signature line"
    for line in lines:
        group_start = max((i + 2 for i in lines if i < line), default=0)  # after the previous name
        for p in paragraphs[group_start:line + 1]:
            assert p.find(f"{W}pPr/{W}keepNext") is not None, _text(p)
            assert p.find(f"{W}pPr/{W}keepLines") is not None, _text(p)
