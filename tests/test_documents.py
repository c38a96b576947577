"""Raw rows -> Articles: outlets from URLs, stable ids, titles, dates kept or recorded, clear rejections."""
import pytest

from search.documents import (category_from_url, normalise_url, source_from_site_name, source_from_url, stable_id, title_from_url,
                              to_article)
from search.errors import RejectedRecord


@pytest.mark.parametrize("url, outlet", [
    ("https://news.detik.com/berita/d-123/x", "detik"),
    ("https://regional.kompas.com/read/2017/03/02/x", "kompas"),
    ("https://www.antaranews.com/berita/1/x", "antaranews"),
    ("http://m.liputan6.com/news/read/1/x", "liputan6"),
    ("https://tempo.co/read/1/x", "tempo"),
    ("https://nasional.tempo.co/read/1/x", "tempo"),
    ("https://www.viva.co.id/berita/1", "viva"),
    ("https://x.co.id/y", "x"),
    ("https://www.jatengprov.go.id/berita", "jatengprov"),
    ("https://dailysocial.id/post/x", "dailysocial"),
    ("https://www.bbc.co.uk/indonesia/x", "bbc"),
    ("kumparan.com/a/b", "kumparan"),
    ("HTTPS://WWW.CNNINDONESIA.COM/X", "cnnindonesia"),
    ("", None),
    (None, None),
    ("http://10.0.0.1/x", None),
])
def test_source_from_url(url, outlet):
    assert source_from_url(url) == outlet


@pytest.mark.parametrize("url, section", [
    ("https://regional.kompas.com/read/x", "regional"),
    ("http://inet.detik.com/read/x", "inet"),
    ("http://life.viva.co.id/showbiz/read/1", "life"),
    ("https://www.detik.com/jateng/berita/d-1/x", None),
    ("https://m.liputan6.com/news/read/1", None),
    ("https://kompas.com/x", None),
    ("https://a.b.kompas.com/x", None),
    (None, None),
])
def test_category_from_url(url, section):
    assert category_from_url(url) == section


@pytest.mark.parametrize("name, outlet", [
    ("Antara News Agency", "antaranews"),
    ("KapanLagi.com", "kapanlagi"),
    ("Republika Online", "republika"),
    ("liputan6.com", "liputan6"),
    ("https://www.facebook.com/Bola.Kompascom", None),
    ("", None),
])
def test_source_from_site_name(name, outlet):
    assert source_from_site_name(name) == outlet


@pytest.mark.parametrize("first, second", [
    ("https://www.liputan6.com/news/read/1/x", "http://m.liputan6.com/news/read/1/x/"),
    ("https://news.detik.com/d-1/x", "https://news.detik.com/d-1/x?utm_source=twitter&utm_medium=social"),
    ("https://news.detik.com/d-1/x#comments", "news.detik.com/d-1/x"),
    ("https://example.co.id/berita/x/amp", "https://example.co.id/berita/x"),
    ("https://Example.co.id/a?id=5&page=1", "https://example.co.id/a?id=5"),
])
def test_copies_of_one_url_share_an_id(first, second):
    assert normalise_url(first) == normalise_url(second)
    assert stable_id(None, first, "a", "b") == stable_id(None, second, "c", "d")


def test_different_articles_have_different_ids():
    assert stable_id(None, "https://example.com/a?id=5", "", "") != stable_id(None, "https://example.com/a?id=6", "", "")
    assert stable_id(None, None, "Judul", "Isi satu") != stable_id(None, None, "Judul", "Isi dua")


@pytest.mark.parametrize("given, url, expected_prefix", [
    ("abc-1", "https://x.com/a", "abc-1"),
    (42, None, "42"),
    ("  ", "https://x.com/a", "u-"),
    (None, None, "c-"),
])
def test_id_precedence(given, url, expected_prefix):
    assert stable_id(given, url, "Judul", "Isi").startswith(expected_prefix)


def test_content_id_ignores_case_and_spacing():
    assert stable_id(None, None, "Banjir  Bekasi", "Air naik.") == stable_id(None, None, "banjir bekasi", "air  naik.")


@pytest.mark.parametrize("url, title", [
    ("http://www.suara.com/entertainment/2017/09/06/181222/bocor-james-bond-nikah-di-sekuel-terbaru",
     "Bocor james bond nikah di sekuel terbaru"),
    ("http://www.kapanlagi.com/showbiz/brandon-salim-makin-dekat-dengan-sivia-82f43b.html",
     "Brandon salim makin dekat dengan sivia"),
    ("http://regional.kompas.com/read/2015/11/04/21040031/Polres.Lhokseumawe.Serahkan.Anggota",
     "Polres Lhokseumawe Serahkan Anggota"),
    ("https://example.com/read/12345", None),
    (None, None),
])
def test_title_from_url(url, title):
    assert title_from_url(url) == title


def test_to_article_maps_indonesian_fields_and_cleans():
    article = to_article({
        "judul": "Banjir  merendam Bekasi", "isi": "loading...\nA\nA\nA\nAir naik satu meter di Bekasi.\nBaca juga: Lain",
        "tanggal": "Selasa, 21 Okt 2025 20:43 WIB", "tautan": "https://news.detik.com/berita/d-1/banjir",
        "kategori": " Nasional ", "penulis": "Budi",
    })
    assert article.title == "Banjir merendam Bekasi"
    assert article.content == "Air naik satu meter di Bekasi."
    assert article.date.isoformat() == "2025-10-21T20:43:00+07:00"
    assert article.source == "detik"
    assert article.category == "nasional"
    assert article.extra == {"penulis": "Budi"}
    assert article.id.startswith("u-")


def test_given_source_wins_over_url():
    article = to_article({"content": "Teks berita.", "source": "CNN  Indonesia", "url": "https://www.cnnindonesia.com/x"})
    assert article.source == "cnn indonesia"


def test_unreadable_date_keeps_the_article_and_the_raw_text():
    article = to_article({"content": "Teks berita.", "date": "kemarin sore"})
    assert article.date is None
    assert article.extra["date_unparsed"] == "kemarin sore"


def test_missing_title_is_derived_and_marked():
    article = to_article({"content": "Teks berita.", "url": "https://suara.com/news/2017/09/06/181222/bocor-james-bond-nikah"})
    assert article.title == "Bocor james bond nikah"
    assert article.extra["title_derived"] is True
    untitled = to_article({"content": "Hujan deras mengguyur Jakarta sejak pagi hari ini dan membuat banyak jalan tergenang air."})
    assert untitled.title.startswith("Hujan deras mengguyur Jakarta")


@pytest.mark.parametrize("record, reason_part", [
    ({"title": "Judul saja"}, "no article text"),
    ({"title": "Judul", "content": "   "}, "no article text"),
    ({"title": "Judul", "content": "loading...\nA A A\nSCROLL TO CONTINUE WITH CONTENT"}, "empty after removing"),
    (["not", "a", "mapping"], "expected an object"),
])
def test_rejections_say_why(record, reason_part):
    with pytest.raises(RejectedRecord, match=reason_part):
        to_article(record)


def test_same_article_from_two_formats_gets_one_id():
    url = "https://news.detik.com/berita/d-8172036/kemenbud"
    from_jsonl = to_article({"title": "Kemenbud", "content": "Isi.", "url": url})
    from_html = to_article({"title": "Kemenbud - detikNews", "content": "Isi lain.", "url": url.replace("https://", "http://") + "/"})
    assert from_jsonl.id == from_html.id


@pytest.mark.parametrize("content", ["Satu dua.\n\nTiga", "satu  dua.\n\n\ntiga", " Satu\tdua.\u00a0\n\ntiga\u2028", "SATU DUA.\r\n\r\nTIGA\n\n"])
def test_content_hash_ignores_case_and_any_spacing(content):
    from search.documents import Article
    assert Article("x", "Judul", content).content_hash == Article("y", "judul", "satu dua. tiga").content_hash
