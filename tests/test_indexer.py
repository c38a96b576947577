"""Index build: every record accounted for, updates not doubles, duplicates, clusters, safety."""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.query import Phrase

from search import analysis, indexer
from search.cli import main
from search.errors import IncompatibleIndex, IndexBusy
from search.indexer import build, delete
from search.schema import SCHEMA_VERSION

# A wire story long enough for a near-duplicate signature, and an outlet's lightly edited copy.
WIRE = ("Badan Penanggulangan Bencana Daerah Kabupaten Bekasi mencatat ratusan rumah warga terendam banjir "
        "setinggi satu meter setelah hujan deras mengguyur wilayah itu sejak Senin malam. Petugas gabungan "
        "mengevakuasi warga lanjut usia dan anak-anak ke masjid serta sekolah terdekat menggunakan perahu karet. "
        "Kepala pelaksana BPBD mengatakan air mulai surut pada Selasa siang, namun warga diminta tetap waspada "
        "karena hujan diperkirakan masih turun hingga akhir pekan. Dinas Sosial menyalurkan makanan siap saji, "
        "selimut, dan obat-obatan ke posko pengungsian di tiga kecamatan yang terdampak paling parah.")
WIRE_EDITED = WIRE.replace("ratusan rumah warga", "ratusan rumah penduduk").replace("Selasa siang", "Selasa sore")
OTHER_STORY = ("Tim nasional bulu tangkis Indonesia menurunkan skuad terbaiknya pada turnamen beregu di Malaysia "
               "pekan depan. Pelatih kepala menyebut persiapan berjalan baik meski dua pemain sempat cedera ringan "
               "saat latihan di Cipayung. Federasi berharap tim putra mampu mempertahankan gelar yang diraih dua "
               "tahun lalu, sementara tim putri ditargetkan minimal mencapai babak semifinal turnamen tersebut.")


def write_jsonl(path: Path, rows: list) -> Path:
    lines = [row if isinstance(row, str) else json.dumps(row, ensure_ascii=False) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def stored(index_dir: Path) -> dict[str, dict]:
    """Return id -> stored fields of every live article in the index."""
    with whoosh_index.open_dir(index_dir).searcher() as searcher:
        return {doc["id"]: doc for doc in searcher.all_stored_fields()}


def test_every_record_is_accounted_for_and_rejects_say_where_and_why(tmp_path, articles_file):
    from tests.conftest import FIXTURE_ARTICLES

    rows = [*FIXTURE_ARTICLES,
            "{not json at all",
            {"id": "no-text", "title": "Judul tanpa isi"},
            {**FIXTURE_ARTICLES[0], "id": "copy-of-riau"},   # same text, other id: exact duplicate
            FIXTURE_ARTICLES[1]]                               # same id, same text: unchanged
    source = write_jsonl(tmp_path / "mixed.jsonl", rows)
    summary = build([source], tmp_path / "index")

    assert (summary.read, summary.indexed, summary.duplicates, summary.unchanged, summary.rejected) == (7, 3, 2, 1, 2)
    assert summary.read == summary.indexed + summary.updated + summary.duplicates + summary.rejected
    assert summary.documents == 3
    rejects = [json.loads(line) for line in Path(summary.rejects_file).read_text(encoding="utf-8").splitlines()]
    assert [r["origin"] for r in rejects] == [f"{source}:4", f"{source}:5"]
    assert "JSON" in rejects[0]["reason"] and rejects[0]["raw"].startswith("{not json")
    assert "text" in rejects[1]["reason"] and "Judul tanpa isi" in rejects[1]["raw"]
    assert set(stored(tmp_path / "index")) == {a["id"] for a in FIXTURE_ARTICLES}

    # A later clean run leaves no rejects file behind: the old one described another run.
    summary = build([write_jsonl(tmp_path / "clean.jsonl", [FIXTURE_ARTICLES[0]])], tmp_path / "index")
    assert summary.rejected == 0 and summary.rejects_file is None
    assert not (tmp_path / "index" / "rejects.jsonl").exists()


def test_reindexing_updates_changed_articles_and_never_doubles(tmp_path, built_index):
    from tests.conftest import FIXTURE_ARTICLES

    changed = [dict(a) for a in FIXTURE_ARTICLES]
    changed[0]["content"] += "\n\nHujan akhirnya memadamkan api pada Kamis."
    summary = build([write_jsonl(tmp_path / "again.jsonl", changed)], built_index)

    assert (summary.indexed, summary.updated, summary.duplicates, summary.unchanged) == (0, 1, 2, 2)
    docs = stored(built_index)
    assert len(docs) == 3
    assert "Hujan akhirnya memadamkan api" in docs["kebakaran-riau"]["content"]


def test_the_later_version_of_an_id_wins_within_one_run(tmp_path):
    first = {"id": "x", "title": "Versi pertama", "content": "Isi versi pertama berita ini."}
    second = {"id": "x", "title": "Versi kedua", "content": "Isi versi kedua berita ini, sudah diperbaiki."}
    summary = build([write_jsonl(tmp_path / "two.jsonl", [first, second])], tmp_path / "index")
    assert (summary.indexed, summary.updated, summary.documents) == (1, 1, 1)
    assert stored(tmp_path / "index")["x"]["title"] == "Versi kedua"


def test_exact_duplicate_of_an_indexed_article_is_skipped(tmp_path, built_index):
    from tests.conftest import FIXTURE_ARTICLES

    copy = {**FIXTURE_ARTICLES[2], "id": "reposted", "source": "kompas"}
    summary = build([write_jsonl(tmp_path / "copy.jsonl", [copy])], built_index)
    assert (summary.duplicates, summary.indexed, summary.documents) == (1, 0, 3)


def test_near_duplicates_share_the_cluster_of_the_earliest(tmp_path):
    rows = [{"id": "antara-1", "title": "Banjir Bekasi", "content": WIRE, "source": "antaranews"},
            {"id": "other", "title": "Bulu tangkis", "content": OTHER_STORY, "source": "antaranews"},
            {"id": "kompas-1", "title": "Ratusan rumah terendam di Bekasi", "content": WIRE_EDITED, "source": "kompas"}]
    summary = build([write_jsonl(tmp_path / "run1.jsonl", rows)], tmp_path / "index")
    docs = stored(tmp_path / "index")
    assert summary.near_duplicates == 1
    assert docs["antara-1"]["cluster"] == docs["kompas-1"]["cluster"] == "antara-1"
    assert docs["other"]["cluster"] == "other"

    # A later build finds the cluster through the index's band table.
    later = {"id": "detik-1", "title": "Banjir", "content": WIRE_EDITED.replace("Senin malam", "Senin petang"), "source": "detik"}
    summary = build([write_jsonl(tmp_path / "run2.jsonl", [later])], tmp_path / "index")
    assert summary.near_duplicates == 1
    assert stored(tmp_path / "index")["detik-1"]["cluster"] == "antara-1"


def _wire_index(tmp_path: Path) -> Path:
    """Return an index holding the wire story ("antara-1") and an unrelated one."""
    rows = [{"id": "antara-1", "title": "Banjir Bekasi", "content": WIRE, "source": "antaranews"},
            {"id": "other", "title": "Bulu tangkis", "content": OTHER_STORY, "source": "antaranews"}]
    index_dir = tmp_path / "index"
    build([write_jsonl(tmp_path / "run1.jsonl", rows)], index_dir)
    return index_dir


def _build_copy(tmp_path: Path, index_dir: Path, article_id: str = "kompas-1"):
    copy = {"id": article_id, "title": "Ratusan rumah terendam", "content": WIRE_EDITED, "source": "kompas"}
    return build([write_jsonl(tmp_path / f"{article_id}.jsonl", [copy])], index_dir)


def _band_table_generation(index_dir: Path) -> int | None:
    table = indexer.dedupe.BandTable(str(index_dir / indexer.BANDS_FILE), fresh=False)
    try:
        return table.generation()
    finally:
        table.close()


def test_the_band_table_describes_the_committed_index(tmp_path):
    index_dir = _wire_index(tmp_path)
    assert _band_table_generation(index_dir) == whoosh_index.open_dir(index_dir).latest_generation()
    assert [p.name for p in index_dir.iterdir() if p.name.startswith(indexer.BANDS_FILE)] == [indexer.BANDS_FILE]
    delete(index_dir, ["other"])
    assert _band_table_generation(index_dir) == whoosh_index.open_dir(index_dir).latest_generation()
    import sqlite3

    db = sqlite3.connect(index_dir / indexer.BANDS_FILE)
    assert [row[0] for row in db.execute("SELECT id FROM bands")] == ["antara-1"]  # the deleted one's row went
    db.close()


@pytest.mark.parametrize("damage", ["missing", "stamped ahead", "not a database", "damaged inside"])
def test_a_band_table_that_does_not_describe_the_index_is_made_again(tmp_path, damage, monkeypatch):
    index_dir = _wire_index(tmp_path)
    path = index_dir / indexer.BANDS_FILE
    if damage == "missing":
        path.unlink()
    elif damage == "stamped ahead":  # a crash after the table's commit, before the index's
        table = indexer.dedupe.BandTable(str(path), fresh=False)
        table.commit(99)
        table.close()
    elif damage == "not a database":
        path.write_bytes(b"garbage" * 100)
    else:  # pages past the stamp overwritten (a power loss): the stamp still reads
        import sqlite3

        db = sqlite3.connect(path)
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'bands'").fetchone()[0]
        db.close()
        with open(path, "r+b") as f:
            f.seek((root - 1) * page_size)
            f.write(b"\xff" * page_size)
    filled = []
    real = indexer._indexed_signatures
    monkeypatch.setattr(indexer, "_indexed_signatures", lambda searcher: filled.append(1) or real(searcher))

    summary = _build_copy(tmp_path, index_dir)
    assert filled == [1]
    assert summary.near_duplicates == 1 and stored(index_dir)["kompas-1"]["cluster"] == "antara-1"
    assert _band_table_generation(index_dir) == whoosh_index.open_dir(index_dir).latest_generation()
    _build_copy(tmp_path, index_dir, "detik-1")
    assert filled == [1]  # the table made again is used as it is


def test_an_interrupted_fill_of_the_band_table_leaves_nothing_behind(tmp_path, monkeypatch):
    index_dir = _wire_index(tmp_path)
    (index_dir / indexer.BANDS_FILE).unlink()

    def interrupted(searcher):
        yield from []
        raise KeyboardInterrupt

    monkeypatch.setattr(indexer, "_indexed_signatures", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _build_copy(tmp_path, index_dir)
    assert not [p.name for p in index_dir.iterdir() if p.name.startswith(indexer.BANDS_FILE)]
    monkeypatch.undo()
    assert _build_copy(tmp_path, index_dir).near_duplicates == 1


def test_a_leftover_journal_of_the_old_band_table_is_not_replayed_into_a_rebuilt_one(tmp_path):
    import sqlite3

    index_dir = _wire_index(tmp_path)
    (index_dir / (indexer.BANDS_FILE + "-journal")).write_bytes(b"left by a killed build" * 200)
    rows = [{"id": "antara-1", "title": "Banjir Bekasi", "content": WIRE, "source": "antaranews"}]
    build([write_jsonl(tmp_path / "again.jsonl", rows)], index_dir, rebuild=True)
    assert not (index_dir / (indexer.BANDS_FILE + "-journal")).exists()
    db = sqlite3.connect(index_dir / indexer.BANDS_FILE)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


def test_rows_of_updated_articles_do_not_crowd_out_live_candidates(tmp_path, monkeypatch):
    monkeypatch.setattr(indexer, "MAX_CANDIDATES_PER_BAND", 2)
    index_dir = tmp_path / "index"
    # The same story under other headlines: not exact duplicates, the same band keys.
    wire_copies = [{"id": f"old{n}", "title": f"Banjir {day}", "content": WIRE} for n, day in enumerate(["pagi", "siang"])]
    build([write_jsonl(tmp_path / "b1.jsonl", wire_copies)], index_dir)
    rewritten = [{**row, "content": OTHER_STORY.replace("pekan depan", f"bulan {n}")} for n, row in enumerate(wire_copies)]
    assert build([write_jsonl(tmp_path / "b2.jsonl", rewritten)], index_dir).updated == 2
    build([write_jsonl(tmp_path / "b3.jsonl", [{"id": "antara-1", "title": "Banjir", "content": WIRE}])], index_dir)
    summary = _build_copy(tmp_path, index_dir)
    assert summary.near_duplicates == 1 and stored(index_dir)["kompas-1"]["cluster"] == "antara-1"


def test_a_deleted_article_no_longer_lends_its_cluster(tmp_path):
    index_dir = _wire_index(tmp_path)
    delete(index_dir, ["antara-1"])
    summary = _build_copy(tmp_path, index_dir)
    assert summary.near_duplicates == 0 and stored(index_dir)["kompas-1"]["cluster"] == "kompas-1"


def test_a_failed_rebuild_leaves_the_band_table_as_it_was(tmp_path, monkeypatch):
    index_dir = _wire_index(tmp_path)
    before = (index_dir / indexer.BANDS_FILE).read_bytes()

    def broken_commit(*args):
        raise OSError("disk full")

    monkeypatch.setattr(indexer, "_commit", broken_commit)
    with pytest.raises(OSError):
        build([write_jsonl(tmp_path / "again.jsonl", [{"id": "solo", "title": "Judul", "content": OTHER_STORY}])],
              index_dir, rebuild=True)
    monkeypatch.undo()
    assert (index_dir / indexer.BANDS_FILE).read_bytes() == before
    assert [p.name for p in index_dir.iterdir() if p.name.startswith(indexer.BANDS_FILE)] == [indexer.BANDS_FILE]
    summary = _build_copy(tmp_path, index_dir)
    assert summary.near_duplicates == 1 and stored(index_dir)["kompas-1"]["cluster"] == "antara-1"


def test_delete_removes_and_reports_unknown_ids(built_index, runner):
    deleted, unknown = delete(built_index, ["banjir-bekasi", "tidak-ada"])
    assert (deleted, unknown) == (["banjir-bekasi"], ["tidak-ada"])
    assert set(stored(built_index)) == {"kebakaran-riau", "senjata-polisi"}

    result = runner.invoke(main, ["delete", "kebakaran-riau", "nope", "--index", str(built_index)])
    assert result.exit_code == 1
    assert "deleted 1" in result.output and "nope" in result.output
    assert set(stored(built_index)) == {"senjata-polisi"}


def test_a_second_writer_waits_then_fails_with_index_busy(tmp_path, built_index, articles_file):
    holder = whoosh_index.open_dir(built_index).writer()
    try:
        started = time.monotonic()
        with pytest.raises(IndexBusy, match="--wait"):
            build([articles_file], built_index, wait=0.5)
        assert time.monotonic() - started >= 0.5
    finally:
        holder.cancel()


def test_a_second_writer_succeeds_when_the_first_finishes_within_the_wait(tmp_path, built_index, articles_file):
    holder = whoosh_index.open_dir(built_index).writer()
    threading.Timer(0.3, holder.cancel).start()
    assert build([articles_file], built_index, wait=10).unchanged == 3


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, RuntimeError])
def test_a_crash_mid_build_leaves_the_last_committed_index_intact(tmp_path, built_index, monkeypatch, interruption):
    before = stored(built_index)
    real_read_inputs = indexer.read_inputs

    def reader_that_breaks(paths):
        for number, item in enumerate(real_read_inputs(paths)):
            if number == 2:
                raise interruption("simulated crash")
            yield item

    monkeypatch.setattr(indexer, "read_inputs", reader_that_breaks)
    rows = [{"id": f"new-{i}", "title": f"Berita {i}", "content": f"Isi berita nomor {i} tentang banjir."} for i in range(5)]
    with pytest.raises(interruption):
        build([write_jsonl(tmp_path / "new.jsonl", rows)], built_index)

    assert stored(built_index) == before
    monkeypatch.setattr(indexer, "read_inputs", real_read_inputs)
    assert build([write_jsonl(tmp_path / "new.jsonl", rows)], built_index).indexed == 5  # lock was released


def test_a_failing_indexing_process_leaves_the_index_intact(tmp_path, built_index, monkeypatch):
    before = stored(built_index)

    def broken_worker(index_dir, spool, skip, names, done, result):
        result.send(("error", "simulated failure"))
        result.close()

    monkeypatch.setattr(indexer, "_index_spool_in_process", broken_worker)
    rows = [{"id": f"n{i}", "title": "Judul", "content": f"Isi berita {i}."} for i in range(10)]
    with pytest.raises(RuntimeError, match="simulated failure"):
        build([write_jsonl(tmp_path / "n.jsonl", rows)], built_index, processes=2)
    assert stored(built_index) == before


def test_document_order_does_not_depend_on_which_process_finishes_first(tmp_path, monkeypatch):
    """Ties in ranking follow document order: the same input must give the same order every time."""
    rows = [{"id": f"a{i}", "title": f"Judul {i}", "content": f"Isi berita nomor {i} tentang banjir."} for i in range(300)]
    source = write_jsonl(tmp_path / "many.jsonl", rows)
    original = indexer._index_spool_in_process
    orders = []
    for slow in ("spool-0", "spool-1"):
        def slowed(index_dir, spool, *args, slow=slow):
            if slow in spool:
                time.sleep(0.5)
            original(index_dir, spool, *args)

        monkeypatch.setattr(indexer, "_index_spool_in_process", slowed)
        build([source], tmp_path / slow, processes=2)
        with whoosh_index.open_dir(tmp_path / slow).searcher() as searcher:
            orders.append([fields["id"] for fields in searcher.all_stored_fields()])
    assert sorted(orders[0]) == sorted(row["id"] for row in rows)
    assert orders[0] == orders[1]


def test_two_processes_index_everything_once_and_phrases_still_match(tmp_path):
    rows = [{"id": f"a{i}", "title": f"Kebakaran hutan {i}", "content": f"Kebakaran hutan di Riau nomor {i}. " * 3,
             "source": ["kompas", "detik"][i % 2]} for i in range(300)]
    summary = build([write_jsonl(tmp_path / "many.jsonl", rows)], tmp_path / "index", processes=2)
    assert (summary.processes, summary.indexed, summary.documents) == (2, 300, 300)
    ix = whoosh_index.open_dir(tmp_path / "index")
    with ix.searcher() as searcher:
        phrase = Phrase("content", [analysis.stem("kebakaran"), analysis.stem("hutan")])
        assert len(searcher.search(phrase, limit=None)) == 300
        reversed_phrase = Phrase("content", [analysis.stem("hutan"), analysis.stem("kebakaran")])
        assert len(searcher.search(reversed_phrase, limit=None)) == 0
    # A second run of the same file changes nothing.
    again = build([tmp_path / "many.jsonl"], tmp_path / "index", processes=2)
    assert (again.unchanged, again.documents) == (300, 300)


def test_dates_are_naive_utc_and_the_original_is_kept(built_index):
    riau = stored(built_index)["kebakaran-riau"]
    assert riau["date"].tzinfo is None and riau["date"].hour == 3  # 10:00 WIB
    assert riau["published"] == "2017-03-02T10:00:00+07:00"


def test_schema_version_mismatch_says_how_to_rebuild(tmp_path, built_index, articles_file):
    from search.index import Index

    (built_index / indexer.META_FILE).write_text(json.dumps({"schema_version": SCHEMA_VERSION - 1}))
    with pytest.raises(IncompatibleIndex, match="--rebuild"):
        build([articles_file], built_index)
    with pytest.raises(IncompatibleIndex, match="--rebuild"):
        Index.open(built_index)
    summary = build([articles_file], built_index, rebuild=True)
    assert summary.documents == 3
    assert indexer.schema_version(built_index) == SCHEMA_VERSION


def test_rebuild_starts_from_empty(tmp_path, built_index):
    only = {"id": "satu", "title": "Satu-satunya", "content": "Berita satu-satunya setelah dibangun ulang."}
    summary = build([write_jsonl(tmp_path / "one.jsonl", [only])], built_index, rebuild=True)
    assert (summary.indexed, summary.documents) == (1, 1)
    assert set(stored(built_index)) == {"satu"}


def test_names_the_corpus_capitalises_are_learned_and_stored(tmp_path):
    rows = [{"id": f"b{i}", "title": "Berita", "content": f"Warga kota itu bertemu Sutarjo di pasar pada hari ke-{i}."}
            for i in range(5)]
    build([write_jsonl(tmp_path / "names.jsonl", rows)], tmp_path / "index")
    assert (tmp_path / "index" / indexer.NAMES_FILE).exists()
    analyzer = indexer.index_analyzer(tmp_path / "index")
    assert "sutarjo" in analyzer.names and "warga" not in analyzer.names
    assert analysis.plain_analyzer().names == frozenset()  # nothing changed for anyone else


def test_cli_index_prints_summary_as_json_and_text(tmp_path, articles_file, runner):
    bad = write_jsonl(tmp_path / "bad.jsonl", ["{broken"])
    index_dir = str(tmp_path / "index")
    result = runner.invoke(main, ["index", str(articles_file), str(bad), "--index", index_dir, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["read"], summary["indexed"], summary["rejected"]) == (4, 3, 1)

    result = runner.invoke(main, ["index", str(articles_file), str(bad), "--index", index_dir, "--quiet"])
    assert result.exit_code == 0, result.output
    assert "duplicates skipped 3 (3 unchanged)" in result.output and "rejected 1" in result.output
    assert "rejects.jsonl" in result.output and "warta index --index" in result.output


def test_terms_worked_out_ahead_never_override_learned_names():
    text = "Kenangan kenangannya se-Kenangan bermain dan"
    ahead = analysis.TermsAhead()
    ahead.add_text(text)
    assert ahead.terms["Kenangan"] == "kenang" and ahead.terms["dan"] == "dan"
    named = analysis.IndonesianAnalyzer(names=["kenangan"])
    named.prime_term_cache(ahead)
    assert named.term_positions(text) == {"kenangan": [0, 1, 2], "main": [3], "dan": [4]}


def test_the_text_helper_counts_names_and_returns_the_analyzers_terms():
    helper = indexer._TextHelper()
    try:
        helper.add("Para pemain", "Para pemain bermain di lapangan pembangunan bersama Sutarjo.")
        names, terms = helper.results()
    finally:
        helper.close()
    assert terms.terms["bermain"] == analysis.stem("bermain") and terms.terms["di"] == "di"  # every word has a term
    assert names.capitalised["sutarjo"] == 1 and names.lowercase["pemain"] == 2  # title and body
    assert {"Para", "Sutarjo", "bermain"} <= set(terms.terms)


def test_terms_primed_from_the_helper_are_the_terms_the_analyzer_makes():
    text = ("Para pemain bermain di lapangan pembangunan bersama Sutarjo; Sutarjonya MENANG, kinerjanya baik, "
            "se-Sutarjo di-update ketidakpastian.")
    expected = analysis.IndonesianAnalyzer(names=["sutarjo"]).term_positions(text)
    helper = indexer._TextHelper()
    try:
        helper.add("", text + " e-Sutarjo")
        _, terms = helper.results()
    finally:
        helper.close()
    named = analysis.IndonesianAnalyzer(names=["sutarjo"])
    assert named.prime_term_cache(terms) == len(terms)
    assert set(terms.terms) <= set(named._terms)
    assert named.term_positions(text) == expected
    assert named.term_positions("e-Sutarjo") == analysis.IndonesianAnalyzer(names=["sutarjo"]).term_positions("e-Sutarjo")


def test_a_dead_text_helper_fails_the_build_and_leaves_the_index_intact(tmp_path, built_index, monkeypatch):
    before = stored(built_index)
    monkeypatch.setattr(indexer, "_text_helper_in_process", lambda connection: connection.close())
    rows = [{"id": f"n{i}", "title": "Judul", "content": f"Isi berita {i}."} for i in range(10)]
    with pytest.raises(RuntimeError, match="run the build again"):
        build([write_jsonl(tmp_path / "n.jsonl", rows)], built_index, processes=2)
    assert stored(built_index) == before


def test_stats_say_when_the_analyzer_changed_since_the_build(built_index, runner, monkeypatch):
    """An index records the analysis it was built with; a lexicon change is reported, not hidden."""
    from search import analysis
    from search.cli import main
    from search.index import Index

    assert Index.open(built_index).stats().analysis_outdated is False
    monkeypatch.setattr(analysis, "analysis_fingerprint", lambda: "changed-lexicon")
    monkeypatch.setattr("search.index.analysis_fingerprint", lambda: "changed-lexicon")
    assert Index.open(built_index).stats().analysis_outdated is True
    result = runner.invoke(main, ["stats", "--index", str(built_index)])
    assert result.exit_code == 0
    assert "warta index --rebuild" in result.output


def test_pass_one_keeps_this_runs_articles_out_of_python_memory(tmp_path, monkeypatch):
    """What a build remembers of the articles it read lives on disk, so memory does not grow with the input."""
    import random
    import tracemalloc

    from search import dedupe
    from search.documents import to_article

    # Rows wait in memory in batches of at most FLUSH_ROWS: smaller batches than the articles measured.
    monkeypatch.setattr(indexer._Classifier, "FLUSH_ROWS", 100)
    monkeypatch.setattr(dedupe.ClusterTable, "FLUSH_ROWS", 100)
    monkeypatch.setattr(dedupe.BandTable, "FLUSH_ROWS", 100)

    words = WIRE.split() + OTHER_STORY.split()
    rng = random.Random(5)
    articles = [to_article({"id": f"n{i}", "title": f"Berita {i}", "content": " ".join(rng.choices(words, k=80))})
                for i in range(1300)]
    bands = dedupe.BandTable(str(tmp_path / "bands.sqlite"), fresh=True)
    classifier = indexer._Classifier(None, rebuild=True, bands=bands)
    spools = indexer._Spools(tmp_path, 2)
    summary = indexer.BuildSummary()
    try:
        for article in articles[:300]:  # caches and tables reach their working size
            indexer._classify(article, classifier, spools, summary)
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for article in articles[300:]:
            indexer._classify(article, classifier, spools, summary)
        grown = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        # Still every behaviour: an id seen again updates, the same text under another id is a duplicate.
        again = to_article({"id": "n7", "title": "Berita 7", "content": "Isi yang sudah diperbaiki sama sekali."})
        assert indexer._classify(again, classifier, spools, summary)
        copy = to_article({"id": "copy", "title": articles[9].title, "content": articles[9].content})
        assert not indexer._classify(copy, classifier, spools, summary)
    finally:
        classifier.close()
        bands.close()
        spools.close()
    assert grown < 150 * 1000  # dicts of ids, hashes and signatures took ~1,800 bytes per article
    assert (summary.indexed, summary.updated, summary.duplicates) == (1300, 1, 1)
    assert sum(len(skip) for skip in spools.skip) == 1  # the first version of n7 is not indexed


def test_names_are_counted_the_same_with_and_without_the_helper_process(tmp_path):
    rows = [{"id": f"b{i}", "title": "Berita Banjir", "content": f"Warga bertemu Sutarjo di pasar hari ke-{i}. " + WIRE}
            for i in range(30)]
    rows.append({**rows[3], "id": "copy"})  # a duplicate is not counted
    source = write_jsonl(tmp_path / "names.jsonl", rows)
    build([source], tmp_path / "one", processes=1)
    build([source], tmp_path / "two", processes=2)
    one = (tmp_path / "one" / indexer.NAMES_FILE).read_text(encoding="utf-8")
    assert one == (tmp_path / "two" / indexer.NAMES_FILE).read_text(encoding="utf-8")
    assert json.loads(one)["capitalised"]["sutarjo"] == 30


@pytest.mark.parametrize("processes", [1, 2])
def test_large_spools_become_several_segments_committed_together(tmp_path, monkeypatch, processes):
    monkeypatch.setattr(indexer, "SEGMENT_DOCS", 40)
    rows = [{"id": f"a{i}", "title": f"Kebakaran hutan {i}", "content": f"Kebakaran hutan di Riau nomor {i}. " * 3}
            for i in range(200)]
    rows.append({**rows[5], "content": "Versi baru: kebakaran hutan di Riau padam."})  # a later version wins
    summary = build([write_jsonl(tmp_path / "many.jsonl", rows)], tmp_path / "index", processes=processes)
    assert (summary.indexed, summary.updated, summary.documents) == (200, 1, 200)
    ix = whoosh_index.open_dir(tmp_path / "index")
    assert len(ix._segments()) >= 5
    with ix.searcher() as searcher:
        phrase = Phrase("content", [analysis.stem("kebakaran"), analysis.stem("hutan")])
        assert len(searcher.search(phrase, limit=None)) == 200
    assert "Versi baru" in stored(tmp_path / "index")["a5"]["content"]


def test_text_given_up_by_an_updated_article_is_new_for_another_id(tmp_path):
    first = {"id": "x", "title": "Versi pertama", "content": "Isi versi pertama berita ini."}
    second = {"id": "x", "title": "Versi kedua", "content": "Isi versi kedua berita ini, sudah diperbaiki."}
    other = {**first, "id": "y"}  # the text x no longer has
    summary = build([write_jsonl(tmp_path / "three.jsonl", [first, second, other])], tmp_path / "index")
    assert (summary.indexed, summary.updated, summary.duplicates, summary.documents) == (2, 1, 0, 2)
    assert stored(tmp_path / "index")["y"]["title"] == "Versi pertama"


def test_indexing_makes_no_reference_cycles_so_it_runs_without_the_cycle_collector(tmp_path):
    """_index_spool turns the cyclic garbage collector off: garbage cycles would pile up per article."""
    import gc
    import random

    from search.documents import to_article

    words = (WIRE + " " + OTHER_STORY).split()
    rng = random.Random(3)

    def garbage_cycles_left(count: int) -> int:
        folder = tmp_path / f"run-{count}"
        folder.mkdir()
        ix = indexer.open_or_create(folder / "index")
        spools = indexer._Spools(folder, 1)
        for n in range(count):
            article = to_article({"id": f"a{n}", "title": f"Berita {n}", "content": " ".join(rng.choices(words, k=120)),
                                  "url": f"https://kompas.com/{n}", "date": "2021-03-04"})
            spools.add(indexer.article_fields(article, article.id))
        spools.close()
        gc.collect()
        gc.disable()
        try:
            indexer._index_spool(ix, spools.paths[0], set(), lambda done: None)
            return gc.collect()
        finally:
            gc.enable()

    assert gc.isenabled()
    assert garbage_cycles_left(600) <= garbage_cycles_left(100) + 20
