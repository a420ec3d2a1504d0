"""``flask backup create PATH``, ``flask backup rotate DIR --keep N`` and ``flask backup restore
PATH``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from harkat.backup import services
from harkat.core.dates import to_local
from harkat.database import utcnow
from harkat.extensions import db

backup_cli = AppGroup("backup", help="Cadangkan dan pulihkan basis data serta berkas unggahan.")


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False))
def create_command(path: str):
    """Write a backup of the database and uploaded files to PATH (.tar.gz)."""
    try:
        manifest = services.create_backup(db.engine, current_app.config["UPLOAD_DIR"], path)
    except services.BackupError as error:
        raise click.ClickException(str(error)) from None
    rows = sum(manifest.row_counts.values())
    click.echo(
        f"Cadangan ditulis ke {path}: {len(manifest.row_counts)} tabel, {rows} baris, "
        f"{len(manifest.files)} berkas unggahan ({manifest.backend})."
    )


@backup_cli.command("rotate")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--keep", type=click.IntRange(1, 3650), default=14, show_default=True,
    help="Jumlah cadangan terbaru yang disimpan; yang lebih lama dihapus.",
)  # fmt: skip
def rotate_command(directory: Path, keep: int):
    """Write a dated backup into DIRECTORY and delete all but the newest KEEP (systemd timer)."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = to_local(utcnow()).strftime("%Y%m%d-%H%M%S")
    target = directory / f"harkat-{stamp}.tar.gz"
    try:
        manifest = services.create_backup(db.engine, current_app.config["UPLOAD_DIR"], target)
    except services.BackupError as error:
        raise click.ClickException(str(error)) from None
    # Only our own dated files are ever removed, oldest first; the newest is the one just made.
    ours = sorted(directory.glob("harkat-????????-??????.tar.gz"))
    removed = ours[:-keep]
    for old in removed:
        old.unlink()
    click.echo(
        f"Cadangan ditulis ke {target} ({sum(manifest.row_counts.values())} baris); "
        f"{len(removed)} cadangan lama dihapus, {len(ours) - len(removed)} disimpan."
    )


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Jangan tanya lagi: isi basis data ini akan diganti.")
def restore_command(path: str, yes: bool):
    """Replace this instance's database and uploads with the backup at PATH, then verify."""
    if not yes:
        click.confirm("Seluruh isi basis data instance ini akan diganti. Lanjutkan?", abort=True)
    try:
        result = services.restore_backup(db.engine, current_app.config["UPLOAD_DIR"], path)
    except services.BackupError as error:
        raise click.ClickException(str(error)) from None
    if result.problems:
        for problem in result.problems:
            click.echo(problem, err=True)
        raise click.ClickException("Pemulihan tidak cocok dengan manifest cadangan.")
    click.echo(
        f"Dipulihkan dan diperiksa: {sum(result.restored.row_counts.values())} baris, "
        f"{len(result.restored.files)} berkas; jumlah uang dan checksum cocok."
    )
