"""The facilitator's inbox (bank news and loans in trouble, marked done per user) and gate
exemption requests that an admin grants or declines from their inbox."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.extensions import db
from harkat.inbox import services as inbox
from harkat.referrals.models import GateExemption, Loan, LoanReport
from harkat.referrals.transitions import ReferralStatus

OTHER_KECAMATAN = ("15.71.02",)


@pytest.fixture
def people(create_user, ready_entrepreneur, make_referral):
    """A facilitator of Telanaipura with a disbursed and a needs-info referral."""
    facilitator_id, facilitator = create_user(Role.FACILITATOR)
    officer_id, _ = create_user(Role.BANK_OFFICER)
    paid = ready_entrepreneur(facilitator_id)
    asked = ready_entrepreneur(facilitator_id, full_name="Budi Santoso")
    paid_rid = make_referral(
        facilitator_id, paid, status=ReferralStatus.DISBURSED, officer_id=officer_id
    )
    asked_rid = make_referral(
        facilitator_id, asked, status=ReferralStatus.NEEDS_INFO, officer_id=officer_id
    )
    return {
        "facilitator": facilitator,
        "facilitator_id": facilitator_id,
        "officer_id": officer_id,
        "paid_rid": paid_rid,
        "asked_rid": asked_rid,
    }


def _report(app, referral_id: int, collectability: int, officer_id: int) -> int:
    with app.app_context():
        loan = db.session.scalar(sa.select(Loan).where(Loan.referral_id == referral_id))
        report = LoanReport(
            loan_id=loan.id,
            period=date(2026, 11, 1),
            collectability=collectability,
            outstanding=4_000_000,
            days_past_due=45,
            reported_by_id=officer_id,
        )
        db.session.add(report)
        db.session.commit()
        return report.id


def test_facilitator_sees_bank_news_and_troubled_loans_linked_to_the_case(
    app, client, auth, people
):
    report_id = _report(app, people["paid_rid"], 3, people["officer_id"])
    auth.login(people["facilitator"])
    page = client.get("/kotak-masuk").get_data(as_text=True)
    assert "Bank meminta kelengkapan" in page
    assert "Rujukan disetujui" in page and "Dana cair" in page
    assert "Angsuran bermasalah: kolektibilitas 3" in page and "menunggak 45 hari" in page
    assert f'href="/rujukan/{people["asked_rid"]}"' in page
    with app.app_context():
        loan_id = db.session.scalar(sa.select(LoanReport.loan_id).where(LoanReport.id == report_id))
    assert f'href="/pinjaman/{loan_id}"' in page
    # The navigation shows the inbox with its count.
    home = client.get("/").get_data(as_text=True)
    assert 'href="/kotak-masuk"' in home and "belum ditangani" in home


def test_a_collectability_1_report_is_not_news(app, client, auth, people):
    _report(app, people["paid_rid"], 1, people["officer_id"])
    auth.login(people["facilitator"])
    assert "Angsuran bermasalah" not in client.get("/kotak-masuk").get_data(as_text=True)


def test_marking_done_is_per_user(app, client, auth, people, create_user):
    report_id = _report(app, people["paid_rid"], 2, people["officer_id"])
    _, colleague = create_user(Role.FACILITATOR)
    auth.login(people["facilitator"])
    done = client.post(
        "/kotak-masuk/tandai",
        data={"kind": "loan_report", "item_id": report_id, "done": "1"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Ditandai selesai" in done
    assert f'id="item-loan_report-{report_id}"' not in client.get("/kotak-masuk").get_data(
        as_text=True
    )
    everything = client.get("/kotak-masuk?semua=1").get_data(as_text=True)
    assert f'id="item-loan_report-{report_id}"' in everything and "Buka lagi" in everything
    auth.logout()
    auth.login(colleague)
    assert f'id="item-loan_report-{report_id}"' in client.get("/kotak-masuk").get_data(as_text=True)


def test_another_kecamatan_sees_nothing_and_cannot_mark(app, client, auth, people, create_user):
    report_id = _report(app, people["paid_rid"], 4, people["officer_id"])
    _, stranger = create_user(Role.FACILITATOR, kecamatan_codes=OTHER_KECAMATAN)
    auth.login(stranger)
    page = client.get("/kotak-masuk").get_data(as_text=True)
    assert "Tidak ada yang menunggu Anda." in page and "Angsuran bermasalah" not in page
    response = client.post(
        "/kotak-masuk/tandai", data={"kind": "loan_report", "item_id": report_id}
    )
    assert response.status_code == 404
    response = client.post("/kotak-masuk/tandai", data={"kind": "transition", "item_id": 1})
    assert response.status_code == 404
    assert client.get("/kotak-masuk").status_code == 200


def test_inbox_queries_do_not_grow_with_the_items(app, people):
    from sqlalchemy import event

    statements: list[str] = []
    with app.app_context():
        user = db.session.get(User, people["facilitator_id"])
        assert user.kecamatan_codes  # loaded before counting

        def count(*args):
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            items = inbox.facilitator_items(db.session, user)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        # Approved, disbursed and needs info: one query per kind (bank news, loans in
        # trouble), whatever the number of items.
        assert len(items) == 3
        assert len(statements) == 2
        assert all("LIMIT" in s.upper() for s in statements)


def test_exemption_request_reaches_the_admin_who_grants_it(
    app, client, auth, create_user, ready_entrepreneur, make_referral
):
    facilitator_id, facilitator = create_user(Role.FACILITATOR)
    _, admin = create_user(Role.ADMIN)
    person = ready_entrepreneur(facilitator_id, graduated=False)
    rid = make_referral(facilitator_id, person)
    auth.login(facilitator)
    page = client.get(f"/rujukan/{rid}").get_data(as_text=True)
    assert "Minta pengecualian syarat ke admin" in page
    refused = client.post(
        f"/rujukan/{rid}/minta-pengecualian",
        data={"gate": "training", "reason": "pendek"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Alasan: tuliskan alasannya (minimal 10 huruf)." in refused
    sent = client.post(
        f"/rujukan/{rid}/minta-pengecualian",
        data={"gate": "training", "reason": "Sudah ikut pelatihan serupa dari Dinas Sosial 2025"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "dikirim ke admin" in sent and "Menunggu keputusan admin" in sent
    auth.logout()
    auth.login(admin)
    listing = client.get("/kotak-masuk").get_data(as_text=True)
    assert "Pengecualian: Semua pemohon lulus pelatihan BALIKAT" in listing
    assert "Dinas Sosial 2025" in listing and f'href="/rujukan/{rid}#syarat"' in listing
    with app.app_context():
        (request,) = inbox.pending_requests(db.session)
        request_id = request[0].id
    granted = client.post(
        f"/kotak-masuk/pengecualian/{request_id}",
        data={"decision": "grant"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "dikabulkan" in granted and "Tidak ada permintaan yang menunggu." in granted
    with app.app_context():
        exemption = db.session.scalar(sa.select(GateExemption))
        assert exemption.gate == "training" and "Dinas Sosial" in exemption.reason
    again = client.post(
        f"/kotak-masuk/pengecualian/{request_id}", data={"decision": "grant"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Permintaan ini sudah dikabulkan." in again


def test_declining_needs_a_note_and_strangers_cannot_ask(
    app, client, auth, create_user, ready_entrepreneur, make_referral
):
    facilitator_id, facilitator = create_user(Role.FACILITATOR)
    _, admin = create_user(Role.ADMIN)
    _, stranger = create_user(Role.FACILITATOR, kecamatan_codes=OTHER_KECAMATAN)
    person = ready_entrepreneur(facilitator_id)
    rid = make_referral(facilitator_id, person, documents=False)
    auth.login(stranger)
    response = client.post(
        f"/rujukan/{rid}/minta-pengecualian",
        data={"gate": "documents", "reason": "KK sedang diurus di Dukcapil"},
    )
    assert response.status_code == 404
    auth.logout()
    auth.login(facilitator)
    client.post(
        f"/rujukan/{rid}/minta-pengecualian",
        data={"gate": "documents", "reason": "KK sedang diurus di Dukcapil"},
    )
    auth.logout()
    auth.login(admin)
    with app.app_context():
        request_id = inbox.pending_requests(db.session)[0][0].id
    refused = client.post(
        f"/kotak-masuk/pengecualian/{request_id}",
        data={"decision": "decline"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Catatan: tuliskan mengapa permintaan ditolak." in refused
    client.post(
        f"/kotak-masuk/pengecualian/{request_id}",
        data={"decision": "decline", "note": "Tunggu KK selesai, lalu unggah."},
    )
    auth.logout()
    auth.login(facilitator)
    page = client.get(f"/rujukan/{rid}").get_data(as_text=True)
    assert "Ditolak" in page and "Tunggu KK selesai, lalu unggah." in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(GateExemption)) == 0
