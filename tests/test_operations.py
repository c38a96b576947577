"""Operating Warta: exit codes, one-line failures, locks, and what a killed or interrupted build leaves.

The slow tests run real `warta index` processes and kill them (SIGKILL, SIGINT) while they read and
while they index, then check that nothing is left: no process, no lock, no uncommitted segment, no
spool, and that the next build starts at once.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from search import Index
from search.cli import main
from search.indexer import build, names_path

WARTA = [sys.executable, "-m", "search"]


def _write(path: Path, rows) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def _articles(count: int, start: int = 0) -> list[dict]:
    return [{"id": f"a{n}", "title": f"Banjir di kecamatan nomor {n} meluas",
             "content": f"Banjir merendam kecamatan {n} dan Bupati Sutarjo{n % 7} meninjau lokasi bersama warga. "
                        f"Hujan deras sejak pagi membuat sungai nomor {n * 7 % 13} meluap ke permukiman.",
             "source": "kompas"} for n in range(start, start + count)]


# -- exit codes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("make_input", [
    lambda tmp: [str(tmp / "missing.jsonl")],
    lambda tmp: [str((tmp / "empty").mkdir() or tmp / "empty")],
    lambda tmp: [str(_write(tmp / "notes.xyz", ["x"]))],
    lambda tmp: [str(_write(tmp / "bad.jsonl", ["{not json", "[1, 2]"]))],
], ids=["missing path", "empty folder", "only unsupported files", "only bad records"])
def test_nothing_indexed_is_exit_1_with_the_summary_and_no_index_created(runner, tmp_path, make_input):
    paths = make_input(tmp_path)
    index_dir = tmp_path / "ix"
    result = runner.invoke(main, ["index", *paths, "--index", str(index_dir), "--quiet"])
    assert result.exit_code == 1, result.output
    assert "read " in result.stdout and "nothing was indexed" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert not (index_dir / "_MAIN_0.toc").exists() and not (index_dir / "warta.json").exists()
    result = runner.invoke(main, ["index", *paths, "--index", str(index_dir), "--json"])
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["failure"].startswith("nothing was indexed") and summary["read"] == summary["rejected"]


def test_nothing_readable_leaves_an_existing_index_as_it_was_even_with_rebuild(runner, built_index, tmp_path):
    before = Index.open(built_index).stats().documents
    for extra in ([], ["--rebuild"]):
        result = runner.invoke(main, ["index", str(tmp_path / "missing.jsonl"), "--index", str(built_index), *extra])
        assert result.exit_code == 1 and "the index is unchanged" in result.stderr
        assert Index.open(built_index).stats().documents == before == 3


def test_a_build_with_some_rejects_exits_0_and_says_so(runner, tmp_path):
    archive = _write(tmp_path / "mixed.jsonl", _articles(2) + ["{broken"])
    result = runner.invoke(main, ["index", str(archive), "--index", str(tmp_path / "ix"), "--quiet"])
    assert result.exit_code == 0
    assert "rejected 1" in result.stdout and "rejects.jsonl" in result.stdout


def test_the_exit_codes_are_in_the_help(runner):
    text = runner.invoke(main, ["--help"]).output
    for code in ("0 ", "1 ", "2 ", "75 ", "130 "):
        assert f"  {code}" in text
    assert "nothing was indexed" in runner.invoke(main, ["index", "--help"]).output.replace("\n", " ").replace("  ", " ") \
        or "when nothing was" in runner.invoke(main, ["index", "--help"]).output.replace("\n", " ")


def test_a_busy_index_is_exit_75_naming_the_holder(runner, built_index):
    from search import writelock

    lock = writelock.acquire(built_index, 0)
    try:
        result = runner.invoke(main, ["delete", "x", "--index", str(built_index), "--wait", "0"])
    finally:
        lock.release()
    assert result.exit_code == 75 and f"process {os.getpid()}" in result.stderr


# -- damaged and unreadable indexes: one line from every command, a 503 from the web app ----------


def _damage(index_dir: Path, how: str) -> None:
    if how == "truncated warta.json":
        text = (index_dir / "warta.json").read_text()
        (index_dir / "warta.json").write_text(text[: len(text) // 2])
    elif how == "missing segment":
        for path in index_dir.glob("*.trm"):
            path.unlink()
    elif how == "truncated table of contents":
        (toc,) = index_dir.glob("_MAIN_*.toc")
        toc.write_bytes(toc.read_bytes()[:40])


@pytest.mark.parametrize("how", ["truncated warta.json", "missing segment", "truncated table of contents"])
def test_a_damaged_index_is_one_clear_line_from_every_command_and_a_503(runner, built_index, tmp_path, how):
    from web import create_app

    _damage(built_index, how)
    commands = [["stats"], ["search", "banjir"], ["delete", "banjir-bekasi"], ["serve", "--port", "1"],
                ["index", str(_write(tmp_path / "more.jsonl", _articles(1)))]]
    for command in commands:
        result = runner.invoke(main, [*command, "--index", str(built_index)])
        assert result.exit_code == 1, (command, result.output)
        assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1, (command, result.output)
        assert "rebuild" in result.stderr.lower() or "--rebuild" in result.stderr, (command, result.stderr)
    client = create_app({"INDEX": str(built_index)}).test_client()
    for route in ("/", "/search?q=banjir", "/articles/banjir-bekasi"):
        page = client.get(route)
        assert page.status_code == 503 and b"rebuild" in page.data
    api = client.get("/api/search?q=banjir")
    assert api.status_code == 503 and "rebuild" in api.get_json()["error"]["message"]


def test_an_unreadable_index_folder_is_one_line(runner, built_index, monkeypatch):
    import search.index

    def denied(path):
        raise PermissionError(13, "Permission denied", str(path))

    # chmod does not stop root (who runs CI here): the folder's listing fails as it would for another user.
    monkeypatch.setattr(search.index.os, "listdir", denied)
    result = runner.invoke(main, ["stats", "--index", str(built_index)])
    assert result.exit_code == 1 and "permission denied" in result.stderr and "chmod" in result.stderr
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1


def test_disk_full_and_read_only_folders_are_one_line(runner, tmp_path, monkeypatch):
    import errno

    import search.indexer

    archive = _write(tmp_path / "a.jsonl", _articles(3))
    for code, words in ((errno.ENOSPC, "disk is full"), (errno.EROFS, "read-only")):
        def failing(*args, **kwargs):
            raise OSError(code, os.strerror(code), str(tmp_path / "ix" / "names-1.json"))

        monkeypatch.setattr(search.indexer, "_commit", failing)
        result = runner.invoke(main, ["index", str(archive), "--index", str(tmp_path / "ix")])
        assert result.exit_code == 1 and words in result.stderr and "Traceback" not in result.output
        assert len(result.stderr.strip().splitlines()) == 1
        # Nothing of the failed build is left in the folder: only its (uncommitted) names file is gone too.
        leftovers = {p.name for p in (tmp_path / "ix").iterdir()} - {"rejects.jsonl"}
        assert not any(name.startswith("MAIN_") and not name.endswith("WRITELOCK") for name in leftovers), leftovers


def test_port_in_use_is_one_line_naming_the_holder(tmp_path, built_index):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([*WARTA, "serve", "--index", str(built_index), "--port", str(port)],
                                capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert f"Port {port}" in result.stderr and f"pid {os.getpid()}" in result.stderr and "--port" in result.stderr
    assert "Listening" not in result.stdout


# -- learned names go with their commit ----------------------------------------------------------


def test_names_of_a_build_that_never_committed_are_not_used_and_removed(tmp_path, monkeypatch):
    import search.indexer
    from search.indexer import load_names

    index_dir = tmp_path / "ix"
    build([_write(tmp_path / "a.jsonl", _articles(5))], index_dir)
    committed = names_path(index_dir)
    assert committed.name == "names-1.json" and load_names(index_dir).capitalised["bupati"] == 5

    def crash(*args, **kwargs):
        raise KeyboardInterrupt  # after the names were written, before the commit

    monkeypatch.setattr(search.indexer, "_commit", crash)
    with pytest.raises(KeyboardInterrupt):
        build([_write(tmp_path / "b.jsonl", [dict(a, id="b" + a["id"], content=a["content"] + " Gubernur Wiranto hadir.")
                                             for a in _articles(5)])], index_dir)
    monkeypatch.undo()
    assert names_path(index_dir) == committed  # a names file for a commit that never happened is not read
    assert "wiranto" not in load_names(index_dir).capitalised
    # A re-run keeps the committed names and adds its own; the crashed build's file is gone.
    build([_write(tmp_path / "c.jsonl", _articles(1, start=100))], index_dir)
    assert names_path(index_dir).name == "names-2.json"
    counts = load_names(index_dir).capitalised
    assert counts["bupati"] == 6 and "wiranto" not in counts


# -- killed and interrupted builds (real processes) ----------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(c) for c in task.read_text().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def _start_build(archive: Path, index_dir: Path, tmpdir: Path, *extra) -> subprocess.Popen:
    env = dict(os.environ, TMPDIR=str(tmpdir))
    return subprocess.Popen([*WARTA, "index", str(archive), "--index", str(index_dir), "--quiet", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _wait_for(condition, timeout: float = 240.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the build never reached the moment to stop it"
        time.sleep(0.02)


def _uncommitted(index_dir: Path) -> set[str]:
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(index_dir)
    segments = {s.segment_id() for s in ix._segments()}
    return {p.name for p in index_dir.iterdir()
            if p.name.startswith("MAIN_") and p.name.split(".")[0] not in segments and p.name != "MAIN_WRITELOCK"} \
        | ({"MAIN.tmp"} if (index_dir / "MAIN.tmp").exists() else set())


@pytest.fixture(scope="module")
def big_archive(tmp_path_factory) -> Path:
    # Over PARALLEL_MIN_DOCS: a name-learning helper while reading, two indexing processes after.
    return _write(tmp_path_factory.mktemp("big") / "big.jsonl", _articles(3000))


@pytest.mark.slow
@pytest.mark.parametrize("moment", ["reading", "indexing"])
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT, signal.SIGTERM], ids=["SIGKILL", "SIGINT", "SIGTERM"])
def test_a_stopped_build_leaves_nothing_and_the_next_starts_at_once(tmp_path, built_index, big_archive, moment, how):
    spools = tmp_path / "tmp"
    spools.mkdir()
    process = _start_build(big_archive, built_index, spools, "--processes", "2")
    try:
        if moment == "reading":
            _wait_for(lambda: _children(process.pid) and any(spools.iterdir()))
        else:
            _wait_for(lambda: len(_children(process.pid)) >= 2 and (built_index / "MAIN.tmp").exists()
                      or process.poll() is not None)
            assert process.poll() is None, "the build finished before it could be stopped"
        helpers = _children(process.pid)
        process.send_signal(how)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    # Children die with the build (at once for SIGKILL: the kernel's parent-death signal).
    _wait_for(lambda: not any(_alive(pid) for pid in helpers), timeout=5)
    if how == signal.SIGKILL:
        assert process.returncode == -signal.SIGKILL
    else:
        assert process.returncode == 128 + how, stderr
        assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1, stderr
        assert "last commit" in stderr
        assert not _uncommitted(built_index)  # removed at once, not by a later build
        assert not any(spools.iterdir())
    assert Index.open(built_index).stats().documents == 3  # the last commit, intact
    # The next writer gets the lock without waiting and removes what a killed build left.
    result = subprocess.run([*WARTA, "index", str(_write(tmp_path / "one.jsonl", _articles(1, start=5000))),
                             "--index", str(built_index), "--wait", "0", "--quiet"],
                            capture_output=True, text=True, env=dict(os.environ, TMPDIR=str(spools)), timeout=240)
    assert result.returncode == 0, result.stderr
    assert not _uncommitted(built_index) and not any(spools.iterdir())
    assert Index.open(built_index).stats().documents == 4


def test_a_lock_held_for_a_dead_process_is_taken_over_at_once_with_a_note(built_index, caplog):
    import fcntl

    from search import writelock

    gone = subprocess.Popen(["true"])
    gone.wait()  # a pid no process has any more
    # A leftover process that inherited the lock's descriptor still holds the flock; the file names
    # the dead build.
    leftover = os.open(built_index / writelock.LOCK_FILE, os.O_CREAT | os.O_WRONLY)
    try:
        fcntl.flock(leftover, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.write(leftover, json.dumps({"pid": gone.pid, "host": socket.gethostname(), "started": 0}).encode())
        with caplog.at_level("WARNING", logger="warta"):
            lock = writelock.acquire(built_index, wait=0)  # no waiting: taken over, not waited for
        try:
            assert f"process {gone.pid}, which is gone" in caplog.text
            assert writelock.read_holder(built_index / writelock.LOCK_FILE).pid == os.getpid()
        finally:
            lock.release()
    finally:
        os.close(leftover)
    assert (built_index / writelock.LOCK_FILE).read_text() == ""  # released: no holder recorded


def test_a_build_after_a_killed_one_removes_its_leftovers_with_a_note(built_index, tmp_path, runner):
    from search import writelock

    gone = subprocess.Popen(["true"])
    gone.wait()
    (built_index / writelock.LOCK_FILE).write_text(json.dumps({"pid": gone.pid, "host": socket.gethostname(),
                                                               "started": 0}))
    (built_index / "MAIN_deadbeef00000000.pst").write_bytes(b"x" * 1000)  # a segment the killed build wrote
    (built_index / "names-9.json").write_text("{}")  # its names, for a commit that never happened
    spool = Path(os.environ.get("TMPDIR", "/tmp")) / f"warta-build-{gone.pid}-test"
    spool.mkdir(exist_ok=True)
    result = runner.invoke(main, ["index", str(_write(tmp_path / "a.jsonl", _articles(1))), "--index", str(built_index)])
    assert result.exit_code == 0, result.output
    assert f"(process {gone.pid}) ended without finishing" in result.stderr and "removed 2 files" in result.stderr
    assert not (built_index / "MAIN_deadbeef00000000.pst").exists() and not (built_index / "names-9.json").exists()
    assert not spool.exists()
