"""A thin click layer over the library: `warta index|search|stats|delete|analyze|serve|demo`."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from search.errors import WartaError

DEFAULT_INDEX = "index"
index_option = click.option("--index", "index_dir", default=DEFAULT_INDEX, show_default=True,
                            envvar="WARTA_INDEX", type=click.Path(file_okay=False), help="Index folder.")


class WartaGroup(click.Group):
    """Turns the library's expected errors into one-line messages instead of tracebacks."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except WartaError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=WartaGroup)
@click.version_option(package_name="warta")
def main():
    """Warta: search for Indonesian news archives."""


@main.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@index_option
@click.option("--rejects", "rejects_path", type=click.Path(dir_okay=False),
              help="Where rejected records go (default: INDEX/rejects.jsonl).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def index_command(paths, index_dir, rejects_path, as_json, quiet):
    """Index archives: JSON lines (.jsonl, .jsonl.gz), CSV, HTML pages, folders, WARC files."""
    from search.indexer import build

    summary = build(paths, index_dir, rejects_path=rejects_path)
    if as_json:
        click.echo(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"read {summary.read}, indexed {summary.indexed}, updated {summary.updated}, "
               f"duplicates skipped {summary.duplicates}, rejected {summary.rejected} "
               f"in {summary.seconds:.1f}s")
    if summary.rejected:
        click.echo(f"rejected records and reasons: {summary.rejects_file}")


@main.command("search")
@click.argument("query")
@index_option
@click.option("--page", default=1, show_default=True, type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def search_command(query, index_dir, page, as_json):
    """Search the index."""
    from search.index import Index

    results = Index.open(index_dir).search(query, page=page)
    if as_json:
        click.echo(json.dumps(results.as_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"{results.total} results for {results.query}")
    for hit in results.hits:
        click.echo(f"- {hit.title} [{hit.source}, {hit.date}] {hit.id}")


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
        click.echo(f"  {source}: {count}")


@main.command("analyze")
@click.argument("text")
def analyze_command(text):
    """Print the index terms Warta makes of TEXT (to see why a word does or does not match)."""
    from search.analysis import analyze

    click.echo(" ".join(analyze(text)))


if __name__ == "__main__":
    sys.exit(main())
