"""One central error handler: a friendly page for browsers, JSON for /api/, never a traceback.

Every message is in the reader's language (web.i18n): the library's messages through its catalogue
entries (search.messages.Message), the app's own through gettext.
"""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from search import IncompatibleIndex, IndexNotFound, InvalidQuery
from web.i18n import translate_message
from web.params import BadParameter


def title(status: int) -> str:
    """Return the heading of an error page, in the reader's language."""
    return {
        400: gettext("That search could not be understood"),
        404: gettext("Not found"),
        405: gettext("Method not allowed"),
        500: gettext("Something went wrong"),
        503: gettext("The archive is not available"),
    }.get(status, gettext("Error"))


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str, hint: str | None = None):
    """Return the error as JSON for the API, as the error page for everything else."""
    if wants_json():
        body = {"error": {"status": status, "message": message}}
        if hint:
            body["error"]["hint"] = hint
        return jsonify(body), status
    return render_template("error.html", status=status, title=title(status),
                           message=message, hint=hint), status


def exception_message(exc: Exception) -> str:
    """Return an expected error's message in the reader's language."""
    return translate_message(exc.args[0]) if exc.args else str(exc)


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(BadParameter)
    @app.errorhandler(InvalidQuery)
    def bad_request(exc):
        return error_response(400, exception_message(exc))

    @app.errorhandler(IndexNotFound)
    def no_index(exc):
        return error_response(503, exception_message(exc),
                              hint=gettext("To try Warta on the bundled sample archive run: warta demo"))

    @app.errorhandler(IncompatibleIndex)
    def incompatible_index(exc):
        return error_response(503, exception_message(exc))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        message = {404: gettext("There is no page or article at this address."),
                   405: gettext("This address does not accept that method.")}.get(exc.code)
        return error_response(exc.code or 500, message or exc.description)

    @app.errorhandler(Exception)
    def unexpected(exc):
        # Logged with its traceback for the operator; the visitor only learns that it failed.
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return error_response(500, gettext("The server hit an unexpected error. Please try again; "
                                           "if it keeps happening, tell the archive's maintainers."))
