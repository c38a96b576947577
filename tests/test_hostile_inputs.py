"""Hostile input files of every kind: each build accounts for every record (read = indexed + updated +
duplicates + rejected, every rejection with a reason), never crashes, and keeps what can be read.

Fast: every file here is small (a few MB at most) and written by the test. Heavy cases (hundreds of
MB, peak RSS) are in test_hostile_heavy.py, crafted-text timing in test_hostile_time.py.
"""
from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

import pytest

from search.indexer import build
from search.ingest import Rejection, read_inputs
from search.ingest.limits import MAX_RECORD_BYTES

BODY = "Banjir melanda kota itu dan warga mengungsi ke masjid terdekat kata petugas."


def article(i: int | str, **extra) -> dict:
    return {"id": f"a{i}", "title": f"Judul {i}", "content": f"{BODY} Nomor {i}.", **extra}


def jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def accounted_build(tmp_path: Path, *paths) -> tuple:
    """Build an index from paths; check every record is accounted for; return (summary, rejects)."""
    summary = build(list(paths), tmp_path / "index")
    assert summary.read == summary.indexed + summary.updated + summary.duplicates + summary.rejected
    rejects = []
    rejects_file = tmp_path / "index" / "rejects.jsonl"
    if summary.rejected:
        text = rejects_file.read_text(encoding="utf-8")
        lines = text.splitlines()  # the strictest line reader: U+2028, NEL... split here
        assert len(lines) == summary.rejected
        rejects = [json.loads(line) for line in lines]
        assert all(r["reason"] and r["origin"] for r in rejects)
    else:
        assert not rejects_file.exists()
    return summary, rejects


def origins(rejects: list[dict]) -> set[str]:
    return {r["origin"] for r in rejects}


# --- records lost without a rejection of their own -----------------------------------------------

def test_an_unreadable_subfolder_is_one_rejection_and_its_siblings_are_indexed(tmp_path, monkeypatch):
    from search.ingest import readers

    root = tmp_path / "arsip"
    (root / "terkunci").mkdir(parents=True)
    (root / "terkunci" / "x.jsonl").write_text(jsonl([article("x")]), encoding="utf-8")
    for name in ("a", "z"):
        (root / name).mkdir()
        (root / name / "berita.jsonl").write_text(jsonl([article(f"{name}{i}") for i in range(30)]), encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path="."):  # the tests run as root, for whom chmod 000 changes nothing
        if isinstance(path, (str, os.PathLike)) and Path(path).name == "terkunci":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(readers.os, "scandir", scandir)
    summary, rejects = accounted_build(tmp_path, root)
    assert summary.indexed == 60
    assert [r["origin"] for r in rejects] == [str(root / "terkunci")]
    assert "Permission denied" in rejects[0]["reason"]


def test_a_json_line_nested_past_the_recursion_limit_is_one_rejected_line(tmp_path):
    path = tmp_path / "deep.jsonl"
    deep = '{"content": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
    path.write_text(jsonl([article(1)]) + deep + jsonl([article(2), article(3)]), encoding="utf-8")
    summary, rejects = accounted_build(tmp_path, path)
    assert summary.indexed == 3
    assert origins(rejects) == {f"{path}:2"} and "nested too deeply" in rejects[0]["reason"]


@pytest.mark.parametrize("name", ["deep.json", "deep_array.json"])
def test_deep_json_documents_are_rejected_not_raised(tmp_path, name):
    path = tmp_path / name
    deep = "[" * 100_000 + "]" * 100_000
    path.write_text(('[{"content": "%s"}, {"content": %s}]' % (BODY, deep)) if "array" in name
                    else '{"content": %s}' % deep, encoding="utf-8")
    summary, rejects = accounted_build(tmp_path, path)
    assert summary.rejected == 1 and "nested too deeply" in rejects[0]["reason"]
    assert summary.indexed == (1 if "array" in name else 0)


@pytest.mark.parametrize("broken", [
    '2,Dua,"{body}\n',                      # unclosed quote in the last column, never closed
    '2,"Dua tanpa tutup,{body}\n',          # ... in a middle column
])
def test_an_unclosed_csv_quote_costs_one_line_not_the_rows_after_it(tmp_path, broken):
    path = tmp_path / "berita.csv"
    rows = ["id,title,content\n", f'1,Satu,"{BODY}"\n', broken.format(body=BODY),
            f"3,Tiga,{BODY}\n", f'4,"Empat, dengan koma",{BODY}\n', f"5,Lima,{BODY}\n"]
    path.write_text("".join(rows), encoding="utf-8")
    summary, rejects = accounted_build(tmp_path, path)
    assert summary.read == 5 and summary.indexed == 4
    assert [r["origin"] for r in rejects] == [f"{path}:3"]
    assert "quote" in rejects[0]["reason"]


def test_an_unclosed_quote_closed_by_a_later_row_is_still_found(tmp_path):
    path = tmp_path / "berita.csv"
    path.write_text(f'id,title,content\n1,Satu,{BODY}\n2,Dua,"{BODY}\n3,Tiga,{BODY}\n4,Empat,"{BODY}"\n'
                    f"5,Lima,{BODY}\n", encoding="utf-8")
    summary, rejects = accounted_build(tmp_path, path)
    assert summary.indexed == 4 and [r["origin"] for r in rejects] == [f"{path}:3"]


def test_quoted_multi_line_bodies_stay_whole(tmp_path):
    path = tmp_path / "berita.csv"
    body = f"{BODY}\n\nParagraf kedua, dengan koma, dan kutipan \"\"kami siap\"\".\n3, kata dia"
    path.write_text(f'id,title,content\n1,Satu,"{body}"\n2,Dua,{BODY}\n', encoding="utf-8")
    summary, rejects = accounted_build(tmp_path, path)
    assert summary.indexed == 2 and not rejects


def test_cut_gzip_keeps_every_record_before_the_cut(tmp_path):
    records = [article(i) for i in range(400)]
    paths = {}
    for name, text in (("cut.jsonl.gz", jsonl(records)), ("cut.json.gz", json.dumps(records)),
                       ("cut.csv.gz", "id,title,content\n" + "".join(f'{r["id"]},{r["title"]},"{r["content"]}"\n'
                                                                      for r in records))):
        whole = gzip.compress(text.encode("utf-8"), compresslevel=9)
        paths[name] = tmp_path / name
        paths[name].write_bytes(whole[: len(whole) * 2 // 3])
    for name, path in paths.items():
        text = _decompressed_prefix(path)
        complete = {f"a{i}" for i in range(400) if _complete_in(name, text, i)}
        items = list(read_inputs([path]))
        kept = {i.fields["id"] for i in items if not isinstance(i, Rejection)}
        assert kept == complete, name
        cut = [i for i in items if isinstance(i, Rejection)]
        assert len(cut) == 1 and "archive cut short at byte" in cut[0].reason, (name, cut)


def _decompressed_prefix(path: Path) -> str:
    import zlib

    return zlib.decompressobj(wbits=31).decompress(path.read_bytes()).decode("utf-8", "ignore")


def _complete_in(name: str, text: str, i: int) -> bool:
    if name.endswith(".csv.gz"):
        return f'{BODY} Nomor {i}."\n' in text
    if name.endswith(".jsonl.gz"):
        return f'"a{i}"' in text and f'Nomor {i}."}}\n' in text
    return f'Nomor {i}."}}' in text  # a JSON array item ends at its closing brace


# --- hostile files must not crash builds ----------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16", "utf-8-sig"])
@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"])
def test_csv_in_any_unicode_encoding_and_line_end(tmp_path, encoding, line_end):
    path = tmp_path / "berita.csv"
    text = line_end.join(["id;title;content", f"1;Satu;{BODY}", f'2;Dua;"{BODY}{line_end}{BODY}"', ""])
    path.write_bytes(text.encode(encoding))
    summary, rejects = accounted_build(tmp_path, path)
    assert summary.indexed == 2 and not rejects


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16"])
def test_jsonl_in_utf16_with_or_without_a_mark(tmp_path, encoding):
    path = tmp_path / "berita.jsonl"
    path.write_bytes(jsonl([article(1), article(2)]).encode(encoding))
    summary, _ = accounted_build(tmp_path, path)
    assert summary.indexed == 2


def test_byte_order_marks_at_every_line(tmp_path):
    path = tmp_path / "gabungan.jsonl"  # files joined with cat: each keeps its mark
    path.write_text("".join("\ufeff" + json.dumps(article(i)) + "\n" for i in range(3)), encoding="utf-8")
    summary, _ = accounted_build(tmp_path, path)
    assert summary.indexed == 3


def test_csv_with_nul_bytes_and_broken_quotes(tmp_path):
    path = tmp_path / "kotor.csv"
    path.write_bytes(f'id,title,content\n1,Sa\0tu,{BODY}\n2,"Dua,"{BODY}\0\n3,"Tiga""",{BODY}\n4,Empat,{BODY}"""\n'
                     .encode())
    summary, rejects = accounted_build(tmp_path, path)
    assert summary.read == 4 and summary.indexed >= 3


def test_a_file_name_that_is_not_utf8(tmp_path):
    folder = tmp_path / "arsip"
    folder.mkdir()
    good = os.path.join(os.fsencode(folder), b"berita-\xff.jsonl")
    bad = os.path.join(os.fsencode(folder), b"rusak-\xfe.jsonl")
    with open(good, "w", encoding="utf-8") as handle:
        handle.write(jsonl([article(1)]))
    with open(bad, "w", encoding="utf-8") as handle:
        handle.write("bukan json\n")
    summary, rejects = accounted_build(tmp_path, folder)
    assert summary.indexed == 1
    assert [r["origin"] for r in rejects] == [str(folder) + "/rusak-\\xfe.jsonl:1"]


@pytest.mark.parametrize("date", ["0001-01-01T00:00:00+07:00", "99999-01-01", "253402300800", 253402300800,
                                  "2020-01-01T10:00:00+99:00", "21 Okt 2025 20:43 +9900", "9999-12-31T23:59:59-12:00"])
def test_impossible_dates_leave_the_article_undated_with_a_note(tmp_path, date):
    from search import Index

    path = tmp_path / "tanggal.jsonl"
    path.write_text(jsonl([article(1, date=date)]), encoding="utf-8")
    summary, _ = accounted_build(tmp_path, path)
    assert summary.indexed == 1
    with Index.open(tmp_path / "index") as ix:
        stored = ix.get("a1")
        assert stored is not None and stored.date is None


def test_symlink_loops_dangling_links_pipes_and_empty_files(tmp_path):
    root = tmp_path / "data" / "arsip"
    root.mkdir(parents=True)
    (root / "baik.jsonl").write_text(jsonl([article(1)]), encoding="utf-8")
    (root / "kosong.jsonl").write_bytes(b"")
    os.symlink("lingkar2", root / "lingkar1")
    os.symlink("lingkar1", root / "lingkar2")
    os.symlink("..", root / "naik")  # back up the tree: read once
    os.symlink("tidak-ada.jsonl", root / "putus.jsonl")
    os.mkfifo(root / "pipa.jsonl")  # reading it would wait forever
    summary, rejects = accounted_build(tmp_path, root)
    assert summary.indexed == 1
    by_origin = {r["origin"]: r["reason"] for r in rejects}
    assert set(by_origin) == {str(root / n) for n in ("kosong.jsonl", "lingkar1", "lingkar2", "putus.jsonl",
                                                      "pipa.jsonl")}
    assert "loop" in by_origin[str(root / "lingkar1")] and "not a regular file" in by_origin[str(root / "pipa.jsonl")]


def test_a_symlink_loop_given_on_the_command_line(tmp_path):
    os.symlink("b", tmp_path / "a")
    os.symlink("a", tmp_path / "b")
    items = list(read_inputs([tmp_path / "a"]))
    assert len(items) == 1 and "symbolic link" in items[0].reason


@pytest.mark.parametrize("suffix", [".html", ".jsonl", ".csv", ".warc", ".json", ".txt", ".warc.gz", ".csv.gz"])
def test_binary_garbage_under_any_name(tmp_path, suffix):
    import random

    path = tmp_path / f"sampah{suffix}"
    path.write_bytes(random.Random(suffix).randbytes(64 * 1024))
    summary, rejects = accounted_build(tmp_path, path)
    assert summary.indexed == 0 and summary.rejected >= 1
    assert all(r["origin"].startswith(str(path)) for r in rejects)


def test_warc_with_non_html_revisit_and_request_records(tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    page = (f"<html><head><title>Banjir di Bekasi</title></head><body><article><h1>Banjir di Bekasi</h1>"
            f"<p>{BODY * 4}</p></article></body></html>").encode()
    path = tmp_path / "crawl.warc.gz"
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for uri, body, kind in (("https://x.co.id/a", page, "text/html"), ("https://x.co.id/logo.png", b"\x89PNG", "image/png"),
                                ("https://x.co.id/data.json", b"{}", "application/json")):
            http = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http))
        writer.write_record(writer.create_revisit_record("https://x.co.id/a", digest="sha1:AAAA",
                                                         refers_to_uri="https://x.co.id/a", refers_to_date="2024-01-01T00:00:00Z"))
        writer.write_record(writer.create_warc_record("https://x.co.id/b", "request", payload=io.BytesIO(b"GET /b HTTP/1.1\r\n\r\n")))
    summary, rejects = accounted_build(tmp_path, path)
    assert summary.indexed == 1 and not rejects


def test_html_of_megabytes_of_nested_tags(tmp_path):
    path = tmp_path / "bersarang.html"
    depth = 100_000
    path.write_text("<html><body>" + "<div><span>" * depth + f"<p>{BODY * 5}</p>" + "</span></div>" * depth
                    + "</body></html>", encoding="utf-8")
    summary, rejects = accounted_build(tmp_path, path)
    assert summary.read == 1  # indexed or rejected with a reason: never a crash


def test_rejects_file_escapes_line_separators(tmp_path):
    path = tmp_path / "pemisah.jsonl"
    path.write_text('bukan json \u2028 satu\nbukan json \u2029 dua\nbukan \x85 json tiga\n' + jsonl([article(1)]),
                    encoding="utf-8")
    summary, rejects = accounted_build(tmp_path, path)  # splitlines() there would break on them
    assert summary.rejected == 3 and summary.indexed == 1
    assert "\u2028" in rejects[0]["raw"]  # escaped in the file, the same text once read


def test_lone_surrogates_in_json_text(tmp_path):
    path = tmp_path / "surrogat.jsonl"
    path.write_text('{"id": "s", "title": "Judul \\ud800", "content": "%s \\udfff akhir"}\n' % BODY, encoding="utf-8")
    summary, _ = accounted_build(tmp_path, path)
    assert summary.indexed == 1


# --- the record cap -------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["jsonl", "jsonl.gz", "csv.gz", "txt", "html", "json"])
def test_a_record_over_the_cap_is_rejected_with_the_cap_named(tmp_path, kind):
    huge = "kata " * (MAX_RECORD_BYTES // 5 + 1000)
    path = tmp_path / f"besar.{kind}"
    if kind.startswith("jsonl"):
        text = jsonl([article(1), {"id": "big", "content": huge}, article(2)])
    elif kind == "csv.gz":
        text = f"id,title,content\n1,Satu,{BODY}\n2,Besar,{huge}\n3,Tiga,{BODY}\n"
    elif kind == "json":
        text = json.dumps({"id": "big", "content": huge})
    elif kind == "html":
        text = f"<html><body><p>{huge}</p></body></html>"
    else:
        text = "JUDUL: Besar\n\n" + huge
    data = text.encode("utf-8")
    path.write_bytes(gzip.compress(data, compresslevel=1) if kind.endswith(".gz") else data)
    summary, rejects = accounted_build(tmp_path, path)
    assert summary.indexed == (2 if kind in ("jsonl", "jsonl.gz", "csv.gz") else 0)
    assert len(rejects) == 1 and "8 MB limit" in rejects[0]["reason"]
