"""The migration scripts build exactly the schema the models describe, and take it down again,
on the backend under test (SQLite or PostgreSQL)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from harkat import create_app
from harkat.database import include_object
from harkat.extensions import db
from tests.conftest import BACKEND, database_beside


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    """An empty database: a new SQLite file, or a new PostgreSQL database beside the test one."""
    if BACKEND != "postgresql":
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    with database_beside(database_url, "migrations") as url:
        yield url


@pytest.fixture
def migrated_app(empty_database_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": empty_database_url,
            "SECRET_KEY": "test",
        }
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _tables(app) -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def test_upgrade_from_empty_matches_the_models_and_downgrade_removes_everything(migrated_app):
    with migrated_app.app_context():
        upgrade()
        assert set(db.metadata.tables) <= _tables(migrated_app)
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": True,
                    "compare_server_default": True,
                    "include_object": include_object(connection.dialect.name),
                },
            )
            drift = compare_metadata(context, db.metadata)
        assert drift == [], f"models and migrations differ: {drift}"

        downgrade(revision="base")
        assert _tables(migrated_app) <= {"alembic_version"}


def test_migrated_audit_log_is_append_only(migrated_app):
    with migrated_app.app_context():
        upgrade()
        db.session.execute(
            sa.text(
                "INSERT INTO audit_log (at, actor_name, action, changes)"
                " VALUES (:at, 'sistem', 'x', '{}')"
            ),
            {"at": "2026-11-27 00:00:00+00:00"},
        )
        db.session.commit()
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            db.session.execute(sa.text("DELETE FROM audit_log"))
        db.session.rollback()
        downgrade(revision="base")


def test_sqlite_connections_use_foreign_keys_wal_and_a_busy_timeout(tmp_path):
    """Runs on SQLite only: it builds its own embedded database."""
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'pragmas.sqlite3'}",
        }
    )
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        db.engine.dispose()
