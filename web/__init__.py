"""Warta's web front end: the search pages and the JSON API, as a Flask app factory."""
from __future__ import annotations

import os
from typing import Any, Mapping

from flask import Flask

from web import settings

# No inline script or style anywhere: everything comes from /static, so the policy can forbid the rest.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                           "frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Return the configured app: defaults, then instance/warta.cfg, then WARTA_* variables, then test_config."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping({s.name: s.default for s in settings.SETTINGS})
    app.config.from_pyfile("warta.cfg", silent=True)
    app.config.update(settings.from_environment(os.environ))
    if test_config is not None:
        app.config.update(test_config)
    settings.validate(app.config)
    app.config["INDEX"] = str(app.config["INDEX"])
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    from web import api, archive, errors, i18n, markup, research, views

    i18n.init_app(app)
    archive.init_app(app)
    markup.register(app)
    errors.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(research.bp)

    @app.after_request
    def add_security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app
