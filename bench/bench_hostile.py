"""Seconds and peak RSS of `warta index` on each hostile input (bench/hostile_cases.py), one build per process.

    python bench/bench_hostile.py                      # every case at its default sizes
    python bench/bench_hostile.py baca_juga --size 288000 --size 576000
    python bench/bench_hostile.py --code /tmp/old      # the same cases against another checkout's `search`

Each build runs in its own process under a memory limit (--limit-mb, default 3000: a case that
needs more is reported as over the limit instead of taking the shared machine's memory) and a
time limit (--timeout). Peak RSS is the largest of the build's processes (RUSAGE_CHILDREN of a
fresh intermediate process). Files are generated into a temporary folder and removed.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hostile_cases  # noqa: E402

MB = 1 << 20
DEFAULT_SIZES = {
    "huge_json_line_gz": [200 * MB, 1000 * MB],
    "html_bomb_gz": [200 * MB, 1000 * MB],
    "text_bomb_gz": [200 * MB, 1000 * MB],
    "csv_gzip_bomb": [200 * MB, 1000 * MB],
    "newlines_jsonl_gz": [200 * MB, 1000 * MB],
    "wide_csv": [1 * MB],
    "spaced_dates": [16 * 1024, 32 * 1024],
    "meta_date_html": [16 * 1024, 32 * 1024],
    "meta_attributes_html": [64 * 1024, 128 * 1024],
    "baca_juga": [288 * 1024, 576 * 1024],
    "nested_html": [2 * MB, 4 * MB],
}


def run_one(path: Path, index: Path, code: str | None, limit_mb: int, timeout: float) -> dict:
    """Index one file in a child process; return its seconds, peak RSS (MB) and summary or failure."""
    env = dict(os.environ)
    if code:
        env["PYTHONPATH"] = code + os.pathsep + env.get("PYTHONPATH", "")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit_mb * MB, limit_mb * MB))

    command = [sys.executable, "-m", "search", "index", str(path), "--index", str(index), "--json", "--quiet"]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, preexec_fn=limit)
        outcome = "ok" if done.returncode == 0 else f"exit {done.returncode}: " + (done.stderr.strip().splitlines() or [""])[-1][:160]
        summary = json.loads(done.stdout) if done.returncode == 0 else None
    except subprocess.TimeoutExpired:
        outcome, summary = f"still running after {timeout:.0f} s (killed)", None
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result = {"seconds": round(seconds, 2), "peak_rss_mb": round(peak), "outcome": outcome}
    if summary:
        result.update({k: summary[k] for k in ("read", "indexed", "rejected") if k in summary})
        result["reasons"] = list(summary.get("reasons", {}))[:3]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("cases", nargs="*", help="case names (default: all): " + ", ".join(hostile_cases.MAKERS))
    parser.add_argument("--size", type=int, action="append", help="crafted bytes (repeatable; default per case)")
    parser.add_argument("--code", help="a folder holding another `search` package to measure instead")
    parser.add_argument("--limit-mb", type=int, default=3000)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)  # internal: case and size, in a fresh process
    args = parser.parse_args()
    if args.one:
        case, size = args.one[0], int(args.one[1])
        with tempfile.TemporaryDirectory(prefix="warta-hostile-") as tmp:
            made = time.perf_counter()
            path = hostile_cases.MAKERS[case](Path(tmp), size)
            made = time.perf_counter() - made
            result = run_one(path, Path(tmp) / "index", args.code, args.limit_mb, args.timeout)
        print(json.dumps({"case": case, "size": size, "made_s": round(made, 1), **result}, ensure_ascii=False))
        return
    for case in args.cases or list(hostile_cases.MAKERS):
        for size in args.size or DEFAULT_SIZES[case]:
            command = [sys.executable, __file__, "--one", case, str(size), "--limit-mb", str(args.limit_mb),
                       "--timeout", str(args.timeout)] + (["--code", args.code] if args.code else [])
            done = subprocess.run(command, capture_output=True, text=True)
            print(done.stdout.strip() or done.stderr.strip()[-300:], flush=True)


if __name__ == "__main__":
    main()
