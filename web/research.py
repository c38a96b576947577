"""Research routes: exports, trends, keyword in context, the Atom feed and BibTeX citations.

Every route takes the parameters of /search (web.params), so any results page can be taken away,
charted, read in context or followed as it is. Exports stream: rows are read and written a chunk
at a time (Index.export), never the whole set in memory.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

from flask import Blueprint, Response, current_app, jsonify, render_template, request, stream_with_context, url_for

from search import InvalidQuery
from search import export as export_formats
from search.concordance import SORTS as KWIC_SORTS
from search.trends import MAX_QUERIES
from web import charts, links
from web import params as search_params
from web.archive import get_index

bp = Blueprint("research", __name__)

FEED_ENTRIES = 20
KWIC_PAGE_LIMIT = 500  # lines on the page by default
KWIC_MAX_LIMIT = 5000  # the most one request may ask for (page, API or CSV)
KWIC_WIDTH = 60
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _state(require: bool = True) -> search_params.SearchParams:
    """Return the search state of the request; with require, refuse one with neither words nor filters."""
    config = current_app.config
    state = search_params.parse(request.args, config["MAX_QUERY_LENGTH"], config["MAX_PAGE"])
    if require and not state.q and not state.has_filters:
        raise search_params.BadParameter("Missing query: pass the words to search as ?q=... "
                                         "(or a filter such as ?source=... for all its articles)")
    return state


def _filters(state: search_params.SearchParams) -> dict:
    """Return the Index keyword filters of a state, without its sort."""
    kwargs = state.search_kwargs()
    kwargs.pop("sort", None)
    return kwargs


def _filename(state: search_params.SearchParams, extension: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", state.q.lower()).strip("-")[:60] or "archive"
    return f"warta-{slug}.{extension}"


# -- exports ----------------------------------------------------------------------------------


@bp.get("/export.csv")
def export_csv():
    return _export("csv")


@bp.get("/export.jsonl")
def export_jsonl():
    return _export("jsonl")


def _export(form: str) -> Response:
    """Stream every article of the search as CSV or JSON lines (each copy of a story its own row)."""
    state = _state()
    fields = export_formats.fields_of(request.args.get("fields"))
    # Checked and matched now, so a bad query is a 400 before anything is sent; rows come as read.
    records = get_index().export(state.q, sort=state.sort, **_filters(state))
    body = stream_with_context(export_formats.chunks(records, form, fields))
    return Response(body, content_type=MEDIA_TYPES[form], headers={
        "Content-Disposition": f'attachment; filename="{_filename(state, form)}"'})


# -- trends -----------------------------------------------------------------------------------


def _trend_queries() -> list[str]:
    """Return the q values of the request (each checked as a search query), blanks left out."""
    limit = current_app.config["MAX_QUERY_LENGTH"]
    queries = []
    for raw in request.args.getlist("q"):
        text = " ".join(raw.split())
        if len(text) > limit:
            raise search_params.BadParameter(f"A query is {len(text)} characters long; the limit is {limit}.")
        if text:
            queries.append(text)
    if len(queries) > MAX_QUERIES:
        raise search_params.BadParameter(f"{len(queries)} queries is too many to compare: at most {MAX_QUERIES} at once.")
    return queries


def _by() -> str:
    by = (request.args.get("by") or "year").strip().lower()
    if by not in ("year", "month"):
        raise search_params.BadParameter(f"'by' must be year or month, not {by[:40]!r}.")
    return by


@bp.get("/api/trends")
def api_trends():
    """Return {"by", "series": [{"query", "counts": [{"period", "count", "share"}]}]}."""
    queries, by = _trend_queries(), _by()
    state = _state(require=False)
    if not queries:
        raise search_params.BadParameter("Missing query: pass one to five queries as ?q=banjir&q=korupsi")
    return jsonify(get_index().trends(queries, by=by, **_filters(state)).as_dict())


@bp.get("/trends")
def trends_page():
    state = _state(require=False)
    queries, by = _trend_queries(), _by()
    measure = "share" if request.args.get("measure") == "share" else "count"
    result = chart = None
    if queries:
        result = get_index().trends(queries, by=by, **_filters(state))
        chart = charts.line_chart(result, measure)
    slots = queries + [""] * (MAX_QUERIES - len(queries))
    return render_template("trends.html", state=state, queries=queries, slots=slots, by=by, measure=measure,
                           result=result, chart=chart, chips=links.chips(state),
                           switch=links.trends_switches(queries, state, by, measure),
                           search_links=[(q, links.search_url(state.with_query(q))) for q in queries])


# -- keyword in context -----------------------------------------------------------------------


def _kwic_options(default_limit: int) -> tuple[str, int, int]:
    sort = (request.args.get("order") or "date").strip().lower()
    if sort not in KWIC_SORTS:
        raise search_params.BadParameter(f"'order' must be one of {', '.join(KWIC_SORTS)}, not {sort[:40]!r}.")
    limit = _whole(request.args.get("limit"), "limit", default_limit, 1, KWIC_MAX_LIMIT)
    width = _whole(request.args.get("width"), "width", KWIC_WIDTH, 10, 200)
    return sort, limit, width


def _whole(raw: str | None, name: str, default: int, low: int, high: int) -> int:
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise search_params.BadParameter(f"'{name}' must be a whole number from {low} to {high}, not {raw[:40]!r}.")
    return value


def _concordance(state, default_limit: int):
    if not state.q:
        raise search_params.BadParameter("Missing query: pass the words to look for as ?q=...")
    sort, limit, width = _kwic_options(default_limit)
    return get_index().concordance(state.q, width=width, limit=limit, sort=sort, **_filters(state)), sort


@bp.get("/api/kwic")
def api_kwic():
    """Return {"query", "sort", "lines": [{"id", "date", "source", "left", "match", "right"}], ...}."""
    result, _ = _concordance(_state(require=False), KWIC_PAGE_LIMIT)
    return jsonify(result.as_dict())


@bp.get("/kwic.csv")
def kwic_csv():
    state = _state(require=False)
    result, _ = _concordance(state, KWIC_MAX_LIMIT)
    return Response(export_formats.concordance_csv(result.lines), content_type=MEDIA_TYPES["csv"], headers={
        "Content-Disposition": f'attachment; filename="{_filename(state, "kwic.csv")}"'})


@bp.get("/kwic")
def kwic_page():
    state = _state(require=False)
    result = sort = None
    if state.q:
        result, sort = _concordance(state, KWIC_PAGE_LIMIT)
    return render_template("kwic.html", state=state, result=result, sort=sort or "date",
                           orders=links.kwic_orders(state, sort or "date"),
                           csv_url=links.research_url("research.kwic_csv", state, order=sort or "date"),
                           chips=links.chips(state))


# -- the Atom feed ----------------------------------------------------------------------------


@bp.get("/feed.atom")
def feed():
    """Return an Atom feed of the newest articles matching the search (one entry per story)."""
    state = _state()
    results = get_index().search(state.q, page=1, per_page=FEED_ENTRIES, sort="newest", **_filters(state))
    entries = []
    for hit in results.hits:
        published = _rfc3339(hit.date)
        entries.append({"hit": hit, "updated": published, "url": url_for("views.article", article_id=hit.id, _external=True),
                        "original": hit.url if hit.url and hit.url.startswith(("http://", "https://")) else None,
                        "title": _xml_text(hit.title or _plain(hit.title_html)), "summary": _xml_text(_plain(hit.snippet)),
                        "source": _xml_text(hit.source or ""), "category": _xml_text(hit.category or "")})
    now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    # The feed changed when its newest entry appeared (dates carry their own zones: compare moments).
    updated = max((e["updated"] for e in entries if e["updated"]), key=datetime.fromisoformat, default=None) or now
    self_url = request.url
    body = render_template("feed.xml", state=state, entries=entries, updated=updated, self_url=self_url,
                           feed_id=self_url, results=results, results_url=links.search_url(state.with_page(1)),
                           title=_xml_text(f"Warta: {state.q}" if state.q else "Warta: " + results.query),
                           subtitle=_xml_text(f"The newest articles matching {results.query}"))
    return Response(body, content_type="application/atom+xml; charset=utf-8")


def _plain(fragment: str) -> str:
    """Return highlighter HTML (escaped text with <mark>) as plain text."""
    import html

    return html.unescape(re.sub(r"</?mark>", "", fragment or ""))


def _xml_text(text: str) -> str:
    """Return text without the control characters XML 1.0 forbids (escaping is the template's)."""
    return _XML_ILLEGAL.sub("", text or "")


def _rfc3339(iso: str | None) -> str | None:
    """Return an RFC 3339 timestamp (with a zone, as Atom requires) of an ISO date, or None."""
    if not iso:
        return None
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)  # the index keeps zone-less dates in UTC
    return moment.replace(microsecond=0).isoformat()


# -- citations --------------------------------------------------------------------------------


def article_citation(record):
    """Return the Citation of an article record, with this archive's own URL of it."""
    from search.citation import citation

    return citation(record, url_for("views.article", article_id=record.id, _external=True))


@bp.get("/cite.bib")
def cite_bibtex():
    article_id = (request.args.get("id") or "").strip()
    if not article_id:
        raise search_params.BadParameter("Missing id: pass the article's id as ?id=...")
    record = get_index().get(article_id)
    if record is None:
        from werkzeug.exceptions import NotFound

        raise NotFound()
    return Response(article_citation(record).bibtex, content_type="application/x-bibtex; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{_filename(search_params.SearchParams(q=record.id), "bib")}"'})
