"""gradtutor's tutor: graph programs, symbolic derivation and the Flask service."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def create_app(test_config: dict | None = None) -> Flask:
    """Build the Flask application (the application-factory pattern)."""
    app = Flask(__name__, template_folder=str(TEMPLATES))
    if test_config:
        app.config.update(test_config)
    from . import web

    app.register_blueprint(web.bp)
    return app
