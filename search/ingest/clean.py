"""Cleaning of scraped article text: page furniture out, repeated paragraphs out, spacing normalised."""
from __future__ import annotations

import re

# Whole lines that are page furniture, never article text.
_FURNITURE = re.compile(
    r"^\s*(loading\.*|a\s*a\s*a|scroll to continue with content|advertisement|iklan|"
    r"baca juga\s*:.*|lihat juga\s*:.*|simak juga\s*:.*|baca selengkapnya.*)\s*$",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[ \t\u00a0]+")
_DASHES = re.compile(r"\s+-\s+-\s+")


def clean_text(text: str) -> str:
    """Return the article body without furniture lines and repeated paragraphs, spacing normalised."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs: list[str] = []
    seen: set[str] = set()
    for block in re.split(r"\n\s*\n|\n", text):
        line = _DASHES.sub(" - ", _SPACES.sub(" ", block)).strip()
        if not line or _FURNITURE.match(line):
            continue
        key = line.lower()
        if key in seen:
            continue
        seen.add(key)
        paragraphs.append(line)
    return "\n\n".join(paragraphs)


def clean_title(title: str) -> str:
    """Return a one-line title with normalised spacing."""
    return _SPACES.sub(" ", title.replace("\n", " ")).strip()
