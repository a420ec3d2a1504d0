"""Who may see what: banks see only their own referrals, files only go to those who work on them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from harkat.audit.models import AuditLog
from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.referrals.models import ReferralDocument
from harkat.referrals.transitions import ReferralStatus
from tests.fixtures.referrals import PDF, PNG

#: A Windows executable renamed to look like a scan.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


@pytest.fixture
def submitted(create_user, ready_entrepreneur, make_referral):
    facilitator_id, facilitator = create_user(Role.FACILITATOR)
    officer_id, officer = create_user(Role.BANK_OFFICER)
    person = ready_entrepreneur(facilitator_id)
    referral_id = make_referral(facilitator_id, person, status=ReferralStatus.SUBMITTED)
    return {
        "facilitator": facilitator,
        "facilitator_id": facilitator_id,
        "officer": officer,
        "officer_id": officer_id,
        "person": person,
        "referral": referral_id,
    }


def _first_document(app, referral_id):
    with app.app_context():
        return db.session.scalar(
            sa.select(ReferralDocument.id)
            .where(ReferralDocument.referral_id == referral_id)
            .order_by(ReferralDocument.id)
        )


def test_other_banks_officer_gets_404_everywhere(app, client, auth, create_user, submitted):
    _, other = create_user(Role.BANK_OFFICER, bank_code="BRI")
    auth.login(other)
    rid = submitted["referral"]
    doc = _first_document(app, rid)
    for url in (
        f"/rujukan/{rid}",
        f"/rujukan/{rid}/paket.pdf",
        f"/rujukan/{rid}/dokumen/{doc}",
        f"/rujukan/{rid}/dokumen/{doc}/pratinjau",
        f"/rujukan/{rid}/pencairan",
        f"/pelaku-usaha/{submitted['person']}",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/rujukan/{rid}/aksi", data={"action": "review"}).status_code == 404
    assert client.post(f"/rujukan/{rid}/pesan", data={"body": "Halo"}).status_code == 404
    queue = client.get("/rujukan").get_data(as_text=True)
    assert "Siti Aminah" not in queue and "Tidak ada rujukan" in queue


def test_own_banks_officer_reads_shared_record_and_files(app, client, auth, submitted):
    auth.login(submitted["officer"])
    rid = submitted["referral"]
    page = client.get(f"/rujukan/{rid}").get_data(as_text=True)
    assert "Siti Aminah" in page and "Usaha Siti Aminah" in page and "Kartu Keluarga" in page
    doc = _first_document(app, rid)
    response = client.get(f"/rujukan/{rid}/dokumen/{doc}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.data == PNG
    preview = client.get(f"/rujukan/{rid}/dokumen/{doc}/pratinjau")
    assert (
        preview.mimetype == "image/png" and preview.headers["X-Content-Type-Options"] == "nosniff"
    )
    # The bank still sees no one else's case pages.
    assert client.get(f"/pelaku-usaha/{submitted['person']}").status_code == 404
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditLog.action).where(AuditLog.entity_type == "referral_documents")
        ).all()
        assert "download" in actions and "view" in actions


def test_drafts_stay_with_the_city(
    app, client, auth, create_user, ready_entrepreneur, make_referral
):
    facilitator_id, _ = create_user(Role.FACILITATOR)
    _, officer = create_user(Role.BANK_OFFICER)
    draft = make_referral(facilitator_id, ready_entrepreneur(facilitator_id))
    auth.login(officer)
    assert client.get(f"/rujukan/{draft}").status_code == 404


def test_facilitator_of_another_kecamatan_gets_404(client, auth, create_user, submitted):
    _, stranger = create_user(Role.FACILITATOR, kecamatan_codes=("15.71.02",))
    auth.login(stranger)
    rid = submitted["referral"]
    assert client.get(f"/rujukan/{rid}").status_code == 404
    assert client.get(f"/rujukan/{rid}/paket.pdf").status_code == 404
    assert "Tidak ada rujukan" in client.get("/rujukan").get_data(as_text=True)


def test_viewer_reads_masked_and_cannot_download(app, client, auth, create_user, submitted):
    _, viewer = create_user(Role.VIEWER)
    auth.login(viewer)
    rid = submitted["referral"]
    page = client.get(f"/rujukan/{rid}").get_data(as_text=True)
    assert "Siti Aminah" in page and "********" in page
    doc = _first_document(app, rid)
    assert client.get(f"/rujukan/{rid}/dokumen/{doc}").status_code == 403
    assert client.get(f"/rujukan/{rid}/paket.pdf").status_code == 403


@pytest.fixture
def draft(app, create_user, ready_entrepreneur, make_referral, auth):
    facilitator_id, facilitator = create_user(Role.FACILITATOR)
    rid = make_referral(facilitator_id, ready_entrepreneur(facilitator_id), documents=False)
    auth.login(facilitator)
    with app.app_context():
        from harkat.referrals.models import Referral

        person = db.session.get(Referral, rid).entrepreneur_id
    return rid, person


def _upload(client, rid, person, data, name="ktp.jpg", kind="ktp"):
    return client.post(
        f"/rujukan/{rid}/dokumen",
        data={"kind": kind, "entrepreneur_id": person, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_renamed_executable_is_refused(app, client, draft):
    rid, person = draft
    page = _upload(client, rid, person, EXE, "ktp.jpg").get_data(as_text=True)
    assert "hanya PDF, JPEG atau PNG yang diterima (diperiksa dari isi berkas" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReferralDocument)) == 0
    folder = Path(app.config["UPLOAD_DIR"]) / "referrals"
    assert not folder.exists() or not any(folder.iterdir())


def test_pdf_is_stored_with_random_name_and_hash(app, client, draft):
    import hashlib

    rid, person = draft
    _upload(client, rid, person, PDF, "KK keluarga.pdf", "kk")
    with app.app_context():
        doc = db.session.scalar(sa.select(ReferralDocument))
        assert doc.original_name == "KK keluarga.pdf"
        assert doc.mime == "application/pdf"
        assert doc.sha256 == hashlib.sha256(PDF).hexdigest()
        assert "keluarga" not in doc.path and doc.path.endswith(".pdf")
        assert (Path(app.config["UPLOAD_DIR"]) / doc.path).read_bytes() == PDF


def test_oversize_file_is_refused_with_the_limit(app, client, draft):
    rid, person = draft
    app.config["MAX_UPLOAD_BYTES"] = 1024
    page = _upload(client, rid, person, PNG + b"\x00" * 2048).get_data(as_text=True)
    assert "Berkas 1 (ktp.jpg): ukuran maksimal 1 KB." in page


def test_removal_is_soft_and_audited(app, client, draft):
    rid, person = draft
    _upload(client, rid, person, PNG)
    doc = _first_document(app, rid)
    page = client.post(
        f"/rujukan/{rid}/dokumen/{doc}/hapus", data={"reason": "Foto buram"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "1 dokumen dihapus" in page and "Foto buram" in page
    with app.app_context():
        document = db.session.get(ReferralDocument, doc)
        assert document.removed_at is not None and document.removed_reason == "Foto buram"
        audit = db.session.scalar(
            sa.select(AuditLog).where(
                AuditLog.entity_type == "referral_documents", AuditLog.action == "update"
            )
        )
        assert audit is not None and "removed_at" in audit.changes
    # Still downloadable for the record, but it no longer counts for the gates.
    assert client.get(f"/rujukan/{rid}/dokumen/{doc}").status_code == 200
    assert "unggah KTP" in client.get(f"/rujukan/{rid}").get_data(as_text=True)


def test_documents_are_frozen_once_submitted(app, client, auth, submitted):
    auth.login(submitted["facilitator"])
    rid = submitted["referral"]
    page = _upload(client, rid, submitted["person"], PNG).get_data(as_text=True)
    assert "hanya saat draf atau saat bank meminta kelengkapan" in page
