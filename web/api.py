"""The JSON API: /api/search, /api/articles/<id>, /api/suggest, /api/stats (errors as JSON too)."""
from __future__ import annotations

from dataclasses import asdict, is_dataclass

from flask import Blueprint, current_app, jsonify, request

from search.index import MAX_PER_PAGE, WHOLE_NUMBER_RANGE
from search.messages import Message
from web import params as search_params
from web.archive import archive, article_and_related, get_index, run_search
from web.research import article_citation

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search():
    """Return SearchResults as JSON; same parameters as the results page."""
    config = current_app.config
    state = search_params.parse(request.args, config["MAX_QUERY_LENGTH"], config["MAX_PAGE"])
    if not state.q and not state.has_filters:
        raise search_params.BadParameter(Message("Missing query: pass the words to search as ?q=... "
                                                 "(or a filter such as ?source=... to browse)"), "q")
    per_page = _per_page(request.args.get("per_page"), config["PER_PAGE"])
    return jsonify(run_search(state, per_page).as_dict())


def _per_page(raw: str | None, default: int) -> int:
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_PER_PAGE:
        raise search_params.BadParameter(Message(WHOLE_NUMBER_RANGE, name="per_page", minimum=1, maximum=MAX_PER_PAGE,
                                                 value=repr(raw.strip()[:40])), "per_page")
    return value


@bp.get("/articles/<path:article_id>")
def article(article_id: str):
    """Return the full article, with its related articles."""
    record, related = article_and_related(article_id)
    body = record.as_dict()
    body["citation"] = article_citation(record).as_dict()
    if current_app.config["RELATED_LIMIT"]:
        body["related"] = [_plain(hit) for hit in related]
    return jsonify(body)


def _plain(item) -> dict:
    return asdict(item) if is_dataclass(item) else dict(item)


@bp.get("/suggest")
def suggest():
    """Return completions for what is typed: {"query", "suggestions"}, or with format=opensearch the
    OpenSearch suggestions array [query, [completions]] browsers read."""
    q = " ".join(request.args.get("q", "").split())
    limit = current_app.config["SUGGEST_LIMIT"]
    if len(q) > current_app.config["MAX_QUERY_LENGTH"]:
        raise search_params.BadParameter(Message("The text to complete is too long."), "q")
    suggestions = get_index().suggest(q, limit=limit) if q else []
    if request.args.get("format") == "opensearch":
        return jsonify([q, suggestions])
    return jsonify({"query": q, "suggestions": suggestions})


@bp.get("/stats")
def stats():
    """Return what the archive holds (documents, outlets, dates, size)."""
    return jsonify(archive().stats().as_dict())
