"""Migrations run at start; several instances starting at once migrate exactly once."""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys

from conftest import TEST_DB_ENV, _admin_execute, _with_database


async def test_three_instances_migrate_a_fresh_database_at_once(tmp_path):
    env = {**os.environ, "SAMVERKAN_DATA_DIR": str(tmp_path)}
    base = os.environ.get(TEST_DB_ENV)
    name = None
    if base:
        name = f"samverkan_migrate_{secrets.token_hex(4)}"
        await _admin_execute(base, f'CREATE DATABASE "{name}"')
        env["SAMVERKAN_DATABASE_URL"] = _with_database(base, name)
    else:
        env.pop("SAMVERKAN_DATABASE_URL", None)
    try:
        procs = [
            await asyncio.create_subprocess_exec(sys.executable, "-m", "samverkan", "migrate", env=env,
                                                 stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
            for _ in range(3)
        ]
        results = [await p.communicate() for p in procs]
        for proc, (out, err) in zip(procs, results):
            assert proc.returncode == 0, err.decode()
        rows = await _migrations(env)
        names = [r[0] for r in rows]
        assert len(names) == len(set(names)) >= 3, names  # each migration recorded once
        assert {r[1] for r in rows} == {"orgs", "accounts"}
    finally:
        if name:
            await _admin_execute(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
