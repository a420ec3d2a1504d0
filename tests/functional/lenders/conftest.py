"""Fixtures for the lender registry: its blueprint, sample entries and CSV files."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

import harkat.screening.registry  # noqa: F401 - puts the table in the schema the tests build
from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.extensions import db
from harkat.screening.registry import LenderStatus, LicensedLender
from harkat.screening.registry_views import bp


@pytest.fixture(autouse=True)
def lenders_blueprint(app):
    """Register the registry pages (the factory may not list them yet), before any request."""
    if "lenders" not in app.blueprints:
        app.register_blueprint(bp)


@pytest.fixture
def add_lender(app):
    """Store a registry entry straight through the model; returns its id."""

    def add(
        name: str,
        company: str = "",
        status: LenderStatus = LenderStatus.BERIZIN,
        checked_on: date = date(2026, 11, 3),
        licence_number: str = "",
    ) -> int:
        with app.app_context():
            lender = LicensedLender(
                name=name,
                company=company,
                licence_number=licence_number,
                status=status,
                checked_on=checked_on,
            )
            db.session.add(lender)
            db.session.commit()
            return lender.id

    return add


@pytest.fixture
def lenders(app):
    """Read the registry back: ``[(name, company, licence, status, checked_on)]`` by name."""

    def read():
        with app.app_context():
            rows = db.session.scalars(sa.select(LicensedLender).order_by(LicensedLender.name_key))
            return [(r.name, r.company, r.licence_number, r.status, r.checked_on) for r in rows]

    return read


@pytest.fixture
def admin_user(app, create_user):
    """An admin account (not signed in); returns a loader for its User row."""
    user_id, _ = create_user(Role.ADMIN)

    def load() -> User:
        return db.session.get(User, user_id)

    return load


def csv_bytes(lines: list[str], *, bom: bool = True, sep: str = ";") -> bytes:
    text = "\r\n".join(line.replace(";", sep) for line in lines) + "\r\n"
    return (("\ufeff" if bom else "") + text).encode("utf-8")
