"""Running the app on waitress: one process with worker threads, or several pre-forked processes.

Searching is CPU-bound Python, and the Index serves one search at a time per process, so threads
only overlap network waits; on a machine with several cores, `workers` processes (each with its
own app and Index, forked before either is opened) accept connections from one shared socket.
"""
from __future__ import annotations

import errno
import logging
import os
import signal
import socket
import traceback
from typing import Any, Callable, Mapping

import waitress

from web import archive, create_app


class CannotListen(OSError):
    """The server cannot listen where asked (port in use, not permitted, no such address); strerror says
    what to do, naming the process that holds a port in use when that can be found."""


def serve(config: Mapping[str, Any], host: str = "127.0.0.1", port: int = 8080, threads: int = 8,
          workers: int = 1, announce: Callable[[str], None] = print) -> None:
    """Serve the app made from `config` until interrupted; raise CannotListen when it cannot listen."""
    create_app(config)  # validates the settings before anything listens or forks
    quiet_queue_warnings()
    if workers <= 1 or not hasattr(os, "fork"):
        # Bound once first, so that a port in use is reported before "Listening" is claimed.
        try:
            socket.create_server((host, port)).close()
        except OSError as exc:
            raise _port_error(exc, host, port) from None
        announce(f"Listening on http://{host}:{port}/ (Ctrl+C stops)")
        try:
            waitress.serve(_warmed_app(config), host=host, port=port, threads=threads, ident="warta")
        except OSError as exc:  # taken in the moment between the two
            raise _port_error(exc, host, port) from None
        return
    try:
        listener = socket.create_server((host, port), backlog=1024)
    except OSError as exc:
        raise _port_error(exc, host, port) from None
    announce(f"Listening on http://{host}:{port}/ with {workers} worker processes (Ctrl+C stops)")
    children = [_fork_worker(config, listener, threads) for _ in range(workers)]
    listener.close()
    _wait_for(children)


def _port_error(exc: OSError, host: str, port: int) -> OSError:
    """Return the error to report for a failed bind: CannotListen saying what to do, or exc itself."""
    if exc.errno == errno.EADDRINUSE:
        holder = port_holder(port)
        who = f" by {holder}" if holder else " by another program"
        return CannotListen(exc.errno, f"Port {port} on {host} is already in use{who}. Stop it, or serve on "
                                       f"another port: --port {port + 1 if port < 65535 else 8080}")
    if exc.errno == errno.EACCES:
        return CannotListen(exc.errno, f"Not allowed to listen on port {port}: ports below 1024 need root. "
                                       f"Use a higher one: --port 8080")
    if exc.errno in (errno.EADDRNOTAVAIL, socket.EAI_NONAME if hasattr(socket, "EAI_NONAME") else -1):
        return CannotListen(exc.errno, f"{host} is not an address of this machine: use --host 127.0.0.1 "
                                       f"(this machine only) or --host 0.0.0.0 (every interface)")
    return exc


def port_holder(port: int) -> str | None:
    """Return "NAME (pid N)" of a process listening on the TCP port, when /proc shows it (Linux, same user)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table, encoding="ascii") as f:
                next(f, None)
                for line in f:
                    fields = line.split()
                    # local address (hex ip:port), state 0A = LISTEN, inode
                    if len(fields) > 9 and fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                        inodes.add(fields[9])
        except (OSError, ValueError):
            continue
    if not inodes:
        return None
    wanted = {f"socket:[{inode}]" for inode in inodes}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
            if any(os.readlink(f"/proc/{pid}/fd/{fd}") in wanted for fd in fds):
                with open(f"/proc/{pid}/comm", encoding="utf-8", errors="replace") as f:
                    return f"{f.read().strip()} (pid {pid})"
        except OSError:  # gone, or another user's
            continue
    return None


def quiet_queue_warnings() -> None:
    """Keep waitress's "Task queue depth is N" warnings out of the log unless the queue is really long.

    waitress warns whenever a request waits for a free thread. Searches run one at a time per process,
    so under load a few requests always wait: the line came for every burst and buried real warnings.
    A depth over QUEUE_WARNING_DEPTH (a backlog that keeps growing) is still reported.
    """
    logger = logging.getLogger("waitress.queue")
    if not any(isinstance(f, _ShortQueues) for f in logger.filters):
        logger.addFilter(_ShortQueues())


QUEUE_WARNING_DEPTH = 64


class _ShortQueues(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        depth = record.args[0] if isinstance(record.args, tuple) and record.args else None
        return not (isinstance(depth, int) and depth <= QUEUE_WARNING_DEPTH)


def _warmed_app(config: Mapping[str, Any]):
    """Return the app with its index opened and caches loaded (in the process that will serve it)."""
    app = create_app(config)
    archive.warm(app)
    return app


def _fork_worker(config: Mapping[str, Any], listener: socket.socket, threads: int) -> int:
    """Fork a process that serves on the shared listening socket; return its pid."""
    pid = os.fork()
    if pid:
        return pid
    status = 0
    try:
        signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
        waitress.serve(_warmed_app(config), sockets=[listener], threads=threads, ident="warta")
    except KeyboardInterrupt:
        pass
    except BaseException:
        status = 1
        traceback.print_exc()
    finally:
        os._exit(status)  # never return into the parent's code


def _wait_for(children: list[int]) -> None:
    """Wait for the workers; on Ctrl+C or SIGTERM stop them all."""
    def stop(*_):
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        for pid in children:
            try:
                os.waitpid(pid, 0)
            except KeyboardInterrupt:
                stop()
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
    finally:
        signal.signal(signal.SIGTERM, previous)
