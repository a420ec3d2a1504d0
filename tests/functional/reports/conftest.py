"""Report fixtures: loans and referrals placed at exact moments."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.referrals.models import Loan, Referral, ReferralTransition
from harkat.referrals.transitions import ReferralStatus


@pytest.fixture
def people(create_user, ready_entrepreneur):
    facilitator_id, facilitator = create_user(Role.FACILITATOR)
    officer_id, officer = create_user(Role.BANK_OFFICER)
    return {
        "facilitator_id": facilitator_id,
        "facilitator": facilitator,
        "officer_id": officer_id,
        "officer": officer,
        "make_person": lambda name: ready_entrepreneur(facilitator_id, full_name=name),
    }


@pytest.fixture
def place(app, people, make_referral):
    """Create a referral in ``status`` and move all its moments to ``at`` (UTC).

    For disbursed referrals the loan gets ``disbursed_on`` and ``amount``; ``entered_at`` is
    when the bank typed it in (defaults to ``at``).
    """

    def make(
        name: str,
        status: ReferralStatus,
        at: datetime,
        *,
        disbursed_on: date | None = None,
        amount: int = 5_000_000,
        entered_at: datetime | None = None,
    ) -> int:
        person = people["make_person"](name)
        rid = make_referral(
            people["facilitator_id"],
            person,
            status=status,
            officer_id=people["officer_id"],
            amount=amount,
        )
        with app.app_context():
            referral = db.session.get(Referral, rid)
            referral.submitted_at = at
            referral.last_action_at = at
            if referral.decided_at:
                referral.decided_at = at
            db.session.execute(
                sa.update(ReferralTransition)
                .where(ReferralTransition.referral_id == rid)
                .values(at=at)
            )
            if disbursed_on is not None:
                db.session.execute(
                    sa.update(Loan)
                    .where(Loan.referral_id == rid)
                    .values(disbursed_on=disbursed_on, created_at=entered_at or at)
                )
            db.session.commit()
        return rid

    return make


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)
