"""Fixtures of the database tests: a PostgreSQL role of the app's own."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa


@pytest.fixture
def app_role(app, database_url):
    """A fresh LOGIN role (unique per run, the cluster is shared), dropped afterwards."""
    name = f"harkat_app_{uuid.uuid4().hex[:12]}"
    owner = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with owner.connect() as connection:
        connection.exec_driver_sql(f"CREATE ROLE {name} LOGIN")
    yield name
    with owner.connect() as connection:
        connection.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (name,)
        )
        connection.exec_driver_sql(f"DROP OWNED BY {name}")
        connection.exec_driver_sql(f"DROP ROLE {name}")
    owner.dispose()
