"""The Article record, and turning raw input rows into Articles (ids, dates, sources, cleaned text)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping
from urllib.parse import urlsplit

from search.errors import RejectedRecord
from search.ingest.clean import clean_text, clean_title
from search.ingest.dates import parse_date


@dataclass(frozen=True)
class Article:
    """One cleaned news article, ready to index."""

    id: str
    title: str
    content: str  # cleaned body, paragraphs separated by a blank line
    url: str | None = None
    date: datetime | None = None  # timezone-aware
    source: str | None = None  # outlet, lowercase ("kompas", "detik")
    category: str | None = None
    extra: dict = field(default_factory=dict, compare=False)  # anything else the input carried

    @property
    def content_hash(self) -> str:
        """Hash of the normalised text: two articles with the same hash are exact duplicates."""
        text = " ".join((self.title + " " + self.content).lower().split())
        return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


# Input column names we understand, per Article field; the first present non-empty one wins.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "doc_id", "docid", "article_id", "guid"),
    "title": ("title", "judul", "headline", "judul_berita", "heading"),
    "content": ("content", "isi", "text", "body", "isi_berita", "konten", "artikel", "article", "berita", "teks"),
    "url": ("url", "tautan", "link", "source_url", "permalink", "href"),
    "date": ("date", "tanggal", "published", "published_at", "datetime", "waktu", "tgl", "pubdate", "date_published", "timestamp"),
    "source": ("source", "sumber", "outlet", "media", "publisher", "site", "portal"),
    "category": ("category", "kategori", "rubrik", "section", "kanal", "topic", "topik"),
}


def pick(record: Mapping[str, Any], name: str) -> Any:
    """Return the value of the first alias of `name` that the record carries, or None."""
    lowered = {str(k).strip().lower(): v for k, v in record.items()}
    for alias in FIELD_ALIASES[name]:
        value = lowered.get(alias)
        if value is not None and str(value).strip() != "":
            return value
    return None


def source_from_url(url: str | None) -> str | None:
    """Return the outlet name a URL belongs to ("https://news.detik.com/x" -> "detik")."""
    if not url:
        return None
    host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    parts = [p for p in host.lower().split(".") if p and p != "www"]
    if not parts:
        return None
    # Drop the public suffix (.com, .co.id, .go.id ...) and keep the registrable name.
    suffixes = {"com", "co", "id", "net", "org", "go", "or", "ac", "web", "my", "tv", "news", "info"}
    while len(parts) > 1 and parts[-1] in suffixes:
        parts.pop()
    return parts[-1]


def stable_id(given: Any, url: str | None, title: str, content: str) -> str:
    """Return the id an article keeps across re-indexing: given id, else from the URL, else from the text."""
    if given is not None and str(given).strip():
        return str(given).strip()
    if url:
        key = url.strip().split("#")[0].rstrip("/").lower()
        key = key.split("://", 1)[-1].removeprefix("www.")
        return "u-" + hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()
    text = " ".join((title + " " + content).lower().split())
    return "c-" + hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def to_article(record: Mapping[str, Any]) -> Article:
    """Turn one raw input row into a cleaned Article; raise RejectedRecord saying why it cannot be."""
    if not isinstance(record, Mapping):
        raise RejectedRecord(f"expected an object with fields, got {type(record).__name__}")
    raw_content = pick(record, "content")
    if raw_content is None:
        raise RejectedRecord("no article text: none of the fields " + ", ".join(FIELD_ALIASES["content"]) + " is present and non-empty")
    content = clean_text(str(raw_content))
    title = clean_title(str(pick(record, "title") or ""))
    if not content.strip():
        raise RejectedRecord("article text is empty after removing page furniture")
    url = pick(record, "url")
    url = str(url).strip() if url is not None else None
    source = pick(record, "source")
    source = str(source).strip().lower() if source is not None else source_from_url(url)
    category = pick(record, "category")
    category = str(category).strip().lower() if category is not None else None
    date = parse_date(pick(record, "date"))
    known = {alias for aliases in FIELD_ALIASES.values() for alias in aliases}
    extra = {k: v for k, v in record.items() if str(k).strip().lower() not in known}
    return Article(
        id=stable_id(pick(record, "id"), url, title, content),
        title=title,
        content=content,
        url=url,
        date=date,
        source=source,
        category=category,
        extra=extra,
    )
