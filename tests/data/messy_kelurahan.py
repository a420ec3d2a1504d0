"""Build ``messy_kelurahan.xlsx``: a sheet as a kelurahan office really keeps one.

Each data row carries one kind of mess that, in an earlier HARKAT, was stored differently from
what the person meant without a word. ``tests/functional/registration/test_messy_kelurahan.py``
holds the end state every row must reach. Run this file to rebuild the workbook after changing
the rows (``python tests/data/messy_kelurahan.py``); the workbook is committed so that the test
reads exactly the bytes a person would upload.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl

from harkat.core.nik import Gender, make_nik

PATH = Path(__file__).with_name("messy_kelurahan.xlsx")


def nik(serial: int, born: date = date(1985, 8, 17), gender: Gender = Gender.FEMALE) -> str:
    return make_nik("15.71.02", born, gender, serial)


#: Headers spelt as offices spell them, plus two columns HARKAT does not read.
HEADER = [
    "No.", "NIK KTP", "Nama Lengkap", "L/P", "Tmp. Lahir", "Tgl Lahir", "No. HP/WA",
    "Alamat Lengkap", "RT", "RW", "Kel.", "Pendidikan Terakhir", "Status Kawin",
    "Jml Tanggungan", "Nama Usaha", "Bidang Usaha", "Produk", "NIB", "Omset/Bulan (Rp)",
    "Biaya Operasional/Bulan", "Modal (Rp)", "Jumlah Karyawan", "Pendapatan Lain", "Keterangan",
]  # fmt: skip

LONG_ADDRESS = "Jl. " + "Panjang Sekali " * 16  # 244 characters
LONG_BUSINESS = "Usaha " + "Kerupuk Ikan Patin " * 7  # 139 characters
NUMBER_CELL_NIK = 1571025708850000  # what Excel keeps of 1571025708850007 typed as a number


def _row(no, nik_cell, name, **cells):
    values = {
        "L/P": "P", "Tmp. Lahir": "Jambi", "Tgl Lahir": None, "No. HP/WA": None,
        "Alamat Lengkap": f"Jl. Kapten Pattimura No. {no}", "RT": None, "RW": None,
        "Kel.": "The Hok", "Pendidikan Terakhir": None, "Status Kawin": None,
        "Jml Tanggungan": None, "Nama Usaha": None, "Bidang Usaha": None, "Produk": None,
        "NIB": None, "Omset/Bulan (Rp)": None, "Biaya Operasional/Bulan": None,
        "Modal (Rp)": None, "Jumlah Karyawan": None, "Pendapatan Lain": None, "Keterangan": None,
    }  # fmt: skip
    values.update(cells)
    return [no, nik_cell, name] + [values[h] for h in HEADER[3:]]


def rows() -> list[list]:
    """The data rows; sheet row = index + 4 (two title rows and the header come first)."""
    return [
        # 4: a 16-digit NIK typed into a number cell: the last digit is already 0.
        _row(1, NUMBER_CELL_NIK, "Sri Wahyuni"),
        # 5: a real NIK that ends in 0, kept as text: stored exactly.
        _row(2, nik(10), "Nurhayati", **{"Tgl Lahir": "17 Agustus 1985"}),
        # 6: the NIK as Excel shows a number cell in scientific notation.
        _row(3, "1,57103E+15", "Rosmawati"),
        # 7: a trailing zero-width space after the NIK, a no-break space, BOM and soft hyphen in
        # the name: accepted after cleaning.
        _row(4, nik(11) + "\u200b", "Siti\u00a0Ami\u00adnah\ufeff", **{
            "No. HP/WA": "0812 3456 7890", "Omset/Bulan (Rp)": "5,5 juta",
            "Nama Usaha": "Pempek Bu Siti", "Bidang Usaha": "Kuliner",
        }),
        # 8: an address longer than 200 characters: refused, never cut.
        _row(5, nik(12), "Marlina", **{"Alamat Lengkap": LONG_ADDRESS}),
        # 9: a business name longer than 120 characters: refused, never cut.
        _row(6, nik(13), "Yuliani", **{"Nama Usaha": LONG_BUSINESS, "Bidang Usaha": "Perdagangan"}),
        # 10: placeholders in optional columns mean blank.
        _row(7, nik(14), "Hasanah", **{
            "No. HP/WA": "-", "RT": ".", "RW": "n/a", "NIB": "tidak ada",
            "Nama Usaha": "Warung Hasanah", "Bidang Usaha": "Perdagangan",
            "Omset/Bulan (Rp)": "–", "Modal (Rp)": "-",
        }),
        # 11: Kartu Keluarga wording.
        _row(8, nik(15), "Fatimah", **{
            "Pendidikan Terakhir": "SLTA/SEDERAJAT", "Status Kawin": "CERAI HIDUP",
            "Nama Usaha": "Kebun Cabai", "Bidang Usaha": "Pertanian",
        }),
        # 12: more Kartu Keluarga wording.
        _row(9, nik(16), "Rukiah", **{
            "Pendidikan Terakhir": "TAMAT SD/SEDERAJAT", "Status Kawin": "BELUM KAWIN",
        }),
        # 13: and more, with a number of employees and capital.
        _row(10, nik(17), "Aisyah", **{
            "Pendidikan Terakhir": "DIPLOMA IV/STRATA I", "Status Kawin": "KAWIN TERCATAT",
            "Nama Usaha": "Salon Aisyah", "Bidang Usaha": "Jasa", "Modal (Rp)": "Rp 12.500.000",
            "Jumlah Karyawan": 2,
        }),
        # 14: a sector nobody can be sure of: refused with a suggestion.
        _row(11, nik(18), "Juwita", **{"Nama Usaha": "Toko Juwita", "Bidang Usaha": "Perdaganan"}),
        # 15: an emoji in the name.
        _row(12, nik(19), "Dewi 🌸 Lestari"),
        # 16: a spreadsheet formula in the name.
        _row(13, nik(20), '=HYPERLINK("http://contoh.id","Klik")'),
        # 17: a NIK of a fifteen-year-old.
        _row(14, nik(21, date(2011, 3, 1)), "Putri Ayu"),
        # 18: born in 1921 (NIK year 21), typed in full: stored, with a warning.
        _row(15, nik(22, date(1921, 5, 5)), "Maimunah", **{"Tgl Lahir": datetime(1921, 5, 5)}),  # noqa: DTZ001
        # 19: "tidak ada" as education: blank, with a warning in case it meant no schooling.
        _row(16, nik(23), "Halimah", **{"Pendidikan Terakhir": "tidak ada"}),
    ]  # fmt: skip


def build(path: Path = PATH) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data UMKM Kel. The Hok"
    sheet.append(["DATA PELAKU UMKM KELURAHAN THE HOK"])
    sheet.append(["Keadaan: November 2026"])
    sheet.append(HEADER)
    for row in rows():
        sheet.append(row)
    for line in sheet.iter_rows(min_row=4):
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text typed as '=…, which is what arrives, not a formula
    # Column B is text, as the template asks, except the row typed as a number.
    for cell in sheet["B"][3:]:
        if isinstance(cell.value, str):
            cell.number_format = "@"
    book.save(path)
    return path


if __name__ == "__main__":
    print(build())
