"""The HTML pages: home, results, article, and the OpenSearch description."""
from __future__ import annotations

from flask import Blueprint, current_app, make_response, redirect, render_template, request, url_for

from search import InvalidQuery
from web import charts, links
from web import params as search_params
from web.archive import archive, article_and_related, get_index, run_search
from web.markup import marked, paragraphs
from web.research import article_citation

bp = Blueprint("views", __name__)


@bp.app_context_processor
def template_globals():
    return {"search_url": links.search_url, "article_url": links.article_url,
            "max_query_length": current_app.config["MAX_QUERY_LENGTH"]}


@bp.get("/")
def home():
    if request.args.get("q"):
        return redirect(url_for("views.search", **request.args.to_dict(flat=False)))
    return render_template("home.html", stats=archive().stats())


@bp.get("/search")
def search():
    config = current_app.config
    raw_q = request.args.get("q", "")
    try:
        state = search_params.parse(request.args, config["MAX_QUERY_LENGTH"], config["MAX_PAGE"])
    except search_params.BadParameter as exc:
        # The box keeps what was typed (cut to the limit) so it can be corrected.
        kept = search_params.SearchParams(q=" ".join(raw_q.split())[:config["MAX_QUERY_LENGTH"]])
        return render_template("results.html", state=kept, results=None, error=str(exc)), 400
    if not state.q and not state.has_filters:
        return render_template("results.html", state=state, results=None, error=None)
    # Filters without words browse the filtered archive, newest first.
    try:
        results = run_search(state, config["PER_PAGE"])
    except InvalidQuery as exc:
        return render_template("results.html", state=state, results=None, error=str(exc)), 400
    return render_template("results.html", state=state, results=results, error=None,
                           facets=links.facet_groups(results, state), chips=links.chips(state),
                           sorts=links.sort_links(state), pages=links.pages(results, state, config["MAX_PAGE"]),
                           histogram=charts.histogram(results.facets, state, links.search_url),
                           research=links.research_links(state))


@bp.get("/articles/<path:article_id>")
def article(article_id: str):
    record, related = article_and_related(article_id)
    q = " ".join(request.args.get("q", "").split())[:current_app.config["MAX_QUERY_LENGTH"]]
    body = marked_paragraphs(get_index(), record, q) if q else None
    return render_template("article.html", article=record, q=q, body=body, related=related,
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
    response = make_response(render_template("opensearch.xml"))
    response.headers["Content-Type"] = "application/opensearchdescription+xml; charset=utf-8"
    return response
