"""NIK (Nomor Induk Kependudukan) helpers that need no database.

A NIK is 16 digits, ``PP KK CC DDMMYY SSSS``: province, regency/city and district of *first*
registration, birth date (day + 40 for women), and a serial. There is no checksum, so validation
can only check that every part is plausible (DESIGN §4). The prefix says where the person was
first registered, not where they live, so a NIK from outside Kota Jambi (``1571``) is valid.

Two-digit years are resolved by "not in the future": ``20yy`` if that date is not after
``today``, otherwise ``19yy``. Consequences worth knowing:

* Someone born more than 100 years ago is read as a child (``250625`` in 2026 is 2025, not
  1925). Such NIKs still parse; :func:`nik_warnings` compares only day, month and two-digit year,
  so a typed 1925 birth date is not flagged as a mismatch.
* The ``"future"`` reason is unreachable with the real clock: the ``19yy`` fallback is always in
  the past once ``today`` is in 2000 or later. It is raised only when ``today`` itself lies before
  the ``19yy`` date (tests and back-dated checks), and is kept so the function is correct for every
  ``today`` rather than silently accepting an impossible birth date.
* ``29 Feb 00`` is a real date in 2000 but not in 1900; it is accepted only when it resolves to
  2000.

Spreadsheets are the usual source of broken NIKs: a NIK typed into a number cell is stored as a
float and shown as ``1,57101E+15``. Excel keeps only 15 significant digits and a binary float is
exact only below 2**53 (about 9.007e15), so :func:`normalise_nik` accepts a number only where it
can still be exact, and otherwise refuses with reason ``"length"`` and a message asking for the
column to be stored as text. Every NIK with a province code starting with 9 (Papua) is above
2**53, so such NIKs are refused when they arrive as floats. A value Excel has already rounded to
15 digits but that still has 16 digits (last digit turned to 0) cannot be detected here.
"""

from __future__ import annotations

import enum
import math
import operator
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

from harkat.core.dates import JAKARTA
from harkat.core.text import clean_text, describe_char

#: Sixteen digits in free text, also written with a separator between any two of them, as
#: people and spreadsheets group a NIK: ``1571 0102 1195 0017``, ``15.71.01.0211950017``,
#: ``157101-021195-0017``. A longer run is masked too: better a masked account number in a log
#: than a NIK followed by a number left readable.
_SEPARATOR = r"[ .,\-\u00a0\u2010-\u2015/]"
_NIK_IN_TEXT = re.compile(rf"(?<![\d])\d(?:{_SEPARATOR}?\d){{15,}}")


def mask_nik(nik: str | None) -> str | None:
    """Show only the first and last four digits: ``1571********0001``."""
    if not nik:
        return nik
    digits = re.sub(r"\D", "", nik)
    if len(digits) != 16:
        return "*" * len(digits)
    return f"{digits[:4]}{'*' * 8}{digits[-4:]}"


def mask_niks_in_text(text: str) -> str:
    """Mask every 16-digit run in free text, for logs and audit notes."""

    def mask(match: re.Match) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        return f"{digits[:4]}{'*' * 8}{digits[-4:]}"

    return _NIK_IN_TEXT.sub(mask, text)


# Kemendagri province codes (Kepmendagri 100.1.1-6117/2022 and later updates), 38 provinces.
# The four Papua provinces created in 2022 (93-96) are included: NIKs first issued there after
# the split carry those codes, while people registered earlier keep their 91/92 NIKs for life.
PROVINCE_NAMES = MappingProxyType(
    {
        "11": "Aceh",
        "12": "Sumatera Utara",
        "13": "Sumatera Barat",
        "14": "Riau",
        "15": "Jambi",
        "16": "Sumatera Selatan",
        "17": "Bengkulu",
        "18": "Lampung",
        "19": "Kepulauan Bangka Belitung",
        "21": "Kepulauan Riau",
        "31": "DKI Jakarta",
        "32": "Jawa Barat",
        "33": "Jawa Tengah",
        "34": "DI Yogyakarta",
        "35": "Jawa Timur",
        "36": "Banten",
        "51": "Bali",
        "52": "Nusa Tenggara Barat",
        "53": "Nusa Tenggara Timur",
        "61": "Kalimantan Barat",
        "62": "Kalimantan Tengah",
        "63": "Kalimantan Selatan",
        "64": "Kalimantan Timur",
        "65": "Kalimantan Utara",
        "71": "Sulawesi Utara",
        "72": "Sulawesi Tengah",
        "73": "Sulawesi Selatan",
        "74": "Sulawesi Tenggara",
        "75": "Gorontalo",
        "76": "Sulawesi Barat",
        "81": "Maluku",
        "82": "Maluku Utara",
        "91": "Papua",
        "92": "Papua Barat",
        "93": "Papua Selatan",
        "94": "Papua Tengah",
        "95": "Papua Pegunungan",
        "96": "Papua Barat Daya",
    }
)
PROVINCE_CODES = frozenset(PROVINCE_NAMES)

NikReason = Literal[
    "empty",
    "not_digits",
    "length",
    "province",
    "regency",
    "district",
    "month",
    "day",
    "date",
    "future",
    "serial",
]

# Women's NIKs add 40 to the day of birth.
_FEMALE_DAY_OFFSET = 40

# Largest integer below which every integer is exactly representable as a binary float.
_FLOAT_EXACT_LIMIT = 2**53

# Separators people and documents put inside a NIK: whitespace (incl. no-break space), dots,
# commas (thousands grouping in English-locale spreadsheets) and the hyphen/dash family that
# word processors substitute for "-".
_SEPARATORS = re.compile(r"[\s.,\-\u2010-\u2015\u2212]")

# Leading apostrophe a spreadsheet user types to force text; word processors may curl it.
_APOSTROPHES = "'\u2018\u2019"

# Scientific notation as spreadsheets and numeric libraries write it: one digit before the
# decimal separator (dot or comma), e.g. "1,57101E+15" or "1.571014708850001e+15". Requiring the
# normalised form keeps a stray letter inside a digit string from being read as an exponent.
_SCIENTIFIC = re.compile(r"([0-9])(?:[.,]([0-9]+))?[eE]\+?([0-9]{1,2})")

# A float turned into text by Python or pandas: "1571014708850001.0".
_FLOAT_TEXT = re.compile(r"([0-9]+)\.0")

#: Significant digits a spreadsheet number cell keeps (Excel, LibreOffice, Google Sheets).
_SPREADSHEET_DIGITS = 15

_NUMBER_CELL_MESSAGE = (
    "NIK tersimpan sebagai angka di spreadsheet, yang hanya menyimpan 15 digit: digit ke-16 "
    "sudah berubah menjadi 0 dan tidak dapat dipulihkan. Ubah format kolom NIK menjadi Teks "
    "(atau awali dengan tanda petik '), ketik ulang NIK lengkap 16 digit, lalu impor lagi."
)

_ROUNDED_MESSAGE = (
    "NIK terbaca sebagai angka yang sudah dibulatkan oleh spreadsheet (misalnya 1,57101E+15), "
    "sehingga digitnya tidak lagi lengkap. Simpan kolom NIK sebagai teks, lalu isi ulang NIK "
    "lengkap 16 digit."
)


class Gender(enum.StrEnum):
    """Gender as encoded in a NIK and recorded on the KTP."""

    MALE = "L"
    FEMALE = "P"

    @property
    def label(self) -> str:
        """Return the Indonesian label shown to users."""
        return "Laki-laki" if self is Gender.MALE else "Perempuan"


class NikError(ValueError):
    """A NIK that cannot be accepted: ``reason`` is a stable code, ``message`` is for the user."""

    def __init__(self, reason: NikReason, message: str) -> None:
        super().__init__(message)
        self.reason: NikReason = reason
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[type[NikError], tuple[str, str]]:
        # The default pickling replays ``args`` (the message only), which does not match
        # ``__init__``; keep errors picklable for background import jobs.
        return (type(self), (self.reason, self.message))


@dataclass(frozen=True)
class NikInfo:
    """The parts of a valid NIK."""

    nik: str
    province_code: str
    regency_code: str
    district_code: str
    birth_date: date
    gender: Gender
    serial: str

    @property
    def region_code(self) -> str:
        """Return the Kemendagri district code of first registration, e.g. ``15.71.01``."""
        return f"{self.province_code}.{self.regency_code}.{self.district_code}"

    def __repr__(self) -> str:
        # The dataclass default would print the full NIK and birth date into logs and tracebacks;
        # NIK is specific personal data (UU 27/2022), so show only the masked form.
        return f"NikInfo(nik={mask_nik(self.nik)!r})"


def _jakarta_today() -> date:
    return datetime.now(JAKARTA).date()


def _number_to_digits(value: int | float | Decimal) -> str:
    """Turn a numeric cell value into digits, refusing values that may have been rounded."""
    digits = _number_digits(value)
    if len(digits) >= _SPREADSHEET_DIGITS + 1 and digits.endswith("0"):
        # Spreadsheets keep 15 significant digits: the 16th digit of a NIK typed into a number
        # cell became 0. Which digit it was cannot be known, so the NIK is not guessed.
        raise NikError("length", _NUMBER_CELL_MESSAGE)
    return digits


def _number_digits(value: int | float | Decimal) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            # pandas reads an empty cell in a numeric column as NaN.
            raise NikError("empty", "NIK wajib diisi.")
        if not math.isfinite(value) or not value.is_integer() or value < 0:
            raise NikError("not_digits", "NIK hanya boleh berisi angka 0-9.")
        if value >= _FLOAT_EXACT_LIMIT:
            raise NikError("length", _ROUNDED_MESSAGE)
        return str(int(value))
    if isinstance(value, Decimal):
        if value.is_nan():
            raise NikError("empty", "NIK wajib diisi.")
        if not value.is_finite() or value < 0:
            raise NikError("not_digits", "NIK hanya boleh berisi angka 0-9.")
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent > 0:
            # Digits implied by the exponent were never written down: "1.57101E+15" has six
            # significant digits, the other ten were lost to rounding.
            raise NikError("length", _ROUNDED_MESSAGE)
        if value != value.to_integral_value():
            raise NikError("not_digits", "NIK hanya boleh berisi angka 0-9.")
        return str(int(value))
    if value < 0:
        raise NikError("not_digits", "NIK hanya boleh berisi angka 0-9.")
    return str(value)


def normalise_nik(raw: str | int | float | Decimal | None) -> str:
    """Reduce a typed, pasted or imported NIK to its digits; the result is not yet validated."""
    if raw is None:
        raise NikError("empty", "NIK wajib diisi.")
    if isinstance(raw, bool):
        raise TypeError("NIK must be text or a number, not bool")
    if isinstance(raw, float | Decimal):
        return _number_to_digits(raw)
    if not isinstance(raw, str):
        try:
            # int and integer-like values such as numpy.int64 from a pandas import.
            return _number_to_digits(operator.index(raw))
        except TypeError:
            raise TypeError(f"NIK must be text or a number, not {type(raw).__name__}") from None

    text = "".join(clean_text(raw).split())
    if text and text[0] in _APOSTROPHES:
        text = text[1:]
    if not text:
        raise NikError("empty", "NIK wajib diisi.")

    scientific = _SCIENTIFIC.fullmatch(text)
    if scientific:
        lead, fraction, exponent = scientific.groups()
        return _number_to_digits(Decimal(f"{lead}.{fraction or ''}E{exponent}"))
    as_float_text = _FLOAT_TEXT.fullmatch(text)
    if as_float_text:
        # Text written from a float holds whatever rounding the float suffered.
        return _number_to_digits(float(as_float_text.group(1)))

    digits = _SEPARATORS.sub("", text)
    if not digits:
        raise NikError("empty", "NIK wajib diisi.")
    for char in digits:
        # str.isdigit() also accepts superscripts and other scripts' digits; only 0-9 are valid.
        if not ("0" <= char <= "9"):
            raise NikError(
                "not_digits",
                f"NIK hanya boleh berisi angka 0-9; ditemukan karakter {describe_char(char)}.",
            )
    return digits


def _resolve_birth_date(day: int, month: int, year2: int, today: date) -> date:
    """Pick the century by "not in the future" and check the date exists."""
    try:
        recent = date(2000 + year2, month, day)
    except ValueError:
        recent = None
    if recent is not None and recent <= today:
        return recent
    try:
        older = date(1900 + year2, month, day)
    except ValueError:
        raise NikError(
            "date",
            f"Tanggal lahir pada NIK ({day:02d}-{month:02d}-{year2:02d}) tidak ada di kalender.",
        ) from None
    if older > today:
        raise NikError(
            "future",
            f"Tanggal lahir pada NIK ({older:%d-%m-%Y}) belum terjadi.",
        )
    return older


def parse_nik(raw: str | int | float | Decimal | None, today: date | None = None) -> NikInfo:
    """Validate a NIK and derive its region, birth date, gender and serial."""
    if today is None:
        today = _jakarta_today()
    elif isinstance(today, datetime):
        # datetime is a date subclass but cannot be compared with one.
        today = today.date()

    nik = normalise_nik(raw)
    if len(nik) != 16:
        raise NikError("length", f"NIK harus 16 digit, yang diisi {len(nik)} digit.")

    province, regency, district = nik[0:2], nik[2:4], nik[4:6]
    encoded_day, month, year2, serial = int(nik[6:8]), int(nik[8:10]), int(nik[10:12]), nik[12:]

    if province not in PROVINCE_CODES:
        raise NikError(
            "province",
            f"Kode provinsi pada NIK ({province}) tidak dikenal; periksa dua digit pertama NIK.",
        )
    if regency == "00":
        raise NikError(
            "regency", "Kode kabupaten/kota pada NIK (digit ke-3 dan ke-4) tidak boleh 00."
        )
    if district == "00":
        raise NikError("district", "Kode kecamatan pada NIK (digit ke-5 dan ke-6) tidak boleh 00.")

    if 1 <= encoded_day <= 31:
        gender, day = Gender.MALE, encoded_day
    elif 1 + _FEMALE_DAY_OFFSET <= encoded_day <= 31 + _FEMALE_DAY_OFFSET:
        gender, day = Gender.FEMALE, encoded_day - _FEMALE_DAY_OFFSET
    else:
        raise NikError(
            "day",
            f"Tanggal lahir pada NIK ({encoded_day:02d}, digit ke-7 dan ke-8) tidak valid: "
            "harus 01-31 untuk laki-laki atau 41-71 untuk perempuan.",
        )
    if not 1 <= month <= 12:
        raise NikError(
            "month",
            f"Bulan lahir pada NIK ({month:02d}, digit ke-9 dan ke-10) tidak valid: harus 01-12.",
        )
    birth_date = _resolve_birth_date(day, month, year2, today)

    if serial == "0000":
        raise NikError("serial", "Nomor urut pada NIK (empat digit terakhir) tidak boleh 0000.")

    return NikInfo(
        nik=nik,
        province_code=province,
        regency_code=regency,
        district_code=district,
        birth_date=birth_date,
        gender=gender,
        serial=serial,
    )


def nik_warnings(
    info: NikInfo, gender: Gender | None = None, birth_date: date | None = None
) -> list[str]:
    """List mismatches between what the NIK encodes and the gender and birth date typed."""
    warnings: list[str] = []
    if gender is not None and Gender(gender) is not info.gender:
        warnings.append(
            f"Jenis kelamin pada NIK adalah {info.gender.label}, "
            f"sedangkan yang diisi {Gender(gender).label}."
        )
    if birth_date is not None:
        if isinstance(birth_date, datetime):
            birth_date = birth_date.date()
        # The NIK holds only DDMMYY, so a typed 1925 date agrees with a NIK read as 2025.
        encoded = (info.birth_date.day, info.birth_date.month, info.birth_date.year % 100)
        typed = (birth_date.day, birth_date.month, birth_date.year % 100)
        if encoded != typed:
            warnings.append(
                f"Tanggal lahir pada NIK adalah {info.birth_date:%d-%m-%Y}, "
                f"sedangkan yang diisi {birth_date:%d-%m-%Y}."
            )
    return warnings


def format_nik(nik: str | int | None) -> str:
    """Group a NIK in fours for display: ``1571 0147 0885 0001``; leave anything else as given."""
    if nik is None:
        return ""
    try:
        digits = normalise_nik(nik)
    except (NikError, TypeError):
        return str(nik)
    if len(digits) != 16:
        return str(nik)
    return " ".join(digits[i : i + 4] for i in range(0, 16, 4))


def make_nik(region_code: str, birth_date: date, gender: Gender, serial: int) -> str:
    """Build a valid NIK from its parts (for demo data and tests)."""
    region = region_code.replace(".", "")
    if len(region) != 6 or not region.isascii() or not region.isdigit():
        raise ValueError(f"region_code must be six digits such as '15.71.01', not {region_code!r}")
    if region[:2] not in PROVINCE_CODES:
        raise ValueError(f"unknown province code {region[:2]!r}")
    if region[2:4] == "00" or region[4:6] == "00":
        raise ValueError("regency and district codes must not be '00'")
    if isinstance(serial, bool) or not 1 <= serial <= 9999:
        raise ValueError(f"serial must be between 1 and 9999, not {serial!r}")
    day = birth_date.day + (_FEMALE_DAY_OFFSET if Gender(gender) is Gender.FEMALE else 0)
    return f"{region}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"
