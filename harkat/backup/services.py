"""Backups that can be restored on a fresh machine: the database (SQLite's online backup API, or
pg_dump for PostgreSQL), every uploaded file, and a manifest of row counts, money sums and file
checksums that the restore checks itself against."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

FORMAT_VERSION = 1
#: Money columns whose sums the manifest keeps, as a check that nothing was lost.
MONEY_COLUMNS = (
    ("loans", "amount"),
    ("loans", "outstanding"),
    ("loan_reports", "outstanding"),
    ("referral_members", "amount"),
    ("screenings", "total_outstanding"),
    ("fund_allocations", "amount"),
    ("businesses", "monthly_revenue"),
)


class BackupError(Exception):
    """The backup or restore cannot go on; the message is for the operator (Indonesian)."""


@dataclass
class Manifest:
    created_at: str
    backend: str
    alembic_version: str | None
    row_counts: dict[str, int]
    money_sums: dict[str, int]
    files: dict[str, str] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def snapshot(engine: sa.Engine, upload_dir: Path) -> Manifest:
    """Count every table, sum the money columns and hash every uploaded file."""
    inspector = sa.inspect(engine)
    tables = sorted(inspector.get_table_names())
    counts, sums = {}, {}
    with engine.connect() as connection:
        for table in tables:
            counts[table] = connection.scalar(
                sa.select(sa.func.count()).select_from(sa.table(table))
            )
        for table, column in MONEY_COLUMNS:
            if table in tables:
                total = connection.scalar(
                    sa.select(sa.func.coalesce(sa.func.sum(sa.column(column)), 0)).select_from(
                        sa.table(table)
                    )
                )
                sums[f"{table}.{column}"] = int(total)
        version = (
            connection.scalar(sa.text("SELECT version_num FROM alembic_version"))
            if "alembic_version" in tables
            else None
        )
    files = {}
    if upload_dir.is_dir():
        for path in sorted(upload_dir.rglob("*")):
            if path.is_file():
                files[path.relative_to(upload_dir).as_posix()] = _sha256(path)
    return Manifest(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        backend=engine.dialect.name,
        alembic_version=version,
        row_counts=counts,
        money_sums=sums,
        files=files,
    )


def _pg_env(url: sa.URL) -> tuple[list[str], dict]:
    """Connection arguments for pg_dump/pg_restore without putting a password on the command."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    args = ["-h", url.host or "localhost", "-p", str(url.port or 5432)]
    if url.username:
        args += ["-U", url.username]
    return args, env


def _tool(name: str) -> str:
    """The full path of a PostgreSQL client program, or a clear refusal."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"Program {name} tidak ditemukan; pasang postgresql-client.")
    return path


def create_backup(engine: sa.Engine, upload_dir: str | Path, target: str | Path) -> Manifest:
    """Write ``target`` (a .tar.gz): the database, the uploads and the manifest."""
    upload_dir = Path(upload_dir)
    target = Path(target)
    if target.exists():
        raise BackupError(f"Berkas {target} sudah ada; pilih nama lain.")
    manifest = snapshot(engine, upload_dir)
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        if engine.dialect.name == "sqlite":
            database = work / "database.sqlite3"
            raw = engine.raw_connection()
            try:
                destination = sqlite3.connect(database)
                with destination:
                    raw.driver_connection.backup(destination)
                destination.close()
            finally:
                raw.close()
        elif engine.dialect.name == "postgresql":
            database = work / "database.dump"
            args, env = _pg_env(engine.url)
            result = subprocess.run(  # noqa: S603 - fixed program, arguments from our config
                [
                    _tool("pg_dump"),
                    "-Fc",
                    "--no-owner",
                    "-f",
                    str(database),
                    *args,
                    engine.url.database or "",
                ],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_dump gagal: {result.stderr.strip()}")
        else:
            raise BackupError(f"Basis data {engine.dialect.name} belum didukung untuk cadangan.")
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest.__dict__, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(database, arcname=database.name)
            if upload_dir.is_dir():
                for relative in manifest.files:
                    archive.add(upload_dir / relative, arcname=f"uploads/{relative}")
        partial.replace(target)  # never leave a half-written backup under the real name
    return manifest


@dataclass
class RestoreResult:
    manifest: Manifest
    restored: Manifest
    problems: list[str]


def compare(expected: Manifest, actual: Manifest) -> list[str]:
    """What differs between two manifests, in words."""
    problems = []
    for table, count in expected.row_counts.items():
        if actual.row_counts.get(table) != count:
            problems.append(
                f"Tabel {table}: {actual.row_counts.get(table)} baris, seharusnya {count}."
            )
    for column, total in expected.money_sums.items():
        if actual.money_sums.get(column) != total:
            problems.append(
                f"Jumlah {column}: {actual.money_sums.get(column)}, seharusnya {total}."
            )
    for name, digest in expected.files.items():
        if actual.files.get(name) != digest:
            problems.append(f"Berkas {name} hilang atau berubah.")
    return problems


def restore_backup(engine: sa.Engine, upload_dir: str | Path, source: str | Path) -> RestoreResult:
    """Put a backup into this instance's database and upload folder, then check it."""
    upload_dir = Path(upload_dir)
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"Berkas cadangan {source} tidak ditemukan.")
    with tempfile.TemporaryDirectory() as work, tarfile.open(source, "r:gz") as archive:
        work = Path(work)
        try:
            manifest = Manifest(**json.load(archive.extractfile("manifest.json")))
        except (KeyError, TypeError, ValueError):
            raise BackupError("Berkas ini bukan cadangan HARKAT (manifest tidak ada).") from None
        if manifest.backend != engine.dialect.name:
            raise BackupError(
                f"Cadangan dari {manifest.backend} tidak dapat dipulihkan ke {engine.dialect.name}."
            )
        for member in archive.getmembers():
            name = member.name
            if (
                name.startswith("/")
                or ".." in Path(name).parts
                or not (
                    member.isfile()
                    and (name.startswith("uploads/") or name.startswith("database."))
                )
            ):
                continue
            archive.extract(member, work, filter="data")
        engine.dispose()
        if engine.dialect.name == "sqlite":
            source_db = sqlite3.connect(work / "database.sqlite3")
            target_db = sqlite3.connect(engine.url.database)
            with target_db:
                source_db.backup(target_db)
            source_db.close()
            target_db.close()
        else:
            args, env = _pg_env(engine.url)
            result = subprocess.run(  # noqa: S603 - fixed program, arguments from our config
                [
                    _tool("pg_restore"),
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    *args,
                    "-d",
                    engine.url.database or "",
                    str(work / "database.dump"),
                ],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_restore gagal: {result.stderr.strip()[:500]}")
        uploaded = work / "uploads"
        if uploaded.is_dir():
            upload_dir.mkdir(parents=True, exist_ok=True)
            shutil.copytree(uploaded, upload_dir, dirs_exist_ok=True)
    restored = snapshot(engine, upload_dir)
    return RestoreResult(manifest, restored, compare(manifest, restored))
