"""Check an export's analysis chain with real Lucene: the terms it makes against Warta's own.

The chain is read from template.json and built with Lucene's classes (WartaChain.java, compiled
here with the JDK's javac against Debian's liblucene8-java jars); texts go through it and through
Warta's analyzer, and every token position is compared. Used by the slow test and by
bench/opensearch_agreement.py; needs `javac` and the jars (ensure_lucene installs them with apt-get
when run as root).
"""
from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Iterable

from search.opensearch import chain

JAR_FOLDER = Path("/usr/share/java")
JARS = ("lucene-core", "lucene-analyzers-common")
DEBIAN_PACKAGES = ("liblucene8-java", "default-jdk-headless")


class LuceneUnavailable(RuntimeError):
    """Lucene's jars or a JDK are missing and could not be installed."""


def lucene_jars() -> list[Path]:
    """Return the Lucene jars the chain needs, or raise LuceneUnavailable."""
    try:  # the Lucene baseline's search (WARTA_LUCENE_JARS, then Debian's folder) when it is there
        from search.lucene_baseline import LuceneMissing, lucene_classpath
    except ImportError:
        pass
    else:
        try:
            return lucene_classpath()
        except LuceneMissing as exc:
            raise LuceneUnavailable(str(exc)) from None
    found = []
    for name in JARS:
        candidates = sorted(glob.glob(str(JAR_FOLDER / f"{name}.jar"))) or sorted(
            glob.glob(str(JAR_FOLDER / f"{name}-[0-9]*.jar")))
        if not candidates:
            raise LuceneUnavailable(f"No {name} jar in {JAR_FOLDER}: apt-get install {' '.join(DEBIAN_PACKAGES)}")
        found.append(Path(candidates[-1]))
    return found


def ensure_lucene(install: bool = True) -> list[Path]:
    """Return Lucene's jars, installing Debian's liblucene8-java and a JDK first if they are missing."""
    try:
        jars = lucene_jars()
        if shutil.which("javac") and shutil.which("java"):
            return jars
    except LuceneUnavailable:
        if not install:
            raise
    if not install or os.geteuid() != 0 or not shutil.which("apt-get"):
        raise LuceneUnavailable("Lucene or a JDK is missing; as root: apt-get install " + " ".join(DEBIAN_PACKAGES))
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *DEBIAN_PACKAGES]):
        # dpkg may be locked by another install for a while: apt waits for the lock this long.
        done = subprocess.run([*command[:1], "-o", "DPkg::Lock::Timeout=600", *command[1:]], env=env,
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise LuceneUnavailable(f"{' '.join(command)} failed: {done.stderr.strip()[-500:]}")
    if not (shutil.which("javac") and shutil.which("java")):
        raise LuceneUnavailable("a JDK was installed but javac is not on PATH")
    return lucene_jars()


# WordDelimiterGraphFilter's flags, with OpenSearch's defaults for each setting.
_DELIMITER_FLAGS = (("generate_word_parts", 1, True), ("generate_number_parts", 2, True),
                    ("catenate_words", 4, False), ("catenate_numbers", 8, False), ("catenate_all", 16, False),
                    ("preserve_original", 32, False), ("split_on_case_change", 64, True),
                    ("split_on_numerics", 128, True), ("stem_english_possessive", 256, True),
                    ("ignore_keywords", 512, False))


def _delimiter_flags(definition: dict) -> int:
    return sum(flag for name, flag, default in _DELIMITER_FLAGS if definition.get(name, default))


class LuceneChain:
    """The `warta` analyzer of an export's template.json, built with Lucene in a Java process."""

    def __init__(self, export_dir: str | Path, workdir: str | Path, analyzer: str = chain.ANALYZER,
                 jars: list[Path] | None = None):
        self.export_dir, self.workdir = Path(export_dir), Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.jars = jars or lucene_jars()
        self.classpath = os.pathsep.join([*map(str, self.jars), str(self.workdir)])
        source = resources.files("search.opensearch").joinpath("lucene/WartaChain.java").read_text(encoding="utf-8")
        (self.workdir / "WartaChain.java").write_text(source, encoding="utf-8")
        compiled = subprocess.run(["javac", "-nowarn", "-cp", self.classpath, "-d", str(self.workdir),
                                   str(self.workdir / "WartaChain.java")], capture_output=True, text=True)
        if compiled.returncode != 0:
            raise LuceneUnavailable(f"javac failed: {compiled.stderr.strip()[-1000:]}")
        self.spec = self.workdir / "chain.tsv"
        self.spec.write_text(self._spec_lines(analyzer), encoding="utf-8")

    def _spec_lines(self, analyzer_name: str) -> str:
        """Return the chain file of WartaChain.java for one analyzer of template.json."""
        template = json.loads((self.export_dir / "template.json").read_text(encoding="utf-8"))
        analysis = template["template"]["settings"]["analysis"]
        analyzer = analysis["analyzer"][analyzer_name]
        if analyzer.get("type") != "custom":
            raise ValueError(f"analyzer {analyzer_name} is not a custom chain")
        lines = []
        for name in analyzer.get("char_filter", []):
            definition = analysis["char_filter"][name]
            if definition["type"] != "mapping":
                raise ValueError(f"char filter type {definition['type']} is not built here")
            lines.append(["charfilter", "mapping", self._list_file(name, definition, "mappings", "mappings_path")])
        tokenizer = analysis["tokenizer"][analyzer["tokenizer"]]
        if tokenizer["type"] != "pattern" or tokenizer.get("flags"):
            raise ValueError(f"tokenizer {tokenizer} is not built here")
        lines.append(["tokenizer", "pattern", str(tokenizer.get("group", -1)), tokenizer["pattern"]])
        for name in analyzer.get("filter", []):
            definition = analysis["filter"].get(name, {"type": name})  # built-in filters by name
            kind = definition["type"]
            if kind == "lowercase" and not definition.get("language"):
                lines.append(["filter", "lowercase"])
            elif kind == "stop" and not definition.get("ignore_case"):
                lines.append(["filter", "stop", self._list_file(name, definition, "stopwords", "stopwords_path")])
            elif kind == "keyword_marker" and not definition.get("ignore_case"):
                if "keywords_pattern" in definition:
                    lines.append(["filter", "keyword_marker", "pattern", definition["keywords_pattern"]])
                else:
                    lines.append(["filter", "keyword_marker", "words",
                                  self._list_file(name, definition, "keywords", "keywords_path")])
            elif kind == "stemmer_override":
                lines.append(["filter", "stemmer_override", self._list_file(name, definition, "rules", "rules_path")])
            elif kind == "stemmer" and definition.get("language") == "indonesian":
                lines.append(["filter", "stemmer", "indonesian"])
            elif kind == "word_delimiter_graph" and not definition.get("protected_words"):
                lines.append(["filter", "word_delimiter_graph", str(_delimiter_flags(definition)),
                              str(definition.get("adjust_offsets", True)).lower(),
                              self._list_file(name, {"type_table": definition.get("type_table", [])},
                                              "type_table", "type_table_path")])
            elif kind == "pattern_replace" and not definition.get("flags"):
                lines.append(["filter", "pattern_replace", str(definition.get("all", True)).lower(),
                              definition["pattern"], definition.get("replacement", "")])
            elif kind in ("flatten_graph", "remove_duplicates"):
                lines.append(["filter", kind])
            else:
                raise ValueError(f"filter {name} ({definition}) is not built here")
        return "".join("\t".join(line) + "\n" for line in lines)

    def _list_file(self, name: str, definition: dict, inline_key: str, path_key: str) -> str:
        """Return the path of a word or rule list: the export's file for *_path, else one written here."""
        if path_key in definition:
            # rules_path is relative to the node's config folder; the export keeps the file beside
            # template.json under the same name.
            return str(self.export_dir / Path(definition[path_key]).name)
        path = self.workdir / f"{name}.{inline_key}.txt"
        path.write_text("".join(item + "\n" for item in definition[inline_key]), encoding="utf-8")
        return str(path)

    def analyze(self, texts: list[str]) -> list[list[tuple[int, str]]]:
        """Return, for each text, its (position, term) list as Lucene makes it."""
        payload = bytearray()
        for text in texts:
            data = text.encode("utf-8")
            payload += f"{len(data)}\n".encode() + data
        done = subprocess.run(["java", "-Xss8m", "-cp", self.classpath, "WartaChain", str(self.spec)],
                              input=bytes(payload), capture_output=True)
        if done.returncode != 0:
            raise RuntimeError(f"WartaChain failed: {done.stderr.decode(errors='replace')[-2000:]}")
        lines = done.stdout.decode("utf-8").split("\n")
        results = []
        for line in lines[:len(texts)]:
            results.append([(int(p), t) for p, t in (item.split(":", 1) for item in line.split(" ") if item)])
        if len(results) != len(texts):
            raise RuntimeError(f"WartaChain answered {len(results)} texts of {len(texts)}")
        return results


@dataclass
class Agreement:
    """How many token positions Lucene's chain and Warta's analyzer gave the same term."""

    tokens: int = 0
    identical: int = 0
    unseen_tokens: int = 0       # tokens whose word the export's vocabulary did not hold
    unseen_identical: int = 0
    differences: Counter = field(default_factory=Counter)  # (word, warta term, lucene term) -> count

    @property
    def share(self) -> float:
        return self.identical / self.tokens if self.tokens else 1.0

    @property
    def unseen_share(self) -> float:
        return self.unseen_identical / self.unseen_tokens if self.unseen_tokens else 1.0

    def add(self, other: "Agreement") -> None:
        self.tokens += other.tokens
        self.identical += other.identical
        self.unseen_tokens += other.unseen_tokens
        self.unseen_identical += other.unseen_identical
        self.differences.update(other.differences)

    def summary(self) -> str:
        return (f"{self.identical}/{self.tokens} tokens identical ({100 * self.share:.2f}%); "
                f"words the export never saw: {self.unseen_identical}/{self.unseen_tokens} "
                f"({100 * self.unseen_share:.2f}%)")


def compare(warta_terms, texts: Iterable[str], lucene: list[list[tuple[int, str]]],
            vocabulary: set[str] | None = None) -> Agreement:
    """Return the agreement of Lucene's terms with Warta's for each text, position by position.

    A position may hold several terms (a hyphenated word's first part and its joined form); the
    terms both sides give a position count as identical, each side's others as differences.
    warta_terms: an IndexTerms (Warta's analyzer with the index's names). vocabulary: the normalised
    words the export saw (tokens of other words are also counted apart).
    """
    agreement = Agreement()
    for text, theirs in zip(texts, lucene):
        ours = _by_position(warta_terms.analyze(text))
        lucene_terms = _by_position(theirs)
        words = _word_at_positions(warta_terms, text)
        for position in sorted(set(ours) | set(lucene_terms)):
            mine, other = ours.get(position, Counter()), lucene_terms.get(position, Counter())
            same = sum((mine & other).values())
            count = max(sum(mine.values()), sum(other.values()))
            word = words.get(position, "?")
            agreement.tokens += count
            agreement.identical += same
            if vocabulary is not None and word not in vocabulary:
                agreement.unseen_tokens += count
                agreement.unseen_identical += same
            if same < count:
                key = (word, " ".join(sorted(mine.elements())) or None, " ".join(sorted(other.elements())) or None)
                agreement.differences[key] += 1
    return agreement


def _by_position(terms: Iterable[tuple[int, str]]) -> dict[int, Counter]:
    positions: dict[int, Counter] = {}
    for position, term in terms:
        positions.setdefault(position, Counter())[term] += 1
    return positions


def _word_at_positions(warta_terms, text: str) -> dict[int, str]:
    """Return position -> the normalised word there (a hyphenated word split in parts spans several)."""
    words, position = {}, 0
    for surface in warta_terms.words(text):
        word = warta_terms.normalise(surface)
        entry = warta_terms.word_terms(word)
        width = entry[0] if isinstance(entry, tuple) else 1
        for offset in range(width):
            words[position + offset] = word
        position += width
    return words


def index_texts(index_dir: str | Path, every: int = 1) -> list[str]:
    """Return the stored titles and bodies of an index's articles (each `every`-th article): the
    text the index's terms were made from, after Warta's cleaning."""
    from whoosh import index as whoosh_index

    texts = []
    with whoosh_index.open_dir(index_dir).reader() as reader:
        for number, (_, stored) in enumerate(reader.iter_docs()):
            if number % every == 0:
                texts += [stored.get("title") or "", stored.get("content") or ""]
    return texts
