"""Bulk import of entrepreneurs, with one optional business each, from XLSX and CSV files.

The flow is :func:`read_table` (bytes → a table of raw cells) → :func:`preview` (every row checked,
nothing written) → :func:`commit` (the valid rows stored) → :func:`result_workbook` (the outcome of
every row, as XLSX). The caller owns the transaction: nothing here commits, and nothing imports
Flask.

Spreadsheets people keep by hand are messy, so every cell parser accepts what they really contain:
NIKs stored as numbers, phones with dashes, dates typed three ways or stored as Excel serials,
amounts written ``Rp 5.000.000`` or ``5jt``, and kelurahan names spelt the local way.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import numbers
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from importlib import resources
from itertools import islice
from typing import Any, TypeVar

import openpyxl
import pandas as pd
import sqlalchemy as sa
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy.orm import Session, selectinload

from harkat.audit.services import Actor, record
from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.auth.scope import can_edit_cases
from harkat.cases.services import add_event
from harkat.core.dates import JAKARTA, format_date
from harkat.core.enums import LabelledEnum
from harkat.core.money import check_rupiah, format_rupiah, parse_rupiah, round_rupiah
from harkat.core.nik import Gender, NikError, make_nik, mask_nik, normalise_nik
from harkat.core.regions import place_key
from harkat.core.spreadsheet import (
    DEFAULT_MAX_ROWS,
    TooLarge,
    capped_rows,
    check_text_rows,
    check_xlsx,
    neutralise,
)
from harkat.core.text import clean_text, control_character_message, control_characters
from harkat.errors import StopValidation
from harkat.reference.models import Kecamatan, Kelurahan, PlaceAlias
from harkat.registration.domain import Education, MaritalStatus, Sector
from harkat.registration.models import Business, Entrepreneur
from harkat.registration.services import (
    BusinessData,
    EntrepreneurData,
    clean_business,
    clean_entrepreneur,
    holder_of_nik,
    next_registration_numbers,
)

T = TypeVar("T")
E = TypeVar("E", bound=LabelledEnum)

# --------------------------------------------------------------------------- columns

#: The template's columns in order: field key and the Indonesian header people see.
TEMPLATE_COLUMNS: list[tuple[str, str]] = [
    ("nik", "NIK"),
    ("full_name", "Nama Lengkap"),
    ("gender", "Jenis Kelamin"),
    ("birth_place", "Tempat Lahir"),
    ("birth_date", "Tanggal Lahir"),
    ("phone", "No HP"),
    ("address", "Alamat"),
    ("rt", "RT"),
    ("rw", "RW"),
    ("kelurahan", "Kelurahan"),
    ("education", "Pendidikan"),
    ("marital_status", "Status Perkawinan"),
    ("dependants", "Jumlah Tanggungan"),
    ("business_name", "Nama Usaha"),
    ("sector", "Sektor"),
    ("products", "Produk"),
    ("start_year", "Tahun Mulai"),
    ("nib", "NIB"),
    ("monthly_revenue", "Omzet per Bulan"),
    ("monthly_costs", "Biaya per Bulan"),
    ("capital", "Modal Usaha"),
    ("employees", "Tenaga Kerja"),
]
HEADERS: dict[str, str] = dict(TEMPLATE_COLUMNS)
FIELD_KEYS: list[str] = [key for key, _ in TEMPLATE_COLUMNS]
BUSINESS_KEYS: tuple[str, ...] = (
    "business_name",
    "sector",
    "products",
    "start_year",
    "nib",
    "monthly_revenue",
    "monthly_costs",
    "capital",
    "employees",
)
#: Columns the example row and the guide mark as required.
REQUIRED_KEYS = frozenset({"nik", "full_name", "birth_place", "address", "kelurahan"})

# Other spellings of headers met in real sheets, compared after :func:`header_key`.
_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "nik": ("noktp", "nomorktp", "nomorindukkependudukan", "niksesuaiktp"),
    "full_name": ("nama", "namapelakuusaha", "namasesuaiktp", "namalengkapsesuaiktp"),
    "gender": ("jk", "kelamin", "lp"),
    "birth_place": ("tmplahir", "tptlahir", "tempatlhr"),
    "birth_date": ("tgllahir", "tgllhr", "tanggallhr", "tgllahirddmmyyyy"),
    "phone": (
        "nohp",
        "nomorhp",
        "hp",
        "nohandphone",
        "nomorhandphone",
        "notelp",
        "notelepon",
        "nomortelepon",
        "telepon",
        "nowa",
        "nomorwa",
        "nohpwa",
        "nomorhpwa",
    ),
    "address": ("alamatlengkap", "alamatdomisili", "alamatrumah"),
    "kelurahan": ("kel", "desakelurahan", "kelurahandesa"),
    "education": ("pendidikanterakhir",),
    "marital_status": ("statuskawin", "statuspernikahan", "perkawinan"),
    "dependants": ("tanggungan", "jmltanggungan", "jumlahtanggungankeluarga"),
    "sector": ("sektorusaha", "bidangusaha"),
    "products": ("produkutama", "jenisproduk", "produkjasa"),
    "start_year": ("tahunmulaiusaha", "mulaiusaha", "tahunberdiri"),
    "nib": ("nomorindukberusaha",),
    "monthly_revenue": ("omzet", "omset", "omsetperbulan", "omzetbulanan", "omzetbulan"),
    "monthly_costs": ("biaya", "biayabulanan", "biayaoperasional", "biayabulan"),
    "capital": ("modal",),
    "employees": ("jumlahtenagakerja", "karyawan", "jumlahkaryawan", "tk"),
}

#: Rows above the header that may hold titles, merged cells and notes.
HEADER_SEARCH_ROWS = 15
#: Fewest recognised headers (NIK among them) for a row to count as the header row.
MIN_HEADER_MATCHES = 3


def header_key(text: str) -> str:
    """Reduce a column header to letters and digits: ``"No. HP"`` → ``"nohp"``.

    A parenthesised note is dropped first, so ``"Omzet per Bulan (Rp)"`` is ``omzetperbulan``.
    """
    text = re.sub(r"\([^)]*\)", "", str(text))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


_HEADER_INDEX: dict[str, str] = {}
for _key, _header in TEMPLATE_COLUMNS:
    _HEADER_INDEX[header_key(_header)] = _key
    _HEADER_INDEX[_key.replace("_", "")] = _key
    for _alias in _HEADER_ALIASES.get(_key, ()):
        _HEADER_INDEX[_alias] = _key


# Words of a header reduced to one spelling, and words that add nothing to which column it is.
_HEADER_WORDS = {
    "omset": "omzet", "omzet": "omzet", "bln": "bulan", "bulanan": "bulan", "perbulan": "bulan",
    "sebulan": "bulan", "tgl": "tanggal", "tggl": "tanggal", "lhr": "lahir", "tmp": "tempat",
    "tpt": "tempat", "tmpt": "tempat", "no": "nomor", "nmr": "nomor", "nomer": "nomor",
    "telp": "telepon", "tlp": "telepon", "tel": "telepon", "handphone": "hp", "whatsapp": "wa",
    "kel": "kelurahan", "desa": "kelurahan", "pend": "pendidikan", "thn": "tahun",
    "karyawan": "tenagakerja", "pekerja": "tenagakerja", "tk": "tenagakerja",
    "kelamin": "kelamin", "usia": "umur", "sdm": "tenagakerja",
}  # fmt: skip
_HEADER_FILLER = frozenset(
    {"per", "rp", "rupiah", "idr", "dalam", "dlm", "jumlah", "jml", "jlh", "total", "nilai",
     "rata", "ratarata", "kirakira", "sesuai", "wajib", "opsional", "isi", "diisi", "the"}
)  # fmt: skip


def header_words(text: str) -> tuple[str, ...]:
    """Reduce a header to its meaningful words, one spelling each: ``"Omset/Bln (Rp)"`` →
    ``("omzet", "bulan")``. "Tenaga kerja" is one word so that "TK" can stand for it."""
    text = re.sub(r"\([^)]*\)", " ", str(text))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"tenaga\s*kerja", "tenagakerja", text)
    words = (_HEADER_WORDS.get(word, word) for word in re.findall(r"[a-z0-9]+", text))
    return tuple(word for word in words if word not in _HEADER_FILLER)


#: More spellings, matched word by word after :func:`header_words`.
_HEADER_PHRASES: dict[str, tuple[str, ...]] = {
    "nik": ("nik ktp", "nomor nik", "nomor ktp", "nik pemilik"),
    "full_name": ("nama pemilik", "nama pemilik usaha", "nama lengkap pemilik", "nama umkm"),
    "gender": ("jenis kelamin", "kelamin", "l p", "jk l p"),
    "birth_place": ("tempat lahir",),
    "birth_date": ("tanggal lahir", "tempat tanggal lahir tanggal"),
    "phone": ("nomor hp", "nomor hp wa", "nomor wa", "hp wa", "nomor telepon hp", "kontak"),
    "address": ("alamat", "alamat tempat tinggal", "alamat sesuai ktp"),
    "rt": ("rt",),
    "rw": ("rw",),
    "kelurahan": ("kelurahan", "nama kelurahan"),
    "education": ("pendidikan", "pendidikan terakhir"),
    "marital_status": ("status perkawinan", "status kawin", "status nikah"),
    "dependants": ("tanggungan", "tanggungan keluarga", "anggota keluarga tanggungan"),
    "business_name": ("nama usaha", "nama umkm usaha", "usaha"),
    "sector": ("sektor", "sektor usaha", "bidang usaha", "jenis usaha", "kbli"),
    "products": ("produk", "produk utama", "jenis produk", "produk jasa"),
    "start_year": ("tahun mulai", "tahun mulai usaha", "tahun berdiri", "mulai usaha tahun"),
    "nib": ("nib", "nomor nib", "nomor induk berusaha"),
    "monthly_revenue": ("omzet", "omzet bulan", "penjualan bulan", "pendapatan usaha bulan"),
    "monthly_costs": ("biaya bulan", "biaya operasional bulan", "pengeluaran usaha bulan"),
    "capital": ("modal", "modal usaha", "modal kerja", "aset usaha tanpa tanah bangunan"),
    "employees": ("tenagakerja", "tenagakerja orang"),
}

_PHRASE_INDEX: dict[tuple[str, ...], str] = {}
for _key, _header in TEMPLATE_COLUMNS:
    _PHRASE_INDEX.setdefault(header_words(_header), _key)
for _key, _phrases in _HEADER_PHRASES.items():
    for _phrase in _phrases:
        _PHRASE_INDEX.setdefault(header_words(_phrase), _key)


def match_header(text: Any) -> str | None:
    """Return the field key a header cell names, or None when it is not one of ours."""
    if not isinstance(text, str):
        return None
    key = _HEADER_INDEX.get(header_key(text))
    if key is None:
        key = _PHRASE_INDEX.get(header_words(text))
    return key


#: Words that mark a column as holding money or identity: such a column is never dropped
#: without the importer asking first.
_SENSITIVE_WORDS = {
    "money": frozenset(
        {"omzet", "penjualan", "pendapatan", "penghasilan", "modal", "biaya", "pengeluaran",
         "aset", "asset", "laba", "untung", "keuntungan", "gaji", "pinjaman", "utang", "hutang",
         "kredit", "angsuran", "cicilan", "tabungan", "harga", "income", "rp", "rupiah"}
    ),
    "identity": frozenset(
        {"nik", "ktp", "kk", "nokk", "npwp", "nib", "nama", "lahir", "hp", "wa", "telepon",
         "alamat", "kelurahan", "identitas", "kependudukan"}
    ),
}  # fmt: skip
_SENSITIVE_KEYS = {
    "money": ("monthly_revenue", "monthly_costs", "capital"),
    "identity": ("nik", "full_name", "birth_date", "phone", "address", "nib", "kelurahan"),
}


def sensitive_kind(text: str) -> str | None:
    """Tell whether an unrecognised header looks like money or identity data (by its words or
    by its spelling being close to one of ours); None when it does not."""
    raw_words = set(re.findall(r"[a-z0-9]+", unicodedata.normalize("NFKD", str(text)).lower()))
    words = set(header_words(text)) | raw_words
    for kind, vocabulary in _SENSITIVE_WORDS.items():
        if words & vocabulary:
            return kind
        long_words = [w for w in vocabulary if len(w) >= 4]
        for word in words:
            if len(word) >= 4 and difflib.get_close_matches(word, long_words, n=1, cutoff=0.8):
                return kind
    key = header_key(text)
    for kind, keys in _SENSITIVE_KEYS.items():
        for field_key in keys:
            known = header_key(HEADERS[field_key])
            if key and difflib.SequenceMatcher(None, key, known).ratio() >= 0.75:
                return kind
    return None


# --------------------------------------------------------------------------- reading files

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_NO_HEADER = (
    "Baris judul kolom tidak ditemukan. Pastikan berkas memakai judul kolom seperti pada "
    "templat (paling tidak NIK, Nama Lengkap dan Kelurahan) di salah satu dari "
    f"{HEADER_SEARCH_ROWS} baris pertama."
)


def read_table(data: bytes, filename: str, max_rows: int = DEFAULT_MAX_ROWS) -> pd.DataFrame:
    """Read an uploaded XLSX or CSV file into a table of raw cells, one row per data row.

    Columns are the field keys of :data:`TEMPLATE_COLUMNS` (every key is present; missing
    columns are empty); the index is the row number the user sees in the sheet. XLSX cells keep
    their type (a NIK typed as a number stays a number, a date cell is a ``datetime``); CSV cells
    are text. Fully empty rows are dropped and text is stripped. ``attrs`` holds ``filename``,
    ``header_row`` and ``ignored_columns`` (headers that were not recognised).

    :raise ValueError: with an Indonesian message when the file cannot be read or has no header.
    """
    name = (filename or "").lower()
    if name.endswith(".xls") or data[:4] == _OLE_MAGIC:
        raise ValueError(
            "Berkas .xls (Excel 97–2003) tidak didukung. Buka di Excel lalu simpan sebagai "
            ".xlsx (Excel Workbook) atau CSV, kemudian unggah lagi."
        )
    if name.endswith(".ods"):
        raise ValueError("Berkas .ods tidak didukung; simpan sebagai .xlsx atau CSV.")
    if not data.strip():
        raise ValueError("Berkas kosong.")
    if name.endswith((".xlsx", ".xlsm")) or data[:4] == _XLSX_MAGIC:
        rows = _xlsx_rows(data, max_rows)
    elif name.endswith((".csv", ".txt")):
        rows = _csv_rows(data, max_rows)
    else:
        raise ValueError("Jenis berkas tidak dikenali: unggah berkas .xlsx atau .csv.")
    return _table(rows, filename)


def _xlsx_rows(data: bytes, max_rows: int) -> list[Sequence[Any]]:
    try:
        check_xlsx(data, max_rows, allowance=HEADER_SEARCH_ROWS)
        with warnings.catch_warnings():
            # openpyxl warns about workbook features it does not read (extensions, default
            # styles); none of them changes the cell values taken here.
            warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                best: list[Sequence[Any]] = []
                best_score = -1
                for sheet in book.worksheets:
                    rows = capped_rows(
                        sheet.iter_rows(values_only=True), max_rows, HEADER_SEARCH_ROWS
                    )
                    score = _header_position(rows)[1]
                    if score > best_score:
                        best, best_score = rows, score
            finally:
                book.close()
    except TooLarge:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ValueError(
            "Berkas XLSX tidak dapat dibaca (rusak atau bukan berkas Excel .xlsx)."
        ) from error
    return best


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _csv_rows(data: bytes, max_rows: int) -> list[Sequence[Any]]:
    text = _decode(data)
    check_text_rows(text, max_rows, allowance=HEADER_SEARCH_ROWS)
    best_delimiter, best_score = ",", (-1, 0)
    for delimiter in (";", ",", "\t"):
        head = list(islice(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 30))
        position, score = _header_position(head)
        width = len(head[position]) if head and position is not None else 0
        if (score, width) > best_score:
            best_delimiter, best_score = delimiter, (score, width)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=best_delimiter)
        return capped_rows(reader, max_rows, HEADER_SEARCH_ROWS)
    except csv.Error as error:
        raise ValueError(f"Berkas CSV tidak dapat dibaca: {error}.") from error


def _header_position(rows: Sequence[Sequence[Any]]) -> tuple[int | None, int]:
    """Return the index of the row that names the most known columns, and how many it names."""
    best, best_score = None, 0
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = {match_header(cell) for cell in row} - {None}
        score = len(keys) if "nik" in keys else 0
        if score > best_score:
            best, best_score = index, score
    return best, best_score


def _clean_cell(value: Any) -> Any:
    if isinstance(value, str):
        value = clean_text(value).strip()
        return value or None
    return value


#: What people write in a cell to mean "nothing here"; such a cell is blank.
PLACEHOLDERS = frozenset(
    {"-", "--", "---", "–", "—", ".", "..", "...", "n/a", "na", "n.a.", "n.a", "#n/a", "nil",
     "nihil", "tidak ada", "tdk ada", "tak ada", "belum ada", "blm ada", "kosong", "x", "?"}
)  # fmt: skip


def is_placeholder(value: Any) -> bool:
    """Tell whether a cell holds a placeholder such as ``-``, ``n/a`` or ``tidak ada``."""
    return isinstance(value, str) and " ".join(value.split()).casefold() in PLACEHOLDERS


@dataclass(frozen=True)
class IgnoredColumn:
    """A header the importer does not read, and why a person should look at it."""

    header: str
    #: ``"money"`` or ``"identity"`` when the column looks like such data, else None.
    kind: str | None = None
    #: The field a second column of the same name would have filled.
    duplicate_of: str | None = None

    @property
    def reason(self) -> str:
        if self.duplicate_of:
            return f"kolom kedua untuk {HEADERS[self.duplicate_of]}; hanya kolom pertama dibaca"
        if self.kind == "money":
            return "tampaknya berisi jumlah uang, tetapi judulnya tidak dikenali"
        if self.kind == "identity":
            return "tampaknya berisi data identitas, tetapi judulnya tidak dikenali"
        return "judul kolom tidak dikenali"

    @property
    def needs_confirmation(self) -> bool:
        return self.kind is not None or self.duplicate_of is not None


def _table(rows: list[Sequence[Any]], filename: str) -> pd.DataFrame:
    position, score = _header_position(rows)
    if position is None or score < MIN_HEADER_MATCHES:
        raise ValueError(_NO_HEADER)
    columns: dict[str, int] = {}
    ignored: list[IgnoredColumn] = []
    for index, cell in enumerate(rows[position]):
        key = match_header(cell)
        header = " ".join(clean_text(str(cell)).split()) if cell is not None else ""
        if key is None:
            if header:
                ignored.append(IgnoredColumn(header, sensitive_kind(header)))
        elif key not in columns:
            columns[key] = index
        else:
            ignored.append(IgnoredColumn(header, duplicate_of=key))
    records, row_numbers = [], []
    for offset, row in enumerate(rows[position + 1 :], start=position + 2):
        width = len(row)
        values = {
            key: _clean_cell(row[index]) if index < width else None
            for key, index in columns.items()
        }
        if all(value is None for value in values.values()):
            continue
        records.append([values.get(key) for key in FIELD_KEYS])
        row_numbers.append(offset)
    if not records:
        raise ValueError("Tidak ada baris data di bawah judul kolom.")
    frame = pd.DataFrame(
        records, columns=FIELD_KEYS, index=pd.Index(row_numbers, name="baris"), dtype=object
    )
    frame.attrs.update(
        filename=filename,
        header_row=position + 1,
        ignored_columns=[column.header for column in ignored],
        ignored=ignored,
        columns=list(columns),
    )
    return frame


# --------------------------------------------------------------------------- cell parsers

_APOSTROPHES = "'\u2018\u2019"


def is_blank(value: Any) -> bool:
    """Tell whether a cell holds nothing (None, NaN, pandas NA, or only spaces)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return not value.strip() or value.strip() in _APOSTROPHES
    return False


def cell_text(value: Any) -> str | None:
    """Return a cell as single-spaced text (None when empty); whole numbers lose their ``.0``."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    text = " ".join(str(value).split())
    if text[:1] in _APOSTROPHES:
        text = text[1:].strip()
    return text or None


def parse_nik_cell(value: Any) -> str:
    """Reduce a NIK cell (text, int, float, scientific notation) to its digits.

    :raise NikError: when the cell is empty or cannot hold a NIK.
    """
    if is_blank(value):
        raise NikError("empty", "NIK wajib diisi.")
    if isinstance(value, str):
        value = value.strip()
    try:
        return normalise_nik(value)
    except TypeError:
        raise NikError("not_digits", "NIK hanya boleh berisi angka 0-9.") from None


_GENDERS = {
    "l": Gender.MALE,
    "lk": Gender.MALE,
    "laki": Gender.MALE,
    "lakilaki": Gender.MALE,
    "lelaki": Gender.MALE,
    "pria": Gender.MALE,
    "p": Gender.FEMALE,
    "pr": Gender.FEMALE,
    "perempuan": Gender.FEMALE,
    "wanita": Gender.FEMALE,
}


def parse_gender(value: Any) -> Gender | None:
    """Read ``L``/``P``, ``Laki-laki``/``Perempuan`` and the like; None when empty."""
    text = cell_text(value)
    if text is None:
        return None
    gender = _GENDERS.get(re.sub(r"[^a-z]", "", text.casefold()))
    if gender is None:
        raise ValueError(
            f"Jenis kelamin '{text}' tidak dikenal; isi L (laki-laki) atau P (perempuan)."
        )
    return gender


_EXCEL_EPOCH = date(1899, 12, 30)
#: Excel serials accepted as dates: 10000 is 18 May 1927, 2958465 is 31 Dec 9999. Smaller
#: numbers in a date column are far more likely a year or a typing slip than a 1900s date.
_SERIAL_RANGE = (10_000, 2_958_465)
_MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "maret": 3,
    "mar": 3, "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "agus": 8, "aug": 8, "september": 9, "sep": 9,
    "sept": 9, "oktober": 10, "okt": 10, "oct": 10, "november": 11, "nov": 11, "nop": 11,
    "desember": 12, "des": 12, "dec": 12, "may": 5,
}  # fmt: skip
_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_YMD = re.compile(r"(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})")
_D_MONTH_Y = re.compile(r"(\d{1,2})[\s\-/.]*([a-z]+)[\s\-/.,]*(\d{4})")
_SHORT_YEAR = re.compile(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}")
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?$")
_DATE_HINT = "tulis seperti 17/08/1985"


def _serial_date(serial: float) -> date:
    if not _SERIAL_RANGE[0] <= serial <= _SERIAL_RANGE[1]:
        raise ValueError(f"Angka {serial:g} bukan tanggal ({_DATE_HINT}).")
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def _make_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"Tanggal '{text}' tidak ada di kalender ({_DATE_HINT}).") from None


def parse_date(value: Any) -> date | None:
    """Read a date cell: a date/datetime, an Excel serial, or text ``17/08/1985``, ``17-08-1985``,
    ``1985-08-17``, ``17 Agustus 1985``; None when empty.

    Day comes before month, the Indonesian way; a two-digit year is refused rather than guessed.
    """
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError(f"Isian ini bukan tanggal ({_DATE_HINT}).")
    if isinstance(value, numbers.Real):
        if not math.isfinite(float(value)):
            raise ValueError(f"Isian ini bukan tanggal ({_DATE_HINT}).")
        return _serial_date(float(value))
    text = " ".join(str(value).split()).lstrip(_APOSTROPHES).strip()
    text = _TIME_SUFFIX.sub("", text)
    lowered = text.casefold()
    if match := _DMY.fullmatch(lowered):
        day, month, year = map(int, match.groups())
        return _make_date(year, month, day, text)
    if match := _YMD.fullmatch(lowered):
        year, month, day = map(int, match.groups())
        return _make_date(year, month, day, text)
    if match := _D_MONTH_Y.fullmatch(lowered):
        day, month_name, year = match.groups()
        month = _MONTHS.get(month_name)
        if month is not None:
            return _make_date(int(year), month, int(day), text)
    if re.fullmatch(r"\d{5,7}(?:\.\d+)?", lowered):
        return _serial_date(float(lowered))
    if re.fullmatch(r"\d{8}", lowered):
        # 17081985 (DDMMYYYY) or 19850817 (YYYYMMDD), whichever is a real date.
        for day, month, year in (
            (lowered[:2], lowered[2:4], lowered[4:]),
            (lowered[6:], lowered[4:6], lowered[:4]),
        ):
            try:
                return date(int(year), int(month), int(day))
            except ValueError:
                continue
    if _SHORT_YEAR.fullmatch(lowered):
        raise ValueError(f"Tahun pada tanggal '{text}' harus 4 digit ({_DATE_HINT}).")
    raise ValueError(f"Tanggal '{text}' tidak dikenali ({_DATE_HINT}).")


def parse_phone_cell(value: Any) -> str | None:
    """Return a phone cell as text for :func:`harkat.core.phone.normalise_phone`.

    A number cell has lost its leading zero (``81234567890``); the phone library reads that as
    an Indonesian national number, so the digits are passed on as they are.
    """
    return cell_text(value)


_EMPTY_AMOUNTS = frozenset({"-", "–", "—", "rp-", "rp -", "rp. -"})
_FLOAT_TEXT = re.compile(r"(\d+)\.0+")


def parse_amount(value: Any) -> int | None:
    """Read a rupiah amount (see :func:`_parse_amount`) within HARKAT's bounds."""
    amount = _parse_amount(value)
    return None if amount is None else check_rupiah(amount)


def _parse_amount(value: Any) -> int | None:
    """Read a rupiah amount: a number cell, ``Rp 5.000.000``, ``5.000.000,00``, ``Rp5.000.000,-``,
    ``5jt``, ``2,5 juta``; None when empty (a lone dash counts as empty).

    :raise ValueError: with an Indonesian message.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError("Isian ini bukan jumlah uang.")
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, float | Decimal):
        if not math.isfinite(float(value)):
            raise ValueError("Isian ini bukan jumlah uang.")
        # repr() is the shortest text that round-trips, so 0.1 stays 0.1, not 0.1000000000000000055.
        return round_rupiah(Decimal(repr(value)) if isinstance(value, float) else value)
    text = " ".join(str(value).split()).lstrip(_APOSTROPHES).strip()
    if text.casefold() in _EMPTY_AMOUNTS:
        return None
    if match := _FLOAT_TEXT.fullmatch(text):
        return int(match.group(1))
    text = re.sub(r"\s*[,.]\s*-$", "", text)  # "Rp5.000.000,-": the dash closes the amount
    text = re.sub(r"^rp\.", "rp", text, flags=re.IGNORECASE)
    return parse_rupiah(text)


def parse_whole_number(value: Any, label: str) -> int | None:
    """Read a count such as dependants or employees; None when empty."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{label} harus bilangan bulat.")
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = cell_text(value) or ""
    if match := _FLOAT_TEXT.fullmatch(text):
        text = match.group(1)
    if re.fullmatch(r"-?\d{1,9}", text):
        return int(text)
    raise ValueError(f"{label} harus bilangan bulat, bukan '{text}'.")


def parse_year(value: Any) -> int | None:
    """Read a year: ``2019``, a number cell, or a date cell (its year); None when empty."""
    if isinstance(value, datetime | date):
        return value.year
    return parse_whole_number(value, "Tahun mulai usaha")


def _choice_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.casefold())


_NO_SCHOOLING_PLACEHOLDERS = frozenset({"tidakada", "tdkada", "takada"})
_EDUCATION_ALIASES = {
    **dict.fromkeys(
        ("tidaksekolah", "belumsekolah", "tidakbelumsekolah", "tidaktamatsd", "belumtamatsd",
         "tidaktamatsekolahdasar", "belumtamatsekolahdasar", "tidakpernahsekolah"),
        Education.NONE,
    ),
    **dict.fromkeys(("sd", "mi", "sdmi", "sekolahdasar"), Education.SD),
    **dict.fromkeys(("smp", "mts", "sltp", "smpmts", "sekolahmenengahpertama"), Education.SMP),
    **dict.fromkeys(
        ("sma", "smk", "ma", "slta", "smasmk", "smasmkma", "smak", "stm", "smea",
         "sekolahmenengahatas", "paketc"),
        Education.SMA,
    ),
    **dict.fromkeys(
        ("d1", "d2", "d3", "di", "dii", "diii", "diploma", "diplomai", "diplomaii", "diplomaiii",
         "diplomaiiii", "akademi", "akademidiplomaiii", "akademidiplomaiiismuda",
         "akademidiplomaiiisarjanamuda", "sarjanamuda", "smuda"),
        Education.DIPLOMA,
    ),
    **dict.fromkeys(
        ("d4", "div", "s1", "sarjana", "diplomaiv", "diplomaivstratai", "diplomaivs1", "stratai",
         "strata1", "d4s1"),
        Education.S1,
    ),
    **dict.fromkeys(
        ("s2", "s3", "magister", "doktor", "pascasarjana", "strataii", "strataiii", "strata2",
         "strata3", "s2s3"),
        Education.PASCA,
    ),
}  # fmt: skip
# Kartu Keluarga and forms write "TAMAT SD/SEDERAJAT", "SLTA/SEDERAJAT", "Lulus SMA".
_EDUCATION_PREFIXES = ("tamat", "lulusan", "lulus")
_EDUCATION_SUFFIXES = ("sederajat", "sederajad", "sdrjt", "atausederajat")
_MARITAL_ALIASES = {
    **dict.fromkeys(
        ("belumkawin", "belummenikah", "lajang", "single", "tidakkawin"), MaritalStatus.SINGLE
    ),
    **dict.fromkeys(
        ("kawin", "menikah", "nikah", "sudahmenikah", "sudahkawin", "kawintercatat",
         "kawinbelumtercatat", "kawinsiri", "nikahsiri"),
        MaritalStatus.MARRIED,
    ),
    **dict.fromkeys(
        ("ceraihidup", "ceraihiduptercatat", "ceraihidupbelumtercatat", "ceraihiduptidaktercatat"),
        MaritalStatus.DIVORCED,
    ),
    **dict.fromkeys(
        ("ceraimati", "ceraimatitercatat", "jandamati", "dudamati", "jandaditinggalmati"),
        MaritalStatus.WIDOWED,
    ),
}  # fmt: skip
_CHOICE_ALIASES: dict[type[LabelledEnum], dict[str, LabelledEnum]] = {
    Education: _EDUCATION_ALIASES,
    MaritalStatus: _MARITAL_ALIASES,
}
_CHOICE_LABELS = {
    Education: "Pendidikan",
    MaritalStatus: "Status perkawinan",
    Sector: "Sektor",
}
_SECTOR_PREFIX = re.compile(r"([a-z])\s*[-.:)–]\s*.*", re.IGNORECASE)


def _alias_key(enum_cls: type[LabelledEnum], text: str) -> str:
    key = _choice_key(text)
    if enum_cls is Education:
        for prefix in _EDUCATION_PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix):
                key = key[len(prefix) :]
                break
        for suffix in _EDUCATION_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key = key[: -len(suffix)]
                break
    return key


def parse_choice(enum_cls: type[E], value: Any) -> E | None:
    """Find a fixed-list value by its code or Indonesian label, or a common alias; None when empty.

    Education and marital status also accept the Kartu Keluarga wording (``SLTA/SEDERAJAT``,
    ``DIPLOMA IV/STRATA I``, ``KAWIN TERCATAT``). Sectors: see :func:`parse_sector`.
    """
    text = cell_text(value)
    if text is None:
        return None
    if enum_cls is Sector:
        return parse_sector(text)[0]
    member = enum_cls.from_label(text)
    if member is None:
        member = _CHOICE_ALIASES.get(enum_cls, {}).get(_alias_key(enum_cls, text))
    if member is None:
        label = _CHOICE_LABELS.get(enum_cls, "Isian")
        hint = "pilih salah satu: " + ", ".join(m.label for m in enum_cls)
        raise ValueError(f"{label} '{text}' tidak dikenal; {hint}.")
    return member


# Sector names as people write them. Sure: the word names one KBLI section. Unsure: it usually
# does, but the person should check (stored with a warning naming the section chosen).
_SECTOR_WORDS: dict[str, Sector] = {
    **dict.fromkeys(
        ("pertanian", "perkebunan", "peternakan", "perikanan", "kehutanan", "tani", "petani",
         "kebun", "ternak", "nelayan", "budidayaikan", "budidaya", "holtikultura",
         "hortikultura", "agribisnis"),
        Sector.A,
    ),
    **dict.fromkeys(
        ("industri", "industrirumahtangga", "industrirumahan", "kerajinan", "kerajinantangan",
         "konveksi", "menjahit", "jahit", "penjahit", "tenun", "batik", "mebel", "meubel",
         "pengolahanmakanan", "percetakan", "sablon", "produksi"),
        Sector.C,
    ),
    **dict.fromkeys(("konstruksi", "bangunan", "pertukangan", "tukang"), Sector.F),
    **dict.fromkeys(
        ("perdagangan", "dagang", "berdagang", "pedagang", "jualbeli", "warung", "toko",
         "kelontong", "tokokelontong", "sembako", "eceran", "retail", "grosir", "kios", "kaki5",
         "kakilima", "pedagangkakilima", "pkl", "bengkel", "bengkelmotor", "onlineshop",
         "olshop", "jualanonline", "jualan"),
        Sector.G,
    ),
    **dict.fromkeys(
        ("transportasi", "angkutan", "pengangkutan", "ojek", "ojol", "ekspedisi", "kurir",
         "pergudangan"),
        Sector.H,
    ),
    **dict.fromkeys(
        ("kuliner", "makananminuman", "makanandanminuman", "mamin", "rumahmakan",
         "warungmakan", "katering", "catering", "restoran", "kafe", "cafe", "kedaikopi",
         "warkop", "penginapan", "homestay", "kulinermakananminuman"),
        Sector.I,
    ),
    **dict.fromkeys(("pendidikan", "kursus", "bimbel", "les", "bimbinganbelajar"), Sector.P),
    **dict.fromkeys(("kesehatan", "klinik", "apotek", "bidan"), Sector.Q),
    **dict.fromkeys(("kesenian", "hiburan", "seni", "sanggar", "rekreasi"), Sector.R),
    **dict.fromkeys(
        ("salon", "laundry", "binatu", "pangkasrambut", "cukur", "barbershop", "servishp",
         "servis", "serviselektronik", "reparasi", "tatarias", "rias", "jasasalon"),
        Sector.S,
    ),
}  # fmt: skip
_SECTOR_UNSURE: dict[str, tuple[Sector, str]] = {
    "jasa": (Sector.S, "jasa lain di luar angkutan, makan-minum, pendidikan dan kesehatan"),
    "jasalainnya": (Sector.S, "jasa lain di luar angkutan, makan-minum, pendidikan dan kesehatan"),
    "makanan": (Sector.I, "bila usaha membuat makanan kemasan untuk dijual lagi, pilih C"),
    "minuman": (Sector.I, "bila usaha membuat minuman kemasan untuk dijual lagi, pilih C"),
    "fashion": (Sector.C, "bila hanya menjual pakaian jadi, pilih G"),
    "pakaian": (Sector.G, "bila menjahit atau membuat sendiri, pilih C"),
    "digital": (Sector.J, "bila berjualan lewat internet, pilih G"),
    "online": (Sector.G, "bila menjual jasa digital, pilih J"),
    "kue": (Sector.C, "bila dijual siap santap di warung sendiri, pilih I"),
    "rental": (Sector.N, "persewaan kendaraan atau barang"),
    "persewaan": (Sector.N, "persewaan kendaraan atau barang"),
    "lainnya": (Sector.S, "tulis sektor yang lebih tepat bila ada"),
    "lainlain": (Sector.S, "tulis sektor yang lebih tepat bila ada"),
}


def _sector_label(sector: Sector) -> str:
    return f"{sector.value} – {sector.label}"


def parse_sector(value: Any) -> tuple[Sector | None, str | None]:
    """Read a sector: the KBLI letter, its label, ``"C - Industri pengolahan"``, or a name people
    use (``Perdagangan``, ``Kuliner``, ``Pertanian``). Returns the sector and, when the word is
    not certain (``Jasa``), a warning naming the section chosen; None when empty.

    :raise ValueError: when nothing matches, with the nearest sector name as a suggestion.
    """
    text = cell_text(value)
    if text is None:
        return None, None
    member = Sector.from_label(text)
    if member is None and (match := _SECTOR_PREFIX.fullmatch(text)):
        member = Sector.from_label(match.group(1))
    if member is not None:
        return member, None
    key = _choice_key(text)
    if key.startswith("usaha") and len(key) > len("usaha"):
        key = key[len("usaha") :]
    if key in _SECTOR_WORDS:
        return _SECTOR_WORDS[key], None
    if key in _SECTOR_UNSURE:
        sector, hint = _SECTOR_UNSURE[key]
        return sector, (
            f"Sektor '{text}' dibaca sebagai {_sector_label(sector)} ({hint}); periksa di "
            "halaman usaha setelah impor."
        )
    message = (
        f"Sektor '{text}' tidak dikenal; isi huruf KBLI (A–S) atau nama sektor seperti di lembar "
        "Petunjuk templat."
    )
    known = dict(_SECTOR_WORDS) | {k: sector for k, (sector, _) in _SECTOR_UNSURE.items()}
    known.update({_choice_key(s.label): s for s in Sector})
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.75)
    if close:
        message += f" Mungkin maksud Anda: {_sector_label(known[close[0]])}?"
    raise ValueError(message)


_KELURAHAN_CODE = re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}")


def resolve_kelurahan(
    value: Any, aliases: Mapping[str, str], names: Mapping[str, str] | None = None
) -> str | None:
    """Return the code of the kelurahan a cell names, by :func:`place_key`; None when empty.

    :param aliases: ``{place_key(spelling): code}`` of every accepted kelurahan spelling.
    :param names: ``{code: name}``, to suggest the nearest name when nothing matches.
    :raise ValueError: naming the unknown kelurahan (and the likely one, if any).
    """
    text = cell_text(value)
    if text is None:
        return None
    if _KELURAHAN_CODE.fullmatch(text) and text in aliases.values():
        return text
    code = aliases.get(place_key(text))
    if code is not None:
        return code
    message = f"Kelurahan '{text}' tidak dikenal di Kota Jambi."
    close = difflib.get_close_matches(place_key(text), list(aliases), n=1, cutoff=0.75)
    if close and names:
        message += f" Mungkin maksud Anda: {names.get(aliases[close[0]], close[0])}?"
    raise ValueError(message)


# --------------------------------------------------------------------------- preview

OK = "ok"
WARNING = "warning"
ERROR = "error"
STATUS_LABELS = {OK: "OK", WARNING: "Peringatan", ERROR: "Galat"}

#: A recognisable NIK for the template's example row; a row carrying it is refused.
EXAMPLE_NIK = make_nik("15.71.01", date(1985, 8, 17), Gender.FEMALE, 9999)
EXISTING_WARNING = "NIK sudah terdaftar — akan dilewati/diperbarui sesuai pilihan impor."

# Field names used by clean_entrepreneur/clean_business → our column keys.
_ENTREPRENEUR_FIELDS = {"kelurahan_code": "kelurahan", "kecamatan_code": "kelurahan"}
_BUSINESS_FIELDS = {"name": "business_name"}
# Stored entrepreneur attribute → the column it comes from (blank columns keep stored values).
_VALUE_SOURCES = {
    "kelurahan_code": "kelurahan",
    "kecamatan_code": "kelurahan",
    "search_name": "full_name",
}
# Stored business attribute → its column. Attributes the template has no column for (address,
# SKU, halal, PIRT) are never touched by an update.
_BUSINESS_SOURCES = {
    "name": "business_name",
    **{key: key for key in BUSINESS_KEYS if key != "business_name"},
}
_NIK_CHUNK = 500
_SIXTEEN_DIGITS = re.compile(r"\d{16}")
_FLUSH_EVERY = 1000


@dataclass
class RowResult:
    """What the preview found in one row, and what commit needs to store it."""

    #: The row number the user sees in the sheet (1-based, header and titles included).
    row_number: int
    status: str = OK
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    entrepreneur: EntrepreneurData | None = field(default=None, repr=False)
    business: BusinessData | None = field(default=None, repr=False)
    #: The id of the entrepreneur already registered with this NIK (within the actor's scope).
    existing_id: int | None = None
    full_name: str = ""
    nik_masked: str | None = None
    kelurahan_name: str = ""
    kecamatan_name: str = ""
    business_name: str = ""
    #: Normalised NIK digits (or the raw text when unreadable); kept out of repr and logs.
    nik: str | None = field(default=None, repr=False)
    #: What clean_entrepreneur/clean_business returned: the values commit stores.
    values: dict | None = field(default=None, repr=False)
    business_values: dict | None = field(default=None, repr=False)
    #: Columns left empty in the row; an update keeps what is stored for them.
    blank_columns: frozenset[str] = field(default=frozenset(), repr=False)

    @property
    def messages(self) -> list[tuple[str, str]]:
        """Every ``(column header, reason)``, errors first."""
        return self.errors + self.warnings

    @property
    def is_storable(self) -> bool:
        return self.status != ERROR and self.values is not None

    @property
    def is_warning(self) -> bool:
        """Storable, with notes worth reading before the import is committed."""
        return self.status == WARNING

    def error(self, key: str | None, reason: str) -> None:
        self.errors.append((HEADERS.get(key, "") if key else "", reason))

    @property
    def stored(self) -> list[tuple[str, str]]:
        """The values an import will store, as people read them: ``("Omzet per Bulan",
        "Rp5.500.000")``; empty for a row that will not be stored."""
        if self.values is None:
            return []
        v = self.values
        shown: list[tuple[str, str]] = [
            ("Nama Lengkap", v["full_name"]),
            ("Jenis Kelamin", Gender(v["gender"]).label if v.get("gender") else "—"),
            ("Tempat, Tanggal Lahir", f"{v['birth_place']}, {format_date(v['birth_date'])}"),
        ]
        if v.get("phone"):
            shown.append(("No HP", v["phone"]))
        address = v["address"]
        if v.get("rt") or v.get("rw"):
            address += f", RT {v.get('rt') or '—'}/RW {v.get('rw') or '—'}"
        shown.append(("Alamat", address))
        for key, label in (("education", "Pendidikan"), ("marital_status", "Status Perkawinan")):
            if v.get(key):
                shown.append((label, v[key].label))
        if v.get("dependants"):
            shown.append(("Jumlah Tanggungan", f"{v['dependants']} orang"))
        b = self.business_values
        if b:
            shown.append(("Nama Usaha", f"{b['name']} ({b['sector'].value} – {b['sector'].label})"))
            for key in ("products", "start_year", "nib"):
                if b.get(key):
                    shown.append((HEADERS[key], str(b[key])))
            for key in ("monthly_revenue", "monthly_costs", "capital"):
                if b.get(key) is not None and not (b[key] == 0 and key in self.blank_columns):
                    shown.append((HEADERS[key], format_rupiah(b[key])))
            if b.get("employees"):
                shown.append(("Tenaga Kerja", f"{b['employees']} orang"))
        return shown

    def warn(self, key: str | None, reason: str) -> None:
        self.warnings.append((HEADERS.get(key, "") if key else "", reason))


@dataclass
class _Places:
    """Region reference data loaded once per preview (and kept alive in the identity map)."""

    kelurahan: dict[str, Kelurahan]
    kecamatan_names: dict[str, str]
    aliases: dict[str, str]
    names: dict[str, str]

    @classmethod
    def load(cls, session: Session) -> _Places:
        kelurahan = {k.code: k for k in session.scalars(sa.select(Kelurahan))}
        kecamatan = dict(session.execute(sa.select(Kecamatan.code, Kecamatan.name)).all())
        aliases = dict(
            session.execute(
                sa.select(PlaceAlias.key, PlaceAlias.code).where(PlaceAlias.level == "kelurahan")
            ).all()
        )
        names = {code: k.name for code, k in kelurahan.items()}
        return cls(kelurahan, kecamatan, aliases, names)


def _actor_kecamatan(actor: User) -> frozenset[str] | None:
    """The kecamatan an actor may import into; None means everywhere."""
    if actor.role == Role.ADMIN:
        return None
    if actor.role == Role.FACILITATOR:
        return frozenset(actor.kecamatan_codes)
    return frozenset()


def _require_editor(actor: User) -> None:
    if not can_edit_cases(actor):
        raise StopValidation({None: ["Peran Anda tidak dapat mengimpor data pelaku usaha."]})


def preview(
    session: Session, df: pd.DataFrame, actor: User, *, today: date | None = None
) -> list[RowResult]:
    """Check every row of a table from :func:`read_table`; nothing is written.

    Each row gets ``ok``, ``warning`` (stored, but look: NIK already registered, NIK and typed
    birth date or gender disagree) or ``error`` (not stored), with the column and the reason.

    :raise StopValidation: when the actor's role may not import at all.
    """
    _require_editor(actor)
    today = today or datetime.now(JAKARTA).date()
    places = _Places.load(session)
    scope = _actor_kecamatan(actor)
    results: list[RowResult] = []
    first_row: dict[str, int] = {}
    for row_number, cells in zip(df.index, df.to_dict("records"), strict=True):
        result = _check_row(session, int(row_number), cells, places, scope, today)
        # Also when the first row has other errors: fixing it later must not meet a twin.
        nik = result.nik if result.nik and _SIXTEEN_DIGITS.fullmatch(result.nik) else None
        if nik is not None:
            if nik in first_row:
                result.error(
                    "nik",
                    f"NIK ini sudah ada di baris {first_row[nik]} berkas ini; "
                    "satu orang cukup satu baris.",
                )
                result.values = result.business_values = None
            else:
                first_row[nik] = result.row_number
        results.append(result)
    _mark_existing(session, results, scope, actor)
    for result in results:
        if result.errors:
            result.status = ERROR
        elif result.warnings:
            result.status = WARNING
    return results


def _parsed(
    result: RowResult, failed: set[str], key: str, parse: Callable[[Any], T], value: Any
) -> T | None:
    try:
        return parse(value)
    except ValueError as error:
        result.error(key, str(error))
        failed.add(key)
        return None


def _check_row(
    session: Session,
    row_number: int,
    cells: Mapping[str, Any],
    places: _Places,
    scope: frozenset[str] | None,
    today: date,
) -> RowResult:
    result = RowResult(row_number)
    failed: set[str] = set()
    cells = dict(cells)
    for key, value in cells.items():
        if not isinstance(value, str):
            continue
        if found := control_characters(value):
            result.error(key, control_character_message(HEADERS[key], found))
            failed.add(key)
            cells[key] = None
        elif is_placeholder(value):
            cells[key] = None
            if key == "education" and _choice_key(value) in _NO_SCHOOLING_PLACEHOLDERS:
                result.warn(
                    key,
                    f"Pendidikan '{value}' dibaca sebagai kosong. Bila maksudnya tidak pernah "
                    "sekolah, tulis 'Tidak/belum sekolah'.",
                )
    result.blank_columns = frozenset(key for key in FIELD_KEYS if is_blank(cells.get(key)))

    raw_nik = cells.get("nik")
    nik = _parsed(result, failed, "nik", parse_nik_cell, raw_nik)
    result.nik = nik or cell_text(raw_nik)
    result.nik_masked = mask_nik(result.nik)
    if nik == EXAMPLE_NIK and "contoh" in (cell_text(cells.get("full_name")) or "").casefold():
        result.error("nik", "Ini baris contoh dari templat; hapus baris ini sebelum mengimpor.")
        return result
    kelurahan_code = _parsed(
        result,
        failed,
        "kelurahan",
        lambda v: resolve_kelurahan(v, places.aliases, places.names),
        cells.get("kelurahan"),
    )
    if kelurahan_code is None and "kelurahan" not in failed:
        result.error("kelurahan", "Kelurahan wajib diisi (nama kelurahan di Kota Jambi).")
        failed.add("kelurahan")
    data = EntrepreneurData(
        nik=nik or result.nik or "",
        full_name=cell_text(cells.get("full_name")) or "",
        birth_place=cell_text(cells.get("birth_place")) or "",
        kelurahan_code=kelurahan_code or "",
        address=cell_text(cells.get("address")) or "",
        gender=_parsed(result, failed, "gender", parse_gender, cells.get("gender")),
        birth_date=_parsed(result, failed, "birth_date", parse_date, cells.get("birth_date")),
        phone=parse_phone_cell(cells.get("phone")),
        rt=cell_text(cells.get("rt")),
        rw=cell_text(cells.get("rw")),
        education=_parsed(
            result, failed, "education", lambda v: parse_choice(Education, v),
            cells.get("education"),
        ),
        marital_status=_parsed(
            result, failed, "marital_status", lambda v: parse_choice(MaritalStatus, v),
            cells.get("marital_status"),
        ),
        dependants=_parsed(
            result, failed, "dependants",
            lambda v: parse_whole_number(v, "Jumlah tanggungan"), cells.get("dependants"),
        ),
    )  # fmt: skip
    result.entrepreneur = data
    result.full_name = " ".join(data.full_name.split())
    try:
        clean = clean_entrepreneur(session, data, today=today, check_duplicate=False)
    except StopValidation as error:
        _report(result, failed, error, _ENTREPRENEUR_FIELDS)
    else:
        result.values = clean.values
        for warning in clean.warnings:
            result.warn(_warning_column(warning), warning)
    if kelurahan_code:
        kelurahan = places.kelurahan[kelurahan_code]
        result.kelurahan_name = kelurahan.name
        result.kecamatan_name = places.kecamatan_names.get(kelurahan.kecamatan_code, "")
        if scope is not None and kelurahan.kecamatan_code not in scope:
            result.error(
                "kelurahan",
                f"Kelurahan {kelurahan.name} (Kecamatan {result.kecamatan_name}) di luar "
                "kecamatan tugas Anda.",
            )
    _check_business(result, cells, today)
    if result.errors:
        result.values = result.business_values = None
    return result


def _warning_column(warning: str) -> str:
    lowered = warning.casefold()
    if lowered.startswith("jenis kelamin"):
        return "gender"
    if lowered.startswith("tanggal lahir"):
        return "birth_date"
    return "nik"


def _report(
    result: RowResult, failed: set[str], error: StopValidation, fields: Mapping[str, str]
) -> None:
    """Add a service's validation reasons, skipping columns whose cell already failed to parse."""
    for name, reasons in error.reasons.items():
        key = fields.get(name, name) if name else None
        if key in failed:
            continue
        for reason in reasons:
            result.error(key, reason)


def _check_business(result: RowResult, cells: Mapping[str, Any], today: date) -> None:
    if all(is_blank(cells.get(key)) for key in BUSINESS_KEYS):
        return
    failed: set[str] = set()
    sector_read = _parsed(result, failed, "sector", parse_sector, cells.get("sector"))
    sector, sector_warning = sector_read or (None, None)
    if sector_warning:
        result.warn("sector", sector_warning)
    if sector is None and "sector" not in failed:
        result.error("sector", "Sektor usaha wajib diisi bila ada data usaha.")
        failed.add("sector")

    def amount(key: str) -> int | None:
        return _parsed(result, failed, key, parse_amount, cells.get(key))

    data = BusinessData(
        name=cell_text(cells.get("business_name")) or "",
        sector=sector,  # None only on a row that already has an error
        products=cell_text(cells.get("products")) or "",
        start_year=_parsed(result, failed, "start_year", parse_year, cells.get("start_year")),
        nib=cell_text(cells.get("nib")),
        monthly_revenue=amount("monthly_revenue"),
        monthly_costs=amount("monthly_costs"),
        capital=amount("capital"),
        employees=_parsed(
            result, failed, "employees",
            lambda v: parse_whole_number(v, "Jumlah tenaga kerja"), cells.get("employees"),
        ),
    )  # fmt: skip
    result.business = data
    result.business_name = " ".join(data.name.split())
    try:
        values = clean_business(data, today=today)
    except StopValidation as error:
        _report(result, failed, error, _BUSINESS_FIELDS)
        return
    if not failed:
        result.business_values = values


def _existing(session: Session, niks: Iterable[str]) -> dict[str, tuple[int, str, str]]:
    """Return ``{nik: (id, kecamatan code, registration number)}`` of registered NIKs."""
    found: dict[str, tuple[int, str, str]] = {}
    for chunk in _chunks(sorted(set(niks)), _NIK_CHUNK):
        rows = session.execute(
            sa.select(
                Entrepreneur.nik,
                Entrepreneur.id,
                Entrepreneur.kecamatan_code,
                Entrepreneur.registration_number,
            ).where(Entrepreneur.nik.in_(chunk))
        )
        for nik, id_, kecamatan_code, number in rows:
            found[nik] = (id_, kecamatan_code, number)
    return found


def _mark_existing(
    session: Session, results: list[RowResult], scope: frozenset[str] | None, actor: User
) -> None:
    candidates = [r for r in results if r.values is not None]
    existing = _existing(session, (r.values["nik"] for r in candidates))
    for result in candidates:
        hit = existing.get(result.values["nik"])
        if hit is None:
            continue
        entrepreneur_id, kecamatan_code, _ = hit
        if scope is None or kecamatan_code in scope:
            result.existing_id = entrepreneur_id
            result.warn("nik", EXISTING_WARNING)
        else:
            result.error(
                "nik",
                holder_of_nik(session, result.values["nik"], viewer=actor) or EXISTING_WARNING,
            )
            result.values = result.business_values = None


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --------------------------------------------------------------------------- commit


@dataclass
class ImportSummary:
    """What an import stored, and the outcome of every row for the result file."""

    filename: str = ""
    total: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    failed: int = 0
    #: Rows per preview status: ``{"ok": n, "warning": n, "error": n}``.
    counts: dict[str, int] = field(default_factory=dict)
    #: True when all-or-nothing was asked and an error row stopped the whole import.
    refused: bool = False
    #: ``{row number: what happened}``, in Indonesian.
    outcomes: dict[int, str] = field(default_factory=dict)
    created_ids: list[int] = field(default_factory=list, repr=False)

    @property
    def text(self) -> str:
        """One Indonesian sentence for the screen or the terminal."""
        if self.refused:
            return (
                f"Impor dibatalkan: {self.counts.get(ERROR, 0)} dari {self.total} baris "
                "mengandung kesalahan dan pilihan 'semua atau tidak sama sekali' aktif, "
                "sehingga tidak ada data yang disimpan."
            )
        return (
            f"{self.total} baris diproses: {self.created} didaftarkan, {self.updated} "
            f"diperbarui, {self.skipped} dilewati, {self.failed} tidak disimpan karena salah."
        )


_REFUSED_OUTCOME = "Tidak disimpan: impor dibatalkan karena ada baris yang salah."
_ERROR_OUTCOME = "Tidak disimpan: perbaiki kesalahan lalu impor ulang baris ini."


def commit(
    session: Session,
    results: Sequence[RowResult],
    actor: User,
    *,
    all_or_nothing: bool,
    update_existing: bool,
    filename: str = "",
) -> ImportSummary:
    """Store the ok and warning rows of a preview; flush, never commit.

    A NIK already registered is skipped, or updated when ``update_existing`` (within the actor's
    scope only; empty cells keep what is stored, the case status is never changed, and the row's
    business updates the business of the same name or is added). With ``all_or_nothing``, one
    error row means nothing is stored.

    :raise StopValidation: when the actor's role may not import at all.
    """
    _require_editor(actor)
    summary = ImportSummary(filename=filename, total=len(results))
    summary.counts = {status: sum(r.status == status for r in results) for status in STATUS_LABELS}
    if all_or_nothing and summary.counts[ERROR]:
        summary.refused = True
        summary.failed = summary.counts[ERROR]
        summary.outcomes = {
            r.row_number: _ERROR_OUTCOME if r.status == ERROR else _REFUSED_OUTCOME for r in results
        }
        return summary

    scope = _actor_kecamatan(actor)
    storable = [r for r in results if r.is_storable]
    for result in results:
        if not result.is_storable:
            summary.failed += 1
            summary.outcomes[result.row_number] = _ERROR_OUTCOME
    # A fresh look: someone may have registered one of these NIKs since the preview.
    existing = _existing(session, (r.values["nik"] for r in storable))
    new_rows: list[RowResult] = []
    updates: list[tuple[RowResult, int]] = []
    for result in storable:
        if scope is not None and result.values["kecamatan_code"] not in scope:
            # The preview was made for someone else; this actor may not store this row.
            summary.failed += 1
            summary.outcomes[result.row_number] = (
                "Tidak disimpan: kelurahan di luar kecamatan tugas Anda."
            )
            continue
        hit = existing.get(result.values["nik"])
        if hit is None:
            new_rows.append(result)
            continue
        entrepreneur_id, kecamatan_code, number = hit
        if scope is not None and kecamatan_code not in scope:
            summary.failed += 1
            holder = holder_of_nik(session, result.values["nik"], viewer=actor) or EXISTING_WARNING
            summary.outcomes[result.row_number] = f"Tidak disimpan: {holder}"
        elif update_existing:
            updates.append((result, entrepreneur_id))
        else:
            summary.skipped += 1
            summary.outcomes[result.row_number] = f"Dilewati: NIK sudah terdaftar ({number})."

    label = f"berkas {filename}" if filename else "berkas"
    _create(session, new_rows, actor, label, summary)
    _update(session, updates, actor, label, summary)
    session.flush()
    record(
        session,
        "import",
        entity_type="entrepreneurs",
        changes={
            "file": filename,
            "rows": summary.total,
            "created": summary.created,
            "updated": summary.updated,
            "skipped": summary.skipped,
            "failed": summary.failed,
            "all_or_nothing": all_or_nothing,
            "update_existing": update_existing,
        },
        actor=Actor(actor.id, actor.username),
    )
    return summary


def _create(
    session: Session,
    rows: list[RowResult],
    actor: User,
    label: str,
    summary: ImportSummary,
) -> None:
    if not rows:
        return
    year = datetime.now(JAKARTA).year
    reserved = next_registration_numbers(session, year, len(rows))
    facilitator_id = actor.id if actor.role == Role.FACILITATOR else None
    for start in range(0, len(rows), _FLUSH_EVERY):
        batch = rows[start : start + _FLUSH_EVERY]
        batch_numbers = reserved[start : start + _FLUSH_EVERY]
        entrepreneurs = [
            Entrepreneur(
                registration_number=number,
                facilitator_id=facilitator_id,
                updated_by_id=actor.id,
                **result.values,
            )
            for result, number in zip(batch, batch_numbers, strict=True)
        ]
        session.add_all(entrepreneurs)
        session.flush()
        businesses = []
        for result, entrepreneur in zip(batch, entrepreneurs, strict=True):
            text = (
                f"Didaftarkan lewat impor {label} (baris {result.row_number}) "
                f"dengan nomor {entrepreneur.registration_number}."
            )
            if result.business_values:
                business = Business(
                    entrepreneur_id=entrepreneur.id,
                    updated_by_id=actor.id,
                    **result.business_values,
                )
                business.refresh_scale()
                businesses.append(business)
                text += f" Usaha: {business.name} (skala {business.scale.label.lower()})."
            add_event(
                session,
                entrepreneur.id,
                "registered",
                text,
                actor,
                {"import_file": summary.filename, "row": result.row_number},
            )
            summary.created_ids.append(entrepreneur.id)
            summary.outcomes[result.row_number] = (
                f"Didaftarkan dengan nomor {entrepreneur.registration_number}."
            )
        session.add_all(businesses)
    summary.created += len(rows)


def _update(
    session: Session,
    updates: list[tuple[RowResult, int]],
    actor: User,
    label: str,
    summary: ImportSummary,
) -> None:
    for chunk in _chunks(updates, _NIK_CHUNK):
        loaded = {
            e.id: e
            for e in session.scalars(
                sa.select(Entrepreneur)
                .where(Entrepreneur.id.in_([entrepreneur_id for _, entrepreneur_id in chunk]))
                .options(selectinload(Entrepreneur.businesses))
            )
        }
        for result, entrepreneur_id in chunk:
            entrepreneur = loaded[entrepreneur_id]
            changed = _apply_entrepreneur(entrepreneur, result, actor)
            business_note = _apply_business(session, entrepreneur, result, actor)
            number = entrepreneur.registration_number
            if not changed and not business_note:
                summary.skipped += 1
                summary.outcomes[result.row_number] = (
                    f"Dilewati: data sama dengan yang tersimpan ({number})."
                )
                continue
            parts = []
            if changed:
                parts.append(", ".join(changed))
            if business_note:
                parts.append(business_note)
            text = "; ".join(parts)
            add_event(
                session,
                entrepreneur.id,
                "updated",
                f"Data diubah lewat impor {label} (baris {result.row_number}): {text}.",
                actor,
                {"import_file": summary.filename, "row": result.row_number},
            )
            summary.updated += 1
            summary.outcomes[result.row_number] = f"Diperbarui ({number}): {text}."
        session.flush()


def _apply_entrepreneur(entrepreneur: Entrepreneur, result: RowResult, actor: User) -> list[str]:
    """Copy the row's non-empty values onto a stored entrepreneur; return the changed columns."""
    changed: list[str] = []
    for key, value in result.values.items():
        # Only what the sheet has a column for, and only non-empty cells: the import never
        # changes a case's status (someone may have moved or died since the sheet was made).
        column = _VALUE_SOURCES.get(key, key)
        if column not in HEADERS or column in result.blank_columns:
            continue
        if getattr(entrepreneur, key) != value:
            setattr(entrepreneur, key, value)
            if HEADERS[column] not in changed:
                changed.append(HEADERS[column])
    if changed:
        entrepreneur.updated_by_id = actor.id
    return changed


def _apply_business(
    session: Session, entrepreneur: Entrepreneur, result: RowResult, actor: User
) -> str:
    """Add the row's business, or update the one of the same name; return a note, or ''."""
    values = result.business_values
    if not values:
        return ""
    key = Entrepreneur.name_key(values["name"])
    business = next(
        (b for b in entrepreneur.businesses if Entrepreneur.name_key(b.name) == key), None
    )
    if business is None:
        business = Business(entrepreneur_id=entrepreneur.id, updated_by_id=actor.id, **values)
        business.refresh_scale()
        session.add(business)
        return f"usaha {business.name} ditambahkan"
    changed = []
    for name, value in values.items():
        column = _BUSINESS_SOURCES.get(name)
        if column is None or column in result.blank_columns:
            continue
        if getattr(business, name) != value:
            setattr(business, name, value)
            changed.append(HEADERS[column])
    if not changed:
        return ""
    business.updated_by_id = actor.id
    business.refresh_scale()
    return f"usaha {business.name} ({', '.join(changed)})"


# --------------------------------------------------------------------------- workbooks

DATA_SHEET = "Data Pelaku Usaha"
GUIDE_SHEET = "Petunjuk"
#: Columns kept as text in the template, so Excel does not eat leading zeros or digits.
TEXT_KEYS = ("nik", "phone", "rt", "rw", "nib")
_TEMPLATE_ROWS = 1000
_HEADER_FILL = PatternFill("solid", start_color="FFDDEBF7")
_STATUS_FILLS = {
    OK: PatternFill("solid", start_color="FFE2EFDA"),
    WARNING: PatternFill("solid", start_color="FFFFF2CC"),
    ERROR: PatternFill("solid", start_color="FFF8CBAD"),
}

_GUIDE = {
    "nik": ("16 angka sesuai KTP. Simpan kolom ini sebagai Teks agar digit tidak hilang.", ""),
    "full_name": ("Nama lengkap sesuai KTP.", ""),
    "gender": (
        "L atau P (Laki-laki/Perempuan). Boleh kosong: diambil dari NIK.",
        "L, P, Laki-laki, Perempuan",
    ),
    "birth_place": ("Kota/kabupaten tempat lahir.", ""),
    "birth_date": (
        "Tanggal/bulan/tahun, mis. 17/08/1985 atau 17-08-1985. Boleh kosong: diambil dari NIK.",
        "",
    ),
    "phone": ("Nomor HP/WhatsApp, mis. 0812-3456-7890 atau +62 812 3456 7890.", ""),
    "address": ("Alamat tempat tinggal (jalan, nomor, lorong).", ""),
    "rt": ("Nomor RT, 1–3 angka.", ""),
    "rw": ("Nomor RW, 1–3 angka.", ""),
    "kelurahan": (
        "Nama kelurahan di Kota Jambi; kecamatan ditentukan otomatis. Lihat daftar di bawah.",
        "Lihat daftar kelurahan",
    ),
    "education": ("Pendidikan terakhir.", "Lihat daftar pendidikan"),
    "marital_status": ("Status perkawinan.", "Lihat daftar status perkawinan"),
    "dependants": ("Jumlah tanggungan keluarga, 0–30.", ""),
    "business_name": ("Nama usaha. Kosongkan semua kolom usaha bila belum ada usaha.", ""),
    "sector": ("Huruf KBLI atau nama sektor; wajib bila ada data usaha.", "Lihat daftar sektor"),
    "products": ("Produk atau jasa utama, mis. keripik tempe.", ""),
    "start_year": ("Tahun usaha mulai berjalan, mis. 2019.", ""),
    "nib": ("Nomor Induk Berusaha dari OSS, 13 angka (jika ada).", ""),
    "monthly_revenue": ("Rata-rata omzet sebulan: 5000000, Rp 5.000.000 atau 5jt.", ""),
    "monthly_costs": ("Rata-rata biaya usaha sebulan.", ""),
    "capital": ("Modal usaha di luar tanah dan bangunan.", ""),
    "employees": ("Jumlah tenaga kerja, termasuk pemilik.", ""),
}


def _example_row() -> dict[str, Any]:
    return {
        "nik": EXAMPLE_NIK,
        "full_name": "Siti Aminah (CONTOH - hapus baris ini)",
        "gender": "P",
        "birth_place": "Jambi",
        "birth_date": date(1985, 8, 17),
        "phone": "0812-3456-7890",
        "address": "Jl. Kapten A. Bakaruddin No. 12",
        "rt": "005",
        "rw": "002",
        "kelurahan": "Simpang IV Sipin",
        "education": Education.SMA.label,
        "marital_status": MaritalStatus.MARRIED.label,
        "dependants": 2,
        "business_name": "Keripik Tempe Bu Siti",
        "sector": Sector.C.label,
        "products": "Keripik tempe",
        "start_year": 2019,
        "nib": "",
        "monthly_revenue": 5_000_000,
        "monthly_costs": 3_000_000,
        "capital": 10_000_000,
        "employees": 2,
    }


def _reference_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("harkat.reference").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def template_workbook() -> bytes:
    """Build the import template: headers, one example row, and a "Petunjuk" sheet."""
    example = _example_row()
    frame = pd.DataFrame(
        [[example[key] for key in FIELD_KEYS]],
        columns=[header for _, header in TEMPLATE_COLUMNS],
        dtype=object,
    )
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl", date_format="DD/MM/YYYY") as writer:
        frame.to_excel(writer, sheet_name=DATA_SHEET, index=False)
        sheet = writer.sheets[DATA_SHEET]
        sheet.freeze_panes = "A2"
        for index, key in enumerate(FIELD_KEYS, start=1):
            letter = get_column_letter(index)
            header = sheet.cell(row=1, column=index)
            header.fill = _HEADER_FILL
            header.font = Font(bold=True, color="FFC00000" if key in REQUIRED_KEYS else None)
            sheet.column_dimensions[letter].width = max(12, len(HEADERS[key]) + 4)
            if key in TEXT_KEYS:
                sheet.column_dimensions[letter].number_format = "@"
                for row in range(2, _TEMPLATE_ROWS + 2):
                    sheet.cell(row=row, column=index).number_format = "@"
            elif key in ("monthly_revenue", "monthly_costs", "capital"):
                sheet.cell(row=2, column=index).number_format = "#,##0"
        sheet.column_dimensions["A"].width = 20
        sheet.column_dimensions["B"].width = 36
        ranges = _write_guide(writer.book.create_sheet(GUIDE_SHEET))
        for key, target in ranges.items():
            # A drop-down that still accepts other spellings (the importer knows them).
            validation = DataValidation(
                type="list", formula1=target, allow_blank=True, showErrorMessage=False
            )
            letter = get_column_letter(FIELD_KEYS.index(key) + 1)
            validation.add(f"{letter}2:{letter}{_TEMPLATE_ROWS + 1}")
            sheet.add_data_validation(validation)
    return buffer.getvalue()


def _write_guide(sheet) -> dict[str, str]:
    """Fill the guide sheet; return the cell range of each list, for drop-downs."""
    bold = Font(bold=True)
    sheet.append(["Petunjuk pengisian templat impor pelaku usaha BANK HARKAT"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(
        [
            "Isi satu baris per pelaku usaha di lembar pertama, mulai baris 2; hapus baris contoh. "
            "Kolom bertanda merah wajib diisi. Satu baris boleh memuat satu usaha."
        ]
    )
    sheet.append([])
    sheet.append(["Kolom", "Wajib", "Keterangan", "Nilai yang diterima"])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
        cell.fill = _HEADER_FILL
    for key, header in TEMPLATE_COLUMNS:
        note, accepted = _GUIDE[key]
        sheet.append([header, "Ya" if key in REQUIRED_KEYS else "Tidak", note, accepted])

    ranges: dict[str, str] = {}

    def block(title: str, headings: list[str], rows: list[list[str]], key: str | None) -> None:
        sheet.append([])
        sheet.append([title])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=12)
        sheet.append(headings)
        for cell in sheet[sheet.max_row]:
            cell.font = bold
            cell.fill = _HEADER_FILL
        first = sheet.max_row + 1
        for row in rows:
            sheet.append(row)
        if key is not None:
            ranges[key] = f"{GUIDE_SHEET}!$A${first}:$A${sheet.max_row}"

    aliases: dict[str, list[str]] = {}
    for row in _reference_csv("aliases.csv"):
        aliases.setdefault(row["code"], []).append(row["alias"])
    places = [
        [row["kelurahan"], row["kecamatan"], row["code"], ", ".join(aliases.get(row["code"], []))]
        for row in _reference_csv("kota_jambi_wilayah.csv")
    ]
    headings = ["Kelurahan", "Kecamatan", "Kode", "Ejaan lain yang diterima"]
    block("Daftar kelurahan Kota Jambi", headings, places, "kelurahan")
    block("Sektor usaha (KBLI 2020)", ["Sektor", "Huruf KBLI"],
          [[s.label, s.value] for s in Sector], "sector")  # fmt: skip
    block("Pendidikan", ["Pendidikan", "Boleh juga ditulis"], [
        [Education.NONE.label, "Tidak sekolah"], [Education.SD.label, "SD, MI"],
        [Education.SMP.label, "SMP, MTs, SLTP"], [Education.SMA.label, "SMA, SMK, MA, SLTA"],
        [Education.DIPLOMA.label, "D1, D2, D3"], [Education.S1.label, "S1, D4"],
        [Education.PASCA.label, "S2, S3"],
    ], "education")  # fmt: skip
    block("Status perkawinan", ["Status", "Boleh juga ditulis"], [
        [MaritalStatus.SINGLE.label, "Lajang, Belum menikah"],
        [MaritalStatus.MARRIED.label, "Menikah"], [MaritalStatus.DIVORCED.label, ""],
        [MaritalStatus.WIDOWED.label, ""],
    ], "marital_status")  # fmt: skip
    block("Jenis kelamin", ["Kode", "Arti"], [["L", "Laki-laki"], ["P", "Perempuan"]], "gender")
    for letter, width in (("A", 44), ("B", 22), ("C", 70), ("D", 40)):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=5, max_row=4 + len(TEMPLATE_COLUMNS)):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    return ranges


_RESULT_HEADERS = [
    ("Baris", 8),
    ("Status", 12),
    ("Hasil", 48),
    ("Keterangan", 80),
    ("NIK", 20),
    ("Nama Lengkap", 30),
    ("Kelurahan", 22),
    ("Nama Usaha", 28),
    ("Omzet per Bulan", 18),
    ("Modal Usaha", 18),
]


def _preview_outcome(result: RowResult) -> str:
    if result.status == ERROR:
        return "Belum bisa disimpan: perbaiki kesalahan."
    if result.existing_id is not None:
        return "NIK sudah terdaftar: akan dilewati atau diperbarui."
    return "Siap didaftarkan."


def result_workbook(results: Sequence[RowResult], summary: ImportSummary | None = None) -> bytes:
    """Build the row-by-row report as XLSX; without ``summary`` it reports a preview."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Hasil Impor"
    sheet.append([header for header, _ in _RESULT_HEADERS])
    for index, (_, width) in enumerate(_RESULT_HEADERS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    for line, result in enumerate(results, start=2):
        if summary is not None:
            outcome = summary.outcomes.get(result.row_number, "")
        else:
            outcome = _preview_outcome(result)
        business = result.business_values or {}
        revenue = business.get("monthly_revenue")
        capital = business.get("capital")
        row = [
            result.row_number,
            STATUS_LABELS[result.status],
            outcome,
            "; ".join(f"{column}: {reason}" if column else reason
                      for column, reason in result.messages),
            result.nik or "",
            result.full_name,
            result.kelurahan_name,
            result.business_name,
            format_rupiah(revenue) if revenue is not None else "",
            format_rupiah(capital) if capital is not None else "",
        ]  # fmt: skip
        sheet.append([neutralise(value) for value in row])
        sheet.cell(row=line, column=2).fill = _STATUS_FILLS[result.status]
        for column in (5, 9, 10):
            sheet.cell(row=line, column=column).number_format = "@"
        sheet.cell(row=line, column=4).alignment = Alignment(wrap_text=True, vertical="top")
    if summary is not None:
        info = book.create_sheet("Ringkasan")
        for label, value in (
            ("Berkas", summary.filename),
            ("Jumlah baris", summary.total),
            ("Didaftarkan", summary.created),
            ("Diperbarui", summary.updated),
            ("Dilewati", summary.skipped),
            ("Tidak disimpan", summary.failed),
            ("Keterangan", summary.text),
        ):
            info.append([label, neutralise(value)])
        info.column_dimensions["A"].width = 16
        info.column_dimensions["B"].width = 100
    buffer = io.BytesIO()
    book.save(buffer)
    book.close()
    return buffer.getvalue()
