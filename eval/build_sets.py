#!/usr/bin/env python3
"""Build the evaluation sets from the development data (../shared/data) into eval/out/.

  python eval/build_sets.py [--data ../shared/data] [--out eval/out]

Writes, per set, TREC-format topics ("qid<TAB>query") and qrels ("qid 0 docid relevance"):

  summary/topics.tsv, summary/qrels.txt
      Summary known-item set with short queries. From the IndoSum articles of news.jsonl.gz (the
      ones with a human `summary`): the query is the first 4 content words, in order, of the first
      sentence of the summary; the article is the one right answer. Content word: a token with a
      letter, 2+ characters, not on Sastrawi's stop list. 500 articles are sampled with a fixed seed
      (SEED) from those whose first summary sentence has 4 content words.
  facqa/topics.tsv, facqa/qrels.txt                    all 3,117 FacQA questions
  facqa/topics-valid+test.tsv, qrels-valid+test.txt    622 questions, comparable with issue 5
  facqa/topics-train+valid.tsv, qrels-train+valid.txt  for tuning
  facqa/topics-test.tsv, qrels-test.txt                the held-out figure to report

The corpus each set is searched in is given by `corpus_paths()`: the summary and judged sets search
"news" (news.jsonl.gz); FacQA searches "news+facqa" (news.jsonl.gz plus the FacQA passages).
The data is never copied into the project: eval/out/ is ignored by git.
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = PROJECT.parent / "shared" / "data"
DEFAULT_OUT = PROJECT / "eval" / "out"
SEED = 20261125
SUMMARY_PAIRS = 500
QUERY_WORDS = 4

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“'(]?[A-Z0-9])")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


CORPORA = ("news", "news+facqa")


def corpus_paths(data: Path, corpus: str) -> list[Path]:
    """Return the files of a corpus: "news" (news.jsonl.gz) or "news+facqa" (plus the FacQA passages)."""
    if corpus not in CORPORA:
        raise ValueError(f"unknown corpus {corpus!r}: use one of {', '.join(CORPORA)}")
    news = data / "news.jsonl.gz"
    return [news, data / "facqa" / "docs.jsonl.gz"] if corpus == "news+facqa" else [news]


def first_sentence(text: str) -> str:
    """Return the first sentence of a text (split at . ! ? followed by a capital, digit or quote)."""
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0]


def content_words(text: str, stops: frozenset[str]) -> list[str]:
    """Return the words of `text` as written, in order, that are not stop words, numbers or single letters."""
    return [w for w in _WORD.findall(text)
            if len(w) > 1 and any(c.isalpha() for c in w) and w.lower() not in stops]


def sastrawi_stop_words() -> frozenset[str]:
    """Return Sastrawi's stop list."""
    from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

    return frozenset(StopWordRemoverFactory().get_stop_words())


def summary_pairs(news_path: Path, count: int = SUMMARY_PAIRS, seed: int = SEED) -> list[tuple[str, str, str]]:
    """Return (qid, query, article id) for `count` IndoSum articles sampled with `seed`."""
    stops = sastrawi_stop_words()
    candidates = []
    with gzip.open(news_path, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            summary = record.get("summary")
            if record.get("collection") != "indosum-dev" or not summary:
                continue
            words = content_words(first_sentence(summary), stops)
            if len(words) >= QUERY_WORDS:
                candidates.append((record["id"], " ".join(words[:QUERY_WORDS])))
    candidates.sort()
    chosen = random.Random(seed).sample(candidates, min(count, len(candidates)))
    chosen.sort()
    return [(f"sum-{n:03d}", query, doc_id) for n, (doc_id, query) in enumerate(chosen, start=1)]


def write_set(folder: Path, suffix: str, topics: list[tuple[str, str]], qrels: list[tuple[str, str, int]]) -> None:
    """Write topics-<suffix>.tsv and qrels-<suffix>.txt (topics.tsv / qrels.txt without a suffix)."""
    folder.mkdir(parents=True, exist_ok=True)
    tail = f"-{suffix}" if suffix else ""
    with open(folder / f"topics{tail}.tsv", "w", encoding="utf-8") as handle:
        for qid, text in topics:
            handle.write(f"{qid}\t{' '.join(text.split())}\n")
    with open(folder / f"qrels{tail}.txt", "w", encoding="utf-8") as handle:
        for qid, doc_id, relevance in qrels:
            handle.write(f"{qid} 0 {doc_id} {relevance}\n")


def build_summary_set(data: Path, out: Path) -> Path:
    """Write the summary known-item set; return its folder."""
    pairs = summary_pairs(data / "news.jsonl.gz")
    folder = out / "summary"
    write_set(folder, "", [(qid, query) for qid, query, _ in pairs], [(qid, doc, 1) for qid, _, doc in pairs])
    return folder


def build_facqa_sets(data: Path, out: Path) -> Path:
    """Write the FacQA topics and qrels, whole and per split group; return their folder."""
    source = data / "facqa"
    topics = []
    for line in (source / "queries.tsv").read_text(encoding="utf-8").splitlines():
        qid, _, text = line.partition("\t")
        if qid.strip():
            topics.append((qid.strip(), text))
    qrels = []
    for line in (source / "qrels.tsv").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 4:
            qrels.append((parts[0], parts[2], int(parts[3])))
    folder = out / "facqa"
    groups = {"": None, "valid+test": {"valid", "test"}, "train+valid": {"train", "valid"}, "test": {"test"}}
    for suffix, splits in groups.items():
        def keep(qid: str) -> bool:
            return splits is None or qid.split("-")[1] in splits
        write_set(folder, suffix, [t for t in topics if keep(t[0])], [q for q in qrels if keep(q[0])])
    return folder


def build_all(data: Path = DEFAULT_DATA, out: Path = DEFAULT_OUT) -> dict[str, Path]:
    """Build every generated set; return set name -> folder."""
    return {"summary": build_summary_set(data, out), "facqa": build_facqa_sets(data, out)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the development data folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the sets are written")
    args = parser.parse_args(argv)
    if not (args.data / "news.jsonl.gz").exists():
        print(f"data not found at {args.data}: skipping")
        return 0
    for name, folder in build_all(args.data, args.out).items():
        print(f"{name}: {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
