"""Tampered or absurd input answers with a clear message or a 404, never an error page."""

from __future__ import annotations

import html

import sqlalchemy as sa

from harkat.audit.models import AuditLog
from harkat.auth.domain import Role
from harkat.extensions import db
from harkat.registration import services
from harkat.registration.models import Business, Entrepreneur
from tests.fixtures.registration import valid_nik

HUGE = "9" * 25


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_huge_ids_in_paths_and_query_strings_are_not_found(client, login_as):
    login_as(Role.FACILITATOR)
    for url in (
        f"/pelaku-usaha/{HUGE}",
        f"/skrining/{HUGE}",
        f"/pelatihan/angkatan/{HUGE}",
        f"/kelompok?page={HUGE}",
    ):
        assert client.get(url).status_code == 404, url
    for url in (f"/pelaku-usaha?group={HUGE}", f"/pelatihan/?course={HUGE}"):
        assert client.get(url).status_code == 200, url


def test_absurd_amounts_are_refused_with_the_field_named(
    app, client, login_as, create_entrepreneur
):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    page = _text(
        client.post(
            f"/pelaku-usaha/{someone}/usaha/baru",
            data={"name": "Warung", "sector": "G", "monthly_revenue": HUGE, "employees": HUGE},
        )
    )
    assert "Jumlah terlalu besar (maksimal Rp1.000.000.000.000)." in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Business)) == 0


def test_a_tampered_version_counts_as_a_stale_copy(app, client, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    with app.app_context():
        nik = db.session.get(Entrepreneur, someone).nik
    page = _text(
        client.post(
            f"/pelaku-usaha/{someone}/ubah",
            data={
                "nik": nik,
                "full_name": "Baru",
                "birth_place": "Jambi",
                "address": "Jl",
                "kelurahan_code": "15.71.01.1001",
                "version": "abc",
            },
        )
    )
    assert "sudah diubah oleh" in page
    with app.app_context():
        assert db.session.get(Entrepreneur, someone).full_name == "Siti Aminah"


def test_the_calculator_refuses_a_far_future_date(client, login_as):
    login_as(Role.VIEWER)
    response = client.get(
        "/kalkulator-pinjaman",
        query_string={
            "principal": "1jt",
            "months": "12",
            "annual_rate": "3",
            "method": "anuitas",
            "start_on": "9999-12-31",
        },
    )
    assert response.status_code == 200
    assert "Tanggal pencairan harus antara tahun 2000 dan 2100." in _text(response)


def test_a_nik_registered_at_the_same_moment_gets_the_normal_message(
    app, client, login_as, create_entrepreneur, monkeypatch
):
    user_id, _ = login_as(Role.FACILITATOR)
    nik = valid_nik()
    create_entrepreneur(user_id, nik=nik)
    # Simulate the race: the duplicate check sees nothing, the database still refuses.
    real = services.holder_of_nik
    calls = []

    def late(session, value, exclude_id=None, viewer=None):
        calls.append(value)
        return None if len(calls) == 1 else real(session, value, exclude_id, viewer)

    monkeypatch.setattr(services, "holder_of_nik", late)
    page = _text(
        client.post(
            "/pelaku-usaha/baru",
            data={
                "nik": nik,
                "full_name": "Dua Kali",
                "birth_place": "Jambi",
                "address": "Jl",
                "kelurahan_code": "15.71.01.1001",
            },
        )
    )
    assert "NIK sudah terdaftar di Kecamatan Telanaipura" in page


def test_viewers_see_personal_details_masked_and_reading_is_audited(
    app, client, login_as, create_user, create_entrepreneur
):
    owner_id, _ = create_user(Role.FACILITATOR)
    someone = create_entrepreneur(owner_id, phone="081234567890")
    login_as(Role.VIEWER)
    page = _text(client.get(f"/pelaku-usaha/{someone}"))
    assert "0812-3456-7890" not in page and "****-****-7890" in page
    assert "Jl. Sultan Thaha" not in page and "tahun 1985" in page
    client.get(f"/pelaku-usaha/{someone}/inkubasi")
    with app.app_context():
        views = db.session.scalars(sa.select(AuditLog.changes).where(AuditLog.action == "view"))
        assert {"page": "inkubasi"} in list(views)
