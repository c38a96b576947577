"""Load benchmark of the served web app (not a test): concurrent searches on loopback for a fixed time.

    .venv/bin/python bench/bench_load.py                 # 8 clients, 20 s, results pages
    .venv/bin/python bench/bench_load.py --api --seconds 30 --clients 16
    .venv/bin/python bench/bench_load.py --workers 1         # one server process

Runs `warta serve` (waitress) in a subprocess on a free loopback port, over an index of
../shared/data/news.jsonl.gz (built once into bench/out/, reused after) or, when that data is
absent, of the bundled sample archive. Client threads each keep one HTTP connection alive and
send the queries of ../shared/bench/queries.txt round-robin for --seconds. Prints requests/s,
latency percentiles and failed requests (any non-200 answer or connection error).
Target from the issue: >= 100 searches/s with snippets at 8 concurrent clients, zero failures.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from importlib.resources import as_file, files
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEFAULT_DATA = SHARED / "data" / "news.jsonl.gz"
DEFAULT_QUERIES = SHARED / "bench" / "queries.txt"
OUT = ROOT / "bench" / "out"
FALLBACK_QUERIES = ["banjir", "kebakaran hutan", "korupsi", "pemilu", "gempa", "vaksin", "harga beras",
                    "presiden", "sepak bola", "teknologi"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_index(index: Path | None, data: Path) -> Path:
    """Return an index folder to serve: the given one, or one built (once) from the data or the samples."""
    from search.indexer import build

    if index is not None:
        return index
    if data.exists():
        target = OUT / f"index-{data.name.split('.')[0]}"
        done = OUT / f"{target.name}.built.json"  # written only after a complete build
        if not done.exists() or done.stat().st_mtime < data.stat().st_mtime:
            print(f"building {target} from {data} (once) ...", flush=True)
            if target.exists():
                shutil.rmtree(target)
            summary = build([data], target)
            done.write_text(json.dumps(summary.as_dict()), encoding="utf-8")
            print(f"  indexed {summary.indexed}, rejected {summary.rejected} in {summary.seconds:.1f}s", flush=True)
        return target
    target = OUT / "index-samples"
    print(f"{data} not found: using the bundled sample archive", flush=True)
    with as_file(files("search") / "samples") as samples:
        build([samples], target)
    return target


def start_server(index: Path, port: int, threads: int, workers: int) -> subprocess.Popen:
    """Start `warta serve` and return once it answers; raise with its output if it does not."""
    server = subprocess.Popen(
        [sys.executable, "-m", "search", "serve", "--index", str(index), "--port", str(port),
         "--threads", str(threads), "--workers", str(workers)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    last = "no answer"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited: {server.stdout.read()}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/api/stats")
            response = conn.getresponse()
            last = f"HTTP {response.status}: {response.read()[:300]!r}"
            conn.close()
            if response.status == 200:
                return server
        except OSError as exc:
            last = repr(exc)
        time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"the server did not answer /api/stats within 60 s (last: {last})")


class Client(threading.Thread):
    """Sends searches on one kept-alive connection until the deadline, recording each latency."""

    def __init__(self, port: int, paths: list[str], offset: int, deadline: float):
        super().__init__(daemon=True)
        self.port, self.paths, self.offset, self.deadline = port, paths, offset, deadline
        self.latencies: list[float] = []
        self.failures: dict[str, int] = {}

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        i = self.offset
        while time.monotonic() < self.deadline:
            path = self.paths[i % len(self.paths)]
            i += 1
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                self.failures[type(exc).__name__] = self.failures.get(type(exc).__name__, 0) + 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                continue
            self.latencies.append(time.perf_counter() - started)
            if status != 200:
                self.failures[f"HTTP {status}"] = self.failures.get(f"HTTP {status}", 0) + 1
        conn.close()


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="Serve this index instead of building one.")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="Archive to index when --index is not given.")
    parser.add_argument("--queries", type=Path, default=DEFAULT_QUERIES)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads per worker process")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="server processes (default: one per CPU core)")
    parser.add_argument("--api", action="store_true", help="Hit /api/search (JSON) instead of the results page.")
    parser.add_argument("--json", action="store_true", help="Print the figures as one JSON object.")
    args = parser.parse_args()

    queries = ([q.strip() for q in args.queries.read_text(encoding="utf-8").splitlines() if q.strip()]
               if args.queries.exists() else FALLBACK_QUERIES)
    route = "/api/search" if args.api else "/search"
    paths = [f"{route}?{urlencode({'q': q})}" for q in queries]
    index = ensure_index(args.index, args.data)
    port = free_port()
    server = start_server(index, port, args.threads, args.workers)
    try:
        warm_until = time.monotonic() + 5  # first searches in each worker load its caches
        warmers = [Client(port, paths, n * 7, warm_until) for n in range(args.clients)]
        for client in warmers:
            client.start()
        for client in warmers:
            client.join()
        deadline = time.monotonic() + args.seconds
        clients = [Client(port, paths, n * len(paths) // args.clients, deadline) for n in range(args.clients)]
        started = time.monotonic()
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=10)

    latencies = sorted(x for c in clients for x in c.latencies)
    failures: dict[str, int] = {}
    for client in clients:
        for kind, count in client.failures.items():
            failures[kind] = failures.get(kind, 0) + count
    figures = {
        "route": route, "index": str(index), "queries": len(queries), "clients": args.clients,
        "server_workers": args.workers, "server_threads": args.threads, "seconds": round(elapsed, 1), "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else None,
        "failed": sum(failures.values()), "failures": failures,
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"{figures['route']} on {figures['index']}: {args.clients} clients x {figures['seconds']} s, "
              f"{figures['queries']} distinct queries, "
              f"waitress {args.workers} process(es) x {args.threads} threads")
        print(f"  requests {figures['requests']}, {figures['requests_per_s']} req/s")
        print(f"  latency p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, p99 {figures['p99_ms']} ms")
        print(f"  failed requests: {figures['failed']} {failures or ''}")
        verdict = "meets" if figures["requests_per_s"] >= 100 and not figures["failed"] else "misses"
        print(f"  {verdict} the target (>= 100 req/s, zero failures)")
    return 0 if not figures["failed"] else 1


if __name__ == "__main__":
    sys.exit(main())
