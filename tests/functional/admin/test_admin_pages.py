"""Admins manage accounts, partner banks and schemes through the web pages."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa

from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.extensions import db
from harkat.reference.models import Bank, Scheme
from tests.fixtures.users import PASSWORD

NEW_FACILITATOR = {
    "username": "Rina.Pendamping",
    "full_name": "Rina Marlina",
    "email": "rina@jambikota.go.id",
    "role": "facilitator",
    "bank": "",
    "kecamatan": ["15.71.08"],
    "is_active": "y",
    "password": "Tanjung-Jabung-2026",
}


def _errors(response) -> list[str]:
    page = response.get_data(as_text=True)
    feedback = re.findall(r'class="invalid-feedback[^"]*">([^<]+)<', page)
    # Whole-form errors stand in the error summary at the top, without a link to a field.
    alerts = re.findall(r"<li>([^<]+)</li>", page.split('id="error-summary"', 1)[-1])
    return [html.unescape(text) for text in feedback + alerts]


def _user(app, username):
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        return user and (user.id, user.role, user.kecamatan_codes, user.bank_id, user.is_active)


def test_admin_creates_a_facilitator_who_can_then_sign_in(app, client, login_as):
    login_as(Role.ADMIN)
    response = client.post("/admin/users/new", data=NEW_FACILITATOR)
    assert response.status_code == 302
    listing = client.get("/admin/users").get_data(as_text=True)
    assert "rina.pendamping" in listing and "Jelutung" in listing
    _, role, kecamatan, bank_id, active = _user(app, "rina.pendamping")
    assert (role, kecamatan, bank_id, active) == (Role.FACILITATOR, ["15.71.08"], None, True)

    other = app.test_client()
    signed_in = other.post(
        "/auth/login", data={"username": "rina.pendamping", "password": "Tanjung-Jabung-2026"}
    )
    assert signed_in.status_code == 302


def test_user_form_names_each_wrong_field(client, login_as):
    login_as(Role.ADMIN)
    response = client.post(
        "/admin/users/new",
        data={**NEW_FACILITATOR, "kecamatan": [], "password": "rina.pendamping1"},
    )
    errors = _errors(response)
    assert "Pendamping harus ditugaskan minimal di satu kecamatan." in errors
    assert "Kata sandi tidak boleh sama dengan atau memuat nama pengguna." in errors


def test_bank_officer_needs_a_bank_and_duplicates_are_refused(client, login_as, create_user):
    login_as(Role.ADMIN)
    create_user(Role.VIEWER, username="sudah.ada")
    no_bank = client.post(
        "/admin/users/new",
        data={**NEW_FACILITATOR, "role": "bank_officer", "kecamatan": [], "username": "bank.x"},
    )
    assert "Petugas bank harus terhubung ke satu bank." in _errors(no_bank)
    duplicate = client.post("/admin/users/new", data={**NEW_FACILITATOR, "username": "sudah.ada"})
    assert "Nama pengguna 'sudah.ada' sudah dipakai." in _errors(duplicate)


def test_changing_the_role_moves_the_user_and_ends_their_sessions(
    app, client, login_as, create_user
):
    user_id, username = create_user(Role.FACILITATOR)
    their_client = app.test_client()
    their_client.post("/auth/login", data={"username": username, "password": PASSWORD})
    login_as(Role.ADMIN)

    page = client.get(f"/admin/users/{user_id}").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="15.71.01"', page)

    response = client.post(
        f"/admin/users/{user_id}",
        data={"full_name": "Pindah Bank", "role": "bank_officer", "bank": "BSI", "is_active": "y"},
    )
    assert response.status_code == 302
    with app.app_context():
        bsi = db.session.scalar(sa.select(Bank.id).where(Bank.code == "BSI"))
    assert _user(app, username)[1:4] == (Role.BANK_OFFICER, [], bsi)
    assert their_client.get("/").status_code == 302


def test_admin_resets_a_password_and_deactivates_an_account(app, client, login_as, create_user):
    user_id, username = create_user(Role.VIEWER)
    login_as(Role.ADMIN)
    client.post(f"/admin/users/{user_id}/password", data={"password": "Sungai-Batanghari-9"})
    fresh = app.test_client()
    assert (
        fresh.post(
            "/auth/login", data={"username": username, "password": "Sungai-Batanghari-9"}
        ).status_code
        == 302
    )
    weak = client.post(
        f"/admin/users/{user_id}/password", data={"password": "12345"}, follow_redirects=True
    )
    assert "Kata sandi tidak diganti" in weak.get_data(as_text=True)

    client.post(f"/admin/users/{user_id}/deactivate")
    assert _user(app, username)[4] is False
    assert fresh.get("/").status_code == 302


def test_admin_cannot_lock_themselves_out(app, client, login_as):
    admin_id, username = login_as(Role.ADMIN)
    response = client.post(
        f"/admin/users/{admin_id}",
        data={"full_name": "Saya", "role": "viewer", "bank": "", "is_active": "y"},
    )
    assert "tidak dapat mencabut peran admin" in response.get_data(as_text=True)
    assert _user(app, username)[1] == Role.ADMIN


def test_users_list_searches_and_filters(client, login_as, create_user):
    create_user(Role.VIEWER, username="walikota", full_name="Kantor Wali Kota")
    create_user(Role.FACILITATOR, username="budi.pendamping", full_name="Budi Santoso")
    login_as(Role.ADMIN)
    found = client.get("/admin/users", query_string={"q": "santoso"}).get_data(as_text=True)
    assert "budi.pendamping" in found and "walikota" not in found
    viewers = client.get("/admin/users", query_string={"role": "viewer"}).get_data(as_text=True)
    assert "walikota" in viewers and "budi.pendamping" not in viewers


def test_admin_adds_and_edits_banks(app, client, login_as):
    login_as(Role.ADMIN)
    client.post("/admin/banks/new", data={"code": "BPRJMB", "name": "BPR Jambi", "is_active": "y"})
    assert "BPR Jambi" in client.get("/admin/banks").get_data(as_text=True)
    duplicate = client.post(
        "/admin/banks/new", data={"code": "BRI", "name": "Lagi", "is_active": "y"}
    )
    assert "Kode bank 'BRI' sudah dipakai." in _errors(duplicate)
    lower = client.post("/admin/banks/new", data={"code": "bad code", "name": "X"})
    assert any("huruf besar" in e for e in _errors(lower))


def test_admin_edits_scheme_limits_with_rupiah_as_people_type_it(app, client, login_as):
    login_as(Role.ADMIN)
    with app.app_context():
        scheme_id = db.session.scalar(sa.select(Scheme.id).where(Scheme.code == "HARKAT-KLP"))
    form = {
        "code": "HARKAT-KLP",
        "name": "BANK HARKAT Kelompok",
        "annual_rate_percent": "3",
        "method": "anuitas",
        "applicant_type": "group",
        "min_amount_per_member": "Rp 1.000.000",
        "max_amount_per_member": "7,5jt",
        "max_amount_per_group": "Rp 50.000.000",
        "min_tenor_months": "6",
        "max_tenor_months": "36",
        "is_active": "y",
    }
    assert client.post(f"/admin/schemes/{scheme_id}", data=form).status_code == 302
    with app.app_context():
        scheme = db.session.get(Scheme, scheme_id)
        assert (scheme.max_amount_per_member, scheme.max_amount_per_group) == (
            7_500_000,
            50_000_000,
        )
    listing = client.get("/admin/schemes").get_data(as_text=True)
    assert "Rp7.500.000" in listing and "Rp50.000.000" in listing

    bad = client.post(
        f"/admin/schemes/{scheme_id}",
        data={
            **form,
            "max_amount_per_member": "500rb",
            "max_tenor_months": "3",
            "min_amount_per_member": "sejuta",
        },
    )
    errors = _errors(bad)
    assert "'sejuta' bukan jumlah uang yang valid." in errors
    bad_range = client.post(
        f"/admin/schemes/{scheme_id}",
        data={**form, "max_amount_per_member": "500rb", "max_tenor_months": "3"},
    )
    range_errors = _errors(bad_range)
    assert "Plafon maksimal per anggota lebih kecil dari minimalnya." in range_errors
    assert "Tenor maksimal lebih pendek dari tenor minimal." in range_errors
    with app.app_context():
        assert db.session.get(Scheme, scheme_id).max_amount_per_member == 7_500_000


def test_non_admins_cannot_open_admin_pages(client, login_as):
    login_as(Role.FACILITATOR)
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "Akses ditolak" in response.get_data(as_text=True)
