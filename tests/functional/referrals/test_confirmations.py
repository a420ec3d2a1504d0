"""Irreversible referral steps ask first on a page that works without JavaScript, and every
successful step says what happened and what comes next."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.referrals import services
from harkat.referrals.models import Loan, Referral
from harkat.referrals.transitions import ReferralStatus


@pytest.fixture
def case(create_user, ready_entrepreneur, make_referral):
    def make(status: ReferralStatus):
        facilitator_id, facilitator = create_user(Role.FACILITATOR)
        officer_id, officer = create_user(Role.BANK_OFFICER)
        person = ready_entrepreneur(facilitator_id)
        rid = make_referral(facilitator_id, person, status=status, officer_id=officer_id)
        return {"facilitator": facilitator, "officer": officer, "referral": rid}

    return make


def _status(app, rid: int) -> ReferralStatus:
    with app.app_context():
        return db.session.get(Referral, rid).status


def _version(app, rid: int) -> int:
    with app.app_context():
        return db.session.get(Referral, rid).version


def test_submit_button_leads_to_a_confirmation_page_that_changes_nothing(app, client, auth, case):
    c = case(ReferralStatus.DRAFT)
    auth.login(c["facilitator"])
    rid = c["referral"]
    detail = client.get(f"/rujukan/{rid}").get_data(as_text=True)
    # The page offers a link to the confirmation, not a form that submits at once.
    assert f'href="/rujukan/{rid}/aksi/submit"' in detail
    assert 'name="action" value="submit"' not in detail
    page = client.get(f"/rujukan/{rid}/aksi/submit").get_data(as_text=True)
    assert "Ajukan ke bank?" in page
    assert "daftar periksa dibekukan" in page
    assert "Ya, ajukan ke bank" in page
    # The button posts the step itself (with the version the page was drawn from).
    assert f'action="/rujukan/{rid}/aksi"' in page
    assert 'name="action" value="submit"' in page
    assert f'name="version" value="{_version(app, rid)}"' in page
    assert _status(app, rid) == ReferralStatus.DRAFT
    done = client.post(
        f"/rujukan/{rid}/aksi",
        data={"action": "submit", "version": _version(app, rid)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert _status(app, rid) == ReferralStatus.SUBMITTED
    assert "kini berstatus Diajukan" in done
    assert "Berikutnya: bank menelaah rujukan" in done
    # Its age reads as people say it, not "0 hari lalu".
    assert "· hari ini · tindakan terakhir hari ini" in done
    assert "0 hari lalu" not in done


def test_approval_is_confirmed_with_its_terms_and_says_what_comes_next(app, client, auth, case):
    c = case(ReferralStatus.IN_REVIEW)
    auth.login(c["officer"])
    rid = c["referral"]
    detail = client.get(f"/rujukan/{rid}").get_data(as_text=True)
    assert f'href="/rujukan/{rid}/aksi/approve"' in detail
    assert f'href="/rujukan/{rid}/aksi/reject"' in detail
    page = client.get(f"/rujukan/{rid}/aksi/approve").get_data(as_text=True)
    assert "Setujui?" in page and "tidak dapat dibatalkan" in page
    assert re.search(r'name="approved_amount"[^>]*value="Rp5\.000\.000"', page)
    done = client.post(
        f"/rujukan/{rid}/aksi",
        data={
            "action": "approve",
            "version": _version(app, rid),
            "approved_amount": "5.000.000",
            "approved_tenor_months": "12",
            "approved_rate_percent": "3",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert _status(app, rid) == ReferralStatus.APPROVED
    assert "Berikutnya: catat pencairan" in done


def test_a_refused_rejection_returns_to_its_confirmation_page(app, client, auth, case):
    c = case(ReferralStatus.IN_REVIEW)
    auth.login(c["officer"])
    rid = c["referral"]
    page = client.get(f"/rujukan/{rid}/aksi/reject").get_data(as_text=True)
    assert "Tolak?" in page and "Alasan penolakan" in page
    refused = client.post(
        f"/rujukan/{rid}/aksi",
        data={"action": "reject", "version": _version(app, rid)},
        follow_redirects=True,
    )
    assert refused.request.path == f"/rujukan/{rid}/aksi/reject"
    assert _status(app, rid) == ReferralStatus.IN_REVIEW


def test_confirmation_pages_follow_role_state_and_scope(app, client, auth, case, create_user):
    c = case(ReferralStatus.DRAFT)
    rid = c["referral"]
    auth.login(c["facilitator"])
    # Only irreversible actions have a confirmation page; a bank step is not the city's.
    assert client.get(f"/rujukan/{rid}/aksi/review").status_code == 404
    assert client.get(f"/rujukan/{rid}/aksi/nonsense").status_code == 404
    moved = client.get(f"/rujukan/{rid}/aksi/approve", follow_redirects=True)
    assert moved.request.path == f"/rujukan/{rid}"
    assert "tidak dapat dilakukan pada rujukan berstatus Draf" in moved.get_data(as_text=True)
    auth.logout()
    _, stranger = create_user(Role.FACILITATOR, kecamatan_codes=("15.71.02",))
    auth.login(stranger)
    assert client.get(f"/rujukan/{rid}/aksi/submit").status_code == 404


def test_disbursement_is_behind_a_disclosure_and_says_what_comes_next(app, client, auth, case):
    c = case(ReferralStatus.APPROVED)
    auth.login(c["officer"])
    rid = c["referral"]
    form = client.get(f"/rujukan/{rid}/pencairan").get_data(as_text=True)
    start = form.index('<details class="mt-3')
    disclosure = form[start : form.index("</details>", start)]
    assert "tidak dapat dibatalkan" in disclosure
    assert "Ya, catat pencairan" in disclosure
    # The only live submit button is inside the disclosure; Enter in a field does not submit.
    outside = form.replace(disclosure, "")
    assert re.search(r'<button type="submit" disabled hidden', outside)
    assert "Ya, catat pencairan" not in outside
    with app.app_context():
        referral = db.session.get(Referral, rid)
        member_id, version = referral.members[0].id, referral.version
    done = client.post(
        f"/rujukan/{rid}/pencairan",
        data={
            "version": version,
            "lines-0-member_id": member_id,
            "lines-0-amount": "5.000.000",
            "lines-0-disbursed_on": services._today().isoformat(),
            "lines-0-account_number": "PJ-0001",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Loan)) == 1
    assert "laporkan kolektibilitas pinjaman setiap bulan" in done
