"""Fixtures for the browser tests: a seeded demo app on a live port and headless Chromium."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # This machine's network is closed: Chromium's own background calls are refused and
    # can stall a launch, so none of them may start.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class LiveServer:
    url: str
    caguan_id: int
    # The served app, for what a browser cannot do: running a periodic task now, say.
    app: object = None


def _chromium_path() -> str | None:
    configured = os.environ.get("HSBP_CHROMIUM")
    if configured:
        return shutil.which(configured)
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = _chromium_path()
    if path is None:
        where = os.environ.get("HSBP_CHROMIUM") or "chromium or chromium-browser on PATH"
        pytest.skip(f"browser tests need Chromium, not found: {where} (set HSBP_CHROMIUM)")
    return path


@pytest.fixture(scope="session", autouse=True)
def _browser_requirements(chromium_path: str) -> None:
    """Skip the whole folder before any server starts when the browser cannot run."""
    pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    from cryptography.fernet import Fernet
    from sqlalchemy import select
    from werkzeug.serving import make_server

    import hsbp
    from hsbp import db, demo, migrate
    from hsbp.partnerships.models import Partnership

    instance = tmp_path_factory.mktemp("browser-instance")
    # Always SQLite, whatever HSBP_TEST_DATABASE_URL says: these tests are about the UI.
    database_url = f"sqlite:///{instance / 'hsbp.sqlite3'}"
    with pytest.MonkeyPatch.context() as patch:
        # Keep anything the app writes to its instance folder out of the checkout.
        patch.setenv("HSBP_INSTANCE_PATH", str(instance))
        app = hsbp.create_app(
            {
                "ENV": "testing",
                "SECRET_KEY": "browser-tests-secret-key",
                "FIELD_KEY": Fernet.generate_key().decode(),
                "DATABASE_URL": database_url,
                "QUEUE_URL": "immediate",
                "PUBLIC_URL": "http://127.0.0.1:0",
                # Several tests sign in from the same address within a minute.
                "LOGIN_RATE_LIMIT": "1000 per minute",
                # As in `hsbp demo`: the demo's people sign in without an authenticator app
                # (test_two_factor switches it on for its own tests).
                "TWO_FACTOR_REQUIRED": False,
            }
        )
    migrate.upgrade(database_url)
    with app.app_context():
        demo.seed_if_empty(db.session())
        db.finish(commit=True)
        caguan_id = db.session().scalar(
            select(Partnership.id).where(
                Partnership.name == "Alianza por la Seguridad Humana del Caguán"
            )
        )
        db.finish(commit=False)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    # The port is only known once the server is bound; links in e-mails use PUBLIC_URL.
    app.config["PUBLIC_URL"] = url
    thread = threading.Thread(target=server.serve_forever, name="hsbp-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=url, caguan_id=caguan_id, app=app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        db.database(app).engine.dispose()


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
    except Exception:
        playwright.stop()
        raise
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


@pytest.fixture
def page(browser, live_server: LiveServer):
    # A fresh context per test: no cookie, session or cache leaks from one test to the next.
    # English Accept-Language so the login page (before any profile language) is predictable.
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
