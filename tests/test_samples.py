"""The bundled sample archive (search/samples/) stays as its README describes: messy where intended, nowhere else."""
from __future__ import annotations

import csv
import json
import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

import search
from search.ingest import RawRecord, Rejection, read_inputs

SAMPLES = Path(search.__file__).parent / "samples"
JSONL = SAMPLES / "berita.jsonl"
CSV_FILE = SAMPLES / "arsip.csv"
HTML_PAGES = sorted((SAMPLES / "halaman").glob("*.html"))
SCRAPED = sorted((SAMPLES / "scrape").glob("*.txt"))
DATA_FILES = [JSONL, CSV_FILE, *HTML_PAGES, *SCRAPED]
REAL_RAW_SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "data" / "raw_samples"

MALFORMED_LINE = 11
EMPTY_CONTENT_LINE = 22
FURNITURE_LINES = ("A A A", "loading...", "SCROLL TO CONTINUE WITH CONTENT", "ADVERTISEMENT")
SCRAPE_HEADER = re.compile(r"URL: (https?://\S+)\nTANGGAL: \d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}\nJUDUL: \S.*\n")


def jsonl_lines() -> list[str]:
    """Return the lines of berita.jsonl without their line ends."""
    return JSONL.read_text(encoding="utf-8").splitlines()


def jsonl_records() -> dict[int, dict]:
    """Return the parseable records of berita.jsonl by 1-based line number."""
    records = {}
    for number, line in enumerate(jsonl_lines(), start=1):
        try:
            records[number] = json.loads(line)
        except json.JSONDecodeError:
            pass
    return records


def shingles(text: str, size: int = 5) -> set[tuple[str, ...]]:
    """Return the word 5-grams of a text, for near-duplicate comparison."""
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i:i + size]) for i in range(len(words) - size + 1)}


def jaccard(a: set, b: set) -> float:
    """Return the Jaccard similarity of two sets."""
    return len(a & b) / len(a | b) if a | b else 0.0


def word_count(text: str) -> int:
    """Return the number of words in a text."""
    return len(re.findall(r"\w+", text))


class PageMeta(HTMLParser):
    """Collect the metadata a saved article page carries in its head."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.canonical: str | None = None
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("property"):
            self.meta[attrs["property"]] = attrs.get("content", "")
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs.get("href")
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def page_meta(path: Path) -> PageMeta:
    """Return the parsed head metadata of a saved page."""
    parser = PageMeta()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


# --- berita.jsonl --------------------------------------------------------------------------------

def test_jsonl_has_22_lines_and_only_the_intended_one_is_malformed():
    lines = jsonl_lines()
    assert len(lines) == 22
    broken = []
    for number, line in enumerate(lines, start=1):
        try:
            json.loads(line)
        except json.JSONDecodeError:
            broken.append(number)
    assert broken == [MALFORMED_LINE]


def test_jsonl_records_are_objects_with_title_and_url():
    for number, record in jsonl_records().items():
        assert isinstance(record, dict), number
        assert record["title"].strip(), number
        assert record["url"].startswith("https://"), number


def test_jsonl_exactly_one_record_has_empty_content():
    empty = [n for n, r in jsonl_records().items() if not str(r.get("content", "")).strip()]
    assert empty == [EMPTY_CONTENT_LINE]


def test_jsonl_has_exactly_one_exact_duplicate_line():
    lines = jsonl_lines()
    repeated = {line for line in lines if lines.count(line) > 1}
    assert len(repeated) == 1
    assert lines.count(repeated.pop()) == 2


def test_jsonl_has_one_body_pasted_twice():
    doubled = []
    for number, record in jsonl_records().items():
        paragraphs = record.get("content", "").split("\n\n")
        half = len(paragraphs) // 2
        if paragraphs and len(paragraphs) % 2 == 0 and paragraphs[:half] == paragraphs[half:]:
            doubled.append(number)
    assert len(doubled) == 1


def test_jsonl_has_one_near_duplicate_pair_from_two_outlets():
    records = jsonl_records()
    distinct = {}
    for number, record in records.items():
        if record.get("content") and record["content"] not in {r["content"] for r in distinct.values()}:
            distinct[number] = record
    grams = {n: shingles(r["content"]) for n, r in distinct.items()}
    numbers = sorted(grams)
    similar = [(a, b, jaccard(grams[a], grams[b])) for i, a in enumerate(numbers) for b in numbers[i + 1:]
               if jaccard(grams[a], grams[b]) > 0.4]
    assert len(similar) == 1, similar
    a, b, score = similar[0]
    assert score < 0.95  # edited, not identical
    assert records[a]["url"] != records[b]["url"]
    assert records[a]["source"] != records[b]["source"]


def test_jsonl_paragraphs_are_separated_by_a_blank_line():
    for number, record in jsonl_records().items():
        content = record.get("content", "")
        if content:
            assert "\n\n" in content, number
            assert "\n" not in content.replace("\n\n", ""), number


def test_jsonl_carries_the_intended_metadata_variety():
    records = list(jsonl_records().values())
    dates = [r.get("date") for r in records]
    assert any(isinstance(d, int) for d in dates), "an epoch-seconds date"
    assert any(isinstance(d, str) and d.endswith(" WIB") for d in dates), "an Indonesian long date"
    assert any(isinstance(d, str) and re.fullmatch(r"\d{2}/\d{2}/\d{4}", d) for d in dates), "a day-first date"
    assert any(isinstance(d, str) and "T" in d for d in dates), "an ISO 8601 date"
    assert any("id" not in r for r in records), "a record whose id must come from its URL"
    assert any("source" not in r for r in records), "a record whose outlet must come from its URL"
    assert len({r.get("source") for r in records if r.get("source")}) >= 5


@pytest.mark.parametrize("furniture", FURNITURE_LINES + ("Baca juga:",))
def test_jsonl_contains_page_furniture_for_the_cleaner(furniture):
    lines = [line for r in jsonl_records().values() for line in r.get("content", "").split("\n")]
    assert any(line.strip().startswith(furniture) for line in lines)


def test_jsonl_through_reader_and_to_article_accounts_for_every_line():
    from search.documents import to_article
    from search.errors import RejectedRecord

    items = list(read_inputs([JSONL]))
    rejections = [i for i in items if isinstance(i, Rejection)]
    records = [i for i in items if isinstance(i, RawRecord)]
    assert len(items) == 22
    assert [r.origin for r in rejections] == [f"{JSONL}:{MALFORMED_LINE}"]
    assert "JSON" in rejections[0].reason
    refused = []
    for record in records:
        try:
            article = to_article(record.fields)
        except RejectedRecord as exc:
            refused.append((record.origin, str(exc)))
            continue
        for furniture in FURNITURE_LINES:
            assert furniture not in article.content.split("\n\n"), (record.origin, furniture)
        assert not any(p.lower().startswith("baca juga") for p in article.content.split("\n\n"))
        paragraphs = article.content.split("\n\n")
        assert len(paragraphs) == len(set(paragraphs)), f"{record.origin}: a paragraph kept twice"
    assert [origin for origin, _ in refused] == [f"{JSONL}:{EMPTY_CONTENT_LINE}"]
    assert refused[0][1]  # with a reason


def test_building_the_jsonl_accounts_for_every_record(tmp_path):
    from search.indexer import build

    summary = build([JSONL], tmp_path / "index")
    assert summary.read == 22
    assert summary.indexed + summary.updated + summary.duplicates + summary.rejected == summary.read
    assert summary.rejected == 2
    rejects = [json.loads(line) for line in Path(summary.rejects_file).read_text(encoding="utf-8").splitlines()]
    assert sorted(r["origin"] for r in rejects) == sorted([f"{JSONL}:{MALFORMED_LINE}", f"{JSONL}:{EMPTY_CONTENT_LINE}"])


# --- arsip.csv -----------------------------------------------------------------------------------

def csv_rows() -> list[dict[str, str]]:
    """Return the rows of arsip.csv as dictionaries."""
    with CSV_FILE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_parses_with_indonesian_columns():
    with CSV_FILE.open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == ["judul", "isi", "tanggal", "tautan", "kategori"]
    rows = csv_rows()
    assert len(rows) == 9
    for row in rows:
        assert None not in row, "a row with more fields than the header"
        assert all(value.strip() for value in row.values()), row["judul"]
        assert row["tautan"].startswith("https://")


def test_csv_holds_commas_quotes_and_newlines_inside_fields():
    rows = csv_rows()
    assert any('"' in row["judul"] and "," in row["judul"] for row in rows)
    assert all("\n\n" in row["isi"] for row in rows)
    assert any('"' in row["isi"] for row in rows)


# --- halaman/*.html ------------------------------------------------------------------------------

def test_there_are_six_saved_pages():
    assert len(HTML_PAGES) == 6


@pytest.mark.parametrize("page", HTML_PAGES, ids=lambda p: p.name)
def test_saved_page_has_head_metadata(page):
    meta = page_meta(page)
    assert meta.title.strip()
    assert meta.canonical and meta.canonical.startswith("https://")
    assert meta.meta.get("og:site_name")
    assert meta.meta.get("article:section")
    assert datetime.fromisoformat(meta.meta["article:published_time"]).tzinfo is not None


@pytest.mark.parametrize("page", HTML_PAGES, ids=lambda p: p.name)
def test_saved_page_has_article_and_page_furniture(page):
    text = page.read_text(encoding="utf-8")
    assert "<article" in text or 'itemprop="articleBody"' in text
    for furniture in ("<nav", "<footer", "<script", "baca juga", "berita terkait", "share-"):
        assert furniture in text.lower(), furniture


def test_one_page_holds_markup_characters_as_escaped_text():
    holders = [p for p in HTML_PAGES if "&lt;script&gt;alert(1)&lt;/script&gt;" in p.read_text(encoding="utf-8")]
    assert len(holders) == 1
    text = holders[0].read_text(encoding="utf-8")
    assert "<script>alert(1)" not in text  # only ever present as escaped text
    assert " &amp; " in text or "&amp;," in text


# --- scrape/*.txt --------------------------------------------------------------------------------

def test_there_are_three_scraped_rows():
    assert len(SCRAPED) == 3


@pytest.mark.parametrize("path", SCRAPED, ids=lambda p: p.name)
def test_scraped_rows_use_the_detik_scraper_format(path):
    text = path.read_text(encoding="utf-8")
    header = SCRAPE_HEADER.match(text)
    assert header, "URL/TANGGAL/JUDUL header lines"
    assert path.stem.split("_")[-1] in header.group(1), "file named after the detik article id"
    body = text[header.end():]
    assert body.startswith("\n") and word_count(body) >= 120
    assert "SCROLL TO CONTINUE WITH CONTENT" in body


def test_real_detik_rows_match_the_format_we_imitate():
    real = sorted(REAL_RAW_SAMPLES.glob("detik_scraped_*.txt")) if REAL_RAW_SAMPLES.is_dir() else []
    if not real:
        pytest.skip(f"development data not present at {REAL_RAW_SAMPLES}")
    for path in real:
        assert SCRAPE_HEADER.match(path.read_text(encoding="utf-8")), path.name


# --- the archive as a whole ----------------------------------------------------------------------

def article_bodies() -> list[str]:
    """Return the body text of every distinct article in the archive, whatever its file."""
    bodies = []
    seen = set()
    for record in jsonl_records().values():
        content = record.get("content", "")
        paragraphs = content.split("\n\n")
        half = len(paragraphs) // 2
        if paragraphs[:half] and paragraphs[:half] == paragraphs[half:]:
            content = "\n\n".join(paragraphs[:half])
        if content and content not in seen:
            seen.add(content)
            bodies.append(content)
    bodies += [row["isi"] for row in csv_rows()]
    for page in HTML_PAGES:
        parts = re.findall(r"<p>(.*?)</p>", page.read_text(encoding="utf-8"), flags=re.S)
        bodies.append("\n\n".join(parts))
    bodies += [SCRAPE_HEADER.sub("", p.read_text(encoding="utf-8")) for p in SCRAPED]
    return bodies


def test_archive_holds_about_forty_articles_of_news_length():
    bodies = article_bodies()
    assert 35 <= len(bodies) <= 45
    for body in bodies:
        assert 110 <= word_count(body) <= 420, body[:80]


def test_every_url_is_unique_except_the_intended_exact_duplicate():
    urls = [r["url"] for r in jsonl_records().values()]
    urls += [row["tautan"] for row in csv_rows()]
    urls += [page_meta(p).canonical for p in HTML_PAGES]
    urls += [SCRAPE_HEADER.match(p.read_text(encoding="utf-8")).group(1) for p in SCRAPED]
    repeated = {u for u in urls if urls.count(u) > 1}
    assert len(repeated) == 1 and urls.count(repeated.pop()) == 2


def test_archive_spans_outlets_years_and_topics():
    text = " ".join(article_bodies()).lower()
    for word in ("banjir", "kpk", "kebakaran", "pembakaran", "dibakar", "penyelidikan", "perbankan",
                 "mengunjungi", "persenjataan", "bersenjata", "anak-anak", "bali", "bekasi", "susi",
                 "covid-19", "kim jong-un", "dpr"):
        assert word in text, word
    years = {int(y) for y in re.findall(r"/(20[12]\d)/", " ".join(r["url"] for r in jsonl_records().values()))}
    years |= {int(re.search(r"\b(20\d\d)\b", row["tanggal"]).group(1)) for row in csv_rows()}
    assert min(years) <= 2016 and max(years) >= 2024


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.relative_to(SAMPLES).as_posix())
def test_reader_never_crashes_on_a_sample_file(path):
    items = list(read_inputs([path]))
    assert items, "every file yields records or rejections"
    assert all(isinstance(i, (RawRecord, Rejection)) for i in items)


def reads_folders() -> bool:
    """Return whether read_inputs already walks a folder (the folder reader may not have landed yet)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "a.jsonl").write_text('{"title": "t", "content": "isi"}\n', encoding="utf-8")
        try:
            return any(isinstance(i, RawRecord) for i in read_inputs([tmp]))
        except OSError:
            return False


def test_reader_reads_the_whole_sample_folder():
    if not reads_folders():
        pytest.skip("search.ingest.read_inputs does not read folders yet")
    items = list(read_inputs([SAMPLES]))
    records = [i for i in items if isinstance(i, RawRecord)]
    assert len(records) >= 35
    for path in DATA_FILES:
        assert any(path.name in item.origin for item in items), f"nothing read from {path.name}"
