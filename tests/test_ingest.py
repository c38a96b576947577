"""Readers: every supported format, folders, and broken inputs that must become rejections, never crashes."""
from __future__ import annotations

import gzip
import zlib
import io
import json
from pathlib import Path

import pytest

from search.documents import to_article
from search.ingest import RawRecord, Rejection, read_inputs

BODY = ("Kebakaran hutan kembali melanda Provinsi Riau pada Selasa. Petugas pemadam kebakaran menembakkan air dari "
        "helikopter ke titik api yang terus meluas di tiga kecamatan.")
BODY2 = "Warga diminta menjauhi lokasi kebakaran dan memakai masker karena asap tebal menyelimuti permukiman sejak pagi."
URL = "https://regional.kompas.com/read/2017/03/02/10000000/kebakaran-hutan-riau"

PAGE = f"""<!DOCTYPE html>
<html lang="id"><head>
<meta charset="utf-8">
<title>Kebakaran Hutan Melanda Riau - Kompas.com</title>
<meta property="og:site_name" content="KOMPAS.com">
<meta property="og:url" content="{URL}">
<link rel="canonical" href="{URL}">
<meta property="article:published_time" content="2017-03-02T10:15:00+07:00">
<meta property="article:section" content="Regional">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/nasional">Nasional</a></li><li><a href="/regional">Regional</a></li></ul></nav>
<div class="share"><a href="#">Facebook</a> <a href="#">Twitter</a> <a href="#">WhatsApp</a></div>
<article>
<h1>Kebakaran Hutan Melanda Riau</h1>
<p>{BODY}</p>
<p>Baca juga: Banjir Merendam Bekasi Lagi</p>
<p>{BODY2}</p>
<p>Kepala Badan Penanggulangan Bencana Daerah Riau mengatakan status siaga darurat diperpanjang selama dua pekan
ke depan, sambil menunggu hujan yang diperkirakan turun pada akhir bulan ini.</p>
</article>
<div class="related"><h3>Berita Terkait</h3><ul>
<li><a href="/a">Gempa Guncang Maluku, Warga Panik Berhamburan Keluar Rumah</a></li>
<li><a href="/b">Harga Cabai Naik Menjelang Lebaran di Pasar Induk</a></li>
</ul></div>
<footer>Copyright © 2017 Kompas Cyber Media. All Rights Reserved.</footer>
</body></html>"""


def read_all(*paths) -> list[RawRecord | Rejection]:
    return list(read_inputs(paths))


def records(items) -> list[RawRecord]:
    return [i for i in items if isinstance(i, RawRecord)]


def rejections(items) -> list[Rejection]:
    return [i for i in items if isinstance(i, Rejection)]


# --- JSON --------------------------------------------------------------------------------------------

def test_jsonl_plain_and_gzip(tmp_path):
    rows = [{"id": "a", "title": "A", "content": BODY}, {"id": "b", "title": "B", "content": BODY2}]
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n"
    (tmp_path / "a.jsonl").write_text(text, encoding="utf-8")
    with gzip.open(tmp_path / "b.ndjson.gz", "wt", encoding="utf-8") as handle:
        handle.write(text)
    for name in ("a.jsonl", "b.ndjson.gz"):
        items = read_all(tmp_path / name)
        assert [r.fields["id"] for r in records(items)] == ["a", "b"]
        assert [r.origin for r in items] == [f"{tmp_path / name}:1", f"{tmp_path / name}:2"]


def test_broken_jsonl_lines_are_rejected_with_line_numbers(tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_bytes(
        json.dumps({"title": "Baik", "content": BODY}).encode() + b"\n"
        + b'{"title": "Rusak", "content": "tanpa penutup\n'
        + b'{"title": "Bukan UTF-8", "content": "caf\xe9 \xff"}\n'
        + b'["bukan", "objek"]\n'
        + json.dumps({"title": "Baik lagi", "content": BODY2}).encode() + b"\n"
    )
    items = read_all(path)
    assert [r.fields["title"] for r in records(items)] == ["Baik", "Baik lagi"]
    bad = {r.origin: r.reason for r in rejections(items)}
    assert set(bad) == {f"{path}:2", f"{path}:3", f"{path}:4"}
    assert "malformed JSON" in bad[f"{path}:2"]
    assert "UTF-8" in bad[f"{path}:3"]
    assert "object" in bad[f"{path}:4"]
    assert all(r.raw for r in rejections(items))


def test_truncated_gzip_keeps_what_was_read(tmp_path):
    path = tmp_path / "cut.jsonl.gz"
    whole = gzip.compress(("\n".join(json.dumps({"content": f"{BODY} {i}"}) for i in range(200)) + "\n").encode())
    path.write_bytes(whole[: len(whole) // 2])
    items = read_all(path)
    complete_lines = zlib.decompressobj(wbits=31).decompress(path.read_bytes()).count(b"\n")
    assert len(records(items)) == complete_lines, "every record before the cut is kept"
    assert len(rejections(items)) == 1
    assert isinstance(items[-1], Rejection) and "archive cut short at byte" in items[-1].reason
    assert items[-1].origin.endswith(f":{complete_lines + 1}")


@pytest.mark.parametrize("payload, count", [
    ({"title": "Satu", "content": BODY}, 1),
    ([{"title": "Satu", "content": BODY}, {"title": "Dua", "content": BODY2}], 2),
    ({"articles": [{"title": "Satu", "content": BODY}, {"title": "Dua", "content": BODY2}]}, 2),
])
def test_json_file_with_object_or_array(tmp_path, payload, count):
    path = tmp_path / "x.json"
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    assert len(records(read_all(path))) == count


def test_json_array_items_that_are_not_objects_are_rejected(tmp_path):
    path = tmp_path / "x.json"
    path.write_text(json.dumps([{"content": BODY}, "teks lepas", 3]), encoding="utf-8")
    items = read_all(path)
    assert len(records(items)) == 1
    assert [r.origin for r in rejections(items)] == [f"{path}#2", f"{path}#3"]


@pytest.mark.parametrize("text, good, reason", [
    ('[{"content": "a"}, {"content": ]', 1, "malformed JSON in array item 2"),
    ('[{"content": "a"} {"content": "b"}]', 1, "expected ',' or ']'"),
    ('[{"content": "a"}, {"content": "b"}', 2, "expected ',' or ']'"),
    ('{"content": "a", ', 0, "malformed JSON"),
    ('[{"content": "a"}] trailing words', 1, "after the closing ']'"),
])
def test_malformed_json_file_keeps_what_came_before(tmp_path, text, good, reason):
    path = tmp_path / "x.json"
    path.write_text(text, encoding="utf-8")
    items = read_all(path)
    assert len(records(items)) == good
    assert isinstance(items[-1], Rejection) and reason in items[-1].reason


def test_json_file_of_several_arrays_reads_every_one(tmp_path):
    """Scrapers that page through results append one array per page."""
    path = tmp_path / "pages.json"
    path.write_text('[{"content": "a"}, {"content": "b"}]\n[{"content": "c"}]\n[]\n', encoding="utf-8")
    items = read_all(path)
    assert [r.fields["content"] for r in records(items)] == ["a", "b", "c"] and not rejections(items)
    assert [r.origin for r in records(items)] == [f"{path}#1", f"{path}#2", f"{path}#3"]


def test_json_array_is_streamed_across_chunk_boundaries(tmp_path, monkeypatch):
    from search.ingest import json_reader

    monkeypatch.setattr(json_reader, "_CHUNK_CHARS", 7)  # every item and many characters cross a boundary
    articles = [{"id": i, "title": f"Berita “{i}” é", "content": BODY, "skor": 12345.678, "tag": ["a", {"b": None}]}
                for i in range(20)]
    path = tmp_path / "besar.json"
    path.write_text(" \n[\n" + ",\n  ".join(json.dumps(a, ensure_ascii=False) for a in articles) + "\n]\n", encoding="utf-8")
    items = read_all(path)
    assert [r.fields for r in items] == articles
    assert items[3].origin == f"{path}#4"


def test_json_lines_under_a_json_name(tmp_path):
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"content": BODY}) + "\n" + json.dumps({"content": BODY2}) + "\n", encoding="utf-8")
    assert len(records(read_all(path))) == 2


# --- CSV ---------------------------------------------------------------------------------------------

def test_csv_with_indonesian_headers_bom_and_semicolons(tmp_path):
    path = tmp_path / "berita.csv"
    text = ("\ufeffJudul;Isi;Tanggal;Tautan;Kategori\n"
            f'Kebakaran Riau;"{BODY}\n\n{BODY2}";Selasa, 21 Okt 2025 20:43 WIB;{URL};Regional\n'
            f'"Banjir; Bekasi";Banjir merendam Bekasi.;21/10/2025;https://news.detik.com/d-1/banjir;Nasional\n')
    path.write_text(text, encoding="utf-8")
    items = read_all(path)
    assert not rejections(items)
    first, second = records(items)
    assert first.origin == f"{path}:2" and second.origin == f"{path}:5"  # the row that started on line 2 spans 3 lines
    article = to_article(first.fields)
    assert article.title == "Kebakaran Riau"
    assert article.content == BODY + "\n\n" + BODY2
    assert article.date.isoformat() == "2025-10-21T20:43:00+07:00"
    assert (article.source, article.category) == ("kompas", "regional")
    assert to_article(second.fields).title == "Banjir; Bekasi"


def test_csv_delimiter_comes_from_the_header_when_bodies_are_long(tmp_path):
    path = tmp_path / "x.csv"
    body = "Satu, dua, tiga, empat; lima, enam. " * 4000  # commas everywhere, longer than the sniffing sample
    path.write_text(f'judul;isi;sumber\nPanjang;"{body}";antaranews\nPendek;{BODY};detik\n', encoding="utf-8")
    items = read_all(path)
    assert not rejections(items)
    assert [r.fields["sumber"] for r in records(items)] == ["antaranews", "detik"]


def test_tsv_gz_and_huge_fields(tmp_path):
    path = tmp_path / "berita.tsv.gz"
    huge = " ".join([BODY] * 2000)  # ~300 KB, beyond the csv module's default field limit
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(f"title\tcontent\nPanjang\t{huge}\n")
    (record,) = read_all(path)
    assert isinstance(record, RawRecord) and len(record.fields["content"]) == len(huge)


def test_csv_wrong_column_count_rejected_with_line(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(f"judul,isi\nBaik,{BODY}\nRusak,satu,dua\n\nBaik lagi,{BODY2}\n", encoding="utf-8")
    items = read_all(path)
    assert [r.fields["judul"] for r in records(items)] == ["Baik", "Baik lagi"]
    (bad,) = rejections(items)
    assert bad.origin == f"{path}:3" and "3 columns but the header has 2" in bad.reason


def test_csv_in_cp1252_is_read_with_a_note(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(f"judul,isi\nCafé “Kopi”,{BODY}\n".encode("cp1252"))
    (record,) = read_all(path)
    assert record.fields["judul"] == "Café “Kopi”"
    assert record.notes and "cp1252" in record.notes[0] and "UTF-8" in record.notes[0]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
@pytest.mark.parametrize("name, text", [
    ("x.tsv", f"judul\tisi\nCafé “Kopi”\t{BODY}\n"),
    ("x.jsonl", json.dumps({"judul": "Café “Kopi”", "isi": BODY}, ensure_ascii=False) + "\n"),
    ("x.json", json.dumps([{"judul": "Café “Kopi”", "isi": BODY}], ensure_ascii=False)),
    ("x.txt", f"Café “Kopi”\n\n{BODY}\n"),
])
def test_unicode_files_with_a_byte_order_mark_are_read_whole(tmp_path, encoding, name, text):
    """Windows "Unicode text" exports are UTF-16 with a mark: every field arrives, titles included."""
    path = tmp_path / name
    bom = {"utf-16": b"", "utf-16-be": b"\xfe\xff", "utf-32": b""}[encoding]  # utf-16/32 codecs write their own
    path.write_bytes(bom + text.encode(encoding))
    (record,) = read_all(path)
    assert isinstance(record, RawRecord), record
    fields = " ".join(str(v) for v in record.fields.values())
    assert "Café “Kopi”" in fields and BODY[:40] in fields and "\x00" not in fields


def test_csv_without_a_text_column_says_which_columns_it_found(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("nama,umur\nBudi,30\n", encoding="utf-8")
    (item,) = read_all(path)
    assert isinstance(item, Rejection) and "nama, umur" in item.reason and "isi" in item.reason


def test_csv_with_nul_bytes(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(f"judul,isi\nA\x00,{BODY}\n".encode())
    (record,) = read_all(path)
    assert record.fields["judul"] == "A"


# --- HTML --------------------------------------------------------------------------------------------

def test_html_page_main_text_and_metadata(tmp_path):
    path = tmp_path / "halaman.html"
    path.write_text(PAGE, encoding="utf-8")
    (record,) = read_all(path)
    article = to_article(record.fields)
    assert article.title == "Kebakaran Hutan Melanda Riau"
    assert article.url == URL
    assert article.date.isoformat() == "2017-03-02T10:15:00+07:00"
    assert article.source == "kompas"
    assert article.category == "regional"
    assert article.content.startswith(BODY)
    assert BODY2 in article.content
    for junk in ("Gempa Guncang Maluku", "Harga Cabai", "Baca juga", "Facebook", "Copyright", "Home", "Nasional"):
        assert junk not in article.content


def test_html_and_jsonl_copies_of_one_article_share_an_id(tmp_path):
    (tmp_path / "halaman.htm").write_text(PAGE, encoding="utf-8")
    (tmp_path / "a.jsonl").write_text(json.dumps({"title": "x", "content": BODY, "url": URL.replace("https", "http")}) + "\n")
    ids = {to_article(r.fields).id for r in records(read_all(tmp_path))}
    assert len(ids) == 1


def test_html_without_article_text_is_rejected(tmp_path):
    path = tmp_path / "kosong.html"
    path.write_text("<html><head><title>Indeks</title></head><body><nav><a href='/'>Home</a></nav></body></html>")
    (item,) = read_all(path)
    assert isinstance(item, Rejection) and "no article text" in item.reason


# --- text --------------------------------------------------------------------------------------------

def test_scraped_text_with_header(tmp_path):
    path = tmp_path / "detik_scraped.txt"
    path.write_text(f"URL: https://finance.detik.com/berita/d-1/rupiah-loyo\nTANGGAL: 4/24/2025 10:59\n"
                    f"JUDUL: Rupiah Lagi Loyo\n\n{BODY}\nSCROLL TO CONTINUE WITH CONTENT\n{BODY2}\n\n"
                    "Simak juga Video: Singapura Masih Investor Terbesar\n", encoding="utf-8")
    (record,) = read_all(path)
    article = to_article(record.fields)
    assert article.title == "Rupiah Lagi Loyo"
    assert article.date.isoformat() == "2025-04-24T10:59:00+07:00"
    assert article.source == "detik"
    assert article.content == BODY + "\n\n" + BODY2


def test_seed_style_text_file(tmp_path):
    path = tmp_path / "seed.txt"
    path.write_text("Kim Jong-un Inspeksi Pabrik Senjata\nloading...\nA\nA\nA\n"
                    f"{BODY}\n{BODY2}\n{BODY}\n{BODY2}", encoding="utf-8")
    (record,) = read_all(path)
    article = to_article(record.fields)
    assert article.title == "Kim Jong-un Inspeksi Pabrik Senjata"
    assert article.content == BODY + "\n\n" + BODY2
    assert article.id.startswith("c-")


def test_single_paragraph_text_has_no_title_line(tmp_path):
    path = tmp_path / "satu.txt"
    path.write_text(BODY, encoding="utf-8")
    (record,) = read_all(path)
    assert "title" not in record.fields and record.fields["content"] == BODY


@pytest.mark.parametrize("content, reason", [
    (b"", "no article text"),
    (b"   \n\n", "no article text"),
    (b"URL: https://x.com/a\nJUDUL: Hanya judul\n", "no article text"),
    (b"\x00\x01\x02binary", "binary"),
])
def test_empty_or_binary_text_files_are_rejected(tmp_path, content, reason):
    path = tmp_path / "x.txt"
    path.write_bytes(content)
    (item,) = read_all(path)
    assert isinstance(item, Rejection) and reason in item.reason


def test_text_file_in_latin1_is_read_with_a_note(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes("Judul Café\nIsi berita tentang café di Bandung.".encode("latin-1"))
    (record,) = read_all(path)
    assert record.fields["title"] == "Judul Café" and record.notes


# --- WARC --------------------------------------------------------------------------------------------

def write_warc(path: Path, pages: list[tuple[str, bytes, str]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=path.name.endswith(".gz"))
        for uri, body, content_type in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers,
                                               warc_headers_dict={"WARC-Date": "2024-05-01T08:00:00Z"})
            writer.write_record(record)


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_html_responses_become_articles(tmp_path, name):
    undated = PAGE.replace('<meta property="article:published_time" content="2017-03-02T10:15:00+07:00">', "")
    undated = undated.replace(URL, "").replace('<link rel="canonical" href="">', "").replace('<meta property="og:url" content="">', "")
    path = tmp_path / name
    write_warc(path, [
        (URL, PAGE.encode(), "text/html; charset=utf-8"),
        ("https://www.antaranews.com/berita/1/x", undated.encode(), "text/html"),
        ("https://www.antaranews.com/logo.png", b"\x89PNG...", "image/png"),
    ])
    items = read_all(path)
    assert not rejections(items)
    first, second = (to_article(r.fields) for r in records(items))
    assert first.url == URL and first.date.isoformat() == "2017-03-02T10:15:00+07:00"
    assert second.url == "https://www.antaranews.com/berita/1/x" and second.source == "antaranews"
    assert second.date.isoformat() == "2024-05-01T08:00:00+00:00"  # only the crawl date was known
    assert records(items)[1].fields["date_is_crawl_time"] is True
    assert [r.origin for r in items] == [f"{path}#1", f"{path}#2"]


def test_corrupt_warc_is_rejected_not_raised(tmp_path):
    path = tmp_path / "rusak.warc.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00garbage that is not a warc")
    items = read_all(path)
    assert items and all(isinstance(i, Rejection) for i in items)


# --- folders, dispatch -------------------------------------------------------------------------------

def test_folder_mix_in_sorted_order_with_unsupported_reported(tmp_path):
    folder = tmp_path / "arsip"
    (folder / "b" / "c").mkdir(parents=True)
    (folder / "a.jsonl").write_text(json.dumps({"content": BODY}) + "\n", encoding="utf-8")
    (folder / "b" / "halaman.html").write_text(PAGE, encoding="utf-8")
    (folder / "b" / "c" / "teks.txt").write_text("Judul\n" + BODY2, encoding="utf-8")
    (folder / "b" / "data.csv").write_text(f"judul,isi\nX,{BODY}\n", encoding="utf-8")
    (folder / "gambar.png").write_bytes(b"\x89PNG\r\n")
    (folder / ".DS_Store").write_bytes(b"\x00")
    (folder / "tanpa_akhiran").write_text(json.dumps({"content": BODY2}) + "\n", encoding="utf-8")
    items = read_all(folder)
    origins = [Path(i.origin.split(":")[0].split("#")[0]).name for i in items]
    assert origins == ["a.jsonl", "teks.txt", "data.csv", "halaman.html", "gambar.png", "tanpa_akhiran"]  # b/c/ < b/data
    (unsupported,) = rejections(items)
    assert unsupported.origin.endswith("gambar.png") and "unsupported file type" in unsupported.reason


def test_missing_path_is_a_rejection(tmp_path):
    (item,) = read_all(tmp_path / "tidak-ada.jsonl")
    assert isinstance(item, Rejection) and "no such file" in item.reason


def test_any_mix_of_paths_every_record_accounted(tmp_path):
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text(json.dumps({"content": BODY}) + "\n{rusak\n" + json.dumps({"content": ""}) + "\n")
    html = tmp_path / "b.html"
    html.write_text(PAGE, encoding="utf-8")
    items = read_all(jsonl, html, tmp_path / "hilang.csv")
    assert len(items) == 5
    outcomes = []
    for item in items:
        if isinstance(item, Rejection):
            outcomes.append("rejected")
            continue
        try:
            to_article(item.fields)
            outcomes.append("article")
        except Exception as exc:  # RejectedRecord only
            assert type(exc).__name__ == "RejectedRecord"
            outcomes.append("rejected")
    assert outcomes == ["article", "rejected", "rejected", "article", "rejected"]


def test_photo_page_with_little_prose_uses_the_page_summary(tmp_path):
    caption = "Penyanyi Taylor Swift memeluk Selena Gomez saat berpose di karpet merah Grammy Awards ke-58, Los Angeles."
    path = tmp_path / "foto.html"
    path.write_text(f"""<html><head><title>Taylor Swift dan Selena Gomez</title>
<meta property="og:description" content="{caption}"></head><body>
<div><span>17 Shares</span> <a>Facebook</a> <a>Twitter</a> <a>Copy Link</a></div>
<div><p>Taylor Swift dan Selena Gomez</p><img src="a.jpg"><p>telah dilihat 3584 kali</p></div>
<div>Popular Videos Popular Photos LOAD MORE</div></body></html>""", encoding="utf-8")
    (record,) = read_all(path)
    assert to_article(record.fields).content == caption


@pytest.mark.parametrize("name", ["x.jsonl.gz", "x.csv.gz", "x.json.gz", "x.txt.gz"])
def test_a_gz_name_on_a_file_that_is_not_gzip(tmp_path, name):
    path = tmp_path / name
    path.write_text(json.dumps({"content": BODY}) + "\n", encoding="utf-8")
    items = read_all(path)
    assert len(items) == 1 and isinstance(items[0], Rejection)
    assert "gzip" in items[0].reason


@pytest.mark.parametrize("name, content", [
    ("kosong.jsonl", ""), ("kosong.json", "[]"), ("kosong.csv", "judul,isi\n"), ("kosong.jsonl.gz", None),
])
def test_files_without_records_are_reported(tmp_path, name, content):
    path = tmp_path / name
    if content is None:
        path.write_bytes(gzip.compress(b""))
    else:
        path.write_text(content, encoding="utf-8")
    (item,) = read_all(path)
    assert isinstance(item, Rejection) and "no records" in item.reason


def test_folder_with_a_link_loop_is_read_once(tmp_path):
    folder = tmp_path / "arsip"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.jsonl").write_text(json.dumps({"content": BODY}) + "\n", encoding="utf-8")
    (folder / "sub" / "kembali").symlink_to(folder, target_is_directory=True)
    assert len(records(read_all(folder))) == 1


def test_html_byline_time_completes_a_date_without_one(tmp_path):
    page = PAGE.replace('<meta property="article:published_time" content="2017-03-02T10:15:00+07:00">',
                        '<meta name="date" content="2017-03-02">')
    page = page.replace("<h1>Kebakaran Hutan Melanda Riau</h1>",
                        "<h1>Kebakaran Hutan Melanda Riau</h1>\n<p>Kamis , 02 Maret 2017, 10:15 WIB</p>")
    path = tmp_path / "halaman.html"
    path.write_text(page, encoding="utf-8")
    (record,) = read_all(path)
    article = to_article(record.fields)
    assert article.date.isoformat() == "2017-03-02T10:15:00+07:00"
    assert "Kamis" not in article.content


def test_a_cut_json_item_is_never_taken_for_a_broken_one():
    """The array reader reads on when an item runs past the text read so far, and only then."""
    from search.ingest.json_reader import _broken

    item = json.dumps({"id": 12345, "judul": "Banjir \u201cBekasi\u201d é\n\t\\", "skor": -1.5e-3, "ok": True,
                       "tidak": False, "kosong": None, "tag": ["a", {"b": [1, 2.25, "c\u00e9"]}], "isi": BODY})
    for text in (item, json.dumps(json.loads(item), ensure_ascii=False)):
        for end in range(1, len(text)):
            try:
                json.JSONDecoder().raw_decode(text[:end])
            except json.JSONDecodeError as exc:
                assert not _broken(exc, text[:end]), (end, exc)


def test_a_broken_item_early_in_a_huge_array_is_rejected_without_reading_on(tmp_path, monkeypatch):
    from search.ingest import json_reader

    monkeypatch.setattr(json_reader, "_CHUNK_CHARS", 4096)
    path = tmp_path / "besar.json"
    good = json.dumps({"content": BODY})
    path.write_text("[" + good + ', {"content": "a" "b"}, ' + ", ".join([good] * 3000) + "]", encoding="utf-8")
    chunks = []
    original = json_reader._text_chunks
    monkeypatch.setattr(json_reader, "_text_chunks", lambda *args: (chunks.append(1) or chunk for chunk in original(*args)))
    items = read_all(path)
    assert len(records(items)) == 1 and "malformed JSON in array item 2" in items[-1].reason
    assert len(chunks) <= 2  # the file is ~1,000 chunks long


def test_an_array_item_that_never_ends_is_rejected_at_the_item_size_limit(tmp_path, monkeypatch):
    from search.ingest import json_reader

    monkeypatch.setattr(json_reader, "_CHUNK_CHARS", 1000)
    monkeypatch.setattr(json_reader, "_MAX_ITEM_CHARS", 5000)
    path = tmp_path / "x.json"
    path.write_text('[{"content": "a"}, {"content": "' + "kata " * 100_000 + '"}]', encoding="utf-8")
    items = read_all(path)
    assert len(records(items)) == 1
    assert "array item 2 is longer than 5,000 characters (the 8 MB limit for one record) or never ends" \
        in items[-1].reason
