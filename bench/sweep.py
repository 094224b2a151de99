"""How long does the reminder sweep take with 200,000 open deadlines, and does it grow with what is due?

    python bench/sweep.py --engine postgres [--deadlines 200000] [--small 20000] [--repeat 7] [--check]

The requirement: with 200,000 open deadlines of which 1 % are due, a sweep on PostgreSQL takes
under 1 s, and its time grows with the due reminders, not with all deadlines (an index finds the
due ones). This script shows both, beside a floor measured in the same run.

What it does
------------
1. Makes a fresh PostgreSQL database ``samverkan_bench_…`` next to ``--pg-url`` (default
   postgresql://postgres@127.0.0.1:5432/test). The ``SAMVERKAN_*`` variables are set before
   ``samverkan`` is imported (the settings are read when ``samverkan.piccolo_conf`` is imported);
   ``SAMVERKAN_SCHEDULER=false``, so only the script sweeps.
2. Runs the service's own start-up (``app.lifespan()``: migrations, then the pool on this loop) and
   seeds, with COPY in one transaction per step:
   * a registry: 3 departments, 3 unions (with addresses), an HR contact per department (the
     escalation goes to them), one HR user, 2 department users per department (the first creates
     the department's matters), one union user per union;
   * ``--small`` / 10 matters, each with 1–2 union parties, one ``matter_event`` (the trigger every
     deadline needs) and 10 open deadlines (10 different rules of the catalogue, responsible
     employer / union / claimant). Exactly 1 % of them are "due": due from yesterday to a week
     ahead, so ``planning.first_look`` puts their ``next_reminder_on`` at today and every one of
     them has a stage to send (week, day_before, due or – yesterday's – overdue, an escalation).
     The others are due 8 days to 2 years ahead, ``next_reminder_on`` = ``first_look`` = due − 7 days;
   * an outbox history of ``--history`` sent messages (a year of reminders already out): the
     outbox is not empty in a service that has run for a while, and the claim's partial index
     (``outbox_state`` on (state, id)) must keep the history out of the way;
   * ``VACUUM (ANALYZE)`` and ``CHECKPOINT`` (this server may run without autovacuum; statistics as
     a running database would have them).
   Then it measures (step 3), adds matters until there are ``--deadlines`` deadlines (1 % of the
   new ones due, too), vacuums and measures again.
3. A measurement ("scenario") is ``--repeat`` sweeps after one unmeasured warm-up. Before every
   sweep the state is reset, outside the timing, so each sweep does exactly the same work: the
   planned outbox rows are deleted (the history stays), the due deadlines of the
   scenario get ``next_reminder_on`` = today again, the other due-set deadlines of the database get
   tomorrow (as after today's sweep), ``sweep_state.digests_on`` is set to tomorrow (the daily digest
   is not what is measured), and the three tables are vacuumed (no dead rows pile up over the
   repetitions). The sweep is ``reminders.service.sweep(settings, mailer, now)``, the function the
   scheduler and ``samverkan sweep --once`` call, with a Mailer that sends nothing and reports every
   message as sent: the figures are the database work and the service's Python, not SMTP.
   Scenarios:
   * ``20k / 200 due``    – the small database, all of its due deadlines;
   * ``200k / 2,000 due`` – the large database, all of its due deadlines (1 %);
   * ``200k / 200 due``   – the large database, the same 200 due deadlines as at 20k (the other
     1,800 are due tomorrow): the same work among ten times as many deadlines.
   The two 200k scenarios are measured in alternation, so background load hits both alike.
4. Baselines, measured in the same run, in the same alternation as the sweeps:
   * "floor": the same reads and writes done by hand in 5 statements on one asyncpg connection –
     SELECT the due deadlines, COPY the outbox rows the sweep made (captured
     from a sweep of the scenario), UPDATE their deadlines' ``next_reminder_on``, UPDATE the outbox
     rows to sent. The least this work costs the database on this machine, whatever the code.
   * "SELECT 1 x statements": the round trip of ``SELECT 1`` through the service's engine (pool
     checkout + round trip), p50, times the statements the sweep sends: what its number of
     statements costs at least.
5. Captures the SQL the sweep really sends (the engine's ``run_querystring`` is wrapped, as in
   ``bench/matters_meetings.py``), and replays one whole sweep of each scenario statement by
   statement with ``EXPLAIN (ANALYZE, BUFFERS)`` in a transaction that is rolled back – so every
   statement is explained in the state it met in the sweep (the claim after the planning inserted
   the rows, the last due-deadline SELECT after the others moved their rows on, …). The reset
   restarts the outbox ids, so the replayed statements refer to the rows the replay made. Also
   explains the first due-deadline SELECT once more with index scans switched off, to show what
   the index saves. A statement whose exact text the sweep sends 6 times or more is also run the
   way the service's connections run it then: asyncpg prepares every statement on each pooled
   connection, and from the 6th execution PostgreSQL's plan cache may use a generic plan that does
   not see the values; the replay PREPAREs a copy, EXECUTEs it 5 times and explains the 6th (all in
   savepoints rolled back). ``--profile`` adds a cProfile of one large sweep (its Python only).
6. Drops the database (``--keep`` keeps it, for a look with psql).

How to read the output
----------------------
* The table: "deadlines" open deadlines in the database, "due" those the sweep finds,
  "planned" outbox rows it planned (one per recipient; all are then sent), "stmts" SQL statements of
  one sweep (plan + deliver); "sweep" p50 and min of the whole sweep in ms, "plan"/"deliver" p50 of
  its two parts (the daily digest, skipped, is the rest); "ms/due" sweep p50 per due deadline;
  "floor" p50 of the 5-statement baseline and "x floor" the sweep's multiple of it; "sel1xN" the
  SELECT 1 floor times the statements. The raw samples follow, to judge the noise.
* "Growth": the ratios of the p50 sweep times. 200k / 2,000 due over 20k / 200 due should be about
  10 (ten times the due work); 200k / 200 due over 20k / 200 due about 1 (ten times the deadlines,
  the same due work). Beside them the same ratio of the floor, of the statement counts, and of the
  table rows all statements of one sweep read according to EXPLAIN ANALYZE – counts that do not
  depend on the machine's noise: a sweep that reads rows in proportion to all deadlines shows it
  there even when Python hides it in the times.
* "Per statement shape": for each scenario, each statement shape of one sweep: how often it ran,
  its execution time and the table rows its scans went through (rows returned + rows a filter threw
  away, times loops), and the scans used. Compare the three scenarios line by line.
* "Statements … as the service saw them": the same for the 200k / 2,000-due sweep, timed around
  ``run_querystring`` in the service: execution + round trip + Piccolo compiling the query and
  asyncpg encoding its parameters. The difference to the EXPLAIN execution times is client time.
* "Plan cache": for each statement text sent 6+ times, the 6th execution with the values
  planned in (custom, what EXPLAIN shows) and with the plan cache's generic plan, in ms. A generic
  plan that is much slower, or scans a big table, is what the service really gets from then on; the
  plan is printed below the list.
* "Query plans": the first plan of each shape in the 200k / 2,000-due sweep, and "index use".
  Look for ``deadline_next_reminder`` (Index Scan or Bitmap Index Scan) on the due-deadline SELECT –
  neither ``Seq Scan on deadline`` nor an ``Index Scan using deadline_pkey`` that walks the whole
  table filtering rows – and for an index (``outbox_state``) on the claim. Long IN
  lists are cut short. FK trigger times on replayed UPDATEs of rows inserted earlier in the replay
  are an artefact of the single transaction (PostgreSQL skips the check in the real, autocommitted
  sweep).
* "Target": the 200k / 2,000-due sweep p50 must be under 1 s; the due-deadline SELECT must find
  its rows through ``deadline_next_reminder`` and the claim through an index (also in the generic
  plan the service's connections use from the 6th execution); and 200k / 200 due
  over 20k / 200 due must stay under 2, both in p50 time (a generous bound for a noisy machine)
  and in rows read (a sweep that read all deadlines would be near 10). ``--check`` makes a missed
  target exit with status 2. Any error (a failed seed, migration or sweep, a sweep that plans less
  than one message per due deadline or does not send what it planned) exits with status 1.

Absolute figures depend on the machine (a VM's fsync and round trips cost more than bare metal;
the sweep commits every statement on its own). The ratios, the statement counts and the plans
are what carry over.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import os
import random
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
TARGET_S = 1.0
MAX_EQUAL_DUE_RATIO = 2.0
PER_MATTER = 10  # deadlines per matter (one trigger event each matter, ten rules)
DUE_SHARE = 0.01
BIG_TABLES = {"deadline", "outbox_message", "matter", "matter_party", "matter_event"}


# --- arguments and environment ------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--engine", choices=("postgres",), required=True,
                   help="postgres only: the requirement is for PostgreSQL (COPY, EXPLAIN ANALYZE, partial indexes)")
    p.add_argument("--deadlines", type=int, default=200_000, help="open deadlines in the large database")
    p.add_argument("--small", type=int, default=20_000, help="open deadlines in the small database (measured first)")
    p.add_argument("--history", type=int, default=100_000, help="sent messages already in the outbox")
    p.add_argument("--repeat", type=int, default=7, help="measured sweeps per scenario")
    p.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL),
                   help="an existing PostgreSQL database to connect to for CREATE/DROP DATABASE")
    p.add_argument("--pool-size", type=int, default=10, help="SAMVERKAN_DB_POOL_SIZE")
    p.add_argument("--seed", type=int, default=1, help="random seed of the generated data")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards (its name is printed)")
    p.add_argument("--check", action="store_true", help="exit 2 when the target is missed")
    p.add_argument("--profile", action="store_true",
                   help="also profile one large sweep with cProfile and print the functions that took the most time")
    args = p.parse_args(argv)
    if args.small < 1000 or args.deadlines <= args.small or args.small % PER_MATTER or args.deadlines % PER_MATTER:
        p.error(f"--small must be at least 1000, --deadlines larger, both multiples of {PER_MATTER}")
    if args.repeat < 3 or args.history < 0:
        p.error("--repeat must be at least 3, --history not negative")
    return args


@dataclass
class Target:
    admin_url: str
    name: str
    url: str
    data_dir: str


def prepare_target(args: argparse.Namespace) -> Target:
    """Choose names and set the SAMVERKAN_* variables; nothing of samverkan is imported yet."""
    name = f"samverkan_bench_sweep_{os.getpid()}_{secrets.token_hex(3)}"
    url = urlunsplit(urlsplit(args.pg_url)._replace(path=f"/{name}"))
    data_dir = tempfile.mkdtemp(prefix="samverkan_bench_sweep_")
    for key in [k for k in os.environ if k.startswith("SAMVERKAN_")]:
        del os.environ[key]  # an unknown or stray setting must not leak into the run
    os.environ.update({
        "SAMVERKAN_DATA_DIR": data_dir,
        "SAMVERKAN_SECRET_KEY": secrets.token_urlsafe(48),
        "SAMVERKAN_LOG_LEVEL": "WARNING",
        "SAMVERKAN_DATABASE_URL": url,
        "SAMVERKAN_DB_POOL_SIZE": str(args.pool_size),
        "SAMVERKAN_SCHEDULER": "false",  # only the script sweeps
        "SAMVERKAN_BASE_URL": "https://samverkan.example.se",
    })
    return Target(args.pg_url, name, url, data_dir)


async def _admin_execute(url: str, sql: str) -> Any:
    import asyncpg

    conn = await asyncpg.connect(url, timeout=10)
    try:
        return await conn.fetchval(sql)
    finally:
        await conn.close()


# --- the data --------------------------------------------------------------------


@dataclass
class Registry:
    departments: list[int]
    unions: list[int]
    creator: dict[int, int]  # department -> the user who creates its matters


async def seed_registry() -> Registry:
    """Three departments and unions, HR contacts and a handful of users with e-mail addresses,
    through the service's own tables (so every column gets the service's default)."""
    from samverkan.accounts.tables import User
    from samverkan.orgs.tables import Department, Person, TradeUnion

    departments, unions, creator = [], [], {}
    for i, code in enumerate(("BA", "BB", "BC"), 1):
        row = (await Department.insert(Department(name=f"Bänkförvaltning {code}", code=code, diary_prefix=code))
               .returning(Department.id))[0]
        departments.append(row["id"])
        await Person.insert(Person(name=f"HR-kontakt {code}", email=f"hr-{code.lower()}@bench.example", side="employer",
                                   department=row["id"], is_hr=True))
    for name in ("Kommunal", "Vision", "Sveriges Lärare"):
        row = (await TradeUnion.insert(TradeUnion(name=name, email=f"{name.split()[0].lower()}@union.bench.example"))
               .returning(TradeUnion.id))[0]
        unions.append(row["id"])
    await User.insert(User(email="hr@bench.example", name="HR Bänk", role="hr"))
    for d, code in zip(departments, ("ba", "bb", "bc")):
        for n in (1, 2):
            row = (await User.insert(User(email=f"chef{n}-{code}@bench.example", name=f"Chef {n} {code.upper()}",
                                          role="department", department=d)).returning(User.id))[0]
            creator.setdefault(d, row["id"])
    for u in unions:
        await User.insert(User(email=f"ombud-{u}@union.bench.example", name=f"Ombud {u}", role="union", trade_union=u))
    return Registry(departments, unions, creator)


@dataclass
class TableRows:
    name: str
    columns: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)


@dataclass
class Ids:
    """The next free id of each table the generator writes (COPY sets ids; sequences follow)."""

    matter: int = 1
    matter_party: int = 1
    matter_event: int = 1
    deadline: int = 1


RESPONSIBLE = ("employer",) * 5 + ("union",) * 4 + ("claimant",)


def generate(reg: Registry, n_deadlines: int, rng: random.Random, today: dt.date, ids: Ids,
             rule_ids: list[str]) -> tuple[list[TableRows], list[int], list[int]]:
    """Matters with parties, a trigger event and 10 open deadlines each; exactly DUE_SHARE of the
    deadlines due (next_reminder_on <= today). Returns the tables, the due ids, the other ids."""
    from samverkan.pagination import folded
    from samverkan.reminders.planning import first_look

    matters = TableRows("matter", ("id", "diary_no", "diary_year", "diary_serial", "title", "description", "kind",
                                   "department", "personal_data", "status", "decision_allowed", "hold_reason",
                                   "version", "search_text", "created_by", "created_at", "updated_at"))
    parties = TableRows("matter_party", ("id", "matter", "trade_union", "state"))
    events = TableRows("matter_event", ("id", "matter", "type", "date", "time", "trade_union", "outcome", "note",
                                        "agenda_item_id", "deleted_at", "created_by", "created_at", "updated_at"))
    deadlines = TableRows("deadline", ("id", "matter", "rule_id", "trigger_event", "trade_union", "start",
                                       "unadjusted_due", "due", "reason", "responsible", "state", "next_reminder_on",
                                       "created_at", "updated_at"))
    due_positions = set(rng.sample(range(n_deadlines), round(n_deadlines * DUE_SHARE)))
    due_ids, other_ids = [], []
    stamp = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    for m in range(n_deadlines // PER_MATTER):
        matter_id, event_id = ids.matter, ids.matter_event
        ids.matter += 1
        ids.matter_event += 1
        department = rng.choice(reg.departments)
        diary_no = f"BENCH {today.year}/{matter_id:06d}"
        title = f"Förhandling om omorganisation, enhet {matter_id}"
        matters.rows.append((matter_id, diary_no, today.year, matter_id, title, "Underlag för bänkprov.",
                             "primary_negotiation", department, rng.random() < 0.03, "open", True, "", 1,
                             folded(diary_no, title), reg.creator[department], stamp, stamp))
        matter_unions = sorted(rng.sample(reg.unions, rng.choice((1, 2))))
        for union in matter_unions:
            parties.rows.append((ids.matter_party, matter_id, union, "open"))
            ids.matter_party += 1
        trigger_day = today - dt.timedelta(days=rng.randint(1, 60))
        events.rows.append((event_id, matter_id, "request_received", trigger_day, None, None, None, "Underlag inkom.",
                            None, None, None, stamp, stamp))
        for k in range(PER_MATTER):
            position = m * PER_MATTER + k
            due = today + dt.timedelta(days=rng.randint(-1, 7) if position in due_positions else rng.randint(8, 730))
            look = first_look(due, today)
            responsible = rng.choice(RESPONSIBLE)
            union = rng.choice(matter_unions) if responsible == "union" and rng.random() < 0.5 else None
            deadlines.rows.append((ids.deadline, matter_id, rule_ids[k], event_id, union, trigger_day, due, due, "",
                                   responsible, "open", look, stamp, stamp))
            (due_ids if look <= today else other_ids).append(ids.deadline)
            ids.deadline += 1
    return [matters, parties, events, deadlines], due_ids, other_ids


def generate_history(n: int, deadline_ids: list[int], rng: random.Random) -> TableRows:
    """Sent messages of the past year, as the sweep leaves them (state sent, no lease)."""
    history = TableRows("outbox_message", ("key", "kind", "deadline", "to_address", "subject", "body", "message_id",
                                           "state", "attempts", "next_attempt_at", "sent_at", "created_at"))
    body = ("Hej,\n\nOm en vecka går en frist ut i ärende BENCH. Frist: Förhandlingssammanträde inom två veckor. "
            "Grund: 16 § 2 st. MBL. Ansvarig: arbetsgivaren.\n\nÄrendet: https://samverkan.example.se/arenden/1\n") * 2
    now = dt.datetime.now(dt.timezone.utc)
    for i in range(n):
        at = now - dt.timedelta(seconds=rng.randint(86_400, 365 * 86_400))
        history.rows.append((f"h:{i}", "reminder", rng.choice(deadline_ids), f"chef{i % 7}@bench.example",
                             "Frist om en vecka: Förhandlingssammanträde inom två veckor (BENCH)", body,
                             f"<h{i}@samverkan.example.se>", "sent", 1, at, at, at))
    return history


async def copy_tables(conn, tables: list[TableRows]) -> None:
    async with conn.transaction():
        for t in tables:
            await conn.copy_records_to_table(t.name, records=t.rows, columns=list(t.columns))
    for t in tables:
        await conn.execute(f"SELECT setval(pg_get_serial_sequence('\"{t.name}\"', 'id'), (SELECT max(id) FROM \"{t.name}\"))")


async def vacuum_analyze(target: Target) -> float:
    t0 = time.perf_counter()
    await _admin_execute(target.url, "VACUUM (ANALYZE)")
    await _admin_execute(target.url, "CHECKPOINT")  # so the checkpointer is not busy while we measure
    return time.perf_counter() - t0


# --- measuring ---------------------------------------------------------------------


class QueryRecorder:
    """Records the statements the service sends, with their time, by wrapping the engine class's
    run_querystring for the duration of the block (Piccolo engines have __slots__)."""

    def __init__(self) -> None:
        self.statements: list[tuple[Any, float]] = []

    def __enter__(self) -> "QueryRecorder":
        from samverkan.database import engine

        self._cls = type(engine())
        self._original = original = self._cls.run_querystring
        recorded = self.statements

        async def recording(engine_self, querystring, *args, **kwargs):
            t0 = time.perf_counter()
            try:
                return await original(engine_self, querystring, *args, **kwargs)
            finally:
                recorded.append((querystring, (time.perf_counter() - t0) * 1000))

        self._cls.run_querystring = recording
        return self

    def __exit__(self, *exc) -> None:
        self._cls.run_querystring = self._original


class PhaseTimer:
    """Times the sweep's parts by wrapping the module functions ``sweep`` calls (it looks them up
    in its module at call time)."""

    PARTS = ("plan_deadline_reminders", "plan_digests", "deliver")

    def __init__(self) -> None:
        self.ms: dict[str, float] = {}
        self.statements: dict[str, int] = {}
        self.recorder: QueryRecorder | None = None

    def __enter__(self) -> "PhaseTimer":
        from samverkan.reminders import service

        self._originals = {name: getattr(service, name) for name in self.PARTS}
        for name, original in self._originals.items():
            setattr(service, name, self._wrap(name, original))
        return self

    def _wrap(self, name: str, original):
        async def timed(*args, **kwargs):
            before = len(self.recorder.statements) if self.recorder else 0
            t0 = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                self.ms[name] = (time.perf_counter() - t0) * 1000
                self.statements[name] = (len(self.recorder.statements) if self.recorder else 0) - before
        return timed

    def __exit__(self, *exc) -> None:
        from samverkan.reminders import service

        for name, original in self._originals.items():
            setattr(service, name, original)


def counting_mailer():
    from samverkan.reminders.mail import Mailer

    class CountingMailer(Mailer):
        """Sends nothing; every message counts as sent."""

        def __init__(self) -> None:
            self.count = 0

        async def send(self, messages):
            self.count += len(messages)
            return [m.id for m in messages], {}

    return CountingMailer()


@dataclass
class Scenario:
    name: str
    deadlines: int
    active: list[int]  # due deadlines this scenario's sweep finds
    inactive: list[int]  # due-set deadlines of the database that look again tomorrow instead
    total_ms: list[float] = field(default_factory=list)
    plan_ms: list[float] = field(default_factory=list)
    deliver_ms: list[float] = field(default_factory=list)
    floor_ms: list[float] = field(default_factory=list)
    planned: int = 0
    sent: int = 0
    statements: int = 0
    plan_statements: int = 0
    deliver_statements: int = 0
    made: list[tuple] | None = None  # the outbox rows one sweep wrote
    sel1_ms: float = 0.0


OUTBOX_COLUMNS = ("key", "kind", "deadline", "user", "to_address", "subject", "body", "message_id", "state", "attempts",
                  "next_attempt_at", "claimed_by", "last_error", "created_at", "link")


class Bench:
    def __init__(self, target: Target, settings, conn, today: dt.date, history_max: int) -> None:
        self.target, self.settings, self.conn, self.today = target, settings, conn, today
        self.history_max = history_max

    async def reset(self, s: Scenario) -> None:
        """The state before the scenario's sweep, every time the same (outside the timing)."""
        c, today = self.conn, self.today
        await c.execute("DELETE FROM outbox_message WHERE id > $1", self.history_max)
        # The same ids every time, so a replayed sweep (EXPLAIN) refers to the rows it made.
        await c.execute("SELECT setval(pg_get_serial_sequence('outbox_message', 'id'), $1, $2)",
                        max(self.history_max, 1), self.history_max > 0)
        await c.execute("UPDATE deadline SET next_reminder_on = $1 WHERE id = ANY($2::int[])", today, s.active)
        if s.inactive:
            await c.execute("UPDATE deadline SET next_reminder_on = $1 WHERE id = ANY($2::int[])",
                            today + dt.timedelta(days=1), s.inactive)
        # The daily digest is not measured: mark it done (tomorrow, so a run across midnight skips it too).
        await c.execute("INSERT INTO sweep_state (name, last_error, digests_on) VALUES ('sweep', '', $1) "
                        "ON CONFLICT (name) DO UPDATE SET digests_on = excluded.digests_on", today + dt.timedelta(days=1))
        await c.execute("VACUUM deadline, outbox_message")
        gc.collect()

    async def sweep_once(self, s: Scenario) -> tuple[Any, PhaseTimer, float, QueryRecorder]:
        """One sweep through the service's own function, timed, its statements recorded."""
        from samverkan import clock
        from samverkan.reminders import service

        mailer = counting_mailer()
        with QueryRecorder() as rec, PhaseTimer() as phases:
            phases.recorder = rec
            t0 = time.perf_counter()
            result = await service.sweep(self.settings, mailer, now=clock.now())
            ms = (time.perf_counter() - t0) * 1000
        if result.failed or result.digests or result.sent != result.planned or mailer.count != result.sent:
            raise RuntimeError(f"{s.name}: unexpected sweep result {result} (mailer saw {mailer.count})")
        if result.planned < len(s.active):
            raise RuntimeError(f"{s.name}: {result.planned} messages planned for {len(s.active)} due deadlines")
        return result, phases, ms, rec

    async def capture_made(self, s: Scenario) -> None:
        """The rows one sweep wrote, for the floor (as they were when planned: pending)."""
        def columns(names: tuple[str, ...]) -> str:
            return ", ".join(f'"{n}"' for n in names)

        outbox = await self.conn.fetch(f"SELECT {columns(OUTBOX_COLUMNS)} FROM outbox_message WHERE id > $1",
                                       self.history_max)
        pending = OUTBOX_COLUMNS.index("state"), OUTBOX_COLUMNS.index("attempts"), OUTBOX_COLUMNS.index("claimed_by")
        rows = []
        for r in outbox:
            r = list(r)
            r[pending[0]], r[pending[1]], r[pending[2]] = "pending", 0, ""
            rows.append(tuple(r))
        s.made = rows

    async def measured_sweep(self, s: Scenario) -> None:
        await self.reset(s)
        result, phases, ms, rec = await self.sweep_once(s)
        s.total_ms.append(ms)
        s.plan_ms.append(phases.ms["plan_deadline_reminders"])
        s.deliver_ms.append(phases.ms["deliver"])
        s.planned, s.sent, s.statements = result.planned, result.sent, len(rec.statements)
        s.plan_statements = phases.statements["plan_deadline_reminders"]
        s.deliver_statements = phases.statements["deliver"]
        if s.made is None:
            await self.capture_made(s)

    async def floor(self, s: Scenario) -> None:
        """The same reads and writes by hand, in 5 statements on one connection."""
        await self.reset(s)
        c, today = self.conn, self.today
        outbox = s.made
        t0 = time.perf_counter()
        rows = await c.fetch("SELECT id, matter, rule_id, trade_union, due, reason, responsible FROM deadline "
                             "WHERE state = 'open' AND next_reminder_on <= $1", today)
        await c.copy_records_to_table("outbox_message", records=outbox, columns=list(OUTBOX_COLUMNS))
        await c.execute("UPDATE deadline SET next_reminder_on = due + 1 WHERE id = ANY($1::int[])", [r["id"] for r in rows])
        await c.execute("UPDATE outbox_message SET state = 'sent', sent_at = now() WHERE state = 'pending'")
        s.floor_ms.append((time.perf_counter() - t0) * 1000)
        if len(rows) != len(s.active):
            raise RuntimeError(f"{s.name}: the floor found {len(rows)} due deadlines, not {len(s.active)}")

    async def measure(self, scenarios: list[Scenario], repeat: int) -> None:
        """One unmeasured warm-up each, then rounds of one sweep and one floor per scenario."""
        for s in scenarios:
            await self.reset(s)
            await self.sweep_once(s)
        for _ in range(repeat):
            for s in scenarios:
                await self.measured_sweep(s)
                await self.floor(s)
        floor = await select1_ms(max(50, repeat * 20))
        for s in scenarios:
            s.sel1_ms = floor


async def select1_ms(n: int) -> float:
    """p50 ms of ``SELECT 1`` through the service's engine: what every statement costs at least."""
    from piccolo.querystring import QueryString

    from samverkan.database import engine

    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        await engine().run_querystring(QueryString("SELECT 1"))
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


# --- statements and plans ---------------------------------------------------------------


def _sql(querystring: Any) -> tuple[str, list]:
    sql, params = querystring.compile_string(engine_type="postgres")
    return " ".join(sql.split()), list(params)


def _template(sql: str) -> str:
    """The SQL without its values, and IN lists / VALUES of any length alike: the same statement shape."""
    sql = re.sub(r"\$\d+", "?", sql)
    sql = re.sub(r"\((?:\?|DEFAULT)(?:, ?(?:\?|DEFAULT))*\)", "(…)", sql)
    return re.sub(r"\(…\)(?:,\s*\(…\))+", "(…)", sql)


def _label(sql: str) -> str:
    verb = sql.split(" ", 1)[0].upper()
    table = re.search(r'\b(?:FROM|UPDATE|INTO)\s+"?(\w+)"?', sql, re.I)
    name = f"{verb} {table.group(1) if table else '?'}"
    claim = " claim (lease ran out)" if re.search(r'"?lease_until"? <', sql) else " claim (pending)"
    if verb == "UPDATE" and "RETURNING" in sql.upper():
        name += claim
    elif verb == "SELECT" and "FOR UPDATE" in sql.upper():
        name += " FOR UPDATE," + claim
    return name


def _short(text: str, limit: int = 220) -> str:
    text = re.sub(r"\{(\d+,){8,}[\d,]*\}", lambda m: "{" + m.group(0)[1:60] + "…}", text)
    text = re.sub(r"(\$\d+, ){6,}", "$…, ", text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def index_use(plan: list[str]) -> list[str]:
    out = []
    for line in plan:
        m = re.search(r"((?:Parallel )?(?:Seq Scan|Index Only Scan|Index Scan|Bitmap Index Scan|Bitmap Heap Scan)"
                      r"(?: Backward)?(?: using| on) [\w\"]+(?: on [\w\"]+)?)", line)
        if m and m.group(1) not in out:
            out.append(m.group(1))
    return out


@dataclass
class Shape:
    """One statement shape of a replayed sweep: how often it ran, its first SQL and plan, and over
    all its executions the execution time, the rows read and thrown away by a filter, and the
    scans used."""

    label: str
    sql: str
    plan: list[str]
    count: int = 0
    execution_ms: float = 0.0
    read: int = 0
    max_rows: int = 0  # the most rows one execution returned or changed (the top plan node)
    scans: list[str] = field(default_factory=list)
    generic_plan: list[str] | None = None  # the plan cache's plan at the 6th execution of one text
    generic_ms: float = 0.0
    custom_ms: float = 0.0  # the same execution with the values planned in


def rows_read(plan: list[str]) -> int:
    """Table rows the scans of a plan went through: the rows they returned plus those a filter
    threw away, times the loops (EXPLAIN shows per-loop averages). Bitmap index scans are not
    counted (their heap scan is)."""
    total, loops, in_scan = 0, 1, False
    for line in plan:
        if m := re.search(r"actual time=[\d.]+\.\.[\d.]+ rows=(\d+) loops=(\d+)", line):
            loops = int(m.group(2))
            in_scan = bool(re.search(r"(Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan) ", line)) \
                and "Bitmap Index Scan" not in line
            if in_scan:
                total += int(m.group(1)) * loops
        elif in_scan and (m := re.search(r"Rows Removed by (?:Filter|Index Recheck): (\d+)", line)):
            total += int(m.group(1)) * loops
    return total


def _literal(value: Any) -> str:
    """A parameter as an SQL literal, for EXECUTE of a PREPAREd copy (EXECUTE takes no bound
    parameters); untyped literals take the prepared statement's parameter types."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):  # an array parameter (= ANY, unnest): PostgreSQL's array literal
        items = ",".join("NULL" if v is None else '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in value)
        return "'{" + items.replace("'", "''") + "}'"
    return "'" + str(value).replace("'", "''") + "'"


def _execution_ms(plan: list[str]) -> float:
    return next((float(m.group(1)) for line in plan if (m := re.match(r"Execution Time: ([\d.]+) ms", line))), 0.0)


async def generic_plan(c, sql: str, params: list) -> list[str]:
    """The plan PostgreSQL's plan cache uses for this statement from its 6th execution on one
    connection (asyncpg prepares every statement per connection): PREPARE a copy, EXECUTE it 5
    times, then EXPLAIN ANALYZE EXECUTE – each in a savepoint rolled back, so the state the replay
    goes on from is untouched."""
    args = f"({', '.join(_literal(v) for v in params)})" if params else ""
    plan: list[str] = []
    await c.execute("PREPARE bench_generic AS " + sql)
    try:
        for i in range(6):
            try:
                async with c.transaction():  # a savepoint inside the replay's transaction
                    if i < 5:
                        await c.execute(f"EXECUTE bench_generic{args}")
                    else:
                        plan = [r[0] for r in await c.fetch(f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_generic{args}")]
                    raise _Rollback
            except _Rollback:
                pass
    finally:
        await c.execute("DEALLOCATE bench_generic")
    return plan


class _Rollback(Exception):
    pass


async def explain_replay(bench: Bench, statements: list[tuple[str, list]]) -> list[Shape]:
    """EXPLAIN (ANALYZE, BUFFERS) every statement of a sweep, in order, in one transaction that is
    rolled back: each plan is the one for the state the statement met (the reset before the sweep
    and before the replay restarts the outbox ids, so the replay's rows have the sweep's ids).
    A statement whose exact text comes a 6th time (the service's pooled connections would then
    run it through PostgreSQL's plan cache) also gets its generic plan looked at, in that state."""
    out: dict[str, Shape] = {}
    seen: dict[str, int] = defaultdict(int)
    c = bench.conn
    tr = c.transaction()
    await tr.start()
    try:
        for sql, params in statements:
            seen[sql] += 1
            shape = out.get(_template(sql))
            check_generic = seen[sql] == 6 and sql.split(" ", 1)[0].upper() in ("SELECT", "UPDATE") \
                and shape is not None and shape.generic_plan is None
            if check_generic:
                generic = await _in_savepoint(c, generic_plan(c, sql, params))
            plan = [r[0] for r in await c.fetch("EXPLAIN (ANALYZE, BUFFERS) " + sql, *params)]
            shape = out.setdefault(_template(sql), Shape(_label(sql), sql, plan))
            shape.count += 1
            shape.execution_ms += _execution_ms(plan)
            shape.read += rows_read(plan)
            if m := re.search(r"actual time=[\d.]+\.\.[\d.]+ rows=(\d+)", plan[0]):
                shape.max_rows = max(shape.max_rows, int(m.group(1)))
            shape.scans += [u for u in index_use(plan) if u not in shape.scans]
            if check_generic:
                shape.generic_plan, shape.generic_ms, shape.custom_ms = generic, _execution_ms(generic), _execution_ms(plan)
    finally:
        await tr.rollback()
    return list(out.values())


async def _in_savepoint(c, work):
    """Run ``work`` in a savepoint; a failure (e.g. a statement PREPARE cannot take) gives no plan."""
    try:
        async with c.transaction():
            return await work
    except Exception as exc:  # noqa: BLE001 - the check is a diagnosis, not the measurement
        return [f"(no generic plan: {type(exc).__name__}: {exc})"]


async def replay(bench: Bench, s: Scenario) -> tuple[list[tuple[Any, float]], list[tuple[str, list]], list[Shape]]:
    """One more sweep of the scenario with its statements recorded, then the same statements replayed
    with EXPLAIN ANALYZE from the same starting state."""
    await bench.reset(s)
    _, _, _, rec = await bench.sweep_once(s)
    statements = [_sql(qs) for qs, _ in rec.statements]
    await bench.reset(s)
    return rec.statements, statements, await explain_replay(bench, statements)


async def profile(bench: Bench, s: Scenario) -> str:
    """cProfile of one sweep (the event loop runs on this thread, so the profile sees the service's Python)."""
    import cProfile
    import io
    import pstats

    await bench.reset(s)
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        await bench.sweep_once(s)
    finally:
        profiler.disable()
    report = []
    for key in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(key).print_stats(25)
        text = out.getvalue()
        report.append(f"\nProfile of one {s.name} sweep, by {key} time (Python only: time spent waiting for the "
                      f"database is not counted; cProfile slows Python down):")
        report.append((text[text.index("ncalls"):] if "ncalls" in text else text).rstrip())
    return "\n".join(report)


def print_replay_summary(name: str, shapes: list[Shape]) -> None:
    print(f"  {name}:")
    for sh in shapes:
        print(f"    {sh.count:>4} x {sh.label:<50} {sh.execution_ms:9.1f} ms {sh.read:>11,}  "
              f"{'; '.join(sh.scans) or '-'}")


async def explain_without_index(bench: Bench, sql: str, params: list) -> list[str]:
    c = bench.conn
    tr = c.transaction()
    await tr.start()
    try:
        await c.execute("SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off; "
                        "SET LOCAL enable_indexonlyscan = off")
        return [r[0] for r in await c.fetch("EXPLAIN (ANALYZE, BUFFERS) " + sql, *params)]
    finally:
        await tr.rollback()


# --- the run ---------------------------------------------------------------------------


def _p50(v: list[float]) -> float:
    return statistics.median(v)


def print_table(scenarios: list[Scenario]) -> None:
    print(f"\n{'scenario':<18} {'deadlines':>9} {'due':>6} {'planned':>7} {'stmts':>6} {'sweep p50':>9} {'min':>7} "
          f"{'plan':>7} {'deliver':>7} {'ms/due':>7} {'floor':>7} {'x floor':>7} {'sel1xN':>7}")
    for s in scenarios:
        t = _p50(s.total_ms)
        print(f"{s.name:<18} {s.deadlines:>9,} {len(s.active):>6,} {s.planned:>7,} {s.statements:>6,} {t:>9.1f} "
              f"{min(s.total_ms):>7.1f} {_p50(s.plan_ms):>7.1f} {_p50(s.deliver_ms):>7.1f} {t / len(s.active):>7.3f} "
              f"{_p50(s.floor_ms):>7.1f} {t / _p50(s.floor_ms):>7.1f} {s.sel1_ms * s.statements:>7.1f}")
    print("  (ms; sweep = plan + deliver + the skipped daily digest + sweep_state updates; floor = the same reads and "
          "writes in 5 statements;\n   sel1xN = SELECT 1 p50 through the service's engine x the sweep's statements)")
    for s in scenarios:
        print(f"  {s.name}: statements plan {s.plan_statements}, deliver {s.deliver_statements}; "
              f"sweep samples {', '.join(f'{x:.0f}' for x in s.total_ms)}; SELECT 1 p50 {s.sel1_ms:.3f} ms")


async def run(args: argparse.Namespace, target: Target) -> int:
    await _admin_execute(target.admin_url, f'CREATE DATABASE "{target.name}"')
    import asyncpg

    from samverkan import clock
    from samverkan.app import create_app
    from samverkan.deadlines import catalogue
    from samverkan.reminders import service
    from samverkan.settings import get_settings

    settings = get_settings()
    app = create_app(settings)
    print(f"samverkan sweep bench: engine=postgres deadlines={args.small:,} then {args.deadlines:,} (1 % due), "
          f"history={args.history:,} repeat={args.repeat} loop={type(asyncio.get_running_loop()).__module__} "
          f"pool={settings.db_pool_size} PLAN_BATCH={service.PLAN_BATCH} SEND_BATCH={service.SEND_BATCH} "
          f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.2f}")
    rng = random.Random(args.seed)
    rule_ids = [r.id for r in catalogue.RULES[:PER_MATTER]]
    async with app.lifespan():  # the service's own start-up: migrations, then the pool on this loop
        conn = await asyncpg.connect(target.url)
        try:
            server = await conn.fetchval("SHOW server_version")
            knobs = {r["name"]: r["setting"] for r in await conn.fetch(
                "SELECT name, setting FROM pg_settings WHERE name IN ('autovacuum', 'synchronous_commit', 'fsync', "
                "'shared_buffers', 'jit')")}
            print(f"PostgreSQL {server}: " + ", ".join(f"{k}={v}" for k, v in sorted(knobs.items())))
            today = clock.today()
            reg = await seed_registry()
            ids = Ids()

            t0 = time.perf_counter()
            tables, due_a, other_a = generate(reg, args.small, rng, today, ids, rule_ids)
            await copy_tables(conn, tables)
            history = generate_history(args.history, other_a, rng)
            if history.rows:
                await conn.copy_records_to_table(history.name, records=history.rows, columns=list(history.columns))
            history_max = await conn.fetchval("SELECT coalesce(max(id), 0) FROM outbox_message")
            del tables, history
            vac = await vacuum_analyze(target)
            print(f"Seeded {args.small:,} deadlines ({len(due_a):,} due), {args.small // PER_MATTER:,} matters, "
                  f"{args.history:,} sent messages in {time.perf_counter() - t0:.1f} s (VACUUM (ANALYZE) + CHECKPOINT {vac:.1f} s)")

            bench = Bench(target, settings, conn, today, history_max)
            small = Scenario(f"{args.small // 1000}k / {len(due_a):,} due", args.small, due_a, [])
            await bench.measure([small], args.repeat)
            _, _, small_shapes = await replay(bench, small)

            t0 = time.perf_counter()
            tables, due_b, _ = generate(reg, args.deadlines - args.small, rng, today, ids, rule_ids)
            await copy_tables(conn, tables)
            del tables
            gc.collect()
            vac = await vacuum_analyze(target)
            open_count = await conn.fetchval("SELECT count(*) FROM deadline WHERE state = 'open'")
            if open_count != args.deadlines:
                raise RuntimeError(f"{open_count} open deadlines, expected {args.deadlines}")
            print(f"Added {args.deadlines - args.small:,} deadlines ({len(due_b):,} due) in {time.perf_counter() - t0:.1f} s "
                  f"(VACUUM (ANALYZE) + CHECKPOINT {vac:.1f} s); {open_count:,} open deadlines")

            big = args.deadlines // 1000
            large = Scenario(f"{big}k / {len(due_a) + len(due_b):,} due", args.deadlines, due_a + due_b, [])
            equal = Scenario(f"{big}k / {len(due_a):,} due", args.deadlines, due_a, due_b)
            await bench.measure([large, equal], args.repeat)
            load = os.getloadavg()[0]
            # The statements of one sweep per scenario, and their plans in the state each one met.
            recorded, statements, shapes = await replay(bench, large)
            _, _, equal_shapes = await replay(bench, equal)
            profiled = await profile(bench, large) if args.profile else ""
            due_sql = next(((q, v) for q, v in statements if _label(q).startswith("SELECT deadline") and "next_reminder_on" in q), None)
            without = []
            if due_sql:
                await bench.reset(large)
                without = await explain_without_index(bench, *due_sql)
        finally:
            await conn.close()

    print(f"\nMeasured; load average now {load:.2f} (other processes on the machine skew the figures).")
    scenarios = [small, large, equal]
    print_table(scenarios)

    t_small, t_large, t_equal = (_p50(s.total_ms) for s in scenarios)
    f_small, f_large, f_equal = (_p50(s.floor_ms) for s in scenarios)
    r_small, r_large, r_equal = (sum(sh.read for sh in x) for x in (small_shapes, shapes, equal_shapes))
    print("\nGrowth (ratios of the p50 times; beside them the exact statement counts and the table rows the sweep's "
          "statements read, from EXPLAIN ANALYZE):")
    print(f"  with the due work:  {large.name} / {small.name} = sweep {t_large / t_small:5.2f}x  "
          f"floor {f_large / f_small:5.2f}x  statements {large.statements / small.statements:5.2f}x  "
          f"rows read {r_large / r_small:5.2f}x  (due x{len(large.active) / len(small.active):.0f})")
    print(f"  with all deadlines: {equal.name} / {small.name} = sweep {t_equal / t_small:5.2f}x  "
          f"floor {f_equal / f_small:5.2f}x  statements {equal.statements / small.statements:5.2f}x  "
          f"rows read {r_equal / r_small:5.2f}x  (deadlines x{equal.deadlines / small.deadlines:.0f}, due x1)")
    print(f"  (rows read by one sweep: {small.name} {r_small:,}; {large.name} {r_large:,}; {equal.name} {r_equal:,})")

    print("\nPer statement shape, from EXPLAIN ANALYZE of every statement of one sweep (count, execution ms in all, "
          "table rows the scans went through in all, scans used):")
    print_replay_summary(small.name, small_shapes)
    print_replay_summary(large.name, shapes)
    print_replay_summary(equal.name, equal_shapes)

    by_shape: dict[str, list[float]] = defaultdict(list)
    first_label: dict[str, str] = {}
    for qs, ms in recorded:
        sql, _ = _sql(qs)
        t = _template(sql)
        by_shape[t].append(ms)
        first_label.setdefault(t, _label(sql))
    print(f"\nStatements of one {large.name} sweep as the service saw them: {len(recorded)} "
          f"(count, total ms inside the sweep incl. Python building the query and the rows, by statement shape):")
    for t, times in by_shape.items():
        print(f"  {len(times):>5} x {first_label[t]:<50} {sum(times):9.1f} ms")

    print(f"\nPlan cache of the {large.name} sweep: statements sent 6 times or more with the same text (asyncpg "
          f"prepares each statement on each pooled connection; from the 6th execution PostgreSQL may switch to a "
          f"generic plan that does not see the values). Execution ms of that execution with the values planned in "
          f"(custom) and with the plan cache's plan (generic):")
    slow_generic = []
    for sh in shapes:
        if sh.generic_plan is None:
            continue
        generic_scans = "; ".join(index_use(sh.generic_plan)) or " ".join(sh.generic_plan)[:120]
        slow = sh.generic_ms > 5 * sh.custom_ms and sh.generic_ms - sh.custom_ms > 1.0
        seq = any(u.startswith("Seq Scan on") and u.split()[-1] in BIG_TABLES for u in index_use(sh.generic_plan))
        flag = "   <-- SLOWER GENERIC PLAN" if slow else "   <-- generic plan scans a big table" if seq else ""
        print(f"  {sh.count:>5} x {sh.label:<50} custom {sh.custom_ms:8.2f}  generic {sh.generic_ms:8.2f}  "
              f"{generic_scans}{flag}")
        if slow or seq:
            slow_generic.append(sh)
    for sh in slow_generic:
        print(f"\n== generic plan of {sh.label} (6th execution; x{sh.count} in the sweep):")
        print(f"   -- {_short(sh.sql, 400)}")
        for line in sh.generic_plan:
            print(f"      {_short(line)}")

    print(f"\nQuery plans of the {large.name} sweep: EXPLAIN (ANALYZE, BUFFERS) of every statement in order, in one "
          f"transaction rolled back afterwards; the first plan of each shape:")
    for sh in shapes:
        print(f"\n== {sh.label}: {sh.count} x, execution {sh.execution_ms:.1f} ms in all, "
              f"{sh.read:,} table rows read in all, at most {sh.max_rows:,} rows returned by one")
        print(f"   -- {_short(sh.sql, 400)}")
        for line in sh.plan:
            print(f"      {_short(line)}")
        print(f"   index use: {'; '.join(sh.scans) or '(none: no table read)'}")
    if without:
        print("\n== the first due-deadline SELECT once more with index and bitmap scans off (what the index saves):")
        for line in without:
            print(f"      {_short(line)}")

    if profiled:
        print(profiled)

    due_select = next((sh for sh in shapes if sh.label.startswith("SELECT deadline") and "next_reminder_on" in sh.sql), None)
    claims = [sh for sh in shapes if sh.label.endswith("claim (pending)")]
    from samverkan.reminders import service

    status = 0
    print(f"\nTarget (PostgreSQL, {large.name}):")
    ok_time = t_large < TARGET_S * 1000
    print(f"  sweep p50 {t_large:.1f} ms < {TARGET_S * 1000:.0f} ms: {'met' if ok_time else 'MISSED'}")
    uses = due_select.scans if due_select else []
    ok_due = due_select is not None and any("deadline_next_reminder" in u for u in uses) \
        and not any(u.endswith(" on deadline") and ("Seq Scan" in u or "deadline_pkey" in u) for u in uses)
    print(f"  due-deadline SELECT finds the due rows by deadline_next_reminder (no Seq Scan on deadline, no walk of "
          f"deadline_pkey): {'met' if ok_due else 'MISSED'} ({'; '.join(uses) or 'statement not found'})")
    claim_uses = list(dict.fromkeys(u for sh in claims for u in sh.scans))
    generic_seq = [sh.label for sh in claims if sh in slow_generic]
    # A claim whose generic plan could not be made is not checked, so not met.
    generic_failed = [sh.label for sh in claims if sh.generic_plan and sh.generic_plan[0].startswith("(no generic plan")]
    generic_seq += [f"{label} (no generic plan)" for label in generic_failed]
    ok_claim = bool(claim_uses) and not any("Seq Scan on outbox_message" in u for u in claim_uses) and not generic_seq
    print(f"  claim of pending messages reads outbox_message by an index, no Seq Scan, also in the plan cache's generic "
          f"plan: {'met' if ok_claim else 'MISSED'} ({'; '.join(claim_uses) or 'statement not found'}"
          f"{'; generic plan: Seq Scan in ' + ', '.join(generic_seq) if generic_seq else ''})")
    ratio, read_ratio = t_equal / t_small, r_equal / r_small
    ok_ratio = ratio < MAX_EQUAL_DUE_RATIO and read_ratio < MAX_EQUAL_DUE_RATIO
    print(f"  {equal.name} / {small.name} < {MAX_EQUAL_DUE_RATIO:g} (not growing with all deadlines): sweep p50 {ratio:.2f}x, "
          f"rows read {read_ratio:.2f}x: {'met' if ok_ratio else 'MISSED'}")
    claimed = max((sh.max_rows for sh in claims if sh.label.startswith("UPDATE")), default=None)
    if claimed is not None:
        print(f"  (note: the largest claim of pending messages took {claimed:,} messages in one UPDATE; "
              f"SEND_BATCH is {service.SEND_BATCH})")
    if slow_generic:
        print(f"  (note: {len(slow_generic)} statement(s) of the sweep get a generic plan that scans a big table or is "
              f"much slower from their 6th execution on a connection: see \"Plan cache\")")
    if args.check and not (ok_time and ok_due and ok_claim and ok_ratio):
        status = 2
    return status


async def drop_database(target: Target, keep: bool) -> None:
    try:
        if keep:
            print(f"\nKept the database: {target.url}")
        else:
            await _admin_execute(target.admin_url, f'DROP DATABASE IF EXISTS "{target.name}" WITH (FORCE)')
    finally:
        shutil.rmtree(target.data_dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    target = prepare_target(args)
    try:
        import uvloop

        loop_factory = uvloop.new_event_loop
    except ImportError:
        loop_factory = None
    status = 1
    try:
        with asyncio.Runner(loop_factory=loop_factory) as runner:
            try:
                status = runner.run(run(args, target))
            finally:
                runner.run(drop_database(target, args.keep))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return status


if __name__ == "__main__":
    sys.exit(main())
