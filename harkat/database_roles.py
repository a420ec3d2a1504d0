"""PostgreSQL: run the app as a role that owns nothing, so it cannot wipe the audit log.

The triggers on ``audit_log`` refuse UPDATE and DELETE, but a table's owner may still
TRUNCATE it, disable or drop its triggers. Migrations therefore run as the owner role, and
the web workers connect as an *app role* that holds only the data rights it needs: on every
table SELECT, INSERT, UPDATE and DELETE, on every sequence USAGE, SELECT and UPDATE, and on
``audit_log`` only INSERT and SELECT.
"""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from harkat.extensions import db

#: Tables the app may only add to and read.
APPEND_ONLY_TABLES = ("audit_log",)
#: Tables only migrations write.
READ_ONLY_TABLES = ("alembic_version",)


def _quote(connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote_identifier(name)


def grant_statements(connection, role: str) -> list[str]:
    """Return the GRANT/REVOKE statements that give ``role`` exactly the app's rights."""
    prep = connection.dialect.identifier_preparer
    owner = prep.quote_identifier(connection.scalar(sa.text("SELECT current_user")))
    schema = prep.quote_identifier(connection.scalar(sa.text("SELECT current_schema()")))
    database = prep.quote_identifier(connection.scalar(sa.text("SELECT current_database()")))
    app = prep.quote_identifier(role)
    tables = set(sa.inspect(connection).get_table_names())
    statements = [
        f"GRANT CONNECT ON DATABASE {database} TO {app}",
        f"GRANT USAGE ON SCHEMA {schema} TO {app}",
        # Start from nothing, so a second run also takes away rights granted by hand.
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {app}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {app}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {app}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {app}",
    ]
    for table in APPEND_ONLY_TABLES:
        if table in tables:
            statements.append(
                f"REVOKE UPDATE, DELETE ON {schema}.{_quote(connection, table)} FROM {app}"
            )
    for table in READ_ONLY_TABLES:
        if table in tables:
            statements.append(
                f"REVOKE INSERT, UPDATE, DELETE ON {schema}.{_quote(connection, table)} FROM {app}"
            )
    # Tables and sequences that later migrations create (as the owner) get the same rights.
    statements += [
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
        f"GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {app}",
    ]
    return statements


class RoleProblem(click.ClickException):
    """The app role cannot be set up as asked; the message says what to do."""


def check_app_role(connection, role: str) -> None:
    """Refuse a role that is missing, is the owner itself, or could bypass the grants."""
    row = connection.execute(
        sa.text("SELECT rolsuper, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = :r"),
        {"r": role},
    ).first()
    if row is None:
        raise RoleProblem(
            f"Peran basis data '{role}' belum ada. Buat dulu sebagai superuser, misalnya:\n"
            f"  CREATE ROLE {role} LOGIN PASSWORD '<kata sandi kuat>';\n"
            "lalu jalankan perintah ini lagi."
        )
    if row.rolsuper:
        raise RoleProblem(
            f"Peran '{role}' adalah superuser: hak aksesnya tidak dapat dibatasi. "
            "Pakai peran biasa (NOSUPERUSER) untuk aplikasi."
        )
    owner = connection.scalar(sa.text("SELECT current_user"))
    if role == owner:
        raise RoleProblem(
            f"Peran '{role}' adalah pemilik tabel (peran yang menjalankan perintah ini). "
            "Aplikasi harus memakai peran lain yang tidak memiliki tabel."
        )
    owned = connection.scalars(
        sa.text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tableowner = :r ORDER BY tablename"
        ),
        {"r": role},
    ).all()
    if owned:
        raise RoleProblem(
            f"Peran '{role}' memiliki tabel ({', '.join(owned[:5])}); pemilik tabel dapat "
            "mengosongkan log audit. Pindahkan kepemilikan ke peran migrasi, misalnya "
            f"REASSIGN OWNED BY {role} TO <peran pemilik>, lalu jalankan perintah ini lagi."
        )
    if not row.rolcanlogin:
        click.echo(
            f"Catatan: peran '{role}' belum boleh masuk (NOLOGIN). "
            f"Aktifkan dengan ALTER ROLE {role} LOGIN PASSWORD '<kata sandi kuat>'."
        )


@click.command("grant-app-role")
@click.argument("name")
@with_appcontext
def grant_app_role(name: str) -> None:
    """Give an existing PostgreSQL role exactly the rights the app needs (run as the owner)."""
    engine = db.engine
    if engine.dialect.name != "postgresql":
        raise click.ClickException(
            "Perintah ini hanya untuk PostgreSQL. Basis data SQLite tidak memiliki peran: "
            "lindungi berkasnya dengan izin sistem berkas."
        )
    with engine.begin() as connection:
        check_app_role(connection, name)
        for statement in grant_statements(connection, name):
            connection.exec_driver_sql(statement)
    click.echo(
        f"Hak peran '{name}' sudah diatur: baca/tulis data di semua tabel, log audit hanya "
        "baca dan tambah. Jalankan aplikasi dengan DATABASE_URL memakai peran ini; "
        "jalankan migrasi (flask db upgrade) dengan peran pemilik."
    )
