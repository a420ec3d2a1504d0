"""Registering, finding, reading and editing entrepreneurs, as facilitators and others do."""

from __future__ import annotations

import html
import re
from datetime import date

import sqlalchemy as sa

from harkat.audit.models import AuditLog
from harkat.auth.domain import Role
from harkat.cases.models import CaseEvent
from harkat.core.nik import Gender
from harkat.extensions import db
from harkat.registration.models import Entrepreneur
from tests.fixtures.registration import valid_nik


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _form(nik: str, **overrides) -> dict:
    data = {
        "nik": nik,
        "full_name": "  Rahmawati   Putri ",
        "gender": "",
        "birth_place": "Jambi",
        "birth_date": "",
        "phone": "0812 3456 7890",
        "address": "Lr. Mawar No. 12",
        "rt": "5",
        "rw": "2",
        "kelurahan_code": "15.71.01.1001",
        "education": "sma",
        "marital_status": "married",
        "dependants": "2",
    }
    return {**data, **overrides}


def _entrepreneur(app, **where) -> Entrepreneur | None:
    with app.app_context():
        query = sa.select(Entrepreneur)
        for key, value in where.items():
            query = query.where(getattr(Entrepreneur, key) == value)
        found = db.session.scalar(query)
        if found is not None:
            db.session.expunge(found)
        return found


def test_facilitator_registers_with_a_nik_typed_with_spaces(app, client, login_as):
    login_as(Role.FACILITATOR, full_name="Dewi Pendamping")
    nik = valid_nik(born=date(1990, 3, 9), gender=Gender.FEMALE)
    spaced = f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}"
    response = client.post("/pelaku-usaha/baru", data=_form(spaced))
    assert response.status_code == 302
    saved = _entrepreneur(app, nik=nik)
    assert saved.full_name == "Rahmawati Putri"
    assert saved.gender == Gender.FEMALE and saved.birth_date == date(1990, 3, 9)
    assert saved.phone == "+6281234567890"
    assert (saved.rt, saved.rw, saved.kecamatan_code) == ("005", "002", "15.71.01")
    year = date.today().year  # noqa: DTZ011 - the registration year, good enough in a test
    assert re.fullmatch(rf"HKT-{year}-\d{{6}}", saved.registration_number)

    page = _text(client.get(response.headers["Location"]))
    assert "Rahmawati Putri" in page and saved.registration_number in page
    assert "0812-3456-7890" in page and "Kel. Simpang IV Sipin, Kec. Telanaipura" in page
    assert "Didaftarkan sebagai pelaku usaha" in page  # the timeline
    assert "belum dicatat" in page  # consent not yet recorded


def test_registration_numbers_count_up(app, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.FACILITATOR)
    first = create_entrepreneur(user_id)
    second = create_entrepreneur(user_id, full_name="Budi")
    with app.app_context():
        a, b = (db.session.get(Entrepreneur, i).registration_number for i in (first, second))
    assert int(b[-6:]) == int(a[-6:]) + 1


def test_nik_mismatch_is_a_warning_not_an_error(app, client, login_as):
    login_as(Role.FACILITATOR)
    nik = valid_nik(born=date(1990, 3, 9), gender=Gender.FEMALE)
    response = client.post(
        "/pelaku-usaha/baru",
        data=_form(nik, gender="L", birth_date="1990-03-10"),
        follow_redirects=True,
    )
    page = _text(response)
    assert "Perhatikan:" in page and "Perempuan" in page
    saved = _entrepreneur(app, nik=nik)
    assert saved.gender == Gender.MALE and saved.birth_date == date(1990, 3, 10)


def test_bad_input_names_each_field(app, client, login_as):
    login_as(Role.FACILITATOR)
    response = client.post(
        "/pelaku-usaha/baru",
        data=_form("1234", phone="0741-123456", rt="12a", kelurahan_code=""),
    )
    page = _text(response)
    assert response.status_code == 200
    assert "NIK harus 16 digit, yang diisi 4 digit." in page
    assert "Nomor HP" in page and "RT berupa angka 1–3 digit." in page
    assert "Pilih kelurahan dari daftar Kota Jambi." in page
    assert _entrepreneur(app, full_name="Rahmawati Putri") is None


def test_a_duplicate_nik_elsewhere_says_only_to_ask_the_admin(
    app, client, login_as, create_user, create_entrepreneur
):
    other_id, _ = create_user(
        Role.FACILITATOR, kecamatan_codes=("15.71.02",), full_name="Yusuf Selatan"
    )
    nik = valid_nik("15.71.02")
    create_entrepreneur(other_id, nik=nik, kelurahan_code="15.71.02.1004", full_name="Rahasia")
    login_as(Role.FACILITATOR)
    response = client.post("/pelaku-usaha/baru", data=_form(nik))
    page = _text(response)
    assert "sudah terdaftar di HARKAT di luar wilayah tugas Anda. Hubungi admin" in page
    for secret in ("Rahasia", "Jambi Selatan", "Yusuf Selatan"):
        assert secret not in page


def test_a_duplicate_nik_in_the_same_kecamatan_names_who_holds_it(
    app, client, login_as, create_user, create_entrepreneur
):
    other_id, _ = create_user(Role.FACILITATOR, full_name="Dewi Telanaipura")
    nik = valid_nik()
    create_entrepreneur(other_id, nik=nik, full_name="Rahasia")
    login_as(Role.FACILITATOR)
    page = _text(client.post("/pelaku-usaha/baru", data=_form(nik)))
    assert "NIK sudah terdaftar di Kecamatan Telanaipura (pendamping Dewi Telanaipura)." in page
    assert "Rahasia" not in page


def test_facilitator_cannot_register_outside_their_kecamatan(app, client, login_as):
    login_as(Role.FACILITATOR)  # Telanaipura only
    response = client.post(
        "/pelaku-usaha/baru", data=_form(valid_nik(), kelurahan_code="15.71.02.1004")
    )
    assert "Kelurahan ini di luar kecamatan tugas Anda." in _text(response)


def test_out_of_scope_records_answer_404(app, client, login_as, create_user, create_entrepreneur):
    owner_id, _ = create_user(Role.FACILITATOR, kecamatan_codes=("15.71.02",))
    theirs = create_entrepreneur(owner_id, kelurahan_code="15.71.02.1004")
    login_as(Role.FACILITATOR)  # Telanaipura
    for url in (
        f"/pelaku-usaha/{theirs}",
        f"/pelaku-usaha/{theirs}/ubah",
        f"/pelaku-usaha/{theirs}/usaha/baru",
        f"/pelaku-usaha/{theirs}/persetujuan",
        f"/pelaku-usaha/{theirs}/persetujuan.pdf",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get("/pelaku-usaha/424242").status_code == 404


def test_bank_officers_see_no_one(app, client, login_as, create_user, create_entrepreneur):
    owner_id, _ = create_user(Role.FACILITATOR)
    someone = create_entrepreneur(owner_id)
    login_as(Role.BANK_OFFICER)
    assert client.get(f"/pelaku-usaha/{someone}").status_code == 404
    assert client.get("/pelaku-usaha").status_code == 404
    assert client.get("/kelompok").status_code == 404


def test_viewer_reads_everything_with_nik_masked_and_cannot_edit(
    app, client, login_as, create_user, create_entrepreneur
):
    owner_id, _ = create_user(Role.FACILITATOR, kecamatan_codes=("15.71.02",))
    nik = valid_nik("15.71.02")
    someone = create_entrepreneur(owner_id, nik=nik, kelurahan_code="15.71.02.1004")
    login_as(Role.VIEWER)
    detail = _text(client.get(f"/pelaku-usaha/{someone}"))
    assert f"{nik[:4]}********{nik[-4:]}" in detail and nik not in detail
    assert "Ubah data" not in detail
    assert client.get(f"/pelaku-usaha/{someone}/ubah").status_code == 403
    listing = _text(client.get("/pelaku-usaha"))
    assert "Siti Aminah" in listing and nik not in listing


def test_opening_a_full_record_is_audited(app, client, login_as, create_entrepreneur):
    user_id, username = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    client.get(f"/pelaku-usaha/{someone}")
    with app.app_context():
        row = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "view"))
        assert (row.actor_name, row.entity_type, row.entity_id) == (
            username,
            "entrepreneurs",
            str(someone),
        )


def test_search_by_name_nik_number_and_phone_keeps_them_out_of_urls(
    app, client, login_as, create_entrepreneur
):
    user_id, _ = login_as(Role.FACILITATOR)
    nik = valid_nik()
    siti = create_entrepreneur(user_id, full_name="Siti Aminah", nik=nik, phone="081299887766")
    create_entrepreneur(user_id, full_name="Budi Santoso", phone="081311112222")
    with app.app_context():
        number = db.session.get(Entrepreneur, siti).registration_number

    for query in (
        "aminah",
        "SITI am",
        nik,
        f"{nik[:4]} {nik[4:]}",
        number.lower(),
        "0812-9988-7766",
    ):
        response = client.post("/pelaku-usaha/cari", data={"q": query})
        assert response.status_code == 302
        assert query not in response.headers["Location"] and nik not in response.headers["Location"]
        page = _text(client.get(response.headers["Location"]))
        assert "Siti Aminah" in page, query
        assert "Budi Santoso" not in page, query

    client.post("/pelaku-usaha/cari", data={"q": "", "clear": "1"})
    page = _text(client.get("/pelaku-usaha"))
    assert "Siti Aminah" in page and "Budi Santoso" in page


def test_filters_sort_and_pagination(app, client, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.FACILITATOR, kecamatan_codes=("15.71.01", "15.71.07"))
    for number in range(30):
        create_entrepreneur(
            user_id,
            full_name=f"Warga {number:02d}",
            kelurahan_code="15.71.01.1001" if number % 2 else "15.71.07.1004",
            gender=Gender.MALE if number % 3 else Gender.FEMALE,
            phone=None,
        )
    first = _text(client.get("/pelaku-usaha"))
    assert "Warga 00" in first and "Warga 29" not in first and "30 data" in first
    second = _text(client.get("/pelaku-usaha", query_string={"page": 2}))
    assert "Warga 29" in second
    newest = _text(client.get("/pelaku-usaha", query_string={"sort": "newest"}))
    assert newest.index("Warga 29") < newest.index("Warga 28")
    paal_lima = _text(client.get("/pelaku-usaha", query_string={"kelurahan": "15.71.07.1004"}))
    assert "15 data" in paal_lima and "Warga 01<" not in paal_lima
    women = _text(
        client.get("/pelaku-usaha", query_string={"gender": "P", "kecamatan": "15.71.01"})
    )
    assert "5 data" in women


def test_stale_edit_is_refused_naming_who_changed_it(
    app, client, login_as, create_user, create_entrepreneur
):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    form_page = _text(client.get(f"/pelaku-usaha/{someone}/ubah"))
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form_page).group(1)
    nik = _entrepreneur(app, id=someone).nik

    _, colleague = create_user(Role.FACILITATOR, full_name="Rekan Lapangan")
    other = app.test_client()
    other.post("/auth/login", data={"username": colleague, "password": "Jambi-Bahagia-2026!"})
    edit = _form(nik, full_name="Siti Aminah Binti Ahmad", version=version)
    assert other.post(f"/pelaku-usaha/{someone}/ubah", data=edit).status_code == 302

    mine = client.post(
        f"/pelaku-usaha/{someone}/ubah", data=_form(nik, full_name="Siti A.", version=version)
    )
    page = _text(mine)
    assert "sudah diubah oleh Rekan Lapangan" in page
    assert _entrepreneur(app, id=someone).full_name == "Siti Aminah Binti Ahmad"


def test_edits_are_audited_and_on_the_timeline(app, client, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    saved = _entrepreneur(app, id=someone)
    client.post(
        f"/pelaku-usaha/{someone}/ubah",
        data=_form(saved.nik, phone="0813 1111 2222", version=str(saved.version)),
    )
    with app.app_context():
        update = db.session.scalar(
            sa.select(AuditLog).where(
                AuditLog.action == "update", AuditLog.entity_type == "entrepreneurs"
            )
        )
        assert update.changes["phone"] == ["+6281234567890", "+6281311112222"]
        events = db.session.scalars(
            sa.select(CaseEvent.summary).where(CaseEvent.entrepreneur_id == someone)
        ).all()
        assert any("nomor HP" in summary for summary in events)
