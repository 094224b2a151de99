"""Safe templates: an upload is filled for every copy (employer, a party union, a union present but
not a party, the common copy) and re-opened before it is accepted, refused with the Swedish reason
at the field; a template that fails anyway when used falls back to the default with a notice."""

from __future__ import annotations

import io

import pytest
from docx import Document
from meeting_fixtures import negotiation, staff  # noqa: F401 (fixtures)
from word_files import docx_of

from conftest import csrf, login
from samverkan.documents import render
from samverkan.documents.service import default_template


def _with(name: str, text: str) -> bytes:
    document = Document(io.BytesIO(default_template(name)))
    document.paragraphs[0].insert_paragraph_before(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize("text, reason", [
    ("{{ title }", "fel i en mallkod"),
    ("{% if copy_label == 'Arbetsgivarens exemplar' %}{{ nope }}{% endif %}", "(arbetsgivarens exemplar)"),
    ("{% if copy_label == '' %}{{ nope }}{% endif %}", "(gemensamt exemplar)"),
])
async def test_an_upload_failing_for_any_copy_is_refused_on_the_page_with_the_reason_at_the_field(client, staff, org, text,
                                                                                                   reason):
    admin = staff["admin"]
    await login(client, admin.email, admin.password)
    r = await client.post("/mallar", data={"name": "protocol", "scope": f"department:{org.department_id}", "_csrf_token": csrf(client)},
                          files={"file": ("mall.docx", _with("protocol", text), render.DOCX_MEDIA_TYPE)})
    assert r.status_code == 422, r.text
    assert 'id="file-error"' in r.text and reason in r.text and "används nu" not in r.text


async def test_a_template_failing_when_used_falls_back_to_the_default_with_a_notice(client, staff, org, negotiation):
    from samverkan.documents import storage
    from samverkan.documents.tables import WordTemplate

    admin, hr = staff["admin"], staff["hr"]
    broken = _with("protocol", "{{ meeting.no_such_thing.deeper }}")  # as if it had slipped past an older check
    await WordTemplate.insert(WordTemplate(name="protocol", department=org.department_id, trade_union=None, filename="mall.docx",
                                           content=broken, sha256=storage.sha256(broken)))
    await login(client, admin.email, admin.password)
    example = await client.get(f"/mallar/protocol/exempel?for=department:{org.department_id}")
    assert example.status_code == 200 and "standardmallen användes" in example.text

    made = await client.post(f"/api/v1/meetings/{negotiation['meeting']['id']}/documents",
                             json={"kind": "protocol", "audience": "department"}, headers=hr.headers)
    assert made.status_code == 201, made.text
    assert "standardmallen" in made.json()["notice"]
    # The record names the template the copy was really filled from: the default, not the broken one.
    from samverkan.documents.service import default_template

    assert made.json()["template_sha256"] == storage.sha256(default_template("protocol")) != storage.sha256(broken)
    assert "Protokoll" in render.text_of((await client.get(f"/api/v1/documents/{made.json()['id']}", headers=hr.headers)).content)
    assert docx_of  # the helper module stays importable for the fixtures above
