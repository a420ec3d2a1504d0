"""Mentoring visits with real photo files: stored by content, served only to those in scope."""

from __future__ import annotations

import hashlib
import html
import io
import re
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

from harkat.audit.models import AuditLog
from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.incubation.models import MentoringVisit


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _visits(app) -> list[MentoringVisit]:
    with app.app_context():
        rows = db.session.scalars(sa.select(MentoringVisit).order_by(MentoringVisit.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def _stored_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_DIR"]) / "visits"
    return sorted(folder.iterdir()) if folder.exists() else []


def _post_visit(client, entrepreneur_id: int, photo: tuple[bytes, str] | None = None, **fields):
    data = {
        "visited_on": "2026-02-03",
        "topics": "Pembukuan harian dan foto produk",
        "notes": "Buku kas sudah dipakai 2 minggu.\nStok bahan dicatat.",
        "follow_up": "Coba jualan di marketplace.",
        **fields,
    }
    if photo is not None:
        data["photo"] = (io.BytesIO(photo[0]), photo[1])
    return client.post(
        f"/pelaku-usaha/{entrepreneur_id}/inkubasi/kunjungan",
        data=data,
        content_type="multipart/form-data",
    )


def test_a_visit_with_a_photo_is_logged_stored_and_shown(
    app, client, login_as, create_entrepreneur, tiny_png
):
    user_id, _ = login_as(Role.FACILITATOR, full_name="Dewi Pendamping")
    someone = create_entrepreneur(user_id)
    response = _post_visit(client, someone, photo=(tiny_png, "IMG_20260203.png"))
    assert response.status_code == 302

    (visit,) = _visits(app)
    assert visit.visited_on == date(2026, 2, 3) and visit.facilitator_id == user_id
    assert visit.topics == "Pembukuan harian dan foto produk"
    assert visit.photo_mime == "image/png"
    assert visit.photo_sha256 == hashlib.sha256(tiny_png).hexdigest()
    assert re.fullmatch(r"visits/[0-9a-f]{32}\.png", visit.photo_path)
    (stored,) = _stored_files(app)
    assert stored == Path(app.config["UPLOAD_DIR"]) / visit.photo_path
    assert stored.read_bytes() == tiny_png
    assert "IMG_20260203" not in visit.photo_path  # the phone's file name is not used

    page = _text(client.get(f"/pelaku-usaha/{someone}/inkubasi"))
    assert "Kunjungan pendampingan dicatat." in page
    assert "3 Februari 2026" in page and "Dewi Pendamping" in page
    assert "Buku kas sudah dipakai 2 minggu.<br>Stok bahan dicatat." in page
    assert "Tindak lanjut:" in page and "Coba jualan di marketplace." in page
    photo_url = f"/pelaku-usaha/{someone}/inkubasi/kunjungan/{visit.id}/foto"
    assert f'src="{photo_url}"' in page
    timeline = _text(client.get(f"/pelaku-usaha/{someone}"))
    assert "Kunjungan pendampingan: Pembukuan harian dan foto produk (3 Februari 2026)." in timeline


def test_the_upload_form_takes_a_photo_from_camera_or_gallery(
    app, client, login_as, create_entrepreneur
):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    page = _text(client.get(f"/pelaku-usaha/{someone}/inkubasi"))
    form = re.search(r'<form[^>]*inkubasi/kunjungan#kunjungan"[^>]*>', page).group(0)
    assert 'enctype="multipart/form-data"' in form
    file_input = re.search(r'<input[^>]*type="file"[^>]*>', page).group(0)
    # No ``capture``: phones then offer the camera *and* photos taken earlier.
    assert "capture=" not in file_input and 'accept="image/jpeg,image/png"' in file_input
    assert "maksimal 5 MB" in page


def test_a_visit_without_a_photo_is_fine(app, client, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.ADMIN)
    someone = create_entrepreneur(user_id)
    response = client.post(
        f"/pelaku-usaha/{someone}/inkubasi/kunjungan",
        data={"visited_on": "2026-02-03", "topics": "Legalitas usaha", "photo": (io.BytesIO(), "")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    (visit,) = _visits(app)
    assert visit.photo_path is None and visit.photo_sha256 is None
    assert _stored_files(app) == []
    page = _text(client.get(f"/pelaku-usaha/{someone}/inkubasi"))
    assert "/foto" not in page


def test_a_text_file_named_png_is_refused_and_nothing_is_stored(
    app, client, login_as, create_entrepreneur
):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    response = _post_visit(client, someone, photo=(b"ini bukan foto\n", "foto.png"))
    page = _text(response)
    assert response.status_code == 200
    assert "Foto harus berformat JPEG atau PNG." in page
    assert 'value="Pembukuan harian dan foto produk"' in page  # what was typed is kept
    assert _visits(app) == [] and _stored_files(app) == []


def test_a_visit_date_in_the_future_is_refused(
    app, client, login_as, create_entrepreneur, tiny_png
):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    later = (date.today() + timedelta(days=2)).isoformat()  # noqa: DTZ011 - beyond any zone
    page = _text(_post_visit(client, someone, photo=(tiny_png, "a.png"), visited_on=later))
    assert "Tanggal kunjungan tidak boleh di masa depan." in page
    assert _visits(app) == [] and _stored_files(app) == []


def test_date_and_topics_are_required(app, client, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    page = _text(_post_visit(client, someone, visited_on="", topics="   "))
    assert "Tanggal kunjungan wajib diisi." in page
    assert "Topik pendampingan wajib diisi." in page
    assert _visits(app) == []


def test_visits_are_listed_newest_first(app, client, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    _post_visit(client, someone, visited_on="2026-01-10", topics="Kunjungan pertama")
    _post_visit(client, someone, visited_on="2026-02-20", topics="Kunjungan ketiga")
    _post_visit(client, someone, visited_on="2026-01-25", topics="Kunjungan kedua")
    page = _text(client.get(f"/pelaku-usaha/{someone}/inkubasi"))
    assert (
        page.index("Kunjungan ketiga")
        < page.index("Kunjungan kedua")
        < page.index("Kunjungan pertama")
    )
    assert "3 kunjungan" in page


def test_the_photo_is_served_only_to_those_who_may_see_the_case(
    app, client, auth, login_as, create_user, create_entrepreneur, tiny_png
):
    owner_id, owner = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(owner_id)
    _post_visit(client, someone, photo=(tiny_png, "a.png"))
    (visit,) = _visits(app)
    url = f"/pelaku-usaha/{someone}/inkubasi/kunjungan/{visit.id}/foto"

    response = client.get(url)
    assert response.status_code == 200
    assert response.data == tiny_png
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"].startswith("inline")
    with app.app_context():
        row = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "download"))
        assert (row.actor_name, row.entity_type, row.entity_id) == (
            owner,
            "mentoring_visits",
            str(visit.id),
        )

    _, other = create_user(Role.FACILITATOR, kecamatan_codes=("15.71.02",))
    _, bank = create_user(Role.BANK_OFFICER)
    _, viewer = create_user(Role.VIEWER)
    for username, status in ((other, 404), (bank, 404), (viewer, 200)):
        auth.logout()
        auth.login(username)
        response = client.get(url)
        assert response.status_code == status, username
        assert (response.data == tiny_png) == (status == 200), username
    with app.app_context():
        downloads = db.session.scalars(
            sa.select(AuditLog.actor_name).where(AuditLog.action == "download")
        ).all()
    assert downloads == [owner, viewer]


def test_a_photo_is_only_found_under_its_own_case(
    app, client, login_as, create_entrepreneur, tiny_png
):
    user_id, _ = login_as(Role.FACILITATOR)
    first = create_entrepreneur(user_id)
    second = create_entrepreneur(user_id, full_name="Budi")
    _post_visit(client, first, photo=(tiny_png, "a.png"))
    _post_visit(client, second, topics="Tanpa foto")
    first_visit, second_visit = _visits(app)
    assert (
        client.get(f"/pelaku-usaha/{second}/inkubasi/kunjungan/{first_visit.id}/foto").status_code
        == 404
    )
    assert (
        client.get(f"/pelaku-usaha/{second}/inkubasi/kunjungan/{second_visit.id}/foto").status_code
        == 404
    )
    assert client.get(f"/pelaku-usaha/{first}/inkubasi/kunjungan/999999/foto").status_code == 404


def test_a_photo_gone_from_disk_answers_404(app, client, login_as, create_entrepreneur, tiny_png):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    _post_visit(client, someone, photo=(tiny_png, "a.png"))
    (visit,) = _visits(app)
    (Path(app.config["UPLOAD_DIR"]) / visit.photo_path).unlink()
    url = f"/pelaku-usaha/{someone}/inkubasi/kunjungan/{visit.id}/foto"
    assert client.get(url).status_code == 404
