"""The third baseline of `warta eval --compare`: Lucene's IndonesianAnalyzer with BM25.

It is what Elasticsearch's and OpenSearch's `indonesian` analyzer runs (standard tokenizer,
lowercase, Lucene's Indonesian stop list, IndonesianStemFilter), so it stands for "put the archive
in a stock search engine". The Java program (search/lucene/LuceneBaseline.java, shipped with the
package so that an installed `warta` can run it) is compiled once per source and Lucene version
into a cache folder and driven over pipes: one process indexes the stored articles of a Warta index
(the same articles, cleaning and ids as the other baselines), one answers queries a line at a time.

Nothing is installed here: without a JDK or Lucene 8 the error says which Debian packages to
install. Search and ranking never need Java; only evaluation does.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from search.baselines import Baseline, baseline_dir, warta_articles, warta_index_fingerprint
from search.errors import WartaError

LUCENE = Baseline("lucene-indonesian", stemming=True)
SOURCE = Path(__file__).parent / "lucene" / "LuceneBaseline.java"
JARS = ("lucene-core", "lucene-analyzers-common")  # IndonesianAnalyzer lives in analyzers-common (Lucene 8)
JAR_FOLDERS = (Path("/usr/share/java"),)  # where Debian's liblucene8-java puts them
FINGERPRINT_FILE = "baseline.json"
INSTALL_HINT = ("install them with: apt-get install openjdk-17-jdk-headless liblucene8-java "
                "(or set WARTA_LUCENE_JARS to a folder holding lucene-core and lucene-analyzers-common 8.x jars), "
                "or leave this baseline out with --no-lucene")


class LuceneMissing(WartaError):
    """Java or the Lucene jars the Lucene baseline needs are not installed."""


class LuceneFailed(WartaError):
    """The Lucene baseline's Java program stopped with an error."""


def _jar_folders() -> list[Path]:
    extra = os.environ.get("WARTA_LUCENE_JARS")
    return ([Path(extra)] if extra else []) + list(JAR_FOLDERS)


def lucene_classpath() -> list[Path]:
    """Return the Lucene 8 jars the baseline needs, or raise LuceneMissing saying what to install."""
    found = []
    for name in JARS:
        candidates = sorted(jar for folder in _jar_folders() for jar in folder.glob(f"{name}-8*.jar"))
        plain = [folder / f"{name}.jar" for folder in _jar_folders() if (folder / f"{name}.jar").is_file()]
        jars = candidates or plain
        if not jars:
            raise LuceneMissing(f"The Lucene baseline needs Lucene 8 ({name}.jar not found in "
                                f"{', '.join(map(str, _jar_folders()))}): {INSTALL_HINT}")
        found.append(jars[-1])  # the newest 8.x by name
    return found


def _java_tools() -> tuple[str, str]:
    java, javac = shutil.which("java"), shutil.which("javac")
    if not java or not javac:
        missing = " and ".join(name for name, path in (("java", java), ("javac", javac)) if not path)
        raise LuceneMissing(f"The Lucene baseline needs a JDK ({missing} not found): {INSTALL_HINT}")
    return java, javac


def lucene_available() -> bool:
    """Return whether a JDK and the Lucene jars are installed."""
    try:
        _java_tools()
        lucene_classpath()
    except LuceneMissing:
        return False
    return True


def compiled_classes(cache: str | Path | None = None) -> str:
    """Return the class path (compiled program + jars), compiling the program when its source or jars changed."""
    _, javac = _java_tools()
    jars = lucene_classpath()
    digest = hashlib.blake2b(SOURCE.read_bytes(), digest_size=8)
    for jar in jars:
        digest.update(f"{jar.resolve()}:{jar.stat().st_size}".encode())
    parent = Path(cache) if cache else Path(tempfile.gettempdir()) / "warta-baselines"
    classes = parent / f"lucene-classes-{digest.hexdigest()}"
    if not (classes / "LuceneBaseline.class").is_file():
        parent.mkdir(parents=True, exist_ok=True)
        # Compiled into a fresh folder and renamed into place, so that a concurrent or killed
        # compile never leaves a half-written class where the next run would use it.
        scratch = Path(tempfile.mkdtemp(prefix="lucene-classes-", dir=parent))
        done = subprocess.run([javac, "-encoding", "UTF-8", "-nowarn", "-cp", os.pathsep.join(map(str, jars)),
                               "-d", str(scratch), str(SOURCE)], capture_output=True, text=True)
        if done.returncode != 0:
            shutil.rmtree(scratch, ignore_errors=True)
            raise LuceneFailed(f"javac could not compile {SOURCE.name} against {', '.join(j.name for j in jars)}: "
                               f"{_last_line(done.stderr)}. Lucene 8 is needed (Debian's liblucene8-java)")
        try:
            scratch.rename(classes)
        except OSError:  # another process compiled it first
            shutil.rmtree(scratch, ignore_errors=True)
    return os.pathsep.join([str(classes)] + [str(jar) for jar in jars])


def _last_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[0] if lines else "no message"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    plain, chars = [], iter(text)
    for char in chars:
        if char == "\\":
            char = next(chars, "\\")
            char = {"t": "\t", "n": "\n", "r": "\r"}.get(char, char)
        plain.append(char)
    return "".join(plain)


def build_lucene_baseline(articles, index_dir: str | Path, classpath: str) -> int:
    """Build a fresh Lucene index from dicts with id, title and content; return how many were indexed."""
    java, _ = _java_tools()
    index_dir = Path(index_dir)
    shutil.rmtree(index_dir, ignore_errors=True)
    index_dir.mkdir(parents=True)
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen([java, "-cp", classpath, "LuceneBaseline", "index", str(index_dir)],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors)
        try:
            for article in articles:
                line = "\t".join(_escape(article.get(key) or "") for key in ("id", "title", "content"))
                process.stdin.write(line.encode("utf-8", "surrogatepass") + b"\n")
            process.stdin.close()
        except BrokenPipeError:
            pass  # the program stopped early: its message is read below
        output = process.stdout.read().decode("utf-8", "replace")
        if process.wait() != 0:
            errors.seek(0)
            raise LuceneFailed(f"the Lucene baseline could not index the articles: "
                               f"{_last_line(errors.read().decode('utf-8', 'replace'))}")
    return int(output.strip() or 0)


def ensure_lucene_baseline(warta_index_dir: str | Path, parent: str | Path | None = None,
                           rebuild: bool = False) -> Path:
    """Return the folder of an up-to-date Lucene index for this Warta index, building it if needed."""
    classpath = compiled_classes()
    target = baseline_dir(warta_index_dir, LUCENE, parent)
    wanted = {**warta_index_fingerprint(warta_index_dir), "baseline": LUCENE.name,
              "program": hashlib.blake2b(SOURCE.read_bytes(), digest_size=8).hexdigest()}
    marker = target / FINGERPRINT_FILE
    if not rebuild and marker.exists() and json.loads(marker.read_text(encoding="utf-8")) == wanted:
        return target
    build_lucene_baseline(warta_articles(warta_index_dir), target, classpath)
    marker.write_text(json.dumps(wanted), encoding="utf-8")
    return target


class LuceneSearcher:
    """Searches a Lucene baseline index through one running Java process; returns ranked article ids."""

    def __init__(self, index_dir: str | Path, depth: int = 100):
        java, _ = _java_tools()
        self._errors = tempfile.TemporaryFile()
        self._process = subprocess.Popen(
            [java, "-cp", compiled_classes(), "LuceneBaseline", "search", str(index_dir), str(depth)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._errors)

    def search(self, text: str, limit: int | None = None) -> list[str]:
        """Return the ids of the best articles for `text` (any of its analysed words), best first."""
        try:
            self._process.stdin.write(_escape(text).encode("utf-8", "surrogatepass") + b"\n")
            self._process.stdin.flush()
            answer = self._process.stdout.readline()
        except BrokenPipeError:
            answer = b""
        if not answer.endswith(b"\n"):
            self._errors.seek(0)
            message = _last_line(self._errors.read().decode("utf-8", "replace"))
            raise LuceneFailed(f"the Lucene baseline stopped while searching {text[:60]!r}: {message}")
        ids = [_unescape(part) for part in answer.decode("utf-8").rstrip("\n").split("\t") if part]
        return ids[:limit] if limit else ids

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.stdin.close()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._errors.close()

    def __enter__(self) -> "LuceneSearcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
