"""Research routes of the web app: exports, trends, keyword in context, Atom feed, citations, the results
page's histogram and research links, multi-select facets; every answer checked against /api/search."""
from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from lxml import etree

from test_research import RESEARCH_ARTICLES, research_index_dir  # noqa: F401 (a fixture)
from web import create_app

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = {"id": "hostile-banjir", "title": "Banjir <script>alert(1)</script> & \"kutip\" \x07",
           "content": "Banjir <img src=x onerror=alert(1)> melanda. =SUM(A1)", "source": "kompas",
           "date": "2015-06-01T10:00:00+07:00", "category": "<b>metro</b>", "url": "javascript:alert(1)"}


@pytest.fixture(scope="module")
def app(research_index_dir):  # noqa: F811
    return create_app({"INDEX": str(research_index_dir), "TESTING": True, "PER_PAGE": 3})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    from search.indexer import build

    folder = tmp_path_factory.mktemp("hostile-research")
    archive = folder / "a.jsonl"
    archive.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in RESEARCH_ARTICLES + [HOSTILE]) + "\n",
                       encoding="utf-8")
    build([archive], folder / "index")
    return create_app({"INDEX": str(folder / "index"), "TESTING": True}).test_client()


def text(response) -> str:
    return response.get_data(as_text=True)


def hrefs(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]*)"', html)]


def api_hits(client, query_string: str) -> list[dict]:
    """Return every hit of /api/search for the parameters, page after page."""
    hits, page = [], 1
    while True:
        data = client.get(f"/api/search?{query_string}&per_page=4&page={page}").get_json()
        hits.extend(data["hits"])
        if page >= data["pages"]:
            return hits
        page += 1


# -- exports ------------------------------------------------------------------------------------


@pytest.mark.parametrize("query_string", ["q=banjir", "q=banjir&source=detik&source=kompas", "q=bola&sort=oldest",
                                          "category=olahraga", "q=banjir&year=undated", "q=banjir+garut&from=2016-01-01"])
def test_csv_export_rows_are_the_search_results(client, query_string):
    response = client.get(f"/export.csv?{query_string}&fields=id,title,date,source,url,category,cluster")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=\"warta-")
    body = text(response)
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body[1:], newline="")))
    hits = api_hits(client, query_string)
    first_of_story, seen = [], set()
    for row in rows:
        if row["cluster"] not in seen:
            seen.add(row["cluster"])
            first_of_story.append(row["id"])
    assert first_of_story == [hit["id"] for hit in hits]
    assert {row["id"] for row in rows} == {h["id"] for h in hits} | {c["id"] for h in hits for c in h["duplicates"]}
    for row in rows:
        article = client.get(f"/api/articles/{row['id']}").get_json()
        for name in ("title", "date", "source", "url", "category", "cluster"):
            value = article[name] or ""
            assert row[name] == ("'" + value if value.startswith("=") else value), (row["id"], name)


def test_jsonl_export_streams_the_chosen_fields(client):
    response = client.get("/export.jsonl?q=banjir&fields=id,content&sort=newest")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Type"].startswith("application/x-ndjson")
    rows = [json.loads(line) for line in text(response).splitlines()]
    assert [r["id"] for r in rows][:3] == [h["id"] for h in api_hits(client, "q=banjir&sort=newest")][:3]
    for row in rows:
        assert set(row) == {"id", "content"}
        assert row["content"] == client.get(f"/api/articles/{row['id']}").get_json()["content"]


@pytest.mark.parametrize("url, message", [
    ("/export.csv", "Missing query"), ("/export.csv?q=banjir&fields=id,body", "Unknown field"),
    ("/export.jsonl?q=*anjir", "end of a word"), ("/export.csv?q=banjir&sort=sideways", "sort"),
    ("/export.csv?q=banjir&year=20x7", "year"),
])
def test_export_bad_input_is_a_400(client, url, message):
    response = client.get(url)
    assert response.status_code == 400 and message in text(response)


# -- trends --------------------------------------------------------------------------------------


def test_api_trends_shape_and_counts(client):
    data = client.get("/api/trends?q=banjir&q=korupsi&by=year").get_json()
    assert set(data) == {"by", "series"} and data["by"] == "year"
    assert [s["query"] for s in data["series"]] == ["banjir", "korupsi"]
    for series in data["series"]:
        for item in series["counts"]:
            assert set(item) == {"period", "count", "share"}
            found = client.get(f"/api/search?q={series['query']}&year={item['period']}").get_json()["total"]
            assert item["count"] == found
    kompas = client.get("/api/trends?q=banjir&source=kompas&by=month").get_json()
    assert kompas["by"] == "month" and all(len(c["period"]) == 7 for c in kompas["series"][0]["counts"])
    assert sum(c["count"] for c in kompas["series"][0]["counts"]) == client.get(
        "/api/search?q=banjir&source=kompas&from=2016-01-01").get_json()["total"]


@pytest.mark.parametrize("url, message", [
    ("/api/trends?q=banjir&by=week", "'by' must be year or month"),
    ("/api/trends?" + "&".join(f"q=kata{n}" for n in range(50)), "at most 5"),
    ("/api/trends?q=*x", "end of a word"),
    ("/api/trends", "Missing query"),
    ("/api/trends?q=banjir&from=2019-01-01&to=2018-01-01", "date range"),
])
def test_api_trends_bad_input_is_a_json_400(client, url, message):
    response = client.get(url)
    assert response.status_code == 400
    assert message in response.get_json()["error"]["message"]


def test_trends_page_draws_a_chart_and_a_table(client):
    response = client.get("/trends?q=banjir&q=korupsi&q=bola")
    assert response.status_code == 200
    html = text(response)
    assert html.count('<polyline class="series"') == 3
    assert '<svg class="trends-chart"' in html and "<title id=\"trends-title\">" in html
    data = client.get("/api/trends?q=banjir&q=korupsi&q=bola").get_json()
    table = html[html.index('<table class="data-table trends-table">'):]
    periods = re.findall(r'<th scope="row">([^<]+)</th>', table)
    assert periods == [c["period"] for c in data["series"][0]["counts"]]
    assert len(re.findall(r"<circle ", html)) == 3 * len(periods)
    share = text(client.get("/trends?q=banjir&by=month&measure=share"))
    assert "per month" in share and "Share of all stories" in share
    empty = client.get("/trends")
    assert empty.status_code == 200 and "<svg" not in text(empty)
    assert client.get("/trends?q=banjir&by=week").status_code == 400
    assert client.get("/trends?" + "&".join(f"q=w{n}" for n in range(6))).status_code == 400


# -- keyword in context ---------------------------------------------------------------------------


def test_api_kwic_lines(client):
    data = client.get("/api/kwic?q=tembak&width=20").get_json()
    assert {line["match"].lower() for line in data["lines"]} >= {"menembakkan", "ditembak"}
    for line in data["lines"]:
        assert set(line) == {"id", "date", "source", "left", "match", "right"}
    dates = [line["date"] for line in data["lines"]]
    assert dates == sorted(dates)
    from search.concordance import words

    after = client.get("/api/kwic?q=banjir&order=after").get_json()["lines"]
    assert [words(line["right"]) for line in after] == sorted(words(line["right"]) for line in after)
    for url in ("/api/kwic", "/api/kwic?q=banjir&order=up", "/api/kwic?q=banjir&limit=0", "/api/kwic?q=banjir&limit=x",
                "/api/kwic?q=banjir&width=100000", "/api/kwic?q=*x"):
        response = client.get(url)
        assert response.status_code == 400 and response.get_json()["error"]["message"], url


def test_kwic_page_orders_and_csv(client):
    html = text(client.get("/kwic?q=tembak"))
    assert html.count('<td class="kwic-match">') == len(client.get("/api/kwic?q=tembak").get_json()["lines"])
    orders = [h for h in hrefs(html) if "order=" in h]
    assert {parse_qs(urlsplit(h).query)["order"][0] for h in orders} == {"date", "before", "after", "relevance"}
    before = text(client.get("/kwic?q=banjir&order=before"))
    assert 'aria-current="true">word before</a>' in before
    csv_link = next(h for h in hrefs(html) if h.startswith("/kwic.csv"))
    response = client.get(csv_link)
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(text(response)[1:], newline="")))
    lines = client.get("/api/kwic?q=tembak").get_json()["lines"]
    assert rows[0] == ["id", "date", "source", "left", "match", "right"]
    assert [r[4] for r in rows[1:]] == [line["match"] for line in lines]
    assert client.get("/kwic").status_code == 200
    assert client.get("/kwic?q=banjir&order=zzz").status_code == 400


# -- feed ---------------------------------------------------------------------------------------


def test_atom_feed_is_valid_and_lists_the_newest_stories(client):
    response = client.get("/feed.atom?q=banjir&source=detik&source=kompas")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = etree.fromstring(response.data)
    assert feed.tag == ATOM + "feed"
    for name in ("id", "title", "updated"):  # RFC 4287 4.1.1: required of a feed
        assert feed.find(ATOM + name) is not None and feed.find(ATOM + name).text
    assert feed.find(ATOM + "author/" + ATOM + "name").text
    assert feed.find(ATOM + "link[@rel='self']").get("href").endswith("/feed.atom?q=banjir&source=detik&source=kompas")
    entries = feed.findall(ATOM + "entry")
    newest = api_hits(client, "q=banjir&source=detik&source=kompas&sort=newest")
    assert [e.find(ATOM + "id").text.rsplit("/", 1)[1] for e in entries] == [h["id"] for h in newest][:20]
    for entry, hit in zip(entries, newest):
        for name in ("id", "title", "updated", "summary"):
            assert entry.find(ATOM + name) is not None
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", entry.find(ATOM + "updated").text)
        assert entry.find(ATOM + "link[@rel='alternate']").get("href").endswith("/articles/" + hit["id"])
        assert entry.find(ATOM + "title").text == hit["title"]
        assert "<mark>" not in (entry.find(ATOM + "summary").text or "")
    assert client.get("/feed.atom").status_code == 400
    assert client.get("/feed.atom?q=*x").status_code == 400


def test_feed_and_exports_escape_hostile_text(hostile_client):
    feed = hostile_client.get("/feed.atom?q=banjir")
    root = etree.fromstring(feed.data)  # parses: markup escaped, control characters left out
    titles = [e.find(ATOM + "title").text for e in root.findall(ATOM + "entry")]
    assert "Banjir <script>alert(1)</script> & \"kutip\" " in titles
    assert b"<script>" not in feed.data
    for url in ("/search?q=banjir", "/kwic?q=banjir", "/trends?q=banjir%3Cscript%3E", "/articles/hostile-banjir"):
        html = text(hostile_client.get(url))
        assert "<script>alert" not in html and "<img src=x" not in html, url
    rows = list(csv.DictReader(io.StringIO(text(hostile_client.get("/export.csv?q=banjir&fields=id,title,content"))[1:],
                                           newline="")))
    hostile = next(r for r in rows if r["id"] == "hostile-banjir")
    assert hostile["content"].endswith("=SUM(A1)")  # inside the text, not at the start: left alone


# -- the results page ---------------------------------------------------------------------------


def test_results_page_links_to_every_research_tool(client):
    html = text(client.get("/search?q=banjir&source=detik"))
    assert re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="/feed.atom\?q=banjir&amp;source=detik"', html)
    found = hrefs(html)
    for start in ("/export.csv?q=banjir&source=detik", "/export.jsonl?q=banjir&source=detik",
                  "/trends?source=detik&q=banjir", "/kwic?q=banjir&source=detik", "/feed.atom?q=banjir&source=detik"):
        assert start in found, start
    for link in [h for h in found if h.startswith(("/export", "/trends", "/kwic", "/feed"))]:
        assert client.get(link).status_code == 200, link
    browse = text(client.get("/search?category=olahraga"))
    assert "/kwic?" not in browse and "/export.csv?category=olahraga" in hrefs(browse)


def test_histogram_bars_narrow_the_search(client):
    html = text(client.get("/search?q=banjir"))
    bars = re.findall(r'<a href="([^"]*)" class="bar-link" aria-label="([^:]+): ([\d,]+) results?">', html)
    years = {f["value"]: f["count"] for f in client.get("/api/search?q=banjir").get_json()["facets"]["year"]}
    assert [label for _, label, _ in bars] == ["2016", "2018", "undated"]  # 2017 holds none: an empty bar, no link
    assert 'data-period="2017" data-count="0"' in html
    for href, label, count in bars:
        href = href.replace("&amp;", "&")
        assert parse_qs(urlsplit(href).query)["year"] == [label]
        assert int(count) == years[label] == client.get("/api/search?" + urlsplit(href).query).get_json()["total"]
    months = text(client.get("/search?q=banjir&year=2016"))
    month_bars = re.findall(r'<a href="([^"]*)" class="bar-link" aria-label="([^:]+): ', months)
    # A bar's name starts with its visible tick ("May"), then the period it narrows to.
    assert [label for _, label in month_bars] == ["May, 2016-05", "Nov, 2016-11"]
    assert all("month=" in href for href, _ in month_bars)


def test_facets_stay_listed_when_chosen_and_combine(client):
    html = text(client.get("/search?q=banjir&source=kompas"))
    outlet = html[html.index('id="facet-source"'):html.index("</section>", html.index('id="facet-source"'))]
    values = re.findall(r'<span class="facet-value">([^<]+)</span> <span class="count">(\d+)</span>', outlet)
    assert {v for v, _ in values} >= {"Kompas.com", "detikcom", "Tempo.co"}  # outlets by their own names
    for value, count in values:
        assert int(count) == client.get(f"/api/search?q=banjir&source={value}").get_json()["total"]
    detik_link = next(h for h in hrefs(outlet) if "source=detik" in h)
    assert parse_qs(urlsplit(detik_link).query)["source"] == ["kompas", "detik"]  # adding means either
    either = client.get("/api/search?" + urlsplit(detik_link).query).get_json()
    assert {h["source"] for h in either["hits"]} <= {"kompas", "detik"}
    undated = client.get("/api/search?q=banjir&year=undated").get_json()
    assert [h["id"] for h in undated["hits"]] == ["banjir-undated"]
    assert {"value": "undated", "count": 1, "label": None} in client.get("/api/search?q=banjir").get_json()["facets"]["year"]


# -- citations ------------------------------------------------------------------------------------


def test_article_citation_on_the_page_and_in_the_api(client, research_index_dir):
    # The archive's copy is cited at the configured public address, never at the request's Host.
    configured = create_app({"INDEX": str(research_index_dir), "BASE_URL": "https://arsip.example"}).test_client()
    data = configured.get("/api/articles/tembak-1", headers={"Host": "evil.example"}).get_json()
    assert data["citation"]["text"] == ("kompas (2 March 2017). \u201cPolisi menembakkan gas air mata\u201d. "
                                        "https://kompas.example/tembak-1. Archived copy: https://arsip.example/articles/tembak-1.")
    data = client.get("/api/articles/tembak-1", headers={"Host": "evil.example"}).get_json()
    assert data["citation"]["text"] == ("kompas (2 March 2017). \u201cPolisi menembakkan gas air mata\u201d. "
                                        "https://kompas.example/tembak-1.")  # no BASE_URL: no archive address
    assert data["citation"]["bibtex"].startswith("@online{kompas2017polisi,")
    html = text(client.get("/articles/tembak-1"))
    assert "Cite this article" in html and "@online{kompas2017polisi," in html
    bib = client.get("/cite.bib?id=tembak-1")
    assert bib.status_code == 200 and bib.headers["Content-Type"].startswith("application/x-bibtex")
    assert text(bib) == data["citation"]["bibtex"]
    assert client.get("/cite.bib?id=nope").status_code == 404
    assert client.get("/cite.bib").status_code == 400
