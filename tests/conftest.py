"""Shared fixtures: an app on a fresh database per test, a client, a runner and a login helper.

``HARKAT_TEST_BACKEND`` chooses the database: ``sqlite`` (default) or ``postgresql``, which uses
the scratch database named by ``HARKAT_TEST_DATABASE_URL``. On PostgreSQL only the tests that
touch a database run; pure unit tests have nothing more to prove there.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from harkat import create_app
from harkat import database_url as normalise_url
from harkat.extensions import db
from harkat.reference.services import seed_reference

BACKEND = os.environ.get("HARKAT_TEST_BACKEND", "sqlite")
DATABASE_FIXTURES = {"app", "database_url"}
#: The suite's password hashing: scrypt (production's) costs ~70 ms and 32 MB a hash, and the
#: suite creates and signs in thousands of throwaway accounts.
TEST_HASH_METHOD = "pbkdf2:sha256:1000"


def pytest_report_header(config):
    return f"HARKAT test database backend: {BACKEND}"


def pytest_collection_modifyitems(config, items):
    if BACKEND != "postgresql":
        return
    selected, deselected = [], []
    for item in items:
        uses_db = DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        (selected if uses_db else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@contextmanager
def database_beside(url: str, suffix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database ``<name>_<suffix>`` on ``url``'s server, dropped after."""
    url = make_url(url)
    name = f"{url.database}_{suffix}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session")
def database_url_base(tmp_path_factory) -> Iterator[str]:
    """The run's database: a SQLite file per run, or the PostgreSQL scratch database.

    Under pytest-xdist each worker (``gw0``, ``gw1`` …) has a database of its own: a SQLite file in
    its own temporary directory, or ``<name>_gw0`` … created beside the named PostgreSQL one.
    """
    if BACKEND != "postgresql":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'template.sqlite3'}"
        return
    url = os.environ.get("HARKAT_TEST_DATABASE_URL")
    if not url:
        pytest.exit("HARKAT_TEST_BACKEND=postgresql needs HARKAT_TEST_DATABASE_URL", 2)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        yield normalise_url(url)
        return
    with database_beside(normalise_url(url), worker) as own:
        yield own


def _base_config(instance: Path, url: str) -> dict:
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": url,
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False,
        # Reports show what the test just stored; tests of the cache set their own minutes.
        "REPORT_FUNNEL_CACHE_MINUTES": 0,
        "PASSWORD_HASH_METHOD": TEST_HASH_METHOD,
    }


@pytest.fixture(scope="session")
def schema_ready(database_url_base, tmp_path_factory) -> str:
    """Build the schema once per run (and, on SQLite, a seeded template file to copy)."""
    app = create_app(_base_config(tmp_path_factory.mktemp("instance"), database_url_base))
    with app.app_context():
        db.drop_all()
        db.create_all()
        if BACKEND != "postgresql":
            seed_reference(db.session)
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return database_url_base


def _reset_postgresql() -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    seed_reference(db.session)
    db.session.commit()


@pytest.fixture
def database_url(schema_ready, tmp_path) -> str:
    """A URL whose database holds the schema and the reference data, and nothing else."""
    if BACKEND == "postgresql":
        return schema_ready
    target = tmp_path / "harkat.sqlite3"
    shutil.copyfile(schema_ready.removeprefix("sqlite:///"), target)
    return f"sqlite:///{target}"


@pytest.fixture
def app_config(database_url, tmp_path) -> dict:
    """Configuration of the ``app`` fixture; override it in a module to change settings."""
    instance = tmp_path / "instance"
    instance.mkdir()
    return _base_config(instance, database_url)


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    with app.app_context():
        if BACKEND == "postgresql":
            _reset_postgresql()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db_session(app):
    """The app's SQLAlchemy session inside an app context."""
    with app.app_context():
        yield db.session


pytest_plugins = [
    "tests.fixtures.users",
    "tests.fixtures.registration",
    "tests.fixtures.training",
    "tests.fixtures.referrals",
    "tests.fixtures.serving",
]
