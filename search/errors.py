"""The library's named failures. The CLI turns them into messages, the web app into pages."""


class WartaError(Exception):
    """Base class of every error Warta raises on purpose; its message says how to fix it."""


class IndexNotFound(WartaError):
    """There is no index at the given path."""


class IncompatibleIndex(WartaError):
    """The index was built by a version of Warta whose schema this version cannot read."""


class IndexBusy(WartaError):
    """Another writer held the index lock for longer than we were willing to wait."""


class InvalidQuery(WartaError):
    """The query uses advanced syntax that cannot be understood; the message says what is wrong."""


class RejectedRecord(WartaError):
    """An input record cannot be indexed; the message is the reason shown in the rejects file."""
