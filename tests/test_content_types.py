"""NUL and control characters are refused whatever the content type (issue 14, fault 6): JSON
sent as text/plain, application/vnd.api+json or with no content type used to be stored on SQLite
and a 500 on PostgreSQL; a NUL in a multipart letterhead was a 500. The text types refuse them
however the body was labelled, so each is a 400 naming the field and nothing is written. Also the
other odd input of fault 6: a PATCH with nothing to change."""

from __future__ import annotations

import json

import pytest

from conftest import csrf, login
from sam_fixtures import follow_up
from test_text_types import _counts

CONTENT_TYPES = ["text/plain", "application/vnd.api+json", None, "application/octet-stream", "application/json"]


@pytest.fixture
async def admin(callers):
    return (await callers())["admin"]


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\ufffe"])
async def test_json_bodies_with_control_characters_are_refused_whatever_the_label(client, admin, content_type, char):
    before = await _counts()
    body = json.dumps({"name": f"A{char}B", "code": "NY", "diary_prefix": "NY"}).encode()
    headers = {**admin.headers, **({"Content-Type": content_type} if content_type else {})}
    response = await client.post("/api/v1/departments", content=body, headers=headers)
    assert response.status_code == 400, response.text
    if char != "\x00" or content_type != "application/json":  # the NUL check in hardening.py answers before the handler
        assert response.json()["field"] == "name", response.json()
    assert await _counts() == before


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
async def test_a_raw_nul_byte_in_a_json_body_is_400(client, admin, content_type):
    before = await _counts()
    headers = {**admin.headers, **({"Content-Type": content_type} if content_type else {})}
    response = await client.post("/api/v1/departments", content=b'{"name": "A\x00B", "code": "NY", "diary_prefix": "NY"}',
                                 headers=headers)
    assert response.status_code == 400, response.text
    assert await _counts() == before


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
async def test_clean_json_is_taken_whatever_the_label(client, admin, content_type):
    headers = {**admin.headers, **({"Content-Type": content_type} if content_type else {})}
    body = json.dumps({"name": "Kultur", "code": "KU", "diary_prefix": "KU"}).encode()
    response = await client.post("/api/v1/departments", content=body, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "Kultur"


@pytest.mark.parametrize("char", ["\x00", "\x07", "\r", "\ufffe"])
async def test_letterhead_text_with_control_characters_is_refused(client, admin, org, char):
    from samverkan.documents.tables import Letterhead

    response = await client.put(f"/api/v1/departments/{org.department_id}/letterhead", headers=admin.headers,
                                files={"text": (None, f"Kommunen{char}\nGatan 1")})
    assert response.status_code == 400, response.text
    assert response.json()["field"] == "text"
    assert await Letterhead.count() == 0
    ok = await client.put(f"/api/v1/departments/{org.department_id}/letterhead", headers=admin.headers,
                          files={"text": (None, "Kommunen\n\tGatan 1")})
    assert ok.status_code == 200 and ok.json()["text"] == "Kommunen\n\tGatan 1", ok.text


async def test_letterhead_page_refuses_a_nul_and_takes_crlf(client, admin, org):
    from samverkan.documents.tables import Letterhead

    await login(client, admin.email, admin.password)
    scope = f"department:{org.department_id}"
    nul = await client.post("/mallar/brevhuvud", data={"scope": scope, "_csrf_token": csrf(client)}, files={"text": (None, "A\x00B")})
    assert nul.status_code == 400 and "otillåtet tecken" in nul.text
    assert await Letterhead.count() == 0
    crlf = await client.post("/mallar/brevhuvud", data={"scope": scope, "text": "Kommunen\r\nGatan 1", "_csrf_token": csrf(client)})
    assert crlf.status_code in (200, 302, 303), crlf.text[:2000]
    assert [r["text"] for r in await Letterhead.select(Letterhead.text)] == ["Kommunen\nGatan 1"]


async def test_control_characters_in_a_search_are_400(client, admin):
    response = await client.get("/api/v1/departments?q=a%07b", headers=admin.headers)
    assert response.status_code == 400 and response.json()["field"] == "q"
    assert "matching regex" not in response.json()["detail"]


async def test_every_patch_with_nothing_to_change_is_200_or_400(client, callers, org):
    """`PATCH …/participants/{id}` with `{}` used to be a 500 (an UPDATE without a SET)."""
    from test_text_types import create

    staff = await callers()
    hr, admin = staff["hr"], staff["admin"]
    matter = await create(client, hr, "matters", {"title": "Tvist", "kind": "dispute", "department_id": org.department_id})
    event = await create(client, hr, f"matters/{matter['id']}/events", {"type": "knowledge", "date": "2026-03-02"})
    meeting = await create(client, hr, "meetings", {"kind": "samverkan", "title": "Möte", "department_id": org.department_id,
                                                    "starts_at": "2026-03-02T09:00:00+01:00", "ends_at": "2026-03-02T10:00:00+01:00"})
    person = await create(client, hr, "people", {"name": "Per", "side": "employer", "department_id": org.department_id})
    participant = await create(client, hr, f"meetings/{meeting['id']}/participants", {"person_id": person["id"]})
    item = await create(client, hr, f"meetings/{meeting['id']}/agenda", {"title": "Punkt"})
    group = await create(client, hr, "groups", {"name": "Grupp", "level": "department", "department_id": org.department_id})
    annual = await create(client, hr, "sam/annual-follow-ups", follow_up(org.department_id, 2025))
    action = await create(client, hr, "sam/actions", {"what": "Larm", "responsible": "Anna", "due": "2026-03-02",
                                                      "annual_follow_up_id": annual["id"]})
    for path in (f"departments/{org.department_id}", f"unions/{org.union_id}", f"people/{person['id']}", f"groups/{group['id']}",
                 f"matters/{matter['id']}", f"matters/{matter['id']}/events/{event['id']}", f"meetings/{meeting['id']}",
                 f"meetings/{meeting['id']}/participants/{participant['id']}", f"meetings/{meeting['id']}/agenda/{item['id']}",
                 f"sam/actions/{action['id']}", f"sam/annual-follow-ups/{annual['id']}"):
        response = await client.patch(f"/api/v1/{path}", json={}, headers=admin.headers if path.startswith(("unions", "departments")) else hr.headers)
        assert response.status_code in (200, 400), (path, response.status_code, response.text)
