"""How to cite an archived article: a reference line and a BibTeX entry.

The reference names what a reader needs to find the article again: the outlet, the publication
date, the title, the original URL, and the archive's own URL (the original may go away; the archive
copy is what was read). BibTeX is an @online entry (biblatex; BibTeX styles read it as @misc),
with every special character escaped so that titles like "Rp 5% & Co_" compile.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from search.results import ArticleRecord, Citation

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "$": r"\$",
                   "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_BIBTEX_PATTERN = re.compile("|".join(re.escape(c) for c in _BIBTEX_SPECIAL))


def _when(iso: str | None) -> datetime | None:
    if not iso:
        return None
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        return None


def _long_date(moment: datetime) -> str:
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def _outlet(record: ArticleRecord) -> str:
    return record.source or "Unknown outlet"


def _title(record: ArticleRecord) -> str:
    if record.title:
        return " ".join(record.title.split())
    words = (record.content or "").split()[:12]  # untitled archives: the opening words stand in
    return (" ".join(words) + " …") if words else "(untitled)"


def reference(record: ArticleRecord, archive_url: str | None = None, retrieved: str | None = None) -> str:
    """Return a one-line reference: Outlet (date). "Title". Original URL. Archived at URL."""
    published = _when(record.date)
    parts = [f"{_outlet(record)} ({_long_date(published) if published else 'undated'}).", f"\u201c{_title(record)}\u201d."]
    if record.url:
        parts.append(f"{record.url}.")
    if archive_url:
        parts.append(f"Archived copy: {archive_url}.")
    when = _when(retrieved)
    if when:
        parts.append(f"Retrieved {_long_date(when)}.")
    return " ".join(parts)


def bibtex_escape(text: str) -> str:
    """Return text with BibTeX's special characters escaped (braces, %, &, $, #, _, ~, ^, backslash)."""
    return _BIBTEX_PATTERN.sub(lambda m: _BIBTEX_SPECIAL[m.group()], " ".join(text.split()))


def bibtex_key(record: ArticleRecord) -> str:
    """Return a citation key such as kompas2017kebakaran (ASCII letters and digits only)."""
    published = _when(record.date)
    first = next((w for w in re.split(r"\W+", _ascii(_title(record)).lower()) if len(w) > 2), "")
    key = _ascii(_outlet(record)).lower() + (str(published.year) if published else "") + first
    key = re.sub(r"[^a-z0-9]", "", key)
    return key or "article"


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def bibtex(record: ArticleRecord, archive_url: str | None = None, retrieved: str | None = None) -> str:
    """Return a BibTeX @online entry for the article."""
    published = _when(record.date)
    fields = [("title", "{" + bibtex_escape(_title(record)) + "}"),  # double braces keep its capitals
              ("author", "{" + bibtex_escape(_outlet(record)) + "}"),  # a corporate author: no name splitting
              ("organization", bibtex_escape(_outlet(record)))]
    if published:
        fields += [("date", published.date().isoformat()), ("year", str(published.year))]
    if record.url:
        fields.append(("url", record.url.replace("{", "%7B").replace("}", "%7D")))
    when = _when(retrieved)
    if when:
        fields.append(("urldate", when.date().isoformat()))
    if archive_url:
        fields.append(("note", "Archived copy: \\url{" + archive_url.replace("{", "%7B").replace("}", "%7D") + "}"))
    fields.append(("langid", "indonesian"))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@online{{{bibtex_key(record)},\n{body}\n}}\n"


def citation(record: ArticleRecord, archive_url: str | None = None, retrieved: str | None = None) -> Citation:
    """Return the reference line and BibTeX entry of an article."""
    return Citation(text=reference(record, archive_url, retrieved), bibtex=bibtex(record, archive_url, retrieved))
