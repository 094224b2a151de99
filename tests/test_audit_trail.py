"""The audit trail: changes recorded with who, what, before and after; only administrators read
it (API, page, CSV); and `samverkan audit verify` finds a row changed or removed in the database."""

from __future__ import annotations

from conftest import login
from test_cli import run


async def test_changes_are_recorded_and_only_administrators_read_them(client, callers, org):
    staff = await callers()
    hr, admin = staff["hr"], staff["admin"]
    matter = (await client.post("/api/v1/matters", json={"title": "Ny organisation", "kind": "primary_negotiation",
                                                          "department_id": org.department_id, "union_ids": [org.union_id]},
                                headers=hr.headers)).json()
    changed = await client.patch(f"/api/v1/matters/{matter['id']}", json={"title": "Ny organisation 2027"}, headers=hr.headers)
    assert changed.status_code == 200
    entries = (await client.get(f"/api/v1/audit?entity=matter&entity_id={matter['id']}", headers=admin.headers)).json()
    assert [e["action"] for e in entries["items"]] == ["update", "create"]
    update = entries["items"][0]
    assert update["actor_id"] == hr.user_id and update["actor_name"] == "Test hr"
    assert update["before"]["title"] == "Ny organisation" and update["after"]["title"] == "Ny organisation 2027"
    assert (await client.get("/api/v1/audit", headers=hr.headers)).status_code == 403

    await login(client, admin.email, admin.password)
    page = await client.get("/logg?typ=matter")
    assert page.status_code == 200 and "Ny organisation 2027" in page.text
    exported = await client.get("/logg.csv?typ=matter")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = exported.content.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("id;tid;vem") and len(rows) == 3 and "Ny organisation 2027" in rows[1]


async def test_verify_names_the_first_changed_or_removed_entry(client, callers, org):
    from samverkan.audit.tables import AuditEntry
    from samverkan.database import engine

    staff = await callers()
    for title in ("A", "B", "C"):
        r = await client.post("/api/v1/matters", json={"title": title, "kind": "other", "department_id": org.department_id},
                              headers=staff["hr"].headers)
        assert r.status_code == 201
    ids = [r["id"] for r in await AuditEntry.select(AuditEntry.id).order_by(AuditEntry.id)]
    whole = run("audit", "verify")
    assert whole.returncode == 0 and f"{len(ids)} poster stämmer" in whole.stdout, whole.stderr

    # Someone with database access rewrites history: the entry itself no longer matches its hash.
    target = ids[-2]
    await engine().run_ddl(f"UPDATE audit_entry SET actor_name = 'Någon annan' WHERE id = {target}")
    changed = run("audit", "verify")
    assert changed.returncode == 1 and f"post {target}" in changed.stderr and "ändrats" in changed.stderr

    # A removed entry: the one after it no longer follows the one before.
    await engine().run_ddl(f"DELETE FROM audit_entry WHERE id = {target}")
    removed = run("audit", "verify")
    assert removed.returncode == 1 and f"post {ids[-1]}" in removed.stderr and "saknas" in removed.stderr
