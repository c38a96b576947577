"""The index's write lock: Whoosh's flock on INDEX/MAIN_WRITELOCK, which also records who holds it.

The holder writes its pid, host and start time into the lock file, and empties it when it lets go.
A writer that finds the lock held reads who holds it: when that process is gone (on this host), the
lock is only held by a descriptor some leftover process inherited, and is taken over at once (the
file is replaced, so the flock on the old one no longer matters) with a note. When the previous
holder's details are still in the file as the lock is acquired, it ended without letting go (killed):
the caller removes what it left.
"""
from __future__ import annotations

import json
import logging
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from whoosh.util.filelock import FileLock

from search import children
from search.errors import IndexBusy

LOCK_FILE = "MAIN_WRITELOCK"  # whoosh: FileIndex.lock("WRITELOCK") of the index named MAIN
POLL_SECONDS = 0.1
log = logging.getLogger("warta")


@dataclass(frozen=True)
class Holder:
    """Who holds (or last held) the lock, as recorded in the lock file."""

    pid: int
    host: str
    started: float

    def is_gone(self) -> bool:
        """Return True when the holder is known to be dead (it ran on this host and no such process is left)."""
        if self.host != socket.gethostname():
            return False  # another machine sharing the folder: cannot tell
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:  # alive, another user's
            return False
        return False


class WriteLock(FileLock):
    """Whoosh's file lock, recording its holder; a SegmentWriter releases it in _finish()."""

    def __init__(self, filename: str):
        super().__init__(filename)
        self.previous: Holder | None = None  # a holder that ended without letting go

    def acquire(self, blocking: bool = False) -> bool:
        if not super().acquire(blocking):
            return False
        self.previous = read_holder(self.filename)
        record = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()})
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, record.encode(), 0)
        children.build_owns(self.fd)
        return True

    def release(self) -> None:
        if self.fd is not None:
            children.build_released(self.fd)
            try:
                os.ftruncate(self.fd, 0)  # an empty lock file: its last holder let go
            except OSError:
                pass
        super().release()


def read_holder(path: str | Path) -> Holder | None:
    """Return the holder recorded in a lock file, or None (empty, missing, or written by another program)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8") or "null")
        return Holder(int(data["pid"]), str(data["host"]), float(data["started"]))
    except (OSError, ValueError, TypeError, KeyError):
        return None


def acquire(index_dir: str | Path, wait: float) -> WriteLock:
    """Return the index's write lock, held; wait up to `wait` seconds for a live holder, else raise IndexBusy."""
    path = Path(index_dir) / LOCK_FILE
    deadline = time.monotonic() + wait
    while True:
        lock = WriteLock(str(path))
        if lock.acquire():
            return lock
        holder = read_holder(path)
        if holder is not None and holder.is_gone():
            _take_over(path, holder)
            continue
        if time.monotonic() >= deadline:
            who = f" (process {holder.pid} on {holder.host})" if holder else ""
            raise IndexBusy(
                f"Another process{who} is writing to the index at '{index_dir}' (waited {wait:g}s). Let it finish "
                f"and try again, or wait longer with --wait SECONDS.")
        time.sleep(POLL_SECONDS)


def _take_over(path: Path, holder: Holder) -> None:
    """Replace the lock file of a dead holder (a leftover process may still hold the old one's flock)."""
    log.warning("note: the write lock of '%s' was held for process %d, which is gone; taking it over",
                path.parent, holder.pid)
    try:
        if read_holder(path) == holder:  # not taken over by someone else meanwhile
            path.unlink()
    except FileNotFoundError:
        pass
