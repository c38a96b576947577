"""Template helpers that decide what may reach the page as markup: only our own <mark> highlights."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from web.i18n import date_label  # noqa: F401  (dates are written in the reader's language there)

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # chart axes (web.charts)
_MARK_TAG = re.compile(r"</?mark>")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def marked(fragment: str | None) -> Markup:
    """Return highlighter output as markup when its only tags are <mark>/</mark>, else escape it all.

    The search API promises HTML-safe snippets; this check keeps a bug there from becoming an
    injection here (the worst case is visible tags, never live ones)."""
    if not fragment:
        return Markup("")
    if "<" in _MARK_TAG.sub("", fragment):
        return escape(fragment)
    return Markup(fragment)


def paragraphs(text: str | None) -> list[str]:
    """Return the paragraphs of a cleaned article body (separated by blank lines)."""
    if not text:
        return []
    return [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]


def date_only(iso: str | None) -> str:
    """Return the YYYY-MM-DD part of an ISO date for <time datetime>."""
    return (iso or "")[:10]


def safe_url(url: str | None) -> str | None:
    """Return the URL when it is http(s), else None: archive URLs go into href, where escaping
    alone does not stop a javascript: link."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def reinterpreted(results) -> bool:
    """Return whether a search's results need "Showing results for ...": some words were relaxed,
    or a NEAR query (its distance perhaps capped) is best read back in words."""
    query = results.query
    notes = [getattr(part, "template", "") for part in getattr(query, "parts", ())]
    return bool(results.relaxed or " of each other)" in str(query)
                or any(note.startswith("({written} searched as") for note in notes))


def register(app) -> None:
    """Make the helpers available to templates as filters."""
    app.add_template_filter(marked)
    app.add_template_filter(paragraphs)
    app.add_template_filter(date_only)
    app.add_template_filter(safe_url)
    app.add_template_filter(reinterpreted)
