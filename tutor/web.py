"""The tutoring pages."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("web", __name__)


@bp.get("/")
def index():
    """The start page."""
    return render_template("index.html")
