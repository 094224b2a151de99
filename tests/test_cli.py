"""The console command, run as a real process against the test database."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import login


def run(*args: str, input: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "samverkan", *args], input=input, capture_output=True, text=True, timeout=120,
        env={**os.environ, **(env or {})},
    )


async def test_user_create_then_login(client, org):
    result = run("user", "create", "Ny.HR@Lund.example", "--name", "Nina HR", "--role", "hr", "--password-stdin", input="ett-bra-lösenord\n")
    assert result.returncode == 0, result.stderr
    assert "ny.hr@lund.example" in result.stdout
    await login(client, "ny.hr@lund.example", "ett-bra-lösenord")
    assert (await client.get("/")).status_code == 200


async def test_user_create_for_a_union_and_a_department(client, org):
    union = run("user", "create", "vision@lund.example", "--name", "V", "--role", "union", "--union", "vision")
    assert union.returncode == 0, union.stderr
    department = run("user", "create", "vof@lund.example", "--name", "D", "--role", "department", "--department", "VOF")
    assert department.returncode == 0, department.stderr
    from samverkan.accounts.tables import User

    rows = {r["email"]: r for r in await User.select()}
    assert rows["vision@lund.example"]["trade_union"] == org.union_id
    assert rows["vof@lund.example"]["department"] == org.department_id


async def test_user_create_errors(client, org):
    missing_union = run("user", "create", "x@lund.example", "--name", "X", "--role", "union", "--union", "Finns Inte")
    assert missing_union.returncode == 1
    assert "Finns Inte" in missing_union.stderr and missing_union.stdout == ""
    no_union = run("user", "create", "x@lund.example", "--name", "X", "--role", "union")
    assert no_union.returncode == 1 and "union_id" in no_union.stderr
    short = run("user", "create", "x@lund.example", "--name", "X", "--role", "hr", "--password-stdin", input="kort\n")
    assert short.returncode == 1 and "password" in short.stderr
    assert run("user", "create", "y@lund.example", "--name", "Y", "--role", "hr").returncode == 0
    duplicate = run("user", "create", "Y@lund.example", "--name", "Y", "--role", "hr")
    assert duplicate.returncode == 1 and "redan" in duplicate.stderr
    usage = run("user", "create", "z@lund.example", "--role", "king")
    assert usage.returncode == 2


async def test_token_create_prints_the_token_last(client, org):
    assert run("user", "create", "api@lund.example", "--name", "API", "--role", "admin").returncode == 0
    result = run("token", "create", "api@lund.example", "--label", "integration")
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("svk_")
    response = await client.get("/api/v1/departments", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json()["total"] == 2
    unknown = run("token", "create", "nobody@lund.example")
    assert unknown.returncode == 1 and "nobody@lund.example" in unknown.stderr


async def test_demo_is_idempotent(client):
    first = run("demo")
    assert first.returncode == 0, first.stderr
    second = run("demo")
    assert second.returncode == 0
    counts = first.stdout.splitlines()[0]
    assert counts == second.stdout.splitlines()[0]
    assert "11 departments, 16 unions" in counts  # Transport: a 13 § MBL party (issue 16)
    assert "admin@lund.example" in first.stdout
    from samverkan.orgs import service

    committee = [g for g in (await service.list_groups()).items if g.safety_committee]
    assert [g.name for g in committee] == ["FSG Vård- och omsorgsförvaltningen"]
    kommunkontoret = (await service.list_departments(q="kommunkontoret")).items[0]
    assert kommunkontoret.diary_prefix == "KS"
    await login(client, "vision@lund.example", "samverkan-demo")
    assert (await client.get("/")).status_code == 200


def test_migrate_and_bad_settings():
    assert run("migrate").returncode == 0
    bad = run("migrate", env={"SAMVERKAN_SESSION_HOURS": "forever"})
    assert bad.returncode == 1
    assert "SAMVERKAN_SESSION_HOURS" in bad.stderr and "forever" in bad.stderr
    assert run().returncode == 2
    assert run("--help").returncode == 0


def test_serve_refuses_a_bad_number_of_workers():
    for bad in ("0", "65", "two"):
        result = run("serve", "--workers", bad)
        assert result.returncode == 2 and "--workers" in result.stderr, result.stderr
    result = run("serve", "--reload", "--workers", "2")
    assert result.returncode == 1 and "--workers 1" in result.stderr, result.stderr
