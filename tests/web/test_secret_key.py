"""SECRET_KEY: production refuses to start without it; ``gradtutor serve`` makes a throwaway one."""

from __future__ import annotations

import pytest
from flask import Flask

from tutor import create_app
from tutor.cli import main
from tutor.web.app import MissingSecretKey


def test_production_without_a_secret_key_is_a_start_up_error(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(MissingSecretKey, match="SECRET_KEY is not set"):
        create_app()  # what wsgi.py and gunicorn's tutor.web:create_app() call
    with pytest.raises(MissingSecretKey):
        create_app({"TESTING": True})  # tests are no exception: they set one


def test_the_environment_gives_the_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from the environment")
    assert create_app().config["SECRET_KEY"] == "from the environment"


def test_the_development_server_makes_its_own_key_and_says_so(monkeypatch, capsys):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    one, two = create_app({"DEVELOPMENT": True}), create_app({"DEVELOPMENT": True})
    assert (
        len(one.config["SECRET_KEY"]) == 64 and one.config["SECRET_KEY"] != two.config["SECRET_KEY"]
    )
    monkeypatch.setattr(Flask, "run", lambda self, **kwargs: None)
    assert main(["serve"]) == 0
    assert "no SECRET_KEY set" in capsys.readouterr().err
