"""Importing OJK's list: upsert on the name key, row errors named, dry runs store nothing."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from harkat.audit.models import AuditLog
from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.errors import StopValidation
from harkat.extensions import db
from harkat.screening.registry import (
    DEMO_REGISTRY,
    LenderData,
    LenderStatus,
    LicensedLender,
    import_registry,
    match_lender,
    save_lender,
    seed_demo_registry,
)
from tests.functional.lenders.conftest import csv_bytes

HEADER = "Nama Platform;Nama Perusahaan;Nomor Izin;Status;Tanggal Cek"
FIRST = csv_bytes(
    [
        HEADER,
        "Kredivo;PT FinAccel Digital Indonesia;KEP-12/D.05/2020;Berizin;03/11/2026",
        "Rupiah Cepat;PT Kredit Utama Fintech Indonesia;KEP-75/D.05/2019;;3 November 2026",
        "Investree;PT Investree Radhika Jaya;KEP-45/D.05/2019;Izin dicabut;2026-11-03",
    ]
)


def _import(admin_user, data, **kwargs):
    return import_registry(db.session, data, "ojk.csv", admin_user(), **kwargs)


def test_a_semicolon_file_with_a_bom_is_stored_and_audited(app, admin_user, lenders):
    with app.app_context():
        result = _import(admin_user, FIRST)
        db.session.commit()
        assert (result.created, result.failed, result.missing) == (3, 0, [])
        audit = db.session.scalars(
            sa.select(AuditLog).where(
                AuditLog.action == "import", AuditLog.entity_type == "licensed_lenders"
            )
        ).one()
        assert audit.changes["created"] == 3 and audit.changes["file"] == "ojk.csv"
        assert match_lender(db.session, "PT. KREDIVO").is_licensed
        assert match_lender(db.session, "investree").status == "revoked"
    assert lenders() == [
        ("Investree", "PT Investree Radhika Jaya", "KEP-45/D.05/2019", LenderStatus.DICABUT,
         date(2026, 11, 3)),
        ("Kredivo", "PT FinAccel Digital Indonesia", "KEP-12/D.05/2020", LenderStatus.BERIZIN,
         date(2026, 11, 3)),
        ("Rupiah Cepat", "PT Kredit Utama Fintech Indonesia", "KEP-75/D.05/2019",
         LenderStatus.BERIZIN, date(2026, 11, 3)),
    ]  # fmt: skip


def test_reimport_updates_instead_of_duplicating_and_reports_what_is_missing(
    app, admin_user, lenders
):
    with app.app_context():
        _import(admin_user, FIRST)
        db.session.commit()
        second = csv_bytes(
            [
                "Nama Aplikasi,Perusahaan,No. Izin,Status,Diperiksa",
                "PT. KREDIVO,,KEP-99/D.05/2026,Berizin,20/11/2026",
                "Rupiah Cepat,PT Kredit Utama Fintech Indonesia,KEP-75/D.05/2019,Berizin,",
                "Julo,PT Julo Teknologi Finansial,KEP-63/D.05/2020,Berizin,",
            ],
            bom=False,
            sep=",",
        )
        result = _import(admin_user, second, checked_on_default=date(2026, 11, 20))
        db.session.commit()
        actions = [(row.name, row.action, row.changes) for row in result.rows]
        assert actions == [
            ("PT. KREDIVO", "update", ["nomor izin"]),
            ("Rupiah Cepat", "recheck", []),
            ("Julo", "create", []),
        ]
        assert [lender.name for lender in result.missing] == ["Investree"]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LicensedLender)) == 4
    stored = {row[0]: row for row in lenders()}
    # The stored spelling and, for a blank cell, the stored company stay; the entry missing
    # from the file is kept as it was.
    assert stored["Kredivo"][1:] == (
        "PT FinAccel Digital Indonesia",
        "KEP-99/D.05/2026",
        LenderStatus.BERIZIN,
        date(2026, 11, 20),
    )
    assert stored["Rupiah Cepat"][4] == date(2026, 11, 20)
    assert stored["Investree"][4] == date(2026, 11, 3)


def test_row_errors_name_the_row_and_column_and_the_good_rows_are_stored(app, admin_user):
    data = csv_bytes(
        [
            "Daftar OJK",
            HEADER,
            "Kredivo;PT FinAccel;KEP-1;Berizin;03/11/2026",
            ";PT Tanpa Nama;KEP-2;Berizin;03/11/2026",
            "Julo;PT Julo;KEP-3;Berizin;31/02/2026",
            "Asetku;PT Pintar Inovasi Digital;KEP-4;mungkin;03/11/2026",
            "kredivo!;PT Lain;KEP-5;Berizin;03/11/2026",
            "Danamas;PT Pasar Dana Pinjaman;KEP-6;Berizin;",
            "Amartha;PT Amartha Mikro Fintek;KEP-7;Berizin;01/01/2099",
        ]
    )
    with app.app_context():
        result = _import(admin_user, data)
        db.session.commit()
        assert result.errors == [
            (4, "Nama Platform", "Nama platform wajib diisi."),
            (5, "Tanggal Cek", "Tanggal '31/02/2026' tidak ada di kalender (tulis seperti "
             "17/08/1985)."),
            (6, "Status", "Status 'mungkin' tidak dikenal; isi salah satu: Berizin, "
             "Izin dicabut, Lainnya."),
            (7, "Nama Platform", "Nama ini sudah ada di baris 3; baris ini dilewati."),
            (8, "Tanggal Cek", "Tanggal cek kosong: isi kolom ini, atau isi tanggal cek di "
             "formulir impor."),
            (9, "Tanggal Cek", "Tanggal cek tidak boleh di masa yang akan datang."),
        ]  # fmt: skip
        assert (result.created, result.failed) == (1, 6)
        names = db.session.scalars(sa.select(LicensedLender.name)).all()
        assert names == ["Kredivo"]


def test_a_dry_run_stores_nothing_but_says_what_would_happen(app, admin_user):
    with app.app_context():
        result = _import(admin_user, FIRST, dry_run=True)
        db.session.commit()
        assert result.dry_run and result.created == 3
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LicensedLender)) == 0
        imports = sa.select(sa.func.count()).where(AuditLog.action == "import")
        assert db.session.scalar(imports) == 0


def test_an_unreadable_file_stores_nothing(app, admin_user):
    with app.app_context():
        with pytest.raises(StopValidation) as raised:
            _import(admin_user, b"Foo;Bar\n1;2\n")
        assert "judul kolom tidak ditemukan" in raised.value.reasons["file"][0]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LicensedLender)) == 0


def test_only_admins_change_the_registry(app, create_user):
    user_id, _ = create_user(Role.FACILITATOR)
    with app.app_context():
        facilitator = db.session.get(User, user_id)
        with pytest.raises(StopValidation, match="Hanya admin"):
            import_registry(db.session, FIRST, "ojk.csv", facilitator)
        with pytest.raises(StopValidation, match="Hanya admin"):
            save_lender(
                db.session, LenderData("Kredivo", checked_on=date(2026, 11, 3)), facilitator
            )


def test_saving_refuses_a_second_entry_under_the_same_key(app, admin_user):
    with app.app_context():
        save_lender(db.session, LenderData("Kredivo", checked_on=date(2026, 11, 3)), admin_user())
        with pytest.raises(StopValidation) as raised:
            save_lender(
                db.session, LenderData("PT KREDIVO", checked_on=date(2026, 11, 3)), admin_user()
            )
        assert raised.value.reasons["name"] == ["Nama ini sudah ada di daftar sebagai Kredivo."]


def test_the_demo_registry_seeds_once(app):
    with app.app_context():
        assert seed_demo_registry(db.session, date(2026, 11, 3)) == len(DEMO_REGISTRY)
        assert seed_demo_registry(db.session, date(2026, 11, 3)) == 0
        db.session.commit()
        assert match_lender(db.session, "Kredivo").is_licensed
        assert match_lender(db.session, "TaniFund").status == "revoked"
