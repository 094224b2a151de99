"""Throughput over a real socket: the service beside a bare Litestar app answering the same bytes.

    python bench/http.py [--engine sqlite,postgres] [--data demo,1k,100k] [--workers 1,2]
                         [--duration 5] [--rounds 2] [--connections 16] [--only matters,deadlines]
                         [--page-cache-mb N]

For each engine and data set it starts ``samverkan serve --workers N`` (the scheduler off) and,
beside it, a bare Litestar app under uvicorn with as many workers that answers every endpoint
with the very bytes the service answered (read once from the service before measuring). Both
are driven by ``wrk`` (Debian package ``wrk``) in another process, ``--connections`` at once
(16) for ``--duration`` seconds; service and bare runs alternate per endpoint and round, so
background load hits both alike. It prints, per endpoint, req/s, p50 and p99 of both and the
ratio service / bare (the best round of each). Issue 15's targets: API reads ≥ 15 % of the bare
app on SQLite and ≥ 20 % on PostgreSQL, the meeting page ≥ 10 %, one worker; and from 1k to
100k matters every list within 2× (compare the rows of ``1k`` and ``100k``).

Data sets:
* ``demo``: ``samverkan demo`` (Lunds kommun's year);
* ``1k`` and ``100k``: the demo registry and 1,000 or 100,000 matters over ten years with
  500 or 50,000 meetings, as ``bench/matters_meetings.py`` seeds them (its ``--keep`` databases,
  reused between runs), plus three deadlines per matter (3k or 300k).

Callers: an administrator (sees everything) and a user of Kommunal (the largest union scope), by
API token; the meeting page by a signed-in session. The PostgreSQL server is ``--pg-url``
(default postgresql://postgres@127.0.0.1:5432/test); databases are made next to it.

The meeting page is asked for again and again by one session with the same data, so after the
first request its HTML comes from the page cache (``web/page_cache.py``; its data is still read
every time). ``--page-cache-mb 0`` serves it without the cache: drawn on every request, as after
each change to the meeting.

The figures are for the machine at hand: on a two-core machine wrk, the service and the bare
app share the cores, so the ratio, not the absolute req/s, is what carries over.
"""

from __future__ import annotations

import os
import sys

# This file is named like the standard library's package "http", and a script in this folder
# finds it first: run as a script it takes its folder off the path; imported as "http" (by
# another bench) it loads the standard library's package in its own place.
if __name__ == "http":
    import importlib.machinery
    import importlib.util
    import sysconfig

    _spec = importlib.machinery.PathFinder.find_spec("http", [sysconfig.get_paths()["stdlib"]])
    sys.modules["http"] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sys.modules["http"])
elif __name__ == "__main__":
    _here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _here]

import argparse
import http.client
import json
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

BENCH = Path(__file__).resolve().parent
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
SCALES = {"1k": 0.01, "100k": 1.0}
DEADLINES_PER_MATTER = 3


# --- preparing a data set (in a child process: settings are read at import) ---------------


def _prepare(engine: str, data: str, pg_url: str) -> dict:
    """Seed (or reuse) the data set; answer the environment of the service and the callers."""
    import asyncio

    sys.path.insert(0, str(BENCH))
    import matters_meetings as mm

    args = argparse.Namespace(engine=engine, scale=SCALES.get(data, 0.0), keep=True, pg_url=pg_url, pool_size=10,
                              seed=1, sqlite_analyze=False)
    target = mm.prepare_target(args)
    if data == "demo":  # a directory and database of its own, loaded afresh
        os.environ["SAMVERKAN_DATA_DIR"] = str(_fresh_dir(f"samverkan_bench_http_demo_{engine}"))
        if engine == "postgres":
            target.pg_name = "samverkan_bench_http_demo"
            target.pg_url = mm._with_database(pg_url, target.pg_name)
            os.environ["SAMVERKAN_DATABASE_URL"] = target.pg_url
    env = {k: v for k, v in os.environ.items() if k.startswith("SAMVERKAN_")}

    async def run() -> dict:
        if data == "demo":
            if engine == "postgres":
                await mm._admin_execute(pg_url, f'DROP DATABASE IF EXISTS "{target.pg_name}" WITH (FORCE)')
                await mm._admin_execute(pg_url, f'CREATE DATABASE "{target.pg_name}"')
        else:
            await mm.create_database(target, args)
        from samverkan import demo
        from samverkan.app import create_app

        app = create_app()
        async with app.lifespan():
            if data == "demo":
                await demo.load()
            else:
                if not target.reused:
                    await mm.seed(target, args)
                await _seed_deadlines(engine, target)
            return await _callers(mm)

    callers = asyncio.run(run())
    return {"env": env, **callers}


def _fresh_dir(name: str) -> Path:
    path = Path(tempfile.gettempdir()) / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir()
    return path


async def _seed_deadlines(engine: str, target) -> None:
    """Three open deadlines per matter, due over the matter's next year, unless there are as many."""
    from piccolo.querystring import QueryString

    from samverkan.database import engine as db

    matters = (await db().run_querystring(QueryString("SELECT count(*) AS n FROM matter")))[0]["n"]
    have = (await db().run_querystring(QueryString("SELECT count(*) AS n FROM deadline")))[0]["n"]
    if have >= matters * DEADLINES_PER_MATTER:
        return
    day = "matter.created_at::date" if engine == "postgres" else "date(matter.created_at)"
    plus = (lambda n: f"({day} + {n})") if engine == "postgres" else (lambda n: f"date(matter.created_at, '+{n} days')")
    for n in (7, 30, 365)[:DEADLINES_PER_MATTER]:
        await db().run_querystring(QueryString(
            "INSERT INTO deadline (matter, rule_id, subject, department, label, start, unadjusted_due, due, reason, "
            "responsible, state, waived_reason, created_at, updated_at) "
            f"SELECT matter.id, 'MBL16-MEET-LOCAL', 'matter', matter.department, '', {day}, {plus(n)}, {plus(n)}, '', 'employer', "
            "'open', '', matter.created_at, matter.created_at FROM matter"))
    if engine == "postgres":
        from matters_meetings import _admin_execute

        await _admin_execute(target.pg_url or os.environ["SAMVERKAN_DATABASE_URL"], "VACUUM (ANALYZE) deadline")


async def _callers(mm) -> dict:
    from samverkan.accounts import service
    from samverkan.accounts.schemas import UserCreate
    from samverkan.errors import Conflict
    from samverkan.meetings.tables import Meeting, MeetingUnion
    from samverkan.orgs.tables import TradeUnion

    union_id = (await TradeUnion.select(TradeUnion.id).where(TradeUnion.name == mm.UNION_NAME).first())["id"]
    password = "bench-password-1"
    tokens = {}
    for role in ("admin", "union"):
        email = f"bench-http-{role}@bench.example"
        try:
            user_id = (await service.create_user(UserCreate(email=email, name=f"Bench {role}", role=role, password=password,
                                                             union_id=union_id if role == "union" else None))).id
        except Conflict:
            user_id = await service.find_user_id(email)
        tokens[role] = (await service.create_token(user_id, "bench"))[0]
    # A meeting of the union's in the middle of the table: rows the page and the API both show.
    ids = [r["meeting"] for r in await MeetingUnion.select(MeetingUnion.meeting).where(MeetingUnion.trade_union == union_id)
           .order_by(MeetingUnion.meeting)]
    meeting_id = ids[len(ids) // 2]
    assert await Meeting.exists().where(Meeting.id == meeting_id)
    return {"tokens": tokens, "admin_email": "bench-http-admin@bench.example", "password": password, "meeting_id": meeting_id}


# --- processes ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _request(port: int, method: str, path: str, headers: dict | None = None, body: str | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response, response.read()


def _wait_healthy(port: int, process: subprocess.Popen, path: str = "/health", timeout: float = 180) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError(f"the server on {port} exited with {process.returncode}: {process.stderr.read()[-2000:]!r}")
        try:
            if _request(port, "GET", path)[0].status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"no 200 on {path} within {timeout} s")


def _start(argv: list[str], env: dict, port: int, path: str) -> subprocess.Popen:
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        _wait_healthy(port, process, path)
    except BaseException:
        _stop(process)
        raise
    return process


def _stop(process: subprocess.Popen) -> None:
    """The server and its workers (its own process group)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


BARE_APP = '''
import json, pathlib
from litestar import Litestar, Response, get

_DIR = pathlib.Path(__file__).parent
_PAYLOADS = [(_DIR / f"{n}.body").read_bytes() for n in range(json.loads((_DIR / "count").read_text()))]
_TYPES = json.loads((_DIR / "types.json").read_text())


@get("/bare/{n:int}")
async def bare(n: int) -> Response:
    return Response(content=_PAYLOADS[n], media_type=_TYPES[n])


@get("/health")
async def health() -> dict:
    return {"status": "ok"}


app = Litestar([bare, health])
'''


def _login(port: int, email: str, password: str) -> str:
    """The Cookie header of a signed-in session (the form, as a browser sends it)."""
    response, _ = _request(port, "GET", "/logga-in")
    cookies = {c.split("=", 1)[0]: c.split(";", 1)[0].split("=", 1)[1] for c in response.headers.get_all("set-cookie") or []}
    body = urllib.parse.urlencode({"email": email, "password": password, "_csrf_token": cookies["csrftoken"]})
    response, _ = _request(port, "POST", "/logga-in", {"Content-Type": "application/x-www-form-urlencoded",
                                                       "Cookie": f"csrftoken={cookies['csrftoken']}"}, body)
    assert response.status in (302, 303), response.status
    for c in response.headers.get_all("set-cookie") or []:
        name, value = c.split(";", 1)[0].split("=", 1)
        cookies[name] = value
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


# --- wrk ---------------------------------------------------------------------

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def _wrk(url: str, headers: dict, duration: int, connections: int) -> tuple[float, float, float, int]:
    """(req/s, p50 ms, p99 ms, non-2xx responses) of one wrk run."""
    argv = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    for key, value in headers.items():
        argv += ["-H", f"{key}: {value}"]
    out = subprocess.run(argv + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    pct = {int(p): float(v) * _UNITS[u] for p, v, u in re.findall(r"^\s+(50|99)\.000%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)}
    if not pct:
        pct = {int(p): float(v) * _UNITS[u] for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)}
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return rps, pct.get(50, float("nan")), pct.get(99, float("nan")), (int(bad.group(1)) if bad else 0) + (
        sum(map(int, errors.groups())) if errors else 0)


# --- one engine and data set --------------------------------------------------


def _endpoints(info: dict, only: set[str] | None) -> list[tuple[str, str, str]]:
    """(name, path, caller) per endpoint; caller is a token's role or "session"."""
    m = info["meeting_id"]
    endpoints = [
        ("matters?limit=20", "/api/v1/matters?limit=20", "admin"),
        ("union: matters?limit=20", "/api/v1/matters?limit=20", "union"),
        ("meetings/{id}", f"/api/v1/meetings/{m}", "admin"),
        ("meetings?limit=20", "/api/v1/meetings?limit=20", "admin"),
        ("deadlines?limit=20", "/api/v1/deadlines?limit=20", "admin"),
        ("union: deadlines?limit=20", "/api/v1/deadlines?limit=20", "union"),
        ("page /moten/{id}", f"/moten/{m}", "session"),
    ]
    return [e for e in endpoints if not only or any(word in e[0] for word in only)]


def _measure(engine: str, data: str, workers: int, args: argparse.Namespace) -> list[dict]:
    code = {"PYTHONPATH": args.code} if args.code else {}
    prepare = subprocess.run([sys.executable, __file__, "--prepare", engine, data, "--pg-url", args.pg_url],
                             capture_output=True, text=True, env={**os.environ, **code})
    if prepare.returncode:
        raise RuntimeError(f"preparing {engine} {data} failed:\n{prepare.stderr[-3000:]}")
    info = json.loads(prepare.stdout.strip().splitlines()[-1])
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("SAMVERKAN_")}, **info["env"],
           "SAMVERKAN_SCHEDULER": "false", "SAMVERKAN_LOG_LEVEL": "WARNING", **code}
    if args.page_cache_mb is not None:
        env["SAMVERKAN_PAGE_CACHE_MB"] = str(args.page_cache_mb)
    service_port, bare_port = _free_port(), _free_port()
    samverkan = str(Path(sys.executable).with_name("samverkan"))
    workers_arg = ["--workers", str(workers)] if workers != 1 else []  # a checkout from before --workers has none
    service = _start([samverkan, "serve", "--port", str(service_port), *workers_arg], env, service_port, "/health")
    bare_dir = Path(tempfile.mkdtemp(prefix="samverkan_bench_bare_"))
    bare = None
    try:
        headers = {"admin": {"Authorization": f"Bearer {info['tokens']['admin']}"},
                   "union": {"Authorization": f"Bearer {info['tokens']['union']}"},
                   "session": {"Cookie": _login(service_port, info["admin_email"], info["password"])}}
        endpoints = _endpoints(info, args.only)
        types = []
        for n, (name, path, caller) in enumerate(endpoints):
            response, body = _request(service_port, "GET", path, headers[caller])
            if response.status != 200:
                raise RuntimeError(f"{name}: {response.status} {body[:300]!r}")
            (bare_dir / f"{n}.body").write_bytes(body)
            types.append(response.headers["content-type"])
        (bare_dir / "count").write_text(str(len(endpoints)))
        (bare_dir / "types.json").write_text(json.dumps(types))
        (bare_dir / "bare_app.py").write_text(BARE_APP)
        bare = _start([sys.executable, "-m", "uvicorn", "bare_app:app", "--app-dir", str(bare_dir), "--port", str(bare_port),
                       "--workers", str(workers), "--log-level", "warning", "--no-access-log"], env, bare_port, "/health")
        results = []
        for n, (name, path, caller) in enumerate(endpoints):
            runs = {"service": [], "bare": []}
            for _ in range(args.rounds):
                runs["service"].append(_wrk(f"http://127.0.0.1:{service_port}{path}", headers[caller], args.duration, args.connections))
                runs["bare"].append(_wrk(f"http://127.0.0.1:{bare_port}/bare/{n}", {}, args.duration, args.connections))
            best = {k: max(v, key=lambda r: r[0]) for k, v in runs.items()}
            results.append({"engine": engine, "data": data, "workers": workers, "endpoint": name,
                            "bytes": (bare_dir / f"{n}.body").stat().st_size, "service": best["service"], "bare": best["bare"],
                            "errors": sum(r[3] for v in runs.values() for r in v)})
            _print_row(results[-1])
        return results
    finally:
        _stop(service)
        if bare is not None:
            _stop(bare)
        shutil.rmtree(bare_dir, ignore_errors=True)


HEADER = (f"{'engine':<9}{'data':<6}{'w':>2}  {'endpoint':<27}{'bytes':>8}  {'service req/s':>13}{'p50':>8}{'p99':>8}"
          f"  {'bare req/s':>10}{'p50':>7}{'p99':>7}  {'ratio':>6}")


def _print_row(r: dict) -> None:
    s, b = r["service"], r["bare"]
    print(f"{r['engine']:<9}{r['data']:<6}{r['workers']:>2}  {r['endpoint']:<27}{r['bytes']:>8,}  {s[0]:>13,.0f}{s[1]:>8.1f}{s[2]:>8.1f}"
          f"  {b[0]:>10,.0f}{b[1]:>7.1f}{b[2]:>7.1f}  {s[0] / b[0]:>6.1%}" + (f"  ({r['errors']} errors)" if r["errors"] else ""),
          flush=True)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--engine", default="sqlite,postgres", help="sqlite, postgres or both (comma-separated)")
    p.add_argument("--data", default="demo,1k,100k", help="demo, 1k, 100k (comma-separated)")
    p.add_argument("--workers", default="1,2", help="uvicorn workers of both apps (comma-separated)")
    p.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    p.add_argument("--rounds", type=int, default=2, help="runs per endpoint and app; the best is shown")
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--only", type=lambda v: set(v.split(",")), help="endpoints whose names contain one of these words")
    p.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL))
    p.add_argument("--page-cache-mb", type=int, help="the service's SAMVERKAN_PAGE_CACHE_MB (0: pages drawn every time)")
    p.add_argument("--code", metavar="DIR", help="serve another checkout's code (on PYTHONPATH), e.g. for a before/after")
    p.add_argument("--prepare", nargs=2, metavar=("ENGINE", "DATA"), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.prepare:
        print(json.dumps(_prepare(*args.prepare, args.pg_url)))
        return 0
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 1
    print(f"code: {args.code or BENCH.parent}" + (f"; SAMVERKAN_PAGE_CACHE_MB={args.page_cache_mb}" if args.page_cache_mb is not None else ""))
    print(f"wrk, {args.connections} connections, {args.rounds} x {args.duration} s per endpoint and app, "
          f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.1f}; ratio = service req/s / bare req/s; p50/p99 in ms")
    print(HEADER, flush=True)
    for engine in args.engine.split(","):
        for data in args.data.split(","):
            for workers in [int(w) for w in args.workers.split(",")]:
                _measure(engine, data, workers, args)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
