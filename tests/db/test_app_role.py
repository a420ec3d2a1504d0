"""``flask db grant-app-role``: the app runs as a role that can write cases and add audit rows,
but cannot wipe, alter or switch off the append-only audit log (ASVS V16.4.2)."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from harkat import create_app
from harkat.audit.models import AuditLog
from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.registration.models import Entrepreneur
from tests.conftest import BACKEND
from tests.fixtures.registration import valid_nik
from tests.fixtures.users import PASSWORD

on_postgresql = pytest.mark.skipif(
    BACKEND != "postgresql",
    reason="database roles and grants exist only on PostgreSQL; SQLite has no roles",
)
#: PostgreSQL's SQLSTATE for "permission denied" / "must be owner".
INSUFFICIENT_PRIVILEGE = "42501"


def _as_role(database_url: str, role: str) -> str:
    return make_url(database_url).set(username=role).render_as_string(hide_password=False)


def _audit_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog))


@on_postgresql
def test_app_role_registers_cases_but_cannot_wipe_the_audit_log(
    app, runner, app_config, database_url, app_role, create_user
):
    _, username = create_user(Role.FACILITATOR)
    result = runner.invoke(args=["db", "grant-app-role", app_role])
    assert result.exit_code == 0, result.output
    assert "log audit hanya baca dan tambah" in result.output

    role_url = _as_role(database_url, app_role)
    role_app = create_app({**app_config, "DATABASE_URL": role_url})
    try:
        client = role_app.test_client()
        login = client.post("/auth/login", data={"username": username, "password": PASSWORD})
        assert login.status_code == 302, login.get_data(as_text=True)
        nik = valid_nik()
        response = client.post(
            "/pelaku-usaha/baru",
            data={
                "nik": nik,
                "full_name": "Rahmawati Putri",
                "birth_place": "Jambi",
                "phone": "0812 3456 7890",
                "address": "Lr. Mawar No. 12",
                "rt": "5",
                "rw": "2",
                "kelurahan_code": "15.71.01.1001",
                "education": "sma",
                "marital_status": "married",
                "dependants": "2",
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)
    finally:
        with role_app.app_context():
            db.session.remove()
            db.engine.dispose()

    with app.app_context():
        entrepreneur = db.session.scalar(sa.select(Entrepreneur).where(Entrepreneur.nik == nik))
        assert entrepreneur is not None
        actions = set(
            db.session.execute(
                sa.select(AuditLog.action, AuditLog.entity_type).where(
                    AuditLog.actor_name == username
                )
            ).all()
        )
    assert ("login", "users") in actions and ("create", "entrepreneurs") in actions
    rows_before = _audit_count(app)

    attacks = [
        "TRUNCATE audit_log",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change",
        "ALTER TABLE audit_log DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_log_no_change ON audit_log",
        "DROP FUNCTION audit_log_append_only() CASCADE",
        "DROP TABLE audit_log CASCADE",
        "DELETE FROM audit_log",
        "UPDATE audit_log SET action = 'dihapus'",
    ]
    engine = sa.create_engine(role_url)
    try:
        for statement in attacks:
            with engine.connect() as connection, pytest.raises(sa.exc.DBAPIError) as refused:
                connection.exec_driver_sql(statement)
            assert refused.value.orig.sqlstate == INSUFFICIENT_PRIVILEGE, statement
        with engine.connect() as connection:
            # Reading stays possible: the audit page runs as this role.
            assert connection.scalar(sa.text("SELECT count(*) FROM audit_log")) == rows_before
    finally:
        engine.dispose()
    assert _audit_count(app) == rows_before


@on_postgresql
def test_tables_added_by_later_migrations_are_usable_by_the_app_role(
    app, runner, database_url, app_role
):
    assert runner.invoke(args=["db", "grant-app-role", app_role]).exit_code == 0
    table = f"probe_{uuid.uuid4().hex[:8]}"
    owner = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    engine = sa.create_engine(_as_role(database_url, app_role))
    try:
        with owner.connect() as connection:
            connection.exec_driver_sql(f"CREATE TABLE {table} (id serial PRIMARY KEY, note text)")
        with engine.begin() as connection:
            connection.exec_driver_sql(f"INSERT INTO {table} (note) VALUES ('baru')")  # noqa: S608
            count = f"SELECT count(*) FROM {table}"  # noqa: S608 - a name the test made
            assert connection.scalar(sa.text(count)) == 1
        with engine.connect() as connection, pytest.raises(sa.exc.DBAPIError) as refused:
            connection.exec_driver_sql(f"TRUNCATE {table}")
        assert refused.value.orig.sqlstate == INSUFFICIENT_PRIVILEGE
    finally:
        engine.dispose()
        with owner.connect() as connection:
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
        owner.dispose()


@on_postgresql
def test_grant_refuses_a_missing_role_or_a_superuser(runner):
    missing = runner.invoke(args=["db", "grant-app-role", "harkat_tidak_ada_xyz"])
    assert missing.exit_code != 0
    assert "Peran basis data 'harkat_tidak_ada_xyz' belum ada" in missing.output
    assert "CREATE ROLE harkat_tidak_ada_xyz LOGIN" in missing.output
    superuser = runner.invoke(args=["db", "grant-app-role", "postgres"])
    assert superuser.exit_code != 0 and "superuser" in superuser.output


@pytest.mark.skipif(BACKEND == "postgresql", reason="checks the SQLite refusal")
def test_grant_on_sqlite_explains_it_is_for_postgresql(runner):
    result = runner.invoke(args=["db", "grant-app-role", "harkat_app"])
    assert result.exit_code != 0
    assert "hanya untuk PostgreSQL" in result.output
