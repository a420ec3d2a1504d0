"""Photos over the configured size are refused with the limit named, and nothing is kept."""

from __future__ import annotations

import html
import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.incubation.models import MentoringVisit
from tests.functional.incubation.pictures import make_png

LIMIT = 2 * 1024


@pytest.fixture
def app_config(app_config):
    return {**app_config, "MAX_UPLOAD_BYTES": LIMIT}


def _post(client, entrepreneur_id: int, photo: bytes):
    return client.post(
        f"/pelaku-usaha/{entrepreneur_id}/inkubasi/kunjungan",
        data={
            "visited_on": "2026-02-03",
            "topics": "Foto produk",
            "photo": (io.BytesIO(photo), "produk.png"),
        },
        content_type="multipart/form-data",
    )


def _nothing_kept(app) -> bool:
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(MentoringVisit))
    folder = Path(app.config["UPLOAD_DIR"]) / "visits"
    return count == 0 and not (folder.exists() and any(folder.iterdir()))


def test_a_photo_over_the_limit_is_refused(app, client, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    big = make_png(40, 40)  # stored uncompressed: about 4.9 KB
    assert len(big) > LIMIT
    response = _post(client, someone, big)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "Ukuran foto maksimal 2 KB." in page
    assert 'value="Foto produk"' in page
    assert _nothing_kept(app)

    small = make_png(10, 10)
    assert len(small) <= LIMIT
    assert _post(client, someone, small).status_code == 302


def test_a_request_far_over_the_limit_still_gets_a_plain_answer(
    app, client, login_as, create_entrepreneur
):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    huge = make_png(1, 1) + b"\x00" * (LIMIT + 70 * 1024)  # beyond the request size limit
    response = _post(client, someone, huge)
    assert response.status_code == 302
    page = html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Ukuran foto maksimal 2 KB. Kunjungan belum tersimpan" in page
    assert _nothing_kept(app)
