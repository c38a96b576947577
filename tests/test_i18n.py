"""Bahasa Indonesia and English: which language a request gets, the switch, the catalogues, and that no
string a reader sees is left out of them."""
from __future__ import annotations

import html as html_lib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from jinja2 import Environment

from web import create_app

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "web" / "templates"
CATALOGUE = ROOT / "web" / "translations" / "id" / "LC_MESSAGES"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "Message": None, "N_": None}

ARTICLES = [
    {"id": "malam", "title": "Banjir melanda Jakarta pada malam hari", "source": "cnn indonesia",
     "content": "Banjir melanda Jakarta pada Selasa malam.\n\nWarga mengungsi ke masjid.",
     "url": "https://www.cnnindonesia.com/nasional/banjir-jakarta", "date": "2025-10-21T20:43:00+07:00"},
    {"id": "pagi", "title": "Banjir surut di Bekasi", "source": "detik",
     "content": "Banjir di Bekasi surut pada Rabu pagi.", "url": "https://news.detik.com/berita/d-1/banjir-surut",
     "date": "2025-10-22T06:15:00+07:00"},
    # 00:30 WIB on 1 January 2017 is still 31 December 2016 in UTC: the home page must say 1 January.
    {"id": "tahun-baru", "title": "Pesta tahun baru", "source": "kompas", "content": "Pesta tahun baru di Jakarta.",
     "date": "2017-01-01T00:30:00+07:00"},
]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from search.indexer import build

    folder = tmp_path_factory.mktemp("i18n")
    archive = folder / "articles.jsonl"
    archive.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES), encoding="utf-8")
    build([archive], folder / "index")
    return create_app({"INDEX": str(folder / "index"), "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


def page_text(response) -> str:
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


# -- which language ----------------------------------------------------------------------------------


@pytest.mark.parametrize("header, language", [
    ("id-ID,id;q=0.9,en-US;q=0.8", "id"),
    ("id", "id"),
    ("in", "id"),  # the old code for Indonesian, still sent by some Android browsers
    ("ms-MY,ms;q=0.9", "id"),
    ("en-US,en;q=0.9,id;q=0.8", "en"),
    ("fr-FR,fr;q=0.9", "en"),
    ("fr-FR,fr;q=0.9,id;q=0.5", "id"),
    (None, "en"),
])
def test_the_browser_language_picks_the_page_language(client, header, language):
    headers = {"Accept-Language": header} if header else {}
    html = client.get("/", headers=headers).get_data(as_text=True)
    assert f'<html lang="{language}">' in html
    assert ("Cari di arsip berita" in html) == (language == "id")
    assert ("Search the news archive" in html) == (language == "en")


def test_a_chosen_language_is_kept_by_the_url_and_a_cookie(client):
    response = client.get("/search?q=banjir&lang=en", headers={"Accept-Language": "id"})
    assert '<html lang="en">' in response.get_data(as_text=True)
    assert "lang=en" in response.headers["Set-Cookie"]
    later = client.get("/search?q=banjir", headers={"Accept-Language": "id"})  # the cookie wins now
    assert '<html lang="en">' in later.get_data(as_text=True)
    back = client.get("/?lang=id")
    assert '<html lang="id">' in back.get_data(as_text=True)
    assert "Accept-Language" in response.headers["Vary"] and "Cookie" in response.headers["Vary"]
    nonsense = client.get("/?lang=xx", headers={"Accept-Language": "en"})
    assert "Set-Cookie" not in nonsense.headers or "lang=xx" not in nonsense.headers["Set-Cookie"]


@pytest.mark.parametrize("path", ["/", "/search?q=banjir&source=detik&sort=newest&page=1", "/search?q=",
                                  "/articles/malam?q=banjir", "/articles/none", "/search?q=banjir&page=abc"])
def test_every_page_has_the_language_switch_keeping_the_address(client, path):
    html = client.get(path, headers={"Accept-Language": "id"}).get_data(as_text=True)
    switch = re.search(r'<nav class="languages" aria-label="Bahasa">(.*?)</nav>', html, re.S)
    assert switch, path
    hrefs = [html_lib.unescape(h) for h in re.findall(r'href="([^"]+)"', switch.group(1))]
    assert len(hrefs) == 2 and hrefs[0].endswith("lang=id") and hrefs[1].endswith("lang=en")
    base = path.split("?")[0]
    for href in hrefs:
        assert href.startswith(base + "?")
        for part in path.partition("?")[2].split("&"):
            if part:
                assert part in href, (part, href)
    assert 'lang="en" hreflang="en"' in switch.group(1)  # each language named in its own language


# -- what is translated ---------------------------------------------------------------------------------


def test_pages_errors_and_api_messages_are_in_indonesian(client):
    headers = {"Accept-Language": "id"}
    results = page_text(client.get("/search?q=banjir", headers=headers))
    assert "2 hasil" in results and "Urutkan:" in results and "Filter" in results and "Media" in results
    missing = page_text(client.get("/articles/none", headers=headers))
    assert "Tidak ada halaman atau artikel di alamat ini." in missing
    refused = page_text(client.get("/search?q=banjir&from=kemarin", headers=headers))
    assert "Tanggal 'kemarin' tidak dapat dibaca. Tulis seperti 21/10/2017" in refused
    api = client.get("/api/search?q=banjir&per_page=1000", headers=headers).get_json()
    assert api["error"]["message"] == "'per_page' harus bilangan bulat dari 1 sampai 100, bukan '1000'."
    english = client.get("/api/search?q=banjir&per_page=1000").get_json()
    assert english["error"]["message"] == "'per_page' must be a whole number from 1 to 100, not '1000'."
    syntax = client.get("/api/search?q=-banjir", headers=headers).get_json()
    assert syntax["error"]["message"].startswith("Pencarian tidak bisa hanya mengecualikan kata")


def test_dates_and_times_are_written_in_the_readers_language(client):
    indonesian = page_text(client.get("/articles/malam", headers={"Accept-Language": "id"}))
    assert "21 Oktober 2025, 20.43 WIB" in indonesian
    english = page_text(client.get("/articles/malam?lang=en"))
    assert re.search(r"21 October 2025, 8:43\sPM WIB", english)
    listed = client.get("/search?q=banjir&lang=id").get_data(as_text=True)
    assert '<time datetime="2025-10-21T20:43:00+07:00">21 Oktober 2025, 20.43 WIB</time>' in listed


def test_the_home_page_date_span_is_in_wib(client):
    text = page_text(client.get("/?lang=id"))
    assert "3 artikel dari 3 media, 1 Januari 2017 sampai 22 Oktober 2025." in text


def test_numbers_are_grouped_as_the_reader_writes_them(app):
    from web.i18n import number

    with app.test_request_context("/", headers={"Accept-Language": "id"}):
        assert number(6988) == "6.988"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert number(6988) == "6,988"


@pytest.mark.parametrize("written", ["21/10/2025", "21 Oktober 2025", "21-10-2025", "2025-10-21", "Selasa, 21 Okt 2025"])
def test_date_fields_take_indonesian_forms(client, written):
    response = client.get("/search", query_string={"q": "banjir", "from": written, "to": written, "lang": "id"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'role="status" aria-live="polite">\s*1 hasil', html)
    assert "Dari: 21 Oktober 2025" in page_text(response)
    assert 'value="21/10/2025"' in html  # the field shows the date as Indonesians write it
    assert "from=2025-10-21" in html  # links keep it as the ISO day it means


# -- the catalogues ---------------------------------------------------------------------------------------


def _extracted() -> Catalog:
    catalog = Catalog()
    method_map = [("search/**.py", "python"), ("web/**.py", "python"),
                  ("web/templates/**.html", "jinja2"), ("web/templates/**.xml", "jinja2")]
    options = {"web/templates/**.html": {"trimmed": "true"}, "web/templates/**.xml": {"trimmed": "true"}}
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map, options_map=options, keywords=KEYWORDS,
            directory_filter=lambda d: not Path(d).name.startswith(".") and Path(d).name not in ("tests", "bench", "eval")):
        catalog.add(message, None, [(filename, lineno)], context=context)
    return catalog


def test_every_message_has_an_indonesian_translation_with_the_same_placeholders():
    po = read_po((CATALOGUE / "messages.po").open("rb"), locale="id")
    extracted = _extracted()
    assert len(extracted) > 100  # the extraction saw the templates and the code
    problems = []
    for message in extracted:
        if not message.id:
            continue
        translated = po.get(message.id)
        strings = translated and (translated.string if isinstance(translated.string, tuple) else (translated.string,))
        if not translated or not all(strings) or translated.fuzzy:
            problems.append(f"untranslated: {message.id!r} ({message.locations[0][0]})")
            continue
        source_ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(re.findall(r"%\(\w+\)[sd]|\{\w+\}", " ".join(source_ids)))
        for string in strings:
            found = set(re.findall(r"%\(\w+\)[sd]|\{\w+\}", string))
            # A plural's translation may leave out the count it does not need; nothing else.
            if not found <= wanted or not (wanted - {"%(num)d"}) <= found:
                problems.append(f"placeholders differ: {message.id!r} -> {string!r}")
    assert not problems, "run scripts/translations.sh and translate:\n" + "\n".join(problems)


def test_the_compiled_catalogue_matches_the_po_file():
    po = read_po((CATALOGUE / "messages.po").open("rb"), locale="id")
    mo = read_mo((CATALOGUE / "messages.mo").open("rb"))
    def key(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    expected = {key(m.id): key(m.string) for m in po if m.id and not m.fuzzy}
    compiled = {key(m.id): key(m.string) for m in mo if m.id}
    assert compiled == expected, "messages.mo is out of date: run scripts/translations.sh"


def test_the_package_data_carries_the_catalogues():
    import tomllib

    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]
    patterns = package_data["web"]
    for path in CATALOGUE.iterdir():
        relative = path.relative_to(ROOT / "web")
        assert any(relative.match(pattern) for pattern in patterns), f"{relative} is left out of the wheel"
    for template in TEMPLATES.iterdir():
        assert any(template.relative_to(ROOT / "web").match(p) for p in patterns), template


# -- no string outside the catalogue ---------------------------------------------------------------------

# Text that is the same in every language: the product's name, symbols, and the search syntax's
# keywords shown as examples.
LANGUAGE_FREE = re.compile(r"^[\W\d_]*(?:Warta)?[\W\d_]*$|^/[\w/.-]*$")  # also a path shown as a link: /api/trends
# Attributes whose values people read (or hear from a screen reader).
READ_ATTRIBUTES = {"aria-label", "placeholder", "title", "alt", "aria-description", "label"}
GETTEXT_CALLS = {"_", "gettext", "ngettext", "pgettext", "npgettext"}


class _ReadableText(HTMLParser):
    """Collects what a reader sees of an HTML page: text between tags and readable attribute values."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str, str]] = []

    def handle_starttag(self, tag, attrs):
        button = tag == "input" and dict(attrs).get("type") in ("submit", "button", "reset")
        for attribute, value in attrs:
            if (attribute in READ_ATTRIBUTES or (attribute == "value" and button)) and value:
                self.found.append((self.getpos()[0], "attribute text", value))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.found.append((self.getpos()[0], "text", data))


def _untranslated_in(source: str, name: str) -> list[str]:
    """Return the text of a template that a reader would see and that does not go through gettext:
    text between tags, readable attribute values, and string literals with words in expressions
    outside gettext calls."""
    source = re.sub(r"\{#.*?#\}", "", source, flags=re.S)  # comments are for developers
    found = []
    # Text and attributes: every Jinja construct (a {% trans %} block whole) becomes a blank marker,
    # then the HTML is parsed; what is left with words in it was written for one language only.
    blanked = re.sub(r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}", "\x00", source, flags=re.S)
    # Blocks that fill an attribute of the base template (body_class) hold class names, not text.
    blanked = re.sub(r"\{%\s*block \w+_class\s*%\}.*?\{%\s*endblock\s*%\}", "\x00", blanked, flags=re.S)
    blanked = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "\x00", blanked, flags=re.S)
    parser = _ReadableText()
    parser.feed(blanked)
    parser.close()
    for lineno, kind, value in parser.found:
        text = " ".join(value.replace("\x00", " ").split())
        if text and re.search(r"[^\W\d_]{2,}", text) and not LANGUAGE_FREE.match(text):
            found.append(f"{name}:{lineno}: {kind} {text!r}")
    # String literals in expressions: identifiers, URLs and markup are fine; words people read are not.
    env = Environment(extensions=["jinja2.ext.i18n"])
    open_calls, depth, previous = [], 0, None
    for token in env._tokenize(source, name):
        if token.type == "lparen":
            depth += 1
            if previous is not None and previous.type == "name" and previous.value in GETTEXT_CALLS:
                open_calls.append(depth)
        elif token.type == "rparen":
            if open_calls and open_calls[-1] == depth:
                open_calls.pop()
            depth -= 1
        elif token.type == "string" and not open_calls:
            if re.search(r"[^\W\d_]{2,}\s+[^\W\d_]|^\(|^[A-Z][a-z]{2,}$", token.value) and "<" not in token.value:
                found.append(f"{name}:{token.lineno}: string literal {token.value!r}")
        previous = token
    return found


def test_no_template_text_is_left_untranslated():
    found = []
    # Every HTML template (the OpenSearch XML's only text, its description, is checked by the catalogue test).
    for path in sorted(TEMPLATES.glob("*.html")):
        source = path.read_text(encoding="utf-8")
        # Template comments are for developers.
        source = re.sub(r"\{#.*?#\}", "", source, flags=re.S)
        found += _untranslated_in(source, path.name)
    assert not found, "wrap these in {{ _() }} and translate them (scripts/translations.sh):\n" + "\n".join(found)


@pytest.mark.parametrize("template, problem", [
    ("<p>Hello there</p>", "text 'Hello there'"),
    ("<p>{% if x %}Hello{% endif %}</p>", "text 'Hello'"),
    ('<a href="{{ url }}" title="Open it">{{ _("x") }}</a>', "attribute text 'Open it'"),
    ('<input placeholder="e.g. banjir">', "attribute text 'e.g. banjir'"),
    ('{{ article.title or "(untitled)" }}', "string literal"),
    ('{{ macro(label="Words to search for") }}', "string literal"),
    ("<p>{{ _('Hello') }} Warta ·</p>", None),
    ("{% trans %}Hello {{ name }}{% endtrans %}", None),
    ("<a href=\"{{ url_for('views.search') }}\">{{ _(\"Search\") }}</a>", None),
])
def test_the_untranslated_text_check_finds_what_it_should(template, problem):
    found = _untranslated_in(template, "t.html")
    if problem is None:
        assert found == []
    else:
        assert found and problem in found[0]


def test_what_was_searched_is_described_in_the_readers_language(client):
    # "banjir" is in the archive, "zzqx" is not: no article has both, so any word is searched for.
    indonesian = page_text(client.get("/search?q=banjir+zzqx&lang=id"))
    assert ("Menampilkan hasil untuk banjir OR zzqx (tidak ada artikel yang memuat semua kata; "
            "menampilkan artikel yang memuat sebagian)") in indonesian
    english = page_text(client.get("/search?q=banjir+zzqx&lang=en"))
    assert "banjir OR zzqx (no article has every word; showing articles with some of them)" in english


def test_library_messages_pickle_and_copy_with_their_parts():
    import copy
    import pickle

    from search.messages import Message
    from search.query import describe, parse

    described = describe(parse("banjir yang"), any_word=True)
    assert pickle.loads(pickle.dumps(described)).parts == described.parts == copy.deepcopy(described).parts
    refused = Message("The query has {count} search terms; use at most {limit}.", count=50, limit=40)
    again = pickle.loads(pickle.dumps(refused))
    assert (again, again.template, again.values) == (refused, refused.template, {"count": 50, "limit": 40})

