"""Against a live OpenSearch cluster, when WARTA_OPENSEARCH_URL is set: push an export, search it with
the stored search template, and check the cluster's own `warta` analyzer gives Warta's terms.

Start a single-node cluster with the official image (see docs/scaling.md for one with security on):

    docker run -d --name warta-os -p 9200:9200 -e discovery.type=single-node \\
        -e DISABLE_SECURITY_PLUGIN=true opensearchproject/opensearch:2
    WARTA_OPENSEARCH_URL=http://127.0.0.1:9200 .venv/bin/python -m pytest tests/test_opensearch_live.py

Credentials, if the cluster needs them: WARTA_OPENSEARCH_USER / WARTA_OPENSEARCH_PASSWORD (or a netrc);
WARTA_OPENSEARCH_INSECURE=1 accepts the image's self-signed certificate. The test makes its own
index (warta-test-...) and removes it, its template and the stored search template afterwards.
"""
from __future__ import annotations

import os
import uuid

import pytest

from opensearch_fixtures import ARTICLES, build_index

URL = os.environ.get("WARTA_OPENSEARCH_URL")
pytestmark = pytest.mark.skipif(
    not URL, reason="no live cluster: set WARTA_OPENSEARCH_URL (docs/scaling.md shows how to start one "
                    "with the official OpenSearch image)")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    from search.opensearch import export
    from search.opensearch.push import connect, push

    folder = tmp_path_factory.mktemp("live")
    index_dir = build_index(folder)
    out = folder / "export"
    export(index_dir, out)
    verify = os.environ.get("WARTA_OPENSEARCH_INSECURE") != "1"
    name = f"warta-test-{uuid.uuid4().hex[:8]}"
    client = connect(URL, verify_certs=verify)
    try:
        summary = push(URL, out, index_name=name, rules_in="inline", verify_certs=verify)
        yield client, name, index_dir, summary
    finally:
        client.indices.delete(index=name, ignore_unavailable=True)
        client.indices.delete_index_template(name=name, ignore=[404])
        client.delete_script(id="warta-search", ignore=[404])


def test_push_accounts_for_every_article(cluster):
    client, name, _, summary = cluster
    assert summary.read == summary.created == len(ARTICLES) and summary.rejected == 0
    assert summary.documents == len(ARTICLES) == client.count(index=name)["count"]


def test_the_clusters_analyzer_gives_warta_terms(cluster):
    from search.opensearch.lucene_check import compare, index_texts
    from search.opensearch.warta_terms import IndexTerms

    client, name, index_dir, _ = cluster
    terms = IndexTerms(index_dir)
    texts = [text for text in index_texts(index_dir) if text]
    theirs = []
    for text in texts:
        answer = client.indices.analyze(index=name, body={"analyzer": "warta", "text": text})
        theirs.append([(t["position"], t["token"]) for t in answer["tokens"]])
    agreement = compare(terms, texts, theirs)
    assert agreement.tokens > 200 and agreement.share >= 0.995, agreement.differences.most_common(10)


def test_search_template_finds_collapses_and_counts(cluster):
    from search.opensearch.search_template import TEMPLATE_ID, search_params

    client, name, _, _ = cluster
    answer = client.search_template(index=name, body={"id": TEMPLATE_ID, "params": search_params("bendungan karian")})
    hits = answer["hits"]["hits"]
    ids = [hit["_id"] for hit in hits]
    # The wire story is indexed twice (one cluster): one hit, the other copy among its inner hits.
    assert len(ids) == 1 and ids[0].startswith("bendungan-karian")
    copies = hit_copies = hits[0]["inner_hits"]["copies"]["hits"]["hits"]
    assert {c["_id"] for c in copies} == {"bendungan-karian-antara", "bendungan-karian-kompas"}, hit_copies
    assert "<mark>" in hits[0]["highlight"]["title"][0]
    assert answer["aggregations"]["stories"]["value"] == 1
    # Stemming: "meresmikan" in the text is found by "resmi"; names are not stemmed.
    assert client.search_template(index=name, body={"id": TEMPLATE_ID, "params": search_params("resmi")})["hits"]["hits"]
    filtered = client.search_template(index=name, body={"id": TEMPLATE_ID, "params": search_params(
        "kasus source:liputan6 date:2022")})
    assert [h["_id"] for h in filtered["hits"]["hits"]] == ["covid-bekasi"]
