"""Backup and restore: a fresh instance restored from a backup has the same rows, the same
money and the same files, checked by the restore itself and again here."""

from __future__ import annotations

import hashlib
import tarfile
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from harkat import create_app
from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.referrals.models import Loan, ReferralDocument
from harkat.referrals.transitions import ReferralStatus
from tests.conftest import BACKEND, database_beside

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")


@pytest.fixture
def fresh_database_url(database_url, tmp_path):
    if BACKEND != "postgresql":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    with database_beside(database_url, "restore") as url:
        yield url


def _facts(app) -> dict:
    with app.app_context():
        upload = Path(app.config["UPLOAD_DIR"])
        return {
            "loans": db.session.scalar(sa.select(sa.func.count()).select_from(Loan)),
            "money": db.session.scalar(sa.select(sa.func.sum(Loan.amount))),
            "files": {
                d.path: hashlib.sha256((upload / d.path).read_bytes()).hexdigest()
                for d in db.session.scalars(sa.select(ReferralDocument))
            },
        }


def test_backup_restores_into_a_fresh_instance(
    app, runner, tmp_path, create_user, ready_entrepreneur, make_referral, fresh_database_url
):
    facilitator_id, _ = create_user(Role.FACILITATOR)
    officer_id, _ = create_user(Role.BANK_OFFICER)
    make_referral(
        facilitator_id,
        ready_entrepreneur(facilitator_id),
        status=ReferralStatus.DISBURSED,
        officer_id=officer_id,
    )
    before = _facts(app)
    assert before["loans"] == 1 and len(before["files"]) == 4

    target = tmp_path / "cadangan.tar.gz"
    result = runner.invoke(args=["backup", "create", str(target)])
    assert result.exit_code == 0, result.output
    assert "4 berkas unggahan" in result.output
    with tarfile.open(target) as archive:
        names = archive.getnames()
    assert "manifest.json" in names and any(n.startswith("uploads/referrals/") for n in names)
    again = runner.invoke(args=["backup", "create", str(target)])
    assert again.exit_code != 0 and "sudah ada" in again.output

    instance = tmp_path / "fresh"
    fresh = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance),
            "DATABASE_URL": fresh_database_url,
            "SECRET_KEY": "x",
        }
    )
    with fresh.app_context():
        upgrade(directory=MIGRATIONS)
    restored = fresh.test_cli_runner().invoke(args=["backup", "restore", str(target), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert "jumlah uang dan checksum cocok" in restored.output
    assert _facts(fresh) == before
    with fresh.app_context():
        db.engine.dispose()


def test_restore_refuses_something_that_is_not_a_backup(runner, tmp_path):
    bogus = tmp_path / "bukan.tar.gz"
    with tarfile.open(bogus, "w:gz"):
        pass
    result = runner.invoke(args=["backup", "restore", str(bogus), "--yes"])
    assert result.exit_code != 0 and "bukan cadangan HARKAT" in result.output


def test_rotation_keeps_the_newest_and_never_touches_other_files(runner, tmp_path):
    folder = tmp_path / "cadangan"
    folder.mkdir()
    keepsake = folder / "catatan-operator.txt"
    keepsake.write_text("jangan dihapus")
    old = folder / "harkat-20250101-010101.tar.gz"
    old.write_bytes(b"cadangan lama")
    first = runner.invoke(args=["backup", "rotate", str(folder), "--keep", "2"])
    assert first.exit_code == 0, first.output
    assert "0 cadangan lama dihapus, 2 disimpan" in first.output
    time.sleep(1.1)  # the next file's name is a second later
    second = runner.invoke(args=["backup", "rotate", str(folder), "--keep", "2"])
    assert second.exit_code == 0, second.output
    assert "1 cadangan lama dihapus, 2 disimpan" in second.output
    remaining = sorted(p.name for p in folder.glob("harkat-*.tar.gz"))
    assert len(remaining) == 2 and old.name not in remaining
    assert keepsake.read_text() == "jangan dihapus"
    for name in remaining:
        with tarfile.open(folder / name) as archive:
            assert "manifest.json" in archive.getnames()
