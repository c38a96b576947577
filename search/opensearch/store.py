"""Search an index pushed to OpenSearch, with Warta's query language and Warta's result dataclasses.

OpenSearchStore answers search(), get() and stats() like search.Index does (the same arguments,
the same SearchResults, Hit, ArticleRecord and IndexStats), through the stored search template:
the engine behind the store seam of docs/scaling.md. What it cannot do as Warta does (proximity,
the some-words tier) is listed in search_template's docstring.
"""
from __future__ import annotations

import html
import time
from dataclasses import replace
from datetime import datetime

from search.opensearch.search_template import TEMPLATE_ID, pages, relaxed_params, search_params
from search.query import describe, filter_conditions, parse
from search.results import ArticleRecord, Copy, FacetCount, Hit, IndexStats, SearchResults

FACETS = ("source", "category", "year")


class OpenSearchStore:
    """An index on an OpenSearch cluster, searched the way Warta searches its own."""

    def __init__(self, url: str, index_name: str = "warta", *, client=None, verify_certs: bool = True):
        from search.opensearch.push import connect

        self.url, self.index_name = url, index_name
        self.client = client or connect(url, verify_certs=verify_certs)

    def search(self, text: str, page: int = 1, per_page: int = 10, *, source=None, category=None,
               date_from=None, date_to=None, year=None, month=None, sort: str = "relevance") -> SearchResults:
        """Return one page of results for `text`, as Index.search does (InvalidQuery for what it refuses)."""
        started = time.perf_counter()
        params = search_params(text, page, per_page, source=source, category=category, date_from=date_from,
                               date_to=date_to, year=year, month=month, sort=sort)
        parsed = parse(text)
        answer = self._search(params)
        relaxed = False
        if _total(answer) == 0 and len(parsed.groups) > 1:
            answer = self._search(relaxed_params(params))  # Warta's any-word fallback
            relaxed = _total(answer) > 0
        # Counted as Index.search counts: stories holding every word in total, the any-word
        # fallback's in partial_total (total is then 0), and facets say which they count.
        matched = _total(answer)
        total, partial_total = (0, matched) if relaxed else (matched, 0)
        conditions = filter_conditions(source=source, category=category, date_from=date_from,
                                       date_to=date_to, year=year, month=month)
        per_page = params["size"]
        return SearchResults(
            hits=tuple(replace(_hit(hit), every_word=not relaxed) for hit in answer["hits"]["hits"]),
            total=total, partial_total=partial_total, facets_counted="some words" if relaxed else "every word",
            page=params["from"] // per_page + 1, pages=pages(matched, per_page), per_page=per_page,
            took_ms=(time.perf_counter() - started) * 1000,
            query=describe(parsed, any_word=relaxed, conditions=conditions), relaxed=relaxed,
            facets=_facets(answer.get("aggregations", {})),
        )

    def _search(self, params: dict) -> dict:
        return self.client.search_template(index=self.index_name, body={"id": TEMPLATE_ID, "params": params})

    def get(self, article_id: str) -> ArticleRecord | None:
        """Return the full article with this id, or None."""
        from opensearchpy.exceptions import NotFoundError

        try:
            found = self.client.get(index=self.index_name, id=str(article_id))
        except NotFoundError:
            return None
        stored = found["_source"]
        return ArticleRecord(id=stored["id"], title=stored.get("title") or "", content=stored.get("content") or "",
                             url=stored.get("url"), source=stored.get("source"), date=stored.get("date"),
                             category=stored.get("category"), cluster=stored.get("cluster"))

    def stats(self) -> IndexStats:
        """Return how many articles the cluster's index holds, from which outlets and dates, and its size."""
        answer = self.client.search(index=self.index_name, body={
            "size": 0, "track_total_hits": True,
            "aggs": {"source": {"terms": {"field": "source", "size": 10_000, "missing": "(unknown)"}},
                     "first": {"min": {"field": "date"}}, "last": {"max": {"field": "date"}}}})
        aggs = answer["aggregations"]
        size = self.client.indices.stats(index=self.index_name, metric="store")
        size_bytes = sum(index["primaries"]["store"]["size_in_bytes"] for index in size["indices"].values())
        return IndexStats(path=f"{self.url.rstrip('/')}/{self.index_name}", documents=_total(answer, collapsed=False),
                          sources={b["key"]: b["doc_count"] for b in aggs["source"]["buckets"]},
                          date_first=_iso(aggs["first"]), date_last=_iso(aggs["last"]), size_bytes=size_bytes)


def _total(answer: dict, collapsed: bool = True) -> int:
    """Return the number of results: stories (clusters) when collapsed, as Warta counts them."""
    stories = answer.get("aggregations", {}).get("stories")
    if collapsed and stories is not None:
        return int(stories["value"])
    total = answer["hits"]["total"]
    return int(total["value"] if isinstance(total, dict) else total)


def _hit(hit: dict) -> Hit:
    stored = hit["_source"]
    marked = hit.get("highlight", {})
    title = stored.get("title") or ""
    # The template's html encoder escapes the text around the marks; unmarked text is escaped here.
    title_html = marked["title"][0] if marked.get("title") else html.escape(title)
    snippet = marked["content"][0] if marked.get("content") else ""
    if not title:
        title_html = snippet[:90]
    copies = []
    for inner in hit.get("inner_hits", {}).get("copies", {}).get("hits", {}).get("hits", []):
        if inner["_id"] == hit["_id"]:
            continue
        copy = inner["_source"]
        copies.append(Copy(id=copy.get("id", inner["_id"]), title=copy.get("title") or "", url=copy.get("url"),
                           source=copy.get("source"), date=copy.get("date")))
    return Hit(id=stored.get("id", hit["_id"]), title=title, url=stored.get("url"), source=stored.get("source"),
               date=stored.get("date"), category=stored.get("category"), score=round(float(hit.get("_score") or 0), 4),
               snippet=snippet, title_html=title_html,
               duplicates=tuple(sorted(copies, key=lambda c: (c.date or "", c.id))))


def _facets(aggs: dict) -> dict[str, tuple[FacetCount, ...]]:
    """Return facets as Warta counts them: stories (distinct clusters) per value."""
    facets = {}
    for name in FACETS + ("month",):
        buckets = aggs.get(name, {}).get("buckets", [])
        counts = [FacetCount(str(b["key"]), int(b.get("stories", {}).get("value", b["doc_count"]))) for b in buckets]
        facets[name] = tuple(counts)
    facets["source"] = tuple(sorted(facets["source"], key=lambda f: (-f.count, f.value)))
    facets["category"] = tuple(sorted(facets["category"], key=lambda f: (-f.count, f.value)))
    facets["year"] = tuple(sorted(facets["year"], key=lambda f: f.value, reverse=True))
    if len(facets["year"]) != 1:
        del facets["month"]  # Warta shows months within one year only
    else:
        facets["month"] = tuple(sorted(facets["month"], key=lambda f: f.value))
    return facets


def _iso(aggregate: dict) -> str | None:
    if aggregate.get("value") is None:
        return None
    if aggregate.get("value_as_string"):
        return aggregate["value_as_string"]
    return datetime.utcfromtimestamp(aggregate["value"] / 1000).isoformat() + "+00:00"
