"""The Flask application factory: blueprints, caches, strict JSON, deadlines and headers."""

from __future__ import annotations

import logging
import os
import secrets
from typing import Any

from flask import Flask, Response, request
from flask.json.provider import DefaultJSONProvider

from ..jsonio import dumps_strict, loads_strict
from ..limits import deadline, time_left
from ..render import dot
from . import api, errors, language, pages, worksheets
from .answers import answer_cache

log = logging.getLogger(__name__)


def settings() -> dict:
    """The app's settings: defaults, the deployment's environment variables over them."""
    env = os.environ.get
    return {
        # a graph program is a few kB; the request limit leaves room for a big one and no more
        "MAX_CONTENT_LENGTH": 64 * 1024,
        # answers' texts each worker keeps: 64 MB holds a few thousand typical answers
        "EXPLAIN_CACHE_BYTES": int(env("EXPLAIN_CACHE_BYTES", 64 * 1024 * 1024)),
        # a Redis shared by several instances (redis://host:6379/0); none: each worker's own
        "CACHE_URL": env("CACHE_URL") or None,
        # wall time of everything one request does (reading, running, deriving, rendering, a
        # worksheet's drafting): the largest worksheet takes ~3 s alone, and gunicorn's own
        # timeout (30 s) stays far away
        "REQUEST_SECONDS": float(env("GRADTUTOR_REQUEST_SECONDS", 15)),
        # signs worksheet links and salts their numbers (tutor.web.signing): required, since
        # a default would let anyone sign a teacher's link; every worker must share it
        "SECRET_KEY": env("SECRET_KEY") or None,
    }


# No inline script or style anywhere: pages load /static/style.css and /static/app.js only.
CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, switched to ``tutor.jsonio``'s NaN-free reading and writing."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """Serialise for ``jsonify`` and JSON responses."""
        return dumps_strict(obj)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse request bodies (``request.get_json``) strictly."""
        return loads_strict(s)


def _secure(response: Response) -> Response:
    """Security headers on every response, error pages and static files included."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if time_left() < 0:  # its answer is a too_expensive error; the log says which request
        log.warning("request exceeded its time budget: %s %s", request.method, request.path)
    return response


def _within_deadline(app: Flask) -> None:
    """Run every request of ``app`` under one deadline of ``REQUEST_SECONDS``."""
    wsgi_app, seconds = app.wsgi_app, app.config["REQUEST_SECONDS"]

    def timed(environ: dict, start_response: Any) -> Any:
        with deadline(seconds):
            return wsgi_app(environ, start_response)

    app.wsgi_app = timed  # type: ignore[method-assign]


class MissingSecretKey(RuntimeError):
    """The service was started without ``SECRET_KEY``."""


def _require_secret(app: Flask) -> None:
    """A production start without ``SECRET_KEY`` fails; ``gradtutor serve`` (``DEVELOPMENT``)
    makes a throwaway one, so its signed links last as long as the process."""
    if app.config.get("SECRET_KEY"):
        return
    if not app.config.get("DEVELOPMENT"):
        message = (
            "SECRET_KEY is not set: worksheet links are signed with it. Set it in the "
            "environment, the same for every worker and instance, e.g. "
            "SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')"
        )
        log.critical("%s", message)
        raise MissingSecretKey(message)
    app.config["SECRET_KEY"] = secrets.token_hex(32)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the Flask application (the application-factory pattern).

    Templates and static files are found through this package (``tutor/web/templates``,
    ``tutor/web/static``), so an installed wheel serves the same site as the source tree.
    ``test_config`` overrides the settings; ``{"DEVELOPMENT": True}`` lets it start without
    ``SECRET_KEY`` (``gradtutor serve``).
    """
    try:  # every result page draws a graph: refuse to start rather than serve pages without
        dot.require()
    except dot.LayoutEngineMissing as missing:
        log.critical("%s", missing)
        raise
    app = Flask(__name__.rpartition(".")[0])
    app.json = StrictJSONProvider(app)
    app.config.update(settings())
    hosts = os.environ.get("GRADTUTOR_TRUSTED_HOSTS")  # production: the names it is served as
    if hosts:  # any other Host header is refused (400), so no page echoes a forged one
        app.config["TRUSTED_HOSTS"] = [h.strip() for h in hosts.split(",") if h.strip()]
    if test_config:
        app.config.update(test_config)
    _require_secret(app)
    app.extensions["explain_cache"] = answer_cache(
        app.config["EXPLAIN_CACHE_BYTES"], app.config["CACHE_URL"]
    )
    language.install(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(worksheets.bp)
    errors.register(app)
    app.after_request(_secure)
    _within_deadline(app)
    return app
