"""Soak benchmark of the served app (not a test): many clients for minutes, a rebuild in the middle.

    .venv/bin/python bench/soak.py                      # 16 clients, 3 minutes, a rebuild from 45 s
    .venv/bin/python bench/soak.py --minutes 10 --json  # the issue's "RSS flat over 10 minutes"

Runs `warta serve` in a subprocess on a free loopback port over an index of ../shared/data/news.jsonl.gz
(built once into bench/out/ by bench_load.py's ensure_index, reused after). Each client thread keeps
one HTTP connection alive and sends, until the deadline, a mix of results pages, API searches,
completions as typed, article pages and the home page. Queries are the benchmark's 200 plus pairs of
their words never sent before, so per-query caches show up as growth. A quarter of the way in, `warta index --rebuild`
rebuilds the served index under the server. Prints throughput, p50/p95/p99 per kind, every failure
(anything but 200, or a connection error; target 0), the server's RSS sampled every few seconds and
its growth per minute after warm-up (target: flat), and how many waitress queue warnings it logged.
Loopback only; every loop ends at the deadline.
"""
from __future__ import annotations

import argparse
import http.client
import json
import random
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_load import DEFAULT_DATA, DEFAULT_QUERIES, FALLBACK_QUERIES, ensure_index, free_port, percentile  # noqa: E402

KINDS = (("page", 0.35), ("api", 0.25), ("suggest", 0.25), ("article", 0.10), ("home", 0.05))
SAMPLE_SECONDS = 5.0
WARM_UP_SECONDS = 30.0  # RSS before this is the caches filling, not growth


def rss_mb(pid: int) -> float:
    """Return the resident memory of a process and its children (the worker processes), in MB."""
    total = 0
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        pids += [int(c) for c in task.read_text().split()]
    for one in pids:
        try:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


class Mix:
    """The requests to send: fresh word pairs, prefixes to complete, article ids seen in answers."""

    def __init__(self, queries: list[str], seed: int):
        self.queries = queries
        self.words = sorted({w for q in queries for w in q.replace('"', " ").split() if w.isalpha() and len(w) > 2})
        self.random = random.Random(seed)
        self.ids: list[str] = []
        self.lock = threading.Lock()

    def next(self) -> tuple[str, str]:
        with self.lock:
            kind = self.random.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
            if kind in ("page", "api"):
                # Half known queries, half new pairs of words: caches keyed by query must stay bounded.
                q = (self.random.choice(self.queries) if self.random.random() < 0.5
                     else f"{self.random.choice(self.words)} {self.random.choice(self.words)}")
                page = self.random.choice((1, 1, 1, 2, 3))
                route = "/search" if kind == "page" else "/api/search"
                return kind, f"{route}?{urlencode({'q': q, 'page': page})}"
            if kind == "suggest":
                word = self.random.choice(self.words)
                return kind, "/api/suggest?" + urlencode({"q": word[:self.random.randint(2, min(6, len(word)))]})
            if kind == "article" and self.ids:
                return kind, f"/articles/{quote(self.random.choice(self.ids), safe='')}"
            return "home", "/"

    def saw(self, body: bytes) -> None:
        try:
            hits = json.loads(body).get("hits", [])
        except ValueError:
            return
        with self.lock:
            for hit in hits[:3]:
                if len(self.ids) < 5000:
                    self.ids.append(hit["id"])


class Client(threading.Thread):
    def __init__(self, port: int, mix: Mix, deadline: float):
        super().__init__(daemon=True)
        self.port, self.mix, self.deadline = port, mix, deadline
        self.latencies: dict[str, list[float]] = {kind: [] for kind, _ in KINDS}
        self.failures: dict[str, int] = {}
        self.failed_at: list[float] = []

    def _fail(self, what: str) -> None:
        self.failures[what] = self.failures.get(what, 0) + 1
        self.failed_at.append(time.monotonic())

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        while time.monotonic() < self.deadline:
            kind, path = self.mix.next()
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as exc:
                self._fail(f"{kind}: {type(exc).__name__}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                continue
            self.latencies[kind].append(time.perf_counter() - started)
            if response.status == 404 and kind == "article":
                continue  # an article the rebuild dropped or renumbered is a correct 404
            if response.status != 200:
                self._fail(f"{kind}: HTTP {response.status}")
            elif kind == "api":
                self.mix.saw(body)
        conn.close()


def start_server(index: Path, port: int, threads: int, workers: int, log: Path) -> subprocess.Popen:
    with open(log, "w") as out:
        server = subprocess.Popen([sys.executable, "-m", "search", "serve", "--index", str(index), "--port", str(port),
                                   "--threads", str(threads), "--workers", str(workers)],
                                  stdout=out, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited: {log.read_text()}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/api/stats")
            if conn.getresponse().status == 200:
                conn.close()
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server did not answer within 120 s")


def growth_per_minute(samples: list[tuple[float, float]]) -> float | None:
    """Return the least-squares slope of RSS (MB) over time, per minute."""
    if len(samples) < 3:
        return None
    ts, ms = [t for t, _ in samples], [m for _, m in samples]
    mean_t, mean_m = sum(ts) / len(ts), sum(ms) / len(ms)
    var = sum((t - mean_t) ** 2 for t in ts)
    return 60 * sum((t - mean_t) * (m - mean_m) for t, m in zip(ts, ms)) / var if var else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="Serve (and rebuild) this index instead of the news one.")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="Archive to index and to rebuild from.")
    parser.add_argument("--queries", type=Path, default=DEFAULT_QUERIES)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--no-rebuild", action="store_true", help="No rebuild in the middle.")
    parser.add_argument("--rebuild-at", type=float, default=0.25,
                        help="When to start the rebuild, as a share of the run (it must commit while clients run).")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--json", action="store_true", help="Print the figures as one JSON object.")
    args = parser.parse_args()

    queries = ([q.strip() for q in args.queries.read_text(encoding="utf-8").splitlines() if q.strip()]
               if args.queries.exists() else FALLBACK_QUERIES)
    index = ensure_index(args.index, args.data)
    rebuild_from = args.data if args.data.exists() else None
    port = free_port()
    log = index.parent / f"soak-server-{port}.log"
    server = start_server(index, port, args.threads, args.workers, log)
    mix = Mix(queries, args.seed)
    seconds = args.minutes * 60
    started = time.monotonic()
    deadline = started + seconds
    clients = [Client(port, mix, deadline) for _ in range(args.clients)]
    samples: list[tuple[float, float]] = []
    rebuild: dict = {}
    try:
        for client in clients:
            client.start()
        rebuilder = None
        while time.monotonic() < deadline:
            samples.append((time.monotonic() - started, rss_mb(server.pid)))
            if rebuilder is None and not args.no_rebuild and rebuild_from and time.monotonic() - started >= seconds * args.rebuild_at:
                rebuild["started_s"] = round(time.monotonic() - started, 1)
                rebuilder = subprocess.Popen([sys.executable, "-m", "search", "index", str(rebuild_from), "--index",
                                              str(index), "--rebuild", "--quiet"],
                                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if rebuilder is not None and "exit_code" not in rebuild and rebuilder.poll() is not None:
                rebuild["finished_s"] = round(time.monotonic() - started, 1)
                rebuild["exit_code"] = rebuilder.returncode
                rebuild["output"] = rebuilder.stdout.read().strip().splitlines()[-1:]
            time.sleep(min(SAMPLE_SECONDS, max(0.0, deadline - time.monotonic())))
        for client in clients:
            client.join()
        if rebuilder is not None and "exit_code" not in rebuild:
            rebuild["exit_code"] = rebuilder.wait()
            rebuild["finished_s"] = round(time.monotonic() - started, 1)
            rebuild["output"] = rebuilder.stdout.read().strip().splitlines()[-1:]
        samples.append((time.monotonic() - started, rss_mb(server.pid)))
    finally:
        server.terminate()
        server.wait(timeout=30)
    elapsed = min(time.monotonic() - started, seconds)  # the clients' time (a slow rebuild may run on)

    per_kind = {}
    everything = []
    for kind, _ in KINDS:
        values = sorted(x for c in clients for x in c.latencies[kind])
        everything += values
        per_kind[kind] = {"requests": len(values), "p50_ms": round(percentile(values, 0.5) * 1000, 1),
                          "p95_ms": round(percentile(values, 0.95) * 1000, 1),
                          "p99_ms": round(percentile(values, 0.99) * 1000, 1)}
    everything.sort()
    failures: dict[str, int] = {}
    for client in clients:
        for what, count in client.failures.items():
            failures[what] = failures.get(what, 0) + count
    after_warm_up = [(t, m) for t, m in samples if t >= WARM_UP_SECONDS]
    server_log = log.read_text(errors="replace")
    figures = {
        "index": str(index), "clients": args.clients, "minutes": round(elapsed / 60, 2), "workers": args.workers,
        "threads": args.threads, "requests": len(everything), "requests_per_s": round(len(everything) / elapsed, 1),
        "p50_ms": round(percentile(everything, 0.5) * 1000, 1), "p95_ms": round(percentile(everything, 0.95) * 1000, 1),
        "p99_ms": round(percentile(everything, 0.99) * 1000, 1), "per_kind": per_kind,
        "failed": sum(failures.values()), "failures": failures, "rebuild": rebuild,
        "rss_mb": [(round(t), round(m, 1)) for t, m in samples],
        "rss_first_after_warm_up_mb": round(after_warm_up[0][1], 1) if after_warm_up else None,
        "rss_last_mb": round(samples[-1][1], 1) if samples else None,
        "rss_max_mb": round(max(m for _, m in samples), 1) if samples else None,
        "rss_growth_mb_per_min_after_warm_up": (round(g, 2) if (g := growth_per_minute(after_warm_up)) is not None else None),
        "queue_warnings": server_log.count("Task queue depth"),
        "server_tracebacks": server_log.count("Traceback"),
    }
    log.unlink(missing_ok=True)
    if args.json:
        print(json.dumps(figures))
        return 0 if not figures["failed"] else 1
    print(f"soak of {figures['index']}: {args.clients} clients x {figures['minutes']} min, "
          f"{args.workers} process(es) x {args.threads} threads")
    print(f"  requests {figures['requests']}, {figures['requests_per_s']} req/s; "
          f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, p99 {figures['p99_ms']} ms")
    for kind, row in per_kind.items():
        print(f"    {kind:8} {row['requests']:6} requests, p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms, p99 {row['p99_ms']} ms")
    print(f"  failed requests: {figures['failed']} {failures or ''}")
    print(f"  rebuild under the server: {rebuild or 'none'}")
    print(f"  server RSS (MB) every {SAMPLE_SECONDS:g} s: " + " ".join(f"{m:.0f}" for _, m in samples))
    print(f"  RSS after warm-up {figures['rss_first_after_warm_up_mb']} MB -> last {figures['rss_last_mb']} MB, "
          f"max {figures['rss_max_mb']} MB; trend {figures['rss_growth_mb_per_min_after_warm_up']} MB/min")
    print(f"  waitress queue warnings logged: {figures['queue_warnings']}; server tracebacks: {figures['server_tracebacks']}")
    return 0 if not figures["failed"] else 1


if __name__ == "__main__":
    sys.exit(main())
