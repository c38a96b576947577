"""The Article record, and turning raw input rows into Articles (ids, dates, sources, cleaned text)."""
from __future__ import annotations

import hashlib
import re
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


_KNOWN_FIELDS = frozenset(alias for aliases in FIELD_ALIASES.values() for alias in aliases)


def _pick_lowered(lowered: Mapping[str, Any], name: str) -> Any:
    """Return the value of the first alias of `name` that a record (keys lowercased once) carries, or None."""
    for alias in FIELD_ALIASES[name]:
        value = lowered.get(alias)
        if value is not None and str(value).strip() != "":
            return value
    return None


# Second-level labels under a country domain ("co.id", "go.id", "or.id", "co.uk") and generic top-level ones.
_GENERIC_LABELS = frozenset("com co go or ac net org web sch mil biz my ponpes desa info news tv".split())
_SOCIAL_SITES = frozenset("facebook twitter x instagram youtube tiktok linkedin t".split())
_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.", "www2.")
# Query parameters that only track a visit; the same article with or without them is one article.
_TRACKING_PARAMS = re.compile(r"^(?:utm_\w*|fbclid|gclid|ref|source|amp|page|single|i|_ga|mc_cid|mc_eid)$", re.IGNORECASE)


def _host_labels(url: str | None) -> list[str]:
    """Return the lowercase labels of a URL's host name ("news.detik.com" -> ["news", "detik", "com"])."""
    if not url:
        return []
    try:
        host = urlsplit(url.strip() if "//" in url else "//" + url.strip()).hostname or ""
    except ValueError:
        return []
    return [p for p in host.lower().split(".") if p]


def source_from_url(url: str | None) -> str | None:
    """Return the outlet name a URL belongs to ("https://news.detik.com/x" -> "detik")."""
    parts = _host_labels(url)
    if not parts or all(p.isdigit() for p in parts):
        return None
    if len(parts) > 1 and len(parts[-1]) == 2:  # country code: "id", "co", "uk"
        parts.pop()
    if len(parts) > 1 and parts[-1] in _GENERIC_LABELS:
        parts.pop()
    return parts[-1] if parts[-1] != "www" else None


_NOT_SECTIONS = frozenset("www www2 m amp mobile web en id static cdn img beta".split())


def category_from_url(url: str | None) -> str | None:
    """Return the section a URL's subdomain names ("https://regional.kompas.com/x" -> "regional"), or None."""
    labels = _host_labels(url)
    outlet = source_from_url(url)
    if outlet not in labels:
        return None
    subdomains = labels[: labels.index(outlet)]
    if len(subdomains) != 1 or subdomains[0] in _NOT_SECTIONS or not subdomains[0].isalpha():
        return None
    return subdomains[0]


def source_from_site_name(name: str | None) -> str | None:
    """Return an outlet name from a page's site name ("KapanLagi.com" -> "kapanlagi", "Antara News" -> "antaranews")."""
    if not name or not str(name).strip():
        return None
    name = str(name).strip()
    if "/" in name or re.search(r"\.[a-z]{2,3}\b", name.lower()):
        from_url = source_from_url(name.split()[0])
        if from_url in _SOCIAL_SITES:
            return None  # some pages name their Facebook page as the site: no outlet to learn from it
        if from_url:
            return from_url
    words = re.findall(r"[a-z0-9]+", name.lower())
    words = [w for w in words if w not in {"online", "agency", "com", "co", "id", "official", "portal", "berita", "situs"}]
    return "".join(words) or None


def normalise_url(url: str) -> str:
    """Return the form of a URL that two copies of one article share: no scheme, www/m., fragment or tracking."""
    url = url.strip()
    try:
        parts = urlsplit(url if "//" in url else "//" + url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return " ".join(url.lower().split())
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix):]
            break
    path = parts.path.rstrip("/")
    if path.endswith("/amp"):
        path = path[: -len("/amp")]
    query = "&".join(sorted(q for q in parts.query.split("&") if q and not _TRACKING_PARAMS.match(q.split("=")[0])))
    return host + path + ("?" + query if query else "")


def stable_id(given: Any, url: str | None, title: str, content: str) -> str:
    """Return the id an article keeps across re-indexing: given id, else from the URL, else from the text."""
    if given is not None and str(given).strip():
        return str(given).strip()
    if url and url.strip():
        key = normalise_url(url)
        return "u-" + hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()
    text = " ".join((title + " " + content).lower().split())
    return "c-" + hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


_PAGE_SUFFIX = re.compile(r"\.(?:html?|php|aspx?)$")
_SLUG_SEPARATORS = re.compile(r"[-_.+]+")
_HASH_SUFFIX = re.compile(r"[a-f0-9]{5,8}")
_LETTER = re.compile(r"[a-zA-Z]")


def title_from_url(url: str | None) -> str | None:
    """Return headline words from a URL slug ("/2017/09/06/181222/bocor-james-bond-nikah" -> "Bocor james bond nikah")."""
    if not url:
        return None
    try:
        path = urlsplit(url if "//" in url else "//" + url).path
    except ValueError:
        return None
    for segment in reversed([s for s in path.split("/") if s]):
        segment = _PAGE_SUFFIX.sub("", segment)
        words = [w for w in _SLUG_SEPARATORS.split(segment) if w]
        if words and _HASH_SUFFIX.fullmatch(words[-1]) and not words[-1].isalpha():
            words.pop()  # kapanlagi-style hash suffix "-82f43b"
        if words and words[-1].isdigit() and len(words[-1]) >= 5:
            words.pop()  # liputan6-style article number suffix
        while words and words[0].isdigit() and len(words[0]) >= 5:
            words.pop(0)  # juara.net-style article number prefix ("173280-kebutuhan-untuk-relawan")
        if len(words) >= 3 and sum(1 for w in words if _LETTER.search(w)) >= 3:
            text = " ".join(words)
            return text[:1].upper() + text[1:]
    return None


def to_article(record: Mapping[str, Any]) -> Article:
    """Turn one raw input row into a cleaned Article; raise RejectedRecord saying why it cannot be."""
    if not isinstance(record, Mapping):
        raise RejectedRecord(f"expected an object with fields, got {type(record).__name__}")
    lowered = {str(k).strip().lower(): v for k, v in record.items()}  # once: column names in any case
    raw_content = _pick_lowered(lowered, "content")
    if raw_content is None:
        raise RejectedRecord("no article text: none of the fields " + ", ".join(FIELD_ALIASES["content"])
                             + " is present and non-empty; add the text or map its column to one of these names")
    if isinstance(raw_content, (list, tuple)):
        raw_content = "\n\n".join(str(part) for part in raw_content if part is not None)
    content = clean_text(str(raw_content))
    if not content.strip():
        raise RejectedRecord("article text is empty after removing page furniture (only menus, links or credits were left)")
    extra = {k: v for k, v in record.items() if str(k).strip().lower() not in _KNOWN_FIELDS}
    url = _text_or_none(_pick_lowered(lowered, "url"))
    title = clean_title(str(_pick_lowered(lowered, "title") or ""))
    if not title:
        title = title_from_url(url) or _first_words(content)
        extra["title_derived"] = True  # shown as-is, but it is ours, not the outlet's
    source = _text_or_none(_pick_lowered(lowered, "source"))
    source = " ".join(source.lower().split()) if source else source_from_url(url)
    category = _text_or_none(_pick_lowered(lowered, "category"))
    category = " ".join(category.lower().split()) if category else category_from_url(url)
    raw_date = _pick_lowered(lowered, "date")
    date = parse_date(raw_date)
    if date is None and raw_date is not None:
        extra["date_unparsed"] = str(raw_date)[:100]  # kept so the user can see what we could not read
    return Article(
        id=stable_id(_pick_lowered(lowered, "id"), url, title, content),
        title=title,
        content=content,
        url=url,
        date=date,
        source=source,
        category=category,
        extra=extra,
    )


def _text_or_none(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _first_words(content: str, limit: int = 12) -> str:
    """Return the opening words of an article, for a title when it has none."""
    first = content.split("\n", 1)[0]
    words = first.split()
    return " ".join(words[:limit]) + (" …" if len(words) > limit else "")
