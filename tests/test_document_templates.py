"""The Word templates: every default filled with the sample meeting and re-opened; uploads
refused with the reason (not a .docx, disallowed Jinja, failing or leftover tags); and which
template and letterhead a copy gets (union → department → default)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document
from meeting_fixtures import negotiation, staff  # noqa: F401 (fixtures)
from word_files import docx_of as _docx

from samverkan.documents import kinds, render
from samverkan.documents.sample import sample_context
from samverkan.documents.service import default_logo, default_template

REQUIRED = {
    "notice": ["Förhandlingsframställan – kallelse till lokal förhandling enligt 11 § MBL", "Till", "Vision", "Förhandlingsfråga",
               "Planerat beslut", "Förslag till tid och plats", "Bilagor", "Risk- & konsekvensbedömning", "Kontaktperson",
               "Svar", "senast 23 februari 2026"],
    "agenda": ["Kallelse med förslag till dagordning", "Förslag till dagordning", "§ 2", "Information enligt 19 § MBL",
               "Kallelsen skickad", "16 februari 2026"],
    "protocol": ["Protokoll fört vid lokal förhandling enligt 11 § MBL", "Parter", "Närvarande", "För arbetsgivaren",
                 "Protokollförare", "Justerare", "§ 3", "Parterna är överens", "Förhandlingen avslutas i oenighet",
                 "Kommunal reserverar sig", "Protokollsanteckning från Vision", "Förhandlingen förklaras avslutad 2 mars 2026",
                 "Vid protokollet", "Justeras", "För Kommunal"],
    "samverkan_protocol": ["Protokoll – Förvaltningens samverkansgrupp (FSG), tillika skyddskommitté",
                           "Information enligt 19 § MBL", "Arbetsmiljö – skyddskommitté (AML 6 kap. 9 §)",
                           "Parterna är inte överens", "Kommunal begär förhandling enligt MBL", "Justeras"],
    "extract": ["Protokollsutdrag – § 3", "Utdrag ur protokoll", "Rätt utdraget intygar", "Justeras"],
    "withdrawal_notice": ["Frånträdesbesked enligt 16 § 3 st. MBL", "frånträder härmed förhandlingen", "16 februari 2026"],
}
EVERYWHERE = ["VO 2026/0042", "Lunds kommun", "Vård- och omsorgsförvaltningen", "Exemplar för Vision", "Sida "]


def _fill(name: str, template: bytes | None = None) -> bytes:
    context = sample_context(name)
    return render.render(template or default_template(name), context, default_logo(),
                         render.Properties(context["title"], "Vård- och omsorgsförvaltningen", dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc)))


MEETING_TEMPLATES = [n for n in kinds.TEMPLATES if n not in kinds.SAM_TEMPLATES + kinds.GROUP_TEMPLATES]  # SAM ones: test_sam_templates


@pytest.mark.parametrize("name", MEETING_TEMPLATES)
def test_every_default_template_fills_and_reopens(name):
    assert set(REQUIRED) == set(MEETING_TEMPLATES)
    data = _fill(name)
    assert data == _fill(name), "the same input gives the same bytes"
    text = render.text_of(data)
    footer = Document(io.BytesIO(data)).sections[0].footer._element.xml
    for needle in REQUIRED[name] + EVERYWHERE:
        assert needle in text or needle in footer, needle
    for mark in render.LEFTOVER_MARKS:
        assert mark not in text
    document = Document(io.BytesIO(data))
    assert document.core_properties.language == "sv-SE"
    assert document.core_properties.author == "Vård- och omsorgsförvaltningen"
    assert any(p.style.name == "Heading 1" for p in document.paragraphs)
    render.check(default_template(name), sample_context(name), default_logo())  # what an upload must pass


def test_user_text_survives_intact():
    context = sample_context("protocol")
    context["items"][0]["text"] = "Tom & Jerry <b>fet</b> \"citat\" 'apostrof' {{ inte kod }} – åäö ÅÄÖ\nrad två"
    data = render.render(default_template("protocol"), context, None, render.Properties("t", "a", dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)))
    text = render.text_of(data)
    assert "Tom & Jerry <b>fet</b> \"citat\" 'apostrof' {{ inte kod }} – åäö ÅÄÖ\nrad två" in text


def _with_marker(name: str, marker: str) -> bytes:
    document = Document(io.BytesIO(default_template(name)))
    document.paragraphs[0].insert_paragraph_before(marker)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_the_sandbox_refuses_internals_even_without_the_upload_check():
    with pytest.raises(render.TemplateProblem):
        render.render(_docx("{{ title.__class__.__mro__ }}"), {"title": "x"}, None,
                      render.Properties("t", "a", dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)))


async def _upload(client, caller, path: str, content: bytes, filename: str = "mall.docx"):
    return await client.put(path, files={"file": (filename, content, render.DOCX_MEDIA_TYPE)}, headers=caller.headers)


@pytest.mark.parametrize("content, reason", [
    ("Det här är ingen Word-fil.".encode(), "inte ett Word-dokument"),
    (_docx("{{ ''.__class__ }}"), "otillåten Jinja"),
    (_docx("{{ title|attr('__class__') }}"), "otillåten Jinja"),
    (_docx("{% include 'annan.docx' %}"), "otillåten Jinja"),
    (_docx("{{ title"), "fel i en mallkod"),
    (_docx("{{ no_such_variable }}"), "kunde inte fyllas i"),
    (_docx("{{ '{{' }} title }}"), "kvar mallkod"),
])
async def test_an_upload_is_refused_with_the_reason(client, staff, org, content, reason):
    admin = staff["admin"]
    r = await _upload(client, admin, f"/api/v1/departments/{org.department_id}/word-templates/protocol", content)
    assert r.status_code == 400, r.text
    assert r.json()["field"] == "file" and reason in r.json()["detail"], r.json()
    listed = (await client.get("/api/v1/word-templates", headers=admin.headers)).json()
    assert all(t["id"] is None for t in listed), "nothing was stored"


async def test_a_copy_gets_the_union_s_then_the_department_s_then_the_default(client, staff, org, negotiation):
    admin, hr, meeting_id = staff["admin"], staff["hr"], negotiation["meeting"]["id"]
    department_url = f"/api/v1/departments/{org.department_id}/word-templates/protocol"
    union_url = f"/api/v1/unions/{org.union_id}/word-templates/protocol"
    assert (await _upload(client, admin, department_url, _with_marker("protocol", "FÖRVALTNINGENS MALL"))).status_code == 200
    uploaded = await _upload(client, admin, union_url, _with_marker("protocol", "VISIONS MALL"))
    assert uploaded.status_code == 200, uploaded.text
    assert uploaded.json()["union_id"] == org.union_id and uploaded.json()["name"] == "protocol"

    async def copy_text(audience: str) -> tuple[str, dict]:
        made = await client.post(f"/api/v1/meetings/{meeting_id}/documents", json={"kind": "protocol", "audience": audience},
                                 headers=hr.headers)
        assert made.status_code == 201, made.text
        body = (await client.get(f"/api/v1/documents/{made.json()['id']}", headers=hr.headers)).content
        return render.text_of(body), made.json()

    vision, vision_doc = await copy_text(f"union:{org.union_id}")
    kommunal, _ = await copy_text(f"union:{org.other_union_id}")
    employer, _ = await copy_text("department")
    assert "VISIONS MALL" in vision and "FÖRVALTNINGENS MALL" not in vision
    assert "FÖRVALTNINGENS MALL" in kommunal and "FÖRVALTNINGENS MALL" in employer
    assert vision_doc["template_sha256"] == uploaded.json()["sha256"]

    # Letterheads: the union's on its own copy, the department's on the others.
    r = await client.put(f"/api/v1/departments/{org.department_id}/letterhead", data={"text": "Vård och omsorg\nBox 41, Lund"},
                         files={"logo": ("logo.png", default_logo(), "image/png")}, headers=admin.headers)
    assert r.status_code == 200, r.text
    r = await client.put(f"/api/v1/unions/{org.union_id}/letterhead", data={"text": "Vision Lund\nKlostergatan 1"}, headers=admin.headers)
    assert r.status_code == 200, r.text
    vision, _ = await copy_text(f"union:{org.union_id}")
    kommunal, _ = await copy_text(f"union:{org.other_union_id}")
    assert "Vision Lund\nKlostergatan 1" in vision and "Box 41, Lund" not in vision
    assert "Vård och omsorg\nBox 41, Lund" in kommunal

    # Removing the department's template: the default applies again; the old documents stay.
    assert (await client.delete(department_url, headers=admin.headers)).status_code == 204
    kommunal, _ = await copy_text(f"union:{org.other_union_id}")
    assert "FÖRVALTNINGENS MALL" not in kommunal
    assert (await client.delete(department_url, headers=admin.headers)).status_code == 404
    downloaded = await client.get(union_url, headers=admin.headers)
    assert downloaded.status_code == 200 and "VISIONS MALL" in render.text_of(downloaded.content) + "".join(
        p.text for p in Document(io.BytesIO(downloaded.content)).paragraphs)


async def test_a_logo_that_is_not_a_picture_is_refused(client, staff, org):
    r = await client.put(f"/api/v1/departments/{org.department_id}/letterhead", data={"text": "X"},
                         files={"logo": ("logo.png", b"GIF89a-not-really", "image/png")}, headers=staff["admin"].headers)
    assert r.status_code == 400 and r.json()["field"] == "logo"
    assert (await client.get("/api/v1/letterheads", headers=staff["admin"].headers)).json() == []
