"""gradtutor's tutor: graph programs, symbolic derivation and the Flask service."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"

DEFAULTS = {
    # a graph program is a few kB; the request limit leaves room for a big one and no more
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "EXPLAIN_CACHE_SIZE": 512,
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


def _secure(response: Response) -> Response:
    """Security headers on every response, error pages and static files included."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def create_app(test_config: dict | None = None) -> Flask:
    """Build the Flask application (the application-factory pattern)."""
    from . import api, errors_http, web, worksheet_views
    from .cache import LRUCache
    from .jsonio import StrictJSONProvider

    app = Flask(__name__, template_folder=str(TEMPLATES), static_folder=str(STATIC))
    app.json = StrictJSONProvider(app)
    app.config.update(DEFAULTS)
    if test_config:
        app.config.update(test_config)
    app.extensions["explain_cache"] = LRUCache(app.config["EXPLAIN_CACHE_SIZE"])
    app.register_blueprint(web.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(worksheet_views.bp)
    errors_http.register(app)
    app.after_request(_secure)
    return app
