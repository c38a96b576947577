"""Word pairs the archive writes, for phrase completions: counted during a build, kept beside the index.

The index holds roots at positions, not the words as written, so "what follows 'menteri' starting
with 'keu'" cannot be read from it quickly ("keuangan" is indexed as "uang"). A build therefore
counts, per article, the adjacent word pairs of its title and lead (the first LEAD_WORDS words of
the body: news names its subject there, and counting whole articles took 5x the time for the same
top completions), lowercased as a reader types them, and keeps them in INDEX/phrases.sqlite.
Completing "kebakaran hu" is then one indexed range read: the pairs ("kebakaran", "hu...") by count.

Counts are articles holding the pair, added up over builds like the learned names; deleting or
updating articles does not take their pairs back out (a rebuild does), so a completion may rarely
name a phrase seen in fewer articles than it says.
"""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

PHRASES_FILE = "phrases.sqlite"
LEAD_WORDS = 60  # words of the body counted after the title
_LEAD_CHARS = LEAD_WORDS * 12  # enough text for LEAD_WORDS words (Indonesian words average ~7 letters)
# Pairs kept at most while counting (about 100 bytes each): 7,000 news articles give ~250,000;
# past this the pairs seen once are forgotten first (a pair completion needs two articles anyway).
MAX_PAIRS = 600_000
SINGLES_KEPT_BELOW = 1000  # articles in one build; see save()
WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")  # a word as typed: letters and digits, inner - and '


class PairCounter:
    """Counts, per adjacent word pair ("menteri keuangan"), the articles whose title or lead holds it."""

    def __init__(self, max_pairs: int | None = None):
        self.counts: Counter[str] = Counter()
        self.max_pairs = max_pairs or MAX_PAIRS
        self.articles = 0

    def observe(self, title: str, content: str) -> None:
        """Count the pairs of one article (each once per article)."""
        pairs = set()
        for words in (WORD.findall((title or "").lower()),
                      WORD.findall((content or "")[:_LEAD_CHARS].lower())[:LEAD_WORDS]):
            pairs.update(map(" ".join, zip(words, words[1:])))
        self.counts.update(pairs)
        self.articles += 1
        if len(self.counts) > self.max_pairs:
            self.prune()

    def prune(self) -> None:
        """Forget the rarest pairs until at most 3/4 of max_pairs remain."""
        target = self.max_pairs * 3 // 4
        rare = 1
        while len(self.counts) > target:
            for pair in [p for p, n in self.counts.items() if n <= rare][:len(self.counts) - target]:
                del self.counts[pair]
            rare *= 2


def save(index_dir: str | Path, counter: PairCounter, rebuild: bool) -> None:
    """Write the pairs counted by a build into INDEX/phrases.sqlite (added to the old counts unless rebuild).

    Written into a copy that replaces the table in one step: a crash leaves the old table whole.
    """
    index_dir = Path(index_dir)
    path = index_dir / PHRASES_FILE
    temporary = index_dir / (PHRASES_FILE + ".new")
    temporary.unlink(missing_ok=True)
    if path.exists() and not rebuild:
        shutil.copyfile(path, temporary)
    db = sqlite3.connect(temporary)
    try:
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("CREATE TABLE IF NOT EXISTS pairs (first TEXT NOT NULL, second TEXT NOT NULL, "
                   "articles INTEGER NOT NULL, PRIMARY KEY (first, second)) WITHOUT ROWID")
        # In key order: each row then lands at the end of the table's B-tree instead of at a random
        # page (about 10x faster for the news corpus's 250,000 pairs).
        # A build of SINGLES_KEPT_BELOW articles or more keeps only pairs seen twice: 4 in 5 of the
        # pairs are seen once, and in such an archive a completion needs two articles anyway
        # (spelling.MIN_COMPLETION_DF). Smaller builds, and so small batches added to an archive
        # over time, keep every pair, so that their counts can add up.
        least = 2 if counter.articles >= SINGLES_KEPT_BELOW else 1
        rows = sorted((*pair.split(" ", 1), n) for pair, n in counter.counts.items() if n >= least)
        db.executemany("INSERT INTO pairs VALUES (?, ?, ?) ON CONFLICT (first, second) "
                       "DO UPDATE SET articles = articles + excluded.articles", rows)
        db.commit()
    except BaseException:
        db.close()
        temporary.unlink(missing_ok=True)
        raise
    db.close()
    os.replace(temporary, path)


class PairTable:
    """Read access to an index's phrases.sqlite (absent for indexes built before it existed)."""

    def __init__(self, index_dir: str | Path):
        path = Path(index_dir) / PHRASES_FILE
        self._db = None
        if path.exists():
            try:
                self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
                self._db.execute("SELECT 1 FROM pairs LIMIT 1")
            except sqlite3.Error:  # damaged or half-written: completions fall back to single words
                self._db = None

    def __bool__(self) -> bool:
        return self._db is not None

    def following(self, first: str, start: str, limit: int, min_articles: int = 1) -> list[tuple[str, int]]:
        """Return up to `limit` (word, articles) written right after `first` and starting with `start`, most first.

        start "" gives the words most often written after `first`.
        """
        if self._db is None or not first:
            return []
        try:
            return self._db.execute(
                "SELECT second, articles FROM pairs WHERE first = ? AND second >= ? AND second < ? "
                "AND articles >= ? ORDER BY articles DESC, second LIMIT ?",
                (first, start, start + "\U0010ffff", min_articles, limit)).fetchall()
        except sqlite3.Error:
            return []

    def words_starting(self, start: str, limit: int) -> dict[str, int]:
        """Return {word: articles} for up to `limit` first words of pairs starting with `start`.

        Titles and leads, where a word opening a sentence ("Pemilu daerah ...") is still counted:
        the capitalisation counts behind spelling.SurfaceWords leave sentence starts out.
        """
        if self._db is None or len(start) < 2:
            return {}
        try:
            rows = self._db.execute(
                "SELECT first, SUM(articles) AS n FROM (SELECT first, articles FROM pairs WHERE first >= ? "
                "AND first < ? LIMIT 5000) GROUP BY first ORDER BY n DESC, first LIMIT ?",
                (start, start + "\U0010ffff", limit)).fetchall()
        except sqlite3.Error:
            return {}
        return dict(rows)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
