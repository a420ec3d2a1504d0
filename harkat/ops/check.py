"""``flask check``: is this node fit to serve? Run before start (systemd ``ExecStartPre``).

Each check says what it found in Indonesian; a failed check makes the command exit 1 so systemd
does not start a node that would answer 500s (database unreachable, migrations behind, uploads
not writable) or print QR codes nobody can open (no public address). Warnings (plain-HTTP public
address) are shown but do not stop the start.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import click
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask.cli import with_appcontext

from harkat.extensions import db

OK, WARNING, FAILED = "ok", "peringatan", "GAGAL"
#: Shorter keys can be guessed offline from one signed cookie.
MIN_SECRET_KEY_LENGTH = 32


@dataclass(frozen=True)
class Finding:
    status: str
    subject: str
    detail: str


def _database(app: Flask) -> list[Finding]:
    try:
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
    except sa.exc.DBAPIError as error:
        reason = str(error.orig).splitlines()[0] if error.orig else error.__class__.__name__
        return [Finding(FAILED, "Basis data", f"tidak dapat dihubungi ({reason}).")]
    findings = [Finding(OK, "Basis data", f"terhubung ({db.engine.url.get_backend_name()}).")]
    directory = app.extensions["migrate"].directory
    heads = set(ScriptDirectory(directory).get_heads())
    if current == heads:
        findings.append(Finding(OK, "Migrasi", f"terbaru ({', '.join(sorted(heads))})."))
    else:
        findings.append(
            Finding(
                FAILED,
                "Migrasi",
                f"basis data pada {', '.join(sorted(current)) or 'belum bermigrasi'}, kode pada "
                f"{', '.join(sorted(heads))}; jalankan 'flask db upgrade'.",
            )
        )
    return findings


def _writable(subject: str, folder: Path) -> Finding:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".check-{secrets.token_hex(4)}"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as error:
        return Finding(FAILED, subject, f"{folder} tidak dapat ditulisi ({error.strerror}).")
    return Finding(OK, subject, f"{folder} dapat ditulisi.")


def _public_address(app: Flask) -> Finding:
    address = app.config.get("PUBLIC_BASE_URL") or ""
    if not address:
        return Finding(
            FAILED,
            "Alamat publik",
            "HARKAT_PUBLIC_BASE_URL belum diatur: kode QR dan tautan WhatsApp tidak dapat dibuka.",
        )
    if not address.startswith("https://"):
        return Finding(WARNING, "Alamat publik", f"{address} bukan HTTPS.")
    return Finding(OK, "Alamat publik", address)


def _secret_key(app: Flask) -> Finding:
    key = app.config.get("SECRET_KEY") or ""
    if len(str(key)) < MIN_SECRET_KEY_LENGTH:
        return Finding(
            FAILED,
            "Kunci rahasia",
            f"terlalu pendek ({len(str(key))} karakter, minimal {MIN_SECRET_KEY_LENGTH}); buat "
            "dengan: python3 -c 'import secrets; print(secrets.token_hex(32))'.",
        )
    return Finding(OK, "Kunci rahasia", f"{len(str(key))} karakter.")


def run_checks(app: Flask) -> list[Finding]:
    """Every check, in the order a person would fix them."""
    return [
        _secret_key(app),
        *_database(app),
        _writable("Penyimpanan unggahan", Path(app.config["UPLOAD_DIR"])),
        _writable("Folder instance", Path(app.instance_path)),
        _public_address(app),
    ]


@click.command("check")
@with_appcontext
def check_command() -> None:
    """Periksa konfigurasi, basis data, migrasi, penyimpanan, alamat publik dan kunci rahasia."""
    findings = run_checks(current_app._get_current_object())
    for finding in findings:
        click.echo(f"[{finding.status:>10}] {finding.subject}: {finding.detail}")
    failed = [f for f in findings if f.status == FAILED]
    if failed:
        raise click.ClickException(
            f"{len(failed)} pemeriksaan gagal; HARKAT belum siap dijalankan."
        )
    click.echo("HARKAT siap dijalankan.")
