"""Shared fixtures: an app on a fresh database per test, a client, a runner and a login helper.

``HARKAT_TEST_BACKEND`` chooses the database: ``sqlite`` (default) or ``postgresql``, which uses
the scratch database named by ``HARKAT_TEST_DATABASE_URL``. On PostgreSQL only the tests that
touch a database run; pure unit tests have nothing more to prove there.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from werkzeug.routing.rules import Rule

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


def pytest_configure(config):
    _share_url_builders()


def _share_url_builders() -> None:
    """Compile each URL rule's builders once per test process instead of once per app.

    Werkzeug compiles two small Python functions for every rule an app registers: about half
    the CPU of ``create_app``, which the suite calls before every test. A builder depends only
    on the rule's text, its parsed parts and its defaults (the rule itself is an argument when
    it runs), so apps made by the same code can share them; the apps are otherwise untouched.
    """
    compile_builder = Rule._compile_builder
    compiled: dict[tuple, Callable] = {}

    def shared(rule: Rule, append_unknown: bool = True) -> Callable:
        key = (rule.rule, tuple(rule._trace), repr(rule.defaults), append_unknown)
        if key not in compiled:
            compiled[key] = compile_builder(rule, append_unknown)
        return compiled[key]

    Rule._compile_builder = shared


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


@dataclass(frozen=True)
class SeededState:
    """What a freshly built and seeded PostgreSQL schema holds: the rows of every table that has
    any (reference data and the audit rows of its seeding), and where each sequence stands."""

    #: table → its seeded rows in primary-key order
    rows: dict[str, list[dict]]
    #: sequence → (last value given out, or None with the value it starts from)
    sequences: dict[str, tuple[int | None, int]]

    @classmethod
    def capture(cls, session) -> SeededState:
        rows = {}
        for table in db.metadata.sorted_tables:
            in_key_order = sa.select(table).order_by(*table.primary_key)
            found = [dict(row) for row in session.execute(in_key_order).mappings()]
            if found:
                rows[table.name] = found
        sequences = session.execute(
            sa.text(
                "SELECT format('%I.%I', schemaname, sequencename), last_value, start_value "
                "FROM pg_sequences WHERE schemaname = current_schema()"
            )
        )
        return cls(rows, {name: (last, start) for name, last, start in sequences})

    def restore(self, session) -> None:
        """Bring the database back to this state, as TRUNCATE … RESTART IDENTITY of every table
        and a new seed would, in a fraction of the time (that TRUNCATE gives all 52 tables new
        files: about 1.5 s before every test).

        One query finds the tables holding rows. Rows a test added go (DELETE, with triggers
        and foreign keys off for this transaction through ``session_replication_role``, which
        the suite's superuser may set: the audit log's append-only trigger is one of them);
        seeded rows stay where they are unless the test changed them, so reference tables keep
        their order on disk; every sequence goes back to where it stood.
        """
        tables = db.metadata.sorted_tables
        probe = sa.union_all(
            *(sa.select(sa.literal(t.name)).where(sa.exists().select_from(t)) for t in tables)
        )
        holding_rows = set(session.scalars(probe))
        session.execute(sa.text("SET LOCAL session_replication_role = replica"))
        for table in reversed(tables):
            seeded = self.rows.get(table.name)
            if seeded is None:
                if table.name in holding_rows:
                    session.execute(table.delete())
                continue
            key = sa.tuple_(*table.primary_key)
            keys = [tuple(row[column.key] for column in table.primary_key) for row in seeded]
            now = sa.select(table).where(key.in_(keys)).order_by(*table.primary_key)
            if [dict(row) for row in session.execute(now).mappings()] == seeded:
                session.execute(table.delete().where(key.not_in(keys)))
            else:
                session.execute(table.delete())
                session.execute(table.insert(), seeded)
        session.execute(
            sa.select(
                *(
                    sa.func.setval(name, start if last is None else last, last is not None)
                    for name, (last, start) in self.sequences.items()
                )
            )
        )
        session.commit()


@dataclass(frozen=True)
class Schema:
    """The run's database with its schema and reference data: on SQLite a template file each
    test copies, on PostgreSQL the one database, brought back to ``seeded`` before each test."""

    url: str
    seeded: SeededState | None = None


@pytest.fixture(scope="session")
def schema_ready(database_url_base, tmp_path_factory) -> Schema:
    """Build the schema and seed the reference data once per run."""
    app = create_app(_base_config(tmp_path_factory.mktemp("instance"), database_url_base))
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_reference(db.session)
        db.session.commit()
        seeded = SeededState.capture(db.session) if BACKEND == "postgresql" else None
        db.session.remove()
        db.engine.dispose()
    return Schema(database_url_base, seeded)


@pytest.fixture
def database_url(schema_ready, tmp_path) -> str:
    """A URL whose database holds the schema and the reference data, and nothing else."""
    if BACKEND == "postgresql":
        return schema_ready.url
    target = tmp_path / "harkat.sqlite3"
    shutil.copyfile(schema_ready.url.removeprefix("sqlite:///"), target)
    return f"sqlite:///{target}"


@pytest.fixture
def app_config(database_url, tmp_path) -> dict:
    """Configuration of the ``app`` fixture; override it in a module to change settings."""
    instance = tmp_path / "instance"
    instance.mkdir()
    return _base_config(instance, database_url)


@pytest.fixture
def app(app_config, schema_ready):
    app = create_app(app_config)
    with app.app_context():
        if schema_ready.seeded is not None:
            schema_ready.seeded.restore(db.session)
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
