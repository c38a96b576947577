"""Hostile input files, generated on the fly (never committed): shared by tests/test_hostile_*.py and
bench/bench_hostile.py.

Every maker takes a folder and a size in bytes and returns the path it wrote. Sizes are the
crafted part's size, so that tests can compare the cost of N and 2N bytes (linear time) and the
bench can run the issue's sizes. Large files are streamed to disk (gzip level 1 for the .gz
bombs) so making them costs little memory.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

_BLOCK = 1 << 20
_WORDS = b"banjir melanda jakarta pada selasa pagi warga mengungsi ke masjid terdekat "


def _stream(path: Path, head: bytes, filler: bytes, size: int, tail: bytes, compress: bool) -> Path:
    """Write head + `size` bytes of repeated filler + tail, gzip-compressed (fast) when asked."""
    opener = (lambda p: gzip.open(p, "wb", compresslevel=1)) if compress else (lambda p: open(p, "wb"))
    block = (filler * (_BLOCK // len(filler) + 1))[:_BLOCK]
    with opener(path) as out:
        out.write(head)
        left = size
        while left > 0:
            piece = block[: min(left, _BLOCK)]
            out.write(piece)
            left -= len(piece)
        out.write(tail)
    return path


def huge_json_line(folder: Path, size: int, compress: bool = True) -> Path:
    """One valid JSON line whose content is `size` bytes of words (the issue's 3 GB line in a .gz)."""
    name = "huge_line.jsonl.gz" if compress else "huge_line.jsonl"
    first = b'{"id": "before", "title": "Sebelum", "content": "Artikel biasa sebelum baris raksasa."}\n'
    last = b'\n{"id": "after", "title": "Sesudah", "content": "Artikel biasa sesudah baris raksasa."}\n'
    return _stream(folder / name, first + b'{"id": "huge", "title": "Raksasa", "content": "', _WORDS, size,
                   b'"}' + last, compress)


def html_bomb(folder: Path, size: int) -> Path:
    """An HTML page, gzip-compressed, of `size` bytes of paragraphs (the issue's 2 GB HTML bomb)."""
    return _stream(folder / "bomb.html.gz", b"<html><head><title>Bom</title></head><body><p>", _WORDS, size,
                   b"</p></body></html>", True)


def text_bomb(folder: Path, size: int) -> Path:
    """A .txt article, gzip-compressed, of `size` bytes of words."""
    return _stream(folder / "bomb.txt.gz", b"JUDUL: Bom teks\n\n", _WORDS, size, b"\n", True)


def csv_gzip_bomb(folder: Path, size: int) -> Path:
    """A .csv.gz whose second row's text column expands to `size` bytes with no line break."""
    head = b"id,title,content\n1,Biasa,Artikel biasa yang pendek sekali.\n2,Bom,"
    return _stream(folder / "bomb.csv.gz", head, _WORDS.replace(b" ", b"_"), size, b"\n3,Sesudah,Artikel sesudah.\n", True)


def newlines_gz(folder: Path, size: int) -> Path:
    """A .jsonl.gz of one article, then `size` bytes of empty lines, then another article."""
    return _stream(folder / "newlines.jsonl.gz", b'{"id": "a", "content": "Artikel pertama."}\n', b"\n", size,
                   b'{"id": "b", "content": "Artikel kedua."}\n', True)


def wide_csv(folder: Path, size: int) -> Path:
    """A CSV of about `size` bytes whose header and rows have tens of thousands of columns."""
    columns = max(10, size // 40)
    header = "content," + ",".join(f"c{i}" for i in range(columns - 1)) + "\n"
    row = "Isi artikel," + ",".join("x" for _ in range(columns - 1)) + "\n"
    path = folder / "wide.csv"
    with open(path, "w", encoding="utf-8") as out:
        out.write(header)
        written = len(header)
        while written < size:
            out.write(row)
            written += len(row)
    return path


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def spaced_dates(folder: Path, size: int) -> Path:
    """JSON lines whose date fields are runs of spaces between date parts (crafted backtracking)."""
    run = " " * size
    dates = ["21" + run + "x", "21 Oktober 2025" + run + "x", "2025-01-01" + run + "x",
             "1" + run + "Oktober" + run + "2025", "Oktober 21," + run + "2025", "21/10/2025" + run + "pukul"]
    return _jsonl(folder / "dates.jsonl", [{"id": f"d{i}", "content": "Isi artikel tentang banjir.", "date": d}
                                           for i, d in enumerate(dates)])


def meta_date_page(folder: Path, size: int) -> Path:
    """An HTML page whose <meta> publication date is a date then `size` spaces."""
    spaces = " " * size
    html = (f'<html><head><meta property="article:published_time" content="21 Oktober 2025{spaces}x">'
            f'<meta name="date" content="2025-01-01{spaces}x"><title>Banjir</title></head><body><article><p>'
            + "Banjir melanda Jakarta pada Selasa pagi dan warga mengungsi ke masjid. " * 8
            + "</p></article></body></html>")
    path = folder / "meta_date.html"
    path.write_text(html, encoding="utf-8")
    return path


def meta_attributes_page(folder: Path, size: int) -> Path:
    """An HTML page whose head is `size` bytes of unclosed <meta tags and attribute names without values."""
    crafted = ("<meta " * (size // 12)) + ("a" * (size // 2))
    html = (f"<html><head>{crafted}<title>Banjir</title></head><body><article><p>"
            + "Banjir melanda Jakarta pada Selasa pagi dan warga mengungsi ke masjid. " * 8
            + "</p></article></body></html>")
    path = folder / "meta_attrs.html"
    path.write_text(html, encoding="utf-8")
    return path


def baca_juga(folder: Path, size: int) -> Path:
    """One article whose paragraph is `size` bytes of "Baca juga:" links."""
    links = "Baca juga: Banjir di Jakarta " * (size // 28)
    return _jsonl(folder / "baca.jsonl", [{"id": "baca", "title": "Tautan",
                                           "content": "Warga mengungsi ke masjid. " + links + "Selesai."}])


def nested_html(folder: Path, size: int) -> Path:
    """An HTML page of `size` bytes of nested <div> tags around a paragraph."""
    depth = size // 11
    html = ("<html><body>" + "<div><span>" * depth + "<p>" + "Banjir melanda Jakarta pada Selasa pagi. " * 10
            + "</p>" + "</span></div>" * depth + "</body></html>")
    path = folder / "nested.html"
    path.write_text(html, encoding="utf-8")
    return path


MAKERS = {
    "huge_json_line_gz": huge_json_line,
    "html_bomb_gz": html_bomb,
    "text_bomb_gz": text_bomb,
    "csv_gzip_bomb": csv_gzip_bomb,
    "newlines_jsonl_gz": newlines_gz,
    "wide_csv": wide_csv,
    "spaced_dates": spaced_dates,
    "meta_date_html": meta_date_page,
    "meta_attributes_html": meta_attributes_page,
    "baca_juga": baca_juga,
    "nested_html": nested_html,
}
