"""`warta opensearch push URL`: load an export into a cluster with opensearch-py's streaming bulk helper.

What a push does, in order: reads the export's manifest (and refuses an incomplete export), puts the
index template and the search template, creates the index unless it exists (so an analysis setting
the cluster cannot read fails here, with what to do), streams every article of the bulk files,
retrying rejected-for-load items (429) with back-off and failed requests (timeouts, 502-504) in
the client, writes every item the cluster refused to the rejects file with the reason it gave, and
refreshes the index. The summary accounts for every article read: created + updated + rejected.

Credentials never come from the command line (shell history, process lists): the environment
(WARTA_OPENSEARCH_USER, WARTA_OPENSEARCH_PASSWORD) or a netrc entry for the cluster's host.
"""
from __future__ import annotations

import json
import netrc
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from search.errors import WartaError
from search.opensearch import chain, exporter as export_files, template as template_module

USER_VARIABLE = "WARTA_OPENSEARCH_USER"
PASSWORD_VARIABLE = "WARTA_OPENSEARCH_PASSWORD"
CA_CERTS_VARIABLE = "WARTA_OPENSEARCH_CA_CERTS"
REJECTS_FILE = "push-rejects.jsonl"
RAW_EXCERPT = 300  # characters of a rejected document kept in the rejects file
RETRY_STATUSES = (502, 503, 504)
INSTALL_HINT = "Talking to a cluster needs opensearch-py: pip install 'warta[opensearch]'"


class PushFailed(WartaError):
    """The export could not be loaded into the cluster; the message says what to do."""


@dataclass
class PushSummary:
    """What a push did with every article of the export."""

    index: str
    read: int = 0
    created: int = 0
    updated: int = 0
    rejected: int = 0
    reasons: dict = field(default_factory=dict)
    rejects_file: str | None = None
    documents: int | None = None  # what the cluster's index holds afterwards
    seconds: float = 0.0

    @property
    def accounted(self) -> bool:
        return self.read == self.created + self.updated + self.rejected

    def as_dict(self) -> dict:
        return {**self.__dict__, "accounted": self.accounted}


def credentials(url: str, environ=None, netrc_file: str | None = None) -> tuple[str, str] | None:
    """Return (user, password) for the cluster at `url` from the environment or a netrc, or None."""
    environ = os.environ if environ is None else environ
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise PushFailed(f"Credentials do not belong in the URL (they end up in shell history). Give "
                         f"them in {USER_VARIABLE} and {PASSWORD_VARIABLE}, or in a netrc entry for "
                         f"{parts.hostname}, and use {parts.scheme}://{parts.hostname}"
                         f"{':' + str(parts.port) if parts.port else ''}{parts.path}")
    user, password = environ.get(USER_VARIABLE), environ.get(PASSWORD_VARIABLE)
    if user or password:
        if not (user and password):
            raise PushFailed(f"Set both {USER_VARIABLE} and {PASSWORD_VARIABLE} (only one is set).")
        return user, password
    path = netrc_file or environ.get("NETRC") or os.path.join(os.path.expanduser("~"), ".netrc")
    if not os.path.exists(path):
        return None
    try:
        entry = netrc.netrc(path).authenticators(parts.hostname or "")
    except (netrc.NetrcParseError, OSError) as exc:
        raise PushFailed(f"Cannot read the netrc file {path}: {exc}") from None
    if entry is None:
        return None
    login, _, password = entry
    return (login or "", password or "")


def connect(url: str, *, verify_certs: bool = True, ca_certs: str | None = None, retries: int = 5,
            timeout: float = 60.0, environ=None):
    """Return an OpenSearch client for `url` that retries timeouts and 502-504 answers."""
    try:
        from opensearchpy import OpenSearch
    except ImportError:
        raise PushFailed(INSTALL_HINT) from None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PushFailed(f"'{url}' is not a cluster URL: write it as https://HOST:9200 (or http://).")
    environ = os.environ if environ is None else environ
    auth = credentials(url, environ)
    ca_certs = ca_certs or environ.get(CA_CERTS_VARIABLE) or None
    return OpenSearch(
        hosts=[url], http_auth=auth, use_ssl=parts.scheme == "https", verify_certs=verify_certs,
        ssl_show_warn=verify_certs, ca_certs=ca_certs, timeout=timeout, max_retries=retries,
        retry_on_timeout=True, retry_on_status=RETRY_STATUSES, http_compress=True,
    )


def read_manifest(export_dir: Path) -> dict:
    """Return the export's manifest, checking that every bulk file it lists is there."""
    path = export_dir / export_files.MANIFEST_FILE
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PushFailed(f"No export at '{export_dir}' (no {export_files.MANIFEST_FILE}). Make one with: "
                         f"warta opensearch export --index INDEX {export_dir}") from None
    except (OSError, ValueError) as exc:
        raise PushFailed(f"Cannot read {path} ({exc}). Export again: warta opensearch export --index INDEX {export_dir}") from None
    missing = [f["name"] for f in manifest.get("files", []) if not (export_dir / f["name"]).is_file()]
    for name in (export_files.TEMPLATE_FILE, export_files.SEARCH_TEMPLATE_FILE):
        if not (export_dir / name).is_file():
            missing.append(name)
    if missing:
        raise PushFailed(f"The export at '{export_dir}' is incomplete (missing {', '.join(missing[:5])}). "
                         f"Export again: warta opensearch export --index INDEX {export_dir}")
    return manifest


def push(url: str, export_dir: str | Path, *, index_name: str | None = None, rules_in: str = "path",
         rejects_path: str | Path | None = None, chunk_size: int = 500, max_chunk_bytes: int = 10 * 1024 * 1024,
         retries: int = 5, initial_backoff: float = 2.0, max_backoff: float = 120.0, progress: bool = False,
         client=None, verify_certs: bool = True, ca_certs: str | None = None) -> PushSummary:
    """Load the export at `export_dir` into the cluster at `url`; return what happened to every article.

    rules_in: "path" (the template as exported: the word lists must be in config/analysis/ on every
    node) or "inline" (the lists go inside the index settings; for managed clusters and tests).
    """
    started = time.perf_counter()
    export_dir = Path(export_dir)
    manifest = read_manifest(export_dir)
    index_name = index_name or manifest.get("index_name") or export_files.DEFAULT_INDEX_NAME
    if index_name != index_name.lower() or not index_name or index_name[0] in "-_+" or any(c in index_name for c in ' "*\\<|,>/?:#'):
        raise PushFailed(f"'{index_name}' cannot be an index name: use lowercase letters, digits, - and _.")
    client = client or connect(url, verify_certs=verify_certs, ca_certs=ca_certs, retries=retries)
    summary = PushSummary(index=index_name)
    rejects_path = Path(rejects_path) if rejects_path else export_dir / REJECTS_FILE
    with cluster_errors(url, index_name):
        client.info()
        _install(client, export_dir, index_name, rules_in)
        try:
            rejects = open(rejects_path, "w", encoding="utf-8")
        except OSError as exc:
            raise PushFailed(f"Cannot write the rejects file {rejects_path} ({exc.strerror or exc}).") from None
        with rejects:
            bar = _bar(manifest.get("articles"), progress)
            try:
                for entry in manifest["files"]:
                    _push_file(client, export_dir / entry["name"], index_name, summary, rejects, bar,
                               chunk_size=chunk_size, max_chunk_bytes=max_chunk_bytes, retries=retries,
                               initial_backoff=initial_backoff, max_backoff=max_backoff)
            finally:
                if bar is not None:
                    bar.close()
        client.indices.refresh(index=index_name)
        summary.documents = int(client.count(index=index_name)["count"])
    if summary.rejected:
        summary.rejects_file = str(rejects_path)
    else:
        rejects_path.unlink(missing_ok=True)
    summary.seconds = round(time.perf_counter() - started, 2)
    return summary


@contextmanager
def cluster_errors(url: str, index_name: str | None = None):
    """Turn the client's expected failures into PushFailed messages that say what to do."""
    try:
        from opensearchpy import exceptions as os_errors
    except ImportError:
        raise PushFailed(INSTALL_HINT) from None

    try:
        yield
    except os_errors.ConnectionError as exc:
        raise PushFailed(f"Cannot reach the cluster at {url} ({_short(exc)}). Check the URL and that "
                         f"it is up; with a self-signed certificate give its CA in {CA_CERTS_VARIABLE}.") from None
    except os_errors.AuthenticationException:
        raise PushFailed(f"The cluster at {url} refused the credentials: set {USER_VARIABLE} and "
                         f"{PASSWORD_VARIABLE}, or a netrc entry for its host.") from None
    except os_errors.AuthorizationException as exc:
        raise PushFailed(f"The cluster's user may not do this ({_short(exc)}): it needs to manage "
                         f"templates and read and write '{index_name or 'the index'}'.") from None
    except os_errors.NotFoundError as exc:
        raise PushFailed(f"Not found on the cluster: {_short(exc)}. Push the export first: "
                         f"warta opensearch push {url} --from DIR") from None
    except os_errors.TransportError as exc:
        raise PushFailed(f"The cluster at {url} answered {exc.status_code}: {_short(exc)}") from None


def _install(client, export_dir: Path, index_name: str, rules_in: str) -> None:
    """Put the index template and the search template; create the index unless it exists."""
    from opensearchpy import exceptions as os_errors

    index_template = json.loads((export_dir / export_files.TEMPLATE_FILE).read_text(encoding="utf-8"))
    index_template["index_patterns"] = [index_name]
    if rules_in == "inline":
        lists = chain.WordLists(rules=_lines(export_dir / chain.RULES_FILE), keywords=_lines(export_dir / chain.KEYWORDS_FILE))
        index_template["template"] = template_module.inline_word_lists(index_template, lists)
    try:
        client.indices.put_index_template(name=index_name, body=index_template)
        search_template = json.loads((export_dir / export_files.SEARCH_TEMPLATE_FILE).read_text(encoding="utf-8"))
        client.put_script(id="warta-search", body=search_template)
        if not client.indices.exists(index=index_name):
            client.indices.create(index=index_name, body=index_template["template"])
    except os_errors.RequestError as exc:
        reason = _short(exc)
        hint = ""
        if rules_in == "path" and ("rules_path" in reason or "keywords_path" in reason or "analysis/" in reason):
            hint = (f" Copy {chain.RULES_FILE} and {chain.KEYWORDS_FILE} from {export_dir} into "
                    f"config/{chain.CONFIG_SUBDIR}/ on every node, or push with --rules inline.")
        raise PushFailed(f"The cluster refused the index settings: {reason}.{hint}") from None


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _actions(path: Path, index_name: str, summary: PushSummary, rejects, origins: dict):
    """Yield the bulk actions of one export file; unreadable pairs go to the rejects file."""
    # Lines end at \n only, as _bulk reads them (text may hold \u2028 and other line separators).
    with open(path, encoding="utf-8", newline="\n") as lines:
        number = 0
        for action_line in lines:
            number += 1
            source_line = next(lines, None)
            number += 1
            summary.read += 1
            try:
                action = json.loads(action_line)["index"]
                document = json.loads(source_line)
                article_id = str(action["_id"])
            except (TypeError, ValueError, KeyError) as exc:
                _reject(summary, rejects, f"{path.name}:{number - 1}", None, "unreadable bulk line",
                        f"{type(exc).__name__}: {exc}", action_line)
                continue
            origins[article_id] = (f"{path.name}:{number - 1}", source_line)
            yield {"_op_type": "index", "_index": index_name, "_id": article_id, "_source": document}


def _push_file(client, path: Path, index_name: str, summary: PushSummary, rejects, bar, **bulk_options) -> None:
    """Stream one bulk file into the index, counting every item's outcome."""
    from opensearchpy.helpers import streaming_bulk

    origins: dict[str, tuple[str, str]] = {}  # this file's ids -> where they were (for rejects)
    results = streaming_bulk(
        client, _actions(path, index_name, summary, rejects, origins),
        chunk_size=bulk_options["chunk_size"], max_chunk_bytes=bulk_options["max_chunk_bytes"],
        max_retries=bulk_options["retries"], initial_backoff=bulk_options["initial_backoff"],
        max_backoff=bulk_options["max_backoff"], raise_on_error=False, raise_on_exception=False,
        yield_ok=True)
    for ok, item in results:
        outcome = item.get("index", item)
        article_id = str(outcome.get("_id"))
        if ok:
            if outcome.get("result") == "updated":
                summary.updated += 1
            else:
                summary.created += 1
        else:
            origin, raw = origins.get(article_id, (path.name, ""))
            error = outcome.get("error") or outcome.get("exception") or "unknown error"
            if isinstance(error, dict):
                kind, reason = error.get("type", "error"), error.get("reason", "")
                caused = error.get("caused_by")
                if isinstance(caused, dict) and caused.get("reason"):
                    reason = f"{reason} ({caused['reason']})"
            else:
                kind, reason = "request failed", str(error)
            _reject(summary, rejects, origin, article_id, kind, reason, raw, status=outcome.get("status"))
        if bar is not None:
            bar.update(1)


def _reject(summary: PushSummary, rejects, origin: str, article_id, kind: str, reason: str, raw: str,
            status=None) -> None:
    summary.rejected += 1
    summary.reasons[kind] = summary.reasons.get(kind, 0) + 1
    rejects.write(json.dumps({"origin": origin, "id": article_id, "status": status, "reason": f"{kind}: {reason}",
                              "raw": (raw or "")[:RAW_EXCERPT]}, ensure_ascii=False) + "\n")


def _bar(total, shown: bool):
    if not shown:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit=" articles", desc="push", leave=False)


def _short(exc) -> str:
    info = getattr(exc, "info", None)
    if isinstance(info, dict):
        error = info.get("error")
        if isinstance(error, dict):
            root = (error.get("root_cause") or [error])[0]
            return f"{root.get('type', 'error')}: {root.get('reason', '')}"
    error = getattr(exc, "error", None)
    return str(error or exc)[:300]
