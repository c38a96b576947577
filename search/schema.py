"""The Whoosh schema of a Warta index, and its version number."""
from __future__ import annotations

from array import array

from whoosh import fields, formats
from whoosh.system import _INT_SIZE, pack_uint, unpack_uint

from search import analysis
from search.analysis import IndonesianAnalyzer

# Bump when the schema or the analysis changes in a way old indexes cannot be read or queried with.
# 2: FastPositions posting format, `published` (original ISO date), `signature` LSH bands.
# 3: the LSH bands left the index for its band table (search.dedupe.BandTable).
# 4: every word indexed (no stop list); hyphenated words as their parts plus the joined form.
# 5: `title_derived`, stored for articles whose title Warta made (from the URL or the opening words).
SCHEMA_VERSION = 5


class FastPositions(formats.Positions):
    """Word positions per posting, made without Token objects and stored as a plain int array.

    Whoosh's Positions format walks the analyzer's Token generator and pickles every posting's
    position list; for the Indonesian analyzer this asks its term_positions() (one pass, cached
    word -> term) and packs positions with array('I'), which decodes with one C call. Lives at module
    top level under a stable name: Whoosh pickles it into the index schema.
    """

    def word_values(self, value, analyzer, **kwargs):
        if isinstance(analyzer, IndonesianAnalyzer) and analyzer.stemming:
            terms = analyzer.term_positions(value)
        else:  # any other analyzer: the generic, slower way
            terms = {}
            for token in analyzer(value, positions=True, mode=kwargs.get("mode", "")):
                terms.setdefault(token.text, []).append(token.pos)
        boost = self.field_boost
        for term, positions in terms.items():
            yield term, len(positions), len(positions) * boost, self.encode(positions)

    def encode(self, poslist):
        return pack_uint(len(poslist)) + array("I", poslist).tobytes()

    def decode_positions(self, valuestring):
        positions = array("I")
        positions.frombytes(valuestring[_INT_SIZE:])
        return positions.tolist()

    def decode_frequency(self, valuestring):
        return unpack_uint(valuestring[:_INT_SIZE])[0]

    def combine(self, vs):
        merged = set()
        for v in vs:
            merged.update(self.decode_positions(v))
        return self.encode(sorted(merged))


class ArticleText(fields.TEXT):
    """A TEXT field that indexes with FastPositions (phrases work, postings are cheap to make)."""

    def __init__(self, analyzer, stored=False, field_boost=1.0, **kwargs):
        super().__init__(analyzer=analyzer, stored=stored, field_boost=field_boost, phrase=True, **kwargs)
        self.format = FastPositions(field_boost=field_boost)


class DateColumn(fields.DATETIME):
    """A date kept as a stored value and a sortable column only, with no index terms.

    Search filters and sorts by date through the column (search.ranking reads it as an array), so
    the 8 tiered range terms per article that DATETIME indexes went unused while costing about a
    tenth of the build. Whoosh range queries on this field therefore match nothing: filter with the
    column. Lives at module top level under a stable name: Whoosh pickles it into the index schema.
    """

    def __init__(self, stored: bool = True):
        super().__init__(stored=stored, sortable=True)
        self.indexed = False


def build_schema() -> fields.Schema:
    """Return a fresh schema for a new index."""
    analyzer = IndonesianAnalyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        url=fields.STORED(),
        title=ArticleText(analyzer, stored=True),
        content=ArticleText(analyzer, stored=True),
        date=DateColumn(stored=True),                     # UTC, naive: Whoosh mishandles mixed tz
        published=fields.STORED(),                        # the original ISO 8601 date with its offset
        year=fields.ID(stored=False, sortable=True),     # "2017", for facets and date:2017
        month=fields.ID(stored=False, sortable=True),    # "2017-03", facets within a year
        source=fields.ID(stored=True, sortable=True),
        category=fields.ID(stored=True, sortable=True),
        cluster=fields.ID(stored=True, sortable=True),   # near-duplicate group key, for collapse
        content_hash=fields.ID(stored=True),             # exact-duplicate detection
        title_derived=fields.STORED(),                   # True when the archive gave no title (ours)
    )
