"""Outlets by name: how each outlet writes its own name, and which indexed outlet a typed name means.

The index keeps an outlet as the short lowercase key ingest makes of it ("cnn indonesia", "detik",
"kompas": from the record, the page's site name or the URL's host), because that key is what two
archives of one outlet share. People know outlets by the name the outlets give themselves
("CNN Indonesia", "detikcom", "Kompas.com"), so search shows that name and takes it, or any
unambiguous start of it, as a filter.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Iterable

# Outlet key -> the name the outlet uses for itself (its masthead or site name). Outlets missing
# here are shown with each word capitalised ("goal indonesia" -> "Goal Indonesia").
DISPLAY_NAMES = {
    "antaranews": "ANTARA News",
    "antara": "ANTARA News",
    "bisnis": "Bisnis.com",
    "cnbc indonesia": "CNBC Indonesia",
    "cnn indonesia": "CNN Indonesia",
    "dailysocial.id": "DailySocial.id",
    "detik": "detikcom",
    "goal indonesia": "Goal Indonesia",
    "idntimes": "IDN Times",
    "jawapos": "Jawa Pos",
    "jpnn": "JPNN.com",
    "juara.net": "Juara.net",
    "kapanlagi": "KapanLagi.com",
    "katadata": "Katadata",
    "kompas": "Kompas.com",
    "kontan": "Kontan",
    "kumparan": "kumparan",
    "liputan6": "Liputan6.com",
    "mediaindonesia": "Media Indonesia",
    "merdeka": "Merdeka.com",
    "okezone": "Okezone",
    "poskotanews": "Poskota News",
    "republika": "Republika",
    "rimanews": "Rimanews",
    "sindonews": "SINDOnews",
    "suara": "Suara.com",
    "tempo": "Tempo.co",
    "thejakartapost": "The Jakarta Post",
    "tirto": "Tirto.id",
    "tribunnews": "Tribunnews.com",
    "turnbackhoax": "TurnBackHoax",
    "viva": "VIVA.co.id",
}


def display_name(source: str | None) -> str | None:
    """Return the name an outlet uses for itself ("cnn indonesia" -> "CNN Indonesia"), None for none."""
    if not source:
        return None
    key = " ".join(source.lower().split())
    known = DISPLAY_NAMES.get(key)
    if known:
        return known
    return " ".join(word[:1].upper() + word[1:] for word in key.split())


def _folded(text: str) -> str:
    """Return text as compared with outlet names: lowercase, only letters and digits ("Kompas.com" -> "kompascom")."""
    return re.sub(r"[\W_]+", "", text.lower())


@dataclass(frozen=True)
class OutletHint:
    """An outlet filter that names no indexed outlet: what was typed, and the outlets it may mean."""

    value: str
    suggestions: tuple[str, ...]  # outlet keys, best first (empty when nothing is close)
    ambiguous: bool = False  # True when it starts several outlets' names (the suggestions)


def resolve(value: str, outlets: Iterable[str]) -> tuple[str, ...] | OutletHint:
    """Return the indexed outlet keys a typed outlet name means, or an OutletHint when it means none.

    Matched, in order: the key itself ("cnn indonesia"), the key or display name written any way
    ("CNN-Indonesia", "kompas.com", "detikcom"), the start of a key or display name when only one
    outlet has it ("cnn" -> "cnn indonesia"). A start shared by several outlets is ambiguous: the
    hint lists them, and nothing is guessed.
    """
    outlets = [o for o in outlets if o]
    typed = " ".join(value.lower().split())
    if typed in outlets:
        return (typed,)
    folded = _folded(typed)
    if not folded:
        return OutletHint(value, ())
    names = {o: (_folded(o), _folded(display_name(o) or o)) for o in outlets}
    exact = tuple(o for o, forms in names.items() if folded in forms)
    if exact:
        return exact
    starting = tuple(o for o, forms in names.items() if any(form.startswith(folded) for form in forms))
    if len(starting) == 1:
        return starting
    if starting:
        return OutletHint(value, tuple(sorted(starting)), ambiguous=True)
    return OutletHint(value, close_outlets(folded, names))


def close_outlets(folded: str, names: dict[str, tuple[str, ...]], limit: int = 3) -> tuple[str, ...]:
    """Return the outlets whose name, or its start, is spelt most like `folded` ("kompass" -> kompas,
    "cnnn" -> cnn indonesia), best first."""
    scored = []
    for outlet, forms in names.items():
        best = 0.0
        for form in forms:
            whole = difflib.SequenceMatcher(None, folded, form).ratio()
            start = difflib.SequenceMatcher(None, folded, form[:len(folded)]).ratio() if len(folded) >= 3 else 0.0
            best = max(best, whole, start - 0.05)  # a misspelt start ranks just below a misspelt whole name
        if best >= 0.7:
            scored.append((-best, outlet))
    return tuple(outlet for _, outlet in sorted(scored)[:limit])
