"""How long does `samverkan serve` take from start to the first 200 on /health?

    python bench/startup.py [--rounds 3] [--no-demo] [--before /work/main]

Each round starts ``samverkan serve`` (this checkout's interpreter) on a free port with a fresh,
empty SQLite data directory, polls ``GET /health`` every 20 ms and stops the process at the first
200: the time covers interpreter start, imports, migrations from nothing and (with ``--demo``)
loading the demo. Plain and ``--demo`` rounds alternate, so background load hits both alike.
``--before DIR`` also starts the code of another checkout (on ``PYTHONPATH``, same interpreter),
interleaved with this one, for a before/after in one run. Prints every round with its wall time
and the process's CPU time (which does not grow when other processes crowd the machine), and the
medians. Issue 15's targets: plain under 3 s, ``--demo`` under 5 s.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    try:
        conn.request("GET", "/health")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def one_start(demo: bool, checkout: str | None) -> tuple[float, float]:
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="samverkan-startup-") as data_dir:
        env = {**os.environ, "SAMVERKAN_DATA_DIR": data_dir, "SAMVERKAN_LOG_LEVEL": "WARNING"}
        env.pop("SAMVERKAN_DATABASE_URL", None)
        if checkout:
            env["PYTHONPATH"] = checkout
        command = [sys.executable, "-m", "samverkan", "serve", "--port", str(port), *(["--demo"] if demo else [])]
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            while not _healthy(port):
                if process.poll() is not None:
                    raise SystemExit(f"serve exited with {process.returncode}: {process.stderr.read().decode()[-2000:]}")
                if time.perf_counter() - started > 120:
                    raise SystemExit("no 200 on /health within 120 s")
                time.sleep(0.02)
            wall = time.perf_counter() - started
        finally:
            process.terminate()
        _, _, usage = os.wait4(process.pid, 0)
        process.returncode = 0  # reaped above
        return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-demo", action="store_true", help="only the plain start")
    parser.add_argument("--before", metavar="DIR", help="another checkout to time too (e.g. main)")
    args = parser.parse_args()
    kinds = [(code, demo) for code in ([args.before] if args.before else []) + [None] for demo in ([False] if args.no_demo else [False, True])]
    times: dict[tuple, list[tuple[float, float]]] = {kind: [] for kind in kinds}

    def name(kind: tuple) -> str:
        code, demo = kind
        return f"{'serve --demo' if demo else 'serve':<13} {'before' if code else 'this':<6}"

    for _ in range(args.rounds):
        for kind in kinds:
            wall, cpu = one_start(kind[1], kind[0])
            times[kind].append((wall, cpu))
            print(f"  {name(kind)} {wall:6.2f} s wall {cpu:6.2f} s CPU", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for kind, values in times.items():
        target = 5.0 if kind[1] else 3.0
        wall = statistics.median(w for w, _ in values)
        cpu = statistics.median(c for _, c in values)
        print(f"{name(kind)} median {wall:5.2f} s wall, {cpu:5.2f} s CPU over {len(values)} rounds "
              f"(target < {target:.0f} s: {'met' if wall < target else 'NOT met'})")


if __name__ == "__main__":
    main()
