"""A small stand-in for an OpenSearch node's REST API, for testing `warta opensearch push` offline.

It answers the calls a push makes (info, index and search templates, index create/exists, _bulk,
_refresh, _count) the way OpenSearch does, keeps the documents in memory, and misbehaves on
purpose: documents whose id starts with "tolak" are refused with a mapping error, those whose id
starts with "sibuk" are answered 429 (too many requests) `busy_times` times before they are taken,
and an index whose settings read word lists from the node's config folder fails to be created
unless `config_files` holds them. The live test (test_opensearch_live.py) runs against the real thing.
"""
from __future__ import annotations

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeCluster:
    def __init__(self, busy_times: int = 0, config_files=(), require_auth: tuple[str, str] | None = None):
        self.busy_times = busy_times
        self.config_files = set(config_files)
        self.require_auth = require_auth
        self.indices: dict[str, dict] = {}      # name -> {"body": ..., "docs": {id: source}}
        self.templates: dict[str, dict] = {}
        self.scripts: dict[str, dict] = {}
        self.busy_seen: dict[str, int] = {}
        self.requests: list[tuple[str, str, dict]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    # -- the API --------------------------------------------------------------------------------

    def answer(self, method: str, path: str, body: bytes, headers) -> tuple[int, dict | None]:
        self.requests.append((method, path, dict(headers)))
        if self.require_auth is not None:
            import base64

            expected = "Basic " + base64.b64encode(":".join(self.require_auth).encode()).decode()
            if headers.get("Authorization") != expected:
                return 401, {"error": {"root_cause": [{"type": "security_exception", "reason": "missing authentication"}],
                                       "type": "security_exception", "reason": "missing authentication"}, "status": 401}
        parts = [p for p in path.split("?")[0].split("/") if p]
        if not parts:
            return 200, {"name": "fake", "cluster_name": "fake", "version": {"number": "2.17.0", "distribution": "opensearch"},
                         "tagline": "The OpenSearch Project: https://opensearch.org/"}
        if parts[0] == "_index_template" and method == "PUT":
            self.templates[parts[1]] = json.loads(body)
            return 200, {"acknowledged": True}
        if parts[0] == "_scripts" and method in ("PUT", "POST"):
            self.scripts[parts[1]] = json.loads(body)
            return 200, {"acknowledged": True}
        if parts[-1] == "_bulk":
            return self._bulk(body, parts[0] if len(parts) == 2 else None)
        name = parts[0]
        if len(parts) == 1 and method == "HEAD":
            return (200 if name in self.indices else 404), None
        if len(parts) == 1 and method == "PUT":
            return self._create(name, json.loads(body) if body else {})
        if name not in self.indices:
            return 404, {"error": {"root_cause": [{"type": "index_not_found_exception", "reason": f"no such index [{name}]"}],
                                   "type": "index_not_found_exception", "reason": f"no such index [{name}]"}, "status": 404}
        if parts[1:] == ["_refresh"]:
            return 200, {"_shards": {"total": 1, "successful": 1, "failed": 0}}
        if parts[1:] == ["_count"]:
            return 200, {"count": len(self.indices[name]["docs"])}
        return 400, {"error": {"type": "illegal_argument_exception", "reason": f"fake: {method} {path}"}, "status": 400}

    def _create(self, name: str, body: dict) -> tuple[int, dict]:
        if name in self.indices:
            return 400, {"error": {"root_cause": [{"type": "resource_already_exists_exception", "reason": f"index [{name}] already exists"}],
                                   "type": "resource_already_exists_exception", "reason": "exists"}, "status": 400}
        for definition in body.get("settings", {}).get("analysis", {}).get("filter", {}).values():
            for key in ("rules_path", "keywords_path", "stopwords_path"):
                if key in definition and definition[key] not in self.config_files:
                    reason = (f"IOException while reading {key}: /usr/share/opensearch/config/{definition[key]}")
                    return 400, {"error": {"root_cause": [{"type": "illegal_argument_exception", "reason": reason}],
                                           "type": "illegal_argument_exception", "reason": reason}, "status": 400}
        self.indices[name] = {"body": body, "docs": {}}
        return 200, {"acknowledged": True, "shards_acknowledged": True, "index": name}

    def _bulk(self, body: bytes, default_index: str | None) -> tuple[int, dict]:
        lines = body.decode("utf-8").splitlines()
        items = []
        errors = False
        for action_line, source_line in zip(lines[0::2], lines[1::2]):
            action = json.loads(action_line)["index"]
            name = action.get("_index", default_index)
            article_id = action["_id"]
            source = json.loads(source_line)
            with self._lock:
                if name not in self.indices:  # OpenSearch would create it from the template
                    self.indices[name] = {"body": self.templates.get(name, {}).get("template", {}), "docs": {}}
                docs = self.indices[name]["docs"]
                if article_id.startswith("tolak"):
                    errors = True
                    items.append({"index": {"_index": name, "_id": article_id, "status": 400, "error": {
                        "type": "mapper_parsing_exception", "reason": "failed to parse field [date] of type [date]",
                        "caused_by": {"type": "illegal_argument_exception", "reason": "failed to parse date field [kemarin]"}}}})
                    continue
                if article_id.startswith("sibuk") and self.busy_seen.get(article_id, 0) < self.busy_times:
                    self.busy_seen[article_id] = self.busy_seen.get(article_id, 0) + 1
                    errors = True
                    items.append({"index": {"_index": name, "_id": article_id, "status": 429, "error": {
                        "type": "es_rejected_execution_exception", "reason": "rejected execution (queue full)"}}})
                    continue
                result = "updated" if article_id in docs else "created"
                docs[article_id] = source
                items.append({"index": {"_index": name, "_id": article_id, "status": 201 if result == "created" else 200,
                                        "result": result}})
        return 200, {"took": 1, "errors": errors, "items": items}

    def _handler(self):
        cluster = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                status, answer = cluster.answer(self.command, self.path, body, self.headers)
                data = json.dumps(answer).encode() if answer is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _serve

            def log_message(self, *args):
                pass

        return Handler
