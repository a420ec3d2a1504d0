"""``flask users …`` and ``flask seed reference`` as an operator uses them."""

from __future__ import annotations

import sqlalchemy as sa

from harkat.audit.models import AuditLog
from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.extensions import db
from harkat.reference.models import Bank, Kecamatan, Kelurahan, PlaceAlias
from harkat.reference.services import find_place_code


def _user(app, username):
    with app.app_context():
        return db.session.scalar(sa.select(User).where(User.username == username))


def test_create_a_facilitator_from_the_shell(app, runner):
    result = runner.invoke(
        args=[
            "users", "create", "andi", "--role", "facilitator", "--name", "Andi Saputra",
            "--kecamatan", "15.71.01", "--kecamatan", "15.71.10", "--password-stdin",
        ],
        input="Danau-Sipin-Indah-2026\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Akun andi (Pendamping lapangan) dibuat." in result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "andi"))
        assert user.kecamatan_codes == ["15.71.01", "15.71.10"]
    login = app.test_client().post(
        "/auth/login", data={"username": "andi", "password": "Danau-Sipin-Indah-2026"}
    )
    assert login.status_code == 302


def test_create_a_bank_officer_with_a_bank_code(app, runner):
    result = runner.invoke(
        args=["users", "create", "bsi.officer", "--role", "bank_officer", "--bank", "bsi",
              "--password-stdin"],
        input="Syariah-Jambi-2026\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "bsi.officer"))
        assert user.bank.code == "BSI"


def test_bad_input_names_the_field_and_creates_nothing(app, runner):
    result = runner.invoke(
        args=["users", "create", "x", "--role", "facilitator", "--kecamatan", "15.71.99",
              "--password-stdin"],
        input="pendek\n",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "Galat (username)" in result.output
    assert "Galat (kecamatan): Kode kecamatan tidak dikenal: 15.71.99." in result.output
    assert "Galat (password): Kata sandi minimal 10 karakter." in result.output
    assert _user(app, "x") is None


def test_list_set_password_and_deactivate(app, runner, create_user):
    _, username = create_user(Role.BANK_OFFICER)
    listing = runner.invoke(args=["users", "list"])
    assert username in listing.output and "BANK9JAMBI" in listing.output

    changed = runner.invoke(
        args=["users", "set-password", username, "--password-stdin"], input="Bukit-Sari-2026\n"
    )
    assert changed.exit_code == 0, changed.output
    client = app.test_client()
    assert (
        client.post(
            "/auth/login", data={"username": username, "password": "Bukit-Sari-2026"}
        ).status_code
        == 302
    )

    off = runner.invoke(args=["users", "deactivate", username])
    assert off.exit_code == 0 and "dinonaktifkan" in off.output
    assert client.get("/").status_code == 302
    assert "nonaktif" in runner.invoke(args=["users", "list"]).output

    missing = runner.invoke(args=["users", "deactivate", "siapa"])
    assert missing.exit_code == 1 and "tidak ditemukan" in missing.output


def test_cli_changes_are_audited_as_the_system(app, runner):
    runner.invoke(
        args=["users", "create", "audit.me", "--role", "viewer", "--password-stdin"],
        input="Pinang-Masak-2026\n",
    )
    with app.app_context():
        row = db.session.scalar(
            sa.select(AuditLog).where(AuditLog.action == "create", AuditLog.entity_type == "users")
        )
        assert row.actor_name == "sistem" and row.changes["username"] == [None, "audit.me"]


def test_demo_accounts_are_created_once_and_their_passwords_printed_once(app, runner):
    first = runner.invoke(args=["users", "demo"])
    assert first.exit_code == 0, first.output
    lines = [line.split() for line in first.output.splitlines()[1:]]
    credentials = {parts[-2]: parts[-1] for parts in lines}
    assert set(credentials) == {"admin", "pendamping", "petugas.bank9", "pimpinan"}
    for username, password in credentials.items():
        client = app.test_client()
        response = client.post("/auth/login", data={"username": username, "password": password})
        assert response.status_code == 302, username

    second = runner.invoke(args=["users", "demo"])
    assert "sudah ada" in second.output
    assert not any(password in second.output for password in credentials.values())
    assert {u.role for u in _all_users(app)} == set(Role)


def _all_users(app):
    with app.app_context():
        return db.session.scalars(sa.select(User)).all()


def test_seed_reference_is_idempotent_and_complete(app, runner):
    again = runner.invoke(args=["seed", "reference"])
    assert again.exit_code == 0
    assert "0 kecamatan, 0 kelurahan" in again.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Kecamatan)) == 11
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Kelurahan)) == 68
        codes = set(db.session.scalars(sa.select(Bank.code)))
        assert {"BANK9JAMBI", "BRI", "BNI", "MANDIRI", "BSI"} <= codes


def test_seeding_keeps_an_admins_edits(app, runner):
    with app.app_context():
        bank = db.session.scalar(sa.select(Bank).where(Bank.code == "BNI"))
        bank.name = "BNI Kantor Cabang Jambi"
        db.session.commit()
    runner.invoke(args=["seed", "reference"])
    with app.app_context():
        assert db.session.scalar(sa.select(Bank.name).where(Bank.code == "BNI")) == (
            "BNI Kantor Cabang Jambi"
        )


def test_spelling_variants_find_their_kelurahan(app):
    with app.app_context():
        assert find_place_code(db.session, "The Hok") == "15.71.02.1004"
        assert find_place_code(db.session, "Sijinjang") == "15.71.03.1001"
        assert find_place_code(db.session, "kel. simpang 4 sipin") == "15.71.01.1001"
        assert find_place_code(db.session, "Simpang III Sipin") == "15.71.07.1002"
        assert find_place_code(db.session, "Telanaipura") == "15.71.01.1004"
        assert find_place_code(db.session, "Telanaipura", level="kecamatan") == "15.71.01"
        assert find_place_code(db.session, "Pal Merah", level="kecamatan") == "15.71.11"
        assert find_place_code(db.session, "Atlantis") is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PlaceAlias)) > 79
