"""PDF through LibreOffice: one protocol converted (CI installs libreoffice-writer-nogui, so this
proves the Word file opens in an office suite), and without soffice a clear 503, never a 500."""

from __future__ import annotations

import re
import shutil

from meeting_fixtures import negotiation, staff  # noqa: F401 (fixtures)


async def test_a_protocol_converts_to_pdf(client, staff, negotiation):
    assert shutil.which("soffice"), "LibreOffice is needed for this test: apt-get install libreoffice-writer-nogui"
    hr = staff["hr"]
    made = (await client.post(f"/api/v1/meetings/{negotiation['meeting']['id']}/documents", json={"kind": "protocol"},
                              headers=hr.headers)).json()
    r = await client.get(f"/api/v1/documents/{made['id']}/pdf", headers=hr.headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-") and re.search(rb"/Type\s*/Page\b", r.content), "a PDF with pages"
    assert made["filename"].removesuffix(".docx") + ".pdf" in r.headers["content-disposition"]
    again = await client.get(f"/api/v1/documents/{made['id']}/pdf", headers=hr.headers)
    assert again.content == r.content  # kept beside the Word file, not converted twice


async def test_without_libreoffice_the_pdf_is_unavailable_not_an_error(client, staff, negotiation, monkeypatch):
    hr = staff["hr"]
    made = (await client.post(f"/api/v1/meetings/{negotiation['meeting']['id']}/documents",
                              json={"kind": "protocol", "audience": "all"}, headers=hr.headers)).json()
    monkeypatch.setenv("PATH", "/nonexistent")
    r = await client.get(f"/api/v1/documents/{made['id']}/pdf", headers=hr.headers)
    assert r.status_code == 503 and "LibreOffice" in r.json()["detail"]
