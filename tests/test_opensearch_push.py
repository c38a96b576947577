"""`warta opensearch push` against a stand-in cluster (tests/opensearch_fake.py): every article
accounted for, refused items in the rejects file with the cluster's reason, 429s retried,
credentials from the environment or netrc only."""
from __future__ import annotations

import json
from pathlib import Path

import pytest


from opensearch_fake import FakeCluster
from opensearch_fixtures import ARTICLES, build_index
from search.cli import main
from search.opensearch import export
from search.opensearch.push import PushFailed, credentials, push

INLINE = dict(rules_in="inline", initial_backoff=0.01, max_backoff=0.05, retries=3)


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    return build_index(tmp_path_factory.mktemp("push-index"))


@pytest.fixture
def exported(index_dir, tmp_path) -> Path:
    out = tmp_path / "export"
    export(index_dir, out)
    return out


@pytest.fixture(autouse=True)
def no_ambient_credentials(monkeypatch, tmp_path):
    monkeypatch.delenv("WARTA_OPENSEARCH_USER", raising=False)
    monkeypatch.delenv("WARTA_OPENSEARCH_PASSWORD", raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))


def test_push_loads_every_article_and_installs_the_templates(exported):
    with FakeCluster() as cluster:
        summary = push(cluster.url, exported, index_name="arsip", **INLINE)
        assert summary.read == summary.created == len(ARTICLES) and summary.accounted
        assert summary.rejected == 0 and summary.rejects_file is None and summary.documents == len(ARTICLES)
        docs = cluster.indices["arsip"]["docs"]
        assert sorted(docs) == sorted(a["id"] for a in ARTICLES)
        assert docs["kafe-josé"]["title"].startswith("Kafé")
        assert cluster.templates["arsip"]["index_patterns"] == ["arsip"]
        stems = cluster.indices["arsip"]["body"]["settings"]["analysis"]["filter"]["warta_stems"]
        assert "rules_path" not in stems and len(stems["rules"]) == len(
            (exported / "warta-stems.txt").read_text(encoding="utf-8").splitlines())
        assert cluster.scripts["warta-search"]["script"]["lang"] == "mustache"
        # A second push updates by id, never doubles.
        again = push(cluster.url, exported, index_name="arsip", **INLINE)
        assert again.updated == len(ARTICLES) and again.created == 0 and again.documents == len(ARTICLES)
        assert not (exported / "push-rejects.jsonl").exists()


def test_word_lists_missing_on_the_nodes_are_explained(exported):
    with FakeCluster() as cluster:
        with pytest.raises(PushFailed) as failure:
            push(cluster.url, exported, rules_in="path")
        message = str(failure.value)
        assert "rules_path" in message or "keywords_path" in message
        assert "config/analysis/" in message and "--rules inline" in message
    with FakeCluster(config_files={"analysis/warta-stems.txt", "analysis/warta-keywords.txt"}) as cluster:
        summary = push(cluster.url, exported, rules_in="path")
        assert summary.created == len(ARTICLES)
        stems = cluster.indices["warta"]["body"]["settings"]["analysis"]["filter"]["warta_stems"]
        assert stems == {"type": "stemmer_override", "rules_path": "analysis/warta-stems.txt"}


def _articles_with(tmp_path: Path, extra: list[dict]) -> Path:
    folder = tmp_path / "extra"
    folder.mkdir()
    return build_index(folder, ARTICLES + extra)


def _extra(article_id: str, word: str) -> dict:
    return {"id": article_id, "title": f"Berita {word}", "content": f"Isi berita tentang {word} yang berbeda "
            f"dari yang lain, ditulis untuk {article_id}.", "source": "uji", "date": "2020-01-01T00:00:00+07:00"}


def test_refused_items_go_to_the_rejects_file_with_the_reason(tmp_path, runner):
    index_dir = _articles_with(tmp_path, [_extra("tolak-satu", "gempa"), _extra("sibuk-dua", "banjir")])
    out = tmp_path / "export"
    export(index_dir, out)
    with FakeCluster(busy_times=2) as cluster:
        summary = push(cluster.url, out, **INLINE)
        assert summary.read == len(ARTICLES) + 2 and summary.accounted
        assert summary.rejected == 1 and summary.created == len(ARTICLES) + 1  # the 429 one was retried
        assert cluster.busy_seen == {"sibuk-dua": 2}
        rejects = [json.loads(line) for line in Path(summary.rejects_file).read_text(encoding="utf-8").splitlines()]
        assert len(rejects) == 1
        assert rejects[0]["id"] == "tolak-satu" and rejects[0]["status"] == 400
        assert "mapper_parsing_exception" in rejects[0]["reason"] and "kemarin" in rejects[0]["reason"]
        assert rejects[0]["origin"].startswith("bulk-0001.ndjson:") and "tolak-satu" in rejects[0]["raw"]
        # The CLI says so and exits non-zero.
        result = runner.invoke(main, ["opensearch", "push", cluster.url, "--from", str(out), "--rules", "inline"])
        assert result.exit_code == 1, result.output
        assert "rejected 1" in result.output and "mapper_parsing_exception" in result.output
    with FakeCluster(busy_times=5) as cluster:
        summary = push(cluster.url, out, **{**INLINE, "retries": 1})
        assert summary.rejected == 2 and summary.accounted  # still busy after the retry: rejected, with 429
        reasons = [json.loads(l)["status"] for l in Path(summary.rejects_file).read_text().splitlines()]
        assert sorted(reasons) == [400, 429]


def test_unreadable_bulk_lines_are_rejected_and_the_rest_pushed(exported):
    path = exported / "bulk-0001.ndjson"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[3] = lines[3][:40]  # a document cut short (an edited or damaged file)
    path.write_text("\n".join(lines), encoding="utf-8")
    with FakeCluster() as cluster:
        summary = push(cluster.url, exported, **INLINE)
    assert summary.rejected == 1 and summary.created == len(ARTICLES) - 1 and summary.accounted
    reject = json.loads(Path(summary.rejects_file).read_text(encoding="utf-8"))
    assert reject["origin"] == "bulk-0001.ndjson:3" and reject["reason"].startswith("unreadable bulk line")


def test_credentials_come_from_the_environment_or_netrc(exported, tmp_path, monkeypatch):
    assert credentials("http://127.0.0.1:9200", environ={}) is None
    env = {"WARTA_OPENSEARCH_USER": "arsip", "WARTA_OPENSEARCH_PASSWORD": "rahasia"}
    assert credentials("https://cluster:9200", environ=env) == ("arsip", "rahasia")
    with pytest.raises(PushFailed, match="both"):
        credentials("https://cluster:9200", environ={"WARTA_OPENSEARCH_USER": "arsip"})
    with pytest.raises(PushFailed, match="do not belong in the URL"):
        credentials("https://arsip:rahasia@cluster:9200", environ={})
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login dari-netrc password kunci\n")
    netrc.chmod(0o600)
    assert credentials("http://127.0.0.1:9200", environ={"NETRC": str(netrc)}) == ("dari-netrc", "kunci")
    monkeypatch.setenv("NETRC", str(netrc))
    with FakeCluster(require_auth=("dari-netrc", "kunci")) as cluster:
        assert push(cluster.url, exported, **INLINE).created == len(ARTICLES)
    monkeypatch.setenv("NETRC", str(tmp_path / "none"))
    with FakeCluster(require_auth=("dari-netrc", "kunci")) as cluster:
        with pytest.raises(PushFailed, match="refused the credentials"):
            push(cluster.url, exported, **INLINE)


def test_cli_push_errors_are_one_line(exported, runner, tmp_path):
    result = runner.invoke(main, ["opensearch", "push", "http://127.0.0.1:9", "--from", str(exported), "--retries", "0"])
    assert result.exit_code == 1 and "Cannot reach the cluster" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    result = runner.invoke(main, ["opensearch", "push", "http://127.0.0.1:9", "--from", str(tmp_path / "nothing")])
    assert result.exit_code == 1 and "No export at" in result.output
    result = runner.invoke(main, ["opensearch", "push", "ftp://x", "--from", str(exported)])
    assert result.exit_code == 1 and "not a cluster URL" in result.output
    result = runner.invoke(main, ["opensearch", "push", "http://127.0.0.1:9", "--from", str(exported),
                                  "--index-name", "Bad Name"])
    assert result.exit_code == 1 and "cannot be an index name" in result.output


def test_store_reads_search_answers_as_warta_results(exported, runner):
    from search.opensearch.store import OpenSearchStore

    with FakeCluster() as cluster:
        push(cluster.url, exported, **INLINE)
        store = OpenSearchStore(cluster.url, "warta")
        results = store.search("bendungan karian", per_page=5)
        sent = cluster.searches[-1]
        assert sent["id"] == "warta-search" and sent["params"]["q"] == "bendungan karian"
        assert results.total == 1 and len(results.hits) == 1 and not results.relaxed  # two copies, one story
        hit = results.hits[0]
        assert "<mark>" in hit.title_html and hit.duplicates and hit.duplicates[0].id != hit.id
        assert {f.value: f.count for f in results.facets["year"]} == {"2021": 1}
        assert results.facets["month"][0].value == "2021-03"  # one year: months shown, as Warta does
        # No article has both words: Warta's any-word fallback, said in the query description.
        relaxed = store.search("bendungan nelayan")
        assert relaxed.relaxed and (relaxed.total, relaxed.partial_total) == (0, 2)
        assert "no article has every word" in relaxed.query and relaxed.facets_counted == "some words"
        assert not any(hit.every_word for hit in relaxed.hits)
        assert cluster.searches[-1]["params"]["minimum_should_match"] == "1"
        assert store.get("kafe-josé").title.startswith("Kafé") and store.get("tidak-ada") is None
        result = runner.invoke(main, ["opensearch", "search", cluster.url, "bendungan", "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["total"] == 1
        result = runner.invoke(main, ["opensearch", "search", cluster.url, "banjir date:kemarin"])
        assert result.exit_code == 1 and "Cannot read the date" in result.output
        result = runner.invoke(main, ["opensearch", "search", cluster.url, "bendungan", "--index-name", "lain"])
        assert result.exit_code == 1 and "Push the export first" in result.output and "Traceback" not in result.output
