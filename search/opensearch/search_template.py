"""Warta's query as an OpenSearch search template, and the parameters for one Warta search.

What carries over from Warta's ranking (search.ranking, search.index):
- BM25 over title and content with Warta's weights (title x2.5) and per-field b (title 0.5, body 0.75,
  set as each field's similarity in the template's settings). Warta's BM25F sums the weighted term
  frequencies before saturating them; OpenSearch sums per-field BM25 scores (most_fields), which
  saturates each field on its own: close, not the same numbers.
- All words required; a search that finds nothing is asked again with any word (the params say
  how many words must match; `relaxed_params` makes the second request). Articles holding every
  word get Warta's all-words lift in a should clause.
- The phrase bonus (PHRASE_BONUS: the query's words next to each other) and the exact-form bonus
  (EXACT_BONUS: the words as typed, matched on the unstemmed .exact subfields) as should clauses.
- Quoted phrases, -excluded words, prefix* and OR through simple_query_string's syntax.
- source/category/date filters (from options or from the query text: source:kompas, date:2017).
- Highlights in <mark> with the text HTML-escaped, collapse on the near-duplicate cluster with the
  other copies as inner hits, and facets by source, category, year and month, each with the
  number of distinct stories (clusters), which is what Warta's facet counts count.
What does not (yet): Warta's term proximity and lead-paragraph re-ranking of the best 20, its
some-words tier for long queries with few full matches, title:/content: on single words, and
prefix* limited to the 50 most frequent expansions.
"""
from __future__ import annotations

import json
import math
import re

from search.index import MAX_PER_PAGE
from search.query import Condition, DateRange, filter_conditions, parse
from search.ranking import EXACT_BONUS, FIELD_WEIGHT, PHRASE_BONUS

TEMPLATE_ID = "warta-search"
FACET_SIZE = 50      # outlets and categories shown per facet
YEARS = 200          # years of an archive
MONTHS = 12 * YEARS
CARDINALITY_PRECISION = 40_000  # OpenSearch's maximum: story counts below this are exact
COPIES_SHOWN = 5     # other articles of a collapsed story returned with its hit
SNIPPET_CHARS = 200


def _fields(suffix: str = "") -> list[str]:
    return [f"{name}{suffix}^{weight:g}" if weight != 1 else f"{name}{suffix}"
            for name, weight in FIELD_WEIGHT.items()]


# Placeholders json.dumps cannot write: replaced by mustache tags after dumping.
_JSON_PARAMS = ("filters", "must_not", "sort")


def _words_query() -> dict:
    return {"query": "{{q}}", "fields": _fields(), "flags": "AND|OR|NOT|PHRASE|PREFIX|PRECEDENCE|WHITESPACE|ESCAPE",
            "lenient": True, "analyze_wildcard": True}


def template_body() -> dict:
    """Return the search request of the template with placeholders for the parameters."""
    stories = {"stories": {"cardinality": {"field": "cluster", "precision_threshold": CARDINALITY_PRECISION}}}
    words = _words_query()
    return {
        "from": "@from@", "size": "@size@",
        "track_total_hits": True,
        "query": {"bool": {
            "must": ["@must@"],
            "should": [
                # Warta ranks articles with every word above those with some (when it relaxes).
                {"simple_query_string": {**words, "default_operator": "and", "boost": 1}},
                {"multi_match": {"query": "{{plain}}", "type": "phrase", "fields": _fields(),
                                 "boost": PHRASE_BONUS}},
                {"multi_match": {"query": "{{plain}}", "type": "most_fields", "operator": "and",
                                 "fields": _fields(".exact"), "boost": EXACT_BONUS}},
            ],
            "filter": "@filters@",
            "must_not": "@must_not@",
        }},
        "sort": "@sort@",
        "collapse": {"field": "cluster", "inner_hits": {
            "name": "copies", "size": COPIES_SHOWN, "sort": [{"date": {"order": "asc", "missing": "_last"}}],
            "_source": ["id", "title", "url", "source", "date"]}},
        "_source": ["id", "title", "url", "source", "category", "date", "cluster"],
        "highlight": {
            "encoder": "html", "pre_tags": ["<mark>"], "post_tags": ["</mark>"],
            "fields": {"title": {"number_of_fragments": 0},
                       "content": {"fragment_size": SNIPPET_CHARS, "number_of_fragments": 1,
                                   "no_match_size": SNIPPET_CHARS}},
        },
        "aggs": {
            **stories,
            "source": {"terms": {"field": "source", "size": FACET_SIZE}, "aggs": stories},
            "category": {"terms": {"field": "category", "size": FACET_SIZE}, "aggs": stories},
            "year": {"terms": {"field": "year", "size": YEARS, "order": {"_key": "desc"}}, "aggs": stories},
            "month": {"terms": {"field": "month", "size": MONTHS, "order": {"_key": "asc"}}, "aggs": stories},
        },
    }


def search_template() -> dict:
    """Return the stored script for PUT _scripts/warta-search (mustache source as a string)."""
    source = json.dumps(template_body(), ensure_ascii=False)
    # Browsing (filters, no words) matches every article; else the words, every one required
    # unless minimum_should_match says otherwise (Warta's any-word fallback).
    words = json.dumps({"simple_query_string": {**_words_query(), "default_operator": "or",
                                                "minimum_should_match": "{{minimum_should_match}}"}},
                       ensure_ascii=False)
    source = source.replace('"@must@"', '{{#browse}}{"match_all": {}}{{/browse}}{{^browse}}' + words + "{{/browse}}")
    for name in ("from", "size"):
        source = source.replace(f'"@{name}@"', "{{" + name + "}}")
    for name in _JSON_PARAMS:
        source = source.replace(f'"@{name}@"', "{{#toJson}}" + name + "{{/toJson}}")
    return {"script": {"lang": "mustache", "source": source}}


# -- the parameters of one search ------------------------------------------------------------------

SORTS = {"relevance": ["_score", {"date": {"order": "desc", "missing": "_last"}}],
         "newest": [{"date": {"order": "desc", "missing": "_last"}}, "_score"],
         "oldest": [{"date": {"order": "asc", "missing": "_last"}}, "_score"]}
_SYNTAX = re.compile(r'([+|\-"*()~\\])')  # simple_query_string's operators, escaped in words


def search_params(text: str, page: int = 1, per_page: int = 10, *, source=None, category=None,
                  date_from=None, date_to=None, year=None, month=None, sort: str = "relevance") -> dict:
    """Return the template's parameters for a Warta search (the arguments of Index.search).

    The query text is read by Warta's own parser, and it refuses what Warta refuses (InvalidQuery).
    Its filters (source:, category:, date:) become filter clauses; its words are written again in
    simple_query_string's syntax: each required group (a word, "a phrase", a prefix*, or words
    joined by OR) one clause, all of them required, excluded words after a -. Words Warta ignores
    (question words) are left out; words it makes optional (function words, when every word is
    indexed) only add to the phrase and exact-form boosts. A field (title:) is not kept: the
    template searches both fields.
    """
    if sort not in SORTS:
        from search.errors import InvalidQuery

        raise InvalidQuery(f"Unknown sort '{sort}': use one of {', '.join(SORTS)}.")
    page = max(1, int(page))
    per_page = min(max(1, int(per_page)), MAX_PER_PAGE)
    parsed = parse(text)
    conditions = list(parsed.conditions) + filter_conditions(
        source=source, category=category, date_from=date_from, date_to=date_to, year=year, month=month)
    filters, must_not = [], []
    for condition in conditions:
        (must_not if condition.negated else filters).append(_filter_clause(condition))
    clauses = [_group_syntax(group) for group in parsed.groups]
    clauses += ["-" + _words_syntax(words) for words in parsed.excluded]
    optional = list(getattr(parsed, "optional", ()))  # function words (the per-index analyzer's parser)
    plain = [words.text for group in parsed.groups for words in group if words.kind != "prefix"]
    plain += [words.text for words in optional]
    browse = not parsed.groups
    return {
        "q": " ".join(clauses), "plain": " ".join(plain), "browse": browse,
        "minimum_should_match": "100%",
        "from": (page - 1) * per_page, "size": per_page,
        "filters": filters or [{"match_all": {}}], "must_not": must_not,
        "sort": SORTS["newest"] if browse and sort == "relevance" else SORTS[sort],
    }


def _words_syntax(words) -> str:
    """Return one Words (a word, phrase or prefix) in simple_query_string's syntax."""
    if words.kind == "prefix":
        return _SYNTAX.sub(r"\\\1", words.text.rstrip("*")) + "*"
    text = words.text.replace('"', " ").replace("\\", " ")
    if words.kind == "phrase" or len(words.terms) > 1:
        return f'"{text}"'
    return _SYNTAX.sub(r"\\\1", text)


def _group_syntax(group) -> str:
    """Return a group of alternatives (a OR b) as one clause."""
    alternatives = [_words_syntax(words) for words in group]
    return alternatives[0] if len(alternatives) == 1 else "(" + " | ".join(alternatives) + ")"


def relaxed_params(params: dict) -> dict:
    """Return the parameters of the any-word search Warta falls back to when every-word finds nothing."""
    return {**params, "minimum_should_match": "1"}


def _filter_clause(condition: Condition) -> dict:
    """Return the OpenSearch filter of one Warta condition (a value list or date ranges)."""
    if condition.field != "date":
        values = [int(v) if condition.field == "year" else v for v in condition.values]
        return {"terms": {condition.field: values}}
    ranges = [_date_range(value) for value in condition.values]
    return ranges[0] if len(ranges) == 1 else {"bool": {"should": ranges, "minimum_should_match": 1}}


def _date_range(value: DateRange) -> dict:
    bounds = {}
    if value.start is not None:
        bounds["gte"] = value.start.isoformat()
    if value.end is not None:
        bounds["lt"] = value.end.isoformat()
    return {"range": {"date": bounds}} if bounds else {"exists": {"field": "date"}}


def pages(total: int, per_page: int) -> int:
    """Return how many pages `total` results make (at least one, as Warta says)."""
    return max(1, math.ceil(total / per_page))
