"""Eight writers at once get no 500 and no ``database is locked``, on both engines (issue 14,
fault 5): in-process through the test client, and against a real ``samverkan serve`` process
with eight HTTP clients. And ``samverkan demo`` loads beside a writer.

Piccolo's stock SQLite engine began transactions DEFERRED: a request that read, then wrote, could
not upgrade its lock when another had written meanwhile and failed at once (69 of 237 requests
with six writers). Each writer here runs that shape (create a matter, add an event that plans
deadlines, rename the matter: reads then writes in one transaction) in a loop. Diary numbers are
given explicitly: automatic ones are another matter (a counter row, not this engine).
"""

from __future__ import annotations

import asyncio
import secrets
import subprocess
import sys

import httpx

from test_browser import demo_server

WRITERS = 8
ROUNDS = 6  # per writer: a matter, an event, a rename


async def _write_matters(post, patch, department_id: int, union_id: int, tag: str) -> list[tuple[str, int, str]]:
    """One writer's rounds; every answer as (what, status, body) for the checks."""
    answers = []
    for n in range(ROUNDS):
        created = await post("/api/v1/matters", {
            "title": f"Begäran {tag}-{n}", "kind": "negotiation_on_request", "department_id": department_id,
            "union_ids": [union_id], "diary_no": f"SKRIV {tag}-{n}"})
        answers.append(("create", created.status_code, created.text))
        if created.status_code != 201:
            continue
        matter = created.json()["id"]
        event = await post(f"/api/v1/matters/{matter}/events",
                           {"type": "request_received", "date": "2026-11-02", "union_id": union_id})
        answers.append(("event", event.status_code, event.text))
        renamed = await patch(f"/api/v1/matters/{matter}", {"title": f"Begäran {tag}-{n} (ändrad)"})
        answers.append(("rename", renamed.status_code, renamed.text))
    return answers


def _check(answers: list[tuple[str, int, str]]) -> None:
    failed = [a for a in answers if a[1] >= 500 or "locked" in a[2]]
    assert not failed, f"{len(failed)} of {len(answers)} requests failed, e.g. {failed[:3]}"
    wrong = [a for a in answers if a[1] != {"create": 201, "event": 201, "rename": 200}[a[0]]]
    assert not wrong, f"unexpected answers: {wrong[:3]}"
    assert len(answers) == WRITERS * ROUNDS * 3


async def test_eight_writers_through_the_test_client(client, callers, org):
    hr = (await callers())["hr"]

    async def post(path, body):
        return await client.post(path, json=body, headers=hr.headers)

    async def patch(path, body):
        return await client.patch(path, json=body, headers=hr.headers)

    results = await asyncio.gather(*(_write_matters(post, patch, org.department_id, org.union_id, f"W{w}") for w in range(WRITERS)))
    _check([a for answers in results for a in answers])
    listed = await client.get("/api/v1/matters?limit=100", headers=hr.headers)
    assert sorted(m["diary_no"] for m in listed.json()["items"]) == sorted(
        f"SKRIV W{w}-{n}" for w in range(WRITERS) for n in range(ROUNDS))


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "samverkan", *args], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"samverkan {' '.join(args)}: {done.stderr}"
    return done.stdout


def _token(env: dict[str, str], email: str) -> str:
    return _cli(env, "token", "create", email).strip().splitlines()[-1]


async def _ids(http: httpx.AsyncClient) -> tuple[int, int]:
    department = (await http.get("/api/v1/departments")).json()["items"][0]["id"]
    union = (await http.get("/api/v1/unions")).json()["items"][0]["id"]
    return department, union


async def test_eight_http_clients_against_a_served_process():
    async with demo_server("samverkan_writers") as server:
        headers = {"Authorization": f"Bearer {_token(server.env, 'hr@lund.example')}"}
        async with httpx.AsyncClient(base_url=server.base_url, headers=headers, timeout=60) as first:
            department, union = await _ids(first)
        # A client (connection) of its own per writer, as eight people would have.
        clients = [httpx.AsyncClient(base_url=server.base_url, headers=headers, timeout=60) for _ in range(WRITERS)]
        try:
            def writer(http: httpx.AsyncClient, tag: str):
                async def post(path, body):
                    return await http.post(path, json=body)

                async def patch(path, body):
                    return await http.patch(path, json=body)

                return _write_matters(post, patch, department, union, tag)

            run = secrets.token_hex(2)
            results = await asyncio.gather(*(writer(http, f"{run}{w}") for w, http in enumerate(clients)))
        finally:
            for http in clients:
                await http.aclose()
        _check([a for answers in results for a in answers])
        assert "database is locked" not in server.output()


async def test_the_demo_loads_beside_a_writer():
    """``samverkan demo`` (one long transaction) in a process of its own while a writer keeps
    creating matters through the served API: both get through, neither meets a lock error."""
    async with demo_server("samverkan_demo_writer", demo=False) as server:
        _cli(server.env, "user", "create", "skrivare@test.example", "--name", "Skrivare", "--role", "admin")
        headers = {"Authorization": f"Bearer {_token(server.env, 'skrivare@test.example')}"}
        async with httpx.AsyncClient(base_url=server.base_url, headers=headers, timeout=60) as http:
            department = await http.post("/api/v1/departments", json={"name": "Skrivförvaltningen", "code": "SKR", "diary_prefix": "SK"})
            assert department.status_code == 201, department.text
            demo = subprocess.Popen([sys.executable, "-m", "samverkan", "demo"], env=server.env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            answers = []
            n = 0
            while demo.poll() is None or n < 5:
                created = await http.post("/api/v1/matters", json={
                    "title": f"Medan demot laddas {n}", "kind": "information", "department_id": department.json()["id"],
                    "diary_no": f"SK DEMO-{n}"})
                answers.append((created.status_code, created.text))
                n += 1
            out, err = demo.communicate(timeout=60)
        assert demo.returncode == 0, f"samverkan demo failed beside a writer: {err[-2000:]}"
        assert "Demodata laddad" in out
        failed = [a for a in answers if a[0] != 201]
        assert not failed, f"{len(failed)} of {len(answers)} writes failed beside the demo, e.g. {failed[:3]}"
        assert "database is locked" not in server.output()
