"""Running the app on waitress: one process with worker threads, or several pre-forked processes.

Searching is CPU-bound Python, and the Index serves one search at a time per process, so threads
only overlap network waits; on a machine with several cores, `workers` processes (each with its
own app and Index, forked before either is opened) accept connections from one shared socket.
"""
from __future__ import annotations

import os
import signal
import socket
import traceback
from typing import Any, Callable, Mapping

import waitress

from web import archive, create_app


def serve(config: Mapping[str, Any], host: str = "127.0.0.1", port: int = 8080, threads: int = 8,
          workers: int = 1, announce: Callable[[str], None] = print) -> None:
    """Serve the app made from `config` until interrupted."""
    create_app(config)  # validates the settings before anything listens or forks
    if workers <= 1 or not hasattr(os, "fork"):
        announce(f"Listening on http://{host}:{port}/ (Ctrl+C stops)")
        waitress.serve(_warmed_app(config), host=host, port=port, threads=threads, ident="warta")
        return
    listener = socket.create_server((host, port), backlog=1024)
    announce(f"Listening on http://{host}:{port}/ with {workers} worker processes (Ctrl+C stops)")
    children = [_fork_worker(config, listener, threads) for _ in range(workers)]
    listener.close()
    _wait_for(children)


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
