"""Web archives (WARC, optionally gzip-compressed): every archived HTML page becomes an article."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from search.ingest.html_reader import extract_article
from search.ingest.limits import MAX_RECORD_BYTES, over_cap
from search.ingest.records import RawRecord, Rejection

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(path: Path) -> Iterator[RawRecord | Rejection]:
    """Yield one record per archived HTML page (response or resource record) in a WARC file."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    number = pages = 0
    with open(path, "rb") as stream:
        try:
            records = ArchiveIterator(stream, arc2warc=True)
            for record in records:
                number += 1
                item = _page(path, number, record)
                if item is not None:
                    pages += 1
                    yield item
        except ArchiveLoadFailed as exc:
            yield Rejection(f"{path}#{number + 1}", f"archive cannot be read from this record on ({exc.msg}); "
                            "the records before it were read")
            return
        except (OSError, EOFError, ValueError) as exc:
            yield Rejection(f"{path}#{number + 1}", f"archive cannot be read from this record on ({exc}); "
                            "the file may be truncated")
            return
    if number == 0:
        yield Rejection(str(path), "no WARC records found: the file is empty or not a web archive")
    elif pages == 0:
        yield Rejection(str(path), f"none of the archive's {number} records is an HTML page, so it holds no articles")


def _page(path: Path, number: int, record) -> RawRecord | Rejection | None:
    """Return the article of one WARC record, a rejection, or None when the record is no HTML page."""
    if record.rec_type not in ("response", "resource"):
        return None  # requests, metadata, revisits: not pages
    uri = record.rec_headers.get_header("WARC-Target-URI")
    origin = f"{path}#{number}"
    if record.http_headers is not None:
        status = record.http_headers.get_statuscode()
        content_type = record.http_headers.get_header("Content-Type") or ""
        if status and not status.startswith("2"):
            return None  # redirects and errors carry no article
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    if not content_type.lower().startswith(_HTML_TYPES):
        return None  # images, scripts, style sheets
    html = record.content_stream().read(MAX_RECORD_BYTES + 1)
    if len(html) > MAX_RECORD_BYTES:
        return Rejection(origin, over_cap(f"archived page {uri}"))  # the iterator skips the rest of the record
    fields = extract_article(html, url=uri, fallback_date=record.rec_headers.get_header("WARC-Date"))
    if fields is None:
        return Rejection(origin, f"no article text found in the archived page {uri} (a list or index page?)")
    fields.setdefault("url", uri)
    return RawRecord(origin, fields)
