"""The public verification page, the certificate PDF and revocation, through the browser."""

from __future__ import annotations

import html
import io

import sqlalchemy as sa
from pypdf import PdfReader

from harkat.audit.models import AuditLog
from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.registration.models import Entrepreneur
from harkat.training.models import Certificate, Enrolment


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _nik(app, entrepreneur_id: int) -> str:
    with app.app_context():
        return db.session.get(Entrepreneur, entrepreneur_id).nik


def _cohort_id(app, enrolment_id: int) -> int:
    with app.app_context():
        return db.session.get(Enrolment, enrolment_id).cohort_id


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


def _revoke_directly(app, certificate_id: int, admin_id: int) -> None:
    from harkat.auth.models import User
    from harkat.training import certificates

    with app.app_context():
        certificates.revoke_certificate(
            db.session,
            db.session.get(Certificate, certificate_id),
            "Diterbitkan keliru",
            db.session.get(User, admin_id),
        )
        db.session.commit()


# --------------------------------------------------------------------------- verification


def test_a_valid_certificate_verifies_with_a_masked_name_only(
    app, client, admin_id, graduate, issue
):
    issued = issue(graduate.enrolment_id, admin_id)
    response = client.get(f"/verifikasi/{issued.token}")
    page = _text(response)
    assert response.status_code == 200
    assert "SAH" in page and "DICABUT" not in page
    assert "Si** Am****" in page
    assert "Digital Marketing untuk UMKM" in page
    assert issued.number in page
    assert "2 Maret 2026 s.d. 5 Maret 2026" in page
    assert "Siti Aminah" not in page and "Aminah" not in page
    nik = _nik(app, graduate.entrepreneur_id)
    assert nik not in page and nik[:6] not in page
    assert "Jl. Sultan Thaha" not in page and "3456" not in page  # no address, no phone
    assert response.headers["X-Robots-Tag"].startswith("noindex")


def test_a_revoked_certificate_says_so_with_its_date(app, client, admin_id, graduate, issue):
    issued = issue(graduate.enrolment_id, admin_id)
    _revoke_directly(app, issued.certificate_id, admin_id)
    with app.app_context():
        revoked_at = db.session.get(Certificate, issued.certificate_id).revoked_at
    from harkat.core.dates import format_date

    response = client.get(f"/verifikasi/{issued.token}")
    page = _text(response)
    assert response.status_code == 200
    assert f"DICABUT ({format_date(revoked_at)})" in page
    assert ">SAH<" not in page
    assert "Si** Am****" in page and "Siti Aminah" not in page
    assert "Diterbitkan keliru" not in page  # the reason is internal


def test_an_unknown_token_is_not_found(client, admin_id, graduate, issue):
    issue(graduate.enrolment_id, admin_id)
    for token in ("tidak-ada", "A" * 32, "x" * 500):
        response = client.get(f"/verifikasi/{token}")
        assert response.status_code == 404
        page = _text(response)
        assert "Sertifikat tidak ditemukan." in page
        assert "Si**" not in page


def test_the_verification_page_needs_no_sign_in_and_leaks_no_navigation(
    client, admin_id, graduate, issue
):
    issued = issue(graduate.enrolment_id, admin_id)
    page = _text(client.get(f"/verifikasi/{issued.token}"))
    assert "Pelaku usaha" not in page and "Keluar" not in page
    assert "<script>" not in page and "style=" not in page


# --------------------------------------------------------------------------- PDF


def test_an_admin_downloads_the_certificate_pdf(app, client, login_as, admin_id, graduate, issue):
    issued = issue(graduate.enrolment_id, admin_id)
    app.config["PUBLIC_BASE_URL"] = "https://harkat.jambikota.go.id/"
    login_as(Role.ADMIN)
    response = client.get(f"/pelatihan/sertifikat/{issued.certificate_id}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    expected_name = f"sertifikat-{issued.number.replace('/', '-')}.pdf"
    assert expected_name in response.headers["Content-Disposition"]
    assert "attachment" in response.headers["Content-Disposition"]
    text = _pdf_text(response.data)
    assert "SERTIFIKAT" in text.replace(" ", "")
    assert "Siti Aminah" in text
    assert "Digital Marketing untuk UMKM" in text
    assert issued.number in text
    assert "24 jam pelajaran" in text
    assert "2 Maret 2026 s.d. 5 Maret 2026" in text
    assert "Rina Marlina" in text
    assert f"https://harkat.jambikota.go.id/verifikasi/{issued.token}" in text
    assert _nik(app, graduate.entrepreneur_id) not in text
    with app.app_context():
        row = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "download"))
        assert (row.entity_type, row.entity_id) == ("certificates", str(issued.certificate_id))


def test_without_a_public_address_the_qr_never_uses_the_request_host(
    client, login_as, admin_id, graduate, issue
):
    issued = issue(graduate.enrolment_id, admin_id)
    login_as(Role.ADMIN)
    response = client.get(f"/pelatihan/sertifikat/{issued.certificate_id}.pdf")
    text = _pdf_text(response.data)
    # The test client's host is "localhost"; the QR carries the configured (default) address.
    assert f"http://localhost:5000/verifikasi/{issued.token}" in text
    assert f"http://localhost/verifikasi/{issued.token}" not in text


def test_a_facilitator_of_the_kecamatan_gets_the_pdf(client, login_as, admin_id, graduate, issue):
    issued = issue(graduate.enrolment_id, admin_id)
    login_as(Role.FACILITATOR)  # Telanaipura, where the graduate lives
    assert client.get(f"/pelatihan/sertifikat/{issued.certificate_id}.pdf").status_code == 200


def test_a_facilitator_of_another_kecamatan_is_refused(client, login_as, admin_id, graduate, issue):
    issued = issue(graduate.enrolment_id, admin_id)
    login_as(Role.FACILITATOR, kecamatan_codes=("15.71.02",))
    assert client.get(f"/pelatihan/sertifikat/{issued.certificate_id}.pdf").status_code == 404


def test_a_bank_officer_is_refused(client, login_as, admin_id, graduate, issue):
    issued = issue(graduate.enrolment_id, admin_id)
    login_as(Role.BANK_OFFICER)
    assert client.get(f"/pelatihan/sertifikat/{issued.certificate_id}.pdf").status_code == 404


def test_a_revoked_certificate_has_no_pdf(app, client, login_as, admin_id, graduate, issue):
    issued = issue(graduate.enrolment_id, admin_id)
    _revoke_directly(app, issued.certificate_id, admin_id)
    login_as(Role.ADMIN)
    assert client.get(f"/pelatihan/sertifikat/{issued.certificate_id}.pdf").status_code == 404
    assert client.get("/pelatihan/sertifikat/999999.pdf").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in_for_the_pdf(client, admin_id, graduate, issue):
    issued = issue(graduate.enrolment_id, admin_id)
    response = client.get(f"/pelatihan/sertifikat/{issued.certificate_id}.pdf")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


# --------------------------------------------------------------------------- revocation


def test_an_admin_revokes_with_a_reason(app, client, login_as, admin_id, graduate, issue):
    issued = issue(graduate.enrolment_id, admin_id)
    login_as(Role.ADMIN)
    cohort_id = _cohort_id(app, graduate.enrolment_id)
    response = client.post(
        f"/pelatihan/sertifikat/{issued.certificate_id}/cabut",
        data={"reason": "Nilai post-test dikoreksi"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/pelatihan/angkatan/{cohort_id}")
    with app.app_context():
        certificate = db.session.get(Certificate, issued.certificate_id)
        assert certificate.revoked_reason == "Nilai post-test dikoreksi"
    page = _text(client.get(f"/verifikasi/{issued.token}"))
    assert "DICABUT" in page


def test_revoking_without_a_reason_changes_nothing(
    app, client, login_as, admin_id, graduate, issue
):
    issued = issue(graduate.enrolment_id, admin_id)
    login_as(Role.ADMIN)
    response = client.post(
        f"/pelatihan/sertifikat/{issued.certificate_id}/cabut", data={"reason": "  "}
    )
    assert response.status_code == 302
    with client.session_transaction() as session:
        messages = [message for _, message in session.get("_flashes", [])]
    assert any("alasan pencabutan" in message for message in messages)
    with app.app_context():
        assert db.session.get(Certificate, issued.certificate_id).is_valid


def test_a_facilitator_may_not_revoke(app, client, login_as, admin_id, graduate, issue):
    issued = issue(graduate.enrolment_id, admin_id)
    login_as(Role.FACILITATOR)
    response = client.post(
        f"/pelatihan/sertifikat/{issued.certificate_id}/cabut", data={"reason": "Tidak suka"}
    )
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Certificate, issued.certificate_id).is_valid


def test_revoking_needs_the_form_token_when_csrf_is_on(
    app, client, login_as, admin_id, graduate, issue
):
    issued = issue(graduate.enrolment_id, admin_id)
    login_as(Role.ADMIN)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(
        f"/pelatihan/sertifikat/{issued.certificate_id}/cabut", data={"reason": "Keliru"}
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(Certificate, issued.certificate_id).is_valid
