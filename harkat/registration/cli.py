"""``flask import …``: bulk import from the shell, with the same checks as the upload page."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from harkat.audit.services import set_actor
from harkat.auth.domain import ROLE_LABELS
from harkat.auth.models import User
from harkat.auth.scope import can_edit_cases
from harkat.auth.services import normalise_username
from harkat.errors import StopValidation
from harkat.extensions import db
from harkat.registration import importer
from harkat.settings.services import get_number

import_cli = AppGroup("import", help="Impor data dari berkas XLSX atau CSV.")

_STATUS_WORDS = {importer.OK: "ok", importer.WARNING: "peringatan", importer.ERROR: "galat"}


def _acting_user(username: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.username == normalise_username(username)))
    if user is None or not user.is_active:
        raise click.ClickException(f"Pengguna '{username}' tidak ditemukan atau tidak aktif.")
    if not can_edit_cases(user):
        raise click.ClickException(
            f"Pengguna '{user.username}' ({ROLE_LABELS[user.role]}) tidak dapat mengimpor data; "
            "gunakan akun admin atau pendamping."
        )
    return user


def _report(results: list[importer.RowResult]) -> None:
    for result in results:
        if result.status == importer.OK:
            continue
        word = _STATUS_WORDS[result.status]
        for column, reason in result.messages:
            where = f"{column}: " if column else ""
            click.echo(f"Baris {result.row_number:>5}  {word:<10}  {where}{reason}")


@import_cli.command("entrepreneurs")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "username", required=True, help="Akun yang mengimpor (admin/pendamping).")
@click.option("--dry-run", is_flag=True, help="Periksa saja; tidak ada yang disimpan.")
@click.option(
    "--all-or-nothing", is_flag=True, help="Simpan hanya jika tidak ada satu pun baris yang salah."
)
@click.option(
    "--update-existing", is_flag=True, help="Perbarui data NIK yang sudah terdaftar (bukan lewati)."
)
@click.option(
    "--result",
    "result_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Tulis hasil per baris ke berkas XLSX ini.",
)
@click.option(
    "--abaikan-kolom",
    "accept_ignored",
    is_flag=True,
    help="Lanjutkan walau ada kolom mirip uang/identitas yang tidak dikenali.",
)
def entrepreneurs_command(
    file, username, dry_run, all_or_nothing, update_existing, result_path, accept_ignored
):
    """Import entrepreneurs (one business per row optional) from an XLSX or CSV file."""
    user = _acting_user(username)
    set_actor(user)
    try:
        table = importer.read_table(
            file.read_bytes(), file.name, int(get_number(db.session, "import.max_rows"))
        )
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    try:
        results = importer.preview(db.session, table, user)
    except StopValidation as error:
        raise click.ClickException(str(error)) from None

    counts = {status: sum(r.status == status for r in results) for status in _STATUS_WORDS}
    click.echo(
        f"Berkas {file.name}: {len(results)} baris data (judul kolom di baris "
        f"{table.attrs['header_row']})."
    )
    ignored = table.attrs.get("ignored", [])
    for column in ignored:
        click.echo(f"Kolom tidak diimpor: {column.header} — {column.reason}.")
    _report(results)
    click.echo(
        f"Pemeriksaan: {counts[importer.OK]} ok, {counts[importer.WARNING]} peringatan, "
        f"{counts[importer.ERROR]} galat."
    )

    if dry_run:
        db.session.rollback()
        if result_path:
            result_path.write_bytes(importer.result_workbook(results))
        click.echo("Uji coba (--dry-run): tidak ada data yang disimpan.")
        if counts[importer.ERROR]:
            raise SystemExit(1)
        return

    if any(column.needs_confirmation for column in ignored) and not accept_ignored:
        db.session.rollback()
        raise click.ClickException(
            "Ada kolom yang tampaknya berisi uang atau identitas tetapi tidak akan diimpor (lihat "
            "di atas). Ubah judul kolomnya seperti di templat, atau ulangi dengan "
            "--abaikan-kolom bila kolom itu memang tidak perlu diimpor. Tidak ada yang disimpan."
        )
    summary = importer.commit(
        db.session,
        results,
        user,
        all_or_nothing=all_or_nothing,
        update_existing=update_existing,
        filename=file.name,
    )
    if summary.refused:
        db.session.rollback()
    else:
        db.session.commit()
    if result_path:
        result_path.write_bytes(importer.result_workbook(results, summary))
        click.echo(f"Hasil per baris ditulis ke {result_path}.")
    click.echo(summary.text)
    if summary.refused:
        raise SystemExit(1)
