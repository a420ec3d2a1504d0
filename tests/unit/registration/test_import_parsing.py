"""The import's cell parsers and file reader read what real spreadsheets contain."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from harkat.core.nik import Gender, NikError, make_nik
from harkat.core.regions import place_key
from harkat.registration import importer
from harkat.registration.domain import Education, MaritalStatus, Sector

NIK = make_nik("15.71.02", date(1985, 8, 17), Gender.FEMALE, 1)  # 1571025708850001


def cell_datetime(year: int, month: int, day: int) -> datetime:
    """A date cell as openpyxl reads it: a naive datetime, which is what spreadsheets hold."""
    return datetime(year, month, day)  # noqa: DTZ001


# --------------------------------------------------------------------------- headers


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("NIK", "nik"),
        (" nik ", "nik"),
        ("No. KTP", "nik"),
        ("Nama", "full_name"),
        ("NAMA LENGKAP", "full_name"),
        ("Tgl. Lahir", "birth_date"),
        ("Tanggal  Lahir", "birth_date"),
        ("No. HP", "phone"),
        ("Nomor HP", "phone"),
        ("HP", "phone"),
        ("No HP/WA", "phone"),
        ("L/P", "gender"),
        ("Kel.", "kelurahan"),
        ("Omzet per Bulan (Rp)", "monthly_revenue"),
        ("Omzet/Bulan", "monthly_revenue"),
        ("Modal Usaha*", "capital"),
        ("Nama Usaha", "business_name"),
        ("Jumlah Tanggungan", "dependants"),
    ],
)
def test_headers_match_whatever_the_case_spacing_and_punctuation(header, key):
    assert importer.match_header(header) == key


@pytest.mark.parametrize("header", ["No", "Keterangan", "Kecamatan", "", None, 12])
def test_unrelated_headers_are_not_matched(header):
    assert importer.match_header(header) is None


def test_every_template_header_is_matched_to_its_own_field():
    for key, header in importer.TEMPLATE_COLUMNS:
        assert importer.match_header(header) == key


# --------------------------------------------------------------------------- NIK


@pytest.mark.parametrize(
    "cell",
    [
        NIK,
        int(NIK),
        float(NIK),
        "1.571025708850001e+15",
        "1571 0257 0885 0001",
        "1571.0257.0885.0001",
        "'" + NIK,
        f"  {NIK}  ",
        f"{NIK}.0",
    ],
)
def test_nik_cells_as_spreadsheets_hold_them(cell):
    assert importer.parse_nik_cell(cell) == NIK


def test_a_nik_rounded_by_the_spreadsheet_is_refused_with_advice():
    with pytest.raises(NikError) as caught:
        importer.parse_nik_cell("1,57103E+15")
    assert "Simpan kolom NIK sebagai teks" in str(caught.value)


@pytest.mark.parametrize("cell", [None, "", "   ", float("nan")])
def test_an_empty_nik_is_refused(cell):
    with pytest.raises(NikError, match="NIK wajib diisi"):
        importer.parse_nik_cell(cell)


def test_a_date_in_the_nik_column_is_refused_not_crashed():
    with pytest.raises(NikError, match="angka"):
        importer.parse_nik_cell(cell_datetime(2020, 1, 1))


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "cell",
    [
        "17/08/1985",
        "17-08-1985",
        "17.08.1985",
        "1985-08-17",
        "1985/08/17",
        "1985-08-17 00:00:00",
        "17 Agustus 1985",
        "17 agt 1985",
        "17081985",
        "19850817",
        31276,
        31276.0,
        "31276",
        cell_datetime(1985, 8, 17),
        date(1985, 8, 17),
    ],
)
def test_dates_typed_three_ways_or_as_excel_serials(cell):
    assert importer.parse_date(cell) == date(1985, 8, 17)


@pytest.mark.parametrize("cell", [None, "", "  "])
def test_an_empty_date_is_none(cell):
    assert importer.parse_date(cell) is None


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("31/02/1990", "tidak ada di kalender"),
        ("08/17/1985", "tidak ada di kalender"),
        ("17/08/85", "4 digit"),
        ("kemarin", "tidak dikenali"),
        (1985, "bukan tanggal"),
    ],
)
def test_impossible_or_ambiguous_dates_are_refused(cell, words):
    with pytest.raises(ValueError, match=words):
        importer.parse_date(cell)


# --------------------------------------------------------------------------- money and counts


@pytest.mark.parametrize(
    ("cell", "amount"),
    [
        ("Rp 5.000.000", 5_000_000),
        ("Rp5.000.000", 5_000_000),
        ("Rp. 5.000.000", 5_000_000),
        ("5.000.000,00", 5_000_000),
        ("Rp5.000.000,-", 5_000_000),
        ("5jt", 5_000_000),
        ("2,5 juta", 2_500_000),
        ("750rb", 750_000),
        ("5000000", 5_000_000),
        ("5000000.0", 5_000_000),
        (5_000_000, 5_000_000),
        (5_000_000.0, 5_000_000),
        (1500.5, 1501),
        (Decimal("1500.49"), 1500),
    ],
)
def test_amounts_as_people_write_them(cell, amount):
    assert importer.parse_amount(cell) == amount


@pytest.mark.parametrize("cell", [None, "", "-", "—"])
def test_an_empty_amount_or_a_dash_is_none(cell):
    assert importer.parse_amount(cell) is None


@pytest.mark.parametrize("cell", ["lima juta", "5,000,000", "Rp 5.00.000", True])
def test_unreadable_amounts_are_refused_in_indonesian(cell):
    with pytest.raises(ValueError, match=r"(bukan jumlah uang|tidak valid)"):
        importer.parse_amount(cell)


def test_whole_numbers_and_years():
    assert importer.parse_whole_number("3", "Jumlah tanggungan") == 3
    assert importer.parse_whole_number(3.0, "Jumlah tanggungan") == 3
    assert importer.parse_whole_number(None, "Jumlah tanggungan") is None
    with pytest.raises(ValueError, match="Jumlah tanggungan harus bilangan bulat"):
        importer.parse_whole_number("tiga", "Jumlah tanggungan")
    with pytest.raises(ValueError, match="bilangan bulat"):
        importer.parse_whole_number(2.5, "Jumlah tanggungan")
    assert importer.parse_year("2019") == 2019
    assert importer.parse_year(cell_datetime(2019, 1, 1)) == 2019


# --------------------------------------------------------------------------- choices


@pytest.mark.parametrize(
    ("cell", "gender"),
    [
        ("L", Gender.MALE),
        ("l", Gender.MALE),
        ("Laki-laki", Gender.MALE),
        ("LAKI LAKI", Gender.MALE),
        ("Pria", Gender.MALE),
        ("P", Gender.FEMALE),
        ("Perempuan", Gender.FEMALE),
        (" wanita ", Gender.FEMALE),
    ],
)
def test_gender_cells(cell, gender):
    assert importer.parse_gender(cell) is gender


def test_an_unknown_gender_says_what_to_write():
    assert importer.parse_gender(None) is None
    with pytest.raises(ValueError, match=r"isi L .* atau P"):
        importer.parse_gender("X")


@pytest.mark.parametrize(
    ("enum_cls", "cell", "member"),
    [
        (Education, "SMA/SMK/sederajat", Education.SMA),
        (Education, "smk", Education.SMA),
        (Education, "S1", Education.S1),
        (Education, "D3", Education.DIPLOMA),
        (Education, "SLTP", Education.SMP),
        (MaritalStatus, "kawin", MaritalStatus.MARRIED),
        (MaritalStatus, "Menikah", MaritalStatus.MARRIED),
        (MaritalStatus, "Belum Kawin", MaritalStatus.SINGLE),
        (Sector, "C", Sector.C),
        (Sector, "industri pengolahan", Sector.C),
        (Sector, "I - Penyediaan akomodasi dan makan minum", Sector.I),
    ],
)
def test_fixed_lists_by_code_label_or_common_alias(enum_cls, cell, member):
    assert importer.parse_choice(enum_cls, cell) is member


def test_an_unknown_choice_lists_the_accepted_labels():
    assert importer.parse_choice(Education, "") is None
    with pytest.raises(ValueError) as caught:
        importer.parse_choice(Education, "Pesantren")
    assert "Pendidikan 'Pesantren' tidak dikenal" in str(caught.value)
    assert "SD/sederajat" in str(caught.value)
    with pytest.raises(ValueError, match="huruf KBLI"):
        importer.parse_choice(Sector, "Bisnis keluarga")


# --------------------------------------------------------------------------- kelurahan

ALIASES = {
    place_key("Thehok"): "15.71.02.1004",
    place_key("The Hok"): "15.71.02.1004",
    place_key("Simpang IV Sipin"): "15.71.01.1001",
}
NAMES = {"15.71.02.1004": "Thehok", "15.71.01.1001": "Simpang IV Sipin"}


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("The Hok", "15.71.02.1004"),
        ("  thehok ", "15.71.02.1004"),
        ("THEHOK", "15.71.02.1004"),
        ("Simpang Empat Sipin", "15.71.01.1001"),
        ("Kel. Simpang 4 Sipin", "15.71.01.1001"),
        ("15.71.01.1001", "15.71.01.1001"),
    ],
)
def test_kelurahan_spelling_variants(cell, code):
    assert importer.resolve_kelurahan(cell, ALIASES, NAMES) == code


def test_an_unknown_kelurahan_suggests_the_nearest_name():
    assert importer.resolve_kelurahan(None, ALIASES, NAMES) is None
    with pytest.raises(ValueError) as caught:
        importer.resolve_kelurahan("Simpang Empt Sipin", ALIASES, NAMES)
    assert "Kelurahan 'Simpang Empt Sipin' tidak dikenal di Kota Jambi" in str(caught.value)
    assert "Mungkin maksud Anda: Simpang IV Sipin?" in str(caught.value)


# --------------------------------------------------------------------------- text cells


def test_cell_text_strips_spaces_apostrophes_and_float_tails():
    assert importer.cell_text("  Siti   Aminah ") == "Siti Aminah"
    assert importer.cell_text(5.0) == "5"
    assert importer.cell_text("'005") == "005"
    assert importer.cell_text("   ") is None
    assert importer.cell_text(float("nan")) is None


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+6281234567890", "'+6281234567890"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Siti", "Siti"),
        (5, 5),
    ],
)
def test_formula_like_cells_are_neutralised(value, shown):
    assert importer.neutralise(value) == shown


# --------------------------------------------------------------------------- reading files

HEADER = ["No", "NIK", "Nama", "Tempat Lahir", "Alamat", "Kelurahan", "Omzet per Bulan"]


def test_csv_with_semicolons_and_bom():
    text = (
        "\ufeffDaftar calon debitur;;;;;;\n"
        + ";".join(HEADER)
        + "\n"
        + f"1;{NIK};Siti Aminah;Jambi;Jl. Mawar;The Hok;5.000.000,00\n"
        + ";;;;;;\n"
    )
    table = importer.read_table(text.encode("utf-8"), "data.csv")
    assert table.attrs["header_row"] == 2
    assert list(table.index) == [3]
    row = table.loc[3]
    assert row["nik"] == NIK
    assert row["monthly_revenue"] == "5.000.000,00"
    assert row["kelurahan"] == "The Hok"
    assert row["phone"] is None
    assert table.attrs["ignored_columns"] == ["No"]


def test_csv_with_commas_in_latin1():
    text = ",".join(HEADER) + "\n" + f'1,{NIK},Siti Nurhalizah Sà,Jambi,"Jl. A, No. 5",Thehok,5jt\n'
    table = importer.read_table(text.encode("cp1252"), "DATA.CSV")
    assert table.loc[2, "full_name"] == "Siti Nurhalizah Sà"
    assert table.loc[2, "address"] == "Jl. A, No. 5"


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    sheet.merge_cells("A1:G1")
    buffer = io.BytesIO()
    book.save(buffer)
    book.close()
    return buffer.getvalue()


def test_xlsx_keeps_number_cells_and_finds_the_header_below_titles():
    data = _xlsx(
        [
            ["DATA PELAKU USAHA KELURAHAN THEHOK"],
            [None],
            HEADER,
            [1, int(NIK), "  Siti Aminah ", "Jambi", "Jl. Mawar", "thehok", 5000000],
            [2, None, None, None, None, None, None],
            [3, "", "   ", None, None, None, None],
        ]
    )
    table = importer.read_table(data, "data.xlsx")
    assert table.attrs["header_row"] == 3
    assert list(table.index) == [4]
    assert table.loc[4, "nik"] == int(NIK)
    assert table.loc[4, "full_name"] == "Siti Aminah"
    assert table.loc[4, "monthly_revenue"] == 5_000_000


def test_the_template_reads_back_with_its_example_row():
    table = importer.read_table(importer.template_workbook(), "templat.xlsx")
    assert table.attrs["header_row"] == 1
    assert table.attrs["ignored_columns"] == []
    assert len(table) == 1
    assert table.iloc[0]["nik"] == importer.EXAMPLE_NIK


def test_the_template_explains_columns_and_keeps_nik_as_text():
    book = openpyxl.load_workbook(io.BytesIO(importer.template_workbook()))
    try:
        data, guide = book["Data Pelaku Usaha"], book["Petunjuk"]
        assert [c.value for c in data[1]] == [h for _, h in importer.TEMPLATE_COLUMNS]
        assert data.freeze_panes == "A2"
        assert data["A2"].number_format == "@"
        assert data["A500"].number_format == "@"
        texts = {str(c.value) for row in guide.iter_rows() for c in row if c.value}
        assert {"Simpang IV Sipin", "Thehok", "Industri pengolahan", "SD/sederajat"} <= texts
        assert {h for _, h in importer.TEMPLATE_COLUMNS} <= texts
    finally:
        book.close()


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"\xd0\xcf\x11\xe0rest", "lama.xls", ".xls"),
        (b"hello", "data.pdf", "Jenis berkas tidak dikenali"),
        (b"", "data.csv", "Berkas kosong"),
        (b"a;b;c\n1;2;3\n", "data.csv", "Baris judul kolom tidak ditemukan"),
        (b"NIK;Nama;Kelurahan\n", "data.csv", "Tidak ada baris data"),
        (b"PK\x03\x04broken", "data.xlsx", "tidak dapat dibaca"),
    ],
)
def test_unreadable_files_get_a_clear_message(data, name, words):
    with pytest.raises(ValueError, match=words.replace(".", r"\.")):
        importer.read_table(data, name)
