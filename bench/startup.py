"""How long does `samverkan serve` take from start to the first 200 on /health?

    python bench/startup.py [--rounds 3] [--no-demo]

Each round starts ``samverkan serve`` (this checkout's interpreter) on a free port with a fresh,
empty SQLite data directory, polls ``GET /health`` every 20 ms and stops the process at the first
200: the time covers interpreter start, imports, migrations from nothing and (with ``--demo``)
loading the demo. Plain and ``--demo`` rounds alternate, so background load hits both alike.
Prints every round and the median. Issue 15's targets: plain under 3 s, ``--demo`` under 5 s.
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


def one_start(demo: bool) -> float:
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="samverkan-startup-") as data_dir:
        env = {**os.environ, "SAMVERKAN_DATA_DIR": data_dir, "SAMVERKAN_LOG_LEVEL": "WARNING"}
        env.pop("SAMVERKAN_DATABASE_URL", None)
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
            return time.perf_counter() - started
        finally:
            process.terminate()
            process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-demo", action="store_true", help="only the plain start")
    args = parser.parse_args()
    kinds = [False] if args.no_demo else [False, True]
    times: dict[bool, list[float]] = {kind: [] for kind in kinds}
    for _ in range(args.rounds):
        for demo in kinds:
            seconds = one_start(demo)
            times[demo].append(seconds)
            print(f"  {'serve --demo' if demo else 'serve':<13} {seconds:6.2f} s", flush=True)
    for demo, values in times.items():
        target = 5.0 if demo else 3.0
        median = statistics.median(values)
        print(f"{'serve --demo' if demo else 'serve':<13} median {median:5.2f} s over {len(values)} rounds "
              f"(target < {target:.0f} s: {'met' if median < target else 'NOT met'})")


if __name__ == "__main__":
    main()
