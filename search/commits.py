"""Which commit of an index folder is the latest, told apart from every other one.

Whoosh numbers commits (generations) and writes each one's table of contents as `_MAIN_<N>.toc`.
The number alone does not identify a commit: `warta index --rebuild` into a copy that is then moved
over the served folder, or a backup restored, gives a different index with the same number. The
table of contents file's device, inode, size and modification time do tell them apart: a commit
writes a new file (Whoosh renames a temporary one into place), and a copied or restored folder has
new files.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NamedTuple

_TOC_NAME = re.compile(r"^_MAIN_([0-9]+)\.toc$")  # whoosh.index.TOC._pattern("MAIN")


class Commit(NamedTuple):
    """The latest commit of an index folder: its generation and its table of contents file."""

    generation: int
    device: int
    inode: int
    size: int
    mtime_ns: int


def latest_commit(path: str | Path) -> Commit | None:
    """Return the latest commit in the folder, or None when it holds no index (or cannot be listed)."""
    latest = None
    try:
        with os.scandir(path) as entries:
            for entry in entries:
                match = _TOC_NAME.match(entry.name)
                if match and (latest is None or int(match.group(1)) > latest[0]):
                    latest = (int(match.group(1)), entry.path)
        if latest is None:
            return None
        status = os.stat(latest[1])
    except OSError:  # missing or unreadable folder; a TOC removed by a commit while we looked
        return None
    return Commit(latest[0], status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


def has_index(path: str | Path) -> bool:
    """Return True when the folder holds an index (a table of contents), readable or not.

    whoosh.index.exists_in opens the index to answer, and raises (EOFError...) when it is damaged:
    a damaged index is there, and opening it says what is wrong.
    """
    return latest_commit(path) is not None
