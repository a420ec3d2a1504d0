"""Issuing and revoking certificates, as the close-cohort page and admins do."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.cases.models import CaseEvent
from harkat.errors import StopValidation
from harkat.extensions import db
from harkat.training import certificates
from harkat.training.domain import TrainingResult
from harkat.training.models import Certificate, Cohort, Enrolment


def _events(app, entrepreneur_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(CaseEvent.summary)
                .where(
                    CaseEvent.entrepreneur_id == entrepreneur_id, CaseEvent.kind == "certificate"
                )
                .order_by(CaseEvent.id)
            )
        )


def test_numbers_count_up_within_a_year_and_restart_the_next(
    app, admin_id, build_cohort, create_entrepreneur, enrol, issue
):
    cohort_id = build_cohort()
    enrolees = [
        enrol(cohort_id, create_entrepreneur(admin_id, full_name=f"Peserta {n}"), present=4)
        for n in range(3)
    ]
    first = issue(enrolees[0].enrolment_id, admin_id, today=date(2026, 3, 10))
    second = issue(enrolees[1].enrolment_id, admin_id, today=date(2026, 12, 31))
    next_year = issue(enrolees[2].enrolment_id, admin_id, today=date(2027, 1, 2))
    assert first.number == "BALIKAT/2026/000001"
    assert second.number == "BALIKAT/2026/000002"
    assert next_year.number == "BALIKAT/2027/000001"


def test_tokens_are_long_random_and_not_derived_from_the_id_or_number(
    app, admin_id, build_cohort, create_entrepreneur, enrol, issue
):
    cohort_id = build_cohort()
    tokens = []
    for n in range(3):
        enrolee = enrol(cohort_id, create_entrepreneur(admin_id, full_name=f"Peserta {n}"))
        issued = issue(enrolee.enrolment_id, admin_id)
        assert len(issued.token) >= 32
        assert re.fullmatch(r"[A-Za-z0-9_-]+", issued.token)
        assert issued.number.rsplit("/", 1)[-1] not in issued.token  # "000001"
        assert len(set(issued.token)) >= 16  # random, not a padded counter
        tokens.append(issued.token)
    assert len(set(tokens)) == 3
    # No shared prefix or suffix that would hint at a counter.
    assert len({t[:6] for t in tokens}) == 3 and len({t[-6:] for t in tokens}) == 3


def test_issuing_twice_returns_the_same_certificate(app, admin_id, graduate, issue):
    first = issue(graduate.enrolment_id, admin_id)
    again = issue(graduate.enrolment_id, admin_id)
    assert again == first
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 1
    assert _events(app, graduate.entrepreneur_id) == [
        f"Sertifikat BALIKAT {first.number} diterbitkan: Digital Marketing untuk UMKM."
    ]


def test_the_certificate_stores_the_signatory_in_force_when_issued(app, admin_id, graduate, issue):
    app.config["CERTIFICATE_SIGNATORY_NAME"] = "Dr. H. Ahmad Fauzi, S.E., M.M."
    issued = issue(graduate.enrolment_id, admin_id, today=date(2026, 3, 6))
    app.config["CERTIFICATE_SIGNATORY_NAME"] = "Pejabat Berikutnya"
    with app.app_context():
        certificate = db.session.get(Certificate, issued.certificate_id)
        assert certificate.signatory_name == "Dr. H. Ahmad Fauzi, S.E., M.M."
        assert certificate.signatory_title == app.config["CERTIFICATE_SIGNATORY_TITLE"]
        assert certificate.issued_on == date(2026, 3, 6)
        assert certificate.enrolment.certificate is certificate


@pytest.mark.parametrize("result", [TrainingResult.FAILED, TrainingResult.WITHDRAWN, None])
def test_only_graduates_get_a_certificate(
    app, admin_id, build_cohort, create_entrepreneur, enrol, result
):
    cohort_id = build_cohort()
    enrolee = enrol(cohort_id, create_entrepreneur(admin_id), result=result)
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolee.enrolment_id)
        with pytest.raises(StopValidation) as caught:
            certificates.issue_certificate(
                db.session,
                enrolment,
                certificates.Signatory("Nama", "Jabatan"),
                db.session.get(User, admin_id),
            )
        assert caught.value.reasons == {None: ["Sertifikat hanya untuk peserta yang lulus."]}


def test_issue_for_cohort_covers_every_graduate_only(
    app, admin_id, build_cohort, create_entrepreneur, enrol
):
    cohort_id = build_cohort()
    passed = enrol(cohort_id, create_entrepreneur(admin_id, full_name="Lulus Satu"))
    enrol(cohort_id, create_entrepreneur(admin_id, full_name="Gagal"), result=TrainingResult.FAILED)
    passed_too = enrol(cohort_id, create_entrepreneur(admin_id, full_name="Lulus Dua"))
    with app.app_context():
        issued = certificates.issue_for_cohort(
            db.session,
            db.session.get(Cohort, cohort_id),
            certificates.Signatory("Nama", "Jabatan"),
            db.session.get(User, admin_id),
        )
        db.session.commit()
        assert [c.enrolment_id for c in issued] == [passed.enrolment_id, passed_too.enrolment_id]


def _revoke(app, certificate_id: int, reason: str, actor_id: int) -> None:
    with app.app_context():
        certificates.revoke_certificate(
            db.session,
            db.session.get(Certificate, certificate_id),
            reason,
            db.session.get(User, actor_id),
        )
        db.session.commit()


def test_revoking_needs_a_reason_and_an_admin(app, admin_id, create_user, graduate, issue):
    issued = issue(graduate.enrolment_id, admin_id)
    facilitator_id, _ = create_user(Role.FACILITATOR)
    with pytest.raises(StopValidation) as caught:
        _revoke(app, issued.certificate_id, "   ", admin_id)
    assert caught.value.reasons == {"reason": ["Tuliskan alasan pencabutan sertifikat."]}
    with pytest.raises(StopValidation):
        _revoke(app, issued.certificate_id, "Data keliru", facilitator_id)

    _revoke(app, issued.certificate_id, "  Nilai post-test  salah input ", admin_id)
    with app.app_context():
        certificate = db.session.get(Certificate, issued.certificate_id)
        assert not certificate.is_valid
        assert certificate.revoked_reason == "Nilai post-test salah input"
        assert certificate.revoked_by_id == admin_id
    assert _events(app, graduate.entrepreneur_id)[-1] == (
        f"Sertifikat BALIKAT {issued.number} dicabut: Nilai post-test salah input"
    )
    with pytest.raises(StopValidation, match="sudah dicabut"):
        _revoke(app, issued.certificate_id, "Lagi", admin_id)


def test_issuing_after_revocation_gives_a_new_number_and_token_on_the_same_row(
    app, admin_id, graduate, issue
):
    first = issue(graduate.enrolment_id, admin_id, today=date(2026, 3, 6))
    _revoke(app, first.certificate_id, "Nama salah ketik", admin_id)
    second = issue(graduate.enrolment_id, admin_id, today=date(2026, 4, 1))
    assert second.certificate_id == first.certificate_id
    assert second.number == "BALIKAT/2026/000002" and second.token != first.token
    with app.app_context():
        certificate = db.session.get(Certificate, second.certificate_id)
        assert certificate.is_valid and certificate.revoked_reason is None
        assert certificate.issued_on == date(2026, 4, 1)
        assert certificates.verification(db.session, first.token) is None
    assert "diterbitkan ulang" in _events(app, graduate.entrepreneur_id)[-1]
    assert first.number in _events(app, graduate.entrepreneur_id)[-1]
