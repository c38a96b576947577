"""The Whoosh schema of a Warta index, and its version number."""
from __future__ import annotations

from whoosh import fields

from search.analysis import IndonesianAnalyzer

# Bump when the schema or the analysis changes in a way old indexes cannot be read or queried with.
SCHEMA_VERSION = 1


def build_schema() -> fields.Schema:
    """Return a fresh schema for a new index."""
    analyzer = IndonesianAnalyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        url=fields.STORED(),
        title=fields.TEXT(analyzer=analyzer, stored=True, phrase=True),
        content=fields.TEXT(analyzer=analyzer, stored=True, phrase=True),
        date=fields.DATETIME(stored=True, sortable=True),
        year=fields.ID(stored=False, sortable=True),     # "2017", for facets and date:2017
        month=fields.ID(stored=False, sortable=True),    # "2017-03", facets within a year
        source=fields.ID(stored=True, sortable=True),
        category=fields.ID(stored=True, sortable=True),
        cluster=fields.ID(stored=True, sortable=True),   # near-duplicate group key, for collapse
        content_hash=fields.ID(stored=True),             # exact-duplicate detection
        signature=fields.KEYWORD(stored=False),          # near-duplicate LSH band keys
    )
