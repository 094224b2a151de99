"""Migrations run at start; several instances starting at once migrate exactly once."""

from __future__ import annotations

import asyncio
import os
import sys

from conftest import separate_database


async def test_three_instances_migrate_a_fresh_database_at_once(tmp_path):
    async with separate_database(tmp_path, "samverkan_migrate") as env:
        procs = [
            await asyncio.create_subprocess_exec(sys.executable, "-m", "samverkan", "migrate", env=env,
                                                 stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
            for _ in range(3)
        ]
        results = [await p.communicate() for p in procs]
        for proc, (out, err) in zip(procs, results):
            assert proc.returncode == 0, err.decode()
        rows = await _migrations(env)
        assert len(rows) == len(set(rows)) >= 8, rows  # each (migration, app) recorded once
        assert {r[1] for r in rows} == {"orgs", "accounts", "matters", "meetings", "deadlines", "reminders", "feeds", "documents", "audit", "protocols", "sam", "papers", "actions", "questions", "yearplans"}


async def _migrations(env: dict) -> list[tuple[str, str]]:
    if "SAMVERKAN_DATABASE_URL" in env:
        import asyncpg

        conn = await asyncpg.connect(env["SAMVERKAN_DATABASE_URL"])
        try:
            return [tuple(r) for r in await conn.fetch("SELECT name, app_name FROM migration")]
        finally:
            await conn.close()
    import sqlite3

    with sqlite3.connect(os.path.join(env["SAMVERKAN_DATA_DIR"], "samverkan.sqlite")) as db:
        return db.execute("SELECT name, app_name FROM migration").fetchall()


async def test_migrate_is_a_no_op_when_up_to_date(settings):
    from samverkan.database import migrate

    await migrate(settings)
    await migrate(settings)
