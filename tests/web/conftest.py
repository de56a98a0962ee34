"""Fixtures for the service: the app, its test client, the served OpenAPI document, and
for the browser tests the app on a loopback port with a headless chromium."""

from __future__ import annotations

import threading

import pytest
from jsonschema import Draft202012Validator
from werkzeug.serving import make_server

from tests.web.browsing import ARGS, CHROMIUM, Page
from tutor import create_app


@pytest.fixture
def app():
    """A fresh application with its own (empty) explain cache."""
    return create_app({"TESTING": True})


@pytest.fixture
def client(app):
    """Flask's test client for ``app``."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Flask's CLI runner for ``app``."""
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def openapi_document():
    """The OpenAPI document exactly as the service serves it."""
    return create_app({"TESTING": True}).test_client().get("/api/v1/openapi.json").get_json()


@pytest.fixture(scope="session")
def assert_matches_openapi(openapi_document):
    """Check a test-client response against the served document's schema for it."""

    def check(response, path: str, method: str = "post") -> dict:
        responses = openapi_document["paths"][path][method]["responses"]
        assert str(response.status_code) in responses, f"undocumented {response.status_code}"
        media = responses[str(response.status_code)]["content"]
        assert response.mimetype in media, f"undocumented media type {response.mimetype}"
        # the whole document is the schema root, so its "#/components/..." refs resolve
        schema = dict(openapi_document, **media[response.mimetype]["schema"])
        body = response.get_json()
        Draft202012Validator(schema).validate(body)
        return body

    return check


@pytest.fixture(scope="module")
def base_url():
    """The app on a free loopback port, served by a thread of this process."""
    server = make_server("127.0.0.1", 0, create_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    """One headless chromium for the module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def page(request, browser):
    """A fresh page, with JavaScript on and then off."""
    with Page(browser, javascript=request.param) as p:
        yield p
