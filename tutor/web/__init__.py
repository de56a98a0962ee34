"""The only Flask code: the application factory, its pages, the REST API and worksheets."""

from .app import create_app

__all__ = ["create_app"]
