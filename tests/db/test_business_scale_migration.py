"""The migration to "blank is unknown" re-reads the businesses already stored, on both backends.

Before it, a blank capital or revenue was stored as 0 and the scale took the *lower* class;
after it, those zeros are unknown and the scale is the higher class of the known criteria.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from harkat.cases.domain import EntrepreneurStatus, JourneyStage
from harkat.core.nik import Gender
from harkat.extensions import db
from harkat.reference.services import seed_reference
from harkat.registration.models import Entrepreneur
from tests.db.test_migrations import empty_database_url, migrated_app  # noqa: F401
from tests.fixtures.registration import valid_nik

BEFORE = "c4d2a9e1f0b3"
JUTA, MILIAR = 1_000_000, 1_000_000_000

#: name: (capital, monthly revenue) as the old code stored them, and the scale after migrating.
STORED = {
    "blank capital, Rp200 juta a month": (0, 200 * JUTA, (None, 200 * JUTA, "kecil")),
    "both blank": (0, 0, (None, None, "unknown")),
    "kecil by capital only": (2 * MILIAR, 10 * JUTA, (2 * MILIAR, 10 * JUTA, "kecil")),
    "besar by sales": (500 * JUTA, 5 * MILIAR, (500 * JUTA, 5 * MILIAR, "besar")),
    "blank revenue, mikro capital": (300 * JUTA, 0, (300 * JUTA, None, "mikro")),
}


def _businesses() -> dict[str, tuple]:
    rows = db.session.execute(
        sa.text("SELECT name, capital, monthly_revenue, scale FROM businesses")
    ).all()
    db.session.remove()  # let the migration that follows take the write lock (SQLite)
    return {name: (capital, revenue, scale) for name, capital, revenue, scale in rows}


def test_stored_zeros_become_unknown_and_every_scale_is_recomputed(migrated_app):  # noqa: F811
    with migrated_app.app_context():
        # Reference data as a running installation has it (seeded by today's code), then back
        # to the schema of before: later migrations rebuild tables other rows point at.
        upgrade()
        seed_reference(db.session)
        db.session.commit()
        db.session.remove()
        downgrade(revision=BEFORE)
        now = datetime.now(UTC)
        db.session.execute(
            sa.text(
                "INSERT INTO users (username, full_name, role, bank_id, is_active, password_hash,"
                " session_token, password_changed_at, created_at, updated_at) SELECT 'petugas.bsi',"
                " 'Petugas BSI', 'bank_officer', id, true, 'x', 'token-bsi', :now, :now, :now"
                " FROM banks"
                " WHERE code = 'BSI'"
            ),
            {"now": now},
        )
        person = db.session.execute(
            sa.insert(Entrepreneur)
            .values(
                registration_number="HKT-2026-000001",
                nik=valid_nik(),
                full_name="Siti Aminah",
                search_name="siti aminah",
                gender=Gender.FEMALE,
                birth_place="Jambi",
                birth_date=date(1985, 8, 17),
                address="Jl. Sultan Thaha",
                kelurahan_code="15.71.01.1001",
                kecamatan_code="15.71.01",
                dependants=0,
                status=EntrepreneurStatus.ACTIVE,
                stage=JourneyStage.REGISTERED,
                version=1,
                created_at=now,
                updated_at=now,
            )
            .returning(Entrepreneur.id)
        ).scalar_one()
        for name, (capital, revenue, _) in STORED.items():
            db.session.execute(
                sa.text(
                    "INSERT INTO businesses (entrepreneur_id, name, sector, products, address,"
                    " monthly_revenue, monthly_costs, capital, employees, scale, version,"
                    " created_at, updated_at) VALUES (:person, :name, 'G', '', '', :revenue, 0,"
                    " :capital, 0, 'mikro', 1, :now, :now)"
                ),
                {
                    "person": person,
                    "name": name,
                    "revenue": revenue,
                    "capital": capital,
                    "now": now,
                },
            )
        db.session.commit()

        upgrade()
        assert _businesses() == {name: after for name, (_, _, after) in STORED.items()}
        # Banks were rebuilt (sharia flag) under a user that points at one: still linked.
        assert db.session.execute(
            sa.text(
                "SELECT banks.code, banks.is_sharia FROM users JOIN banks ON banks.id ="
                " users.bank_id WHERE users.username = 'petugas.bsi'"
            )
        ).one() == ("BSI", True)
        db.session.remove()

        downgrade(revision=BEFORE)
        # Back to the old reading: zeros again, and the lower class of either criterion.
        assert _businesses() == {
            name: (capital, revenue, "mikro") for name, (capital, revenue, _) in STORED.items()
        }
        downgrade(revision="base")
