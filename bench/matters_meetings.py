"""How fast are the matter list, the meeting list and a meeting page for a 10-year municipality?

    python bench/matters_meetings.py --engine sqlite|postgres [--scale 1.0] [--requests 200] [--keep]

What it does
------------
1. Makes a fresh database: a SQLite file in a temporary directory, or a new PostgreSQL database
   ``samverkan_bench_…`` next to ``--pg-url`` (default postgresql://postgres@127.0.0.1:5432/test).
   The ``SAMVERKAN_*`` variables are set before ``samverkan`` is imported, because the settings are
   read when ``samverkan.piccolo_conf`` is imported.
2. Runs the service's own start-up (``app.lifespan()``: migrations, then the PostgreSQL pool), loads
   the demo registry only (Lund's departments, unions, people and groups; not the demo's year of
   matters and meetings) and seeds, at ``--scale 1.0``:
   100,000 matters over 10 years (about 2 parties and 3–4 events each, status/hold worked out by
   ``matters.rules.decision_hold`` from the events, exactly as the service stores them), and 50,000
   meetings (2–4 unions, 2 justerare, ~5 participants and 10 agenda items each: 500,000 items, a
   third of them with one position per union). Seeding writes the real tables with bulk inserts
   (PostgreSQL: COPY; SQLite: one ``executemany`` transaction, using the value adapters Piccolo
   registers, so dates and times are stored in the same text form as the service writes them).
   PostgreSQL gets a ``VACUUM (ANALYZE)`` afterwards: statistics and the visibility map as autovacuum
   keeps them on a database that grew over ten years (without it, index-only scans are not used).
   SQLite gets none, because the service never runs ANALYZE or ``PRAGMA optimize``; pass
   ``--sqlite-analyze`` to see the difference.
3. Measures in-process, sequentially, ``--requests`` requests per endpoint after a warm-up (in
   rounds of one request per endpoint, so background load hits all of them alike), each
   caller with an API token: an admin (sees everything, no scoping condition), and for comparison a
   department user (VOF) and a union user (Kommunal, a party in every group: the largest union
   scope), whose lists carry the scoping conditions of matters/service.py and meetings/service.py.
4. Prints the SQL statements per request at limit=5 and limit=50, the time per statement, and the
   query plans (PostgreSQL: EXPLAIN ANALYZE; SQLite: EXPLAIN QUERY PLAN).
5. Drops the database / deletes the directory, unless ``--keep`` (then a later run with the same
   engine and scale reuses it and skips seeding).

How the app is driven (and why)
-------------------------------
Everything runs on ONE event loop (uvloop when installed, as uvicorn picks it): the script enters
``app.lifespan()`` itself, so the real start-up code migrates and opens the PostgreSQL pool
(``SAMVERKAN_DB_POOL_SIZE``, default 10) on that loop, and sends requests through
``httpx.AsyncClient`` with ``httpx.ASGITransport`` – the whole ASGI stack (authentication
middleware, routing, guards, msgspec serialisation) but no sockets. Litestar's test client is not
used: it runs the lifespan on another thread and loop, and a pool made there cannot serve this loop,
which would force ``SAMVERKAN_DB_POOL_SIZE=0`` (a new connection per query) and penalise PostgreSQL
unfairly. Requests are sequential: this measures latency, not throughput under concurrency.

The baseline is a bare ``Litestar`` app with one ``async`` JSON endpoint returning the same payload
as the matter list (decoded from a real response), reached through the same ``httpx.AsyncClient``
(mounted at ``http://bare``). Its p50 is the floor for framework + client overhead at that size.

How to read the output
----------------------
* "latency": p50/p95/max in milliseconds over ``--requests`` requests; "x bare" is the endpoint's
  p50 divided by the bare endpoint's p50; "bytes" is the mean response size; "queries" the SQL
  statements one request sends (including the API-token lookup of the authentication middleware).
  Rows without a prefix are the admin's; "department:" and "union:" rows are the scoped callers'.
  The line under the table is one matter by id through the service's engine: what every statement
  costs at least (pool checkout + round trip; on SQLite a new connection, as Piccolo opens one per
  statement outside a transaction).
* "queries per request": the same list at limit=5 and limit=50; equal numbers mean the list does a
  fixed number of queries whatever the page size (no N+1).
* "time per statement": p50/p95 of each statement of a request, to see where the time goes; what
  is left of the request's p50 is Python (Piccolo building queries and rows, the service, Litestar).
* "query plans": one representative request per endpoint; a statement whose shape was already
  shown (same SQL apart from values) is not repeated. On PostgreSQL look for ``Seq Scan`` on
  the big tables (meeting, agenda_item, agenda_position, matter, matter_event) and for the time of
  the ``count(*)``; on SQLite for ``SCAN <table>`` (no index) and ``USE TEMP B-TREE FOR ORDER BY``.
* "target": on PostgreSQL, meeting page and meeting list p95 (every caller) must be under 50 ms.
  ``--check`` makes a missed target exit with status 2. Any error (a non-200 response, a failed
  seed or migration) exits non-zero (1).

Absolute figures depend on the machine (on a small VM a round trip to PostgreSQL on the same host
costs far more than on bare metal); the ratios to the bare endpoint and to that one-row query, the query
counts and the plans are what carry over.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import datetime as dt
import gc
import json
import os
import random
import re
import secrets
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
STOCKHOLM = ZoneInfo("Europe/Stockholm")
UTC = dt.timezone.utc
YEARS = 10
ITEMS_PER_MEETING = 10
TARGET_MS = 50.0
API = "http://app/api/v1"


# --- arguments and environment ------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--engine", choices=("sqlite", "postgres"), required=True)
    p.add_argument("--scale", type=float, default=1.0, help="1.0 = 100,000 matters and 50,000 meetings")
    p.add_argument("--requests", type=int, default=200, help="measured requests per endpoint")
    p.add_argument("--warmup", type=int, default=20, help="unmeasured requests per endpoint first")
    p.add_argument("--keep", action="store_true", help="keep the database, and reuse one kept earlier")
    p.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL),
                   help="an existing PostgreSQL database to connect to for CREATE/DROP DATABASE")
    p.add_argument("--pool-size", type=int, default=10, help="SAMVERKAN_DB_POOL_SIZE for PostgreSQL")
    p.add_argument("--sqlite-analyze", action="store_true", help="run ANALYZE on SQLite after seeding")
    p.add_argument("--seed", type=int, default=1, help="random seed of the generated data and requests")
    p.add_argument("--check", action="store_true", help="exit 2 when the PostgreSQL target is missed")
    args = p.parse_args(argv)
    if not 0 < args.scale <= 10 or args.requests < 5 or args.warmup < 0:
        p.error("--scale must be in (0, 10], --requests at least 5, --warmup not negative")
    return args


@dataclass
class Target:
    """Where the benchmark's database lives."""

    engine: str
    data_dir: Path
    sqlite_path: Path | None = None
    pg_admin_url: str | None = None
    pg_name: str | None = None
    pg_url: str | None = None
    reused: bool = False


def _scale_tag(scale: float) -> str:
    return f"s{scale:g}".replace(".", "_")


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def prepare_target(args: argparse.Namespace) -> Target:
    """Choose names and set the SAMVERKAN_* variables; nothing of samverkan is imported yet."""
    tag = _scale_tag(args.scale)
    if args.keep:
        data_dir = Path(tempfile.gettempdir()) / f"samverkan_bench_{args.engine}_{tag}"
        data_dir.mkdir(exist_ok=True)
    else:
        data_dir = Path(tempfile.mkdtemp(prefix="samverkan_bench_"))
    target = Target(engine=args.engine, data_dir=data_dir)
    for key in [k for k in os.environ if k.startswith("SAMVERKAN_")]:
        del os.environ[key]  # an unknown or stray setting must not leak into the run
    os.environ["SAMVERKAN_DATA_DIR"] = str(data_dir)
    os.environ["SAMVERKAN_SECRET_KEY"] = secrets.token_urlsafe(48)
    os.environ["SAMVERKAN_LOG_LEVEL"] = "WARNING"
    os.environ["SAMVERKAN_SCHEDULER"] = "false"  # no sweep in the measured loop
    if args.engine == "postgres":
        target.pg_admin_url = args.pg_url
        target.pg_name = f"samverkan_bench_{tag}" if args.keep else f"samverkan_bench_{os.getpid()}_{secrets.token_hex(3)}"
        target.pg_url = _with_database(args.pg_url, target.pg_name)
        os.environ["SAMVERKAN_DATABASE_URL"] = target.pg_url
        os.environ["SAMVERKAN_DB_POOL_SIZE"] = str(args.pool_size)
    else:
        target.sqlite_path = data_dir / "samverkan.sqlite"
    return target


async def _admin_execute(url: str, sql: str) -> Any:
    import asyncpg

    conn = await asyncpg.connect(url, timeout=10)
    try:
        return await conn.fetchval(sql)
    finally:
        await conn.close()


def expected_rows(scale: float) -> tuple[int, int]:
    return round(100_000 * scale), round(50_000 * scale)


async def _is_seeded(target: Target, scale: float) -> bool:
    """A kept database counts as seeded when it has the meetings and agenda items of this scale."""
    _, meetings = expected_rows(scale)
    sql_m, sql_a = "SELECT count(*) FROM meeting", "SELECT count(*) FROM agenda_item"
    try:
        if target.engine == "postgres":
            return (await _admin_execute(target.pg_url, sql_m) >= meetings
                    and await _admin_execute(target.pg_url, sql_a) >= meetings * ITEMS_PER_MEETING)
        con = sqlite3.connect(target.sqlite_path)
        try:
            return (con.execute(sql_m).fetchone()[0] >= meetings
                    and con.execute(sql_a).fetchone()[0] >= meetings * ITEMS_PER_MEETING)
        finally:
            con.close()
    except Exception:  # noqa: BLE001 - missing database or table: not seeded
        return False


async def create_database(target: Target, args: argparse.Namespace) -> None:
    if args.keep and await _is_seeded(target, args.scale):
        target.reused = True
        return
    if target.engine == "postgres":
        await _admin_execute(target.pg_admin_url, f'DROP DATABASE IF EXISTS "{target.pg_name}" WITH (FORCE)')
        await _admin_execute(target.pg_admin_url, f'CREATE DATABASE "{target.pg_name}"')
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target.sqlite_path}{suffix}").unlink(missing_ok=True)


async def drop_database(target: Target, keep: bool) -> None:
    if keep:
        where = target.pg_name if target.engine == "postgres" else target.sqlite_path
        print(f"\nKept the database: {where}")
        return
    try:
        if target.engine == "postgres" and target.pg_name:
            await _admin_execute(target.pg_admin_url, f'DROP DATABASE IF EXISTS "{target.pg_name}" WITH (FORCE)')
    finally:
        shutil.rmtree(target.data_dir, ignore_errors=True)


# --- the data: a 10-year municipality -----------------------------------------

SUBJECTS = [
    "Omorganisation av hemtjänsten", "Ny befattning som enhetschef", "Entreprenad av lokalvård", "Ändrade öppettider",
    "Flytt av verksamhet", "Införande av nytt verksamhetssystem", "Schemaläggning med heltid som norm",
    "Budget och verksamhetsplan", "Nedläggning av förskoleavdelning", "Sammanslagning av enheter",
    "Rekrytering av biträdande rektor", "Arbetsmiljöåtgärder efter skyddsronden", "Ombyggnad av kök",
    "Upphandling av skolskjuts", "Ny delegationsordning", "Riktlinjer för distansarbete", "Bemanning under sommaren",
    "Nytt ledningssystem för systematiskt arbetsmiljöarbete", "Förändrad ledningsorganisation", "Tvist om lönesättning",
]
PLACES = ["Norra Fäladen", "Linero", "Dalby", "Södra Sandby", "Genarp", "Veberöd", "Stångby", "Klostergården",
          "Väster", "Centrum", "Brunnshög", "Östra Torn", "Järnåkra", "Gunnesbo"]
DESCRIPTIONS = [
    "Arbetsgivaren avser att {s} och vill förhandla innan beslut fattas. Berörda medarbetare har informerats "
    "på arbetsplatsträff och underlag har skickats till de fackliga organisationerna.",
    "Underlag om {s} med risk- och konsekvensbedömning. Skyddsombud har deltagit i bedömningen; "
    "åtgärdsplan bifogas och följs upp vid nästa möte i samverkansgruppen.",
    "Framställan från facklig organisation gällande {s}. Parterna är överens om att frågan behandlas "
    "i förvaltningens samverkansgrupp.",
]
MATTER_KINDS = [("samverkan", 30), ("primary_negotiation", 25), ("information", 15), ("work_environment", 8),
                ("negotiation_on_request", 5), ("other", 5), ("contracting_out", 3), ("dispute", 3),
                ("central_negotiation", 3), ("negotiation_13", 3)]
MEETING_KINDS = [("samverkan", 45), ("negotiation", 25), ("workplace_meeting", 15), ("information", 10),
                 ("safety_committee", 5)]
MEETING_LABELS = {"samverkan": "Samverkansmöte", "negotiation": "Förhandling", "workplace_meeting": "APT",
                  "information": "Informationsmöte", "safety_committee": "Skyddskommitté"}
ITEM_KINDS = ["information", "samverkan", "negotiation", "work_environment", "other"]
ITEM_TEXT = ("Föredragande redogör för ärendet. Underlaget har skickats ut i förväg och diskuterades vid "
             "beredningen. Frågor och synpunkter från parterna antecknas nedan.")


# The tables the generator writes, in foreign-key order.
TABLES = ("matter", "matter_party", "matter_event", "meeting", "meeting_union", "meeting_approver", "participant",
          "agenda_item", "agenda_position")


async def load_demo_registry() -> None:
    """Only the demo's registry (departments, unions, people, groups, logins), not its year of
    matters and meetings: ``samverkan.demo.registry.load_registry`` where the demo has it, else the
    older ``samverkan.demo.load`` (which loaded just the registry)."""
    try:
        from samverkan.demo.registry import load_registry as load
    except ImportError:
        from samverkan.demo import load
    await load()


async def max_ids(tables: tuple[str, ...]) -> dict[str, int]:
    """The highest id in each table: generated ids start after it, so rows already there are kept."""
    from piccolo.querystring import QueryString

    from samverkan.database import engine

    out = {}
    for name in tables:
        rows = await engine().run_querystring(QueryString(f'SELECT max(id) AS id FROM "{name}"'))
        out[name] = rows[0]["id"] or 0
    return out


@dataclass
class Registry:
    departments: list[dict]  # id, code, diary_prefix
    union_names: dict[int, str]
    groups: list[dict]  # id, name, department, safety_committee, unions
    group_of_department: dict[int, dict]
    manager: dict[int | None, int]  # department -> person
    hr: dict[int | None, int]
    rep: dict[int, int]  # union -> person


async def read_registry() -> Registry:
    """The demo registry as plain dicts, for the generator."""
    from samverkan.orgs.tables import CollaborationGroup, Department, GroupUnion, Person, TradeUnion

    departments = await Department.select(Department.id, Department.code, Department.diary_prefix).order_by(Department.id)
    unions = {r["id"]: r["name"] for r in await TradeUnion.select(TradeUnion.id, TradeUnion.name)}
    groups = await CollaborationGroup.select(
        CollaborationGroup.id, CollaborationGroup.name, CollaborationGroup.department, CollaborationGroup.safety_committee
    ).order_by(CollaborationGroup.id)
    members = defaultdict(list)
    for r in await GroupUnion.select(GroupUnion.group, GroupUnion.trade_union):
        members[r["group"]].append(r["trade_union"])
    for g in groups:
        g["unions"] = sorted(members[g["id"]])
    people = await Person.select(Person.id, Person.department, Person.trade_union, Person.is_manager, Person.is_hr, Person.is_union_rep)
    manager = {p["department"]: p["id"] for p in people if p["is_manager"]}
    hr = {p["department"]: p["id"] for p in people if p["is_hr"]}
    rep = {p["trade_union"]: p["id"] for p in people if p["is_union_rep"]}
    kk = next(d["id"] for d in departments if d["code"] == "KK")
    manager[None], hr[None] = manager[kk], hr[kk]  # the central group is run by the kommunkontor
    by_department = {g["department"]: g for g in groups if g["department"] is not None}
    if len(departments) != 11 or not all(g["unions"] for g in groups):
        raise RuntimeError("the demo registry is not what the generator expects (11 departments, groups with unions)")
    return Registry(departments, unions, groups, by_department, manager, hr, rep)


@dataclass
class TableRows:
    name: str
    columns: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)


def _weighted(rng: random.Random, choices: list[tuple[str, int]]) -> Callable[[], str]:
    names, weights = [c[0] for c in choices], [c[1] for c in choices]
    return lambda: rng.choices(names, weights)[0]


def _matter_events(rng: random.Random, kind: str, parties: list[int], created: dt.datetime, now: dt.datetime):
    """(type, date, time, union, outcome, note) of a plausible history, newest facts only when already past."""
    from samverkan.matters import rules

    events = []
    first = "request_received" if kind in rules.NEGOTIATING | {"work_environment"} else "meeting_held"
    events.append((first, created, None, None, None, "Underlag inkom." if first == "request_received" else ""))
    age_days = (now - created).days
    chance = 0.93 if age_days > 180 else 0.6 if age_days > 30 else 0.2
    done_at = created + dt.timedelta(days=rng.randint(7, 90))
    if done_at <= now and rng.random() < chance:
        if kind in rules.NEGOTIATING | {"samverkan"}:
            for union in parties:
                outcome = "agreement" if rng.random() < 0.85 else "disagreement"
                events.append(("negotiation_closed", done_at, None, union, outcome, "Protokoll justerat."))
        else:
            events.append(("protocol_approved", done_at, None, None, None, ""))
        decided_at = done_at + dt.timedelta(days=rng.randint(1, 30))
        if kind != "dispute" and decided_at <= now and rng.random() < 0.75:
            events.append(("decision_taken", decided_at, None, None, None, "Beslut enligt delegation."))
    elif parties and kind in rules.LOCAL and rng.random() < 0.05:
        events.append(("meeting_held", created + dt.timedelta(days=3), dt.time(13, 0), None, None, "Första mötet."))
    return events


def generate_matters(reg: Registry, n: int, rng: random.Random, start: dt.datetime, now: dt.datetime,
                     bases: dict[str, int]):
    """Matters in time order (ids grow with created_at), their parties and events; also, per
    department, (created timestamps, ids) so agenda items can refer to recent matters."""
    from samverkan.matters import rules
    from samverkan.pagination import folded

    matters = TableRows("matter", ("id", "diary_no", "diary_year", "diary_serial", "title", "description", "kind",
                                   "department", "personal_data", "status", "decision_allowed", "hold_reason",
                                   "version", "search_text", "created_by", "created_at", "updated_at"))
    parties = TableRows("matter_party", ("id", "matter", "trade_union", "state"))
    events = TableRows("matter_event", ("id", "matter", "type", "date", "time", "trade_union", "outcome", "note",
                                        "agenda_item_id", "deleted_at", "created_by", "created_at", "updated_at"))
    span = (now - start).total_seconds()
    created = sorted(start + dt.timedelta(seconds=int(rng.random() * span)) for _ in range(n))
    kind_of = _weighted(rng, MATTER_KINDS)
    serials: dict[tuple[str, int], int] = defaultdict(int)
    by_department: dict[int, tuple[list[float], list[int]]] = defaultdict(lambda: ([], []))
    party_id, event_id = bases["matter_party"], bases["matter_event"]
    for matter_id, created_at in enumerate(created, bases["matter"] + 1):
        department = rng.choice(reg.departments)
        year = created_at.astimezone(STOCKHOLM).year
        serials[(department["diary_prefix"], year)] += 1
        serial = serials[(department["diary_prefix"], year)]
        diary_no = f"{department['diary_prefix']} {year}/{serial:04d}"
        kind = kind_of()
        subject = rng.choice(SUBJECTS)
        title = f"{subject}, {rng.choice(PLACES)}"
        group_unions = reg.group_of_department[department["id"]]["unions"]
        union_ids = sorted(rng.sample(group_unions, rng.choice((1, 2, 2, 2, 3))))
        history = _matter_events(rng, kind, union_ids, created_at, now)
        facts = []
        updated_at = created_at
        for type_, when, time_, union, outcome, note in history:
            rules.check_event(kind, type_, union, outcome, note, union_ids)  # the service would refuse anything else
            day = when.astimezone(STOCKHOLM).date()
            facts.append(rules.Fact(type_, day, union, outcome, note))
            event_id += 1
            events.rows.append((event_id, matter_id, type_, day, time_, union, outcome, note, None, None, None, when, when))
            updated_at = max(updated_at, when)
        hold = rules.decision_hold(kind, union_ids, facts, reg.union_names)
        matters.rows.append((
            matter_id, diary_no, year, serial, title, rng.choice(DESCRIPTIONS).format(s=subject.lower()), kind,
            department["id"], rng.random() < 0.03, hold.status, hold.decision_allowed, hold.reason or "", 1,
            folded(diary_no, title), None, created_at, updated_at,
        ))
        for union in union_ids:
            party_id += 1
            parties.rows.append((party_id, matter_id, union, hold.party_states[union]))
        stamps, ids = by_department[department["id"]]
        stamps.append(created_at.timestamp())
        ids.append(matter_id)
    return [matters, parties, events], by_department


def _meeting_start(rng: random.Random, start: dt.datetime, span: float) -> dt.datetime:
    day = (start + dt.timedelta(seconds=rng.random() * span)).astimezone(STOCKHOLM).date()
    if day.weekday() >= 5:
        day += dt.timedelta(days=7 - day.weekday())
    return dt.datetime.combine(day, dt.time(rng.randint(8, 15), rng.choice((0, 30))), tzinfo=STOCKHOLM)


def generate_meetings(reg: Registry, n: int, rng: random.Random, start: dt.datetime, end: dt.datetime, now: dt.datetime,
                      matters_by_department: dict[int, tuple[list[float], list[int]]], bases: dict[str, int]) -> list[TableRows]:
    from samverkan.pagination import folded

    meetings = TableRows("meeting", ("id", "kind", "title", "department", "group", "starts_at", "ends_at", "place",
                                     "status", "chair", "minute_taker", "version", "search_text", "created_at", "updated_at"))
    meeting_unions = TableRows("meeting_union", ("id", "meeting", "trade_union"))
    approvers = TableRows("meeting_approver", ("id", "meeting", "trade_union", "person"))
    participants = TableRows("participant", ("id", "meeting", "person", "side", "trade_union", "role", "present"))
    items = TableRows("agenda_item", ("id", "meeting", "number", "title", "kind", "matter", "text",
                                      "employer_position", "closed_on", "version"))
    positions = TableRows("agenda_position", ("id", "item", "trade_union", "outcome", "note", "reservation",
                                              "central_requested"))
    span = (end - start).total_seconds()
    starts = sorted(_meeting_start(rng, start, span) for _ in range(n))
    kind_of = _weighted(rng, MEETING_KINDS)
    central = [g for g in reg.groups if g["department"] is None]
    ids = dict(union=bases["meeting_union"], approver=bases["meeting_approver"], participant=bases["participant"],
               item=bases["agenda_item"], position=bases["agenda_position"])
    # 30 % of all items have positions; only items 3..9 can have them (7 of 10).
    position_chance = 0.3 * ITEMS_PER_MEETING / (ITEMS_PER_MEETING - 3)
    for meeting_id, starts_at in enumerate(starts, bases["meeting"] + 1):
        group = rng.choice(central) if central and rng.random() < 0.03 else rng.choice(list(reg.group_of_department.values()))
        department = group["department"]
        kind = kind_of()
        if kind == "safety_committee" and not group["safety_committee"]:
            kind = "samverkan"
        held = starts_at < now
        status = (("held" if rng.random() < 0.95 else "cancelled") if held
                  else ("called" if rng.random() < 0.4 else "planned"))
        title = f"{MEETING_LABELS[kind]} {group['name']} {starts_at.date().isoformat()}"
        place = f"Sammanträdesrum {rng.choice(PLACES)}"
        chair, minute_taker = reg.manager[department], reg.hr[department]
        created_at = starts_at - dt.timedelta(days=rng.randint(14, 60))
        meetings.rows.append((meeting_id, kind, title, department, group["id"], starts_at,
                              starts_at + dt.timedelta(minutes=rng.choice((60, 90, 120))), place, status, chair,
                              minute_taker, 1, folded(title, place), created_at, min(starts_at, now)))
        unions = sorted(rng.sample(group["unions"], min(len(group["unions"]), rng.randint(2, 4))))
        for union in unions:
            ids["union"] += 1
            meeting_unions.rows.append((ids["union"], meeting_id, union))
        for union, person in ((None, minute_taker), (unions[0], reg.rep[unions[0]])):
            ids["approver"] += 1
            approvers.rows.append((ids["approver"], meeting_id, union, person))
        present = True if status == "held" else None
        for person, side, union in [(chair, "employer", None), (minute_taker, "employer", None),
                                    *((reg.rep[u], "union", u) for u in unions)]:
            ids["participant"] += 1
            participants.rows.append((ids["participant"], meeting_id, person, side, union, "ordinary", present))
        stamps, candidates = matters_by_department.get(department, ([], []))
        recent = bisect.bisect_left(stamps, starts_at.timestamp())
        for number in range(1, ITEMS_PER_MEETING + 1):
            ids["item"] += 1
            matter, closed_on, employer_position, text = None, None, "", ITEM_TEXT
            if number == 1:
                title, item_kind, text = "Mötets öppnande", "formalities", ""
            elif number == 2:
                title, item_kind, text = "Val av justerare", "formalities", ""
            elif number == ITEMS_PER_MEETING:
                title, item_kind = "Övriga frågor", "other"
            else:
                item_kind = rng.choice(ITEM_KINDS)
                title = f"{rng.choice(SUBJECTS)}, {rng.choice(PLACES)}"
                if recent and rng.random() < 0.5:
                    matter = candidates[rng.randrange(max(0, recent - 300), recent)]
                if item_kind in {"negotiation", "samverkan"}:
                    employer_position = "Arbetsgivaren föreslår att förändringen genomförs enligt underlaget."
                    if matter and status == "held":
                        closed_on = starts_at.date()
            items.rows.append((ids["item"], meeting_id, number, title, item_kind, matter, text, employer_position,
                               closed_on, 1))
            if 3 <= number < ITEMS_PER_MEETING and rng.random() < position_chance:
                outcome = {"negotiation": "agreement" if rng.random() < 0.85 else "disagreement",
                           "samverkan": "agreement", "information": "informed"}.get(item_kind)
                for union in unions:
                    ids["position"] += 1
                    note = "Protokollsanteckning: förbundet vill följa upp frågan." if rng.random() < 0.1 else ""
                    positions.rows.append((ids["position"], ids["item"], union, outcome, note, "", False))
    return [meetings, meeting_unions, approvers, participants, items, positions]


def write_sqlite(path: Path, tables: list[TableRows]) -> None:
    """One transaction of executemany; datetimes/dates/times go through Piccolo's sqlite3 adapters
    (registered when piccolo.engine.sqlite is imported), so they are stored as the service stores them."""
    import piccolo.engine.sqlite  # noqa: F401 - registers the adapters

    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA foreign_keys = ON")  # as the service's connections: a bad reference fails the seed
        con.execute("PRAGMA synchronous = OFF")  # this connection only; the service's own setting is untouched
        con.execute("BEGIN")
        for t in tables:
            columns = ", ".join(f'"{c}"' for c in t.columns)
            marks = ", ".join("?" for _ in t.columns)
            con.executemany(f'INSERT INTO "{t.name}" ({columns}) VALUES ({marks})', t.rows)
        con.execute("COMMIT")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


async def write_postgres(url: str, tables: list[TableRows]) -> None:
    """COPY in one transaction, then move each serial's sequence past the ids we chose."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction():
            for t in tables:
                await conn.copy_records_to_table(t.name, records=t.rows, columns=list(t.columns))
        for t in tables:
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{t.name}\"', 'id'), (SELECT max(id) FROM \"{t.name}\"))"
            )
    finally:
        await conn.close()


async def seed(target: Target, args: argparse.Namespace) -> None:
    from samverkan.database import engine

    t0 = time.perf_counter()
    await load_demo_registry()
    reg = await read_registry()
    bases = await max_ids(TABLES)
    rng = random.Random(args.seed)
    now = dt.datetime.now(UTC).replace(microsecond=0)
    start = now.replace(year=now.year - YEARS)
    n_matters, n_meetings = expected_rows(args.scale)
    t1 = time.perf_counter()
    matter_tables, by_department = generate_matters(reg, n_matters, rng, start, now, bases)
    meeting_tables = generate_meetings(reg, n_meetings, rng, start, now + dt.timedelta(days=90), now, by_department, bases)
    tables = matter_tables + meeting_tables
    t2 = time.perf_counter()
    if target.engine == "postgres":
        await write_postgres(target.pg_url, tables)
    else:
        write_sqlite(target.sqlite_path, tables)
    t3 = time.perf_counter()
    analyzed = ""
    if target.engine == "postgres":
        await _admin_execute(target.pg_url, "VACUUM (ANALYZE)")  # not in a transaction: its own connection
        await _admin_execute(target.pg_url, "CHECKPOINT")  # so the checkpointer is not busy while we measure
        analyzed = "VACUUM (ANALYZE) + CHECKPOINT"
    elif args.sqlite_analyze:
        await engine().run_ddl("ANALYZE")
        analyzed = "ANALYZE (--sqlite-analyze)"
    t4 = time.perf_counter()
    counts = [(table.name, len(table.rows)) for table in tables]
    del tables, matter_tables, meeting_tables, by_department
    gc.collect()  # the generated rows are gone before anything is measured
    print("Seeded rows:")
    for name, count in counts:
        print(f"  {name:<18} {count:>10,}")
    print(f"Seeding time: {t4 - t0:.1f} s  (demo registry {t1 - t0:.1f} s, generate {t2 - t1:.1f} s, "
          f"bulk insert {t3 - t2:.1f} s{f', {analyzed} {t4 - t3:.1f} s' if analyzed else ''})")
    if target.engine == "sqlite":
        print(f"SQLite file: {target.sqlite_path.stat().st_size / 1e6:,.0f} MB")


# The scoped viewers measured besides the admin: the department and the union that see the most.
DEPARTMENT_CODE = "VOF"
UNION_NAME = "Kommunal"  # a party in every group, so its scope is the largest


@dataclass
class Viewers:
    """Authorization headers of the three callers, and what the scoped ones belong to."""

    admin: dict[str, str]
    department: dict[str, str]
    union: dict[str, str]
    department_id: int
    union_id: int


async def _token_for(email: str, role: str, department_id: int | None = None, union_id: int | None = None) -> dict[str, str]:
    from samverkan.accounts import service
    from samverkan.accounts.schemas import UserCreate
    from samverkan.errors import Conflict

    try:
        user_id = (await service.create_user(UserCreate(
            email=email, name=f"Bench {role}", role=role, department_id=department_id, union_id=union_id,
        ))).id
    except Conflict:  # a kept database: the user is there already
        user_id = await service.find_user_id(email)
    token, _ = await service.create_token(user_id, "bench")
    return {"Authorization": f"Bearer {token}"}


async def make_viewers() -> Viewers:
    from samverkan.orgs.tables import Department, TradeUnion

    department_id = (await Department.select(Department.id).where(Department.code == DEPARTMENT_CODE).first())["id"]
    union_id = (await TradeUnion.select(TradeUnion.id).where(TradeUnion.name == UNION_NAME).first())["id"]
    return Viewers(
        admin=await _token_for("bench-admin@bench.example", "admin"),
        department=await _token_for("bench-department@bench.example", "department", department_id=department_id),
        union=await _token_for("bench-union@bench.example", "union", union_id=union_id),
        department_id=department_id, union_id=union_id,
    )


# --- measuring ---------------------------------------------------------------


@dataclass
class Endpoint:
    name: str
    url: Callable[[int], str]  # limit -> URL (limit ignored where there is none)
    headers: dict[str, str]  # whose token
    has_limit: bool = True
    samples: list[float] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    queries: dict[int, int] = field(default_factory=dict)  # limit -> statements per request


class QueryRecorder:
    """Records the statements the service sends, with their time, by wrapping the engine class's
    run_querystring for the duration of the block (Piccolo engines have __slots__; see tests/conftest.py)."""

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


async def fetch(client, url: str, headers: dict[str, str]) -> bytes:
    response = await client.get(url, headers=headers)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} -> {response.status_code}: {response.text[:500]}")
    return response.content


async def timed(client, url: str, headers: dict[str, str]) -> tuple[float, int]:
    t0 = time.perf_counter()
    body = await fetch(client, url, headers)
    return (time.perf_counter() - t0) * 1000, len(body)


def _month_window(rng: random.Random, first: dt.date, last: dt.date) -> str:
    months = (last.year - first.year) * 12 + last.month - first.month
    m = rng.randrange(months + 1)
    year, month = first.year + (first.month - 1 + m) // 12, (first.month - 1 + m) % 12 + 1
    start = dt.date(year, month, 1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return f"from={start.isoformat()}&to={end.isoformat()}"


async def build_endpoints(client, viewers: Viewers, rng: random.Random) -> list[Endpoint]:
    """The endpoints with their random request parameters; totals come from a first request."""
    from samverkan.meetings.tables import Meeting, MeetingUnion

    async def total(query: str, headers: dict[str, str]) -> int:
        count = json.loads(await fetch(client, f"{API}/matters?limit=1{query}", headers))["total"]
        if not count:
            raise RuntimeError(f"no matters for /matters?{query}: the seed is not what the benchmark expects")
        return count

    admin, department, union = viewers.admin, viewers.department, viewers.union
    matters, on_hold = await total("", admin), await total("&status=on_hold", admin)
    department_matters, union_matters = await total("", department), await total("", union)
    first = await Meeting.select(Meeting.starts_at).order_by(Meeting.starts_at).first()
    last = await Meeting.select(Meeting.starts_at).order_by(Meeting.starts_at, ascending=False).first()
    first_day, last_day = first["starts_at"].astimezone(STOCKHOLM).date(), last["starts_at"].astimezone(STOCKHOLM).date()
    meeting_ids = [r["id"] for r in await Meeting.select(Meeting.id)]
    union_meeting_ids = [r["meeting"] for r in await MeetingUnion.select(MeetingUnion.meeting).where(
        MeetingUnion.trade_union == viewers.union_id)]

    def page(limit: int, rows: int, pages: int | None = None) -> int:
        """A random offset: anywhere, or within the first ``pages`` pages."""
        last_offset = max(0, rows - limit) if pages is None else min(max(0, rows - limit), (pages - 1) * limit)
        return rng.randint(0, last_offset)

    def month() -> str:
        return _month_window(rng, first_day, last_day)

    return [
        Endpoint("matters, first 20 pages", lambda n: f"{API}/matters?limit={n}&offset={page(n, matters, 20)}", admin),
        Endpoint("matters, any offset", lambda n: f"{API}/matters?limit={n}&offset={page(n, matters)}", admin),
        Endpoint("matters status=on_hold", lambda n: f"{API}/matters?limit={n}&status=on_hold&offset={page(n, on_hold, 5)}", admin),
        Endpoint("meetings, one month", lambda n: f"{API}/meetings?limit={n}&{month()}", admin),
        Endpoint("meeting page", lambda _: f"{API}/meetings/{rng.choice(meeting_ids)}", admin, has_limit=False),
        Endpoint(f"department: matters, 20 pages", lambda n: f"{API}/matters?limit={n}&offset={page(n, department_matters, 20)}", department),
        Endpoint(f"department: meetings, 1 month", lambda n: f"{API}/meetings?limit={n}&{month()}", department),
        Endpoint(f"union: matters, 20 pages", lambda n: f"{API}/matters?limit={n}&offset={page(n, union_matters, 20)}", union),
        Endpoint(f"union: meetings, one month", lambda n: f"{API}/meetings?limit={n}&{month()}", union),
        Endpoint(f"union: meeting page", lambda _: f"{API}/meetings/{rng.choice(union_meeting_ids)}", union, has_limit=False),
    ]


def bare_app(payload: Any):
    from litestar import Litestar, get

    @get("/bare")
    async def bare() -> Any:
        return payload

    # logging_config=None: Litestar's default config would reconfigure the process's logging (root at
    # INFO), and the service's app would then log every request during the measurement.
    return Litestar(route_handlers=[bare], debug=False, logging_config=None)


async def measure(client, endpoints: list[Endpoint], n: int, warmup: int) -> None:
    """Warm each endpoint up, then take n rounds of one request per endpoint in turn, so that every
    endpoint (and the bare baseline) meets the same background load."""
    for e in endpoints:
        for _ in range(warmup):
            await fetch(client, e.url(50), e.headers)
    for _ in range(n):
        for e in endpoints:
            ms, size = await timed(client, e.url(50), e.headers)
            e.samples.append(ms)
            e.sizes.append(size)


async def count_queries(client, endpoint: Endpoint, engine_type: str) -> None:
    """Statements per request at limit=5 and 50: the most of three requests (an empty page skips
    the queries for its details), not counting the once-a-minute last_used_at update of the token."""
    for limit in ((5, 50) if endpoint.has_limit else (50,)):
        counts = []
        for _ in range(3):
            with QueryRecorder() as rec:
                await fetch(client, endpoint.url(limit), endpoint.headers)
            counts.append(sum(1 for qs, _ in rec.statements if _label(qs, engine_type) != "UPDATE api_token"))
        endpoint.queries[limit] = max(counts)


def _label(querystring: Any, engine_type: str) -> str:
    sql = " ".join(querystring.compile_string(engine_type=engine_type)[0].split())
    verb = sql.split(" ", 1)[0].upper()
    table = re.search(r'\b(?:FROM|UPDATE|INTO)\s+"?(\w+)"?', sql, re.I)
    name = f"{verb} {table.group(1) if table else '?'}"
    if "COUNT(" in sql.upper():
        name += " count(*)"
    if verb == "SELECT" and "JOIN" in sql.upper():
        name += " (join)"
    return name


async def statement_times(client, endpoint: Endpoint, n: int, engine_type: str) -> list[tuple[str, float, float]]:
    """p50 and p95 of each statement, by its position in the request."""
    per_statement: dict[str, list[float]] = defaultdict(list)
    for _ in range(n):
        with QueryRecorder() as rec:
            await fetch(client, endpoint.url(50), endpoint.headers)
        for i, (qs, ms) in enumerate(rec.statements, 1):
            per_statement[f"{i}. {_label(qs, engine_type)}"].append(ms)
    return [(name, _pct(v, 50), _pct(v, 95)) for name, v in per_statement.items() if len(v) >= n // 2]


async def statement_floor(n: int) -> list[float]:
    """Milliseconds of one real, simple table query (a matter by its id) through the service's
    engine: the least any statement costs (PostgreSQL: a pool checkout and a round trip; SQLite: a
    reader connection's turn). ``SELECT 1`` would not touch a table or an index."""
    from piccolo.querystring import QueryString

    from samverkan.database import engine

    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        await engine().run_querystring(QueryString("SELECT id, title FROM matter WHERE id = {}", 1 + len(samples)))
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def _pct(values: list[float], p: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


# --- query plans ---------------------------------------------------------------


def _template(querystring: Any, engine_type: str) -> str:
    """The SQL without its values, and IN lists of any length alike: the same statement shape."""
    sql = " ".join(querystring.compile_string(engine_type=engine_type)[0].split())
    return re.sub(r"\((?:\?|\$\d+)(?:, (?:\?|\$\d+))*\)", "(…)", re.sub(r"\$\d+", "?", sql))


def _short_sql(sql: str) -> str:
    sql = " ".join(sql.split())
    sql = re.sub(r'^SELECT (.{60,}?) FROM', lambda m: "SELECT " + m.group(1)[:40] + "… FROM", sql)
    return sql if len(sql) <= 400 else sql[:397] + "…"


async def explain(target: Target, statements: list[Any]) -> list[tuple[str, list[str]]]:
    out = []
    if target.engine == "postgres":
        import asyncpg

        conn = await asyncpg.connect(target.pg_url)
        try:
            for qs in statements:
                sql, params = qs.compile_string(engine_type="postgres")
                rows = await conn.fetch("EXPLAIN (ANALYZE, BUFFERS) " + sql, *params)
                out.append((_short_sql(sql), [r[0] for r in rows]))
        finally:
            await conn.close()
    else:
        import piccolo.engine.sqlite  # noqa: F401 - the same parameter adapters as the service

        con = sqlite3.connect(target.sqlite_path)
        try:
            for qs in statements:
                sql, params = qs.compile_string(engine_type="sqlite")
                rows = con.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
                out.append((_short_sql(sql), [f"{'  ' * _depth(rows, r)}{r[3]}" for r in rows]))
        finally:
            con.close()
    return out


def _depth(rows: list[tuple], row: tuple) -> int:
    parents = {r[0]: r[1] for r in rows}
    depth, parent = 0, row[1]
    while parent in parents:
        depth, parent = depth + 1, parents[parent]
    return depth


# --- the run -------------------------------------------------------------------


def print_results(endpoints: list[Endpoint], baseline: Endpoint, floor: list[float]) -> None:
    base = _pct(baseline.samples, 50)
    print(f"\nLatency, {len(baseline.samples)} sequential requests each, limit=50 (ms):")
    print(f"  {'endpoint':<30} {'p50':>8} {'p95':>8} {'max':>8} {'x bare':>7} {'bytes':>8} {'queries':>8}")
    for e in [baseline, *endpoints]:
        queries = str(e.queries.get(50, "")) if e is not baseline else "0"
        print(f"  {e.name:<30} {_pct(e.samples, 50):8.2f} {_pct(e.samples, 95):8.2f} {max(e.samples):8.2f} "
              f"{_pct(e.samples, 50) / base:7.1f} {statistics.mean(e.sizes):8,.0f} {queries:>8}")
    print(f"  (one statement, a matter by id through the service's engine: p50 {_pct(floor, 50):.2f} ms, "
          f"p95 {_pct(floor, 95):.2f} ms: the floor under each of the queries)")
    print("\nSQL statements per request (authentication included, the API token's once-a-minute last_used_at update not):")
    print(f"  {'endpoint':<30} {'limit=5':>8} {'limit=50':>9}")
    for e in endpoints:
        print(f"  {e.name:<30} {e.queries.get(5, '-')!s:>8} {e.queries[50]!s:>9}"
              + ("   fixed" if e.has_limit and e.queries[5] == e.queries[50] else ""))


async def run(args: argparse.Namespace, target: Target) -> int:
    import httpx

    await create_database(target, args)
    from samverkan.app import create_app
    from samverkan.settings import get_settings

    settings = get_settings()
    app = create_app(settings)
    engine_type = "postgres" if settings.is_postgres else "sqlite"
    print(f"samverkan bench: engine={target.engine} scale={args.scale:g} requests={args.requests} "
          f"loop={type(asyncio.get_running_loop()).__module__} "
          f"{'pool=' + str(settings.db_pool_size) if settings.is_postgres else settings.sqlite_path} "
          f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.2f}")
    async with app.lifespan():  # the service's own start-up: migrations, then the pool on this loop
        if target.reused:
            print("Reusing the kept, already seeded database (no seeding).")
        else:
            await seed(target, args)
        viewers = await make_viewers()
        rng = random.Random(args.seed + 1)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), timeout=120) as payload_client:
            payload = json.loads(await fetch(payload_client, f"{API}/matters?limit=50", viewers.admin))
        mounts = {"http://app": httpx.ASGITransport(app=app), "http://bare": httpx.ASGITransport(app=bare_app(payload))}
        async with httpx.AsyncClient(mounts=mounts, timeout=120) as client:
            endpoints = await build_endpoints(client, viewers, rng)
            baseline = Endpoint("bare Litestar, same payload", lambda _: "http://bare/bare", viewers.admin, has_limit=False)
            await measure(client, [baseline, *endpoints], args.requests, args.warmup)
            for e in endpoints:
                await count_queries(client, e, engine_type)
            floor = await statement_floor(args.requests)
            print(f"\nMeasured; load average now {os.getloadavg()[0]:.2f} (other processes on the machine skew the figures).")
            print_results(endpoints, baseline, floor)

            print("\nTime per statement inside the request, p50 / p95 ms "
                  f"({min(args.requests, 50)} requests each, limit=50):")
            for e in endpoints:
                print(f"  {e.name}")
                for name, p50, p95 in await statement_times(client, e, min(args.requests, 50), engine_type):
                    print(f"    {name:<40} {p50:7.2f} {p95:7.2f}")

            print(f"\nQuery plans ({'EXPLAIN (ANALYZE, BUFFERS)' if settings.is_postgres else 'EXPLAIN QUERY PLAN'}), "
                  "one request each, limit=50; a statement shown once is not repeated:")
            shown: set[str] = set()
            for e in endpoints:
                with QueryRecorder() as rec:
                    await fetch(client, e.url(50), e.headers)
                statements = []
                for qs, _ in rec.statements:
                    template = _template(qs, engine_type)
                    if template not in shown:
                        shown.add(template)
                        statements.append(qs)
                print(f"\n== {e.name}")
                for sql, plan in await explain(target, statements):
                    print(f"  -- {sql}")
                    for line in plan:
                        print(f"     {line}")

    status = 0
    if settings.is_postgres:
        print(f"\nTarget (PostgreSQL, p95 < {TARGET_MS:.0f} ms):")
        for e in endpoints:
            if "meeting" in e.name:
                p95 = _pct(e.samples, 95)
                ok = p95 < TARGET_MS
                print(f"  {e.name:<30} p95 {p95:7.2f} ms  {'met' if ok else 'MISSED'}"
                      + ("" if args.scale == 1.0 else f"  (at scale {args.scale:g}; the target is for 1.0)"))
                if not ok and args.check:
                    status = 2
    return status


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
