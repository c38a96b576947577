"""Saved article pages: main text and metadata extracted with trafilatura, then tidied for news pages."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from search.documents import source_from_site_name, source_from_url
from search.ingest.clean import is_furniture
from search.ingest.dates import parse_date
from search.ingest.encoding import cut_short, cut_short_reason, open_binary
from search.ingest.limits import over_cap, read_capped
from search.ingest.records import RawRecord, Rejection, preview

# Page parts that are never the article: related/popular lists, share bars, comments, breadcrumbs.
# Matched on whole class/id tokens: layout classes such as "col-lg-8 sosmed" may wrap the article itself.
_PRUNED_TOKENS = (
    "related", "related-news", "related-articles", "berita-terkait", "terkait", "populer", "popular", "terpopuler",
    "most-popular", "share", "share-box", "social-share", "sharebar", "share-buttons", "breadcrumb", "breadcrumbs",
    "baca-juga", "bacajuga", "newsletter", "comments", "comment-list", "disqus_thread", "advertisement", "iklan",
)
_PRUNE_XPATH = [
    "//*[" + " or ".join(
        f"contains(concat(' ', normalize-space(@{attribute}), ' '), ' {token} ')"
        for token in _PRUNED_TOKENS for attribute in ("class", "id")
    ) + "]"
]
# Meta tags that carry the publication time with its hour, most specific first.
_DATE_META = (
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate", "publish_date",
    "publish-date", "dc.date.issued", "dc.date", "date", "content_publishedtime", "dtk:publishdate",
    "article:modified_time", "datemodified", "datecreated",
)
# A tag ends at the next "<" as well as at ">": an unclosed "<meta" then stops there instead of scanning
# on to the end of the head for every one of them (quadratic on crafted pages). An attribute name
# starts only where no name character precedes it, and every run is possessive, so a run of name
# characters is tried once, not once per position in it.
_META_TAG = re.compile(r"<meta\b[^<>]*+>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""(?<![\w:.-])([\w:.-]++)\s*+=\s*+(?:"([^"]*+)"|'([^']*+)'|([^\s>]++))""")
_SECTION_META = ("article:section", "og:section", "section", "kanal", "category", "dtk:kanal")
_WIDGET_TEXT = re.compile(r"\d+\s*shares?\b|facebook\s+twitter|copy link|load more|lihat semua|berlangganan|subscribe",
                          re.IGNORECASE)
_MIN_TEXT_CHARS = 200  # less than this from the precise extraction: try the more generous one
_TITLE_LOOKAHEAD_LINES = 15


def read_html_file(path: Path) -> Iterator[RawRecord | Rejection]:
    """Yield the article of a saved HTML page, or a rejection when the page has no article text."""
    with open_binary(path) as handle:
        html, size = read_capped(handle)
        cut = cut_short(handle)
    if size is not None:
        yield Rejection(str(path), over_cap("page", size))
        return
    if cut is not None:
        yield Rejection(str(path), cut_short_reason(cut) + " (the page is incomplete)", preview(html))
        return
    fields = extract_article(html)
    if fields is None:
        yield Rejection(str(path), "no article text found in the page (a list, index or empty page?)")
        return
    yield RawRecord(str(path), fields)


def extract_article(html: bytes | str, url: str | None = None, fallback_date: str | None = None) -> dict | None:
    """Return the article fields of an HTML page (title, content, date, url, source, category), or None."""
    import trafilatura

    if not html or not (html.strip() if isinstance(html, str) else html.strip()):
        return None
    document = _extract(trafilatura, html, url, favor_precision=True)
    head = html[:200_000] if isinstance(html, str) else html[:200_000].decode("utf-8", "replace")
    metas = _meta_tags(head)
    text = document.text if document is not None else ""
    if len(text or "") < _MIN_TEXT_CHARS:
        # Photo and video pages have little prose: a generous extraction, unless it swept up the page's
        # widgets, else the page's own summary.
        generous = _extract(trafilatura, html, url, favor_precision=False)
        generous_text = generous.text if generous is not None else ""
        summary = metas.get("og:description") or metas.get("description") or ""
        if generous_text and len(generous_text) > len(text or "") and not _WIDGET_TEXT.search(generous_text):
            document, text = generous, generous_text
        elif len(summary) > len(text or ""):
            document = document or generous
            text = summary
    if document is None or not (text or "").strip():
        return None
    page_url = document.url or url
    title = strip_site_name(document.title or "", document.sitename, page_url)
    content = _trim_edges(_drop_before_headline(text, title))
    if not content.strip():
        return None
    fields: dict = {
        "title": title,
        "content": content,
        "url": page_url,
        "date": _publication_date(metas, document.date, text, title) or _date_in_page(html) or fallback_date,
        "source": source_from_url(page_url) or source_from_site_name(document.sitename),
        "category": _category(metas, document.categories),
    }
    if document.author:
        fields["author"] = document.author
    if document.sitename:
        fields["site_name"] = document.sitename
    if fallback_date and fields["date"] is fallback_date:
        fields["date_is_crawl_time"] = True  # the page did not say when it was published
    return {k: v for k, v in fields.items() if v not in (None, "", [])}


def _extract(trafilatura, html, url, favor_precision: bool):
    try:
        return trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_images=False,
            include_links=False, favor_precision=favor_precision, prune_xpath=_PRUNE_XPATH,
            # No guessing from copyright years or "latest" lists: a missing date beats a wrong one.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception:  # trafilatura raises assorted parser errors on broken markup: treat as no article
        return None


def _meta_tags(head: str) -> dict[str, str]:
    """Return the page's meta tags as {name or property (lowercase): content}, first one winning."""
    metas: dict[str, str] = {}
    for tag in _META_TAG.findall(head):
        attributes = {m.group(1).lower(): (m.group(2) or m.group(3) or m.group(4) or "") for m in _ATTRIBUTE.finditer(tag)}
        content = attributes.get("content", "").strip()
        if not content:
            continue
        for key in ("property", "name", "itemprop"):
            name = attributes.get(key, "").strip().lower()
            if name and name not in metas:
                metas[name] = content
    return metas


def _published(metas: dict[str, str]) -> str | None:
    """Return the publication time from the page's meta tags when one of them parses, else None."""
    for name in _DATE_META:
        value = metas.get(name)
        if value and parse_date(value) is not None:
            return value
    return None


def _publication_date(metas: dict[str, str], extracted: str | None, text: str, title: str) -> str | None:
    """Return the page's publication date: from its meta tags, else trafilatura's; a bare day gets the byline's time."""
    date = _published(metas) or extracted
    if date and len(date.strip()) <= len("2017-03-02"):
        return _with_byline_time(date, text, title)
    return date


def _with_byline_time(day: str | None, text: str, title: str) -> str | None:
    """Return `day` with the time of publication when the byline next to the headline gives it on that day."""
    parsed_day = parse_date(day) if day else None
    if parsed_day is None or not title:
        return day
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    target = _squash(title)
    for i, line in enumerate(lines[:_TITLE_LOOKAHEAD_LINES]):
        if _squash(line) != target:
            continue
        for near in lines[max(0, i - 2): i + 4]:  # the byline sits just above or below the headline
            if len(near) > 80:
                continue
            stamp = parse_date(near)
            if stamp and stamp.date() == parsed_day.date() and (stamp.hour, stamp.minute) != (0, 0):
                return near
        break
    return day


def _date_in_page(html: bytes | str) -> str | None:
    """Return a date the page shows in its text (htmldate's wider search), unless it is only a copyright year."""
    try:
        from htmldate import find_date

        found = find_date(html, extensive_search=True, original_date=True)
    except Exception:  # htmldate fails in assorted ways on broken markup: no date then
        return None
    if not found or found.endswith("-01-01"):
        return None  # 1 January is what a bare "© 2017" turns into; too likely to be wrong
    return found


def _category(metas: dict[str, str], categories: list[str] | None) -> str | None:
    for name in _SECTION_META:
        if metas.get(name):
            return metas[name]
    return categories[0] if categories else None


def strip_site_name(title: str, site_name: str | None, url: str | None) -> str:
    """Return a page title without the outlet's name glued to it ("X - Kompas.com", "KapanLagi.com: X")."""
    title = " ".join(title.split())
    names = {n for n in (_squash(site_name), _squash(source_from_url(url)), _squash(source_from_site_name(site_name))) if n}
    if not names:
        return title
    for separator in (" | ", " - ", " – ", " — ", ": ", " :: "):
        if separator not in title:
            continue
        head, _, tail = title.rpartition(separator)
        if head and any(name in _squash(tail) for name in names):
            return head.strip()
        first, _, rest = title.partition(separator)
        if rest and any(name in _squash(first) for name in names) and len(first) <= 40:
            return rest.strip()
    return title


def _squash(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower()) if text else ""


def _drop_before_headline(text: str, title: str) -> str:
    """Return the text from after the headline when the headline repeats near the top (menus come before it)."""
    if not title:
        return text
    lines = text.split("\n")
    target = _squash(title)
    for i, line in enumerate(lines[:_TITLE_LOOKAHEAD_LINES]):
        if _squash(line) == target:
            return "\n".join(lines[i + 1:])
    return text


_SHORT_EDGE_WORDS = 4


def _trim_edges(text: str) -> str:
    """Return the text without short non-sentence lines at its ends (widget labels, a reporter's name in capitals)."""
    lines = [line for line in text.split("\n") if line.strip()]

    def is_label(line: str) -> bool:
        words = line.split()
        return len(words) <= _SHORT_EDGE_WORDS and not line.rstrip().endswith((".", "!", "?", '"', "”", ":"))

    while lines and (is_label(lines[-1]) or is_furniture(lines[-1].strip())):
        lines.pop()
    while lines and (is_label(lines[0]) or is_furniture(lines[0].strip())):
        lines.pop(0)
    return "\n".join(lines)
