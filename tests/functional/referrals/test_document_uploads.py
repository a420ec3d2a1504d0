"""Documents the way a phone takes them: several files per upload, each with its kind and owner,
photos without their GPS position, documents already on file reused, removal that asks first,
one ZIP for the bank and thumbnails in the packet."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image
from pypdf import PdfReader

from harkat.audit.models import AuditLog
from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.referrals.gates import DocumentKind
from harkat.referrals.models import Referral, ReferralDocument
from harkat.referrals.transitions import ReferralStatus
from tests.fixtures.referrals import PDF, png_bytes

#: EXIF tags: orientation, camera make, and the GPS block.
ORIENTATION, MAKE, GPS_IFD = 0x0112, 0x010F, 0x8825


def jpeg_bytes(size=(64, 32), colour="teal", *, gps: bool = False, orientation: int = 1) -> bytes:
    """A real JPEG made with Pillow; with ``gps`` it carries a camera make and a GPS position."""
    options = {}
    if gps:
        exif = options["exif"] = Image.Exif()
        exif[MAKE] = "Xiaomi"
        exif[ORIENTATION] = orientation
        # Kota Jambi: 1°36' S, 103°36' E.
        exif[GPS_IFD] = {1: "S", 2: (1.0, 36.0, 0.0), 3: "E", 4: (103.0, 36.0, 0.0)}
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", quality=90, **options)
    return buffer.getvalue()


def _rows(files: list[tuple[bytes, str, str, int | str]]) -> dict:
    """The multi-file form: ``rows-N-file``, ``rows-N-kind``, ``rows-N-member`` per file."""
    data = {}
    for index, (content, name, kind, member) in enumerate(files):
        data[f"rows-{index}-file"] = (io.BytesIO(content), name)
        data[f"rows-{index}-kind"] = kind
        data[f"rows-{index}-member"] = str(member)
    return data


def _post(client, referral_id, files, **kwargs):
    return client.post(
        f"/rujukan/{referral_id}/dokumen",
        data=_rows(files),
        content_type="multipart/form-data",
        **kwargs,
    )


def _offered(page: str) -> set[int]:
    """Ids of the documents the reuse form offers (its checkboxes)."""
    return {int(v) for v in re.findall(r'name="reuse" type="checkbox" value="(\d+)"', page)}


def _documents(app, referral_id) -> list[ReferralDocument]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(ReferralDocument)
                .where(
                    ReferralDocument.referral_id == referral_id,
                    ReferralDocument.removed_at.is_(None),
                )
                .order_by(ReferralDocument.id)
            )
        )


@pytest.fixture
def group_draft(app, create_user, make_group_referral, auth):
    facilitator_id, facilitator = create_user(Role.FACILITATOR)
    referral_id, people = make_group_referral(facilitator_id)
    auth.login(facilitator)
    return referral_id, people


def test_a_group_of_five_is_documented_in_two_uploads(app, client, group_draft):
    referral_id, people = group_draft
    page = client.get(f"/rujukan/{referral_id}").get_data(as_text=True)
    assert "Langkah berikutnya:" in page and "Unggah KTP Ani Lestari" in page
    assert 'accept="image/*,application/pdf"' in page and 'capture="environment"' in page
    assert "Ambil foto" in page and "Pilih berkas" in page

    # Upload 1: everyone's KTP (a camera photo) and KK (a scanned PDF), ten files.
    first = []
    for person in people:
        first.append((jpeg_bytes(colour="navy"), f"ktp-{person}.jpg", "ktp", person))
        first.append((PDF, f"kk-{person}.pdf", "kk", person))
    response = _post(client, referral_id, first)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/rujukan/{referral_id}#dokumen")
    page = client.get(f"/rujukan/{referral_id}").get_data(as_text=True)
    assert "10 dokumen diunggah: KTP, Kartu Keluarga." in page
    assert "Berikutnya: NIB atau Surat Keterangan Usaha Ani Lestari." in page
    # The pickers now stand on the next missing document: Ani's NIB/SKU, then her photo.
    assert 'id="rows-0-kind" name="rows-0-kind"><option value="ktp">' in page
    assert '<option selected value="nib_sku">' in page.split('id="rows-0-kind"')[1][:900]
    row0_member = page.split('id="rows-0-member"')[1][:400]
    assert f'<option selected value="{people[0]}">Ani Lestari' in row0_member
    row1_kind = page.split('id="rows-1-kind"')[1][:900]
    assert '<option selected value="business_photo">' in row1_kind

    # Upload 2: NIB/SKU and a business photo for each, ten files.
    second = []
    for person in people:
        second.append((PDF, f"sku-{person}.pdf", "nib_sku", person))
        second.append((png_bytes((40, 30)), f"warung-{person}.png", "business_photo", person))
    assert _post(client, referral_id, second).status_code == 302
    page = client.get(f"/rujukan/{referral_id}").get_data(as_text=True)
    assert "Semua dokumen wajib sudah lengkap." in page
    assert "unggah NIB" not in page and "Semua syarat terpenuhi" in page
    documents = _documents(app, referral_id)
    assert len(documents) == 20
    assert {(d.entrepreneur_id, d.kind) for d in documents} == {
        (person, kind)
        for person in people
        for kind in (
            DocumentKind.KTP,
            DocumentKind.KK,
            DocumentKind.NIB_SKU,
            DocumentKind.BUSINESS_PHOTO,
        )
    }


def test_gps_and_camera_data_are_removed_and_the_photo_stays_upright(app, client, group_draft):
    referral_id, people = group_draft
    photo = jpeg_bytes((64, 32), gps=True, orientation=6)
    with Image.open(io.BytesIO(photo)) as sent:
        assert sent.getexif().get_ifd(GPS_IFD), "the test photo must carry a GPS position"
    response = _post(client, referral_id, [(photo, "IMG_2026.jpg", "ktp", people[0])])
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Data lokasi (GPS) dan kamera dihapus dari 1 foto sebelum disimpan." in page
    (document,) = _documents(app, referral_id)
    stored = (Path(app.config["UPLOAD_DIR"]) / document.path).read_bytes()
    assert b"Exif" not in stored and b"Xiaomi" not in stored
    with Image.open(io.BytesIO(stored)) as kept:
        assert kept.format == "JPEG"
        assert not kept.getexif() and not kept.getexif().get_ifd(GPS_IFD)
        # Orientation 6 means "turn 90°": the stored picture is already turned.
        assert kept.size == (32, 64)
    assert document.sha256 == hashlib.sha256(stored).hexdigest()
    assert document.size == len(stored)


def test_a_clean_photo_is_stored_byte_for_byte(app, client, group_draft):
    referral_id, people = group_draft
    photo = jpeg_bytes()
    _post(client, referral_id, [(photo, "sudah-kecil.jpg", "ktp", people[0])])
    (document,) = _documents(app, referral_id)
    assert (Path(app.config["UPLOAD_DIR"]) / document.path).read_bytes() == photo


def test_a_bad_file_is_named_and_the_good_ones_are_kept(app, client, group_draft):
    referral_id, people = group_draft
    broken = b"\xff\xd8\xff" + b"not really a jpeg" * 10
    response = _post(
        client,
        referral_id,
        [
            (PDF, "kk.pdf", "kk", people[0]),
            (b"MZ\x90\x00" + b"\x00" * 64, "ktp.jpg", "ktp", people[0]),
            (broken, "rusak.jpg", "ktp", people[1]),
        ],
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Berkas 2 (ktp.jpg): hanya PDF, JPEG atau PNG yang diterima" in page
    assert "Berkas 3 (rusak.jpg): gambar tidak dapat dibaca" in page
    assert "1 dokumen diunggah: Kartu Keluarga." in page
    assert [d.kind for d in _documents(app, referral_id)] == [DocumentKind.KK]


def test_more_files_than_one_upload_takes_are_refused_whole(app, client, group_draft):
    referral_id, people = group_draft
    files = [(PDF, f"berkas-{i}.pdf", "other", people[0]) for i in range(21)]
    page = _post(client, referral_id, files, follow_redirects=True).get_data(as_text=True)
    assert "paling banyak 20 berkas sekali unggah; 21 dipilih. Belum ada yang disimpan." in page
    assert _documents(app, referral_id) == []


def test_documents_on_file_are_reused_with_one_tick(
    app, client, auth, create_user, ready_entrepreneur, make_referral
):
    facilitator_id, facilitator = create_user(Role.FACILITATOR)
    person = ready_entrepreneur(facilitator_id)
    earlier = make_referral(facilitator_id, person)
    later = make_referral(facilitator_id, person, documents=False)
    auth.login(facilitator)
    page = client.get(f"/rujukan/{later}").get_data(as_text=True)
    assert "Sudah ada di rujukan sebelumnya: pakai ulang tanpa mengunggah" in page
    offered = {d.kind: d for d in _documents(app, earlier)}
    # KTP, KK and NIB/SKU stay true; a business photo is taken anew.
    assert _offered(page) == {
        offered[k].id for k in (DocumentKind.KTP, DocumentKind.KK, DocumentKind.NIB_SKU)
    }

    response = client.post(
        f"/rujukan/{later}/dokumen/pakai-ulang",
        data={"reuse": [offered[DocumentKind.KTP].id, offered[DocumentKind.KK].id]},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "2 dokumen dipakai ulang: KTP Siti Aminah, Kartu Keluarga Siti Aminah." in page
    reused = _documents(app, later)
    assert [(d.kind, d.sha256, d.path) for d in reused] == [
        (k, offered[k].sha256, offered[k].path) for k in (DocumentKind.KTP, DocumentKind.KK)
    ]
    with app.app_context():
        earlier_number = db.session.get(Referral, earlier).number
        rows = db.session.scalars(
            sa.select(AuditLog).where(AuditLog.action == "referral_document.reuse")
        ).all()
        assert {r.changes["from_referral"] for r in rows} == {earlier_number}
        assert {r.entity_id for r in rows} == {str(d.id) for d in reused}
    # Offered no more once on this referral; a forged id is refused.
    page = client.get(f"/rujukan/{later}").get_data(as_text=True)
    assert _offered(page) == {offered[DocumentKind.NIB_SKU].id}
    refused = client.post(
        f"/rujukan/{later}/dokumen/pakai-ulang",
        data={"reuse": [offered[DocumentKind.BUSINESS_PHOTO].id]},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "tidak lagi tersedia untuk dipakai ulang" in refused
    assert len(_documents(app, later)) == 2


def test_removing_asks_first_and_needs_a_reason(app, client, group_draft):
    referral_id, people = group_draft
    _post(client, referral_id, [(PDF, "kk.pdf", "kk", people[0])])
    (document,) = _documents(app, referral_id)
    remove_url = f"/rujukan/{referral_id}/dokumen/{document.id}/hapus"
    page = client.get(f"/rujukan/{referral_id}").get_data(as_text=True)
    # The list links to a question page; no remove button stands next to "Unduh".
    assert f'href="{remove_url}"' in page and f'action="{remove_url}"' not in page
    question = client.get(remove_url).get_data(as_text=True)
    assert "Hapus dokumen dari rujukan" in question and "kk.pdf" in question
    assert "Ya, hapus dokumen" in question and "Batal, kembali" in question

    refused = client.post(remove_url, data={"reason": ""}).get_data(as_text=True)
    assert "Alasan menghapus wajib diisi." in refused
    assert len(_documents(app, referral_id)) == 1

    response = client.post(remove_url, data={"reason": "Salah orang"})
    assert response.headers["Location"].endswith("#dokumen")
    assert _documents(app, referral_id) == []
    page = client.get(f"/rujukan/{referral_id}").get_data(as_text=True)
    assert "Dokumen dihapus dari rujukan: Kartu Keluarga Ani Lestari." in page
    assert "1 dokumen dihapus" in page and "Salah orang" in page


@pytest.fixture
def submitted_group(app, client, auth, create_user, make_group_referral):
    """A group referral of two with a photo, a PNG and a PDF, submitted to Bank 9 Jambi."""
    from harkat.referrals import services
    from harkat.referrals.transitions import Action

    facilitator_id, facilitator = create_user(Role.FACILITATOR)
    _, officer = create_user(Role.BANK_OFFICER)
    referral_id, people = make_group_referral(facilitator_id, size=2)
    auth.login(facilitator)
    files = []
    for person, colour in zip(people, ("maroon", "olive"), strict=True):
        files += [
            (jpeg_bytes(colour=colour), "ktp.jpg", "ktp", person),
            (PDF, "kk.pdf", "kk", person),
            (PDF, "sku.pdf", "nib_sku", person),
            (png_bytes((60, 40), colour), "=warung.png", "business_photo", person),
        ]
    assert _post(client, referral_id, files).status_code == 302
    with app.app_context():
        from harkat.auth.models import User

        referral = db.session.get(Referral, referral_id)
        actor = db.session.get(User, facilitator_id)
        services.transition(
            db.session, referral, services.TransitionInput(Action.SUBMIT, referral.version), actor
        )
        db.session.commit()
        assert referral.status == ReferralStatus.SUBMITTED
    auth.logout()
    return referral_id, people, officer


def test_bank_downloads_every_document_as_one_zip_with_a_manifest(
    app, client, auth, create_user, submitted_group
):
    referral_id, people, officer = submitted_group
    auth.login(officer)
    page = client.get(f"/rujukan/{referral_id}").get_data(as_text=True)
    assert "Unduh semua (ZIP)" in page
    response = client.get(f"/rujukan/{referral_id}/dokumen.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "private, no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    manifest = archive.read("DAFTAR-ISI.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(manifest), delimiter=";"))
    names = dict(zip(people, ("Ani Lestari", "Budi Santoso"), strict=True))
    expected = sorted(
        (d.kind.label, names[d.entrepreneur_id], d.sha256, d.size)
        for d in _documents(app, referral_id)
    )
    assert len(rows) == 8 and len(archive.namelist()) == 9
    listed = []
    for row in rows:
        content = archive.read(row["berkas"])
        assert hashlib.sha256(content).hexdigest() == row["sha256"]
        assert int(row["ukuran_byte"]) == len(content)
        assert row["diunggah"].endswith("WIB")
        listed.append((row["jenis"], row["milik"], row["sha256"], int(row["ukuran_byte"])))
    assert sorted(listed) == expected
    # A name that looks like a spreadsheet formula is neutralised in the manifest.
    assert {r["nama_asli"] for r in rows} >= {"ktp.jpg", "'=warung.png"}
    with app.app_context():
        audit = db.session.scalar(
            sa.select(AuditLog).where(
                AuditLog.action == "download", AuditLog.entity_type == "referrals"
            )
        )
        assert audit is not None and "ZIP, 8 berkas" in audit.changes["file"]

    _, other = create_user(Role.BANK_OFFICER, bank_code="BRI")
    auth.logout()
    auth.login(other)
    assert client.get(f"/rujukan/{referral_id}/dokumen.zip").status_code == 404
    _, viewer = create_user(Role.VIEWER)
    auth.logout()
    auth.login(viewer)
    assert client.get(f"/rujukan/{referral_id}/dokumen.zip").status_code == 403
    assert "Unduh semua (ZIP)" not in client.get(f"/rujukan/{referral_id}").get_data(as_text=True)


def _pdf_images(data: bytes) -> tuple[str, list[tuple[int, int]]]:
    """The packet's text and the size of every image XObject on its pages."""
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    images = []
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject") or {}
        for name in xobjects:
            obj = xobjects[name].get_object()
            if obj["/Subtype"] == "/Image":
                images.append((obj["/Width"], obj["/Height"]))
    return text, images


def test_packet_shows_image_documents_as_thumbnails(
    app, client, auth, create_user, submitted_group
):
    referral_id, _, officer = submitted_group
    auth.login(officer)
    response = client.get(f"/rujukan/{referral_id}/paket.pdf")
    assert response.status_code == 200
    text, images = _pdf_images(response.data)
    assert "Foto dokumen" in text and "sku.pdf" in text
    # Two KTP photos and two business photos; the PDFs are listed by name only.
    assert len(images) == 4
    assert (60, 40) in images and (64, 32) in images
    # The city's masked copy leaves out the KTP photos (they show the NIK).
    _, admin = create_user(Role.ADMIN)
    auth.logout()
    auth.login(admin)
    text, images = _pdf_images(client.get(f"/rujukan/{referral_id}/paket.pdf").data)
    assert "SALINAN ARSIP DINAS" in text and "foto KTP dan KK hanya pada salinan bank" in text
    assert images == [(60, 40), (60, 40)]


def test_an_upload_without_the_forms_token_is_refused(app, client, group_draft):
    referral_id, people = group_draft
    app.config["WTF_CSRF_ENABLED"] = True
    response = _post(client, referral_id, [(PDF, "kk.pdf", "kk", people[0])])
    assert response.status_code == 400 and "token CSRF" in response.get_data(as_text=True)
    assert _documents(app, referral_id) == []


def test_a_sending_too_large_for_one_upload_is_refused_plainly(app, client, group_draft):
    referral_id, people = group_draft
    app.config["MAX_UPLOAD_BYTES"] = 1024
    # 20 files of 1 KB plus room for the form is the most one upload carries; send far more.
    big = PDF + b"\x00" * 150_000
    files = [(big, f"besar-{i}.pdf", "other", people[0]) for i in range(2)]
    page = _post(client, referral_id, files, follow_redirects=True).get_data(as_text=True)
    assert "ukuran maksimal 1 KB per berkas dan 20 berkas sekali unggah" in page
    assert _documents(app, referral_id) == []
