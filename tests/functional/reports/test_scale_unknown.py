"""The absorption report counts businesses of unknown scale apart, under "Belum diketahui"."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import sqlalchemy as sa

from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.extensions import db
from harkat.referrals.transitions import ReferralStatus
from harkat.registration import services as registration
from harkat.registration.domain import Sector
from harkat.registration.models import Business, Entrepreneur
from tests.functional.reports.conftest import utc


def test_per_scale_sheet_shows_belum_diketahui(app, client, login_as, place, people):
    for name, day in (("Siti Aminah", 10), ("Rahmat Hidayat", 12)):
        place(
            name,
            ReferralStatus.DISBURSED,
            utc(2026, 1, day, 3),
            disbursed_on=date(2026, 1, day),
            amount=4_000_000,
        )
    with app.app_context():
        # Rahmat's revenue turns out to be unknown after all; capital was never filled in.
        business = db.session.scalar(
            sa.select(Business).join(Entrepreneur).where(Entrepreneur.full_name == "Rahmat Hidayat")
        )
        registration.save_business(
            db.session,
            business.entrepreneur,
            registration.BusinessData(name=business.name, sector=Sector.C),
            db.session.get(User, people["facilitator_id"]),
            business=business,
            expected_version=business.version,
        )
        db.session.commit()
    login_as(Role.VIEWER)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/laporan/serapan/2026-01.xlsx").data))
    rows = [row for row in book["Per skala"].iter_rows(values_only=True) if any(row)]
    counted = {row[0]: row[1:3] for row in rows[1:]}
    assert counted == {"Mikro": (1, 4_000_000), "Belum diketahui": (1, 4_000_000)}, rows
