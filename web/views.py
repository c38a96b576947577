"""The HTML pages: home, results, article, and the OpenSearch description."""
from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, current_app, make_response, redirect, render_template, request, url_for

from search import InvalidQuery
from web import charts, links, public
from web import params as search_params
from web.archive import archive, article_and_related, get_index, run_search
from web.errors import exception_message
from web.markup import marked, paragraphs
from web.research import article_citation

bp = Blueprint("views", __name__)


@bp.app_context_processor
def template_globals():
    return {"search_url": links.search_url, "article_url": links.article_url,
            "max_query_length": current_app.config["MAX_QUERY_LENGTH"], "facet_label": links.facet_label,
            "value_label": links.value_label, "outlet_fix_url": links.outlet_fix_url}


@bp.get("/")
def home():
    if request.args.get("q"):
        return redirect(url_for("views.search", **request.args.to_dict(flat=False)))
    return render_template("home.html", stats=archive().stats())


@bp.get("/search")
def search():
    config = current_app.config
    try:
        state = search_params.parse(request.args, config["MAX_QUERY_LENGTH"], config["MAX_PAGE"])
    except search_params.BadParameter as exc:
        return _refused(exc)
    if not state.q and not state.has_filters:
        return render_template("results.html", state=state, results=None, error=None)
    state = _outlets_as_indexed(state)
    # Filters without words browse the filtered archive, newest first.
    try:
        results = run_search(state, config["PER_PAGE"])
    except InvalidQuery as exc:
        return _results_page(state, None, error=exception_message(exc), error_kind="query"), 400
    return _results_page(state, results)


def _outlets_as_indexed(state):
    """Return the state with each outlet filter that names an indexed outlet ("cnn", "Kompas.com") as
    that outlet's key, so that chips, facets and links agree; others stay as typed (the results
    then say that no outlet has that name, and which ones it may mean)."""
    if not state.sources:
        return state
    from search.outlets import resolve

    known = list(archive().stats().sources)
    values = []
    for value in state.sources:
        found = resolve(value, known)
        values.extend(found if isinstance(found, tuple) else (value,))
    return replace(state, sources=tuple(dict.fromkeys(values)))


def _results_page(state, results, error=None, error_kind=None, **extra):
    """Return the results page; with an error, the filters still shown (facets of `results` if any)."""
    facets = links.facet_groups(results, state) if results is not None else []
    return render_template(
        "results.html", state=state, results=results, error=error, error_kind=error_kind, facets=facets,
        chips=links.chips(state), sorts=links.sort_links(state),
        pages=links.pages(results, state, current_app.config["MAX_PAGE"]) if results is not None else None,
        histogram=charts.histogram(results.facets, state, links.search_url) if results is not None else None,
        research=links.research_links(state), **extra)


def _refused(exc: search_params.BadParameter):
    """Return the page for parameters that cannot be honoured: the message, advice that fits the
    parameter, and the search as far as it could be read (its box, filters and facets), so the
    reader fixes the one thing that is wrong."""
    config = current_app.config
    kept = search_params.parse_leniently(request.args, config["MAX_QUERY_LENGTH"], config["MAX_PAGE"])
    if exc.param == "q":
        kept = search_params.SearchParams(q=" ".join(request.args.get("q", "").split())[:config["MAX_QUERY_LENGTH"]])
    results = None
    if kept.q or kept.has_filters:
        try:
            results = run_search(kept.with_page(1), config["PER_PAGE"])
        except InvalidQuery:
            results = None
    swapped = None
    if exc.param == "dates":  # both dates are readable, in the wrong order: offer them swapped
        swapped = links.search_url(replace(kept, date_from=search_params.read_date(request.args.get("to"), "from"),
                                           date_to=search_params.read_date(request.args.get("from"), "to"), page=1))
    return _results_page(kept, results, error=exception_message(exc), error_kind=exc.param or "query",
                         raw_dates=(request.args.get("from", ""), request.args.get("to", "")),
                         swapped=swapped, hide_hits=True), 400


@bp.get("/articles/<path:article_id>")
def article(article_id: str):
    record, related = article_and_related(article_id)
    config = current_app.config
    # The search the reader came from: its words mark the matches, all of it makes the link back.
    state = search_params.parse_leniently(request.args, config["MAX_QUERY_LENGTH"], config["MAX_PAGE"])
    q = state.q
    body = marked_paragraphs(get_index(), record, q) if q else None
    back = links.search_url(state) if (q or state.has_filters) else None
    return render_template("article.html", article=record, q=q, body=body, related=related, back=back, state=state,
                           citation=article_citation(record))


def marked_paragraphs(index, record, q: str):
    """Return the article's paragraphs with the query's matches marked, or None when the query cannot be
    highlighted (then the page shows the plain text)."""
    try:
        html = index.highlight_text(record.content, q)
    except InvalidQuery:
        return None
    return [marked(p) for p in paragraphs(html)]


@bp.get("/opensearch.xml")
def opensearch():
    # Absolute links come from the BASE_URL setting (or, under `warta serve` on one address, that
    # address), never from the request's Host header: a hostile Host would end up in a document that
    # browsers keep and send searches to. Without either, the links are relative to this document.
    response = make_response(render_template("opensearch.xml", base=public.base_url()))
    response.headers["Content-Type"] = "application/opensearchdescription+xml; charset=utf-8"
    return response
