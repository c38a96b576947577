"""The archive's own absolute URLs, never made from a request's Host header.

Any client sets Host; a URL built from it ends up in documents that others keep and follow (an
OpenSearch description a browser installs, a feed a reader polls, a citation pasted into a paper).
The base is the BASE_URL setting, else the one address `warta serve` listens on (SERVED_AT), else
nothing: the links are then relative to the document they are in.
"""
from __future__ import annotations

from flask import current_app, request, url_for


def base_url() -> str:
    """Return the archive's public scheme and host without a trailing slash, or "" when unknown."""
    config = current_app.config
    return (config.get("BASE_URL") or config.get("SERVED_AT") or "").rstrip("/")


def url(endpoint: str, **values) -> str:
    """Return url_for(endpoint, **values) made absolute with base_url() (relative when it is unknown)."""
    return base_url() + url_for(endpoint, **values)


def this_request() -> str:
    """Return the current request's path and query, made absolute with base_url()."""
    path = request.full_path
    return base_url() + (path[:-1] if path.endswith("?") else path)
