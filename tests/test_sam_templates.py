"""The SAM Word templates (riskbedömning med handlingsplan, årlig uppföljning): each default
filled with its sample SAM document as the service fills templates, re-opened and read; the same
input gives the same bytes; empty lists still read well; and the upload check accepts them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document

from samverkan.documents import kinds, render
from samverkan.documents.sample import sample_context, sample_record_for
from samverkan.documents.service import default_logo, default_template

REQUIRED = {
    "risk_assessment": [
        "Riskbedömning med handlingsplan – Sammanslagning av hemvårdsgrupper",
        "Hemvården Norr", "måndag 2 mars 2026", "Förändring i verksamheten",
        "VO 2026/0042 Sammanslagning av hemtjänstområde Norr & Söder",
        "Skyddsombud", "Jonas Åkesson",
        "Ensamarbete kvällar & helger när körsträckorna blir längre", "Hög", "(9)", "Medel", "Låg",
        'Oklar planering under övergången ger stress och "dubbelbokade" besök',
        "Larmtelefon till alla kvällspass från 2 mars.",
        "Risknivå = sannolikhet × konsekvens: 1–3 låg, 4–6 medel, 8–9 hög, 12–16 mycket hög",
        "Handlingsplan", "Maria Nilsson, enhetschef", "Karin Holm, planerare", "2026-04-30", "Pågår", "Klar", "2026-03-18",
        "Uppföljning: Schemat gäller från vecka 13; stämt av med skyddsombudet.",
    ],
    "annual_follow_up": [
        "Årlig uppföljning av det systematiska arbetsmiljöarbetet 2026",
        "Förvaltningens samverkansgrupp (tillika skyddskommitté) 2026-03-02, § 4",
        "Arbetsmiljöarbetet fungerar i stort; uppgiftsfördelning & tillbudsutredning behöver stärkas.",
        "Arbetsmiljöpolicy", "Rutiner för det systematiska arbetsmiljöarbetet", "Medverkan från arbetstagare och skyddsombud",
        "Uppgiftsfördelning", "Kunskaper om arbetsmiljö", "Undersökning och riskbedömning", "Åtgärder och handlingsplaner",
        "Utredning av ohälsa, olycksfall och tillbud", "Delvis", "Nej",
        "Riskbedömning gjord före sammanslagningen <SAM-RB-12>.",
        "Kvittera uppgiftsfördelningen med alla enhetschefer", "Anna Lindqvist", "2026-06-30", "Planerad",
    ],
}
DIARY = {"risk_assessment": "Dnr SAM-RB-12", "annual_follow_up": "Dnr SAM-UPP-2026-3"}
# A cell of a table's body row and what must stand in it (row 1 is the first data row, below the header).
CELLS = {
    "risk_assessment": [("Risk", 1, 1, "Ensamarbete kvällar & helger när körsträckorna blir längre"), ("Risk", 1, 4, "Hög\n(9)"),
                        ("Åtgärd", 2, 3, "Karin Holm, planerare"), ("Åtgärd", 2, 5, "Klar\n2026-03-18")],
    "annual_follow_up": [("Del av arbetsmiljöarbetet", 8, 1, "Utredning av ohälsa, olycksfall och tillbud"),
                         ("Del av arbetsmiljöarbetet", 8, 2, "Nej"), ("Förbättring", 2, 2, "Anna Lindqvist")],
}
PROPERTIES = render.Properties("Exempel", "Vård- och omsorgsförvaltningen", dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc))


def _fill(name: str, context: dict | None = None) -> bytes:
    """As the service fills a template: the default template and logo, the document's properties."""
    context = context or sample_context(name)
    return render.render(default_template(name), context, default_logo(),
                         render.Properties(context["title"], PROPERTIES.author, PROPERTIES.created))


def _header_text(document) -> str:
    """The header's letterhead, diary number and date (in a table beside the logo)."""
    return "\n".join(cell.text for table in document.sections[0].header.tables for row in table.rows for cell in row.cells)


def _table_with(document, header: str):
    for table in document.tables:
        if header in [cell.text for cell in table.rows[0].cells]:
            return table
    raise AssertionError(f"no table with the column {header!r}")


def test_the_sam_templates_are_templates_but_no_meeting_kinds():
    assert kinds.SAM_TEMPLATES == ("risk_assessment", "annual_follow_up")
    assert kinds.TEMPLATES["risk_assessment"] == "Riskbedömning med handlingsplan"
    assert kinds.TEMPLATES["annual_follow_up"] == "Årlig uppföljning av SAM"
    for name in kinds.SAM_TEMPLATES:
        assert name not in kinds.KINDS
        assert kinds.kind_error(name, "samverkan") == "Okänd dokumenttyp."
    assert kinds.template_name("protocol", "samverkan") == "samverkan_protocol"
    assert sample_record_for("risk_assessment").department == "Vård- och omsorgsförvaltningen"


@pytest.mark.parametrize("name", kinds.SAM_TEMPLATES)
def test_a_sam_template_fills_and_reopens(name):
    data = _fill(name)
    assert data == _fill(name), "the same input gives the same bytes"
    text = render.text_of(data)
    for needle in REQUIRED[name]:
        assert needle in text, needle
    for mark in render.LEFTOVER_MARKS:
        assert mark not in text, mark

    document = Document(io.BytesIO(data))
    header = _header_text(document)
    assert "Lunds kommun\nVård- och omsorgsförvaltningen\nBox 41, 221 00 Lund" in header
    assert DIARY[name] in header and "2026-03-02" in header
    assert "graphicData" in document.sections[0].header._element.xml, "the logo is in the header"
    footer = document.sections[0].footer._element.xml
    assert "Sida " in footer and "NUMPAGES" in footer

    headings = {p.style.name: [] for p in document.paragraphs}
    for p in document.paragraphs:
        headings[p.style.name].append(p.text)
    assert headings.get("Heading 1") == [sample_context(name)["title"]]
    assert len(headings.get("Heading 2", [])) >= 3
    assert document.core_properties.language == "sv-SE" and document.core_properties.title == sample_context(name)["title"]

    for header_cell, row, column, expected in CELLS[name]:
        table = _table_with(document, header_cell)
        assert table.rows[row].cells[column].text == expected, (header_cell, row, column)


def test_a_risk_assessment_and_a_follow_up_with_nothing_in_their_lists_read_well():
    risk = dict(sample_context("risk_assessment"), participants=[], risks=[], actions=[])
    risk["assessment"] = dict(risk["assessment"], matter="", description="")
    text = render.text_of(_fill("risk_assessment", risk))
    for needle in ("Inga deltagare angivna.", "Inga risker har identifierats.", "Inga åtgärder.", "Ingen beskrivning."):
        assert needle in text, needle
    assert "Ärende" not in text and "Risk nr" not in text

    follow = dict(sample_context("annual_follow_up"), checklist=[], improvements=[])
    follow["follow_up"] = dict(follow["follow_up"], meeting="")
    text = render.text_of(_fill("annual_follow_up", follow))
    assert "Inga delar har följts upp." in text and "Inga förbättringar." in text
    assert "Behandlad" not in text and "Klart senast" not in text
    for mark in render.LEFTOVER_MARKS:
        assert mark not in text, mark


def test_an_action_without_a_risk_and_measures_left_empty_show_a_dash():
    context = sample_context("risk_assessment")
    context["actions"][0]["risk_number"] = None
    document = Document(io.BytesIO(_fill("risk_assessment", context)))
    assert _table_with(document, "Risk nr").rows[1].cells[2].text == "–"
    assert _table_with(document, "Åtgärdat direkt").rows[2].cells[5].text == "–"


@pytest.mark.parametrize("name", kinds.SAM_TEMPLATES)
def test_the_upload_check_accepts_the_default_sam_templates(name):
    render.check(default_template(name), sample_context(name), default_logo())
    with pytest.raises(render.TemplateProblem, match="kunde inte fyllas i"):
        render.check(default_template(name), {k: v for k, v in sample_context(name).items() if k != "title"}, default_logo())
