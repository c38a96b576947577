"""What every process a build forks does first: die with the build, and let go of what is the build's.

A forked child inherits every open file of its parent: the index's write lock (a flock, held while any
copy of its descriptor is open) and the parent's ends of its pipes. A child that outlived a killed
build kept the lock (the next build waited its 30 s and gave up) and blocked forever in recv() on a
pipe whose other end it held itself. So a child asks the kernel for SIGKILL when its parent dies
(Linux prctl PR_SET_PDEATHSIG), checks that the parent did not die before it asked, and closes the
lock and the parent's pipe ends it inherited.
"""
from __future__ import annotations

import contextlib
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


_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


@contextlib.contextmanager
def stop_signals_held():
    """Hold Ctrl-C, SIGTERM and SIGHUP while forking; they arrive once the fork is done.

    A KeyboardInterrupt raised inside os.fork()'s after-fork handlers is printed and dropped by
    Python ("Exception ignored in ... _releaseLock"): the build went on as if never interrupted.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


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
    # Ctrl-C reaches the whole process group: the build handles it (and stops its children); a child
    # of its own would only print a second traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The build's own handlers (the CLI unwinds on SIGTERM/SIGHUP) are not the child's: when the build
    # stops a child, it just ends.
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):  # held by the parent while it forked (stop_signals_held)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
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
    """A forked process's entry point: die_with_parent, then target(*args).

    A pipe to the build that ends (EOFError, BrokenPipeError) means the build stopped or failed and
    says so itself: the child just ends, without a traceback of its own.
    """
    die_with_parent(parent_pid, parent_ends)
    try:
        target(*args)
    except (EOFError, BrokenPipeError, ConnectionResetError):
        os._exit(1)
