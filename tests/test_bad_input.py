"""Bad input gets a 4xx that names the field, never a 500, and nothing is half-written."""

from __future__ import annotations

import pytest


@pytest.fixture
async def admin(callers):
    return (await callers())["admin"]


async def _counts():
    from samverkan.orgs.tables import CollaborationGroup, Department, GroupMember, GroupUnion, Person, TradeUnion

    return [await t.count() for t in (Department, TradeUnion, Person, CollaborationGroup, GroupUnion, GroupMember)]


def _error(response, status: int, field: str | None):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] == status and body["detail"]
    assert body.get("field") == field, body


@pytest.mark.parametrize(
    "body, field",
    [
        ({"code": "X", "diary_prefix": "X"}, "name"),  # missing
        ({"name": "", "code": "X", "diary_prefix": "X"}, "name"),  # empty
        ({"name": "   ", "code": "X", "diary_prefix": "X"}, "name"),  # only spaces
        ({"name": "x" * 100_000, "code": "X", "diary_prefix": "X"}, "name"),  # 100 kB
        ({"name": 42, "code": "X", "diary_prefix": "X"}, "name"),  # wrong type
        ({"name": "A", "code": "has space", "diary_prefix": "X"}, "code"),
        ({"name": "A", "code": "X" * 21, "diary_prefix": "X"}, "code"),
        ({"name": "A", "code": "X", "diary_prefix": "KS/"}, "diary_prefix"),
        ({"name": "A", "code": "X", "diary_prefix": "X", "active": "yes"}, "active"),
        ({"name": "A", "code": "X", "diary_prefix": "X", "colour": "red"}, "colour"),  # unknown field
    ],
)
async def test_department_field_errors(client, admin, body, field):
    before = await _counts()
    _error(await client.post("/api/v1/departments", json=body, headers=admin.headers), 400, field)
    assert await _counts() == before


@pytest.mark.parametrize("raw", [b'{"name": "A",', b"not json", b"[1, 2]", b'"a string"', b""])
async def test_malformed_json(client, admin, raw):
    before = await _counts()
    response = await client.post(
        "/api/v1/departments", content=raw, headers={**admin.headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert response.json()["status"] == 400
    assert await _counts() == before


async def test_duplicates_are_409_on_create_and_update(client, admin, org):
    _error(await client.post("/api/v1/departments", json={"name": "A", "code": "VOF", "diary_prefix": "X"}, headers=admin.headers), 409, "code")
    created = (await client.post("/api/v1/departments", json={"name": "A", "code": "NEW", "diary_prefix": "X"}, headers=admin.headers)).json()
    _error(await client.patch(f"/api/v1/departments/{created['id']}", json={"code": "KK"}, headers=admin.headers), 409, "code")
    _error(await client.post("/api/v1/unions", json={"name": "Vision"}, headers=admin.headers), 409, "name")
    first = await client.post("/api/v1/people", json={"name": "A", "side": "employer", "email": "a@lund.example"}, headers=admin.headers)
    assert first.status_code == 201
    _error(await client.post("/api/v1/people", json={"name": "B", "side": "employer", "email": "A@Lund.example"}, headers=admin.headers), 409, "email")


async def test_person_rules(client, admin, org):
    _error(await client.post("/api/v1/people", json={"name": "A", "side": "union"}, headers=admin.headers), 400, "union_id")
    _error(await client.post("/api/v1/people", json={"name": "A", "side": "employer", "union_id": org.union_id}, headers=admin.headers), 400, "union_id")
    _error(await client.post("/api/v1/people", json={"name": "A", "side": "union", "union_id": 99999}, headers=admin.headers), 400, "union_id")
    _error(await client.post("/api/v1/people", json={"name": "A", "side": "employer", "department_id": 99999}, headers=admin.headers), 400, "department_id")
    _error(await client.post("/api/v1/people", json={"name": "A", "side": "both"}, headers=admin.headers), 400, "side")
    _error(await client.post("/api/v1/people", json={"name": "A", "side": "employer", "email": "not-an-address"}, headers=admin.headers), 400, "email")
    _error(await client.post("/api/v1/people", json={"name": "A", "side": "employer", "roles": ["king"]}, headers=admin.headers), 400, "roles[0]")
    person = (await client.post("/api/v1/people", json={"name": "A", "side": "employer"}, headers=admin.headers)).json()
    # A PATCH that would break the rules is refused as a whole.
    _error(await client.patch(f"/api/v1/people/{person['id']}", json={"side": "union", "title": "Ny titel"}, headers=admin.headers), 400, "union_id")
    assert (await client.get(f"/api/v1/people/{person['id']}", headers=admin.headers)).json()["title"] == ""


async def test_group_with_a_missing_union_writes_nothing(client, admin, org):
    before = await _counts()
    _error(
        await client.post(
            "/api/v1/groups", json={"name": "FSG", "level": "department", "department_id": org.department_id, "union_ids": [org.union_id, 99999]},
            headers=admin.headers,
        ),
        400, "union_ids",
    )
    _error(await client.post("/api/v1/groups", json={"name": "FSG", "level": "department"}, headers=admin.headers), 400, "department_id")
    _error(await client.post("/api/v1/groups", json={"name": "FSG", "level": "central", "cadence_months": 13}, headers=admin.headers), 400, "cadence_months")
    _error(await client.post("/api/v1/groups", json={"name": "FSG", "level": "central", "member_ids": list(range(1, 502))}, headers=admin.headers), 400, "member_ids")
    _error(await client.post("/api/v1/groups", json={"name": "FSG", "level": "galaxy"}, headers=admin.headers), 400, "level")
    assert await _counts() == before


async def test_a_failed_group_update_keeps_the_old_members(client, admin, org):
    group = (
        await client.post("/api/v1/groups", json={"name": "CSG", "level": "central", "union_ids": [org.union_id]}, headers=admin.headers)
    ).json()
    _error(await client.patch(f"/api/v1/groups/{group['id']}", json={"name": "Nytt", "union_ids": [99999]}, headers=admin.headers), 400, "union_ids")
    after = (await client.get(f"/api/v1/groups/{group['id']}", headers=admin.headers)).json()
    assert after["name"] == "CSG" and after["union_ids"] == [org.union_id]


@pytest.mark.parametrize(
    "query, field",
    [("limit=0", "limit"), ("limit=501", "limit"), ("limit=abc", "limit"), ("offset=-1", "offset"),
     ("active=maybe", "active"), ("q=" + "x" * 201, "q")],
)
async def test_bad_list_parameters(client, admin, query, field):
    _error(await client.get(f"/api/v1/departments?{query}", headers=admin.headers), 400, field)


async def test_odd_paths_and_bodies_are_not_500(client, admin):
    assert (await client.get("/api/v1/departments/abc", headers=admin.headers)).status_code == 404
    assert (await client.get("/api/v1/departments/99999999999999999999", headers=admin.headers)).status_code in (400, 404)
    form = await client.post("/api/v1/departments", data={"name": "A"}, headers=admin.headers)
    assert 400 <= form.status_code < 500
    assert (await client.delete("/api/v1/departments/1", headers=admin.headers)).status_code == 405


async def test_uniqueness_ignores_case(client, admin, org):
    lower = await client.post("/api/v1/departments", json={"name": "A", "code": "vof", "diary_prefix": "x"}, headers=admin.headers)
    _error(lower, 409, "code")
    created = await client.post("/api/v1/departments", json={"name": "A", "code": "ny", "diary_prefix": "ks"}, headers=admin.headers)
    assert created.json()["code"] == "NY" and created.json()["diary_prefix"] == "KS"
    _error(await client.post("/api/v1/unions", json={"name": "VISION"}, headers=admin.headers), 409, "name")
    kommunal = (await client.get(f"/api/v1/unions/{org.other_union_id}", headers=admin.headers)).json()
    _error(await client.patch(f"/api/v1/unions/{kommunal['id']}", json={"name": "vision"}, headers=admin.headers), 409, "name")
    # Renaming a union to another spelling of its own name is fine.
    assert (await client.patch(f"/api/v1/unions/{kommunal['id']}", json={"name": "KOMMUNAL"}, headers=admin.headers)).status_code == 200


async def test_missing_body_is_a_clear_400(client, admin):
    for path in ("/api/v1/departments", "/api/v1/me/tokens"):
        response = await client.post(path, headers=admin.headers)
        assert response.status_code == 400
        assert response.json()["detail"] == "Request body is missing: send a JSON object."
