"""The database away: the API and the pages answer 503 with ``Retry-After`` (JSON on /api, a
Swedish page elsewhere), never 500 "Internt fel", and the service recovers by itself when the
database is back (issue 14, fault 7).

The PostgreSQL test starts a throw-away cluster of its own (initdb in a temporary directory, a
free port, as the ``postgres`` user when run as root), runs a real ``samverkan serve`` with its
connection pool against it, stops the cluster and starts it again. It runs in both test runs:
the shared cluster on 5432 is never touched. The SQLite test points the engine at a file that
cannot be opened, then makes it openable.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import pwd
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import AsyncIterator

import asyncpg
import httpx
import pytest

from smtp_server import free_port
from test_browser import demo_server

PASSWORD = "databasen-borta-1"
EMAIL = "admin@away.example"


def _pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(re.search(r"/(\d+)/bin", p).group(1)))
    if not found:
        pytest.fail("PostgreSQL's server binaries (/usr/lib/postgresql/*/bin) are missing: install the postgresql package",
                    pytrace=False)
    return Path(found[-1]).parent


class Cluster:
    """A PostgreSQL cluster in a temporary directory, on a port of its own."""

    def __init__(self, root: Path) -> None:
        self.bin = _pg_bin()
        self.root = root
        self.data = root / "data"
        self.port = free_port()
        # initdb refuses to run as root: then the cluster belongs to the postgres user.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, program: str, *args: str) -> None:
        done = subprocess.run([*self.as_user, str(self.bin / program), *args], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{program} {' '.join(args)}: {done.stdout}{done.stderr}"

    def init(self) -> None:
        if self.as_user:
            user = pwd.getpwnam("postgres")
            os.chown(self.root, user.pw_uid, user.pw_gid)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "server.log"), "-w", "-t", "60", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"


@contextlib.asynccontextmanager
async def _cluster() -> AsyncIterator[Cluster]:
    cluster = Cluster(Path(tempfile.mkdtemp(prefix="samverkan-away-pg-")))
    try:
        cluster.init()
        cluster.start()
        conn = await asyncpg.connect(cluster.url("postgres"), timeout=10)
        try:
            await conn.execute("CREATE DATABASE samverkan")
        finally:
            await conn.close()
        yield cluster
    finally:
        if cluster.running():
            with contextlib.suppress(AssertionError, subprocess.TimeoutExpired):
                cluster.stop()
        shutil.rmtree(cluster.root, ignore_errors=True)


def _admin(env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "samverkan", "user", "create", EMAIL, "--name", "Alva Admin", "--role", "admin", "--password-stdin"],
        env=env, input=PASSWORD + "\n", capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    token = subprocess.run([sys.executable, "-m", "samverkan", "token", "create", EMAIL], env=env, capture_output=True,
                           text=True, timeout=120)
    assert token.returncode == 0, token.stderr
    env["TEST_TOKEN"] = token.stdout.strip().splitlines()[-1]


async def _login(http: httpx.AsyncClient) -> None:
    await http.get("/logga-in")
    response = await http.post("/logga-in", data={"email": EMAIL, "password": PASSWORD, "_csrf_token": http.cookies.get("csrftoken")})
    assert response.status_code in (302, 303), response.text


async def test_postgresql_away_gives_503_with_retry_after_and_recovers_without_restart():
    async with _cluster() as cluster, demo_server(
        "samverkan_away", demo=False, SAMVERKAN_DATABASE_URL=cluster.url("samverkan"), SAMVERKAN_COOKIE_SECURE="false",
    ) as server:
        _admin(server.env)
        api = {"Authorization": f"Bearer {server.env['TEST_TOKEN']}"}
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
            await _login(http)
            assert (await http.get("/api/v1/matters", headers=api)).status_code == 200
            assert (await http.get("/arenden")).status_code == 200

            cluster.stop()
            for _ in range(2):  # the pool's connections die with the server, then new ones are refused
                away_api = await http.get("/api/v1/matters", headers=api)
                assert away_api.status_code == 503, away_api.text
                assert away_api.headers["retry-after"].isdigit()
                assert away_api.json() == {"status": 503, "detail": "Databasen kan inte nås just nu. Försök igen om en stund."}
                away_page = await http.get("/arenden")
                assert away_page.status_code == 503, away_page.text
                assert away_page.headers["retry-after"].isdigit()
                assert "Tjänsten kan inte nå databasen just nu" in away_page.text and "Internt fel" not in away_page.text
            health = await http.get("/health")
            assert health.status_code == 503 and health.headers["retry-after"] == "5"

            cluster.start()
            deadline = time.monotonic() + 30
            while (back := await http.get("/api/v1/matters", headers=api)).status_code != 200 and time.monotonic() < deadline:
                await asyncio.sleep(0.5)
            assert back.status_code == 200, back.text
            assert (await http.get("/arenden")).status_code == 200  # the session lived in the database
            assert (await http.get("/health")).status_code == 200
            assert server.process.poll() is None, "the service restarted"
        assert "unhandled error" not in server.output()  # what errors.py logs for a 500


async def test_sqlite_file_that_cannot_be_opened_is_unreachable_until_it_can(tmp_path):
    from samverkan.database import is_unreachable
    from samverkan.sqlite_engine import PooledSQLiteEngine

    engine = PooledSQLiteEngine(path=str(tmp_path / "not-yet" / "samverkan.sqlite"), timeout=1)
    try:
        for statement in ("SELECT 1 AS one", "CREATE TABLE t (x INTEGER)"):  # a reader, the writer
            with pytest.raises(sqlite3.OperationalError) as raised:
                await engine._run_in_new_connection(statement)
            assert is_unreachable(raised.value), raised.value
        (tmp_path / "not-yet").mkdir()
        await engine._run_in_new_connection("CREATE TABLE t (x INTEGER)")
        await engine._run_in_new_connection("INSERT INTO t VALUES (1)")
        assert await engine._run_in_new_connection("SELECT x FROM t") == [{"x": 1}]
    finally:
        await engine.close()
    assert not is_unreachable(sqlite3.OperationalError("no such table: t"))
