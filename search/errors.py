"""The library's named failures. The CLI turns them into messages, the web app into pages."""


class WartaError(Exception):
    """Base class of every error Warta raises on purpose; its message says how to fix it."""


class IndexNotFound(WartaError):
    """There is no index at the given path."""


class IncompatibleIndex(WartaError):
    """The index was built by a version of Warta whose schema this version cannot read."""


class IndexUnreadable(IncompatibleIndex):
    """The index folder cannot be read: damaged, half-copied, or not readable by this user. A kind of
    IncompatibleIndex, so whoever shows that one (the CLI's message, the web app's 503) shows this too."""


class IndexBusy(WartaError):
    """Another writer held the index lock for longer than we were willing to wait."""


class InvalidQuery(WartaError, ValueError):
    """The query or a search argument cannot be honoured; the message says what is wrong.

    Also a ValueError: it is one, and callers that validate input catch ValueError."""


class SearchTooSlow(InvalidQuery):
    """A search ran past its time limit (wildcards or phrases of very common words); the message says
    how to narrow it. A subclass of InvalidQuery: whoever shows query errors shows this one too."""


class RejectedRecord(WartaError):
    """An input record cannot be indexed; the message is the reason shown in the rejects file."""
