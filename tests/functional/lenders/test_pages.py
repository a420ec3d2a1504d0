"""Registry pages: admins list, edit and import; facilitators only use the name checker."""

from __future__ import annotations

import html
import io
import re
from datetime import date

import pytest
import sqlalchemy as sa

from harkat.auth.access import view_access
from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.screening.registry import LenderStatus, LicensedLender
from tests.fixtures.users import PASSWORD
from tests.functional.lenders.conftest import csv_bytes

BASE = "/admin/pemberi-pinjaman"
ADMIN_PAGES = [
    ("get", f"{BASE}/"),
    ("get", f"{BASE}/baru"),
    ("post", f"{BASE}/baru"),
    ("get", f"{BASE}/1"),
    ("get", f"{BASE}/impor"),
    ("post", f"{BASE}/impor"),
    ("get", f"{BASE}/impor/contoh.csv"),
    ("post", f"{BASE}/impor/sometoken"),
]


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _upload(client, data: bytes, name: str = "ojk.csv", checked_on: str = "2026-11-03"):
    return client.post(
        f"{BASE}/impor",
        data={"file": (io.BytesIO(data), name), "checked_on": checked_on},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(("method", "url"), ADMIN_PAGES)
def test_facilitators_may_not_use_the_admin_pages(client, login_as, add_lender, method, url):
    add_lender("Kredivo")
    login_as(Role.FACILITATOR)
    assert getattr(client, method)(url).status_code == 403


@pytest.mark.parametrize(("method", "url"), [*ADMIN_PAGES, ("get", f"{BASE}/cek?nama=Julo")])
def test_bank_officers_and_viewers_may_use_nothing(client, login_as, method, url):
    login_as(Role.BANK_OFFICER)
    assert getattr(client, method)(url).status_code == 403


def test_viewers_may_not_check_names_either(client, login_as):
    login_as(Role.VIEWER)
    assert client.get(f"{BASE}/cek?nama=Julo").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(f"{BASE}/cek")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_the_list_shows_the_last_check_date_and_filters(client, login_as, add_lender):
    add_lender("Kredivo", "PT FinAccel Digital Indonesia", checked_on=date(2026, 11, 3))
    add_lender("Investree", "PT Investree Radhika Jaya", status=LenderStatus.DICABUT,
               checked_on=date(2026, 10, 1))  # fmt: skip
    add_lender("Julo", "PT Julo Teknologi Finansial", licence_number="KEP-63/D.05/2020")
    login_as(Role.ADMIN)
    page = _text(client.get(f"{BASE}/"))
    assert "Daftar OJK terakhir diperiksa:" in page and "3 November 2026" in page
    assert "Kredivo" in page and "Investree" in page and "belum dicek ulang" in page

    revoked = _text(client.get(f"{BASE}/?status=dicabut"))
    assert "Investree" in revoked and "Kredivo" not in revoked
    by_company = _text(client.get(f"{BASE}/?q=finaccel"))
    assert "Kredivo" in by_company and "Julo" not in by_company
    by_licence = _text(client.get(f"{BASE}/?q=KEP-63"))
    assert "Julo" in by_licence and "Kredivo" not in by_licence


def test_an_empty_registry_says_so(client, login_as):
    login_as(Role.ADMIN)
    assert "masih kosong" in _text(client.get(f"{BASE}/"))


def test_the_list_is_paginated(app, client, login_as):
    with app.app_context():
        for number in range(30):
            db.session.add(
                LicensedLender(name=f"Pinjaman {number:02d}", checked_on=date(2026, 11, 3))
            )
        db.session.commit()
    login_as(Role.ADMIN)
    first = _text(client.get(f"{BASE}/"))
    assert "Pinjaman 00" in first and "Pinjaman 29" not in first
    assert "halaman 1 dari 2" in first
    assert "Pinjaman 29" in _text(client.get(f"{BASE}/?page=2"))


def test_an_admin_adds_and_edits_an_entry(app, client, login_as, lenders):
    login_as(Role.ADMIN)
    form = client.get(f"{BASE}/baru")
    assert form.status_code == 200 and "Tambah pemberi pinjaman" in _text(form)
    response = client.post(
        f"{BASE}/baru",
        data={
            "name": " Kredivo ",
            "company": "PT FinAccel Digital Indonesia",
            "licence_number": "KEP-12/D.05/2020",
            "status": "berizin",
            "checked_on": "2026-11-03",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        lender_id = db.session.scalar(sa.select(LicensedLender.id))
    edit = client.get(f"{BASE}/{lender_id}")
    assert 'value="Kredivo"' in edit.get_data(as_text=True)
    client.post(
        f"{BASE}/{lender_id}",
        data={
            "name": "Kredivo",
            "company": "",
            "licence_number": "",
            "status": "dicabut",
            "checked_on": "2026-11-20",
        },
    )
    assert lenders() == [
        ("Kredivo", "", "", LenderStatus.DICABUT, date(2026, 11, 20)),
    ]
    assert client.get(f"{BASE}/999").status_code == 404


def test_a_duplicate_name_is_refused_next_to_the_field(client, login_as, add_lender, lenders):
    add_lender("Kredivo")
    login_as(Role.ADMIN)
    response = client.post(
        f"{BASE}/baru",
        data={"name": "PT. KREDIVO", "status": "berizin", "checked_on": "2026-11-03"},
    )
    assert response.status_code == 200
    assert "Nama ini sudah ada di daftar sebagai Kredivo." in _text(response)
    assert len(lenders()) == 1


def test_import_preview_stores_nothing_until_confirmed(app, client, login_as, lenders):
    login_as(Role.ADMIN)
    data = csv_bytes(
        [
            "Nama Platform;Nama Perusahaan;Nomor Izin;Status;Tanggal Cek",
            "Kredivo;PT FinAccel Digital Indonesia;KEP-12/D.05/2020;Berizin;",
            "Investree;PT Investree Radhika Jaya;KEP-45/D.05/2019;Izin dicabut;",
            "Julo;PT Julo;KEP-63;entah;",
        ]
    )
    preview = _upload(client, data)
    page = _text(preview)
    assert preview.status_code == 200
    assert "2 baru" in page and "1 salah" in page
    assert "Status 'entah' tidak dikenal" in page
    assert lenders() == []

    token = re.search(r'action="/admin/pemberi-pinjaman/impor/([\w-]+)"', page).group(1)
    result = client.post(f"{BASE}/impor/{token}", data={})
    assert result.status_code == 200
    assert "Disimpan: 2 baru" in _text(result)
    assert [(name, status, checked) for name, _, _, status, checked in lenders()] == [
        ("Investree", LenderStatus.DICABUT, date(2026, 11, 3)),
        ("Kredivo", LenderStatus.BERIZIN, date(2026, 11, 3)),
    ]

    again = client.post(f"{BASE}/impor/{token}", data={})
    assert "Disimpan: 0 baru" in _text(again)
    assert len(lenders()) == 2


def test_an_unreadable_upload_is_refused_on_the_form(client, login_as, lenders):
    login_as(Role.ADMIN)
    response = _upload(client, b"Foo;Bar\n1;2\n")
    assert response.status_code == 200
    assert "Baris judul kolom tidak ditemukan" in _text(response)
    assert "Pratinjau" not in _text(response)
    spreadsheet = _upload(client, b"PK\x03\x04xx", name="ojk.xlsx")
    assert "Hanya berkas .csv." in _text(spreadsheet)


def test_another_admin_cannot_confirm_someone_elses_upload(app, client, login_as, create_user):
    login_as(Role.ADMIN)
    page = _text(_upload(client, csv_bytes(["Nama Platform", "Kredivo"])))
    token = re.search(r'action="/admin/pemberi-pinjaman/impor/([\w-]+)"', page).group(1)
    _, other = create_user(Role.ADMIN)
    stranger = app.test_client()
    stranger.post("/auth/login", data={"username": other, "password": PASSWORD})
    assert stranger.post(f"{BASE}/impor/{token}", data={}).status_code == 404
    assert client.post(f"{BASE}/impor/..%2F..%2Fetc", data={}).status_code == 404


def test_the_sample_file_can_be_imported_as_it_is(client, login_as):
    login_as(Role.ADMIN)
    sample = client.get(f"{BASE}/impor/contoh.csv")
    assert sample.status_code == 200 and sample.mimetype == "text/csv"
    page = _text(_upload(client, sample.data, name="contoh.csv"))
    assert "2 baru" in page and "0 salah" in page


@pytest.mark.parametrize("role", [Role.ADMIN, Role.FACILITATOR])
def test_the_name_checker_answers_admins_and_facilitators(client, login_as, add_lender, role):
    add_lender("Kredivo", "PT FinAccel Digital Indonesia", licence_number="KEP-12/D.05/2020")
    add_lender("Investree", status=LenderStatus.DICABUT)
    login_as(role)

    empty = _text(client.get(f"{BASE}/cek"))
    assert "Daftar OJK terakhir diperiksa:" in empty and "3 November 2026" in empty

    licensed = _text(client.get(f"{BASE}/cek?nama=PT.+KREDIVO"))
    assert "Berizin OJK" in licensed and "KEP-12/D.05/2020" in licensed

    typo = _text(client.get(f"{BASE}/cek?nama=Kredivoo"))
    assert "Kemungkinan ilegal" in typo and "Mungkin maksud Anda: Kredivo?" in typo
    assert "/admin/pemberi-pinjaman/cek?nama=Kredivo" in typo

    revoked = _text(client.get(f"{BASE}/cek?nama=investree"))
    assert "Izin dicabut" in revoked and "157" in revoked

    unknown = _text(client.get(f"{BASE}/cek?nama=Dana+Kilat"))
    assert "Kemungkinan ilegal" in unknown and "Mungkin maksud" not in unknown
    assert ("Kelola daftar" in unknown) == (role == Role.ADMIN)


def test_the_checker_warns_when_the_registry_is_empty(client, login_as):
    login_as(Role.FACILITATOR)
    page = _text(client.get(f"{BASE}/cek?nama=Kredivo"))
    assert "masih kosong" in page and "Kemungkinan ilegal" not in page


def test_every_registry_page_declares_who_may_use_it(app):
    admin = frozenset({Role.ADMIN})
    assert {
        endpoint: view_access(view)
        for endpoint, view in app.view_functions.items()
        if endpoint.startswith("lenders.")
    } == {
        "lenders.index": (False, admin),
        "lenders.edit": (False, admin),
        "lenders.import_sample": (False, admin),
        "lenders.import_upload": (False, admin),
        "lenders.import_commit": (False, admin),
        "lenders.check": (False, frozenset({Role.ADMIN, Role.FACILITATOR})),
    }
