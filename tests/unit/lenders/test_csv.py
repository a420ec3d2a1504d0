"""Registry files as admins save them from Excel: either separator, a BOM, titles, aliases."""

from __future__ import annotations

import pytest

from harkat.screening.registry import LenderStatus, parse_status, read_registry_csv


def test_semicolons_a_bom_and_indonesian_aliases():
    data = (
        "\ufeffNo;Nama Aplikasi;Perusahaan;No. Izin;Status;Diperiksa\r\n"
        "1;Kredivo;PT FinAccel Digital Indonesia;KEP-12/D.05/2020;Berizin;03/11/2026\r\n"
    ).encode()
    table = read_registry_csv(data, "ojk.csv")
    assert table.headers == {
        "name": "Nama Aplikasi",
        "company": "Perusahaan",
        "licence_number": "No. Izin",
        "status": "Status",
        "checked_on": "Diperiksa",
    }
    assert table.rows == [
        (
            2,
            {
                "name": "Kredivo",
                "company": "PT FinAccel Digital Indonesia",
                "licence_number": "KEP-12/D.05/2020",
                "status": "Berizin",
                "checked_on": "03/11/2026",
            },
        )
    ]
    assert table.ignored_columns == ["No"]


def test_commas_a_title_above_the_header_and_empty_rows():
    data = (
        b"Daftar penyelenggara berizin OJK,,\n"
        b",,\n"
        b"Nama Platform,Nama Perusahaan,Nomor Izin\n"
        b'"Rupiah Cepat","PT Kredit Utama Fintech Indonesia, Tbk",KEP-75\n'
        b",,\n"
        b"Julo,PT Julo Teknologi Finansial,\n"
    )
    table = read_registry_csv(data, "ojk.csv")
    assert [(number, values["name"], values["company"]) for number, values in table.rows] == [
        (4, "Rupiah Cepat", "PT Kredit Utama Fintech Indonesia, Tbk"),
        (6, "Julo", "PT Julo Teknologi Finansial"),
    ]


def test_windows_ansi_files_are_read():
    data = "Nama Platform;Perusahaan\nCrédito;PT Contoh\n".encode("cp1252")
    assert read_registry_csv(data, "ojk.csv").rows[0][1]["name"] == "Crédito"


@pytest.mark.parametrize(
    ("data", "filename", "words"),
    [
        (b"", "a.csv", "kosong"),
        (b"Foo;Bar\n1;2\n", "a.csv", "judul kolom tidak ditemukan"),
        (b"Nama Platform;Status\n", "a.csv", "Tidak ada baris data"),
        (b"PK\x03\x04whatever", "a.xlsx", "Simpan Sebagai"),
        (b"Nama\x00Platform", "a.csv", "bukan berkas teks"),
    ],
)
def test_unreadable_files_are_refused_in_indonesian(data, filename, words):
    with pytest.raises(ValueError, match=words):
        read_registry_csv(data, filename)


@pytest.mark.parametrize(
    ("cell", "status"),
    [
        ("Berizin", LenderStatus.BERIZIN),
        ("berizin ", LenderStatus.BERIZIN),
        ("", LenderStatus.BERIZIN),
        (None, LenderStatus.BERIZIN),
        ("Izin dicabut", LenderStatus.DICABUT),
        ("DICABUT", LenderStatus.DICABUT),
        ("Pencabutan izin", LenderStatus.DICABUT),
        ("Lainnya", LenderStatus.LAINNYA),
        ("Terdaftar", LenderStatus.LAINNYA),
    ],
)
def test_status_cells(cell, status):
    assert parse_status(cell) == status


def test_an_unknown_status_lists_the_accepted_ones():
    with pytest.raises(ValueError, match="Berizin, Izin dicabut, Lainnya"):
        parse_status("mungkin")
