"""The registry over the JSON API: create, read, list, search, update, deactivate."""

from __future__ import annotations


async def test_department_lifecycle(client, callers):
    admin = (await callers())["admin"]
    created = await client.post(
        "/api/v1/departments", json={"name": "Miljöförvaltningen", "code": "MF", "diary_prefix": "MN"}, headers=admin.headers
    )
    assert created.status_code == 201, created.text
    department = created.json()
    assert department == {"id": department["id"], "name": "Miljöförvaltningen", "code": "MF", "diary_prefix": "MN", "active": True}

    got = await client.get(f"/api/v1/departments/{department['id']}", headers=admin.headers)
    assert got.json() == department

    patched = await client.patch(f"/api/v1/departments/{department['id']}", json={"diary_prefix": "MIN"}, headers=admin.headers)
    assert patched.status_code == 200
    assert patched.json()["diary_prefix"] == "MIN"
    assert patched.json()["name"] == "Miljöförvaltningen"  # untouched fields stay

    deactivated = await client.post(f"/api/v1/departments/{department['id']}/deactivate", headers=admin.headers)
    assert deactivated.status_code == 200
    assert deactivated.json()["active"] is False
    # Never hard-deleted: still readable, and back with PATCH active=true.
    assert (await client.get(f"/api/v1/departments/{department['id']}", headers=admin.headers)).status_code == 200
    again = await client.patch(f"/api/v1/departments/{department['id']}", json={"active": True}, headers=admin.headers)
    assert again.json()["active"] is True


async def test_list_paginates_and_filters(client, callers):
    admin = (await callers())["admin"]  # org fixture made VOF and KK
    for i in range(5):
        r = await client.post(
            "/api/v1/departments", json={"name": f"Förvaltning {i}", "code": f"F{i}", "diary_prefix": "F", "active": i % 2 == 0},
            headers=admin.headers,
        )
        assert r.status_code == 201
    everything = (await client.get("/api/v1/departments?limit=500", headers=admin.headers)).json()
    assert everything["total"] == 7
    assert [d["name"] for d in everything["items"]] == sorted(d["name"] for d in everything["items"])

    first = (await client.get("/api/v1/departments?limit=3&offset=0", headers=admin.headers)).json()
    second = (await client.get("/api/v1/departments?limit=3&offset=3", headers=admin.headers)).json()
    assert first["total"] == second["total"] == 7
    assert len(first["items"]) == 3 and len(second["items"]) == 3
    assert {d["id"] for d in first["items"]}.isdisjoint(d["id"] for d in second["items"])

    inactive = (await client.get("/api/v1/departments?active=false", headers=admin.headers)).json()
    assert {d["code"] for d in inactive["items"]} == {"F1", "F3"}


async def test_search_folds_swedish_letters(client, callers):
    admin = (await callers())["admin"]
    # org has "Vård- och omsorgsförvaltningen"; SQLite's own LIKE would not match "VÅRD" to "Vård".
    for q in ("vård", "VÅRD", "omsorgs VÅRD", "vof"):
        found = (await client.get("/api/v1/departments", params={"q": q}, headers=admin.headers)).json()
        assert [d["code"] for d in found["items"]] == ["VOF"], q
    none = (await client.get("/api/v1/departments", params={"q": "vård kommunkontoret"}, headers=admin.headers)).json()
    assert (none["items"], none["total"], none["next"]) == ([], 0, None)  # the page carries next/total_capped (pagination)
    wildcard = (await client.get("/api/v1/departments", params={"q": "%"}, headers=admin.headers)).json()
    assert wildcard["total"] == 2  # a lone wildcard is ignored, not a pattern


async def test_unions(client, callers):
    admin = (await callers())["admin"]
    r = await client.post(
        "/api/v1/unions",
        json={"name": "Vårdförbundet", "federation": "Vårdförbundet", "confederation": "TCO", "email": "Lund@Vardforbundet.example"},
        headers=admin.headers,
    )
    assert r.status_code == 201
    union = r.json()
    assert union["email"] == "lund@vardforbundet.example"
    assert set(union) == {"id", "name", "federation", "confederation", "email", "active"}
    listed = (await client.get("/api/v1/unions?q=tco", headers=admin.headers)).json()
    assert {u["name"] for u in listed["items"]} == {"Vision", "Vårdförbundet"}


async def test_people(client, callers, org):
    hr = (await callers())["hr"]
    r = await client.post(
        "/api/v1/people",
        json={"name": "Åsa Jönsson", "email": "asa@lund.example", "title": "Skyddsombud", "side": "union",
              "union_id": org.union_id, "department_id": org.department_id, "roles": ["safety_rep", "union_rep"]},
        headers=hr.headers,
    )
    assert r.status_code == 201, r.text
    person = r.json()
    assert person["roles"] == ["safety_rep", "union_rep"]
    assert set(person) == {"id", "name", "email", "title", "side", "department_id", "union_id", "roles", "active"}

    patched = await client.patch(f"/api/v1/people/{person['id']}", json={"roles": ["chief_safety_rep"]}, headers=hr.headers)
    assert patched.json()["roles"] == ["chief_safety_rep"]

    by_union = (await client.get(f"/api/v1/people?union_id={org.union_id}", headers=hr.headers)).json()
    assert [p["name"] for p in by_union["items"]] == ["Åsa Jönsson"]
    assert (await client.get("/api/v1/people?side=employer", headers=hr.headers)).json()["total"] == 0
    assert (await client.get("/api/v1/people?q=ÅSA", headers=hr.headers)).json()["total"] == 1


async def test_groups_with_members(client, callers, org):
    hr = (await callers())["hr"]
    person = (
        await client.post("/api/v1/people", json={"name": "Per Holm", "side": "employer", "department_id": org.department_id, "roles": ["manager"]}, headers=hr.headers)
    ).json()
    r = await client.post(
        "/api/v1/groups",
        json={"name": "FSG Vård och omsorg", "level": "department", "department_id": org.department_id,
              "union_ids": [org.other_union_id, org.union_id], "member_ids": [person["id"]], "safety_committee": True,
              "cadence_months": 3},
        headers=hr.headers,
    )
    assert r.status_code == 201, r.text
    group = r.json()
    assert group["union_ids"] == sorted([org.union_id, org.other_union_id])
    assert group["member_ids"] == [person["id"]]
    assert group["safety_committee"] is True and group["cadence_months"] == 3

    patched = (await client.patch(f"/api/v1/groups/{group['id']}", json={"union_ids": [org.union_id]}, headers=hr.headers)).json()
    assert patched["union_ids"] == [org.union_id]
    assert patched["member_ids"] == [person["id"]]  # not named in the PATCH: unchanged

    central = await client.post("/api/v1/groups", json={"name": "CSG", "level": "central"}, headers=hr.headers)
    assert central.status_code == 201
    listed = (await client.get(f"/api/v1/groups?department_id={org.department_id}", headers=hr.headers)).json()
    assert [g["name"] for g in listed["items"]] == ["FSG Vård och omsorg"]


async def test_missing_record_is_404(client, callers):
    admin = (await callers())["admin"]
    for path in ("departments", "unions", "people", "groups"):
        r = await client.get(f"/api/v1/{path}/99999", headers=admin.headers)
        assert r.status_code == 404
        assert r.json()["status"] == 404
        r = await client.patch(f"/api/v1/{path}/99999", json={"name": "X"}, headers=admin.headers)
        assert r.status_code == 404
        r = await client.post(f"/api/v1/{path}/99999/deactivate", headers=admin.headers)
        assert r.status_code == 404
