"""``flask users …``: manage accounts from the shell."""

from __future__ import annotations

import secrets
import sys

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from harkat.audit.services import set_actor
from harkat.auth import services
from harkat.auth.domain import ROLE_LABELS, Role
from harkat.auth.models import User
from harkat.errors import StopValidation
from harkat.extensions import db
from harkat.reference.models import Bank, Kecamatan

users_cli = AppGroup("users", help="Kelola akun pengguna.")

#: One account per role for a new embedded database: username, name, role, bank, kecamatan.
DEMO_ACCOUNTS = [
    ("admin", "Admin Dinas Koperasi dan UMKM", Role.ADMIN, None, ()),
    ("pendamping", "Pendamping Lapangan (Demo)", Role.FACILITATOR, None, ("15.71.01", "15.71.07")),
    ("petugas.bank9", "Petugas Bank 9 Jambi (Demo)", Role.BANK_OFFICER, "BANK9JAMBI", ()),
    ("pimpinan", "Pimpinan Kota (Demo)", Role.VIEWER, None, ()),
]


def _read_password() -> str:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise click.UsageError("Kata sandi kosong: kirim kata sandi lewat stdin.")
    return password


def _fail(error: StopValidation) -> None:
    for field, reasons in error.reasons.items():
        for reason in reasons:
            click.echo(f"Galat{f' ({field})' if field else ''}: {reason}", err=True)
    raise SystemExit(1)


def _user_or_exit(username: str) -> User:
    user = db.session.scalar(
        sa.select(User).where(User.username == services.normalise_username(username))
    )
    if user is None:
        click.echo(f"Galat (username): pengguna '{username}' tidak ditemukan.", err=True)
        raise SystemExit(1)
    return user


@users_cli.command("create")
@click.argument("username")
@click.option(
    "--role", required=True, type=click.Choice([r.value for r in Role]), help="Peran akun."
)
@click.option("--name", "full_name", help="Nama lengkap (bawaan: nama pengguna).")
@click.option("--email")
@click.option("--bank", "bank_code", help="Kode bank, wajib untuk bank_officer.")
@click.option(
    "--kecamatan", "kecamatan_codes", multiple=True, help="Kode kecamatan, mis. 15.71.01."
)
@click.option("--password-stdin", is_flag=True, required=True, help="Baca kata sandi dari stdin.")
def create_command(username, role, full_name, email, bank_code, kecamatan_codes, password_stdin):
    """Create an account; the password is read from standard input."""
    set_actor(None)
    data = services.UserData(
        username=username,
        full_name=full_name or username,
        role=Role(role),
        email=email,
        bank_code=bank_code.upper() if bank_code else None,
        kecamatan_codes=kecamatan_codes,
    )
    try:
        user = services.create_user(db.session, data, _read_password())
    except StopValidation as error:
        db.session.rollback()
        _fail(error)
    db.session.commit()
    click.echo(f"Akun {user.username} ({ROLE_LABELS[user.role]}) dibuat.")


@users_cli.command("list")
def list_command():
    """List accounts with role, bank, kecamatan and status."""
    users = db.session.scalars(sa.select(User).order_by(User.username)).all()
    for user in users:
        where = user.bank.code if user.bank else ",".join(user.kecamatan_codes) or "-"
        status = "aktif" if user.is_active else "nonaktif"
        click.echo(f"{user.username:<24} {user.role.value:<13} {where:<30} {status}")


@users_cli.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, required=True, help="Baca kata sandi dari stdin.")
def set_password_command(username, password_stdin):
    """Set a new password and end every session of the user."""
    set_actor(None)
    user = _user_or_exit(username)
    try:
        services.set_password(db.session, user, _read_password())
    except StopValidation as error:
        db.session.rollback()
        _fail(error)
    db.session.commit()
    click.echo(f"Kata sandi {user.username} diganti; semua sesinya diakhiri.")


@users_cli.command("deactivate")
@click.argument("username")
def deactivate_command(username):
    """Switch an account off and end its sessions."""
    set_actor(None)
    user = _user_or_exit(username)
    services.deactivate(db.session, user)
    db.session.commit()
    click.echo(f"Akun {user.username} dinonaktifkan.")


@users_cli.command("demo")
def demo_command():
    """On a database with no accounts, create one demo account per role and print passwords once."""
    set_actor(None)
    if db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        click.echo("Akun sudah ada; kata sandi demo hanya ditampilkan saat pertama dibuat.")
        return
    if db.session.scalar(sa.select(sa.func.count()).select_from(Kecamatan)) == 0 or (
        db.session.scalar(sa.select(Bank.id).where(Bank.code == "BANK9JAMBI")) is None
    ):
        raise click.ClickException("Jalankan 'flask --app harkat seed reference' lebih dulu.")
    created = []
    for username, full_name, role, bank_code, kecamatan_codes in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(12)
        data = services.UserData(username, full_name, role, None, bank_code, kecamatan_codes)
        services.create_user(db.session, data, password)
        created.append((username, role, password))
    db.session.commit()
    click.echo("Akun demo (simpan sekarang; kata sandi tidak akan ditampilkan lagi):")
    for username, role, password in created:
        click.echo(f"  {ROLE_LABELS[role]:<26} {username:<15} {password}")
