"""``flask tokens create USERNAME [--name LABEL]``: the token is printed once, alone on the last
line, so scripts can capture it with ``tail -n 1``."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from harkat.api import tokens
from harkat.auth.models import User
from harkat.errors import StopValidation
from harkat.extensions import db

tokens_cli = AppGroup("tokens", help="Token API.")


def _user(username: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise click.ClickException(f"Pengguna '{username}' tidak ditemukan.")
    return user


@tokens_cli.command("create")
@click.argument("username")
@click.option("--name", "label", default="Token API", show_default=True, help="Nama token.")
def create_command(username: str, label: str):
    """Create a token acting as USERNAME; it is shown once."""
    user = _user(username)
    try:
        token, secret = tokens.create_token(db.session, user, label, user)
    except StopValidation as error:
        raise click.ClickException(
            " ".join(m for ms in error.reasons.values() for m in ms)
        ) from None
    db.session.commit()
    click.echo(f"Token #{token.id} '{token.name}' untuk {user.username} ({user.role.label}).")
    click.echo("Simpan sekarang; token tidak akan ditampilkan lagi:")
    click.echo(secret)


@tokens_cli.command("list")
@click.argument("username")
def list_command(username: str):
    """List a user's tokens (never the secrets)."""
    for token in tokens.tokens_of(db.session, _user(username)):
        state = "dicabut" if token.revoked_at else "aktif"
        used = token.last_used_at.isoformat(timespec="minutes") if token.last_used_at else "-"
        click.echo(f"#{token.id}  {token.hint}…  {token.name}  {state}  terakhir dipakai {used}")


@tokens_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke_command(token_id: int):
    """Revoke a token by its number."""
    from harkat.api.models import ApiToken

    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise click.ClickException(f"Token #{token_id} tidak ditemukan.")
    tokens.revoke_token(db.session, token, token.user)
    db.session.commit()
    click.echo(f"Token #{token_id} dicabut.")
