"""Relevance evaluation: run TREC-format topics against Warta and the baselines, score with ir-measures.

Topics are a TSV file "qid<TAB>query"; judgments are TREC qrels "qid 0 docid relevance" (graded
relevance allowed; 1 or more counts as relevant for MRR and recall).

What is measured for Warta is what a user of the search box gets: `Index.search(query, per_page=100)`
with its default settings, in page order. The result page lists the near-duplicates collapsed under a
hit inside that hit's entry, before the next hit, so in the ranked run each copy comes right after its
hit (and pushes the later hits down by one place); the run is cut at 100 ids. (Until 2026-11-25 the
copies were put after the 100th hit, which the cut then dropped: a known item whose copy was shown
first counted as not found. That cost about 0.01 MRR@10 on FacQA, where passages repeat.)

Every topic with at least one relevant judgment counts in the means; a topic with no results scores
0 (trec_eval would silently leave it out).
"""
from __future__ import annotations

import hashlib
import inspect
import json
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping

from search.errors import WartaError

DEPTH = 100  # results taken per query: enough for recall@100


class EvaluationInputError(WartaError):
    """A topics or qrels file is missing or not in TREC format."""


class EvaluationExtrasMissing(WartaError):
    """The evaluation libraries (the project's `eval` extra) are not installed."""


def _ir_measures():
    """Return the ir_measures module, or raise EvaluationExtrasMissing saying how to install it."""
    try:
        import ir_measures
    except ImportError:
        raise EvaluationExtrasMissing(
            "warta eval needs the evaluation libraries: pip install -e '.[eval]' (ir-measures, pytrec-eval-terrier)"
        ) from None
    return ir_measures


def _measures():
    """Return (column name, ir-measures measure) in the order the tables show them."""
    ir_measures = _ir_measures()
    R, RR, nDCG = ir_measures.R, ir_measures.RR, ir_measures.nDCG

    return (("nDCG@10", nDCG @ 10), ("MRR@10", RR @ 10), ("R@10", R @ 10), ("R@100", R @ 100))


MEASURE_NAMES = ("nDCG@10", "MRR@10", "R@10", "R@100")


@dataclass(frozen=True)
class SystemFigures:
    """Mean figures of one system over one topic set."""

    system: str
    figures: dict[str, float]  # measure name -> mean over judged topics
    topics: int  # judged topics the means are over
    no_results: int = 0  # judged topics for which the system returned nothing
    per_topic: dict[str, dict[str, float]] = field(default_factory=dict, compare=False, repr=False)

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("per_topic")
        return data


def read_topics(path: str | Path) -> dict[str, str]:
    """Return qid -> query text from a TSV topics file ("qid<TAB>query", one a line)."""
    path = Path(path)
    if not path.is_file():
        raise EvaluationInputError(f"No topics file at '{path}'. Give a TSV file with lines 'qid<TAB>query'.")
    topics: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        qid, sep, text = line.partition("\t")
        if not sep or not qid.strip():
            raise EvaluationInputError(f"{path}:{number}: expected 'qid<TAB>query', got {line[:80]!r}")
        topics[qid.strip()] = text.strip()
    return topics


def read_qrels(path: str | Path) -> dict[str, dict[str, int]]:
    """Return qid -> {docid: relevance} from a TREC qrels file ("qid 0 docid relevance")."""
    path = Path(path)
    if not path.is_file():
        raise EvaluationInputError(f"No qrels file at '{path}'. Give a TREC qrels file: 'qid 0 docid relevance'.")
    qrels: dict[str, dict[str, int]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.split()
        if not parts or line.startswith("#"):
            continue
        if len(parts) != 4:
            raise EvaluationInputError(f"{path}:{number}: expected 'qid 0 docid relevance', got {line[:80]!r}")
        try:
            relevance = int(parts[3])
        except ValueError:
            raise EvaluationInputError(f"{path}:{number}: relevance must be a whole number, got {parts[3]!r}") from None
        qrels.setdefault(parts[0], {})[parts[2]] = relevance
    return qrels


def run_topics(search: Callable[[str], list[str]], topics: Mapping[str, str]) -> dict[str, list[str]]:
    """Return qid -> ranked article ids that `search` gives for each topic's query."""
    return {qid: search(text) for qid, text in topics.items()}


def score_run(run: Mapping[str, list[str]], qrels: Mapping[str, Mapping[str, int]], system: str = "run") -> SystemFigures:
    """Return the mean nDCG@10, MRR@10, R@10 and R@100 of a run over every topic that has a relevant judgment."""
    ir_measures = _ir_measures()

    judged = {qid: docs for qid, docs in qrels.items() if any(rel > 0 for rel in docs.values())}
    measures = _measures()
    per_topic = {qid: {name: 0.0 for name, _ in measures} for qid in judged}
    ranked = {}
    for qid in judged:
        ids = list(dict.fromkeys(run.get(qid, [])))[:DEPTH]  # first occurrence keeps its rank
        if ids:
            # Strictly falling scores keep our order: trec_eval sorts by score, then by docid.
            ranked[qid] = {doc: float(len(ids) - rank) for rank, doc in enumerate(ids)}
    if ranked:
        by_measure = {measure: name for name, measure in measures}
        for metric in ir_measures.iter_calc([m for _, m in measures], judged, ranked):
            per_topic[metric.query_id][by_measure[metric.measure]] = float(metric.value)
    count = len(judged)
    figures = {name: (sum(t[name] for t in per_topic.values()) / count if count else 0.0) for name, _ in measures}
    return SystemFigures(system=system, figures=figures, topics=count,
                         no_results=sum(1 for qid in judged if qid not in ranked), per_topic=per_topic)


class WartaSearcher:
    """Runs queries the way Warta's search box does; returns ranked ids, each hit followed by its collapsed copies."""

    def __init__(self, index_dir: str | Path):
        from search.index import Index

        self._index = Index.open(index_dir)
        self._options = {}
        # Snippets do not change the ranking and cost most of the time of a 100-result page.
        if "snippets" in inspect.signature(self._index.search).parameters:
            self._options["snippets"] = False

    def search(self, text: str) -> list[str]:
        """Return the first DEPTH ids of Warta's results for `text`, each hit followed by the copies collapsed under it."""
        ids: list[str] = []
        page = 1
        while len(ids) < DEPTH:  # the index may cap a page below DEPTH: then read the next pages
            results = self._index.search(text, page=page, per_page=DEPTH, **self._options)
            for hit in results.hits:
                ids.append(hit.id)
                ids.extend(copy.id for copy in getattr(hit, "duplicates", ()))
            if not results.hits or page >= results.pages:
                break
            page += 1
        return ids[:DEPTH]

    def close(self) -> None:
        close = getattr(self._index, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> "WartaSearcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def evaluate(topics_path: str | Path, qrels_path: str | Path, index_dir: str | Path, compare: bool = False,
             baseline_parent: str | Path | None = None, runs_dir: str | Path | None = None,
             lucene: bool = True) -> list[SystemFigures]:
    """Return the figures of Warta (and, with compare, of the baselines) on one topic set.

    With compare: both Whoosh baselines and, unless lucene is False, the Lucene baseline
    (search/lucene_baseline.py), which needs a JDK and Lucene 8: when they are missing,
    LuceneMissing says what to install before anything is run.
    runs_dir, when given, receives one TREC run file per system ("<system>.run").
    """
    from search.baselines import BASELINES, BaselineSearcher, ensure_baseline
    from search.lucene_baseline import LUCENE, LuceneSearcher, compiled_classes, ensure_lucene_baseline

    topics = read_topics(topics_path)
    qrels = read_qrels(qrels_path)
    missing = [qid for qid in qrels if qid not in topics]
    if missing:
        raise EvaluationInputError(f"{len(missing)} judged topics have no query in {topics_path} "
                                   f"(first: {missing[0]}). Use the topics file that belongs to these qrels.")
    warta = WartaSearcher(index_dir)  # fails early, with the fix, when there is no usable index
    systems: list[tuple[str, Callable[[str], list[str]]]] = [("warta", warta.search)]
    searchers = [warta]
    try:
        if compare:
            if lucene:
                compiled_classes()  # a missing JDK or Lucene is said before any index is built
            for baseline in BASELINES:
                searcher = BaselineSearcher(ensure_baseline(index_dir, baseline, baseline_parent))
                searchers.append(searcher)
                systems.append((baseline.name, searcher.search))
            if lucene:
                searcher = LuceneSearcher(ensure_lucene_baseline(index_dir, baseline_parent), depth=DEPTH)
                searchers.append(searcher)
                systems.append((LUCENE.name, searcher.search))
        results = []
        for name, search in systems:
            run = run_topics(search, {qid: topics[qid] for qid in qrels})
            if runs_dir:
                write_run(run, Path(runs_dir) / f"{name}.run", name)
            results.append(score_run(run, qrels, name))
        return results
    finally:
        for searcher in searchers:
            searcher.close()


def write_run(run: Mapping[str, list[str]], path: Path, system: str) -> None:
    """Write a run as a TREC run file ("qid Q0 docid rank score system")."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for qid, ids in run.items():
            for rank, doc in enumerate(ids[:DEPTH], start=1):
                handle.write(f"{qid} Q0 {doc} {rank} {DEPTH + 1 - rank} {system}\n")


def markdown_table(results: Iterable[SystemFigures]) -> str:
    """Return the figures of several systems side by side as a markdown table."""
    results = list(results)
    lines = ["| system | " + " | ".join(MEASURE_NAMES) + " | topics |",
             "|---|" + "---:|" * (len(MEASURE_NAMES) + 1)]
    for result in results:
        cells = " | ".join(f"{result.figures[name]:.3f}" for name in MEASURE_NAMES)
        lines.append(f"| {result.system} | {cells} | {result.topics} |")
    return "\n".join(lines)


def results_json(results: Iterable[SystemFigures], **context) -> str:
    """Return the figures of several systems as JSON, with any context (set name, files) given."""
    return json.dumps({**context, "systems": [r.as_dict() for r in results]}, ensure_ascii=False, indent=2)


# --- Cached Warta indexes for evaluation corpora ------------------------------------------------

# Modules that only affect searching or output: a change there does not need a new index.
_QUERY_TIME_MODULES = {"index.py", "query.py", "ranking.py", "spelling.py", "highlight.py", "cli.py", "results.py", "evaluate.py",
                       "baselines.py", "lucene_baseline.py", "errors.py", "__init__.py", "__main__.py"}


def indexing_code_fingerprint() -> str:
    """Return a hash of the Warta code and lexicon files that decide what goes into an index."""
    package = Path(__file__).parent
    digest = hashlib.blake2b(digest_size=12)
    for path in sorted(package.rglob("*")):
        is_code = path.suffix == ".py" and "__pycache__" not in path.parts
        is_lexicon = path.is_file() and "lexicon" in path.relative_to(package).parts
        if not (is_code or is_lexicon):
            continue
        if path.parent == package and path.name in _QUERY_TIME_MODULES:
            continue
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def corpus_fingerprint(paths: Iterable[str | Path]) -> dict:
    """Return what identifies a corpus build: its input files (size, mtime) and the indexing code."""
    files = []
    for path in map(Path, paths):
        stat = path.stat()
        files.append([str(path.resolve()), stat.st_size, stat.st_mtime_ns])
    return {"inputs": files, "code": indexing_code_fingerprint()}


def ensure_warta_index(paths: list[str | Path], index_dir: str | Path, rebuild: bool = False) -> tuple[Path, bool]:
    """Return (index folder, whether it was built now) for a Warta index of `paths`, built when stale."""
    from search.indexer import build

    index_dir = Path(index_dir)
    marker = index_dir.parent / f"{index_dir.name}.eval.json"
    wanted = corpus_fingerprint(paths)
    if not rebuild and marker.exists() and index_dir.exists():
        if json.loads(marker.read_text(encoding="utf-8")) == wanted:
            return index_dir, False
    shutil.rmtree(index_dir, ignore_errors=True)
    marker.unlink(missing_ok=True)
    build(paths, index_dir)
    marker.write_text(json.dumps(wanted), encoding="utf-8")
    return index_dir, True
