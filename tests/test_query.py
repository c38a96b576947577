"""The query language: what user text means, and that no text crashes the parser."""
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.errors import InvalidQuery
from search.query import MAX_QUERY_CHARS, build_query, describe, filter_conditions, parse


def no_expansion(field, prefix):
    return []


def test_plain_words_are_all_required_and_stemmed():
    parsed = parse("Kebakaran Hutan")
    assert [[w.terms for w in group] for group in parsed.groups] == [[("bakar",)], [("hutan",)]]
    assert describe(parsed) == "Kebakaran Hutan"


def test_or_joins_neighbours_into_one_group():
    parsed = parse("banjir OR longsor bekasi")
    assert [[w.text for w in group] for group in parsed.groups] == [["banjir", "longsor"], ["bekasi"]]
    assert describe(parsed) == "banjir OR longsor bekasi"


def test_quoted_phrase_keeps_order_and_every_word():
    parsed = parse('"presiden dan wakil presiden"')
    (words,) = parsed.words
    assert words.kind == "phrase"
    assert words.terms == ("presiden", "dan", "wakil", "presiden")
    assert words.positions == (0, 1, 2, 3)  # "dan" is indexed too: the phrase is matched exactly


def test_unclosed_quote_runs_to_the_end():
    parsed = parse('"kebakaran hutan')
    assert parsed.words[0].kind == "phrase"
    assert parsed.words[0].terms == ("bakar", "hutan")


def test_exclusions_and_not():
    parsed = parse("banjir -jakarta NOT bekasi")
    assert [w.text for w in parsed.excluded] == ["jakarta", "bekasi"]
    assert [w.text for w in parsed.words] == ["banjir"]


def test_fields_and_filters():
    parsed = parse("title:banjir source:Kompas source:detik category:regional -source:antara")
    assert parsed.words[0].field == "title"
    by_field = {(c.field, c.negated): c.values for c in parsed.conditions}
    assert by_field[("source", False)] == ("kompas", "detik")
    assert by_field[("category", False)] == ("regional",)
    assert by_field[("source", True)] == ("antara",)


WIB = timedelta(hours=7)


@pytest.mark.parametrize("value, start, end", [
    ("2017", datetime(2017, 1, 1), datetime(2018, 1, 1)),
    ("2017-03", datetime(2017, 3, 1), datetime(2017, 4, 1)),
    ("2016-02-29", datetime(2016, 2, 29), datetime(2016, 3, 1)),
    ("2017-01-01..2017-06-30", datetime(2017, 1, 1), datetime(2017, 7, 1)),
    ("2017..", datetime(2017, 1, 1), None),
    ("..2018-06", None, datetime(2018, 7, 1)),
])
def test_date_values(value, start, end):
    (condition,) = parse(f"banjir date:{value}").conditions
    span = condition.values[0]
    # Days are WIB days; the bounds are the UTC times the date column holds (7 hours earlier).
    assert (span.start, span.end) == tuple(t - WIB if t else None for t in (start, end))


@pytest.mark.parametrize("text, fragment", [
    ("banjir date:xyz", "Cannot read the date"),
    ("banjir date:2017-13", "Cannot read the date"),
    ("banjir date:2017-02-30", "Cannot read the date"),
    ("banjir date:2018..2017", "ends before it starts"),
    ("banjir date:..", "Cannot read the date"),
    ("-banjir", "only exclude"),
    ("-banjir -jakarta", "only exclude"),
    ("*korupsi", "end of a word"),
    ("ko*si", "end of a word"),
    ("k*", "at least 2"),
    ("*", "at least 2"),
    ("title:", "needs a word"),
    ("source:", "needs a value"),
    ("x" * (MAX_QUERY_CHARS + 1), "shorten it"),
    (" ".join(f"kata{i}" for i in range(60)), "at most"),
])
def test_invalid_advanced_syntax_says_what_to_do(text, fragment):
    with pytest.raises(InvalidQuery, match=fragment):
        parse(text)


def test_unknown_field_is_ordinary_text():
    parsed = parse("foo:banjir")
    assert parsed.words[0].terms == ("foo", "banjir")
    assert parsed.words[0].is_phrase  # one typed token that makes two words: kept together


@pytest.mark.parametrize("text", ['"', "(", ")", "AND OR", "OR", "-", "--", "+", "'", "<script>alert(1)</script>",
                                  "🔥🔥", "كارثة", "森林火灾", "NOT", "a\x00b", "\t\n", "title:\"\"", "AND"])
def test_hostile_text_parses_or_raises_invalid_query(text):
    try:
        parsed = parse(text)
    except InvalidQuery:
        return
    describe(parsed)
    build_query(parsed, no_expansion)


def test_a_query_of_function_words_only_requires_them_all():
    parsed = parse("yang dan")
    assert [w.terms for w in parsed.words] == [("yang",), ("dan",)]
    assert not parsed.optional and not parsed.ignored
    assert describe(parsed) == "yang dan"


def test_function_words_among_content_words_are_optional_and_said_so():
    parsed = parse("banjir di jakarta dan bekasi")
    assert [w.terms for w in parsed.words] == [("banjir",), ("jakarta",), ("bekasi",)]
    assert [w.terms for w in parsed.optional] == [("di",), ("dan",)]
    assert describe(parsed) == "banjir jakarta bekasi (optional: di, dan)"


@pytest.mark.parametrize("query", ['"menteri luar negeri"', '"tahun baru"', '"tidak benar"', "naik", "masuk keluar"])
def test_content_words_of_the_old_stop_list_are_always_searched(query):
    parsed = parse(query)
    assert not parsed.optional and not parsed.ignored
    assert [t for w in parsed.words for t in w.terms] == [w for w in query.strip('"').split()]


def test_function_words_typed_explicitly_are_required():
    for query, terms in [('"banjir di jakarta"', [("banjir", "di", "jakarta")]), ("title:dan banjir", [("dan",), ("banjir",)]),
                         ("di OR ke banjir", [("di",), ("ke",), ("banjir",)])]:
        parsed = parse(query)
        assert [w.terms for w in parsed.words] == terms and not parsed.optional, query
    parsed = parse("banjir -di")
    assert [w.terms for w in parsed.excluded] == [("di",)]


def test_question_words_of_a_question_are_ignored_other_function_words_optional():
    parsed = parse("Siapa nama presiden pertama di Indonesia?")
    assert [w.terms for w in parsed.words] == [("presiden",), ("pertama",), ("indonesia",)]
    assert [w.text for w in parsed.optional] == ["di"] and parsed.ignored == ["nama", "Siapa"]


def test_a_hyphenated_word_is_its_parts_as_a_phrase_or_its_joined_form():
    parsed = parse("e-money")
    assert [(w.terms, w.positions) for w in parsed.groups[0]] == [(("e", "money"), (0, 1)), (("emoney",), (0,))]
    assert describe(parsed) == "e-money"
    quoted = parse('"bank e-money"')
    assert [w.terms for w in quoted.groups[0]] == [("bank", "e", "money"), ("bank", "emoney")]
    assert [w.terms for w in parse("anak-anak").words] == [("anak",)]  # reduplication: one root
    assert describe(parse("banjir -e-money")) == "banjir -e-money"


def test_stray_operators_become_words():
    parsed = parse("AND OR")
    assert [w.terms for w in parsed.words] == [("and",), ("or",)]


def test_prefix_query_uses_bounded_expansion():
    parsed = parse("korup*")
    query = build_query(parsed, lambda field, prefix: ["korupsi", "koruptor"])
    assert "korupsi" in str(query) and "koruptor" in str(query)


def test_relaxed_description_says_so():
    parsed = parse("banjir bekasi")
    assert "no article has every word" in describe(parsed, any_word=True)


def test_keyword_filters():
    conditions = filter_conditions(source=["Kompas", "detik"], date_from="2017-01-01", date_to="2017-12-31", year=2017)
    fields = {c.field: c.values for c in conditions}
    assert fields["source"] == ("kompas", "detik")
    assert fields["year"] == ("2017",)
    span = fields["date"][0]
    assert span.start == datetime(2017, 1, 1) - WIB and span.end == datetime(2018, 1, 1) - WIB
    with pytest.raises(InvalidQuery):
        filter_conditions(date_from="yesterday")


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_any_text_parses_or_raises_invalid_query(text):
    try:
        parsed = parse(text)
    except InvalidQuery:
        return
    describe(parsed)
    build_query(parsed, no_expansion)


@pytest.mark.parametrize("text, fragment", [
    ("-banjir OR longsor", "excluded"),
    ("banjir OR source:kompas", "not a word and a filter"),
])
def test_or_that_cannot_be_honoured(text, fragment):
    with pytest.raises(InvalidQuery, match=fragment):
        parse(text)


def test_or_between_filters_of_one_field():
    (condition,) = parse("banjir source:kompas OR source:detik").conditions
    assert condition.values == ("kompas", "detik")
