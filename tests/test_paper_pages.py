"""Papers on the meeting and matter pages, through forms as a browser sends them: several files at
once, one bad file stores none and is named at the field, download, removal with a reason, and a
union that is not a party sees nothing."""

from __future__ import annotations

from conftest import csrf, login
from meeting_fixtures import negotiation, staff  # noqa: F401 (fixtures)
from paper_files import EXE, PDF, docx


async def test_upload_several_download_and_remove_on_the_meeting_page(client, staff, negotiation):
    hr, meeting_id = staff["hr"], negotiation["meeting"]["id"]
    await login(client, hr.email, hr.password)
    page = (await client.get(f"/moten/{meeting_id}")).text
    assert 'id="underlag"' in page and "Inget underlag har laddats upp" in page and 'name="file" type="file" multiple' in page

    bad = await client.post(f"/moten/{meeting_id}/underlag", data={"_csrf_token": csrf(client)},
                            files=[("file", ("Plan.docx", docx())), ("file", ("budget.pdf", EXE))])
    assert bad.status_code == 422 and "budget.pdf: Filen är inte en PDF" in bad.text and 'id="paper_file-error"' in bad.text
    assert "Inget underlag har laddats upp" in bad.text

    good = await client.post(f"/moten/{meeting_id}/underlag", data={"_csrf_token": csrf(client), "agenda_item_id": str(negotiation["item"]["id"])},
                             files=[("file", ("Plan åäö.docx", docx())), ("file", ("budget.pdf", PDF))])
    assert good.status_code in (302, 303) and good.headers["location"] == f"/moten/{meeting_id}#underlag"
    page = (await client.get(f"/moten/{meeting_id}")).text
    assert "Plan åäö" in page and "budget" in page and "§ 1" in page
    papers = (await client.get(f"/api/v1/meetings/{meeting_id}/papers", headers=hr.headers)).json()
    assert f'href="/underlag/{papers[1]["id"]}"' in page
    got = await client.get(f"/underlag/{papers[1]['id']}")
    assert got.status_code == 200 and got.content == PDF and got.headers["content-type"] == "application/pdf"

    empty_reason = await client.post(f"/underlag/{papers[1]['id']}/ta-bort", data={"_csrf_token": csrf(client), "reason": " "})
    assert empty_reason.status_code == 422 and "Skriv varför underlaget tas bort" in empty_reason.text
    removed = await client.post(f"/underlag/{papers[1]['id']}/ta-bort", data={"_csrf_token": csrf(client), "reason": "Fel fil"})
    assert removed.status_code in (302, 303)
    assert (await client.get(f"/underlag/{papers[1]['id']}")).status_code == 404


async def test_matter_page_papers_and_who_sees_them(client, staff, negotiation, make_caller, org):
    hr, matter_id = staff["hr"], negotiation["matter"]["id"]
    await login(client, hr.email, hr.password)
    r = await client.post(f"/arenden/{matter_id}/underlag", data={"_csrf_token": csrf(client)}, files={"file": ("tom.pdf", b"")})
    assert r.status_code == 422 and "Filen är tom" in r.text
    r = await client.post(f"/arenden/{matter_id}/underlag", data={"_csrf_token": csrf(client)}, files={"file": ("Risk.pdf", PDF)})
    assert r.status_code in (302, 303)
    paper_id = (await client.get(f"/api/v1/matters/{matter_id}/papers", headers=hr.headers)).json()[0]["id"]
    client.cookies.clear()
    union = staff["union"]
    await login(client, union.email, union.password)
    page = (await client.get(f"/arenden/{matter_id}")).text
    assert f'href="/underlag/{paper_id}"' in page and 'type="file"' not in page
    assert (await client.get(f"/underlag/{paper_id}")).status_code == 200
    client.cookies.clear()
    from samverkan.orgs import schemas as s
    from samverkan.orgs import service

    third = await service.create_union(s.UnionCreate(name="Lärarförbundet", federation="Sveriges Lärare", confederation="TCO"))
    outsider = await make_caller("union", union_id=third.id)
    await login(client, outsider.email, outsider.password)
    assert (await client.get(f"/underlag/{paper_id}")).status_code == 404
