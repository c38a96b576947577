"""Building and updating the index; reports what it did with every input record."""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

from whoosh import index as whoosh_index

from search.documents import Article, to_article
from search.errors import RejectedRecord
from search.ingest import Rejection, read_inputs
from search.schema import SCHEMA_VERSION, build_schema

META_FILE = "warta.json"


@dataclass
class BuildSummary:
    """What a build did with every record it read."""

    read: int = 0
    indexed: int = 0
    updated: int = 0
    duplicates: int = 0
    rejected: int = 0
    rejects_file: str | None = None
    seconds: float = 0.0
    reasons: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def article_fields(article: Article) -> dict:
    """Return the Whoosh document of an article."""
    doc = {
        "id": article.id,
        "url": article.url,
        "title": article.title,
        "content": article.content,
        "content_hash": article.content_hash,
        "cluster": article.id,
    }
    if article.source:
        doc["source"] = article.source
    if article.category:
        doc["category"] = article.category
    if article.date:
        doc["date"] = article.date.replace(tzinfo=None) if article.date.utcoffset() is None else article.date
        doc["year"] = f"{article.date.year:04d}"
        doc["month"] = f"{article.date.year:04d}-{article.date.month:02d}"
    return doc


def open_or_create(index_dir: str | Path):
    """Return the Whoosh index at index_dir, creating it (and its meta file) when absent."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    if whoosh_index.exists_in(index_dir):
        return whoosh_index.open_dir(index_dir)
    ix = whoosh_index.create_in(index_dir, build_schema())
    (index_dir / META_FILE).write_text(json.dumps({"schema_version": SCHEMA_VERSION}), encoding="utf-8")
    return ix


def build(paths: Iterable[str | Path], index_dir: str | Path, rejects_path: str | Path | None = None) -> BuildSummary:
    """Index every record of `paths` into index_dir and return what happened to each."""
    import time

    started = time.perf_counter()
    summary = BuildSummary()
    ix = open_or_create(index_dir)
    rejects_path = Path(rejects_path) if rejects_path else Path(index_dir) / "rejects.jsonl"
    rejects = None
    writer = ix.writer(limitmb=256)
    try:
        for item in read_inputs(paths):
            summary.read += 1
            if isinstance(item, Rejection):
                reason, origin, raw = item.reason, item.origin, item.raw
            else:
                try:
                    article = to_article(item.fields)
                except RejectedRecord as exc:
                    reason, origin, raw = str(exc), item.origin, None
                else:
                    writer.update_document(**article_fields(article))
                    summary.indexed += 1
                    continue
            summary.rejected += 1
            summary.reasons[reason] = summary.reasons.get(reason, 0) + 1
            if rejects is None:
                rejects = open(rejects_path, "w", encoding="utf-8")
            rejects.write(json.dumps({"origin": origin, "reason": reason, "raw": raw}, ensure_ascii=False) + "\n")
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    finally:
        if rejects is not None:
            rejects.close()
            summary.rejects_file = str(rejects_path)
    summary.seconds = time.perf_counter() - started
    return summary
