"""The web app's settings, declared once: name, default, type and help, read from WARTA_<NAME>."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Mapping


@dataclass(frozen=True)
class Setting:
    """One configuration value the app understands."""

    name: str
    default: Any
    help: str
    minimum: int | None = None  # for integer settings
    maximum: int | None = None

    @property
    def env_var(self) -> str:
        return "WARTA_" + self.name


SETTINGS: tuple[Setting, ...] = (
    Setting("INDEX", "index", "Folder of the index to serve (built with `warta index`)."),
    Setting("PER_PAGE", 10, "Results per page.", 1, 100),
    Setting("MAX_QUERY_LENGTH", 500, "Longest query accepted, in characters; longer ones get a 400.", 10, 10_000),
    Setting("MAX_PAGE", 100, "Deepest results page served (deep pages cost a full ranking).", 1, 10_000),
    Setting("SUGGEST_LIMIT", 8, "Completions returned while typing.", 1, 50),
    Setting("RELATED_LIMIT", 5, "Related articles shown on an article page.", 0, 50),
    Setting("STATS_TTL", 60, "Seconds the home page's archive figures are cached.", 0, 86_400),
    Setting("BASE_URL", "", "The site's public scheme and host, such as https://arsip.example.id (absolute links "
                            "in /opensearch.xml; never taken from a request's Host header)."),
)


def from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return the settings given as WARTA_<NAME> environment variables, converted to their types."""
    environ = os.environ if environ is None else environ
    found: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = environ.get(setting.env_var)
        if raw is None or raw.strip() == "":
            continue
        if isinstance(setting.default, int):
            try:
                found[setting.name] = int(raw)
            except ValueError:
                raise ValueError(f"{setting.env_var}={raw!r} is not a whole number. {setting.help}") from None
        else:
            found[setting.name] = raw
    return found


def validate(config: Mapping[str, Any]) -> None:
    """Raise ValueError naming the setting and its allowed range when a value is out of bounds."""
    for setting in SETTINGS:
        value = config.get(setting.name, setting.default)
        if isinstance(setting.default, int):
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValueError(f"Setting {setting.name} must be a whole number, not {value!r}. {setting.help}")
            low = setting.minimum if setting.minimum is not None else value
            high = setting.maximum if setting.maximum is not None else value
            if not low <= value <= high:
                raise ValueError(f"Setting {setting.name}={value} is out of range {low}..{high}. {setting.help}")
        elif setting.name == "BASE_URL":
            problem = base_url_problem(str(value))
            if problem:
                raise ValueError(f"Setting BASE_URL={value!r} {problem}. {setting.help}")
        elif not str(value).strip():
            raise ValueError(f"Setting {setting.name} must not be empty. {setting.help}")


def base_url_problem(value: str) -> str | None:
    """Return what is wrong with a BASE_URL value ("" means unset), or None when it is usable."""
    from urllib.parse import urlsplit

    if value == "":
        return None
    if any(c.isspace() or c in "\"'<>\\`{}|^" for c in value):
        return "contains spaces or characters a URL cannot hold"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return "is not a URL"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must start with http:// or https:// and name a host"
    if parts.query or parts.fragment or parts.username or parts.password or parts.path not in ("", "/"):
        # A path prefix (an app mounted under /arsip/) comes from the WSGI SCRIPT_NAME, which url_for adds.
        return "must be the site's scheme and host (and port) only: no path, query, fragment or password"
    return None
