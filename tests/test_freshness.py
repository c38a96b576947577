"""A long-lived Index (and a served app) answers from the index's latest commit, exactly.

One Index stays open across updates, deletions, rebuilds and a folder replaced under it, with
searches before, during (threads) and after; each time its answers must equal those of an Index
opened afresh on the same folder.
"""
from __future__ import annotations

import json
import os
import shutil
import threading
import time

import pytest

import search.index
from search import Index
from search.indexer import build, delete

QUERIES = ["banjir", "jakarta", "banjir jakarta", "gempa", "pemilu", "kebakaran hutan", "date:2019"]


def _articles(prefix: str, count: int, words: str, year: int = 2019) -> list[dict]:
    return [{"id": f"{prefix}-{n}", "title": f"{words.title()} nomor {n} di {prefix}",
             "content": f"{words} terjadi di wilayah {prefix} nomor {n}. Warga {prefix}{n} mengungsi ke tempat aman.",
             "source": ("kompas", "detik", "tempo")[n % 3], "date": f"{year}-0{1 + n % 9}-1{n % 10}T08:00:00+07:00"}
            for n in range(count)]


def _write(path, articles) -> str:
    path.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in articles) + "\n", encoding="utf-8")
    return str(path)


def _view(index: Index) -> dict:
    """What a user sees of the index: totals, hit ids and facets of several queries, and the stats."""
    seen = {}
    for query in QUERIES:
        results = index.search(query, per_page=50)
        seen[query] = (results.total, [hit.id for hit in results.hits],
                       {name: [(f.value, f.count) for f in counts] for name, counts in results.facets.items()})
    stats = index.stats()
    seen["stats"] = (stats.documents, stats.sources, stats.date_first, stats.date_last)
    seen["suggest"] = index.suggest("ba")
    return seen


def _fresh_view(path) -> dict:
    with Index.open(path) as fresh:
        return _view(fresh)


def _matches_fresh_within_a_second(index: Index, path) -> dict:
    """Return the view once the long-lived Index agrees with a fresh one; fail after one second."""
    expected = _fresh_view(path)
    deadline = time.monotonic() + 1.0
    while True:
        seen = _view(index)
        if seen == expected or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert seen == expected
    return seen


@pytest.fixture
def archive_dir(tmp_path):
    index_dir = tmp_path / "index"
    build([_write(tmp_path / "first.jsonl", _articles("jakarta", 12, "banjir besar"))], index_dir)
    return index_dir


def test_update_delete_and_rebuild_are_seen_within_a_second(archive_dir, tmp_path):
    with Index.open(archive_dir) as index:
        before = _view(index)
        assert before["banjir"][0] == 12
        # An update: the same ids with other text.
        build([_write(tmp_path / "update.jsonl", _articles("jakarta", 12, "gempa bumi"))], archive_dir)
        seen = _matches_fresh_within_a_second(index, archive_dir)
        assert seen["banjir"][0] == 0 and seen["gempa"][0] == 12
        assert "gempa" in index.get("jakarta-3").content
        # A deletion: the article is gone from search, get() and the stats.
        deleted, _ = delete(archive_dir, ["jakarta-3"])
        assert deleted == ["jakarta-3"]
        seen = _matches_fresh_within_a_second(index, archive_dir)
        assert index.get("jakarta-3") is None and seen["gempa"][0] == 11 and seen["stats"][0] == 11
        # A rebuild: nothing doubled, nothing of the old articles left.
        build([_write(tmp_path / "rebuild.jsonl", _articles("bandung", 5, "pemilu daerah", 2021))], archive_dir, rebuild=True)
        seen = _matches_fresh_within_a_second(index, archive_dir)
        assert seen["pemilu"][0] == 5 and seen["gempa"][0] == 0 and seen["stats"][0] == 5
        assert index.get("jakarta-1") is None and index.get("bandung-1") is not None


def test_a_folder_replaced_with_the_same_generation_is_seen(archive_dir, tmp_path):
    other = tmp_path / "other"
    build([_write(tmp_path / "other.jsonl", _articles("medan", 7, "kebakaran hutan", 2017))], other)
    with Index.open(archive_dir) as index:
        assert index.search("banjir").total == 12
        generations = {p.name for p in archive_dir.glob("_MAIN_*.toc")}
        assert generations == {p.name for p in other.glob("_MAIN_*.toc")}  # the number alone cannot tell
        shutil.rmtree(archive_dir)
        os.rename(other, archive_dir)
        seen = _matches_fresh_within_a_second(index, archive_dir)
        assert seen["banjir"][0] == 0 and seen["kebakaran hutan"][0] == 7
        assert index.get("jakarta-0") is None and index.get("medan-1").source == "detik"


def test_searches_running_in_threads_across_commits_never_fail(archive_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(search.index, "REFRESH_SECONDS", 0)  # every search looks for a new commit
    failures, stop = [], threading.Event()
    with Index.open(archive_dir) as index:
        def searching():
            while not stop.is_set():
                try:
                    for query in QUERIES:
                        results = index.search(query, per_page=20)
                        assert results.total + results.partial_total >= len(results.hits)
                        for hit in results.hits:
                            record = index.get(hit.id)  # None when a commit removed it since the search
                            assert record is None or record.id == hit.id
                    index.suggest("ge")
                    index.stats()
                except Exception as exc:  # noqa: BLE001 - any failure is the test's failure
                    failures.append(repr(exc))
                    return

        threads = [threading.Thread(target=searching) for _ in range(3)]
        for thread in threads:
            thread.start()
        try:
            for round_ in range(3):
                build([_write(tmp_path / f"more{round_}.jsonl", _articles(f"kota{round_}", 30, "banjir bandang"))], archive_dir)
                delete(archive_dir, [f"kota{round_}-1"])
                build([_write(tmp_path / f"re{round_}.jsonl", _articles("jakarta", 10 + round_, "gempa"))],
                      archive_dir, rebuild=round_ == 1)
        finally:
            stop.set()
            for thread in threads:
                thread.join()
        assert failures == []
        _matches_fresh_within_a_second(index, archive_dir)


def test_a_served_app_follows_update_delete_and_rebuild(archive_dir, tmp_path):
    from web import create_app

    client = create_app({"INDEX": str(archive_dir), "STATS_TTL": 3600}).test_client()

    def api_total(query):
        return client.get("/api/search", query_string={"q": query}).get_json()["total"]

    assert api_total("banjir") == 12 and client.get("/api/articles/jakarta-2").status_code == 200
    assert "12" in client.get("/").get_data(as_text=True)
    delete(archive_dir, ["jakarta-2"])
    time.sleep(search.index.REFRESH_SECONDS + 0.05)
    assert client.get("/api/articles/jakarta-2").status_code == 404
    assert api_total("banjir") == 11
    build([_write(tmp_path / "next.jsonl", _articles("surabaya", 4, "pemilu"))], archive_dir, rebuild=True)
    time.sleep(search.index.REFRESH_SECONDS + 0.05)
    assert api_total("banjir") == 0 and api_total("pemilu") == 4
    home = client.get("/").get_data(as_text=True)
    assert "4" in home and "12" not in home  # the cached figures follow the commit, not the TTL


def test_a_damaged_new_commit_is_a_clear_error_then_recovers(archive_dir, tmp_path, monkeypatch):
    from search import IndexUnreadable

    monkeypatch.setattr(search.index, "REFRESH_SECONDS", 0)
    monkeypatch.setattr(search.index, "OPEN_ATTEMPTS", 2)
    spare = tmp_path / "spare"
    shutil.copytree(archive_dir, spare)
    with Index.open(archive_dir) as index:
        assert index.search("banjir").total == 12
        build([_write(tmp_path / "more.jsonl", _articles("bogor", 3, "banjir"))], archive_dir)
        for segment in archive_dir.glob("*.trm"):
            segment.unlink()  # a half-copied folder: a segment's terms are missing
        with pytest.raises(IndexUnreadable, match="rebuild"):
            index.search("banjir")
        shutil.rmtree(archive_dir)
        shutil.copytree(spare, archive_dir)  # the operator restores the backup
        assert index.search("banjir").total == 12


def test_a_long_lived_index_keeps_its_analyzer_caches_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(search.index, "ANALYZER_CACHE_WORDS", 40)
    rows = [{"id": f"w{n}", "title": f"Banjir kata{n}a kata{n}b", "content": " ".join(f"banjir kata{n}x{k}" for k in range(30))}
            for n in range(30)]
    index_dir = tmp_path / "ix"
    build([_write(tmp_path / "w.jsonl", rows)], index_dir)
    with Index.open(index_dir) as index:
        for page in range(1, 4):  # snippets re-analyse every hit's words: hundreds of distinct ones
            index.search("banjir", page=page, per_page=10)
            assert len(index.analyzer._terms) <= 40 and len(index.analyzer._stems) <= 40
        assert index.search("banjir").total == 30
