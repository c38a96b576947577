#!/usr/bin/env python3
"""Index build speed and memory: Warta against the naive reference, in one run of this script.

    python bench/bench_index.py                 # news.jsonl.gz: docs/s of both, ratio, peak memory
    python bench/bench_index.py --scale         # also 10,000 vs 100,000 synthetic articles (Warta)
    python bench/bench_index.py --repeat 1      # one build each (default 3, alternating: these machines are noisy)
    python bench/bench_index.py --scale --scale-only   # only the 10,000 / 100,000 comparison

Each build runs in its own fresh subprocess, so peak memory belongs to that build alone, and no
stem cache of one build helps the other. Warta's figure counts the whole build: reading, cleaning,
duplicate detection, learning names, indexing and committing. Peak memory is the highest sum of
PSS (proportional set size: shared pages split between the processes sharing them) over the
build's process and its indexing processes, sampled every 200 ms from this script (not inside the
build, which the sampling would slow: each sample reads /proc/PID/smaps_rollup); ru_maxrss (each process's own
peak, shared pages counted in full by each) is printed too. Needs ../shared (the development data
beside the project); without it, prints "data not found" and exits 0.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("WARTA_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "data" / "news.jsonl.gz"
NAIVE = SHARED / "bench" / "naive_reference.py"
MAKE_SCALE = SHARED / "bench" / "make_scale_corpus.py"
SCALE_SIZES = (10_000, 100_000)


class PssSampler(threading.Thread):
    """Samples the summed PSS of a process and its descendants; `peak_mb` is the highest seen.

    It runs in this script, not in the build's process: reading smaps_rollup costs a few ms of CPU
    per process per sample (more for larger processes), which a sampler inside the build would
    take from the build itself, under its GIL.
    """

    def __init__(self, pid: int, interval: float = 0.2):
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak_mb = 0.0
        self.running = True

    @staticmethod
    def _pss_kb(pid: int) -> int:
        try:
            for line in open(f"/proc/{pid}/smaps_rollup"):
                if line.startswith("Pss:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def _tree(self) -> list[int]:
        pids, index = [self.pid], 0
        while index < len(pids):
            try:
                for task in os.listdir(f"/proc/{pids[index]}/task"):
                    pids += [int(p) for p in open(f"/proc/{pids[index]}/task/{task}/children").read().split()]
            except OSError:
                pass
            index += 1
        return pids

    def sample(self) -> None:
        self.peak_mb = max(self.peak_mb, sum(self._pss_kb(pid) for pid in self._tree()) / 1024)

    def run(self) -> None:
        while self.running:
            self.sample()
            time.sleep(self.interval)

    def stop(self) -> float:
        self.running = False
        self.join()
        return self.peak_mb


def child(system: str, corpus: str, index_dir: str) -> None:
    """Run one build in this (fresh) process and print its figures as JSON (the caller samples PSS)."""
    if system == "naive":
        sys.path.insert(0, str(NAIVE.parent))
        import naive_reference

        docs, seconds = naive_reference.build(naive_reference.read_records(corpus), index_dir)
        processes = 1
    else:
        sys.path.insert(0, str(ROOT))
        from search.indexer import build

        shutil.rmtree(index_dir, ignore_errors=True)
        started = time.perf_counter()
        summary = build([corpus], index_dir)
        seconds = time.perf_counter() - started
        docs, processes = summary.read, summary.processes
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({
        "docs": docs, "seconds": seconds, "docs_per_s": docs / seconds, "processes": processes,
        "peak_mb": own.ru_maxrss / 1024, "worker_peak_mb": children.ru_maxrss / 1024,
        "cpu_s": own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime,
    }))


def run_once(system: str, corpus: Path, workdir: Path) -> dict:
    """Return the figures of one build of corpus by system, in a new process."""
    index_dir = workdir / f"index-{system}"
    shutil.rmtree(index_dir, ignore_errors=True)
    process = subprocess.Popen([sys.executable, __file__, "--child", system, str(corpus), str(index_dir)],
                               stdout=subprocess.PIPE, text=True)
    sampler = PssSampler(process.pid)
    sampler.start()
    out, _ = process.communicate()
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, process.args, out)
    figures = json.loads(out.strip().splitlines()[-1])
    figures["pss_peak_mb"] = sampler.stop()
    shutil.rmtree(index_dir, ignore_errors=True)
    return figures


def fastest(runs: list[dict]) -> dict:
    """Return the run with the most docs/s, with the highest peak PSS of all runs (memory is not noise)."""
    best = dict(max(runs, key=lambda figures: figures["docs_per_s"]))
    best["pss_peak_mb"] = max(figures["pss_peak_mb"] for figures in runs)
    return best


def run(system: str, corpus: Path, workdir: Path, repeat: int) -> dict:
    """Return the best (fastest) of `repeat` builds of corpus by system, each in a new process."""
    return fastest([run_once(system, corpus, workdir) for _ in range(repeat)])


def compare(corpus: Path, workdir: Path, repeat: int) -> tuple[dict, dict, list[float]]:
    """Build corpus with both systems `repeat` times, alternating (naive, warta, naive, ...), so
    that a slow spell of this shared machine hits both; return the fastest run of each and the
    warta/naive docs/s ratio of each pair."""
    naive_runs, warta_runs = [], []
    for _ in range(repeat):
        naive_runs.append(run_once("naive", corpus, workdir))
        warta_runs.append(run_once("warta", corpus, workdir))
    ratios = [w["docs_per_s"] / n["docs_per_s"] for n, w in zip(naive_runs, warta_runs)]
    return fastest(naive_runs), fastest(warta_runs), ratios


def describe(name: str, figures: dict) -> str:
    memory = f"peak PSS {figures['pss_peak_mb']:.0f} MB (maxrss {figures['peak_mb']:.0f} MB"
    if figures["processes"] > 1:
        memory += f", indexing processes {figures['worker_peak_mb']:.0f} MB each"
    memory += ")"
    return (f"{name:<8} {figures['docs']:>7} docs  {figures['seconds']:7.1f} s  {figures['docs_per_s']:7.1f} docs/s  "
            f"cpu {figures['cpu_s']:6.1f} s  {memory}")


def scale_corpus(size: int) -> Path:
    """Return a synthetic corpus of `size` articles in /tmp, generating it the first time."""
    path = Path(tempfile.gettempdir()) / f"warta-scale-{size}.jsonl.gz"
    if not path.exists():
        print(f"generating {path} ...", flush=True)
        subprocess.run([sys.executable, str(MAKE_SCALE), str(size), str(path), "--corpus", str(CORPUS)], check=True)
    return path


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", action="store_true", help="Also compare docs/s at 10,000 and 100,000 synthetic articles.")
    parser.add_argument("--repeat", type=int, default=3,
                        help="Builds per system (alternating); the fastest counts, and each pair's ratio is shown.")
    parser.add_argument("--scale-repeat", type=int, default=1, help="Builds per size with --scale; the fastest counts.")
    parser.add_argument("--scale-only", action="store_true", help="With --scale: skip the news corpus and the naive reference.")
    parser.add_argument("--child", nargs=3, metavar=("SYSTEM", "CORPUS", "INDEX"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    if not CORPUS.exists() or not NAIVE.exists():
        print(f"data not found ({CORPUS}, {NAIVE}); nothing to measure")
        return 0

    workdir = Path(tempfile.mkdtemp(prefix="warta-bench-index-"))
    try:
        print(f"corpus: {CORPUS}   cores: {os.cpu_count()}   load: {os.getloadavg()[0]:.1f}")
        if not (args.scale and args.scale_only):
            naive, warta, ratios = compare(CORPUS, workdir, args.repeat)
            print(describe("naive", naive))
            print(describe("warta", warta))
            print(f"speed: warta / naive = {warta['docs_per_s'] / naive['docs_per_s']:.2f}x, fastest runs   (target >= 4x)")
            if len(ratios) > 1:
                print(f"       per pair: {', '.join(f'{r:.2f}x' for r in ratios)}; median {statistics.median(ratios):.2f}x")
            print(f"memory: warta {warta['pss_peak_mb']:.0f} MB vs naive {naive['pss_peak_mb']:.0f} MB peak PSS, "
                  f"highest of the runs   (target: no higher)")
        if args.scale:
            small, large = (run("warta", scale_corpus(n), workdir, args.scale_repeat) for n in SCALE_SIZES)
            print(describe(f"{SCALE_SIZES[0] // 1000}k", small))
            print(describe(f"{SCALE_SIZES[1] // 1000}k", large))
            change = large["docs_per_s"] / small["docs_per_s"] - 1
            print(f"scale: docs/s at {SCALE_SIZES[1]:,} is {change:+.0%} of docs/s at {SCALE_SIZES[0]:,}   (target within 20%)")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
