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
ROUNDS = 6  # per writer: a matter, an event, a rename, an agenda item
EXPECTED = {"create": 201, "event": 201, "rename": 200, "item": 201}


async def _meeting(post, department_id: int, union_id: int) -> int:
    created = await post("/api/v1/meetings", {
        "kind": "negotiation", "title": "Förhandling med många punkter", "department_id": department_id,
        "union_ids": [union_id], "starts_at": "2026-11-02T09:00:00+01:00", "ends_at": "2026-11-02T10:00:00+01:00"})
    assert created.status_code == 201, created.text
    return created.json()["id"]


async def _write(post, patch, department_id: int, union_id: int, meeting_id: int, tag: str) -> list[tuple[str, int, str]]:
    """One writer's rounds; every answer as (what, status, body) for the checks."""
    answers = []
    for n in range(ROUNDS):
        created = await post("/api/v1/matters", {
            "title": f"Begäran {tag}-{n}", "kind": "contracting_out", "department_id": department_id,
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
        # Counts the meeting's items, then inserts the next number: a read, then a write.
        item = await post(f"/api/v1/meetings/{meeting_id}/agenda", {"title": f"Punkt {tag}-{n}", "matter_id": matter})
        answers.append(("item", item.status_code, item.text))
    return answers


def _check(answers: list[tuple[str, int, str]]) -> None:
    failed = [a for a in answers if a[1] >= 500 or "locked" in a[2]]
    assert not failed, f"{len(failed)} of {len(answers)} requests failed, e.g. {failed[:3]}"
    wrong = [a for a in answers if a[1] != EXPECTED[a[0]]]
    assert not wrong, f"unexpected answers: {wrong[:3]}"
    assert len(answers) == WRITERS * ROUNDS * len(EXPECTED)


async def _check_agenda(get, meeting_id: int) -> None:
    """Every item got a number of its own: the count and the insert were one step."""
    meeting = (await get(f"/api/v1/meetings/{meeting_id}")).json()
    assert sorted(item["number"] for item in meeting["agenda"]) == list(range(1, WRITERS * ROUNDS + 1))


async def test_eight_writers_through_the_test_client(client, callers, org):
    hr = (await callers())["hr"]

    async def post(path, body):
        return await client.post(path, json=body, headers=hr.headers)

    async def patch(path, body):
        return await client.patch(path, json=body, headers=hr.headers)

    meeting = await _meeting(post, org.department_id, org.union_id)
    results = await asyncio.gather(*(_write(post, patch, org.department_id, org.union_id, meeting, f"W{w}") for w in range(WRITERS)))
    _check([a for answers in results for a in answers])
    await _check_agenda(lambda path: client.get(path, headers=hr.headers), meeting)
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
            meeting = await _meeting(lambda path, body: first.post(path, json=body), department, union)
        # A client (connection) of its own per writer, as eight people would have.
        clients = [httpx.AsyncClient(base_url=server.base_url, headers=headers, timeout=60) for _ in range(WRITERS)]
        try:
            def writer(http: httpx.AsyncClient, tag: str):
                async def post(path, body):
                    return await http.post(path, json=body)

                async def patch(path, body):
                    return await http.patch(path, json=body)

                return _write(post, patch, department, union, meeting, tag)

            run = secrets.token_hex(2)
            results = await asyncio.gather(*(writer(http, f"{run}{w}") for w, http in enumerate(clients)))
            _check([a for answers in results for a in answers])
            await _check_agenda(clients[0].get, meeting)
        finally:
            for http in clients:
                await http.aclose()
        assert "database is locked" not in server.output()


async def test_the_demo_loads_beside_a_writer():
    """``samverkan demo`` (one long transaction) in a process of its own while a writer keeps
    writing through the served API (a matter, and an agenda item: a read, then a write): both get
    through, neither meets a lock error."""
    async with demo_server("samverkan_demo_writer", demo=False) as server:
        _cli(server.env, "user", "create", "skrivare@test.example", "--name", "Skrivare", "--role", "admin")
        headers = {"Authorization": f"Bearer {_token(server.env, 'skrivare@test.example')}"}
        async with httpx.AsyncClient(base_url=server.base_url, headers=headers, timeout=60) as http:
            async def post(path, body):
                return await http.post(path, json=body)

            department = await post("/api/v1/departments", {"name": "Skrivförvaltningen", "code": "SKR", "diary_prefix": "SK"})
            union = await post("/api/v1/unions", {"name": "Skrivförbundet", "federation": "Skrivförbundet", "confederation": "TCO"})
            assert department.status_code == 201 and union.status_code == 201, (department.text, union.text)
            meeting = await _meeting(post, department.json()["id"], union.json()["id"])
            demo = subprocess.Popen([sys.executable, "-m", "samverkan", "demo"], env=server.env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            answers = []
            n = 0
            while demo.poll() is None or n < 5:
                created = await post("/api/v1/matters", {"title": f"Medan demot laddas {n}", "kind": "information",
                                                         "department_id": department.json()["id"], "diary_no": f"SK DEMO-{n}"})
                item = await post(f"/api/v1/meetings/{meeting}/agenda", {"title": f"Punkt {n}"})
                answers += [(created.status_code, created.text), (item.status_code, item.text)]
                n += 1
            out, err = demo.communicate(timeout=60)
        assert demo.returncode == 0, f"samverkan demo failed beside a writer: {err[-2000:]}"
        assert "Demodata laddad" in out
        failed = [a for a in answers if a[0] != 201]
        assert not failed, f"{len(failed)} of {len(answers)} writes failed beside the demo, e.g. {failed[:3]}"
        assert "database is locked" not in server.output()
