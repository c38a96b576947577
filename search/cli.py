"""A thin click layer over the library: `warta index|search|export|trends|kwic|cite|stats|delete|analyze|serve|demo`."""
from __future__ import annotations

import errno
import json
import logging
import re
import signal
import sys
from pathlib import Path

import click

from search.errors import IndexBusy, WartaError

DEFAULT_INDEX = "index"
FACET_LIMIT = 8  # facet values printed per facet; the rest are counted
index_option = click.option("--index", "index_dir", default=DEFAULT_INDEX, show_default=True,
                            envvar="WARTA_INDEX", type=click.Path(file_okay=False), help="Index folder.")


EXIT_DONE = 0          # did what was asked (a build that rejected some records included: it says so)
EXIT_FAILED = 1        # did not: one line on stderr says why and what to do
EXIT_USAGE = 2         # click: unknown option, bad value
EXIT_BUSY = 75         # EX_TEMPFAIL: another process is writing to the index; try again later
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT); SIGTERM and SIGHUP give 128 + their number
EXIT_CODES_HELP = """\b
Exit codes:
  0    done (a build that rejected some records too: it says so and where they are)
  1    not done, with one line on stderr saying why: nothing was indexed (missing paths,
       empty folders, only rejected records), no usable index, a query that cannot be
       honoured, unknown ids, port in use, disk full, folder not writable...
  2    wrong usage (unknown option, bad value)
  75   another process is writing to the index: try again later (or --wait longer)
  130  interrupted by Ctrl-C; 143 by SIGTERM, 129 by SIGHUP: the index is as its last commit left it
"""
# What a failed write to the disk means to the user, and what to do about it.
_OS_ERRORS = {
    errno.ENOSPC: "the disk is full: free some space and run the command again",
    errno.EDQUOT: "the disk quota is used up: free some space and run the command again",
    errno.EROFS: "the file system is read-only: use a writable folder (--index DIR)",
    errno.EACCES: "permission denied: use a folder this user may write to (--index DIR), or change its permissions",
    errno.EPERM: "operation not permitted: use a folder this user may write to (--index DIR)",
}


class Stopped(BaseException):
    """SIGTERM or SIGHUP arrived: unwinds like Ctrl-C (builds cancel and clean up), with 128 + the signal as exit code."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.code = 128 + signum


def _stop(signum, frame):
    raise Stopped(signum)


class WartaGroup(click.Group):
    """Turns the library's expected errors into one-line messages instead of tracebacks."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except IndexBusy as exc:
            _fail(str(exc), EXIT_BUSY)
        except WartaError as exc:
            raise click.ClickException(str(exc)) from None
        except (KeyboardInterrupt, Stopped) as exc:
            code = exc.code if isinstance(exc, Stopped) else EXIT_INTERRUPTED
            name = ctx.invoked_subcommand
            if name in ("serve", "demo"):
                click.echo("stopped", err=True)
                ctx.exit(EXIT_DONE)  # stopping a server is how it ends
            if name in ("index", "delete"):
                _fail("interrupted: nothing of this run was committed; the index is as its last commit left it", code)
            _fail("interrupted", code)
        except OSError as exc:
            advice = _OS_ERRORS.get(exc.errno)
            if advice is None:
                raise
            where = f" ({exc.filename})" if exc.filename else ""
            _fail(f"{exc.strerror}{where}: {advice}. An index being written is as its last commit left it.", EXIT_FAILED)


def _fail(message: str, code: int) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


class _NoteHandler(logging.Handler):
    """Prints the library's notes (logger "warta": a lock taken over, leftovers removed) on stderr."""

    def emit(self, record):
        click.echo(record.getMessage(), err=True)


@click.group(cls=WartaGroup, epilog=EXIT_CODES_HELP)
@click.version_option(package_name="warta")
def main():
    """Warta: search for Indonesian news archives."""
    logger = logging.getLogger("warta")
    if not any(isinstance(handler, _NoteHandler) for handler in logger.handlers):
        logger.addHandler(_NoteHandler(logging.WARNING))
    logger.setLevel(logging.WARNING)


@main.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@index_option
@click.option("--rejects", "rejects_path", type=click.Path(dir_okay=False),
              help="Where rejected records go (default: INDEX/rejects.jsonl).")
@click.option("--rebuild", is_flag=True, help="Start from an empty index (the old one stays readable until the build commits).")
@click.option("--wait", default=30.0, show_default=True, type=click.FloatRange(min=0),
              help="Seconds to wait for another process writing to the index.")
@click.option("--processes", type=click.IntRange(min=1), help="Indexing processes (default: 2 for large inputs on multi-core machines).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def index_command(paths, index_dir, rejects_path, rebuild, wait, processes, as_json, quiet):
    """Index archives: JSON lines or JSON (.jsonl, .json), CSV/TSV, saved HTML pages, text files, WARC web
    archives (each optionally .gz), and folders of them, in any mix.

    Indexing the same archive again updates changed articles by id and never doubles them. Exits 0 when
    something was indexed (or was already indexed), also with some records rejected; 1 when nothing was
    (no readable record: missing paths, empty folders, only rejects), leaving the index as it was.
    """
    from search.indexer import build

    progress = not quiet and not as_json and sys.stderr.isatty()
    # `kill` (SIGTERM) and a closed terminal (SIGHUP) clean up like Ctrl-C does: cancel the build,
    # remove its files and temporary folder.
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGHUP, _stop)
    summary = build(paths, index_dir, rejects_path=rejects_path, rebuild=rebuild, wait=wait,
                    processes=processes, progress=progress)
    if as_json:
        click.echo(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
    else:
        _print_summary(summary, index_dir)
    if summary.failure:
        _fail(summary.failure, EXIT_FAILED)


def _print_summary(summary, index_dir: str) -> None:
    click.echo(f"read {summary.read}: indexed {summary.indexed}, updated {summary.updated}, "
               f"duplicates skipped {summary.duplicates} ({summary.unchanged} unchanged), "
               f"rejected {summary.rejected}; {summary.near_duplicates} near-duplicates grouped")
    click.echo(f"{summary.seconds:.1f}s, {summary.docs_per_s:.0f} records/s; "
               f"the index at '{index_dir}' now holds {summary.documents} articles")
    if summary.rejected:
        reasons = ", ".join(f"{reason} ({count})" for reason, count in
                            sorted(summary.reasons.items(), key=lambda item: -item[1])[:3])
        click.echo(f"rejected records, with line numbers and reasons: {summary.rejects_file}")
        click.echo(f"  most common: {reasons}")
        click.echo(f"  fix them (or a copy) and run: warta index --index {index_dir} FIXED_FILE")


@main.command("delete")
@click.argument("ids", nargs=-1, required=True)
@index_option
@click.option("--wait", default=30.0, show_default=True, type=click.FloatRange(min=0),
              help="Seconds to wait for another process writing to the index.")
def delete_command(ids, index_dir, wait):
    """Remove articles from the index by id."""
    from search.indexer import delete

    deleted, unknown = delete(index_dir, ids, wait=wait)
    click.echo(f"deleted {len(deleted)} article(s)")
    if unknown:
        click.echo("not in the index: " + ", ".join(unknown), err=True)
        sys.exit(1)


@main.command("search")
@click.argument("query")
@index_option
@click.option("--source", multiple=True, help="Only this outlet (repeat for several).")
@click.option("--category", multiple=True, help="Only this category (repeat for several).")
@click.option("--from", "date_from", metavar="DATE",
              help="Published on or after DATE (21/10/2017, 21 Oktober 2017, 2017-10-21, 2017-10, 2017).")
@click.option("--to", "date_to", metavar="DATE", help="Published on or before DATE (the whole day, month or year).")
@click.option("--sort", default="relevance", show_default=True,
              help="relevance, newest, oldest or recent (relevance with a boost for newer articles).")
# Plain text, checked by the library: the CLI refuses what the web API and the Python API refuse, in
# the same words.
@click.option("--page", default="1", show_default=True, help="Results page, from 1.")
@click.option("--per-page", default="10", show_default=True, help="Results per page, 1 to 100.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON (the same data as the API).")
def search_command(query, index_dir, source, category, date_from, date_to, sort, page, per_page, as_json):
    """Search the index. QUERY: words (every word first, then some of them), +required, "a phrase",
    "a b"~5 or a NEAR/5 b (within 5 words), -exclude, a OR b, korup*, title:word, source:kompas, category:olahraga, date:2017 / date:2017-03 / date:2017-01-01..2017-06-30."""
    from search.index import Index

    with Index.open(index_dir) as index:
        results = index.search(query, page=page, per_page=per_page, source=list(source) or None,
                               category=list(category) or None, date_from=date_from, date_to=date_to,
                               sort=sort.strip().lower())
    if as_json:
        click.echo(json.dumps(results.as_dict(), ensure_ascii=False, indent=2))
        return
    for hint in results.unknown_sources:
        click.echo(_outlet_hint(hint), err=True)
    if results.total and not results.hits:
        raise click.ClickException(
            f"There is no page {results.page}: this search has {results.total} results on "
            f"{results.pages} page{'s' if results.pages != 1 else ''} of {results.per_page}. "
            f"Ask for --page {results.pages} or less.")
    click.echo(_terminal_results(results))


def _outlet_hint(hint) -> str:
    """Return the line that says an outlet filter names no outlet, and which ones it may mean."""
    from search.outlets import display_name

    named = ", ".join(f"{display_name(o)} ({o})" if display_name(o) != o else o for o in hint.suggestions)
    if hint.ambiguous:
        return f"note: several outlets start with '{hint.value}': {named}; name one (--source \"...\")."
    return f"note: no outlet in this index is called '{hint.value}'" + (f"; did you mean {named}?" if named else ".")


def _terminal(html_text: str) -> str:
    """Return HTML-safe snippet text for a terminal: <mark> parts bold, entities unescaped."""
    import html

    parts = re.split(r"<mark>(.*?)</mark>", html_text)
    return "".join(click.style(html.unescape(part), bold=True, fg="yellow") if i % 2 else html.unescape(part)
                   for i, part in enumerate(parts))


def _counted(results) -> str:
    """Return the result counts in words: "3 with every word, 609 more with some of them"."""
    if results.total and results.partial_total:
        return f"{results.total} with every word, {results.partial_total} more with some of them"
    if results.partial_total:
        return f"No article has every word; {results.partial_total} with some of them"
    return f"{results.total} result{'' if results.total == 1 else 's'}"


def _terminal_results(results) -> str:
    """Return search results as readable terminal text."""
    lines = []
    if results.suggestion:
        lines.append(f"Did you mean: {click.style(results.suggestion, bold=True)}?")
    shown = f"{(results.page - 1) * results.per_page + 1}-{(results.page - 1) * results.per_page + len(results.hits)}" \
        if results.hits else "none"
    lines.append(f"{_counted(results)} for {results.query} (page {results.page} of {results.pages}, "
                 f"showing {shown}, {results.took_ms:.0f} ms)")
    for rank, hit in enumerate(results.hits, start=(results.page - 1) * results.per_page + 1):
        lines.append("")
        if not hit.every_word and (rank == (results.page - 1) * results.per_page + 1 or results.hits[
                rank - (results.page - 1) * results.per_page - 2].every_word):
            lines.append("-- with some of the words:")
            lines.append("")
        lines.append(f"{rank}. " + _terminal(hit.title_html))
        lines.append("   " + " | ".join(part for part in (hit.source_name or hit.source, (hit.date or "")[:16].replace("T", " "),
                                                          hit.category, hit.id) if part))
        if hit.url:
            lines.append("   " + hit.url)
        # One line: the snippet's own line breaks (paragraphs) would start lines without the indent.
        lines.append("   " + _terminal(" ".join(hit.snippet.split())))
        if hit.duplicates:
            lines.append("   also in: " + ", ".join(f"{c.source or '?'} ({c.id})" for c in hit.duplicates))
    for name in ("source", "category", "year", "month"):
        counts = results.facets.get(name)
        if counts:
            lines.append("")
            shown = ", ".join(f"{f.label or f.value} ({f.count})" for f in counts[:FACET_LIMIT])
            more = len(counts) - FACET_LIMIT
            lines.append(f"{name}: {shown}" + (f", and {more} more (--json lists all)" if more > 0 else ""))
    return "\n".join(lines)


filter_options = [
    click.option("--source", multiple=True, help="Only this outlet (repeat for several: either)."),
    click.option("--category", multiple=True, help="Only this category (repeat for several: either)."),
    click.option("--from", "date_from", metavar="DATE", help="Published on or after DATE (2017, 2017-03, 2017-03-02)."),
    click.option("--to", "date_to", metavar="DATE", help="Published on or before DATE (the whole day, month or year)."),
]


def with_filter_options(command):
    for option in reversed(filter_options):
        command = option(command)
    return command


def _filters(source, category, date_from, date_to) -> dict:
    return {"source": list(source) or None, "category": list(category) or None,
            "date_from": date_from, "date_to": date_to}


@main.command("export")
@click.argument("query", default="")
@index_option
@with_filter_options
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest", "recent"]), default="relevance",
              show_default=True, help="Row order (without words: newest first).")
@click.option("--format", "export_format", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True)
@click.option("--fields", default=",".join(("id", "title", "date", "source", "url", "category", "cluster")),
              show_default=True, help="Columns, comma-separated, from id,title,date,source,url,category,cluster,content.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write to FILE (default: standard output).")
@click.option("--no-bom", is_flag=True, help="CSV without the UTF-8 byte-order mark (spreadsheets need it; some programs do not).")
def export_command(query, index_dir, source, category, date_from, date_to, sort, export_format, fields, output, no_bom):
    """Export every article matching QUERY (the query and filters of `warta search`; none: the whole
    archive) as CSV or JSON lines, one row per article: each copy of a story is its own row, with
    its cluster. Rows stream out, so any number of matches takes the same memory."""
    from search.export import chunks, fields_of
    from search.index import Index

    columns = fields_of(fields)
    with Index.open(index_dir) as index:
        # No time limit from the command line: it guards a shared server against one runaway search,
        # while a first search in a fresh process also loads the index's columns (seconds at 300,000 articles).
        index.time_limit = None
        records = index.export(query, sort=sort, **_filters(source, category, date_from, date_to))
        rows = _Counted(records)
        try:
            # atomic: a file is written under a temporary name and takes FILE's place when complete.
            with click.open_file(output or "-", "w", encoding="utf-8", atomic=bool(output)) as out:
                for piece in chunks(rows, export_format, columns, bom=not no_bom):
                    out.write(piece)
        except BrokenPipeError:  # `warta export ... | head`: the reader had enough
            sys.stderr.close()
            sys.exit(0)
    if output:
        click.echo(f"exported {rows.count} article(s) to {output}", err=True)


class _Counted:
    """Wraps an iterator and counts what passed through (for the export summary)."""

    def __init__(self, items):
        self._items = items
        self.count = 0

    def __iter__(self):
        for item in self._items:
            self.count += 1
            yield item


@main.command("trends")
@click.argument("queries", nargs=-1, required=True)
@index_option
@with_filter_options
@click.option("--by", type=click.Choice(["year", "month"]), default="year", show_default=True, help="Count per year or per month.")
@click.option("--csv", "as_csv", is_flag=True, help="Print a CSV table: period, then count and share per query.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON of /api/trends.")
def trends_command(queries, index_dir, source, category, date_from, date_to, by, as_csv, as_json):
    """Count the stories matching each query (up to 5) per year or month, with their share of all the
    period's stories: how a subject rises and falls. Near-duplicates count once, as in search."""
    from search.index import Index

    with Index.open(index_dir) as index:
        index.time_limit = None  # as for export: one user, a cold index
        result = index.trends(list(queries), by=by, **_filters(source, category, date_from, date_to))
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    if as_csv:
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["period"] + [f"{s.query} {what}" for s in result.series for what in ("count", "share")])
        for row in _trend_rows(result):
            writer.writerow(row)
        return
    names = [s.query for s in result.series]
    widths = [max(len(name), 7) for name in names]
    click.echo("period".ljust(8) + "  ".join(name.rjust(w) for name, w in zip(names, widths)))
    for row in _trend_rows(result):
        cells = [f"{row[1 + 2 * i]}".rjust(w) for i, w in enumerate(widths)]
        click.echo(str(row[0]).ljust(8) + "  ".join(cells))
    if not result.series or not result.series[0].counts:
        click.echo("(no dated articles match the filters)")


def _trend_rows(result):
    """Return one row per period: period, then each series' count and share."""
    rows = []
    for number, first in enumerate(result.series[0].counts if result.series else ()):
        row = [first.period]
        for series in result.series:
            item = series.counts[number]
            row += [item.count, item.share]
        rows.append(row)
    return rows


@main.command("kwic")
@click.argument("query")
@index_option
@with_filter_options
@click.option("--width", default=60, show_default=True, type=click.IntRange(1, 500), help="Characters of context each side.")
@click.option("--limit", default=1000, show_default=True, type=click.IntRange(min=1), help="At most this many lines.")
@click.option("--sort", type=click.Choice(["date", "before", "after", "relevance"]), default="date", show_default=True,
              help="date: oldest first; before/after: by the words before/after the match.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV: id,date,source,left,match,right.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON of /api/kwic.")
def kwic_command(query, index_dir, source, category, date_from, date_to, width, limit, sort, as_csv, as_json):
    """Keyword in context: every occurrence of QUERY's words (inflected forms too: tembak finds
    menembakkan, ditembak) in the bodies of matching articles, with the words around it."""
    from search.index import Index

    with Index.open(index_dir) as index:
        index.time_limit = None  # as for export: one user, a cold index
        result = index.concordance(query, width=width, limit=limit, sort=sort,
                                   **_filters(source, category, date_from, date_to))
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    if as_csv:
        from search.export import concordance_csv

        click.echo(concordance_csv(result.lines, bom=False), nl=False)
        return
    for line in result.lines:
        left = line.left[-width:].rjust(width)
        click.echo(f"{left}{click.style(line.match, bold=True, fg='yellow')}{line.right[:width]}   "
                   f"[{line.source or '?'} {(line.date or '')[:10]} {line.id}]")
    more = " (limit reached: --limit for more)" if result.truncated else ""
    click.echo(f"{len(result.lines)} line(s) from {result.articles} article(s) for {result.query}{more}", err=True)


@main.command("cite")
@click.argument("article_id")
@index_option
@click.option("--bibtex", is_flag=True, help="Print the BibTeX entry only.")
@click.option("--archive-url", metavar="URL", help="The archive's own address of the article, for the reference "
              "(e.g. https://arsip.example/articles/ID).")
def cite_command(article_id, index_dir, bibtex, archive_url):
    """Show how to cite an article: a reference line and a BibTeX entry."""
    from search.index import Index

    with Index.open(index_dir) as index:
        result = index.citation(article_id, archive_url=archive_url)
    if result is None:
        raise click.ClickException(f"No article with id {article_id!r} in '{index_dir}'. Find ids with: warta search WORDS")
    if not bibtex:
        click.echo(result.text)
        click.echo("")
    click.echo(result.bibtex, nl=False)


@main.command("stats")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def stats_command(index_dir, as_json):
    """Show what the index holds: documents, sources, date range, size."""
    from search.index import Index

    stats = Index.open(index_dir).stats()
    if as_json:
        click.echo(json.dumps(stats.as_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"documents: {stats.documents}")
    click.echo(f"dates: {stats.date_first or '-'} .. {stats.date_last or '-'}")
    click.echo(f"size: {stats.size_bytes / 1e6:.1f} MB")
    for source, count in stats.sources.items():
        name = stats.source_names.get(source) or source
        click.echo(f"  {name}: {count}" if name == source else f"  {name} ({source}): {count}")
    if stats.analysis_outdated:
        click.echo(f"note: the analyzer (lexicon or rules) changed since this index was built; some words "
                   f"may not match until you rebuild it: warta index --rebuild --index {index_dir} FILE...", err=True)


@main.command("analyze")
@click.argument("text")
@click.option("--explain", is_flag=True,
              help="One word a line: word, index term, and why (correction, protected, learned name, stemmed, function word...).")
@index_option
def analyze_command(text, explain, index_dir):
    """Print the index terms Warta makes of TEXT (to see why a word does or does not match).

    Names learned from the index's corpus are protected too when the index folder exists.
    """
    from search import analysis

    if Path(index_dir).is_dir():
        from search.indexer import index_analyzer

        analyzer = index_analyzer(index_dir)
    else:
        analyzer = analysis.IndonesianAnalyzer()
    if not explain:
        click.echo(" ".join(analyzer.analyze(text)))
        return
    functions = analysis.function_words()
    for match in analysis.TOKEN_PATTERN.finditer(text):
        word = analysis.normalise(match.group())
        entry = analyzer.token_terms(match.group())
        terms = entry if isinstance(entry, str) else " ".join(dict.fromkeys(term for term, _ in entry[1]))
        root, reason = analyzer.explain(word)
        if not isinstance(entry, str):
            reason = f"hyphenated: its parts and joined form ({reason})"
        elif word in functions:
            reason += "; a function word: optional in plain queries"
        click.echo(f"{match.group()}\t{terms}\t{reason}")


@main.command("eval")
@click.argument("queries", type=click.Path(dir_okay=False))
@click.argument("qrels", type=click.Path(dir_okay=False))
@index_option
@click.option("--compare", is_flag=True,
              help="Also run the baselines (plain BM25F, naive Sastrawi, Lucene's Indonesian analyzer) and show all side by side.")
@click.option("--lucene/--no-lucene", default=True, show_default=True,
              help="With --compare, include the Lucene baseline (needs a JDK and Debian's liblucene8-java).")
@click.option("--baseline-dir", type=click.Path(file_okay=False),
              help="Where baseline indexes are cached (default: under the temp folder).")
@click.option("--runs", "runs_dir", type=click.Path(file_okay=False), help="Write a TREC run file per system here.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def eval_command(queries, qrels, index_dir, compare, lucene, baseline_dir, runs_dir, as_json):
    """Measure ranking quality: nDCG@10, MRR@10, R@10, R@100 of QUERIES (TSV qid<TAB>query) against QRELS (TREC)."""
    from search.evaluate import evaluate, markdown_table, results_json

    results = evaluate(queries, qrels, index_dir, compare=compare, baseline_parent=baseline_dir, runs_dir=runs_dir,
                       lucene=lucene)
    if as_json:
        click.echo(results_json(results, queries=str(queries), qrels=str(qrels), index=str(index_dir)))
    else:
        click.echo(markdown_table(results))


def _serve_app(index_dir: str, host: str, port: int, threads: int, workers: int) -> None:
    """Serve the web app on waitress (a production WSGI server) until interrupted."""
    from web.serving import CannotListen, serve

    click.echo(f"Serving the index at '{index_dir}'")
    config = {"INDEX": str(index_dir)}
    if host not in ("0.0.0.0", "::", ""):  # one address: the default public address (BASE_URL wins)
        config["SERVED_AT"] = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
    try:
        serve(config, host=host, port=port, threads=threads, workers=workers, announce=click.echo)
    except CannotListen as exc:
        _fail(exc.strerror, EXIT_FAILED)


serve_options = [
    click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface)."),
    click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on."),
    click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="Worker threads per process."),
    click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
                 help="Processes sharing the port; one per CPU core serves the most searches."),
]


def with_serve_options(command):
    for option in reversed(serve_options):
        command = option(command)
    return command


@main.command("serve")
@index_option
@with_serve_options
def serve_command(index_dir, host, port, threads, workers):
    """Serve the search page and JSON API for an index (waitress)."""
    from search.index import Index

    Index.open(index_dir).close()  # fail now, with the fix, rather than on the first request
    _serve_app(index_dir, host, port, threads, workers)


@main.command("demo")
@index_option
@with_serve_options
def demo_command(index_dir, host, port, threads, workers):
    """Build an index from the bundled sample archive, then serve it."""
    from importlib.resources import as_file, files

    from search.indexer import build

    with as_file(files("search") / "samples") as samples:
        # The archive, not its README (which a plain `warta index` would list as unsupported).
        summary = build(sorted(p for p in samples.iterdir() if p.name != "README.md"), index_dir)
    click.echo(f"Sample archive: indexed {summary.indexed}, updated {summary.updated}, duplicates skipped "
               f"{summary.duplicates}, rejected {summary.rejected} (on purpose: see search/samples/README.md; "
               f"reasons in {summary.rejects_file}) into '{index_dir}' in {summary.seconds:.1f}s")
    _serve_app(index_dir, host, port, threads, workers)


# -- OpenSearch: the package is imported only inside these commands (opensearch-py is optional) ----

DEFAULT_EXPORT = "opensearch-export"


@main.group("opensearch")
def opensearch_group():
    """Move an index to OpenSearch or Elasticsearch: export its analysis and articles, push them."""


@opensearch_group.command("export")
@click.argument("out", type=click.Path(file_okay=False))
@index_option
@click.option("--index-name", default="warta", show_default=True,
              help="Name of the cluster's index (the template applies to it; push can choose another).")
@click.option("--max-bytes", default=10.0, show_default=True, type=click.FloatRange(min=0.001),
              help="Largest bulk file, in MB (one article bigger than this still gets a file of its own).")
@click.option("--shards", default=1, show_default=True, type=click.IntRange(1, 1024), help="Primary shards (see docs/scaling.md).")
@click.option("--replicas", default=1, show_default=True, type=click.IntRange(0, 16), help="Replicas of each shard.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def opensearch_export_command(out, index_dir, index_name, max_bytes, shards, replicas, as_json, quiet):
    """Write OUT/: template.json (analysis chain, mappings), the word lists it reads, search-template.json
    and bulk-NNNN.ndjson files holding every article of the index once."""
    from search.opensearch import export

    progress = not quiet and not as_json and sys.stderr.isatty()
    summary = export(index_dir, out, index_name=index_name, max_bytes=int(max_bytes * 1024 * 1024),
                     shards=shards, replicas=replicas, progress=progress)
    if as_json:
        click.echo(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"exported {summary.articles} articles (the index holds {summary.index_documents}) into "
               f"{len(summary.files)} bulk files in '{out}', {summary.seconds:.1f}s")
    click.echo(f"analysis: {summary.rules} stemming rules, {summary.keywords} protected words and names, "
               f"from {summary.vocabulary} distinct words")
    click.echo(f"next: copy {out}/warta-stems.txt and warta-keywords.txt into config/analysis/ on every node, "
               f"then: warta opensearch push URL --from {out}   (or push with --rules inline)")


@opensearch_group.command("push")
@click.argument("url")
@click.option("--from", "export_dir", default=DEFAULT_EXPORT, show_default=True, type=click.Path(file_okay=False),
              help="The folder `warta opensearch export` wrote.")
@click.option("--index-name", help="The cluster's index (default: the name given at export).")
@click.option("--rules", "rules_in", type=click.Choice(["path", "inline"]), default="path", show_default=True,
              help="path: the word lists are in config/analysis/ on every node; inline: send them in the index settings.")
@click.option("--rejects", "rejects_path", type=click.Path(dir_okay=False),
              help="Where refused articles go (default: FROM/push-rejects.jsonl).")
@click.option("--chunk", default=500, show_default=True, type=click.IntRange(1, 10000), help="Articles per bulk request.")
@click.option("--retries", default=5, show_default=True, type=click.IntRange(0, 50),
              help="Retries of a rejected-for-load item (429) or a failed request, with doubling back-off.")
@click.option("--insecure", is_flag=True, help="Do not verify the cluster's TLS certificate (a local test cluster).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def opensearch_push_command(url, export_dir, index_name, rules_in, rejects_path, chunk, retries, insecure, as_json, quiet):
    """Load an export into the OpenSearch cluster at URL (https://HOST:9200).

    Credentials come from WARTA_OPENSEARCH_USER and WARTA_OPENSEARCH_PASSWORD, or a netrc entry for the
    host, never from the command line; a CA certificate from WARTA_OPENSEARCH_CA_CERTS.
    """
    from search.opensearch.push import push

    progress = not quiet and not as_json and sys.stderr.isatty()
    summary = push(url, export_dir, index_name=index_name, rules_in=rules_in, rejects_path=rejects_path,
                   chunk_size=chunk, retries=retries, progress=progress, verify_certs=not insecure)
    if as_json:
        click.echo(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(f"read {summary.read}: created {summary.created}, updated {summary.updated}, "
                   f"rejected {summary.rejected}; the index '{summary.index}' now holds {summary.documents} "
                   f"documents, {summary.seconds:.1f}s")
        if summary.rejected:
            reasons = ", ".join(f"{r} ({n})" for r, n in sorted(summary.reasons.items(), key=lambda i: -i[1])[:3])
            click.echo(f"rejected articles, with the cluster's reasons: {summary.rejects_file}")
            click.echo(f"  most common: {reasons}")
    if summary.rejected:
        sys.exit(1)


@opensearch_group.command("search")
@click.argument("url")
@click.argument("query")
@click.option("--index-name", default="warta", show_default=True, help="The cluster's index.")
@click.option("--source", multiple=True, help="Only this outlet (repeat for several).")
@click.option("--category", multiple=True, help="Only this category (repeat for several).")
@click.option("--from", "date_from", metavar="DATE", help="Published on or after DATE (2017, 2017-03, 2017-03-02).")
@click.option("--to", "date_to", metavar="DATE", help="Published on or before DATE (the whole day, month or year).")
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default="relevance", show_default=True)
@click.option("--page", default=1, show_default=True, type=click.IntRange(min=1))
@click.option("--per-page", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--insecure", is_flag=True, help="Do not verify the cluster's TLS certificate (a local test cluster).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON (the same data as warta search --json).")
def opensearch_search_command(url, query, index_name, source, category, date_from, date_to, sort, page, per_page,
                              insecure, as_json):
    """Search an index pushed to the cluster at URL with Warta's query language (see warta search)."""
    from search.opensearch.store import OpenSearchStore
    from search.opensearch.push import cluster_errors

    with cluster_errors(url):
        results = OpenSearchStore(url, index_name, verify_certs=not insecure).search(
            query, page=page, per_page=per_page, source=list(source) or None, category=list(category) or None,
            date_from=date_from, date_to=date_to, sort=sort)
    if as_json:
        click.echo(json.dumps(results.as_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(_terminal_results(results))


if __name__ == "__main__":
    sys.exit(main())
