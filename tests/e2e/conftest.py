"""A real browser (Debian's chromium, headless, driven by Playwright) against HARKAT served on
loopback from a file database. Screenshots of every key page go to ``test-artifacts/e2e``."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from harkat import create_app
from harkat.extensions import db
from tests.conftest import TEST_HASH_METHOD

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")
ADMIN_PASSWORD = "Jambi-Bahagia-2026!"


@pytest.fixture
def live_server(tmp_path):
    """HARKAT on 127.0.0.1 with a migrated, seeded SQLite file and one admin account."""
    from flask_migrate import upgrade

    from harkat.auth import services as auth
    from harkat.auth.domain import Role
    from harkat.reference.services import seed_reference

    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'e2e.sqlite3'}",
            "SECRET_KEY": "e2e-secret",
            "PASSWORD_HASH_METHOD": TEST_HASH_METHOD,
        }
    )
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        seed_reference(db.session)
        auth.create_user(
            db.session,
            auth.UserData(username="admin", full_name="Admin Dinas", role=Role.ADMIN),
            ADMIN_PASSWORD,
        )
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def shot():
    """Save a full-page screenshot named ``NN-name.png`` under test-artifacts/e2e."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 100))

    def take(page, name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{next(counter):02d}-{name}.png"), full_page=True)

    return take
