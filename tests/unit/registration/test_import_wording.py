"""Spreadsheets from kelurahan offices: their headers, Kartu Keluarga wording, sector names
and placeholders are read as meant, and what cannot be read with certainty is said."""

from __future__ import annotations

import pytest

from harkat.registration import importer
from harkat.registration.domain import Education, MaritalStatus, Sector


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Omzet per Bulan", "monthly_revenue"), ("Omset", "monthly_revenue"),
        ("Omzet", "monthly_revenue"), ("Omset/Bulan", "monthly_revenue"),
        ("OMSET PER BULAN (Rp)", "monthly_revenue"), ("Omzet Perbulan", "monthly_revenue"),
        ("Omset Bulanan", "monthly_revenue"), ("Omzet/Bln (Rp)", "monthly_revenue"),
        ("Rata-rata Omzet per Bulan", "monthly_revenue"),
        ("Biaya per Bulan", "monthly_costs"), ("Biaya Operasional/Bulan", "monthly_costs"),
        ("Modal (Rp)", "capital"), ("Jumlah Modal", "capital"), ("Modal Usaha", "capital"),
        ("NIK KTP", "nik"), ("No. KTP", "nik"), ("Nomor Induk Kependudukan", "nik"),
        ("No. HP/WA", "phone"), ("Nomor WA", "phone"), ("Tgl. Lahir", "birth_date"),
        ("Tmp. Lahir", "birth_place"), ("L/P", "gender"), ("Jml Tanggungan", "dependants"),
        ("Jumlah Karyawan", "employees"), ("Tenaga Kerja (orang)", "employees"),
        ("Bidang Usaha", "sector"), ("Kel.", "kelurahan"), ("Pendidikan Terakhir", "education"),
    ],
)  # fmt: skip
def test_header_spellings_are_recognised(header, key):
    assert importer.match_header(header) == key


@pytest.mark.parametrize(
    ("header", "kind"),
    [("Pendapatan Lain", "money"), ("Omzett", "money"), ("Penghasilan Suami", "money"),
     ("No KK", "identity"), ("Nama Ibu Kandung", "identity"), ("Keterangan", None),
     ("Agama", None)],
)  # fmt: skip
def test_unread_headers_that_look_like_money_or_identity_are_flagged(header, kind):
    assert importer.match_header(header) is None
    assert importer.sensitive_kind(header) == kind


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TIDAK/BELUM SEKOLAH", Education.NONE), ("BELUM TAMAT SD/SEDERAJAT", Education.NONE),
        ("TAMAT SD/SEDERAJAT", Education.SD), ("SLTP/SEDERAJAT", Education.SMP),
        ("SLTA/SEDERAJAT", Education.SMA), ("Lulus SMK", Education.SMA),
        ("DIPLOMA I/II", Education.DIPLOMA), ("AKADEMI/DIPLOMA III/S. MUDA", Education.DIPLOMA),
        ("DIPLOMA IV/STRATA I", Education.S1), ("STRATA II", Education.PASCA),
        ("STRATA III", Education.PASCA),
    ],
)  # fmt: skip
def test_kartu_keluarga_education_wording(text, expected):
    assert importer.parse_choice(Education, text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("BELUM KAWIN", MaritalStatus.SINGLE), ("KAWIN", MaritalStatus.MARRIED),
        ("KAWIN TERCATAT", MaritalStatus.MARRIED),
        ("KAWIN BELUM TERCATAT", MaritalStatus.MARRIED),
        ("CERAI HIDUP", MaritalStatus.DIVORCED), ("CERAI MATI", MaritalStatus.WIDOWED),
    ],
)  # fmt: skip
def test_kartu_keluarga_marital_wording(text, expected):
    assert importer.parse_choice(MaritalStatus, text) is expected


def test_janda_is_not_guessed():
    with pytest.raises(ValueError, match="Cerai hidup"):
        importer.parse_choice(MaritalStatus, "Janda")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Perdagangan", Sector.G), ("Kuliner", Sector.I), ("Pertanian", Sector.A),
     ("Warung", Sector.G), ("Usaha Dagang", Sector.G), ("Konveksi", Sector.C),
     ("Laundry", Sector.S), ("G", Sector.G), ("C - Industri pengolahan", Sector.C)],
)  # fmt: skip
def test_sector_names_people_write_map_to_kbli_sections(text, expected):
    assert importer.parse_sector(text) == (expected, None)


def test_an_unsure_sector_is_stored_with_a_warning_and_a_typo_gets_a_suggestion():
    sector, warning = importer.parse_sector("Jasa")
    assert sector is Sector.S and "dibaca sebagai S – Aktivitas jasa lainnya" in warning
    with pytest.raises(ValueError, match="Mungkin maksud Anda: G – Perdagangan"):
        importer.parse_sector("Perdaganan")


@pytest.mark.parametrize("text", ["-", "–", "—", ".", "n/a", "N/A", "tidak ada", " Tidak  Ada "])
def test_placeholders_mean_blank(text):
    assert importer.is_placeholder(text)


@pytest.mark.parametrize("text", ["0", "Ada", "Jl. -", "12"])
def test_values_are_not_placeholders(text):
    assert not importer.is_placeholder(text)
