"""Forms and API payloads that try to set ``status``, ``bank_id`` or ``approved_by`` change nothing.

A facilitator cannot move a referral to another bank once it has been sent or mark it approved,
and nobody can record a decision in someone else's name: the server takes those from the state
machine and the signed-in user, never from what the browser or the client sends.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.reference.models import Scheme
from harkat.referrals.models import Loan, Referral, ReferralTransition
from harkat.referrals.services import _today
from harkat.referrals.transitions import ReferralStatus
from tests.fixtures.referrals import bank_id

SMUGGLED = ("status", "bank_id", "approved_by", "approved_by_id", "facilitator_id")


@pytest.fixture
def sides(create_user, ready_entrepreneur):
    facilitator_id, facilitator = create_user(Role.FACILITATOR)
    officer_id, officer = create_user(Role.BANK_OFFICER, bank_code="BANK9JAMBI")
    person = ready_entrepreneur(facilitator_id)
    return {
        "facilitator_id": facilitator_id,
        "facilitator": facilitator,
        "officer_id": officer_id,
        "officer": officer,
        "person": person,
    }


def _referral(referral_id: int) -> Referral:
    db.session.expire_all()
    return db.session.get(Referral, referral_id)


def test_a_new_draft_ignores_smuggled_status_and_owner(app, client, auth, sides):
    auth.login(sides["facilitator"])
    with app.app_context():
        scheme = db.session.scalar(sa.select(Scheme.id).where(Scheme.code == "HARKAT-PRG"))
        home = bank_id()
    response = client.post(
        f"/rujukan/baru?pelaku={sides['person']}",
        data={
            "scheme_id": scheme,
            "bank_id": home,
            "purpose": "modal_kerja",
            "tenor_months": "12",
            "members-0-entrepreneur_id": sides["person"],
            "members-0-amount": "5.000.000",
            "members-0-purpose": "Bahan baku",
            "status": "disbursed",
            "approved_amount": "90000000",
            "approved_by": sides["officer_id"],
            "facilitator_id": sides["officer_id"],
        },
    )
    assert response.status_code == 302
    referral_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        referral = _referral(referral_id)
        assert referral.status == ReferralStatus.DRAFT
        assert referral.approved_amount is None
        assert referral.facilitator_id == sides["facilitator_id"]


def test_a_sent_referral_keeps_its_bank_and_status(app, client, auth, sides, make_referral):
    rid = make_referral(
        sides["facilitator_id"],
        sides["person"],
        status=ReferralStatus.IN_REVIEW,
        officer_id=sides["officer_id"],
    )
    auth.login(sides["facilitator"])
    with app.app_context():
        version = _referral(rid).version
        other_bank = bank_id("BRI")
    page = client.post(
        f"/rujukan/{rid}/ubah",
        data={"bank_id": other_bank, "status": "approved", "version": version},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "tidak dapat diubah" in page
    # An action the facilitator may take (withdrawing) with a bank, an approver, terms and a
    # status smuggled in: the action happens, the rest is ignored.
    response = client.post(
        f"/rujukan/{rid}/aksi",
        data={
            "action": "withdraw",
            "version": version,
            "note": "Pemohon memilih menunda usahanya.",
            "approved_amount": "5000000",
            "bank_id": other_bank,
            "approved_by": sides["officer_id"],
            "status": "approved",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        referral = _referral(rid)
        assert referral.status == ReferralStatus.WITHDRAWN
        assert referral.bank_id == bank_id() and referral.approved_amount is None
        withdrawal = db.session.scalar(
            sa.select(ReferralTransition).where(
                ReferralTransition.referral_id == rid, ReferralTransition.action == "withdraw"
            )
        )
        assert withdrawal.actor_id == sides["facilitator_id"]


def test_the_approver_is_whoever_is_signed_in(app, client, auth, sides, make_referral, create_user):
    rid = make_referral(
        sides["facilitator_id"],
        sides["person"],
        status=ReferralStatus.IN_REVIEW,
        officer_id=sides["officer_id"],
    )
    colleague_id, _ = create_user(Role.BANK_OFFICER, bank_code="BANK9JAMBI")
    auth.login(sides["officer"])
    with app.app_context():
        version = _referral(rid).version
        other_bank = bank_id("BRI")
    client.post(
        f"/rujukan/{rid}/aksi",
        data={
            "action": "approve",
            "version": version,
            "approved_amount": "5.000.000",
            "approved_tenor_months": "12",
            "approved_rate_percent": "3",
            "approved_by": colleague_id,
            "approved_by_id": colleague_id,
            "actor_id": colleague_id,
            "bank_id": other_bank,
            "status": "disbursed",
        },
    )
    with app.app_context():
        referral = _referral(rid)
        assert referral.status == ReferralStatus.APPROVED
        assert referral.bank_id == bank_id()
        approval = db.session.scalar(
            sa.select(ReferralTransition).where(
                ReferralTransition.referral_id == rid, ReferralTransition.action == "approve"
            )
        )
        assert approval.actor_id == sides["officer_id"]
        member_id, version = referral.members[0].id, referral.version
    # The disbursement form: the loan belongs to the referral's bank whatever is posted.
    client.post(
        f"/rujukan/{rid}/pencairan",
        data={
            "version": version,
            "lines-0-member_id": member_id,
            "lines-0-amount": "5.000.000",
            "lines-0-disbursed_on": _today().isoformat(),
            "lines-0-account_number": "LN-MA-1",
            "bank_id": other_bank,
            "lines-0-bank_id": other_bank,
            "status": "rejected",
        },
    )
    with app.app_context():
        referral = _referral(rid)
        assert referral.status == ReferralStatus.DISBURSED
        loan = db.session.scalar(sa.select(Loan).where(Loan.referral_id == rid))
        assert loan.bank_id == bank_id()


def test_api_payloads_naming_protected_fields_are_refused_whole(
    app, client, sides, make_referral, create_user
):
    from harkat.api import tokens
    from harkat.auth.models import User

    def token_of(user_id):
        with app.app_context():
            user = db.session.get(User, user_id)
            _, secret = tokens.create_token(db.session, user, "Tes", user)
            db.session.commit()
        return {"Authorization": f"Bearer {secret}"}

    facilitator = token_of(sides["facilitator_id"])
    officer = token_of(sides["officer_id"])
    with app.app_context():
        scheme = db.session.scalar(sa.select(Scheme.id).where(Scheme.code == "HARKAT-PRG"))
        home, other_bank = bank_id(), bank_id("BRI")
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Referral))

    draft = {
        "applicant_type": "individual",
        "scheme_id": scheme,
        "bank_id": home,
        "purpose": "modal_kerja",
        "tenor_months": 12,
        "entrepreneur_id": sides["person"],
        "members": [{"entrepreneur_id": sides["person"], "amount": 5_000_000}],
    }
    for field, value in (("status", "approved"), ("approved_by", sides["officer_id"])):
        response = client.post(
            "/api/v1/referrals", json={**draft, field: value}, headers=facilitator
        )
        assert response.status_code == 422, response.json
        assert field in response.json["error"]["fields"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Referral)) == before

    rid = make_referral(
        sides["facilitator_id"],
        sides["person"],
        status=ReferralStatus.IN_REVIEW,
        officer_id=sides["officer_id"],
    )
    with app.app_context():
        version = _referral(rid).version
    approve = {
        "action": "approve",
        "version": version,
        "approved_amount": 5_000_000,
        "approved_tenor_months": 12,
        "approved_rate_percent": "3.00",
    }
    for field, value in (
        ("bank_id", other_bank),
        ("approved_by", sides["facilitator_id"]),
        ("status", "disbursed"),
    ):
        response = client.post(
            f"/api/v1/referrals/{rid}/transitions", json={**approve, field: value}, headers=officer
        )
        assert response.status_code == 422, response.json
        assert field in response.json["error"]["fields"]
        assert "tidak dikenal" in " ".join(response.json["error"]["fields"][field])
    with app.app_context():
        referral = _referral(rid)
        assert referral.status == ReferralStatus.IN_REVIEW and referral.bank_id == home


@pytest.mark.parametrize("field", SMUGGLED)
def test_smuggled_fields_are_not_form_fields(app, field):
    """None of the protected names is a field of a form that writes a referral or a loan."""
    from harkat.referrals import forms

    with app.test_request_context():
        for form_class in (forms.ReferralForm, forms.ActionForm, forms.DisbursementForm):
            names = {f.name for f in form_class(meta={"csrf": False})}
            assert field not in names or (field == "bank_id" and form_class is forms.ReferralForm)
