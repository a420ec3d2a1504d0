"""A bank's approval and disbursement stay inside the referral's scheme (ASVS V2.2.1, V2.2.3).

The seeded schemes: Perorangan Rp1–10 juta, 6–24 months; Kelompok Rp1–5 juta per member and
Rp20 juta per group, 6–36 months; both 3% per year.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from harkat.api import tokens
from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.errors import StopValidation
from harkat.extensions import db
from harkat.referrals import services
from harkat.referrals.models import Loan, Referral
from harkat.referrals.transitions import Action, ReferralStatus
from tests.fixtures.referrals import upload_required


@pytest.fixture
def in_review(create_user, ready_entrepreneur, make_referral):
    """An individual referral (Rp5 juta, 12 months) in review at ``bank_code``."""

    def make(bank_code: str = "BANK9JAMBI"):
        facilitator_id, _ = create_user(Role.FACILITATOR)
        officer_id, officer = create_user(Role.BANK_OFFICER, bank_code=bank_code)
        person = ready_entrepreneur(facilitator_id)
        rid = make_referral(
            facilitator_id,
            person,
            status=ReferralStatus.IN_REVIEW,
            officer_id=officer_id,
            bank_code=bank_code,
        )
        return rid, officer_id, officer

    return make


@pytest.fixture
def group_in_review(app, create_user, make_group_referral):
    """A group referral of ``size`` members asking Rp3 juta each, in review at Bank 9 Jambi."""

    def make(size: int = 2):
        facilitator_id, _ = create_user(Role.FACILITATOR)
        officer_id, _ = create_user(Role.BANK_OFFICER)
        rid, people = make_group_referral(facilitator_id, size=size)
        with app.app_context():
            actor = db.session.get(User, facilitator_id)
            referral = db.session.get(Referral, rid)
            for person in people:
                upload_required(app, referral, person, actor)
            db.session.commit()
            for action, who in ((Action.SUBMIT, actor), (Action.REVIEW, None)):
                referral = db.session.get(Referral, rid)
                who = who or db.session.get(User, officer_id)
                services.transition(
                    db.session, referral, services.TransitionInput(action, referral.version), who
                )
                db.session.commit()
        return rid, officer_id

    return make


def _approve(referral_id: int, officer_id: int, amount, tenor, rate):
    referral = db.session.get(Referral, referral_id)
    services.transition(
        db.session,
        referral,
        services.TransitionInput(
            Action.APPROVE, referral.version, terms=services.Terms(amount, tenor, rate)
        ),
        db.session.get(User, officer_id),
    )
    db.session.commit()


def test_web_approval_outside_the_scheme_is_refused_naming_each_limit(app, client, auth, in_review):
    rid, _, officer = in_review()
    auth.login(officer)
    with app.app_context():
        version = db.session.get(Referral, rid).version
    page = client.post(
        f"/rujukan/{rid}/aksi",
        data={
            "action": "approve",
            "version": version,
            "approved_amount": "900000000",
            "approved_tenor_months": "120",
            "approved_rate_percent": "0",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert (
        "Tenor disetujui: 120 bulan di luar batas skema BANK HARKAT Perorangan (6–24 bulan)."
        in page
    )
    assert (
        "Bunga disetujui: harus sama dengan bunga skema BANK HARKAT Perorangan, 3% per tahun"
        in page
    )
    assert (
        "Jumlah disetujui: Rp900.000.000 di luar batas skema BANK HARKAT Perorangan per anggota "
        "(Rp1.000.000–Rp10.000.000)." in page
    )
    with app.app_context():
        referral = db.session.get(Referral, rid)
        assert referral.status == ReferralStatus.IN_REVIEW
        assert referral.approved_amount is None


def test_api_approval_outside_the_scheme_answers_422_naming_the_field(app, client, in_review):
    rid, officer_id, _ = in_review()
    with app.app_context():
        user = db.session.get(User, officer_id)
        _, secret = tokens.create_token(db.session, user, "Tes", user)
        db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    url = f"/api/v1/referrals/{rid}/transitions"
    version = client.get(f"/api/v1/referrals/{rid}", headers=headers).json["version"]
    terms = {"approved_amount": 5_000_000, "approved_tenor_months": 12}
    for field, value, words in (
        ("approved_amount", 10_000_001, "Rp10.000.001 di luar batas skema"),
        ("approved_tenor_months", 5, "5 bulan di luar batas skema"),
        ("approved_rate_percent", "2.5", "harus sama dengan bunga skema"),
    ):
        body = {"action": "approve", "version": version, **terms, "approved_rate_percent": "3"}
        body[field] = value
        answer = client.post(url, json=body, headers=headers)
        assert answer.status_code == 422, answer.json
        assert list(answer.json["error"]["fields"]) == [field]
        assert words in answer.json["error"]["fields"][field][0]
    inside = client.post(
        url,
        json={"action": "approve", "version": version, **terms, "approved_rate_percent": "3"},
        headers=headers,
    )
    assert inside.status_code == 200 and inside.json["status"] == "approved"


def test_a_sharia_bank_is_told_the_margin_of_the_scheme(app, in_review):
    rid, officer_id, _ = in_review(bank_code="BSI")
    with app.app_context(), pytest.raises(StopValidation) as refused:
        _approve(rid, officer_id, 5_000_000, 12, Decimal("0"))
    assert refused.value.reasons["approved_rate_percent"][0].startswith(
        "Margin disetujui: harus sama dengan margin skema BANK HARKAT Perorangan, 3% per tahun"
    )


def test_group_approval_is_checked_per_member_and_per_group(app, group_in_review):
    rid, officer_id = group_in_review(size=5)
    with app.app_context():
        # Rp21 juta for five members asking Rp3 juta each: Rp4,2 juta each, but over the group.
        with pytest.raises(StopValidation) as refused:
            _approve(rid, officer_id, 21_000_000, 12, Decimal(3))
        assert refused.value.reasons == {
            "approved_amount": [
                "Jumlah disetujui: Rp21.000.000 melebihi batas skema BANK HARKAT Kelompok per "
                "kelompok (Rp20.000.000)."
            ]
        }
        db.session.rollback()
        # Rp4 juta for five: Rp800.000 each, under the scheme's Rp1 juta per member.
        with pytest.raises(StopValidation) as refused:
            _approve(rid, officer_id, 4_000_000, 12, Decimal(3))
        problems = refused.value.reasons["approved_amount"]
        assert len(problems) == 5
        assert problems[0] == (
            "Jumlah disetujui: bagian Ani Lestari Rp800.000 di luar batas skema BANK HARKAT "
            "Kelompok per anggota (Rp1.000.000–Rp5.000.000)."
        )
        db.session.rollback()
        _approve(rid, officer_id, 15_000_000, 36, Decimal("3.000"))
        assert db.session.get(Referral, rid).status == ReferralStatus.APPROVED


def _disburse(referral_id: int, officer_id: int, lines: list[tuple[int, int]]):
    referral = db.session.get(Referral, referral_id)
    services.transition(
        db.session,
        referral,
        services.TransitionInput(
            Action.DISBURSE,
            referral.version,
            disbursements=[
                services.Disbursement(member_id, services._today(), amount, f"LN-{index}")
                for index, (member_id, amount) in enumerate(lines)
            ],
        ),
        db.session.get(User, officer_id),
    )
    db.session.commit()


def test_each_disbursement_line_stays_within_the_members_share(app, group_in_review):
    rid, officer_id = group_in_review(size=2)
    with app.app_context():
        _approve(rid, officer_id, 5_000_000, 12, Decimal(3))
        first, second = (m.id for m in db.session.get(Referral, rid).members)
        # The total equals the approval, but Ani's line is above her half of it.
        with pytest.raises(StopValidation) as refused:
            _disburse(rid, officer_id, [(first, 3_000_000), (second, 2_000_000)])
        assert refused.value.reasons == {
            "lines-0": [
                "Jumlah cair Ani Lestari: Rp3.000.000 melebihi bagiannya dari jumlah disetujui "
                "(Rp2.500.000)."
            ]
        }
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Loan)) == 0
        _disburse(rid, officer_id, [(first, 2_500_000), (second, 2_400_000)])
        assert sorted(db.session.scalars(sa.select(Loan.amount))) == [2_400_000, 2_500_000]


def test_two_disbursement_lines_for_one_member_are_refused_not_merged(app, client, in_review):
    rid, officer_id, _ = in_review()
    with app.app_context():
        _approve(rid, officer_id, 5_000_000, 12, Decimal(3))
        member = db.session.get(Referral, rid).members[0].id
        with pytest.raises(StopValidation) as refused:
            _disburse(rid, officer_id, [(member, 2_000_000), (member, 3_000_000)])
        assert refused.value.reasons["lines-1"] == [
            "Baris pencairan: anggota Siti Aminah tercantum dua kali; satu baris per anggota."
        ]
        db.session.rollback()
        assert db.session.get(Referral, rid).status == ReferralStatus.APPROVED
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Loan)) == 0
