"""The escaping promise of docs/access.md: what a user types is text in every document, never
Word markup. An upload that would turn escaping off or reach outside is refused with the reason;
a template stored before these rules is refused when a document is made from it; and a value
with control characters (a row from before the input rules) still gives a document."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from docx import Document
from meeting_fixtures import staff  # noqa: F401 (fixture)
from word_files import docx_of as _docx

from samverkan.documents import render, storage
from samverkan.documents.tables import WordTemplate
from samverkan.meetings.tables import Meeting

HOSTILE_TITLE = 'Möte <w:fldSimple w:instr="INCLUDEPICTURE &quot;http://evil.example/x&quot;"/> om lås'
PROPERTIES = render.Properties("t", "a", dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))


def _complex_field(*instruction: str) -> str:
    pieces = "".join(f'<w:r><w:instrText xml:space="preserve">{p}</w:instrText></w:r>' for p in instruction)
    return (f'<w:r><w:fldChar w:fldCharType="begin"/></w:r>{pieces}<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            '<w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')


REFUSED = [
    (_docx("{% autoescape false %}{{ title }}{% endautoescape %}"), "{% autoescape %} är inte tillåtet"),
    (_docx("{% autoescape true %}{{ title }}{% endautoescape %}"), "{% autoescape %} är inte tillåtet"),
    (_docx("{{ title|safe }}"), "«safe» är inte tillåtet"),
    (_docx("{% filter safe %}{{ title }}{% endfilter %}"), "«safe» är inte tillåtet"),
    (_docx("{{ [title]|map('safe')|join }}"), "«safe» är inte tillåtet"),
    (_docx("{{ Markup(title) }}"), "«Markup» är inte tillåtet"),
    (_docx("{{ title|urlize }}"), "«urlize» är inte tillåtet"),
    (_docx("{{ {'a': title}|xmlattr }}"), "«xmlattr» är inte tillåtet"),
    (_docx("{{ title|tojson }}"), "«tojson» är inte tillåtet"),
    (_docx("{{ title }}", raw='<w:fldSimple w:instr=\'INCLUDEPICTURE "http://evil.example/x" \\d\'><w:r><w:t>x</w:t></w:r></w:fldSimple>'),
     'fältkoden «INCLUDEPICTURE "http://evil.example/x"'),
    (_docx("{{ title }}", raw=_complex_field(" INCLUDE", 'TEXT "http://evil.example/t" ')), 'fältkoden «INCLUDETEXT "http://evil.example/t"»'),
    (_docx("{{ title }}", raw='<w:fldSimple w:instr=\'HYPERLINK "https://evil.example/h"\'/>'), "fältkoden «HYPERLINK"),
    (_docx("{{ title }}", raw='<w:fldSimple w:instr="{{ title }}"/>'), "fältkoden «{{ title }}»"),
    (_docx("{{ title }}", raw='<w:r><w:instrText>INCLUDEPICTURE "http://evil.example/y"</w:instrText></w:r>'), "fältkoden «INCLUDEPICTURE"),
    (_docx("{{ title }}", external="http://evil.example/z"), "adress utanför dokumentet (http://evil.example/z)"),
]


async def _upload(client, caller, department_id: int, content: bytes):
    return await client.put(f"/api/v1/departments/{department_id}/word-templates/protocol",
                            files={"file": ("mall.docx", content, render.DOCX_MEDIA_TYPE)}, headers=caller.headers)


@pytest.mark.parametrize("content, reason", REFUSED, ids=[r[1][:40] for r in REFUSED])
async def test_an_upload_that_escapes_or_reaches_outside_is_refused(client, staff, org, content, reason):
    admin = staff["admin"]
    r = await _upload(client, admin, org.department_id, content)
    assert r.status_code == 400, r.text
    assert r.json()["field"] == "file" and reason in r.json()["detail"], r.json()["detail"]
    assert not await WordTemplate.exists().where(WordTemplate.department == org.department_id), "nothing was stored"


async def test_page_numbers_are_the_fields_a_template_may_have(client, staff, org):
    fields = ('<w:fldSimple w:instr=" PAGE \\* MERGEFORMAT "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
              + _complex_field(" NUMPAGES ", '\\* Arabic ') + '<w:fldSimple w:instr="SECTIONPAGES"/>')
    r = await _upload(client, staff["admin"], org.department_id, _docx("{{ title }}", raw=fields))
    assert r.status_code in (200, 201), r.text


@pytest.mark.parametrize("content, reason", [
    (_docx("{{ title|safe }}"), "«safe» är inte tillåtet"),
    (_docx("{% autoescape false %}{{ title }}{% endautoescape %}"), "{% autoescape %}"),
    (_docx("{{ title }}", external="http://evil.example/z"), "adress utanför dokumentet"),
    (_docx("{{ title }}", raw='<w:fldSimple w:instr="{{ title }}"/>'), "fältkoden «"),
])
def test_filling_refuses_the_same_without_the_upload_check(content, reason):
    """A template stored before the rules, or a default edited on disk, meets them when filled."""
    with pytest.raises(render.TemplateProblem, match=reason.replace("{", r"\{").replace("}", r"\}")):
        render.render(content, {"title": HOSTILE_TITLE}, None, PROPERTIES)


async def _hostile_meeting(client, staff, org) -> dict:
    department = staff["department"]
    r = await client.post("/api/v1/meetings", json={
        "kind": "samverkan", "title": HOSTILE_TITLE, "department_id": org.department_id, "union_ids": [org.union_id],
        "starts_at": "2026-03-02T09:00:00+01:00", "ends_at": "2026-03-02T10:00:00+01:00"}, headers=department.headers)
    assert r.status_code == 201, r.text
    return r.json()


async def test_a_hostile_title_is_literal_text_in_a_union_s_copy(client, staff, org):
    """docs/access.md: a department user's meeting title with a Word field in it comes out in the
    union's copy as the characters typed, and the copy holds no field and no outside address."""
    meeting = await _hostile_meeting(client, staff, org)
    made = await client.post(f"/api/v1/meetings/{meeting['id']}/documents",
                             json={"kind": "protocol", "audience": f"union:{org.union_id}"}, headers=staff["department"].headers)
    assert made.status_code == 201, made.text
    r = await client.get(f"/api/v1/documents/{made.json()['id']}", headers=staff["union"].headers)
    assert r.status_code == 200
    document = Document(io.BytesIO(r.content))
    assert any(HOSTILE_TITLE in p.text for p in document.paragraphs), [p.text for p in document.paragraphs][:5]
    assert render.outside_reference(r.content) is None
    with zipfile.ZipFile(io.BytesIO(r.content)) as archive:
        xml = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".xml"))
    assert b"<w:fldSimple w:instr=\"INCLUDEPICTURE" not in xml
    assert b"&lt;w:fldSimple w:instr=\"INCLUDEPICTURE &amp;quot;http://evil.example/x&amp;quot;\"/&gt;" in xml


async def test_a_stored_template_that_turns_escaping_off_gives_the_default_with_a_notice(client, staff, org):
    """A template stored before the upload check refused it: the document is made from the default
    template with a notice naming the reason (issue 18, safe templates: a fall-back, not a refusal),
    and the department's other documents are not affected."""
    meeting = await _hostile_meeting(client, staff, org)
    content = _docx("{% autoescape false %}{{ title }}{% endautoescape %}")
    await WordTemplate.insert(WordTemplate(name="samverkan_protocol", department=org.department_id, filename="gammal.docx",
                                           content=content, sha256=storage.sha256(content)))
    r = await client.post(f"/api/v1/meetings/{meeting['id']}/documents",
                          json={"kind": "protocol", "audience": f"union:{org.union_id}"}, headers=staff["hr"].headers)
    assert r.status_code == 201, r.text
    assert "{% autoescape %} är inte tillåtet" in r.json()["notice"] and "standardmallen användes" in r.json()["notice"]
    made = await client.get(f"/api/v1/documents/{r.json()['id']}", headers=staff["union"].headers)
    assert render.outside_reference(made.content) is None
    notice = await client.post(f"/api/v1/meetings/{meeting['id']}/documents", json={"kind": "agenda"}, headers=staff["hr"].headers)
    assert notice.status_code == 201, notice.text


async def test_control_characters_in_an_old_row_do_not_stop_the_document(client, staff, org):
    """Issue 14 fault 3, the document side: a title stored before the input rules with BEL, VT,
    FF, ESC, CR and a non-character gives a document with those characters left out."""
    meeting = await _hostile_meeting(client, staff, org)
    await Meeting.update({Meeting.title: "Möte\x07 om\x0b\x0c lås\x1b\ufffe\uffff och\r\nnästa rad\x01"}).where(Meeting.id == meeting["id"])
    r = await client.post(f"/api/v1/meetings/{meeting['id']}/documents", json={"kind": "protocol", "audience": "department"},
                          headers=staff["hr"].headers)
    assert r.status_code == 201, r.text
    data = (await client.get(f"/api/v1/documents/{r.json()['id']}", headers=staff["hr"].headers)).content
    text = render.text_of(data)
    assert "Möte om lås och\nnästa rad" in text, text[:300]
    assert not any(c in text for c in "\x07\x0b\x0c\x1b\ufffe\uffff\r\x01")


def test_clean_text_keeps_tab_and_newline_only():
    assert render.clean_text("a\tb\r\nc\rd\x00e\x07f\x1fg\x7fh\ufffei\uffffj") == "a\tb\nc\nde" + "fg\x7fhij"
