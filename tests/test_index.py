"""The Index API: search with filters, facets, paging, sorting, collapse; get, related, suggest."""
from __future__ import annotations

import json
import re
from datetime import datetime

import pytest

from search import Index, IndexNotFound, InvalidQuery, SearchResults
from search.indexer import META_FILE
from search.schema import SCHEMA_VERSION, build_schema

LONG_TAIL = "Warga kota beraktivitas seperti biasa pada hari itu. " * 900


def story(id, title, content, source, date, category="nasional", cluster=None, url=None):
    return {"id": id, "title": title, "content": content, "source": source, "date": date,
            "category": category, "cluster": cluster or id, "url": url or f"https://{source}.example/{id}"}


# A small archive written for these tests: two copies of one story (same cluster), several years,
# sources and categories, an article whose only match is past 40,000 characters, markup in text.
ARCHIVE = [
    story("banjir-kompas", "Banjir merendam Bekasi", "Banjir setinggi satu meter merendam permukiman di Bekasi. "
          "Warga mengungsi ke masjid.", "kompas", datetime(2019, 1, 5, 1), cluster="c-banjir"),
    story("banjir-detik", "Banjir rendam Bekasi", "Banjir setinggi satu meter merendam permukiman di Bekasi, "
          "warga mengungsi.", "detik", datetime(2019, 1, 5, 3), cluster="c-banjir"),
    story("banjir-jakarta", "Jakarta kebanjiran lagi", "Hujan deras membuat Jakarta kebanjiran. Banjir juga "
          "menggenangi jalan tol.", "detik", datetime(2020, 2, 1), category="metro"),
    story("banjir-2017", "Banjir bandang di Garut", "Banjir bandang menerjang Garut pada malam hari.",
          "antara", datetime(2017, 9, 21), category="regional"),
    story("kebakaran", "Kebakaran hutan di Riau", "Kebakaran hutan kembali melanda Riau. Petugas pemadam "
          "menembakkan air dari helikopter.", "kompas", datetime(2017, 3, 2), category="regional"),
    story("panjang", "Laporan panjang", LONG_TAIL + "Di akhir laporan, polisi menembakkan gas air mata.",
          "tempo", datetime(2018, 6, 1)),
    story("markup", "Judul <b>tebal</b> & aman", "Isi dengan <script>alert('x')</script> dan gempa kecil.",
          "tempo", datetime(2018, 7, 1)),
    story("tanpa-tanggal", "Gempa tanpa tanggal", "Gempa mengguncang kota tanpa tanggal.", "antara", None),
] + [story(f"sepak-{i}", f"Laga sepak bola ke-{i}", f"Pertandingan sepak bola ke-{i} berakhir imbang. Gempa tidak terasa.",
           "bola", datetime(2021, 1, 1 + i), category="olahraga") for i in range(12)]


@pytest.fixture(scope="module")
def archive_index(tmp_path_factory):
    from whoosh import index as whoosh_index

    path = tmp_path_factory.mktemp("archive") / "index"
    path.mkdir()
    schema = build_schema()
    ix = whoosh_index.create_in(path, schema)
    (path / META_FILE).write_text(json.dumps({"schema_version": SCHEMA_VERSION}), encoding="utf-8")
    writer = ix.writer()
    for doc in ARCHIVE:
        fields = {k: v for k, v in doc.items() if v is not None}
        if doc["date"] is not None:
            fields["year"] = f"{doc['date'].year}"
            fields["month"] = f"{doc['date'].year}-{doc['date'].month:02d}"
            if "published" in schema:
                fields["published"] = doc["date"].isoformat()
        else:
            fields.pop("date", None)
        writer.add_document(**fields)
    writer.commit()
    with Index.open(path) as index:
        yield index


def ids(results: SearchResults) -> list[str]:
    return [hit.id for hit in results.hits]


def test_open_missing_index_says_how_to_build(tmp_path):
    with pytest.raises(IndexNotFound, match="warta index"):
        Index.open(tmp_path / "nothing")


def test_all_words_must_match_and_inflected_forms_do(built_index):
    with Index.open(built_index) as index:
        results = index.search("senjata polisi")
        assert ids(results) == ["senjata-polisi"]
        assert results.relaxed is False
        hit = results.hits[0]
        assert "<mark>persenjataan</mark>" in hit.snippet and "<mark>bersenjata</mark>" in hit.snippet
        assert "<mark>Polisi</mark>" in hit.title_html


def test_falls_back_to_any_word_and_says_so(archive_index):
    results = archive_index.search("garut riau")
    assert results.relaxed is True
    assert set(ids(results)) == {"banjir-2017", "kebakaran"}
    assert "any of them" in results.query


def test_collapse_lists_copies_and_counts_the_story_once(archive_index):
    results = archive_index.search("banjir bekasi")
    assert results.total == 1
    (hit,) = results.hits
    assert hit.id in ("banjir-kompas", "banjir-detik")
    assert [copy.id for copy in hit.duplicates] == [({"banjir-kompas", "banjir-detik"} - {hit.id}).pop()]
    assert dict((f.value, f.count) for f in results.facets["source"]) == {"kompas": 1, "detik": 1}


def test_filters_and_facets(archive_index):
    results = archive_index.search("banjir")
    assert results.total == 3  # the Bekasi story once, Jakarta, Garut
    assert {f.value: f.count for f in results.facets["year"]} == {"2019": 1, "2020": 1, "2017": 1}
    assert "month" not in results.facets  # several years: months are offered within one year
    assert ids(archive_index.search("banjir", source=["antara"])) == ["banjir-2017"]
    assert ids(archive_index.search("banjir source:antara")) == ["banjir-2017"]
    assert set(ids(archive_index.search("banjir", date_from="2020-01-01"))) == {"banjir-jakarta"}
    assert ids(archive_index.search("banjir", date_to="2017-12-31")) == ["banjir-2017"]
    assert ids(archive_index.search("banjir date:2017-09")) == ["banjir-2017"]
    assert ids(archive_index.search("banjir date:2016..2018")) == ["banjir-2017"]
    assert ids(archive_index.search("banjir", category="metro")) == ["banjir-jakarta"]
    assert ids(archive_index.search("banjir -source:detik -source:kompas")) == ["banjir-2017"]
    chosen = archive_index.search("banjir", year="2019")
    assert [(f.value, f.count) for f in chosen.facets["month"]] == [("2019-01", 1)]
    assert ids(archive_index.search("banjir", month="2020-02")) == ["banjir-jakarta"]


def test_exclusion_and_or(archive_index):
    assert "banjir-jakarta" not in ids(archive_index.search("banjir -jakarta"))
    assert set(ids(archive_index.search("garut OR riau"))) == {"banjir-2017", "kebakaran"}


def test_phrase_and_title_field(archive_index):
    assert ids(archive_index.search('"kebakaran hutan"')) == ["kebakaran"]
    assert ids(archive_index.search('"hutan kebakaran"')) == []
    results = archive_index.search("title:gempa")
    assert set(ids(results)) == {"tanpa-tanggal"}


def test_paging_beyond_the_last_page_is_empty_with_totals(archive_index):
    first = archive_index.search("sepak bola", per_page=5)
    assert first.total == 12 and first.pages == 3 and len(first.hits) == 5
    third = archive_index.search("sepak bola", page=3, per_page=5)
    assert len(third.hits) == 2
    beyond = archive_index.search("sepak bola", page=9, per_page=5)
    assert beyond.hits == () and beyond.total == 12 and beyond.pages == 3 and beyond.page == 9
    everything = ids(first) + ids(archive_index.search("sepak bola", page=2, per_page=5)) + ids(third)
    assert len(set(everything)) == 12


def test_sorting_by_date(archive_index):
    newest = archive_index.search("gempa", sort="newest", per_page=20)
    dates = [hit.date for hit in newest.hits if hit.date]
    assert dates == sorted(dates, reverse=True)
    assert newest.hits[-1].id == "tanpa-tanggal"  # undated articles go last
    oldest = archive_index.search("gempa", sort="oldest", per_page=20)
    assert [h.date for h in oldest.hits if h.date] == sorted(dates)
    assert oldest.hits[-1].id == "tanpa-tanggal"


def test_recency_boost_prefers_newer_among_equals(archive_index):
    plain = archive_index.search("sepak bola imbang", per_page=12)
    recent = archive_index.search("sepak bola imbang", sort="recent", per_page=12)
    assert recent.hits[0].id == "sepak-11"
    assert {h.id for h in plain.hits} == {h.id for h in recent.hits}


def test_long_article_match_near_the_end_is_marked(archive_index):
    results = archive_index.search("tembak", per_page=10)
    by_id = {hit.id: hit for hit in results.hits}
    assert "<mark>menembakkan</mark> gas air mata" in by_id["panjang"].snippet


def test_archive_markup_is_escaped(archive_index):
    (hit,) = archive_index.search("tebal").hits
    assert hit.title_html == "Judul <mark>tebal</mark> &amp; aman" or "&lt;b&gt;" in hit.title_html
    assert "<script>" not in hit.snippet
    assert re.sub(r"</?mark>", "", hit.title_html + hit.snippet).count("<") == 0


@pytest.mark.parametrize("text", ['"', "(", "AND OR", "*", "title:", "-", "x" * 10_000, "🔥", "كارثة الفيضانات",
                                  "森林火灾", "<script>alert(1)</script>", "date:xyz", "-banjir", "*banjir", "a" * 300,
                                  "OR OR OR", '"""', "source:", "banjir date:2017-99", ")(", "k*"])
def test_hostile_input_raises_nothing_but_invalid_query(archive_index, text):
    try:
        results = archive_index.search(text)
    except InvalidQuery as exc:
        assert str(exc)
        return
    assert isinstance(results, SearchResults)
    for hit in results.hits:
        assert "<script>" not in hit.snippet


def test_a_query_of_function_words_only_still_searches_them(archive_index):
    results = archive_index.search("yang dan")
    assert results.total >= 1 and "nothing searchable" not in results.query and "ignored" not in results.query
    for hit in results.hits:
        text = (hit.title + " " + archive_index.get(hit.id).content).lower().split()
        assert "yang" in text or "dan" in text


def test_blank_query_browses_newest_first(archive_index):
    results = archive_index.search("", source="tempo")
    assert ids(results) == ["markup", "panjang"]


def test_prefix_wildcard(archive_index):
    assert "banjir-jakarta" in ids(archive_index.search("kebanjir*")) or ids(archive_index.search("banj*"))
    assert set(ids(archive_index.search("banj*", per_page=20))) >= {"banjir-jakarta", "banjir-2017"}


def test_bad_arguments_are_invalid_query(archive_index):
    for kwargs in ({"sort": "random"}, {"page": 0}, {"per_page": "x"}, {"date_from": "kemarin"}):
        with pytest.raises(InvalidQuery):
            archive_index.search("banjir", **kwargs)


def test_suggestion_for_a_misspelt_word(archive_index):
    results = archive_index.search("bajnir")
    assert results.total == 0
    assert results.suggestion == "banjir"
    assert archive_index.search("banjir").suggestion is None
    # A misspelt inflected word: corrected to a form the archive actually writes.
    assert archive_index.search("kebakarn hutan").suggestion == "kebakaran hutan"


def test_get_returns_the_full_article_or_none(archive_index):
    article = archive_index.get("panjang")
    assert article.content.endswith("gas air mata.") and article.source == "tempo"
    assert archive_index.get("no-such-id") is None


def test_related_excludes_itself_and_its_copies(archive_index):
    related = archive_index.related("banjir-kompas", limit=3)
    found = [hit.id for hit in related]
    assert "banjir-kompas" not in found and "banjir-detik" not in found
    assert {"banjir-jakarta", "banjir-2017"} <= set(found)
    assert archive_index.related("no-such-id") == ()


def test_suggest_completes_from_the_vocabulary(archive_index):
    completions = archive_index.suggest("ban")
    assert completions and completions[0] == "banjir"
    assert "kebakaran hutan" in archive_index.suggest("kebakaran hu")
    assert archive_index.suggest("") == [] and archive_index.suggest("🔥") == []


def test_results_are_plain_data(archive_index):
    results = archive_index.search("banjir")
    data = results.as_dict()
    json.dumps(data)
    assert data["hits"][0]["snippet"]


def test_exact_form_ranks_above_a_shared_root(tmp_path):
    from search.indexer import build

    # Identical but for the form of the word; the inflected one is indexed first, so without the
    # exact-form preference it would win the tie.
    rows = [{"id": "inflected", "title": "Gudang", "content": "Polisi menemukan persenjataan di gudang.", "source": "kompas"},
            {"id": "exact", "title": "Gudang", "content": "Polisi menemukan senjata di gudang.", "source": "kompas"}]
    archive = tmp_path / "gudang.jsonl"
    archive.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    build([archive], tmp_path / "ix")
    with Index.open(tmp_path / "ix") as index:
        assert ids(index.search("senjata")) == ["exact", "inflected"]
        assert ids(index.search("persenjataan")) == ["inflected", "exact"]


def test_empty_index_finds_nothing(tmp_path):
    from whoosh import index as whoosh_index

    path = tmp_path / "empty"
    path.mkdir()
    whoosh_index.create_in(path, build_schema())
    (path / META_FILE).write_text(json.dumps({"schema_version": SCHEMA_VERSION}), encoding="utf-8")
    with Index.open(path) as index:
        results = index.search("banjir")
        assert results.total == 0 and results.hits == () and results.pages == 1
        assert index.suggest("ban") == [] and index.related("x") == ()


def test_an_open_index_sees_articles_added_later(built_index, tmp_path, monkeypatch):
    import search.index
    from search.indexer import build

    monkeypatch.setattr(search.index, "REFRESH_SECONDS", 0)
    with Index.open(built_index) as index:
        assert index.search("gempa").total == 0
        later = tmp_path / "later.jsonl"
        later.write_text(json.dumps({"id": "gempa-baru", "title": "Gempa di Palu", "content": "Gempa mengguncang Palu.",
                                     "source": "kompas"}) + "\n", encoding="utf-8")
        build([later], built_index)
        assert ids(index.search("gempa")) == ["gempa-baru"]


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.sampled_from(list('banjir gempa"-*():OR AND title source:date:2017.. 🔥ك森<>&')), max_size=60),
       page=st.integers(min_value=1, max_value=5))
def test_any_query_text_returns_results_or_invalid_query(archive_index, text, page):
    try:
        results = archive_index.search(text, page=page, per_page=3)
    except InvalidQuery:
        return
    assert results.total >= len(results.hits)
    assert results.pages == max(1, -(-results.total // 3))
    for hit in results.hits:
        assert re.sub(r"</?mark>", "", hit.snippet + hit.title_html).count("<") == 0


def test_highlight_text_marks_a_whole_article(archive_index):
    marked = archive_index.highlight_text("Polisi <b>menembakkan</b> gas.\n\nLalu tembakan berhenti.", "tembak")
    assert marked == "Polisi &lt;b&gt;<mark>menembakkan</mark>&lt;/b&gt; gas.\n\nLalu <mark>tembakan</mark> berhenti."
    with pytest.raises(InvalidQuery):
        archive_index.highlight_text("teks", "date:xyz")


def test_a_search_past_its_time_limit_stops_with_advice_and_the_next_one_runs(archive_index):
    from search import SearchTooSlow
    from search.index import SEARCH_TIME_LIMIT

    archive_index.time_limit = 1e-9  # every check comes too late
    try:
        with pytest.raises(SearchTooSlow, match="more specific"):
            archive_index.search('"kebakaran hutan" banj*')
        archive_index.time_limit = None  # no limit: never stopped
        assert archive_index.search('"kebakaran hutan" banj*').total >= 0
    finally:
        archive_index.time_limit = SEARCH_TIME_LIMIT
    assert archive_index.search("kebakaran").total > 0  # the deadline went with the search that set it
