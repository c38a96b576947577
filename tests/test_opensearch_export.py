"""`warta opensearch export`: every article once in valid _bulk files, a template whose chain gives
Warta's terms, and a search template that renders to a valid request."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from opensearch_fixtures import ARTICLES, build_index
from search.cli import main
from search.opensearch import export, search_template
from search.opensearch.chain import KEEP_SHORT, KEEP_SYMBOLS
from search.opensearch.template import mappings
from search.opensearch.warta_terms import IndexTerms


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    return build_index(tmp_path_factory.mktemp("os-index"))


@pytest.fixture(scope="module")
def exported(index_dir, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("os-export") / "out"
    export(index_dir, out)
    return out


def read_bulk(out: Path) -> list[tuple[dict, dict]]:
    """Return (action, document) pairs of every bulk file, checking the _bulk format on the way."""
    pairs = []
    for path in sorted(out.glob("bulk-*.ndjson")):
        data = path.read_bytes()
        assert data.endswith(b"\n"), "the _bulk body must end with a newline"
        lines = data.decode("utf-8").split("\n")[:-1]
        assert len(lines) % 2 == 0, f"{path.name}: every action line is followed by its document"
        for action_line, source_line in zip(lines[0::2], lines[1::2]):
            action, document = json.loads(action_line), json.loads(source_line)
            assert list(action) == ["index"] and set(action["index"]) == {"_id"}
            pairs.append((action, document))
    return pairs


def indexed_ids(index_dir: Path) -> list[str]:
    from whoosh import index as whoosh_index

    with whoosh_index.open_dir(index_dir).reader() as reader:
        return [stored["id"] for _, stored in reader.iter_docs()]


def test_every_indexed_article_is_exported_exactly_once(index_dir, exported):
    pairs = read_bulk(exported)
    ids = [action["index"]["_id"] for action, _ in pairs]
    assert sorted(ids) == sorted(indexed_ids(index_dir))
    assert len(ids) == len(set(ids)) == len(ARTICLES)
    manifest = json.loads((exported / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["articles"] == manifest["index_documents"] == len(ARTICLES)
    assert sum(f["articles"] for f in manifest["files"]) == len(ARTICLES)


def test_documents_carry_warta_fields_within_the_mappings(exported):
    properties = set(mappings()["properties"])
    by_id = {action["index"]["_id"]: document for action, document in read_bulk(exported)}
    for action_id, document in by_id.items():
        assert document["id"] == action_id
        assert set(document) <= properties, "dynamic: strict would refuse any other field"
        assert document["cluster"], "collapse would group every article without a cluster"
    wire = by_id["bendungan-karian-antara"]
    assert wire["date"] == "2021-03-04T14:00:00+07:00" and wire["year"] == 2021 and wire["month"] == "2021-03"
    assert wire["source"] == "antaranews" and wire["category"] == "nasional"
    assert by_id["bendungan-karian-kompas"]["cluster"] == wire["cluster"], "one near-duplicate story"
    assert by_id["bendungan-karian-kompas"]["source"] == "kompas"  # from the URL, as Warta indexes it
    undated = by_id["tanpa-tanggal"]
    assert "date" not in undated and "year" not in undated
    assert by_id["kafe-josé"]["title"].startswith("Kafé milik José")  # the text as stored, unfolded


def test_bulk_files_are_bounded(index_dir, tmp_path):
    out = tmp_path / "small"
    summary = export(index_dir, out, max_bytes=2048)
    sizes = {f["name"]: f for f in summary.files}
    assert len(sizes) > 2
    for entry in summary.files:
        path = out / entry["name"]
        assert path.stat().st_size == entry["bytes"]
        assert entry["bytes"] <= 2048 or entry["articles"] == 1, "only one too-large article may pass the limit"
    assert len(read_bulk(out)) == len(ARTICLES)
    # A later, smaller export leaves no bulk file of the earlier one behind.
    export(index_dir, out)
    assert sorted(p.name for p in out.glob("bulk-*.ndjson")) == ["bulk-0001.ndjson"]
    assert len(read_bulk(out)) == len(ARTICLES)


def test_rules_give_every_word_of_the_index_its_warta_term(index_dir, exported):
    terms = IndexTerms(index_dir)
    rules = {}
    for line in (exported / "warta-stems.txt").read_text(encoding="utf-8").splitlines():
        word, _, term = line.partition("=>")
        assert word and term and " " not in line
        rules[word] = term
    keywords = set((exported / "warta-keywords.txt").read_text(encoding="utf-8").split())
    kept = re.compile(f"{KEEP_SYMBOLS}|{KEEP_SHORT}")
    vocabulary = terms.vocabulary(a["title"] + "\n" + a["content"] for a in ARTICLES)
    checked = 0
    for word in vocabulary:
        term = terms.term(word)
        if term is None:
            continue  # a stop word: the stop filter drops it
        if word in rules:
            assert rules[word] == term, word
        else:
            assert (word in keywords or kept.fullmatch(word)) and term == word, word
        checked += 1
    assert checked > 100
    assert rules["penyelidikan"] == terms.term("penyelidikan") != "lidi"  # Warta's correction, not Sastrawi's
    assert "bekasi" in keywords or rules.get("bekasi") == "bekasi"


def test_template_chain_is_complete(exported):
    template = json.loads((exported / "template.json").read_text(encoding="utf-8"))
    assert template["index_patterns"] == ["warta"]
    settings = template["template"]["settings"]
    analysis = settings["analysis"]
    builtin = {"lowercase", "flatten_graph", "remove_duplicates"}
    for analyzer in analysis["analyzer"].values():
        assert analyzer["tokenizer"] in analysis["tokenizer"]
        assert all(name in analysis["char_filter"] for name in analyzer["char_filter"])
        assert all(name in analysis["filter"] or name in builtin for name in analyzer["filter"])
    assert analysis["filter"]["warta_stems"]["rules_path"] == "analysis/warta-stems.txt"
    assert analysis["filter"]["warta_keep"]["keywords_path"] == "analysis/warta-keywords.txt"
    chain = analysis["analyzer"]["warta"]["filter"]
    last_rules = len(chain) - 1 - chain[::-1].index("warta_stems")
    assert chain.index("warta_stemmer") > last_rules  # Lucene's stemmer only sees what the rules left
    mappings_rules = analysis["char_filter"]["warta_fold"]["mappings"]
    assert "\\u00e9=>e" in mappings_rules and "\\u00c9=>e" in mappings_rules  # é and É fold to e
    assert not any(rule.startswith("\\u00df") for rule in mappings_rules), "Warta keeps ß (ASCII folding would not)"
    similarity = settings["index"]["similarity"]
    assert similarity["warta_title"]["b"] == 0.5 and similarity["warta_content"]["b"] == 0.75
    props = template["template"]["mappings"]["properties"]
    assert props["title"]["similarity"] == "warta_title" and props["title"]["fields"]["exact"]["analyzer"] == "warta_exact"
    for name in ("source", "category", "cluster", "month"):
        assert props[name]["type"] == "keyword"
    assert props["date"]["type"] == "date" and props["year"]["type"] == "short"


def render(source: str, params: dict) -> dict:
    """Render the search template as OpenSearch's mustache does for the tags it uses, and parse it."""
    # Sections on booleans: {{#name}}...{{/name}} when true, {{^name}}...{{/name}} when false.
    def section(match):
        shown = bool(params[match.group(2)]) == (match.group(1) == "#")
        return match.group(3) if shown else ""

    source = re.sub(r"\{\{([#^])(?!toJson)(\w+)\}\}(.*?)\{\{/\2\}\}", section, source, flags=re.S)
    leftover = re.sub(r"\{\{#toJson\}\}\w+\{\{/toJson\}\}|\{\{\w+\}\}", "", source)
    assert "{{" not in leftover, "a mustache tag this renderer does not know"
    text = re.sub(r"\{\{#toJson\}\}(\w+)\{\{/toJson\}\}", lambda m: json.dumps(params[m.group(1)]), source)
    # {{name}}: JSON-escaped inside a string, as OpenSearch escapes for application/json.
    text = re.sub(r"\{\{(\w+)\}\}", lambda m: json.dumps(params[m.group(1)])[1:-1]
                  if isinstance(params[m.group(1)], str) else json.dumps(params[m.group(1)]), text)
    return json.loads(text)


def test_search_template_renders_warta_queries(exported):
    stored = json.loads((exported / "search-template.json").read_text(encoding="utf-8"))
    assert stored["script"]["lang"] == "mustache"
    source = stored["script"]["source"]
    params = search_template.search_params('"bendungan karian" OR waduk -banten source:kompas date:2021',
                                           page=2, per_page=5, category=["nasional"])
    request = render(source, params)
    assert request["from"] == 5 and request["size"] == 5
    must = request["query"]["bool"]["must"][0]["simple_query_string"]
    assert must["query"] == '("bendungan karian" | waduk) -banten'
    assert must["fields"] == ["title^2.5", "content"] and must["minimum_should_match"] == "100%"
    filters = request["query"]["bool"]["filter"]
    assert {"terms": {"source": ["kompas"]}} in filters and {"terms": {"category": ["nasional"]}} in filters
    # Date filters mean WIB days, as in Warta (the dates are kept in UTC): 2021 starts at 17:00 UTC the day before.
    assert {"range": {"date": {"gte": "2020-12-31T17:00:00", "lt": "2021-12-31T17:00:00"}}} in filters
    assert request["collapse"]["field"] == "cluster"
    assert set(request["aggs"]) >= {"source", "category", "year", "month", "stories"}
    assert request["highlight"]["encoder"] == "html"  # archive text is escaped around the marks
    relaxed = render(source, search_template.relaxed_params(params))
    assert relaxed["query"]["bool"]["must"][0]["simple_query_string"]["minimum_should_match"] == "1"
    # Quotes, backslashes and braces in the query stay inside the JSON string.
    tricky = render(source, search_template.search_params('jakarta "banjir \\ {{x}}'))
    assert "banjir" in tricky["query"]["bool"]["must"][0]["simple_query_string"]["query"]
    browse = render(source, search_template.search_params("source:detik"))
    assert browse["sort"][0] == {"date": {"order": "desc", "missing": "_last"}}
    assert browse["query"]["bool"]["must"] == [{"match_all": {}}]  # filters alone browse the archive
    # Operators typed inside words are escaped; prefixes keep their *.
    assert search_template.search_params("korup* anak~")["q"] == "korup* anak\\~"
    assert search_template.search_params("banjir OR longsor -jakarta")["q"] == "(banjir | longsor) -jakarta"


def test_search_params_refuse_what_warta_refuses():
    from search.errors import InvalidQuery

    with pytest.raises(InvalidQuery):
        search_template.search_params("banjir date:kemarin")
    with pytest.raises(InvalidQuery):
        search_template.search_params("banjir", sort="popular")


def test_cli_export(index_dir, tmp_path, runner):
    out = tmp_path / "cli-export"
    result = runner.invoke(main, ["opensearch", "export", "--index", str(index_dir), str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["articles"] == len(ARTICLES) and summary["rules"] > 0
    result = runner.invoke(main, ["opensearch", "export", "--index", str(tmp_path / "none"), str(out)])
    assert result.exit_code == 1 and "No index at" in result.output and "Traceback" not in result.output
    (tmp_path / "a-file").write_text("x")
    result = runner.invoke(main, ["opensearch", "export", "--index", str(index_dir), str(tmp_path / "a-file")])
    assert result.exit_code != 0 and "Traceback" not in result.output


def test_deleted_and_updated_articles_are_exported_as_the_index_holds_them(tmp_path):
    import search.indexer as indexer
    from opensearch_fixtures import write_articles

    index_dir = build_index(tmp_path)
    indexer.delete(index_dir, ["sepak-bola"])
    changed = dict(ARTICLES[4], content=ARTICLES[4]["content"] + " Kasus ini menjadi sorotan publik.")
    folder = tmp_path / "update"
    folder.mkdir()
    indexer.build([write_articles(folder, [changed])], index_dir)
    out = tmp_path / "out"
    export(index_dir, out)
    by_id = {action["index"]["_id"]: document for action, document in read_bulk(out)}
    assert sorted(by_id) == sorted(a["id"] for a in ARTICLES if a["id"] != "sepak-bola")
    assert by_id["korupsi-dana-desa"]["content"].endswith("sorotan publik.")
