"""The index template: settings (analysis, BM25 per field, shards) and mappings of a Warta index."""
from __future__ import annotations

from search.opensearch import chain
from search.opensearch.warta_terms import IndexTerms
from search.ranking import FIELD_B, K1

TEMPLATE_PRIORITY = 100  # above the built-in templates, so the analysis chain always applies


def mappings() -> dict:
    """Return the mappings: every field Warta searches, filters, facets, sorts and collapses on."""

    def text(field: str) -> dict:
        return {
            "type": "text", "analyzer": chain.ANALYZER, "similarity": f"warta_{field}",
            # Offsets in the postings: the unified highlighter marks matches without re-analysing
            # the stored text (Warta's snippets read stored text too; here that is _source).
            "index_options": "offsets",
            "fields": {"exact": {"type": "text", "analyzer": chain.EXACT_ANALYZER,
                                 "similarity": f"warta_{field}", "index_options": "positions"}},
        }

    return {
        # An article has exactly these fields; anything else is a mistake worth a rejected item.
        "dynamic": "strict",
        "properties": {
            "id": {"type": "keyword"},
            "title": text("title"),
            "content": text("content"),
            "url": {"type": "keyword", "index": False, "doc_values": False},
            "source": {"type": "keyword"},
            "category": {"type": "keyword"},
            "date": {"type": "date", "format": "strict_date_optional_time"},  # with its UTC offset
            "year": {"type": "short"},
            "month": {"type": "keyword"},     # "2017-03", the month facet within a year
            "cluster": {"type": "keyword"},   # near-duplicate story, for collapse
            "content_hash": {"type": "keyword", "doc_values": False},
        },
    }


def settings(terms: IndexTerms, shards: int = 1, replicas: int = 1, rules_in: str = "path",
             lists: chain.WordLists | None = None) -> dict:
    """Return the index settings: shards, replicas, Warta's BM25 parameters per field, the analysis."""
    return {
        "index": {
            "number_of_shards": shards,
            "number_of_replicas": replicas,
            # Warta's BM25F parameters as per-field BM25 (the field weights are query boosts).
            "similarity": {f"warta_{field}": {"type": "BM25", "k1": K1, "b": b} for field, b in FIELD_B.items()},
            # Warta's snippets look at whole articles; the default stops highlighting at 1,000,000
            # characters, which a few archive pages pass.
            "highlight": {"max_analyzed_offset": 10_000_000},
        },
        "analysis": chain.analysis_settings(terms, rules_in=rules_in, lists=lists),
    }


def index_template(terms: IndexTerms, index_name: str, shards: int = 1, replicas: int = 1,
                   meta: dict | None = None) -> dict:
    """Return the composable index template (PUT _index_template/NAME) for the index index_name.

    The pattern is the name alone: composable templates of one priority must not overlap, so a
    wider pattern (NAME-*) would stop a second Warta index (NAME-2) from getting its own template.
    """
    return {
        "index_patterns": [index_name],
        "priority": TEMPLATE_PRIORITY,
        "template": {"settings": settings(terms, shards, replicas), "mappings": mappings()},
        "_meta": {"warta": meta or {}},
    }


def inline_word_lists(template: dict, lists: chain.WordLists) -> dict:
    """Return a copy of the template's index body (settings, mappings) with the word lists inline."""
    import copy

    body = copy.deepcopy(template["template"])
    filters = body["settings"]["analysis"]["filter"]
    filters["warta_keep"].pop("keywords_path", None)
    filters["warta_keep"]["keywords"] = lists.keywords
    filters["warta_stems"].pop("rules_path", None)
    filters["warta_stems"]["rules"] = lists.rules
    return body
