"""The documents on the meeting page and the administrators' template pages, through forms as a
browser sends them: make, preview, download; errors in Swedish at the field; uploads refused
with the reason; and each role sees only its own copies."""

from __future__ import annotations

import io
import re
import zipfile

from conftest import csrf, login
from meeting_fixtures import negotiation, staff  # noqa: F401 (fixtures)

from samverkan.documents.render import DOCX_MEDIA_TYPE, text_of
from samverkan.documents.service import default_logo, default_template


async def test_make_preview_and_download_from_the_meeting_page(client, staff, org, negotiation):
    hr, meeting = staff["hr"], negotiation["meeting"]
    await login(client, hr.email, hr.password)
    page = (await client.get(f"/moten/{meeting['id']}")).text
    assert 'id="dokument"' in page and "Inga dokument har skapats" in page
    assert '<option value="notice" selected>' in page and '<option value="agenda">' not in page  # a negotiation's kinds only
    assert f'<option value="union:{org.union_id}">Exemplar för Vision</option>' in page

    made = await client.post(f"/moten/{meeting['id']}/dokument", data={
        "kind": "notice", "audience": f"union:{org.union_id}", "date": "2026-02-16", "attachments": "Underlag A\n\nUnderlag B",
        "_csrf_token": csrf(client)})
    assert made.status_code in (302, 303), made.text
    preview = await client.get(made.headers["location"])
    assert preview.status_code == 200
    assert "Förhandlingsframställan – kallelse till lokal förhandling enligt 11 § MBL" in preview.text
    assert "Underlag A" in preview.text and "Underlag B" in preview.text and "Exemplar för Vision" in preview.text
    assert "Tom &amp; Jerry &lt;b&gt;fet&lt;/b&gt;" in preview.text  # escaped on the page, intact in the file
    document_id = made.headers["location"].rsplit("/", 1)[1]
    word = await client.get(f"/dokument/{document_id}/word")
    assert word.status_code == 200 and word.headers["content-type"] == DOCX_MEDIA_TYPE
    assert "Tom & Jerry <b>fet</b>" in text_of(word.content)
    listed = (await client.get(f"/moten/{meeting['id']}")).text
    assert f'href="/dokument/{document_id}/word"' in listed and "Exemplar för Vision" in listed

    zipped = await client.get(f"/moten/{meeting['id']}/dokument.zip?typ=protocol")
    assert zipped.status_code == 200 and len(zipfile.ZipFile(io.BytesIO(zipped.content)).namelist()) == 3


async def test_errors_are_shown_at_the_field_in_swedish(client, staff, negotiation):
    hr, meeting = staff["hr"], negotiation["meeting"]
    await login(client, hr.email, hr.password)
    missing_item = await client.post(f"/moten/{meeting['id']}/dokument", data={"kind": "extract", "audience": "all", "_csrf_token": csrf(client)})
    assert missing_item.status_code == 422
    assert 'id="document_item_id-error">Välj vilken punkt utdraget ska gälla.' in missing_item.text
    assert 'aria-describedby="document_item_id-error"' in missing_item.text
    bad_date = await client.post(f"/moten/{meeting['id']}/dokument", data={"kind": "notice", "date": "2026-02-30", "_csrf_token": csrf(client)})
    assert bad_date.status_code == 422 and 'id="document_date-error">Ange ett giltigt datum' in bad_date.text
    assert (await client.get(f"/api/v1/meetings/{meeting['id']}/documents", headers=hr.headers)).json() == []


async def test_a_union_representative_sees_only_their_own_copy(client, staff, org, negotiation):
    hr, union, meeting = staff["hr"], staff["union"], negotiation["meeting"]
    other = (await client.post(f"/api/v1/meetings/{meeting['id']}/documents", json={"kind": "protocol", "audience": f"union:{org.other_union_id}"},
                               headers=hr.headers)).json()
    await login(client, union.email, union.password)
    page = (await client.get(f"/moten/{meeting['id']}")).text
    assert f'<option value="union:{org.union_id}">' in page and 'value="department"' not in page
    assert f"/dokument/{other['id']}" not in page
    assert (await client.get(f"/dokument/{other['id']}")).status_code == 404
    assert (await client.get(f"/dokument/{other['id']}/word")).status_code == 404
    own = await client.post(f"/moten/{meeting['id']}/dokument", data={"kind": "protocol", "audience": f"union:{org.union_id}",
                                                                       "_csrf_token": csrf(client)})
    assert own.status_code in (302, 303)
    assert "Exemplar för Vision" in (await client.get(own.headers["location"])).text
    assert (await client.get("/mallar")).status_code == 403


async def test_without_libreoffice_pdf_is_shown_as_unavailable(client, staff, negotiation, monkeypatch):
    hr, meeting = staff["hr"], negotiation["meeting"]
    made = (await client.post(f"/api/v1/meetings/{meeting['id']}/documents", json={"kind": "protocol"}, headers=hr.headers)).json()
    await login(client, hr.email, hr.password)
    monkeypatch.setenv("PATH", "/nonexistent")
    page = await client.get(f"/dokument/{made['id']}")
    assert page.status_code == 200 and "PDF inte tillgänglig" in page.text
    assert "PDF inte tillgänglig" in (await client.get(f"/moten/{meeting['id']}")).text
    direct = await client.get(f"/dokument/{made['id']}/pdf")
    assert direct.status_code == 503 and "LibreOffice" in direct.text and "<h1>Protokoll</h1>" in direct.text


async def test_administrators_upload_templates_and_letterheads(client, staff, org):
    admin = staff["admin"]
    await login(client, admin.email, admin.password)
    page = await client.get("/mallar")
    assert page.status_code == 200 and "Förhandlingsprotokoll" in page.text and "Inga egna mallar" in page.text

    refused = await client.post("/mallar", data={"name": "protocol", "scope": f"department:{org.department_id}", "_csrf_token": csrf(client)},
                                files={"file": ("mall.docx", "inte en docx".encode(), DOCX_MEDIA_TYPE)})
    assert refused.status_code == 422 and 'id="file-error">Filen är inte ett Word-dokument (.docx).' in refused.text
    no_file = await client.post("/mallar", data={"name": "protocol", "scope": f"department:{org.department_id}", "_csrf_token": csrf(client)},
                                files={"file": ("", b"", "application/octet-stream")})
    assert no_file.status_code == 422 and "Välj en fil att ladda upp." in no_file.text
    accepted = await client.post("/mallar", data={"name": "protocol", "scope": f"union:{org.union_id}", "_csrf_token": csrf(client)},
                                 files={"file": ("visions-protokoll.docx", default_template("protocol"), DOCX_MEDIA_TYPE)})
    assert accepted.status_code == 200 and "används nu" in accepted.text and "visions-protokoll.docx" in accepted.text

    saved = await client.post("/mallar/brevhuvud", data={"scope": f"department:{org.department_id}", "text": "Vård och omsorg\nBox 41",
                                                         "_csrf_token": csrf(client)},
                              files={"logo": ("logo.png", default_logo(), "image/png")})
    assert saved.status_code == 200 and "Brevhuvudet är sparat." in saved.text and "Vård och omsorg" in saved.text
    bad_logo = await client.post("/mallar/brevhuvud", data={"scope": f"department:{org.department_id}", "text": "X", "_csrf_token": csrf(client)},
                                 files={"logo": ("logo.png", b"not a picture", "image/png")})
    assert bad_logo.status_code == 422 and 'id="letterhead_logo-error">Logotypen måste vara' in bad_logo.text

    example = await client.get(f"/mallar/protocol/exempel?for=department:{org.department_id}")
    assert example.status_code == 200 and "Vård och omsorg" in example.text and "Protokoll fört vid" in example.text
    download = await client.get(f"/mallar/protocol?for=union:{org.union_id}")
    assert download.status_code == 200 and download.content == default_template("protocol")
    removed = await client.post("/mallar/ta-bort", data={"name": "protocol", "scope": f"union:{org.union_id}", "_csrf_token": csrf(client)})
    assert removed.status_code in (302, 303)
    assert "Inga egna mallar" in (await client.get("/mallar")).text
    assert re.search(r"Brevhuvudet|Vård och omsorg", (await client.get("/mallar")).text)
