"""What every process a build forks does first: die with the build, and let go of what is the build's.

A forked child inherits every open file of its parent: the index's write lock (a flock, held while any
copy of its descriptor is open) and the parent's ends of its pipes. A child that outlived a killed
build kept the lock (the next build waited its 30 s and gave up) and blocked forever in recv() on a
pipe whose other end it held itself. So a child asks the kernel for SIGKILL when its parent dies
(Linux prctl PR_SET_PDEATHSIG), checks that the parent did not die before it asked, and closes the
lock and the parent's pipe ends it inherited.
"""
from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_inherited_fds: set[int] = set()  # descriptors of the build's write lock, closed in every child


def build_owns(fd: int) -> None:
    """Record a descriptor that children must not keep open (the write lock)."""
    _inherited_fds.add(fd)


def build_released(fd: int) -> None:
    """Forget a descriptor recorded with build_owns (the lock was released)."""
    _inherited_fds.discard(fd)


def die_with_parent(parent_pid: int, parent_ends=()) -> None:
    """Make this (just forked) process die when parent_pid does; close the parent's lock and pipe ends."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the pipe ends closed below still end recv() loops
            pass
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(1)
    for fd in list(_inherited_fds):
        try:
            os.close(fd)
        except OSError:
            pass
    _inherited_fds.clear()
    for end in parent_ends:
        try:
            end.close()
        except OSError:
            pass


def run_child(parent_pid: int, parent_ends, target, *args) -> None:
    """A forked process's entry point: die_with_parent, then target(*args)."""
    die_with_parent(parent_pid, parent_ends)
    target(*args)
