"""The whole story of one case, read from every feature: what the next step is decided from.

The one module of ``harkat.cases`` that reads other features (training, screening, referrals,
registration's consents). No feature imports it; the entrepreneur page does.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from harkat.cases.domain import EntrepreneurStatus
from harkat.cases.journey import CaseState
from harkat.core.enums import ConsentPurpose
from harkat.referrals.services import referrals_of
from harkat.referrals.transitions import OPEN_STATES, ReferralStatus
from harkat.registration.models import Entrepreneur
from harkat.registration.services import current_consents
from harkat.screening.services import latest_valid
from harkat.training.domain import CohortStatus, EnrolmentStatus, TrainingResult
from harkat.training.services import enrolments_of


def case_state(session: Session, entrepreneur: Entrepreneur) -> CaseState:
    """Gather the facts :func:`harkat.cases.journey.next_step` decides from, as plain values."""
    enrolments = enrolments_of(session, [entrepreneur.id])
    referrals = referrals_of(session, entrepreneur.id)
    open_referral = next((r for r in referrals if r.status in OPEN_STATES), None)
    disbursed = [r for r in referrals if r.status == ReferralStatus.DISBURSED]
    running = next(
        (
            e
            for e in enrolments
            if e.cohort.status != CohortStatus.CLOSED and e.status == EnrolmentStatus.ENROLLED
        ),
        None,
    )
    screening = latest_valid(session, entrepreneur.id)
    consents = current_consents(entrepreneur)
    return CaseState(
        has_business=bool(entrepreneur.businesses),
        consented_processing=bool(
            consents[ConsentPurpose.PROCESSING] and consents[ConsentPurpose.PROCESSING].is_granted
        ),
        consented_bank_sharing=bool(
            consents[ConsentPurpose.BANK_SHARING]
            and consents[ConsentPurpose.BANK_SHARING].is_granted
        ),
        has_graduated=any(e.result == TrainingResult.PASSED for e in enrolments),
        open_cohort_id=running.cohort_id if running else None,
        open_cohort_name=running.cohort.name if running else "",
        valid_screening_outcome=screening.outcome.value if screening else None,
        open_referral=(open_referral.id, open_referral.number, open_referral.status.label)
        if open_referral
        else None,
        disbursed_referral=(disbursed[0].id, disbursed[0].number) if disbursed else None,
        is_active=entrepreneur.status == EntrepreneurStatus.ACTIVE,
    )
