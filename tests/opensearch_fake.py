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
        self.searches: list[dict] = []
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
        from urllib.parse import unquote

        parts = [unquote(p) for p in path.split("?")[0].split("/") if p]
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
        if parts[1:] == ["_search", "template"]:
            request = json.loads(body)
            self.searches.append(request)
            return 200, self._search(name, request["params"])
        if parts[1] == "_doc" and method == "GET":
            doc = self.indices[name]["docs"].get(parts[2])
            if doc is None:
                return 404, {"_index": name, "_id": parts[2], "found": False}
            return 200, {"_index": name, "_id": parts[2], "found": True, "_source": doc}
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
        lines = body.decode("utf-8").split("\n")  # as OpenSearch reads _bulk: \n ends a line, nothing else
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

    def _search(self, name: str, params: dict) -> dict:
        """Answer a search template request in its response format. Matching is deliberately crude
        (lowercase substrings of the `plain` words, all of them unless minimum_should_match is "1"):
        what is tested is the store's reading of the answer, not ranking."""
        import html

        words = params["plain"].lower().split()
        need_all = params["minimum_should_match"] != "1"
        docs = self.indices[name]["docs"]
        matched = []
        for article_id in sorted(docs):
            doc = docs[article_id]
            text = (doc.get("title", "") + " " + doc.get("content", "")).lower()
            found = [w for w in words if w in text]
            if found and (len(found) == len(words) or not need_all):
                matched.append(doc)
        groups: dict[str, list[dict]] = {}
        for doc in matched:
            groups.setdefault(doc["cluster"], []).append(doc)

        def marked(text: str) -> str:
            import re

            out = html.escape(text)
            for word in words:
                out = re.sub(re.escape(word), lambda m: f"<mark>{m.group()}</mark>", out, flags=re.I)
            return out

        hits = []
        for members in list(groups.values())[params["from"]:params["from"] + params["size"]]:
            doc = members[0]
            hits.append({"_index": name, "_id": doc["id"], "_score": 1.5,
                         "_source": {k: doc.get(k) for k in ("id", "title", "url", "source", "category", "date", "cluster") if k in doc},
                         "highlight": {"title": [marked(doc["title"])], "content": [marked(doc["content"][:200])]},
                         "inner_hits": {"copies": {"hits": {"hits": [{"_id": m["id"], "_source": m} for m in members]}}}})

        def buckets(field: str) -> list[dict]:
            counts: dict = {}
            for doc in matched:
                if field in doc:
                    counts.setdefault(doc[field], set()).add(doc["cluster"])
            return [{"key": k, "doc_count": len(v), "stories": {"value": len(v)}} for k, v in sorted(counts.items())]

        return {"took": 1, "hits": {"total": {"value": len(matched), "relation": "eq"}, "hits": hits},
                "aggregations": {"stories": {"value": len(groups)}, **{f: {"buckets": buckets(f)}
                                                                        for f in ("source", "category", "year", "month")}}}

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
