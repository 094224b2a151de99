"""Time per statement: Piccolo's stock SQLiteEngine against samverkan's PooledSQLiteEngine.

    python bench/sqlite_engine.py [--statements 300] [--rounds 5] [--writers 8]

Both engines point at the same fresh, migrated SQLite file (WAL) holding the demo registry and a
few hundred matters. Rounds alternate between the engines, so background load hits both alike,
and each round runs, one after another (latency, not throughput):

* read: the matter page's lookup of one matter by id with its department's name (a join on
  real tables, as the service sends it through Piccolo);
* write: an UPDATE of one matter's title outside a transaction;
* transaction: the shape of a service write (read, then write, in ``engine.transaction()``).

Then ``--writers`` tasks at once each run 20 such transactions (a concurrent read-then-write,
the pattern that fails with ``database is locked`` on deferred transactions), and the number of
failures is printed per engine. Issue 15's target: ≤ 0.3 ms per simple statement.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import statistics
import tempfile
import time


def _prepare_environment() -> str:
    data_dir = tempfile.mkdtemp(prefix="samverkan-bench-sqlite-")
    os.environ["SAMVERKAN_DATA_DIR"] = data_dir
    os.environ.pop("SAMVERKAN_DATABASE_URL", None)
    os.environ.setdefault("SAMVERKAN_LOG_LEVEL", "WARNING")
    return data_dir


async def _seed(matters: int) -> list[int]:
    from samverkan import database
    from samverkan.demo.registry import load_registry
    from samverkan.matters.tables import Matter
    from samverkan.orgs.tables import Department
    from samverkan.settings import get_settings

    await database.migrate(get_settings())
    await load_registry()
    department = (await Department.select(Department.id).first())["id"]
    async with database.engine().transaction():
        for n in range(matters):
            await Matter.insert(Matter(title=f"Ärende {n}", department=department, diary_no=f"BENCH {n}"))
    return [row["id"] for row in await Matter.select(Matter.id)]


async def _timed(run, count: int) -> tuple[float, float]:
    """Wall-clock and CPU milliseconds per call; CPU time counts every thread of the process (the
    engines' worker threads too) and does not grow when other processes crowd the machine."""
    started, cpu = time.perf_counter(), time.process_time()
    for n in range(count):
        await run(n)
    return (time.perf_counter() - started) / count * 1000, (time.process_time() - cpu) / count * 1000


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--statements", type=int, default=300, help="statements per kind and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--writers", type=int, default=8)
    args = parser.parse_args()
    data_dir = _prepare_environment()

    from piccolo.engine.sqlite import SQLiteEngine

    from samverkan.matters.tables import Matter
    from samverkan.sqlite_engine import PooledSQLiteEngine

    ids = await _seed(300)
    path = os.path.join(data_dir, "samverkan.sqlite")
    engines = {"stock SQLiteEngine": SQLiteEngine(path=path, timeout=30), "PooledSQLiteEngine": PooledSQLiteEngine(path=path, timeout=30)}

    # A Piccolo query runs on its table's engine (a join too): point Matter at the one under test.
    def use(engine) -> None:
        Matter._meta.db = engine

    async def one_read(n: int) -> None:
        await Matter.select(Matter.id, Matter.title, Matter.department.name).where(Matter.id == ids[n % len(ids)]).first()

    async def one_write(n: int) -> None:
        await Matter.update({Matter.title: f"Ärende {n}"}).where(Matter.id == ids[n % len(ids)])

    async def one_transaction(n: int) -> None:
        async with Matter._meta.db.transaction():
            row = await Matter.select(Matter.title).where(Matter.id == ids[n % len(ids)]).first()
            await Matter.update({Matter.title: row["title"] + "."}).where(Matter.id == ids[n % len(ids)])

    results: dict[str, dict[str, list[tuple[float, float]]]] = {name: {"read": [], "write": [], "transaction": []} for name in engines}
    for _ in range(args.rounds):
        for name, engine in engines.items():
            use(engine)
            results[name]["read"].append(await _timed(one_read, args.statements))
            results[name]["write"].append(await _timed(one_write, args.statements))
            results[name]["transaction"].append(await _timed(one_transaction, args.statements // 3))

    print(f"SQLite {sqlite3.sqlite_version}, {args.rounds} rounds of {args.statements} statements, load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs. Milliseconds per statement, wall clock "
          "(median and best round) and CPU (median); a transaction is BEGIN, SELECT, UPDATE, COMMIT:")
    print(f"{'engine':<20} " + " ".join(f"{kind + ' wall/best/cpu':>26}" for kind in ("read", "write", "transaction")))
    for name, kinds in results.items():
        cells = []
        for kind in ("read", "write", "transaction"):
            wall, cpu = [w for w, _ in kinds[kind]], [c for _, c in kinds[kind]]
            cells.append(f"{statistics.median(wall):8.3f} {min(wall):8.3f} {statistics.median(cpu):8.3f}")
        print(f"{name:<20} " + " ".join(cells))
    stock, pooled = (min(w for w, _ in results[n]["read"]) for n in engines)
    print(f"read, best round: {stock / pooled:.1f}x faster; target ≤ 0.3 ms: {'met' if pooled <= 0.3 else 'NOT met'}")

    for name, engine in engines.items():
        use(engine)
        failures: list[str] = []

        async def writer(w: int) -> None:
            for n in range(20):
                try:
                    await one_transaction(w * 20 + n)
                except Exception as exc:  # noqa: BLE001 - counted and shown
                    failures.append(str(exc))

        started = time.perf_counter()
        await asyncio.gather(*(writer(w) for w in range(args.writers)))
        print(f"{args.writers} concurrent writers x 20 read-then-write transactions, {name}: {len(failures)} failed "
              f"{sorted(set(failures))[:3]} in {time.perf_counter() - started:.2f} s")
    await engines["PooledSQLiteEngine"].close()


if __name__ == "__main__":
    asyncio.run(main())
