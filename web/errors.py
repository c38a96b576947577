"""One central error handler: a friendly page for browsers, JSON for /api/, never a traceback."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from search import IncompatibleIndex, IndexNotFound, InvalidQuery
from web.params import BadParameter

TITLES = {
    400: "That search could not be understood",
    404: "Not found",
    405: "Method not allowed",
    500: "Something went wrong",
    503: "The archive is not available",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str, hint: str | None = None):
    """Return the error as JSON for the API, as the error page for everything else."""
    if wants_json():
        body = {"error": {"status": status, "message": message}}
        if hint:
            body["error"]["hint"] = hint
        return jsonify(body), status
    return render_template("error.html", status=status, title=TITLES.get(status, "Error"),
                           message=message, hint=hint), status


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(BadParameter)
    @app.errorhandler(InvalidQuery)
    def bad_request(exc):
        return error_response(400, str(exc))

    @app.errorhandler(IndexNotFound)
    def no_index(exc):
        return error_response(503, str(exc), hint="To try Warta on the bundled sample archive run: warta demo")

    @app.errorhandler(IncompatibleIndex)
    def incompatible_index(exc):
        return error_response(503, str(exc))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        message = {404: "There is no page or article at this address.",
                   405: "This address does not accept that method."}.get(exc.code, exc.description)
        return error_response(exc.code or 500, message)

    @app.errorhandler(Exception)
    def unexpected(exc):
        # Logged with its traceback for the operator; the visitor only learns that it failed.
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return error_response(500, "The server hit an unexpected error. Please try again; "
                                   "if it keeps happening, tell the archive's maintainers.")
