"""Import pages: upload, row-by-row preview, confirmation, result file; only for the uploader."""

from __future__ import annotations

import html
import io
import re

import openpyxl
import sqlalchemy as sa

from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.registration.models import Entrepreneur
from tests.fixtures.registration import valid_nik


def _csv(rows: list[list[str]]) -> bytes:
    header = "NIK;Nama Lengkap;Tempat Lahir;Tanggal Lahir;No HP;Alamat;Kelurahan\n"
    return (header + "".join(";".join(row) + "\n" for row in rows)).encode("utf-8")


def _upload(client, data: bytes, name: str = "warga.csv"):
    return client.post(
        "/pelaku-usaha/impor",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_upload_preview_confirm_and_download_the_result(app, client, login_as):
    login_as(Role.FACILITATOR)
    good = valid_nik()
    data = _csv(
        [
            [
                f"'{good}",
                "Siti Aminah",
                "Jambi",
                "17/08/1985",
                "0812-3456-7890",
                "Lr. Mawar 1",
                "Simpang Empat Sipin",
            ],
            ["123", "Tanpa NIK", "Jambi", "01/01/1990", "", "Lr. Melati 2", "Simpang IV Sipin"],
        ]
    )
    preview = _upload(client, data)
    page = html.unescape(preview.get_data(as_text=True))
    assert preview.status_code == 200
    assert "1 siap" in page and "1 salah" in page and "Tanpa NIK" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Entrepreneur)) == 0

    token = re.search(r'action="/pelaku-usaha/impor/([\w-]+)"', page).group(1)
    result = client.post(f"/pelaku-usaha/impor/{token}", data={})
    result_page = html.unescape(result.get_data(as_text=True))
    assert "Pelaku usaha baru" in result_page
    with app.app_context():
        saved = db.session.scalars(sa.select(Entrepreneur)).all()
        assert [(e.nik, e.kelurahan_code) for e in saved] == [(good, "15.71.01.1001")]

    workbook = client.get(f"/pelaku-usaha/impor/{token}/hasil.xlsx")
    assert workbook.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.data)).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert any("Siti Aminah" in c for c in cells)


def test_another_user_cannot_use_someone_elses_upload(app, client, login_as, create_user):
    login_as(Role.FACILITATOR)
    page = _upload(client, _csv([[valid_nik(), "A", "Jambi", "", "", "Jl", "Telanaipura"]]))
    token = re.search(r'action="/pelaku-usaha/impor/([\w-]+)"', page.get_data(as_text=True))[1]
    _, other = create_user(Role.FACILITATOR)
    stranger = app.test_client()
    stranger.post("/auth/login", data={"username": other, "password": "Jambi-Bahagia-2026!"})
    assert stranger.post(f"/pelaku-usaha/impor/{token}", data={}).status_code == 404
    assert stranger.get(f"/pelaku-usaha/impor/{token}/hasil.xlsx").status_code == 404
    assert client.post("/pelaku-usaha/impor/../../etc", data={}).status_code == 404


def test_unreadable_files_are_explained(client, login_as):
    login_as(Role.FACILITATOR)
    wrong = _upload(client, b"bukan tabel", "catatan.txt")
    assert "Hanya berkas .xlsx atau .csv." in html.unescape(wrong.get_data(as_text=True))
    broken = _upload(client, b"PK\x03\x04rusak", "rusak.xlsx")
    assert broken.status_code == 200
    assert "invalid-feedback" in broken.get_data(as_text=True)


def test_template_download(client, login_as):
    login_as(Role.FACILITATOR)
    response = client.get("/pelaku-usaha/impor/templat.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    headers = [c.value for c in workbook.worksheets[0][1]]
    assert "NIK" in headers and "Kelurahan" in headers and "Petunjuk" in workbook.sheetnames
