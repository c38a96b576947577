"""What a new reader stumbles on (issue 16): derived titles, outlets by name, links that keep the search,
advice that fits the mistake, and the CLI and Python API refusing what the web API refuses, in its words."""
from __future__ import annotations

import json
import re

import pytest

from search import Index, InvalidQuery, OutletHint
from search.analysis import CapitalisationCounter
from search.cli import main
from search.documents import title_from_url, to_article
from search.outlets import display_name, resolve
from search.titles import case_title
from web import create_app

# A small archive: names and acronyms written the way news writes them, and articles without titles.
BODY = ("Generasi Muda Partai Golkar menyatakan akan datang ke MA pekan depan. Ketua umum Setya Novanto "
        "belum memberi tanggapan. Menurut MA, berkas sudah lengkap. Pengurus Partai Golkar dan "
        "Setya Novanto diminta hadir. Juru bicara MA mengatakan sidang terbuka.")
ARTICLES = [
    {"id": "golkar", "url": "https://news.detik.com/berita/d-3601/generasi-muda-partai-golkar-akan-klarifikasi-ke-ma-soal-setya-novanto",
     "source": "detik", "content": BODY, "date": "2017-09-10T20:43:00+07:00"},
    {"id": "relawan", "url": "http://www.juara.net/read/sport/lainnya/173280-kebutuhan.untuk.relawan.asian.games.2018.tinggi",
     "source": "juara.net", "content": "Kebutuhan relawan Asian Games 2018 tinggi. " + BODY, "date": "2017-09-11T08:00:00+07:00"},
    {"id": "cnn-banjir", "title": "Banjir melanda Jakarta", "source": "cnn indonesia",
     "content": "Banjir melanda Jakarta sejak Selasa. Warga mengungsi.", "date": "2017-10-21T20:43:00+07:00"},
    {"id": "cnbc-banjir", "title": "Banjir ganggu bursa", "source": "cnbc indonesia",
     "content": "Banjir mengganggu perdagangan bursa. Investor menunggu.", "date": "2017-10-22T06:15:00+07:00"},
    {"id": "kompas-banjir", "title": "Banjir di Bekasi", "source": "kompas",
     "content": "Banjir di Bekasi merendam rumah warga.", "date": "2017-10-23T09:00:00+07:00"},
] + [
    {"id": f"pemilu-{n:02d}", "title": f"Pemilu daerah nomor {n}", "source": f"outlet{n:02d}",
     "content": f"Pemilu daerah ke-{n} berjalan lancar.", "date": f"2018-{1 + n % 12:02d}-10T10:00:00+07:00",
     "category": f"kategori{n:02d}"}
    for n in range(12)
]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    from search.indexer import build

    folder = tmp_path_factory.mktemp("readers")
    archive = folder / "articles.jsonl"
    archive.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES), encoding="utf-8")
    build([archive], folder / "index")
    return folder / "index"


@pytest.fixture(scope="module")
def index(index_dir):
    with Index.open(index_dir) as ix:
        yield ix


@pytest.fixture(scope="module")
def client(index_dir):
    return create_app({"INDEX": str(index_dir), "PER_PAGE": 2, "TESTING": True}).test_client()


# -- titles made from URLs ------------------------------------------------------------------------------


def test_numeric_ids_leave_titles_made_from_urls():
    assert title_from_url(ARTICLES[1]["url"]) == "Kebutuhan untuk relawan asian games 2018 tinggi"
    assert title_from_url("https://x.com/read/2017/09/06/181222/bocor-james-bond-nikah") == "Bocor james bond nikah"
    assert title_from_url("https://x.com/berita/2017-piala-dunia-dimulai") == "2017 piala dunia dimulai"  # a year stays


def test_derived_titles_are_cased_as_the_corpus_writes_its_words():
    counts = CapitalisationCounter()
    counts.observe(BODY)
    derived = title_from_url(ARTICLES[0]["url"])
    assert case_title(derived, counts) == "Generasi Muda Partai Golkar Akan Klarifikasi ke MA soal Setya Novanto"
    assert case_title("anak-anak bermain di ma", counts) == "Anak-Anak Bermain di MA"
    assert case_title("ke pasar", None) == "Ke Pasar"  # the first word is always capitalised


def test_a_derived_title_is_marked_and_cased_everywhere(index, client):
    article = index.get("golkar")
    assert article.title == "Generasi Muda Partai Golkar Akan Klarifikasi ke MA soal Setya Novanto"
    assert article.title_derived is True
    assert index.get("cnn-banjir").title_derived is False
    hit = next(h for h in index.search("klarifikasi").hits if h.id == "golkar")
    assert hit.title_derived and "<mark>Klarifikasi</mark> ke MA soal Setya Novanto" in hit.title_html
    relawan = index.get("relawan")
    assert relawan.title.startswith("Kebutuhan untuk Relawan Asian Games 2018") and "173280" not in relawan.title
    api = client.get("/api/articles/golkar").get_json()
    assert api["title_derived"] is True and api["title"] == article.title
    assert client.get("/api/search?q=klarifikasi").get_json()["hits"][0]["title_derived"] is True
    page = client.get("/articles/golkar?lang=en").get_data(as_text=True)
    assert "this one is made from its web address or opening words" in page
    assert "made from its web address" not in client.get("/articles/cnn-banjir?lang=en").get_data(as_text=True)


def test_a_title_made_from_the_opening_words_keeps_their_casing(tmp_path):
    from search.indexer import build

    archive = tmp_path / "a.jsonl"
    archive.write_text(json.dumps({"id": "x", "content": "Presiden meminta warga tetap tenang di rumah."}), encoding="utf-8")
    build([archive], tmp_path / "ix")
    with Index.open(tmp_path / "ix") as ix:
        article = ix.get("x")
    assert article.title == "Presiden meminta warga tetap tenang di rumah." and article.title_derived


def test_ingest_marks_titles_it_derives():
    assert to_article({"url": ARTICLES[0]["url"], "content": "x y z"}).extra["title_derived"] is True
    assert "title_derived" not in to_article({"title": "Judul", "content": "x y z"}).extra


# -- outlets by name --------------------------------------------------------------------------------------


def test_outlets_have_the_names_they_give_themselves():
    assert display_name("cnn indonesia") == "CNN Indonesia"
    assert display_name("detik") == "detikcom"
    assert display_name("kompas") == "Kompas.com"
    assert display_name("goal indonesia") == "Goal Indonesia"  # not in the table: words capitalised
    assert display_name(None) is None


@pytest.mark.parametrize("typed, meant", [
    ("cnn indonesia", ("cnn indonesia",)),
    ("CNN  Indonesia", ("cnn indonesia",)),
    ("cnn", ("cnn indonesia",)),
    ("Kompas.com", ("kompas",)),
    ("detikcom", ("detik",)),
    ("juara", ("juara.net",)),
])
def test_typed_outlet_names_resolve(typed, meant):
    assert resolve(typed, ["cnn indonesia", "cnbc indonesia", "kompas", "detik", "juara.net"]) == meant


def test_unknown_and_ambiguous_outlets_get_hints():
    outlets = ["cnn indonesia", "cnbc indonesia", "kompas", "kumparan", "detik"]
    assert resolve("kompass", outlets) == OutletHint("kompass", ("kompas",))
    assert resolve("cnnn", outlets).suggestions[0] == "cnn indonesia"
    assert resolve("c", outlets) == OutletHint("c", ("cnbc indonesia", "cnn indonesia"), ambiguous=True)
    assert resolve("zzzzzz", outlets) == OutletHint("zzzzzz", ())


def test_outlet_filters_take_names_and_prefixes_in_the_query_and_the_argument(index):
    by_query = index.search('banjir source:"cnn indonesia"')
    assert [h.id for h in by_query.hits] == ["cnn-banjir"]
    assert [h.id for h in index.search("banjir source:cnn").hits] == ["cnn-banjir"]
    assert [h.id for h in index.search("banjir", source="CNN Indonesia").hits] == ["cnn-banjir"]
    assert [h.id for h in index.search("banjir", source="Kompas.com").hits] == ["kompas-banjir"]
    # The description can be searched again as it is written.
    assert 'source:"cnn indonesia"' in by_query.query
    assert [h.id for h in index.search(by_query.query).hits] == ["cnn-banjir"]
    assert by_query.hits[0].source_name == "CNN Indonesia"
    assert {f.label for f in index.search("banjir").facets["source"]} >= {"CNN Indonesia", "Kompas.com"}


def test_an_unknown_outlet_is_a_notice_with_did_you_mean_not_an_error(index, client):
    results = index.search("banjir", source="kompass")
    assert results.total == 0
    assert results.unknown_sources == (OutletHint("kompass", ("kompas",)),)
    ambiguous = index.search("banjir source:c")
    assert ambiguous.total == 0 and ambiguous.unknown_sources[0].ambiguous
    api = client.get("/api/search?q=banjir&source=kompass").get_json()
    assert api["unknown_sources"] == [{"value": "kompass", "suggestions": ["kompas"], "ambiguous": False}]
    page = client.get("/search?q=banjir&source=kompass&lang=en").get_data(as_text=True)
    assert "No outlet in this archive is called <q>kompass</q>. Did you mean: <a" in " ".join(page.split())
    assert 'href="/search?q=banjir&amp;source=kompas">Kompas.com</a>' in page
    typed = client.get("/search?q=banjir+source:cnnn&lang=en").get_data(as_text=True)
    assert re.search(r'href="/search\?q=banjir\+source%3A%22cnn\+indonesia%22">CNN Indonesia</a>', typed)


def test_the_outlet_chip_and_facet_use_the_outlets_name(client):
    html = client.get("/search?q=banjir&source=cnn&lang=en").get_data(as_text=True)
    assert 'aria-label="Remove filter Outlet: CNN Indonesia"' in html
    assert re.search(r'class="facet-selected" aria-current="true">\s*<span class="facet-value">CNN Indonesia</span>', html)


# -- links and advice on the pages ------------------------------------------------------------------------


def test_the_article_pages_link_back_keeps_filters_sort_and_page(client):
    search = "/search?q=pemilu&category=kategori01&category=kategori02&category=kategori03&year=2018&sort=oldest&page=2"
    html = client.get(search + "&lang=en").get_data(as_text=True)
    article_link = re.search(r'<h2 class="hit-title" lang="id"><a href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "category=kategori01&category=kategori02&category=kategori03" in article_link
    assert "sort=oldest" in article_link
    assert "page=2" in article_link and "year=2018" in article_link
    article = client.get(article_link).get_data(as_text=True)
    back = re.search(r'<p class="back"><a href="([^"]+)"', article).group(1).replace("&amp;", "&")
    assert back == search


def test_dates_show_the_time_in_wib(client):
    html = client.get("/search?q=banjir&sort=oldest&lang=id").get_data(as_text=True)
    assert ">21 Oktober 2017, 20.43 WIB</time>" in html
    article = client.get("/articles/cnbc-banjir?lang=id").get_data(as_text=True)
    assert "22 Oktober 2017, 06.15 WIB" in article


def test_a_date_filter_means_the_wib_day_the_page_shows(index):
    # 06:15 WIB on 22 October is 21 October in UTC: it belongs to the 22nd, as its date says.
    day = index.search("banjir", date_from="2017-10-21", date_to="2017-10-21")
    assert [h.id for h in day.hits] == ["cnn-banjir"]
    assert [h.id for h in index.search("banjir date:2017-10-22").hits] == ["cnbc-banjir"]


def test_a_reversed_date_range_says_to_swap_and_keeps_the_filters(client):
    response = client.get("/search?q=banjir&source=kompas&from=2018-01-01&to=2017-01-01&lang=en")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The date range is empty: the start (2018-01-01) is after the end (2017-01-01)." in html
    assert "Fix the words in the box above" not in html
    assert 'href="/search?q=banjir&amp;source=kompas&amp;from=2017-01-01&amp;to=2018-01-01">swap the dates</a>' in html
    assert '<details class="filters"' in html and 'id="date-from"' in html and 'value="2018-01-01"' in html
    assert 'aria-label="Remove filter Outlet: Kompas.com"' in html  # the other filters are still there


def test_a_page_past_the_limit_gives_the_pages_there_are_and_keeps_the_filters(client):
    response = client.get("/search?q=pemilu&year=2018&page=500&lang=en")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This search has 6 pages of results." in html
    assert 'href="/search?q=pemilu&amp;year=2018&amp;page=6">go to page 6</a>' in html
    assert "Fix the words in the box above" not in html
    assert 'id="facet-source"' in html  # the filter list stays


def test_browsing_without_words_marks_newest(client):
    html = client.get("/search?source=kompas&lang=en").get_data(as_text=True)
    sorts = re.search(r'<nav class="sort".*?</nav>', html, re.S).group()
    assert re.search(r'aria-current="true">newest</a>', sorts)
    assert "relevance" not in sorts


def test_facet_lists_cut_at_eight_say_how_many_more(client, index):
    html = client.get("/search?q=pemilu&lang=en").get_data(as_text=True)
    source = html[html.index('id="facet-source"'):html.index('id="facet-category"')]
    assert source.count('class="facet-value"') == 12  # 8, then 4 behind the disclosure
    assert re.search(r'<details class="facet-more">\s*<summary>4 more</summary>', source)
    assert source.index("<summary>4 more") > [m.start() for m in re.finditer('class="facet-value"', source)][7]
    assert len(index.search("pemilu").facets["source"]) == 12  # the API and Python API give them all


def test_filters_open_from_a_disclosure_before_the_results(client):
    html = client.get("/search?q=banjir&lang=en").get_data(as_text=True)
    assert html.index('<details class="filters"') < html.index('<ol class="hits"')
    assert re.search(r'<summary>Filter\s*</summary>', html)


# -- the CLI and Python API refuse what the web API refuses, in its words ----------------------------------


def test_invalid_query_is_a_value_error():
    assert issubclass(InvalidQuery, ValueError)


def test_python_api_refuses_per_page_over_100_like_the_web_api(index, client):
    with pytest.raises(InvalidQuery) as refused:
        index.search("banjir", per_page=1000)
    web = client.get("/api/search?q=banjir&per_page=1000&lang=en").get_json()["error"]["message"]
    assert str(refused.value) == web == "'per_page' must be a whole number from 1 to 100, not '1000'."


@pytest.mark.parametrize("option, value", [("--from", "32/10/2017"), ("--to", "kemarin"), ("--per-page", "1000"),
                                           ("--sort", "random")])
def test_cli_refuses_with_the_web_apis_message(runner, index_dir, client, option, value):
    result = runner.invoke(main, ["search", "banjir", "--index", str(index_dir), option, value])
    assert result.exit_code == 1 and "Traceback" not in result.output
    parameter = {"--from": "from", "--to": "to", "--per-page": "per_page", "--sort": "sort"}[option]
    web = client.get("/api/search", query_string={"q": "banjir", parameter: value, "lang": "en"}).get_json()
    assert result.output.strip() == "Error: " + web["error"]["message"]


@pytest.mark.parametrize("written", ["21/10/2017", "21 Oktober 2017", "2017-10-21"])
def test_cli_takes_the_date_forms_ingest_reads(runner, index_dir, written):
    result = runner.invoke(main, ["search", "banjir", "--index", str(index_dir), "--from", written, "--to", written])
    assert result.exit_code == 0, result.output
    assert "cnn-banjir" in result.output and "cnbc-banjir" not in result.output
    assert "date:2017-10-21..2017-10-21" in result.output


def test_cli_page_past_the_last_exits_non_zero_with_a_clear_line(runner, index_dir):
    result = runner.invoke(main, ["search", "banjir", "--index", str(index_dir), "--page", "500"])
    assert result.exit_code == 1
    assert result.output.strip() == ("Error: There is no page 500: this search has 3 results on 1 page of 10. "
                                     "Ask for --page 1 or less.")


def test_cli_snippets_keep_the_indentation(runner, tmp_path):
    from search.indexer import build

    archive = tmp_path / "a.jsonl"
    archive.write_text(json.dumps({"id": "dua", "title": "Banjir dua paragraf",
                                   "content": "Banjir datang pagi.\n\nBanjir surut sore."}), encoding="utf-8")
    build([archive], tmp_path / "ix")
    result = runner.invoke(main, ["search", "banjir", "--index", str(tmp_path / "ix")])
    lines = result.output.splitlines()
    hit = lines.index(next(line for line in lines if line.startswith("1. ")))
    body = lines[hit + 1:lines.index("", hit)]
    assert body and all(line.startswith("   ") for line in body), body


def test_cli_facets_cut_at_eight_say_so(runner, index_dir):
    result = runner.invoke(main, ["search", "pemilu", "--index", str(index_dir)])
    assert "source: " in result.output and "and 4 more (--json lists all)" in result.output


def test_cli_unknown_outlet_says_did_you_mean(runner, index_dir):
    result = runner.invoke(main, ["search", "banjir", "--index", str(index_dir), "--source", "kompass"])
    assert "no outlet in this index is called 'kompass'; did you mean Kompas.com (kompas)?" in result.output


def test_outlet_names_and_cased_titles_in_the_export_too(index):
    exported = list(index.export("banjir", source="cnn"))
    assert [r.id for r in exported] == ["cnn-banjir"] and exported[0].source_name == "CNN Indonesia"
    golkar = next(r for r in index.export("klarifikasi") if r.id == "golkar")
    assert golkar.title == "Generasi Muda Partai Golkar Akan Klarifikasi ke MA soal Setya Novanto" and golkar.title_derived
