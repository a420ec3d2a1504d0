"""Businesses with their scale, groups with history, consent with its printable form, export."""

from __future__ import annotations

import html
import io

import openpyxl
import pandas as pd
import sqlalchemy as sa
from pypdf import PdfReader

from harkat.audit.models import AuditLog
from harkat.auth.domain import Role
from harkat.core.enums import ConsentPurpose
from harkat.extensions import db
from harkat.registration.domain import BusinessScale
from harkat.registration.models import Business, Consent, Entrepreneur, Group, GroupMembership

BUSINESS = {
    "name": "Keripik Tempe Bu Siti",
    "sector": "C",
    "products": "keripik tempe, rempeyek",
    "start_year": "2018",
    "address": "Lr. Mawar 12",
    "nib": "1234 5678 90123",
    "monthly_revenue": "Rp 12.500.000",
    "monthly_costs": "7,5jt",
    "capital": "Rp 25.000.000",
    "employees": "2",
}


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_business_is_added_and_its_scale_computed(app, client, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    response = client.post(f"/pelaku-usaha/{someone}/usaha/baru", data=BUSINESS)
    assert response.status_code == 302
    with app.app_context():
        business = db.session.scalar(sa.select(Business))
        assert business.nib == "1234567890123"
        assert (business.monthly_revenue, business.monthly_costs, business.capital) == (
            12_500_000,
            7_500_000,
            25_000_000,
        )
        assert business.scale == BusinessScale.MIKRO
    page = _text(client.get(f"/pelaku-usaha/{someone}"))
    assert "Keripik Tempe Bu Siti" in page and "Mikro" in page
    assert "Omzet Rp12.500.000/bulan" in page and "laba Rp5.000.000" in page


def test_business_scale_follows_pp_7_2021(app, client, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.ADMIN)
    someone = create_entrepreneur(user_id)
    big = {**BUSINESS, "capital": "Rp 3 miliar", "monthly_revenue": "Rp 500 juta", "nib": ""}
    client.post(f"/pelaku-usaha/{someone}/usaha/baru", data=big)
    with app.app_context():
        assert db.session.scalar(sa.select(Business.scale)) == BusinessScale.KECIL


def test_business_form_explains_bad_values(app, client, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.FACILITATOR)
    someone = create_entrepreneur(user_id)
    page = _text(
        client.post(
            f"/pelaku-usaha/{someone}/usaha/baru",
            data={**BUSINESS, "nib": "12345", "monthly_revenue": "banyak", "start_year": "1900"},
        )
    )
    assert "NIB terdiri dari 13 angka" in page
    assert "'banyak' bukan jumlah uang yang valid." in page
    assert "Tahun mulai usaha antara 1950" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Business)) == 0


def _make_group(client, name="Kelompok Mawar") -> int:
    response = client.post(
        "/kelompok/baru",
        data={"name": name, "kelurahan_code": "15.71.01.1001", "formed_on": "2026-02-01",
              "decree_number": "SK-12/2026", "status": "forming"},
    )  # fmt: skip
    assert response.status_code == 302, _text(response)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_group_members_chair_and_history(app, client, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.FACILITATOR)
    siti = create_entrepreneur(user_id, full_name="Siti Aminah")
    budi = create_entrepreneur(user_id, full_name="Budi Santoso")
    group_id = _make_group(client)

    found = _text(client.post(f"/kelompok/{group_id}", data={"cari-q": ""}))
    assert "Siti Aminah" in found and "Budi Santoso" in found
    client.post(f"/kelompok/{group_id}/anggota", data={"entrepreneur_id": [str(siti), str(budi)]})
    client.post(f"/kelompok/{group_id}/ketua", data={"ketua-chair": str(siti)})

    refused = client.post(
        f"/kelompok/{group_id}/anggota/keluar",
        data={"entrepreneur_id": str(siti), "reason": "pindah"},
        follow_redirects=True,
    )
    assert "tunjuk ketua baru terlebih dahulu" in _text(refused)

    client.post(
        f"/kelompok/{group_id}/anggota/keluar",
        data={"entrepreneur_id": str(budi), "reason": "Pindah ke Muaro Jambi"},
    )
    page = _text(client.get(f"/kelompok/{group_id}"))
    assert "Anggota aktif (1)" in page and "Riwayat anggota keluar" in page
    assert "Pindah ke Muaro Jambi" in page
    with app.app_context():
        group = db.session.get(Group, group_id)
        assert group.chair_id == siti
        spells = db.session.scalars(sa.select(GroupMembership)).all()
        assert len(spells) == 2 and sum(m.left_on is None for m in spells) == 1
    detail = _text(client.get(f"/pelaku-usaha/{budi}"))
    assert "Keluar dari kelompok Kelompok Mawar: Pindah ke Muaro Jambi" in detail


def test_group_list_shows_chair_members_and_filters(app, client, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.FACILITATOR)
    siti = create_entrepreneur(user_id, full_name="Siti Aminah")
    mawar = _make_group(client, "Kelompok Mawar")
    _make_group(client, "Kelompok Melati")
    client.post(f"/kelompok/{mawar}/anggota", data={"entrepreneur_id": str(siti)})
    client.post(f"/kelompok/{mawar}/ketua", data={"ketua-chair": str(siti)})
    page = _text(client.get("/kelompok"))
    assert "Kelompok Mawar" in page and "Kelompok Melati" in page and "SK SK-12/2026" in page
    row = page[page.index(">Kelompok Mawar</a>") :].split("</tr>")[0]
    assert "Siti Aminah" in row and "<td>1</td>" in row
    only = _text(client.get("/kelompok", query_string={"nama": "melati"}))
    assert "Kelompok Melati" in only and "Kelompok Mawar" not in only


def test_an_entrepreneur_is_in_at_most_one_active_group(app, client, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.FACILITATOR)
    siti = create_entrepreneur(user_id)
    first = _make_group(client, "Kelompok Mawar")
    second = _make_group(client, "Kelompok Melati")
    client.post(f"/kelompok/{first}/anggota", data={"entrepreneur_id": str(siti)})
    response = client.post(
        f"/kelompok/{second}/anggota", data={"entrepreneur_id": str(siti)}, follow_redirects=True
    )
    assert "Siti Aminah sudah menjadi anggota aktif kelompok Kelompok Mawar." in _text(response)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(GroupMembership)) == 1


def test_the_database_itself_refuses_two_open_memberships(app, login_as, create_entrepreneur):
    user_id, _ = login_as(Role.FACILITATOR)
    siti = create_entrepreneur(user_id)
    with app.app_context():
        groups = [Group(name=n, kelurahan_code="15.71.01.1001", kecamatan_code="15.71.01")
                  for n in ("A", "B")]  # fmt: skip
        db.session.add_all(groups)
        db.session.flush()
        db.session.add_all(
            GroupMembership(group_id=g.id, entrepreneur_id=siti, joined_on=g.created_at.date())
            for g in groups
        )
        try:
            db.session.flush()
        except sa.exc.IntegrityError:
            db.session.rollback()
        else:
            raise AssertionError("two open memberships were stored")


def test_consent_is_recorded_per_purpose_with_version_and_recorder(
    app, client, login_as, create_entrepreneur
):
    user_id, _ = login_as(Role.FACILITATOR, full_name="Dewi Pendamping")
    someone = create_entrepreneur(user_id)
    client.post(
        f"/pelaku-usaha/{someone}/persetujuan", data={"processing": "y", "bank_sharing": "y"}
    )
    with app.app_context():
        rows = db.session.scalars(sa.select(Consent).order_by(Consent.id)).all()
        decisions = {c.purpose: c.is_granted for c in rows}
        assert decisions == {
            ConsentPurpose.PROCESSING: True,
            ConsentPurpose.BANK_SHARING: True,
            ConsentPurpose.WHATSAPP: False,
        }
        assert all(c.recorded_by_id == user_id and c.text_version == "2026-01" for c in rows)
    # Withdrawing bank sharing adds a row; history stays.
    client.post(f"/pelaku-usaha/{someone}/persetujuan", data={"processing": "y"})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Consent)) == 4
    page = _text(client.get(f"/pelaku-usaha/{someone}/persetujuan"))
    assert "Tercatat tidak setuju" in page and "Dewi Pendamping" in page


def test_consent_form_pdf_carries_the_identity_and_every_purpose(
    app, client, login_as, create_entrepreneur
):
    user_id, _ = login_as(Role.FACILITATOR, full_name="Dewi Pendamping")
    someone = create_entrepreneur(user_id, full_name="Siti Aminah")
    response = client.get(f"/pelaku-usaha/{someone}/persetujuan.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    text = " ".join(text.split())
    assert "FORMULIR PERSETUJUAN PEMROSESAN DATA PRIBADI" in text
    assert "Siti Aminah" in text and "Dewi Pendamping" in text
    for purpose in ConsentPurpose:
        assert purpose.label in text
    assert "Undang-Undang Nomor 27 Tahun 2022" in text


def test_export_masks_nik_for_facilitators_neutralises_formulas_and_is_audited(
    app, client, login_as, create_entrepreneur
):
    user_id, _ = login_as(Role.FACILITATOR)
    legacy_id = create_entrepreneur(user_id, full_name="Nama Lama")
    create_entrepreneur(user_id, full_name="Budi Santoso")
    with app.app_context():
        # Registration now refuses formulas in names; a row stored before that still exports.
        db.session.get(Entrepreneur, legacy_id).full_name = '=HYPERLINK("http://x")'
        db.session.commit()
    response = client.get("/pelaku-usaha/ekspor.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:3] == ("No. Registrasi", "NIK", "Nama Lengkap")
    assert len(body) == 2
    assert all("********" in row[1] for row in body)
    assert '\'=HYPERLINK("http://x")' in [row[2] for row in body]

    csv = client.get("/pelaku-usaha/ekspor.csv")
    frame = pd.read_csv(io.BytesIO(csv.data), sep=";", dtype=str, encoding="utf-8-sig")
    assert sorted(frame["Nama Lengkap"]) == ['\'=HYPERLINK("http://x")', "Budi Santoso"]
    with app.app_context():
        exports = db.session.scalars(
            sa.select(AuditLog).where(AuditLog.action == "export").order_by(AuditLog.id)
        ).all()
        assert [(e.changes["format"], e.changes["rows"]) for e in exports] == [
            ("xlsx", 2),
            ("csv", 2),
        ]


def test_admin_export_shows_full_nik(app, client, login_as, create_user, create_entrepreneur):
    owner_id, _ = create_user(Role.FACILITATOR)
    create_entrepreneur(owner_id)
    login_as(Role.ADMIN)
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/pelaku-usaha/ekspor.xlsx").data)).active
    nik = sheet.cell(2, 2).value
    assert len(nik) == 16 and nik.isdigit()
