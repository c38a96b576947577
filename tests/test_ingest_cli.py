"""End to end: `warta index` over a folder of mixed formats accounts for every record, and re-indexing never doubles."""
from __future__ import annotations

import io
import json

from search.cli import main
from test_ingest import BODY, BODY2, PAGE, URL, write_warc  # tests/ is on sys.path under pytest


def make_archive(folder):
    (folder / "html").mkdir(parents=True)
    (folder / "berita.jsonl").write_text(
        json.dumps({"id": "satu", "title": "Satu", "content": BODY}) + "\n{rusak\n"
        + json.dumps({"title": "Kosong", "content": ""}) + "\n", encoding="utf-8")
    (folder / "html" / "halaman.html").write_text(PAGE, encoding="utf-8")
    (folder / "berita.csv").write_text(f"judul,isi,tautan\nDua,{BODY2},https://news.detik.com/d-2/dua\n", encoding="utf-8")
    (folder / "seed.txt").write_text("Judul Teks\nloading...\nA A A\n" + BODY2 + " Tambahan kalimat.\n", encoding="utf-8")
    write_warc(folder / "crawl.warc.gz", [("https://www.antaranews.com/berita/9/x", PAGE.replace(URL, "").encode(), "text/html")])
    (folder / "foto.jpg").write_bytes(b"\xff\xd8\xff")


def test_index_a_mixed_folder_twice(tmp_path, runner):
    archive = tmp_path / "arsip"
    make_archive(archive)
    index_dir = tmp_path / "index"
    first = runner.invoke(main, ["index", str(archive), "--index", str(index_dir), "--json", "--quiet"])
    assert first.exit_code == 0, first.output
    summary = json.loads(first.output)
    assert summary["read"] == 8  # 3 jsonl lines, 1 page, 1 csv row, 1 text file, 1 archived page, 1 jpg
    assert summary["rejected"] == 3  # malformed JSON line, empty text, unsupported .jpg
    rejects = [json.loads(line) for line in io.open(summary["rejects_file"], encoding="utf-8")]
    origins = {r["origin"] for r in rejects}
    assert f"{archive / 'berita.jsonl'}:2" in origins and f"{archive / 'berita.jsonl'}:3" in origins
    assert str(archive / "foto.jpg") in origins
    assert all(r["reason"] for r in rejects)

    second = runner.invoke(main, ["index", str(archive), "--index", str(index_dir), "--json", "--quiet"])
    assert second.exit_code == 0, second.output
    again = json.loads(second.output)
    assert again["indexed"] == 0  # nothing new: the same archive updates, never doubles
    assert again.get("documents", summary.get("documents")) == summary.get("documents")
