"""Several instances sweep at once and one dies mid-send: every due reminder still reaches a real
SMTP server (aiosmtpd), none is lost, and none arrives twice except the few the dead instance
had in flight, which come again with the same Message-ID so that mail clients fold them.

Three ``samverkan serve`` processes share a database of their own (a fresh PostgreSQL database
when the suite runs on PostgreSQL, else a fresh SQLite file) and each runs the scheduler. Once
they all answer /health, ``SEEDED`` open deadlines become due at once; while the reminders go
out, the instance that holds claimed, unsent messages is killed with SIGKILL. Its claimed rows
keep their lease (MAIL_LEASE_SECONDS) and are then taken over by a surviving instance.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, AsyncIterator

import httpx
import pytest

from conftest import separate_database
from samverkan.reminders.service import SEND_BATCH  # what one instance has in flight at most
from smtp_server import SmtpServer, free_port

INSTANCES = 3
SEEDED = 300  # open deadlines, one reminder each (one recipient: the HR user who created the matters)
MATTERS = 3
SMTP_DELAY = 0.01  # seconds per message at the SMTP server: a full batch takes about a second to send
LEASE_SECONDS = 10  # well above a batch's sending time, so only the killed instance's rows are taken over
KILL_AFTER = 30  # messages received before the kill
START_TIMEOUT = 60.0
DELIVERY_TIMEOUT = 60.0

SEED = r"""
import asyncio, datetime as dt, sys

from samverkan import clock, database
from samverkan.accounts import service as accounts
from samverkan.accounts.schemas import UserCreate
from samverkan.accounts.service import Viewer
from samverkan.deadlines.tables import Deadline
from samverkan.matters import service as matters
from samverkan.matters.schemas import MatterCreate
from samverkan.matters.tables import MatterEvent
from samverkan.orgs import schemas as orgs_schemas
from samverkan.orgs import service as orgs
from samverkan.settings import get_settings

clock.shift_for_tests()  # on the same day as the instances when the suite runs with the clock moved

DEADLINES, MATTERS = int(sys.argv[1]), int(sys.argv[2])


async def main():
    await database.migrate(get_settings())
    department = await orgs.create_department(orgs_schemas.DepartmentCreate(name="Kommunkontoret", code="KK", diary_prefix="KS"))
    hr = await accounts.create_user(UserCreate(email="hr@lund.example", name="Hanna HR", role="hr"))
    viewer = Viewer(user_id=hr.id, email=hr.email, name=hr.name, role="hr", department_id=None, union_id=None,
                    person_id=None, via="token")
    today = clock.today()
    due = today + dt.timedelta(days=3)  # the "week" stage has come; one reminder per deadline today
    for m in range(MATTERS):
        matter = await matters.create_matter(viewer, MatterCreate(title=f"Omorganisation {m}", kind="other",
                                                                  department_id=department.id))
        # One event per deadline: a deadline is unique per (matter, rule, trigger event, union).
        events = await MatterEvent.insert(*[
            MatterEvent(matter=matter.id, type="request_received", date=today, created_by=hr.id)
            for _ in range(DEADLINES // MATTERS)
        ]).returning(MatterEvent.id)
        # Not due yet (next_reminder_on is null): the test makes them due once every instance runs.
        await Deadline.insert(*[
            Deadline(matter=matter.id, rule_id="MBL16-MEET-LOCAL", trigger_event=e["id"], start=today,
                     unadjusted_due=due, due=due, responsible="employer", state="open", next_reminder_on=None)
            for e in events
        ])
    print(today.isoformat())


asyncio.run(main())
"""


class Database:
    """Plain SQL on the instances' database from the test process."""

    def __init__(self, env: dict[str, str]) -> None:
        self.url = env.get("SAMVERKAN_DATABASE_URL")
        self.path = Path(env["SAMVERKAN_DATA_DIR"]) / "samverkan.sqlite"
        self.conn: Any = None

    async def __aenter__(self) -> "Database":
        if self.url:
            import asyncpg

            self.conn = await asyncpg.connect(self.url, timeout=10)
        else:
            self.conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        return self

    async def __aexit__(self, *exc) -> None:
        if self.url:
            await self.conn.close()
        else:
            self.conn.close()

    async def rows(self, sql: str) -> list[tuple]:
        if self.url:
            return [tuple(r) for r in await self.conn.fetch(sql)]
        return self.conn.execute(sql).fetchall()

    async def execute(self, sql: str) -> None:
        if self.url:
            await self.conn.execute(sql)
        else:
            self.conn.execute(sql)


class Instance:
    def __init__(self, process: subprocess.Popen, port: int, log: Path) -> None:
        self.process = process
        self.port = port
        self.log = log

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-6_000:]


def _logs(instances: list[Instance]) -> str:
    return "\n".join(f"--- instance pid {i.pid} (exit {i.process.poll()}):\n{i.output()}" for i in instances)


async def _wait_until_up(instances: list[Instance]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    waiting = list(instances)
    async with httpx.AsyncClient(timeout=2) as http:
        while waiting and time.monotonic() < deadline:
            for instance in list(waiting):
                if instance.process.poll() is not None:
                    pytest.fail(f"an instance exited at start:\n{_logs(instances)}", pytrace=False)
                # Only our process says it runs on our port: a stranger on a reused port does not count.
                if f"running on http://127.0.0.1:{instance.port}" in instance.output():
                    with contextlib.suppress(httpx.HTTPError):
                        if (await http.get(f"http://127.0.0.1:{instance.port}/health")).status_code == 200:
                            waiting.remove(instance)
            await asyncio.sleep(0.2)
    if waiting:
        pytest.fail(f"instances did not answer /health within {START_TIMEOUT:.0f}s:\n{_logs(instances)}", pytrace=False)


@contextlib.asynccontextmanager
async def _instances(env: dict[str, str], workdir: Path, count: int) -> AsyncIterator[list[Instance]]:
    instances: list[Instance] = []
    try:
        for n in range(count):
            port = free_port()
            log = workdir / f"instance-{n}.log"
            with open(log, "wb") as out:
                process = subprocess.Popen(
                    [sys.executable, "-m", "samverkan", "serve", "--host", "127.0.0.1", "--port", str(port)],
                    env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                )
            instances.append(Instance(process, port, log))
        await _wait_until_up(instances)
        yield instances
    finally:
        for instance in instances:
            if instance.process.poll() is None:
                instance.process.terminate()
        for instance in instances:
            try:
                instance.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                instance.process.kill()
                instance.process.wait(timeout=15)


async def test_three_instances_one_killed_deliver_every_reminder_once(tmp_path):
    async with separate_database(tmp_path, "samverkan_sweep") as env:
        env.update(
            SAMVERKAN_SECRET_KEY=secrets.token_urlsafe(48),
            SAMVERKAN_LOG_LEVEL="INFO",  # uvicorn announces the bound port; sweeps log what they did
            SAMVERKAN_SCHEDULER="true",
            SAMVERKAN_SWEEP_SECONDS="5",
            SAMVERKAN_MAIL_LEASE_SECONDS=str(LEASE_SECONDS),
            SAMVERKAN_BASE_URL="https://samverkan.lund.example",
        )
        seed = subprocess.run([sys.executable, "-c", SEED, str(SEEDED), str(MATTERS)], env=env,
                              capture_output=True, text=True, timeout=60)
        assert seed.returncode == 0, seed.stderr
        today = dt.date.fromisoformat(seed.stdout.strip().splitlines()[-1])

        with SmtpServer() as smtp:
            smtp.recorder.delay_seconds = SMTP_DELAY
            env.update(smtp.env())
            async with Database(env) as db, _instances(env, tmp_path, INSTANCES) as instances:
                by_pid = {i.pid: i for i in instances}
                # Every instance ticks; now the deadlines fall due for all of them at once.
                await db.execute(f"UPDATE deadline SET next_reminder_on = '{today.isoformat()}' WHERE state = 'open'")

                victim, in_flight = await _kill_one_mid_send(db, smtp, by_pid, instances)
                assert victim.process.returncode == -signal.SIGKILL
                assert in_flight, "the killed instance had no message in flight"
                held = len(in_flight)
                assert held <= SEND_BATCH, f"the killed instance held {held} messages at once; a claim takes at most {SEND_BATCH}"

                outbox = await _wait_until_all_sent(db, instances)
                received = await _quiet(smtp)

        ids = [str(m["Message-ID"]).strip() for m in received]
        counts = collections.Counter(ids)
        expected = {message_id for message_id, _, _ in outbox}
        reminders = [row for row in outbox if row[2] == "reminder"]
        assert len(reminders) == SEEDED // MATTERS * MATTERS, "one reminder per due deadline"
        assert len(expected) == len(outbox), "every outbox message has a Message-ID of its own"

        lost = expected - set(counts)
        assert not lost, f"{len(lost)} messages never arrived: {sorted(lost)[:5]}"
        assert set(counts) <= expected, "the server received mail the outbox does not hold"

        twice = {message_id: n for message_id, n in counts.items() if n > 1}
        assert all(n == 2 for n in twice.values()), (
            f"{sum(n > 2 for n in twice.values())} messages arrived more than twice, {len(twice)} more than once "
            f"({len(in_flight)} were in flight in the killed instance), e.g. {sorted(twice.items())[:3]}")
        assert set(twice) <= in_flight, (
            f"sent twice but not in flight in the killed instance: {sorted(set(twice) - in_flight)[:5]}")
        assert len(twice) <= SEND_BATCH
        # A repeat is the same message: same recipient and subject under the same Message-ID.
        for message_id in twice:
            copies = [m for m in received if str(m["Message-ID"]).strip() == message_id]
            assert len({(str(m["To"]), str(m["Subject"])) for m in copies}) == 1

        # The work was shared: the killed instance was sending when it died, and what it held was
        # then taken over (reclaimed after its lease) and sent by a surviving instance.
        survivors = {f":{i.pid}" for i in instances if i is not victim}
        taken_over = {message_id: claimed_by for message_id, claimed_by, _ in outbox if message_id in in_flight}
        assert all(claimed_by[claimed_by.rfind(":"):] in survivors for claimed_by in taken_over.values()), taken_over
        print(f"\nkilled pid {victim.pid}; {len(received)} received, {len(expected)} distinct; {len(in_flight)} in flight in the killed "
              f"instance, {len(twice)} of them repeated; senders: {collections.Counter(c for _, c, _ in outbox)}")


async def _kill_one_mid_send(db: Database, smtp: SmtpServer, by_pid: dict[int, Instance],
                             instances: list[Instance]) -> tuple[Instance, set[str]]:
    """SIGKILL an instance while it holds claimed messages it has not marked sent; return it and
    what it held (exactly: nothing else changes its rows until their lease runs out)."""
    deadline = time.monotonic() + DELIVERY_TIMEOUT
    while time.monotonic() < deadline:
        if len(smtp.recorder.messages) >= KILL_AFTER:
            sending = await db.rows("SELECT DISTINCT claimed_by FROM outbox_message WHERE state = 'sending'")
            pids = [int(c.rsplit(":", 1)[1]) for (c,) in sending if c.rsplit(":", 1)[-1].isdigit()]
            mine = [pid for pid in pids if pid in by_pid]
            if mine:
                victim = by_pid[mine[0]]
                os.kill(victim.pid, signal.SIGKILL)
                victim.process.wait(timeout=10)
                rows = await db.rows(
                    "SELECT message_id, claimed_by FROM outbox_message WHERE state = 'sending'")
                held = {message_id for message_id, claimed_by in rows if claimed_by.endswith(f":{victim.pid}")}
                return victim, held
        await asyncio.sleep(0.02)
    pytest.fail(f"no instance was seen sending ({len(smtp.recorder.messages)} received):\n{_logs(instances)}", pytrace=False)


async def _wait_until_all_sent(db: Database, instances: list[Instance]) -> list[tuple[str, str, str]]:
    deadline = time.monotonic() + DELIVERY_TIMEOUT
    while time.monotonic() < deadline:
        states = dict(await db.rows("SELECT state, COUNT(*) FROM outbox_message GROUP BY state"))
        if states and set(states) == {"sent"}:
            return await db.rows("SELECT message_id, claimed_by, kind FROM outbox_message")
        await asyncio.sleep(0.25)
    errors = await db.rows("SELECT state, attempts, last_error FROM outbox_message WHERE state <> 'sent' LIMIT 5")
    pytest.fail(f"not everything was sent within {DELIVERY_TIMEOUT:.0f}s: {states}, e.g. {errors}\n{_logs(instances)}",
                pytrace=False)


async def _quiet(smtp: SmtpServer, seconds: float = 1.5) -> list:
    """What the server received, once nothing more has come for a moment (a late repeat counts)."""
    count = -1
    while count != len(smtp.recorder.messages):
        count = len(smtp.recorder.messages)
        await asyncio.sleep(seconds)
    with smtp.recorder.lock:
        return list(smtp.recorder.messages)
