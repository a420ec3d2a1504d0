"""Incubation fixtures: the blueprint until the app registers it, cases at a journey stage."""

from __future__ import annotations

import pytest

# Imported at collection time, before ``schema_ready`` runs ``db.create_all()``, so that the
# incubation tables exist until ``harkat.register_models`` imports them itself.
import harkat.incubation.models  # noqa: F401
from harkat.auth.models import User
from harkat.cases.domain import JourneyStage
from harkat.cases.services import set_stage
from harkat.extensions import db
from harkat.incubation.views import bp
from harkat.registration import services as registration
from harkat.registration.domain import Sector
from harkat.registration.models import Entrepreneur
from tests.fixtures.training import graduate
from tests.functional.incubation.pictures import make_png


@pytest.fixture
def app_config(app_config):
    return app_config


@pytest.fixture(autouse=True)
def _register_incubation(app):
    if "incubation" not in app.blueprints:
        app.register_blueprint(bp)


@pytest.fixture
def tiny_png() -> bytes:
    """A real 1x1 PNG."""
    return make_png()


@pytest.fixture
def move_journey(app):
    """Put a case at a journey stage; GRADUATED also gives it a passed BALIKAT course."""

    def move(entrepreneur_id: int, stage: JourneyStage = JourneyStage.GRADUATED) -> None:
        with app.app_context():
            entrepreneur = db.session.get(Entrepreneur, entrepreneur_id)
            if stage == JourneyStage.GRADUATED:
                graduate(entrepreneur)
            set_stage(db.session, entrepreneur, stage, None)
            db.session.commit()

    return move


@pytest.fixture
def add_business(app):
    """Give a case a business with a monthly revenue; returns nothing."""

    def add(entrepreneur_id: int, user_id: int, monthly_revenue: int) -> None:
        with app.app_context():
            entrepreneur = db.session.get(Entrepreneur, entrepreneur_id)
            registration.save_business(
                db.session,
                entrepreneur,
                registration.BusinessData(
                    name="Keripik Tempe Bu Siti", sector=Sector.C, monthly_revenue=monthly_revenue
                ),
                db.session.get(User, user_id),
            )
            db.session.commit()

    return add
