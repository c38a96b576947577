"""How soon a new build starts after `kill -9` of a running one (not a test).

    .venv/bin/python bench/kill_restart.py               # news corpus, killed while reading and while indexing
    .venv/bin/python bench/kill_restart.py --repeat 5

Copies an index of ../shared/data/news.jsonl.gz (built once by bench_load.py's ensure_index) to a
temporary folder, starts `warta index --rebuild` of the corpus into it, kills it with SIGKILL while it
reads (its name-learning helper alive) or while it indexes (two indexing processes alive), and at
once runs a one-article `warta index --wait 30`. Printed per run: how long the killed build's
children outlived it, and how much longer the one-article build took than the same build run with
no kill before it (the time spent waiting for the lock and cleaning up: target under 2 s), how soon
after the kill the write lock could be taken, and what was left (spools). Without the news data, 3,000 synthetic articles are used.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_load import DEFAULT_DATA, ensure_index  # noqa: E402

WARTA = [sys.executable, "-m", "search"]


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(c) for c in task.read_text().split()]
        except OSError:
            pass
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def one_article_build(index: Path, folder: Path, env: dict) -> float:
    article = folder / "one.jsonl"
    article.write_text(json.dumps({"id": f"one-{time.time_ns()}", "title": "Satu berita",
                                   "content": f"Berita nomor {time.time_ns()} tentang banjir di kota."}) + "\n")
    started = time.perf_counter()
    result = subprocess.run([*WARTA, "index", str(article), "--index", str(index), "--wait", "30", "--quiet"],
                            capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return time.perf_counter() - started


def run_once(data: Path, index: Path, folder: Path, moment: str) -> dict:
    spools = folder / "tmp"
    spools.mkdir(exist_ok=True)
    env = dict(os.environ, TMPDIR=str(spools))
    baseline = one_article_build(index, folder, env)
    build = subprocess.Popen([*WARTA, "index", str(data), "--index", str(index), "--rebuild", "--quiet",
                              "--processes", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and build.poll() is None:
        kids = children(build.pid)
        if moment == "reading" and kids and any(spools.iterdir()):
            break
        if moment == "indexing" and len(kids) >= 2 and (index / "MAIN.tmp").exists():
            break
        time.sleep(0.02)
    if build.poll() is not None:
        return {"moment": moment, "error": "the build ended before it could be killed"}
    kids = children(build.pid)
    killed = time.perf_counter()
    build.send_signal(signal.SIGKILL)
    build.wait()
    # The lock as the next build takes it (search.writelock, waiting up to 30 s): free at once when
    # the killed build's children died with it.
    from search import writelock

    lock = writelock.acquire(index, 30)
    lock_s = time.perf_counter() - killed
    lock.release()
    restart = one_article_build(index, folder, env)
    while any(alive(k) for k in kids) and time.perf_counter() - killed < 60:
        time.sleep(0.01)
    outlived = time.perf_counter() - killed if any(alive(k) for k in kids) else None
    left = sorted(p.name for p in spools.iterdir())
    return {"moment": moment, "children": len(kids), "children_alive_after_restart": outlived,
            "lock_after_kill_s": round(lock_s, 3),
            "baseline_s": round(baseline, 2), "after_kill_s": round(restart, 2),
            "extra_s": round(restart - baseline, 2), "spools_left": left}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--index", type=Path, help="An index of --data to copy (default: built once into bench/out/).")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="warta-kill-"))
    try:
        if args.data.exists():
            data = args.data
            source = ensure_index(args.index, data)
        else:
            data = folder / "synthetic.jsonl"
            data.write_text("\n".join(json.dumps({"id": f"s{n}", "title": f"Berita nomor {n}", "content":
                                                  f"Banjir di kota nomor {n} merendam rumah warga dan jalan."})
                                      for n in range(3000)) + "\n")
            source = folder / "source"
            subprocess.run([*WARTA, "index", str(data), "--index", str(source), "--quiet"], check=True)
        index = folder / "index"
        shutil.copytree(source, index)
        runs = [run_once(data, index, folder, moment) for _ in range(args.repeat) for moment in ("reading", "indexing")]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if args.json:
        print(json.dumps(runs))
        return 0
    for run in runs:
        if "error" in run:
            print(f"killed while {run['moment']}: {run['error']}")
            continue
        print(f"killed while {run['moment']:8} ({run['children']} children): lock free {run['lock_after_kill_s']} s "
              f"after the kill; next one-article build "
              f"{run['after_kill_s']} s vs {run['baseline_s']} s without a kill (+{run['extra_s']} s); children "
              f"{'outlived it by ' + str(round(run['children_alive_after_restart'], 2)) + ' s' if run['children_alive_after_restart'] else 'gone'}; "
              f"spools left: {run['spools_left'] or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
