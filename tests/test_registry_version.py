"""The registers a meeting page shows are kept between requests while the registry's version
stands (orgs.registry_version): every change to a union, a person, a department or a group, by
any path, draws a new one, and the next page shows the change."""

from __future__ import annotations

import pytest

from conftest import QueryCounter, login

pytestmark = pytest.mark.usefixtures("frozen")


async def _version() -> int | None:
    from samverkan.database import engine

    rows = await engine().run_ddl("SELECT version FROM registry_version WHERE id = 1")
    return rows[0]["version"] if rows else None


@pytest.mark.parametrize("table", ["trade_union", "person", "department", "collaboration_group"])
async def test_every_change_by_sql_draws_a_new_version(table):
    """Inserted, changed and removed by hand (no service function): each changes the number."""
    from samverkan.database import engine

    seen = [await _version()]
    await engine().run_ddl(f"INSERT INTO {table} (name) VALUES ('Ny')")  # the rest by the columns' defaults
    seen.append(await _version())
    await engine().run_ddl(f"UPDATE {table} SET name = 'Nyare'")
    seen.append(await _version())
    await engine().run_ddl(f"DELETE FROM {table}")
    seen.append(await _version())
    assert None not in seen and len(set(seen)) == 4, seen


async def test_a_renamed_person_or_union_shows_on_the_next_page(client, make_caller, org):
    """Renamed through the API, then by SQL: the meeting page drawn just before kept the old names."""
    from samverkan.database import engine

    hr = await make_caller("hr")
    await login(client, hr.email, hr.password)
    person = (await client.post("/api/v1/people", json={"name": "Per Ek", "side": "employer", "department_id": org.department_id},
                                headers=hr.headers)).json()
    meeting = (await client.post("/api/v1/meetings", json={
        "kind": "samverkan", "title": "FSG", "department_id": org.department_id, "union_ids": [org.union_id],
        "starts_at": "2026-03-02T09:00:00+01:00", "ends_at": "2026-03-02T10:00:00+01:00", "chair_id": person["id"]},
        headers=hr.headers)).json()
    url = f"/moten/{meeting['id']}"
    page = (await client.get(url)).text
    assert "Per Ek" in page and "Vision" in page and "Vård- och omsorgsförvaltningen" in page

    renamed = await client.patch(f"/api/v1/people/{person['id']}", json={"name": "Per Eklund"}, headers=hr.headers)
    assert renamed.status_code == 200, renamed.text
    page = (await client.get(url)).text
    assert "Per Eklund" in page

    await engine().run_ddl(f"UPDATE trade_union SET name = 'Vision Lund' WHERE id = {org.union_id}")
    await engine().run_ddl(f"UPDATE department SET name = 'Omsorgen' WHERE id = {org.department_id}")
    page = (await client.get(url)).text
    assert "Vision Lund" in page and "Omsorgen" in page and "Vård- och omsorgsförvaltningen" not in page


async def test_the_registers_are_read_once_per_version(client, make_caller, org):
    """The second page of an unchanged registry asks for the version only; a change, for all again."""
    hr = await make_caller("hr")
    await login(client, hr.email, hr.password)
    meeting = (await client.post("/api/v1/meetings", json={
        "kind": "samverkan", "title": "FSG", "department_id": org.department_id, "union_ids": [org.union_id],
        "starts_at": "2026-03-02T09:00:00+01:00", "ends_at": "2026-03-02T10:00:00+01:00"}, headers=hr.headers)).json()

    def registers_read(counter: QueryCounter) -> bool:
        return any("FROM person" in sql and "FROM collaboration_group" in sql for sql, _ in counter.statements)

    admin = await make_caller("admin")
    reads = []
    for change in (None, None, {"name": "Vision Skåne"}, None):
        if change:
            assert (await client.patch(f"/api/v1/unions/{org.union_id}", json=change, headers=admin.headers)).status_code == 200
        with QueryCounter() as counter:
            assert (await client.get(f"/moten/{meeting['id']}")).status_code == 200
        reads.append(registers_read(counter))
    assert reads == [True, False, True, False]
