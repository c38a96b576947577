"""Research tools in the library and the CLI: export, trends, keyword in context, citations, and
multi-select facets with an undated bucket, all checked against what search itself returns."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from search import Index, InvalidQuery
from search.cli import main
from search.export import BOM, DEFAULT_FIELDS

# Two copies of a wire story (near-duplicates: one cluster), several outlets, years and months,
# undated articles, text that tests CSV quoting (quotes, commas, line breaks, a would-be formula).
_WIRE = ("Banjir bandang menerjang Kabupaten Garut pada Selasa malam setelah hujan deras mengguyur kawasan hulu "
         "sungai Cimanuk selama enam jam. Ratusan rumah terendam dan warga mengungsi ke masjid serta balai desa. "
         "Petugas gabungan mengevakuasi korban dengan perahu karet. ") * 3


def _article(id, title, content, source, date, category="nasional", url=True):
    return {"id": id, "title": title, "content": content, "source": source, "date": date, "category": category,
            "url": f"https://{source}.example/{id}" if url else None}


RESEARCH_ARTICLES = [
    _article("garut-kompas", "Banjir bandang Garut", _WIRE, "kompas", "2016-05-03T10:00:00+07:00", "regional"),
    _article("garut-detik", "Banjir bandang terjang Garut", _WIRE + " Sumber: Antara.", "detik", "2016-05-03T12:00:00+07:00",
             "regional"),
    _article("banjir-jakarta", "Jakarta kebanjiran lagi", "Hujan deras membuat Jakarta kebanjiran.\n\nBanjir juga "
             "menggenangi jalan tol, kata petugas, \"air setinggi lutut\".", "detik", "2016-11-20T08:00:00+07:00", "metro"),
    _article("banjir-bekasi", "=Banjir merendam Bekasi", "Banjir setinggi satu meter merendam Bekasi.", "tempo",
             "2018-02-01T09:00:00+07:00"),
    _article("banjir-undated", "Banjir tanpa tanggal", "Banjir menggenangi desa, tanggal tidak diketahui.", "antaranews", None),
    _article("tembak-1", "Polisi menembakkan gas air mata", "Polisi menembakkan gas air mata ke arah massa di Makassar.",
             "kompas", "2017-03-02T10:00:00+07:00", "hukum"),
    _article("tembak-2", "Pelaku ditembak", "Seorang pelaku ditembak di kaki karena melawan petugas. Tembakan peringatan "
             "sudah dilepaskan.", "tempo", "2019-07-10T10:00:00+07:00", "hukum"),
    _article("korupsi-1", "KPK tahan tersangka korupsi", "KPK menahan tersangka korupsi dana desa di Garut.", "tempo",
             "2017-08-01T10:00:00+07:00", "hukum"),
    _article("korupsi-2", "Sidang korupsi", "Sidang korupsi proyek jalan digelar di Bandung.", "kompas",
             "2019-01-15T10:00:00+07:00", "hukum"),
    _article("gempa-undated", "Gempa tanpa tanggal", "Gempa mengguncang kota.", "antaranews", None, url=False),
] + [_article(f"bola-{n}", f"Laga sepak bola ke-{n}", f"Pertandingan sepak bola ke-{n} berakhir imbang di Bandung.",
              ("kompas", "detik", "tempo")[n % 3], f"20{16 + n % 4}-{1 + n % 12:02d}-10T10:00:00+07:00", "olahraga")
       for n in range(15)]


@pytest.fixture(scope="module")
def research_index_dir(tmp_path_factory) -> Path:
    from search.indexer import build

    folder = tmp_path_factory.mktemp("research")
    archive = folder / "articles.jsonl"
    archive.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in RESEARCH_ARTICLES) + "\n", encoding="utf-8")
    build([archive], folder / "index")
    return folder / "index"


@pytest.fixture(scope="module")
def ix(research_index_dir):
    with Index.open(research_index_dir) as index:
        yield index


def all_hits(ix, query, **filters):
    """Return every hit of a search, page after page."""
    hits, page = [], 1
    while True:
        res = ix.search(query, page=page, per_page=7, **filters)
        hits.extend(res.hits)
        if page >= res.pages:
            return hits, res.total
        page += 1


def collapsed(records):
    """Return the first record of each cluster, in order (what search shows as hits)."""
    seen, kept = set(), []
    for record in records:
        if record.cluster in seen:
            continue
        seen.add(record.cluster)
        kept.append(record)
    return kept


# -- export -------------------------------------------------------------------------------------


@pytest.mark.parametrize("query, filters", [
    ("banjir", {}), ("banjir", {"sort": "newest"}), ("banjir", {"sort": "oldest"}), ("banjir", {"source": ["detik", "kompas"]}),
    ("banjir garut", {}), ("", {"category": "olahraga"}), ("", {}), ("bola", {"date_from": "2017-01-01", "date_to": "2018-12-31"}),
    ("banjir OR korupsi -jakarta", {}), ("tembak", {"year": "2017"}),
    ("banjir bandang jakarta", {}),  # 3 words, few hold all: some-word matches follow, as search counts them
])
def test_export_is_the_search_result_set_row_by_row(ix, query, filters):
    rows = list(ix.export(query, **filters))
    hits, total = all_hits(ix, query, **filters)
    # Each story's first copy, in order, is exactly the search's hits; every copy is its own row.
    assert [r.id for r in collapsed(rows)] == [h.id for h in hits]
    assert len({r.cluster for r in rows}) == total
    assert {r.id for r in rows} == {h.id for h in hits} | {c.id for h in hits for c in h.duplicates}
    for row in rows:  # every row is the stored article, field by field
        assert row == ix.get(row.id)


def test_export_keeps_every_copy_of_a_story_with_its_cluster(ix):
    rows = {r.id: r for r in ix.export("garut cimanuk")}
    assert set(rows) == {"garut-kompas", "garut-detik"}
    assert rows["garut-kompas"].cluster == rows["garut-detik"].cluster
    assert ix.search("garut cimanuk").total == 1


def test_export_checks_the_query_before_any_row_is_read(ix):
    with pytest.raises(InvalidQuery):
        ix.export("*anjir")  # raised by the call itself, not on the first next()
    with pytest.raises(InvalidQuery):
        ix.export("banjir", sort="sideways")
    assert list(ix.export("zzzzkatayangtidakada")) == []


def test_export_reads_lazily(ix, monkeypatch):
    import search.index as index_module

    monkeypatch.setattr(index_module, "EXPORT_CHUNK", 2)
    rows = ix.export("")
    first = next(rows)
    assert first.id
    assert len(list(rows)) == len(RESEARCH_ARTICLES) - 1


def test_csv_export_opens_in_a_spreadsheet_and_never_splits_rows(ix):
    from search.export import chunks, fields_of

    text = "".join(chunks(ix.export("banjir"), "csv", fields_of("id,title,date,source,url,content")))
    assert text.startswith(BOM)  # Excel reads UTF-8 only with the mark
    table = list(csv.reader(io.StringIO(text[1:], newline="")))
    assert table[0] == ["id", "title", "date", "source", "url", "content"]
    records = list(ix.export("banjir"))
    assert len(table) - 1 == len(records)
    for row, record in zip(table[1:], records):
        assert row[0] == record.id
        assert row[4] == (record.url or "")
        assert row[5] == record.content  # line breaks, quotes and commas kept inside one field
        # A title starting like a formula is defused for spreadsheets; the text is otherwise unchanged.
        assert row[1] == ("'" + record.title if record.title.startswith("=") else record.title)
    assert "\r\n" in text and '"Hujan deras' in text


def test_jsonl_export_keeps_text_exactly(ix):
    from search.export import chunks

    lines = "".join(chunks(ix.export("banjir"), "jsonl", DEFAULT_FIELDS)).splitlines()
    records = list(ix.export("banjir"))
    assert [json.loads(line) for line in lines] == [{f: getattr(r, f) for f in DEFAULT_FIELDS} for r in records]
    assert any(json.loads(line)["title"].startswith("=") for line in lines)


def test_export_field_lists_are_checked():
    from search.export import fields_of

    assert fields_of(None) == DEFAULT_FIELDS
    assert fields_of("ID, title,id") == ("id", "title")
    with pytest.raises(InvalidQuery, match="Unknown field 'body'"):
        fields_of("id,body")
    with pytest.raises(InvalidQuery):
        fields_of(",")


# -- trends -------------------------------------------------------------------------------------


@pytest.mark.parametrize("by", ["year", "month"])
@pytest.mark.parametrize("filters", [{}, {"source": "kompas"}, {"category": ["regional", "metro"]}])
def test_trend_counts_are_search_totals_per_period(ix, by, filters):
    queries = ["banjir", "korupsi", "bola", "banjir bandang jakarta"]
    result = ix.trends(queries, by=by, **filters)
    assert result.by == by
    assert [s.query for s in result.series] == queries
    periods = [c.period for c in result.series[0].counts]
    assert periods == sorted(periods) and len(set(periods)) == len(periods)
    for series in result.series:
        assert [c.period for c in series.counts] == periods
        for item in series.counts:
            narrowed = {by: item.period}
            assert item.count == ix.search(series.query, **filters, **narrowed).total
            everything = ix.search("", **filters, **narrowed).total
            assert item.share == (round(item.count / everything, 6) if everything else 0.0)


def test_trends_count_a_story_once_and_fill_gaps(ix):
    result = ix.trends("garut cimanuk", by="month")
    counts = {c.period: c.count for c in result.series[0].counts}
    assert counts["2016-05"] == 1  # two copies, one story
    periods = list(counts)
    assert periods[0] == "2016-01" and periods[-1] == "2019-12"  # every month of the archive's span
    assert len(periods) == 48 and counts["2016-06"] == 0
    years = [c.period for c in ix.trends("banjir").series[0].counts]
    assert years == ["2016", "2017", "2018", "2019"]


def test_trends_refuse_what_they_cannot_honour(ix):
    with pytest.raises(InvalidQuery, match="year or by month"):
        ix.trends(["banjir"], by="week")
    with pytest.raises(InvalidQuery, match="at most 5"):
        ix.trends([f"kata{n}" for n in range(50)])
    with pytest.raises(InvalidQuery, match="at least one"):
        ix.trends(["", "  "])
    with pytest.raises(InvalidQuery):
        ix.trends(["*x"])
    assert [s.query for s in ix.trends(["banjir", " banjir ", "korupsi"]).series] == ["banjir", "korupsi"]


def test_trends_json_shape(ix):
    shape = ix.trends(["banjir"], by="year").as_dict()
    assert set(shape) == {"by", "series"}
    assert set(shape["series"][0]) == {"query", "counts"}
    assert set(shape["series"][0]["counts"][0]) == {"period", "count", "share"}


# -- keyword in context ---------------------------------------------------------------------------


def test_concordance_finds_inflected_forms_with_their_context(ix):
    result = ix.concordance("tembak", width=30)
    matches = {line.match.lower() for line in result.lines}
    assert {"menembakkan", "ditembak", "tembakan"} <= matches
    for line in result.lines:
        assert len(line.left) <= 31 and len(line.right) <= 31
        record = ix.get(line.id)
        assert " ".join(record.content.split()).find((line.left + line.match + line.right).strip()) >= 0
    assert [line.date for line in result.lines] == sorted(line.date for line in result.lines)  # date: oldest first
    assert result.truncated is False and result.articles == 2


def test_concordance_orders_and_limits(ix):
    from search.concordance import words

    before = ix.concordance("banjir", sort="before").lines
    keys = [words(line.left)[::-1] for line in before]
    assert keys == sorted(keys) and len(set(map(tuple, keys))) > 2
    after = ix.concordance("banjir", sort="after").lines
    assert [words(line.right) for line in after] == sorted(words(line.right) for line in after)
    assert words('kata "Banjir (besar),') == ["kata", "banjir", "besar"]  # punctuation is not a word
    limited = ix.concordance("banjir", limit=2)
    assert len(limited.lines) == 2 and limited.truncated
    phrase = ix.concordance('"gas air mata"')
    assert [line.match for line in phrase.lines] == ["gas air mata"]
    garut = ix.concordance("banjir", source="kompas")
    assert {line.source for line in garut.lines} == {"kompas"}


def test_concordance_refuses_bad_input(ix):
    for bad in (dict(sort="sideways"), dict(width=0), dict(limit=0), dict(width="x")):
        with pytest.raises(InvalidQuery):
            ix.concordance("banjir", **bad)
    with pytest.raises(InvalidQuery, match="words to look for"):
        ix.concordance("source:kompas")


# -- facets ---------------------------------------------------------------------------------------


def test_facets_are_multi_select(ix):
    one = ix.search("banjir", source=["kompas"])
    listed = {f.value: f.count for f in one.facets["source"]}
    assert set(listed) >= {"kompas", "detik", "tempo"}  # the other outlets stay listed
    for value, count in listed.items():
        assert count == ix.search("banjir", source=[value]).total
    either = ix.search("banjir", source=["kompas", "detik"])
    stories = {ix.get(h.id).cluster for value in ("kompas", "detik") for h in all_hits(ix, "banjir", source=[value])[0]}
    assert either.total == len(stories)  # either outlet (the Garut story, carried by both, once)
    both = ix.search("banjir", source=["kompas", "detik"], category="metro")
    assert {h.id for h in both.hits} == {"banjir-jakarta"}
    # Across facets both apply: the outlet counts are counted within the chosen category.
    assert {f.value: f.count for f in both.facets["source"]} == {"detik": 1}
    assert {f.value for f in both.facets["category"]} >= {"metro", "regional"}


def test_undated_bucket(ix):
    res = ix.search("banjir")
    years = {f.value: f.count for f in res.facets["year"]}
    assert years["undated"] == 1
    assert res.facets["year"][-1].value == "undated"
    assert sum(years.values()) == res.total
    undated = ix.search("banjir", year="undated")
    assert [h.id for h in undated.hits] == ["banjir-undated"]
    assert "month" not in undated.facets
    chosen = ix.search("banjir", year="2016")
    assert {f.value for f in chosen.facets["year"]} >= {"2016", "2018", "undated"}  # other years stay listed
    assert [(f.value, f.count) for f in chosen.facets["month"]] == [("2016-05", 1), ("2016-11", 1)]


# -- citations ------------------------------------------------------------------------------------


def test_citation_names_outlet_date_title_and_both_urls(ix):
    cite = ix.citation("tembak-1", archive_url="https://arsip.example/articles/tembak-1")
    assert cite.text == ("kompas (2 March 2017). \u201cPolisi menembakkan gas air mata\u201d. "
                         "https://kompas.example/tembak-1. Archived copy: https://arsip.example/articles/tembak-1.")
    assert cite.bibtex.startswith("@online{kompas2017polisi,\n")
    assert "  title = {{Polisi menembakkan gas air mata}},\n" in cite.bibtex
    assert "  date = {2017-03-02},\n" in cite.bibtex and "  url = {https://kompas.example/tembak-1},\n" in cite.bibtex
    assert ix.citation("no-such-id") is None
    undated = ix.citation("gempa-undated")
    assert "(undated)" in undated.text and "date =" not in undated.bibtex


def test_bibtex_escapes_special_characters():
    from search.citation import bibtex
    from search.results import ArticleRecord

    record = ArticleRecord(id="x", title="Rp 5% & {naik} #1 $ _ ~ ^ \\", content="", url="https://a.example/x?a=1&b={2}",
                           source="Kompas & Co", date="2020-01-02T00:00:00+07:00", category=None)
    entry = bibtex(record)
    assert r"Rp 5\% \& \{naik\} \#1 \$ \_ \textasciitilde{} \textasciicircum{} \textbackslash{}" in entry
    assert "url = {https://a.example/x?a=1&b=%7B2%7D}" in entry
    assert entry.count("{") == entry.count("}") + entry.count(r"\{") - entry.count(r"\}")


# -- the CLI --------------------------------------------------------------------------------------


def test_cli_export_csv_to_a_file_matches_the_library(runner, research_index_dir, ix, tmp_path):
    out = tmp_path / "banjir.csv"
    result = runner.invoke(main, ["export", "banjir", "--index", str(research_index_dir), "-o", str(out)])
    assert result.exit_code == 0, result.output
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))
    assert [row["id"] for row in table] == [r.id for r in ix.export("banjir")]
    assert list(table[0]) == list(DEFAULT_FIELDS)
    assert f"exported {len(table)} article(s)" in result.output


def test_cli_export_jsonl_with_filters_and_fields(runner, research_index_dir, ix):
    result = runner.invoke(main, ["export", "", "--index", str(research_index_dir), "--format", "jsonl",
                                  "--fields", "id,source,content", "--source", "tempo", "--from", "2017", "--sort", "oldest"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    expected = list(ix.export("", source=["tempo"], date_from="2017", sort="oldest"))
    assert rows == [{"id": r.id, "source": r.source, "content": r.content} for r in expected]
    assert rows and all(row["source"] == "tempo" for row in rows)


def test_cli_export_bad_input_is_one_clear_line(runner, research_index_dir, tmp_path):
    result = runner.invoke(main, ["export", "banjir", "--index", str(research_index_dir), "--fields", "id,body"])
    assert result.exit_code != 0 and "Unknown field 'body'" in result.output and "Traceback" not in result.output
    result = runner.invoke(main, ["export", "*anjir", "--index", str(research_index_dir), "-o", str(tmp_path / "x.csv")])
    assert result.exit_code != 0 and "Error:" in result.output
    assert not (tmp_path / "x.csv").exists()  # nothing half-written
    result = runner.invoke(main, ["export", "banjir", "--index", str(tmp_path / "none")])
    assert result.exit_code != 0 and "warta index" in result.output


def test_cli_trends_table_csv_and_json(runner, research_index_dir, ix):
    args = ["trends", "banjir", "korupsi", "--index", str(research_index_dir)]
    table = runner.invoke(main, args)
    assert table.exit_code == 0, table.output
    assert table.output.splitlines()[0].split() == ["period", "banjir", "korupsi"]
    as_json = json.loads(runner.invoke(main, args + ["--json", "--by", "month"]).output)
    assert as_json == json.loads(json.dumps(ix.trends(["banjir", "korupsi"], by="month").as_dict()))
    rows = list(csv.reader(io.StringIO(runner.invoke(main, args + ["--csv"]).output)))
    assert rows[0] == ["period", "banjir count", "banjir share", "korupsi count", "korupsi share"]
    expected = ix.trends(["banjir", "korupsi"])
    assert [int(r[1]) for r in rows[1:]] == [c.count for c in expected.series[0].counts]
    bad = runner.invoke(main, args + ["--by", "week"])
    assert bad.exit_code == 2 and "week" in bad.output
    many = runner.invoke(main, ["trends", *[f"kata{n}" for n in range(50)], "--index", str(research_index_dir)])
    assert many.exit_code == 1 and "at most 5" in many.output and "Traceback" not in many.output


def test_cli_kwic(runner, research_index_dir):
    result = runner.invoke(main, ["kwic", "tembak", "--index", str(research_index_dir), "--width", "20"])
    assert result.exit_code == 0, result.output
    assert "menembakkan" in result.output and "ditembak" in result.output
    rows = list(csv.reader(io.StringIO(runner.invoke(main, ["kwic", "tembak", "--index", str(research_index_dir),
                                                             "--csv", "--sort", "after"]).output)))
    assert rows[0] == ["id", "date", "source", "left", "match", "right"]
    assert {r[3 + 1].lower() for r in rows[1:]} >= {"menembakkan", "ditembak"}
    data = json.loads(runner.invoke(main, ["kwic", "tembak", "--index", str(research_index_dir), "--json", "--limit", "1"]).output)
    assert len(data["lines"]) == 1 and data["truncated"] is True
    assert set(data["lines"][0]) == {"id", "date", "source", "left", "match", "right"}
    bad = runner.invoke(main, ["kwic", "source:kompas", "--index", str(research_index_dir)])
    assert bad.exit_code == 1 and "Traceback" not in bad.output


def test_cli_cite(runner, research_index_dir):
    result = runner.invoke(main, ["cite", "tembak-1", "--index", str(research_index_dir), "--archive-url", "https://a.example/t"])
    assert result.exit_code == 0
    assert result.output.startswith("kompas (2 March 2017).") and "@online{kompas2017polisi," in result.output
    only = runner.invoke(main, ["cite", "tembak-1", "--index", str(research_index_dir), "--bibtex"])
    assert only.output.startswith("@online{")
    missing = runner.invoke(main, ["cite", "nope", "--index", str(research_index_dir)])
    assert missing.exit_code == 1 and "No article with id 'nope'" in missing.output


# -- CSV and JSON lines never lose or split a field ------------------------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402

_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60) | st.sampled_from(
    ["a\u2028b", "x\x85y\r\nz", '"=1+2"', "=HYPERLINK(\"http://x\")", "-- CNN", "\u2029"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_TEXT, _TEXT, st.one_of(st.none(), _TEXT)), max_size=6))
def test_csv_and_jsonl_round_trip_any_text(values):
    from search.export import chunks
    from search.results import ArticleRecord

    records = [ArticleRecord(id=f"id-{n}", title=title, content=content, url=url, source="kompas", date=None,
                             category=None, cluster=f"id-{n}") for n, (title, content, url) in enumerate(values)]
    fields = ("id", "title", "url", "content", "date")
    text = "".join(chunks(iter(records), "csv", fields))
    table = list(csv.reader(io.StringIO(text[len(BOM):], newline="")))
    assert len(table) == len(records) + 1  # one row per article, whatever the text holds
    for row, record in zip(table[1:], records):
        for cell, name in zip(row, fields):
            value = getattr(record, name) or ""
            assert cell == ("'" + value if value.startswith(("=", "+", "-", "@", "\t", "\r")) else value)
    lines = "".join(chunks(iter(records), "jsonl", fields)).splitlines()  # as strictly as any reader splits
    assert [json.loads(line) for line in lines if line] == [{f: getattr(r, f) for f in fields} for r in records]


def test_concordance_reads_a_huge_article_window_by_window():
    from search.concordance import lines_of
    from search.highlight import TEXT_WINDOW, MatchSpec

    text = ("Warga kota beraktivitas seperti biasa. " * (TEXT_WINDOW // 20)) + "Banjir datang. " * 3
    stored = {"id": "besar", "content": text, "source": "tempo"}
    spec = MatchSpec(terms=frozenset({"banjir"}))
    every = lines_of(stored, None, spec, 20)
    assert [line.match for line in every] == ["Banjir"] * 3  # past the first window too
    assert every[0].left.endswith("biasa. ") and every[0].right == " datang. Banjir"  # whole words within 20
    assert len(lines_of(stored, None, spec, 20, wanted=1)) == 1
