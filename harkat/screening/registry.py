"""The registry of online lenders licensed by OJK, and tolerant matching of typed lender names.

Facilitators write down lender names the way entrepreneurs say them ("kredivo", "PT. Kredivo",
"KREDIVO!"). :func:`lender_key` reduces a name to a key that ignores case, spacing, punctuation
and legal-form words; :class:`LenderIndex` looks keys up exactly, then catches near-misses.

A near-miss is only a *suggestion*, never a match: illegal lenders deliberately take names one
letter away from licensed ones, so "Kredivoo" stays "kemungkinan ilegal" until someone confirms
it. The admin keeps the registry up to date by hand or by importing OJK's list as CSV.

Services take a session and an explicit actor, flush, and never commit. No Flask here.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from itertools import islice
from typing import Any

import sqlalchemy as sa
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from sqlalchemy.orm import Mapped, Session, mapped_column, validates

from harkat.audit.services import Actor, record
from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.core.dates import JAKARTA
from harkat.core.enums import LabelledEnum
from harkat.core.spreadsheet import DEFAULT_MAX_ROWS, capped_rows, check_text_rows
from harkat.database import TimestampMixin, str_enum
from harkat.errors import StopValidation, ValidationError
from harkat.extensions import db
from harkat.registration.importer import cell_text, header_key, is_blank, parse_date

NAME_MAX = 120
COMPANY_MAX = 200
LICENCE_MAX = 80

#: Similarity (0 to 100) from which a near-miss counts as the same lender.
MATCH_SCORE = 90
#: Similarity from which a near-miss is offered as "Mungkin maksud Anda: …?".
SUGGEST_SCORE = 75
#: Shortest key that may be recognised inside a longer one ("kredivoplus" holds "kredivo").
CONTAINED_MIN_LENGTH = 5
#: After this many days without a check the registry is out of date (the default of the
#: setting ``screening.registry_max_age_days``): pages warn, and screening calls an unlisted
#: online lender's licence "unknown" instead of "kemungkinan ilegal".
STALE_AFTER_DAYS = 90
#: Where the admin finds the list this registry copies.
OJK_SOURCE = (
    "daftar resmi penyelenggara pinjaman daring berizin (pindar / fintech lending / LPBBTI) yang "
    "diterbitkan OJK di www.ojk.go.id (Kanal IKNB → Fintech Lending / Pindar → "
    '"Penyelenggara Pindar Berizin di OJK")'
)


def today() -> date:
    """Return today's date in Kota Jambi."""
    return datetime.now(JAKARTA).date()


class LenderStatus(LabelledEnum):
    BERIZIN = "berizin", "Berizin"
    DICABUT = "dicabut", "Izin dicabut"
    LAINNYA = "lainnya", "Lainnya"


class MatchStatus(LabelledEnum):
    """What a typed lender name turned out to be."""

    LICENSED = "licensed", "Berizin OJK"
    REVOKED = "revoked", "Izin dicabut"
    UNKNOWN = "unknown", "Kemungkinan ilegal"


# --------------------------------------------------------------------------- keys

#: Words of a legal form, dropped wherever they stand ("PT", "Tbk", "(Persero)").
_LEGAL_WORDS = frozenset({"pt", "tbk", "cv", "persero", "perseroan"})
#: Words dropped only at the end of a name: the country in "PT Kredivo Indonesia", and app
#: suffixes people add ("Kredivo App"). Inside a name they stay ("PT Indonesia Fintopia").
_TRAILING_WORDS = frozenset({"indonesia", "app", "apps", "aplikasi"})
_DOTTED_PT = re.compile(r"\bp\s*\.\s*t\b\.?")
_DOMAIN = re.compile(r"^(?:https?://)?(?:www\.)?|\.(?:co\.id|com|id|app|net|org)(?:/\S*)?$")


def lender_words(text: str | None) -> list[str]:
    """Split a lender name into lower-case ASCII words without legal-form and trailing words."""
    if not text:
        return []
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    text = text.casefold().strip()
    text = _DOMAIN.sub("", text)
    text = _DOTTED_PT.sub(" pt ", text)
    words = re.findall(r"[a-z0-9]+", text)
    kept = [word for word in words if word not in _LEGAL_WORDS] or words
    while len(kept) > 1 and kept[-1] in _TRAILING_WORDS:
        kept.pop()
    return kept


def lender_key(text: str | None) -> str:
    """Reduce a lender name to the key names are matched on.

    Case, accents, spacing and punctuation are ignored, as are "PT", "Tbk", "CV" and
    "(Persero)", and "Indonesia" or "App" at the end: ``"PT. Kredivo  Indonesia Tbk"``,
    ``"kredivo"`` and ``"KREDIVO!"`` all give ``"kredivo"``. A name made only of such words
    keeps them, so the key is empty only when the text has no letters or digits.
    """
    return "".join(lender_words(text))


# --------------------------------------------------------------------------- model


class LicensedLender(TimestampMixin, db.Model):
    """An online lender (*pindar*) on OJK's list, as last checked by the admin."""

    __tablename__ = "licensed_lenders"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Platform or brand name people know, e.g. "Kredivo".
    name: Mapped[str] = mapped_column(sa.String(NAME_MAX))
    #: Legal entity holding the licence, e.g. "PT FinAccel Digital Indonesia".
    company: Mapped[str] = mapped_column(sa.String(COMPANY_MAX), default="")
    licence_number: Mapped[str] = mapped_column(sa.String(LICENCE_MAX), default="")
    status: Mapped[LenderStatus] = mapped_column(
        str_enum(LenderStatus, "lender_status"), default=LenderStatus.BERIZIN
    )
    #: The day this entry was last confirmed against OJK's published list.
    checked_on: Mapped[date]
    #: :func:`lender_key` of the name; unique, so imports update instead of duplicating.
    name_key: Mapped[str] = mapped_column(sa.String(NAME_MAX), unique=True, index=True)
    #: :func:`lender_key` of the company ("" when unknown); one company may run several brands.
    company_key: Mapped[str] = mapped_column(sa.String(COMPANY_MAX), index=True, default="")

    def __repr__(self) -> str:
        return f"<LicensedLender {self.id} {self.name!r}>"

    @validates("name")
    def _keep_name_key(self, _key: str, value: str) -> str:
        self.name_key = lender_key(value)
        return value

    @validates("company")
    def _keep_company_key(self, _key: str, value: str | None) -> str:
        value = value or ""
        self.company_key = lender_key(value)
        return value


def registry_checked_on(session: Session) -> date | None:
    """Return the latest day the registry was checked against OJK's list (None when empty)."""
    return session.scalar(sa.select(sa.func.max(LicensedLender.checked_on)))


def is_stale(
    checked_on: date | None, on: date | None = None, max_age_days: int = STALE_AFTER_DAYS
) -> bool:
    """Tell whether a registry last checked on ``checked_on`` is too old to trust blindly."""
    if checked_on is None:
        return True
    return ((on or today()) - checked_on).days > max_age_days


def max_age_days(session: Session) -> int:
    """The configured age after which the registry is out of date."""
    from harkat.settings.services import get_number

    return int(get_number(session, "screening.registry_max_age_days"))


@dataclass(frozen=True)
class RegistryState:
    """Whether the registry can tell licensed from unlicensed lenders today, and if not why."""

    checked_on: date | None
    max_age_days: int
    on: date

    @property
    def is_empty(self) -> bool:
        return self.checked_on is None

    @property
    def is_stale(self) -> bool:
        return is_stale(self.checked_on, self.on, self.max_age_days)

    @property
    def is_usable(self) -> bool:
        return not self.is_stale

    @property
    def age_days(self) -> int | None:
        return None if self.checked_on is None else (self.on - self.checked_on).days

    @property
    def unknown_reason(self) -> str | None:
        """Why an unlisted lender's licence is unknown (None when the registry is current)."""
        from harkat.core.dates import days_ago, format_date

        if self.is_empty:
            return (
                "daftar pinjaman daring berizin OJK di HARKAT masih kosong, sehingga nama ini "
                "belum dapat dicocokkan"
            )
        if self.is_stale:
            return (
                "daftar pinjaman daring berizin OJK di HARKAT terakhir diperiksa "
                f"{format_date(self.checked_on)} ({days_ago(self.age_days)}, lebih dari "
                f"{self.max_age_days} hari), sehingga tidak dapat dipastikan pemberi pinjaman ini "
                "tidak berizin"
            )
        return None


def registry_state(session: Session, on: date | None = None) -> RegistryState:
    """Read when the registry was last checked and how old it may be."""
    return RegistryState(registry_checked_on(session), max_age_days(session), on or today())


def search_lenders(q: str = "", status: str = "") -> sa.Select:
    """Build the admin list query: text in name, company or licence number, and a status."""
    query = sa.select(LicensedLender).order_by(LicensedLender.name_key, LicensedLender.id)
    q = " ".join((q or "").split())
    if q:
        key = lender_key(q)
        conditions = [
            sa.func.lower(LicensedLender.licence_number).contains(q.casefold(), autoescape=True)
        ]
        if key:
            conditions += [
                LicensedLender.name_key.contains(key),
                LicensedLender.company_key.contains(key),
            ]
        query = query.where(sa.or_(*conditions))
    if status in {s.value for s in LenderStatus}:
        query = query.where(LicensedLender.status == LenderStatus(status))
    return query


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class LenderMatch:
    """The answer for one typed lender name.

    ``status`` is ``licensed`` or ``revoked`` only when ``lender`` is the same lender (same key,
    or a near-miss scoring at least :data:`MATCH_SCORE`). A registry entry with status "Lainnya"
    is no licence: such a match is ``unknown`` with ``lender`` set. ``suggestion`` names the
    closest entry when the name was not matched but looks like one.
    """

    typed: str
    status: MatchStatus
    lender: LicensedLender | None = None
    #: 0 to 100: 100 for the same key, the similarity of the keys otherwise.
    score: int = 0
    suggestion: str | None = None
    #: When the registry was last checked against OJK's list (None: the registry is empty).
    checked_on: date | None = None

    @property
    def is_licensed(self) -> bool:
        return self.status == MatchStatus.LICENSED

    @property
    def is_revoked(self) -> bool:
        return self.status == MatchStatus.REVOKED

    @property
    def is_likely_illegal(self) -> bool:
        """Unknown or revoked: borrowing from it now is borrowing from an unlicensed lender."""
        return self.status != MatchStatus.LICENSED

    @property
    def is_exact(self) -> bool:
        return self.lender is not None and self.score == 100

    @property
    def registry_is_empty(self) -> bool:
        return self.checked_on is None

    @property
    def message(self) -> str:
        """One sentence in plain Indonesian for the facilitator and the entrepreneur."""
        lender = self.lender
        if self.status == MatchStatus.LICENSED and lender is not None:
            company = f" ({lender.company})" if lender.company else ""
            return f"{lender.name}{company} terdaftar dan berizin OJK."
        if self.status == MatchStatus.REVOKED and lender is not None:
            return (
                f"Izin {lender.name} sudah dicabut OJK: pinjaman baru darinya tidak lagi diawasi "
                "OJK."
            )
        if lender is not None:
            return (
                f"{lender.name} tercatat dengan status {lender.status.label}, bukan izin aktif "
                "OJK: anggap kemungkinan ilegal sampai dipastikan."
            )
        if self.registry_is_empty:
            return "Daftar pemberi pinjaman berizin masih kosong; nama ini belum dapat dicek."
        text = "Nama ini tidak ada di daftar pemberi pinjaman berizin OJK: kemungkinan ilegal."
        if self.suggestion:
            text += f" Mungkin maksud Anda: {self.suggestion}?"
        return text


def _preference(lender: LicensedLender) -> tuple[int, str]:
    """Order entries sharing a key: licensed first, then by name."""
    order = {LenderStatus.BERIZIN: 0, LenderStatus.LAINNYA: 1, LenderStatus.DICABUT: 2}
    return order.get(lender.status, 3), lender.name_key


class LenderIndex:
    """The registry in memory, built with one query and reused for many look-ups.

    Build one per request or per import (``LenderIndex.load(session)``) and call :meth:`match`
    for each name; answers are cached per key, so thousands of debts cost little.
    """

    def __init__(self, lenders: Iterable[LicensedLender]):
        lenders = sorted(lenders, key=_preference)
        self._by_name: dict[str, LicensedLender] = {}
        self._by_company: dict[str, LicensedLender] = {}
        for lender in lenders:
            self._by_name.setdefault(lender.name_key, lender)
        for lender in lenders:
            if lender.company_key:
                self._by_company.setdefault(lender.company_key, lender)
        # Candidates for near-misses: every name key, then company keys not already a name.
        candidates = dict(self._by_name)
        for key, lender in self._by_company.items():
            candidates.setdefault(key, lender)
        self._keys = list(candidates)
        self._owners = list(candidates.values())
        self.size = len(self._by_name)
        self.checked_on = max((lender.checked_on for lender in lenders), default=None)
        self._cache: dict[str, LenderMatch] = {}

    @classmethod
    def load(cls, session: Session) -> LenderIndex:
        """Read the whole registry (a few hundred rows) in one query."""
        return cls(session.scalars(sa.select(LicensedLender)).all())

    def __len__(self) -> int:
        return self.size

    def match(self, typed: str | None) -> LenderMatch:
        """Match a typed lender name against the registry."""
        text = " ".join(str(typed or "").split())
        key = lender_key(text)
        found = self._cache.get(key)
        if found is None:
            found = self._match_key(key)
            self._cache[key] = found
        return found if found.typed == text else replace(found, typed=text)

    def _result(
        self, key: str, lender: LicensedLender | None, score: int, suggestion: str | None = None
    ) -> LenderMatch:
        if lender is None:
            status = MatchStatus.UNKNOWN
        elif lender.status == LenderStatus.BERIZIN:
            status = MatchStatus.LICENSED
        elif lender.status == LenderStatus.DICABUT:
            status = MatchStatus.REVOKED
        else:
            status = MatchStatus.UNKNOWN
        return LenderMatch(key, status, lender, score, suggestion, self.checked_on)

    def _match_key(self, key: str) -> LenderMatch:
        if not key or not self._keys:
            return self._result(key, None, 0)
        lender = self._by_name.get(key) or self._by_company.get(key)
        if lender is not None:
            return self._result(key, lender, 100)
        # Levenshtein counts a changed letter as one edit, so "kredivoo" is 87.5 similar to
        # "kredivo" (a suggestion); an indel ratio would call it 93 and let a look-alike through.
        best = process.extractOne(key, self._keys, scorer=Levenshtein.normalized_similarity)
        similarity = best[1] * 100 if best else 0.0
        lender = self._owners[best[2]] if best else None
        if lender is not None and similarity >= MATCH_SCORE:
            return self._result(key, lender, int(similarity))
        if lender is not None and similarity >= SUGGEST_SCORE:
            return self._result(key, None, int(similarity), lender.name)
        contained = self._contained(key)
        if contained is not None:
            return self._result(key, None, SUGGEST_SCORE, contained.name)
        return self._result(key, None, int(similarity))

    def _contained(self, key: str) -> LicensedLender | None:
        """A registry key inside the typed one ("kredivoplus"), or the reverse ("kreditpin")."""
        if len(key) < CONTAINED_MIN_LENGTH:
            return None
        best: tuple[int, LicensedLender] | None = None
        for candidate, lender in zip(self._keys, self._owners, strict=True):
            if len(candidate) < CONTAINED_MIN_LENGTH:
                continue
            if candidate in key or key in candidate:
                gap = abs(len(candidate) - len(key))
                if best is None or gap < best[0]:
                    best = (gap, lender)
        return best[1] if best else None


def match_lender(session: Session, typed_name: str | None) -> LenderMatch:
    """Match one typed lender name; for many names build a :class:`LenderIndex` once instead."""
    return LenderIndex.load(session).match(typed_name)


# --------------------------------------------------------------------------- editing


@dataclass
class LenderData:
    name: str
    company: str = ""
    licence_number: str = ""
    status: LenderStatus = LenderStatus.BERIZIN
    checked_on: date | None = None


def _require_admin(actor: User) -> None:
    if actor is None or actor.role != Role.ADMIN:
        raise StopValidation(
            {None: ["Hanya admin yang dapat mengubah daftar pemberi pinjaman berizin."]}
        )


def _tidy(text: str | None) -> str:
    return " ".join((text or "").split())


def lender_problems(data: LenderData, *, on: date | None = None) -> list[ValidationError]:
    """Return what is wrong with one registry entry, field by field."""
    errors = []
    name = _tidy(data.name)
    if not name:
        errors.append(ValidationError("name", "Nama platform wajib diisi."))
    elif not lender_key(name):
        errors.append(ValidationError("name", "Nama platform harus memuat huruf atau angka."))
    elif len(name) > NAME_MAX:
        errors.append(ValidationError("name", f"Nama platform maksimal {NAME_MAX} karakter."))
    if len(_tidy(data.company)) > COMPANY_MAX:
        errors.append(
            ValidationError("company", f"Nama perusahaan maksimal {COMPANY_MAX} karakter.")
        )
    if len(_tidy(data.licence_number)) > LICENCE_MAX:
        errors.append(
            ValidationError("licence_number", f"Nomor izin maksimal {LICENCE_MAX} karakter.")
        )
    if data.checked_on is None:
        errors.append(ValidationError("checked_on", "Tanggal cek daftar OJK wajib diisi."))
    elif data.checked_on > (on or today()):
        errors.append(
            ValidationError("checked_on", "Tanggal cek tidak boleh di masa yang akan datang.")
        )
    return errors


def save_lender(
    session: Session, data: LenderData, actor: User, lender: LicensedLender | None = None
) -> LicensedLender:
    """Add a registry entry, or change one; two entries never share a name key."""
    _require_admin(actor)
    errors = lender_problems(data)
    key = lender_key(data.name)
    if key:
        taken = session.scalar(sa.select(LicensedLender).where(LicensedLender.name_key == key))
        if taken is not None and (lender is None or taken.id != lender.id):
            errors.append(
                ValidationError("name", f"Nama ini sudah ada di daftar sebagai {taken.name}.")
            )
    if errors:
        raise StopValidation.from_errors(errors)
    if lender is None:
        lender = LicensedLender()
        session.add(lender)
    lender.name = _tidy(data.name)
    lender.company = _tidy(data.company)
    lender.licence_number = _tidy(data.licence_number)
    lender.status = data.status
    lender.checked_on = data.checked_on
    session.flush()
    return lender


# --------------------------------------------------------------------------- CSV import

#: The columns of a registry file: field key and the header of the sample file.
COLUMNS: list[tuple[str, str]] = [
    ("name", "Nama Platform"),
    ("company", "Nama Perusahaan"),
    ("licence_number", "Nomor Izin"),
    ("status", "Status"),
    ("checked_on", "Tanggal Cek"),
]
COLUMN_LABELS: dict[str, str] = dict(COLUMNS)
_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "nama", "namaplatform", "namaaplikasi", "platform", "aplikasi", "namabrand", "brand",
        "merek", "namamerek", "name", "lender", "namapindar", "namapinjol",
    ),
    "company": (
        "namaperusahaan", "perusahaan", "company", "namapenyelenggara", "penyelenggara",
        "badanhukum", "namabadanhukum",
    ),
    "licence_number": (
        "nomorizin", "noizin", "nomorsuratizin", "nosuratizin", "izin", "nomorkep", "nokep",
        "licencenumber", "licensenumber", "licence", "license",
    ),
    "status": ("status", "statusizin", "statusperizinan"),
    "checked_on": (
        "tanggalcek", "tglcek", "diperiksa", "tanggaldiperiksa", "tgldiperiksa",
        "tanggalpemeriksaan", "dicekpada", "checkedon", "checked",
    ),
}  # fmt: skip
_HEADER_INDEX = {alias: key for key, aliases in _HEADER_ALIASES.items() for alias in aliases}
_STATUS_ALIASES = {
    **dict.fromkeys(
        ("berizin", "izin", "licensed", "aktif", "berizinojk", "terdaftardanberizin"),
        LenderStatus.BERIZIN,
    ),
    **dict.fromkeys(
        ("dicabut", "izindicabut", "pencabutanizin", "revoked", "cabut", "dicabutizinnya"),
        LenderStatus.DICABUT,
    ),
    **dict.fromkeys(("lainnya", "lain", "terdaftar", "other"), LenderStatus.LAINNYA),
}
#: Rows above the header that may hold a title or notes.
HEADER_SEARCH_ROWS = 10
_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def parse_status(value: Any) -> LenderStatus:
    """Read a status cell; an empty cell is "Berizin" (OJK's list is a list of licences)."""
    text = cell_text(value)
    if text is None:
        return LenderStatus.BERIZIN
    status = _STATUS_ALIASES.get(header_key(text))
    if status is None:
        accepted = ", ".join(status.label for status in LenderStatus)
        raise ValueError(f"Status '{text}' tidak dikenal; isi salah satu: {accepted}.")
    return status


@dataclass
class RegistryTable:
    """The raw cells of a registry file: one ``{field: text}`` per data row."""

    rows: list[tuple[int, dict[str, str | None]]]
    #: The header each field had in the file, to name columns in messages.
    headers: dict[str, str]
    ignored_columns: list[str] = field(default_factory=list)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the ANSI code page.
        return data.decode("cp1252", errors="replace")


def _header_position(rows: Sequence[Sequence[str]]) -> tuple[int | None, int]:
    best, best_score = None, 0
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        fields = {_HEADER_INDEX.get(header_key(cell)) for cell in row} - {None}
        score = len(fields) if "name" in fields else 0
        if score > best_score:
            best, best_score = index, score
    return best, best_score


def _max_rows(session: Session) -> int:
    from harkat.settings.services import get_number

    return int(get_number(session, "import.max_rows"))


def read_registry_csv(
    data: bytes, filename: str = "", max_rows: int = DEFAULT_MAX_ROWS
) -> RegistryTable:
    """Read a registry CSV (``;``, ``,`` or tab separated; UTF-8 with or without BOM).

    The header row may sit below a title; headers are recognised in Indonesian and English
    whatever their case, spacing and punctuation; fully empty rows are skipped.

    :raise ValueError: with an Indonesian message when the file cannot be read at all.
    """
    name = (filename or "").lower()
    if name.endswith((".xlsx", ".xls", ".ods")) or data[:4] in (_XLSX_MAGIC, _OLE_MAGIC):
        raise ValueError(
            "Berkas spreadsheet tidak didukung di sini: buka di Excel, pilih Simpan Sebagai "
            "CSV, lalu unggah berkas .csv itu."
        )
    if not data.strip():
        raise ValueError("Berkas kosong.")
    text = _decode(data)
    if "\x00" in text:
        raise ValueError("Berkas ini bukan berkas teks CSV.")
    check_text_rows(text, max_rows, allowance=HEADER_SEARCH_ROWS)
    best: tuple[int, int] = (-1, 0)
    delimiter = ","
    for candidate in (";", ",", "\t"):
        head = list(islice(csv.reader(io.StringIO(text, newline=""), delimiter=candidate), 30))
        position, score = _header_position(head)
        width = len(head[position]) if position is not None else 0
        if (score, width) > best:
            best, delimiter = (score, width), candidate
    try:
        rows = capped_rows(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter),
            max_rows,
            HEADER_SEARCH_ROWS,
        )
    except csv.Error as error:
        raise ValueError(f"Berkas CSV tidak dapat dibaca: {error}.") from error
    position, _ = _header_position(rows)
    if position is None:
        expected = ", ".join(f'"{label}"' for _, label in COLUMNS)
        raise ValueError(
            "Baris judul kolom tidak ditemukan. Berkas harus punya judul kolom, paling tidak "
            f'"Nama Platform" (atau "Nama Aplikasi"); kolom yang dikenal: {expected}.'
        )
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    ignored: list[str] = []
    for index, cell in enumerate(rows[position]):
        key = _HEADER_INDEX.get(header_key(cell))
        if key is None or key in columns:
            if cell.strip():
                ignored.append(cell.strip())
            continue
        columns[key] = index
        headers[key] = cell.strip()
    records = []
    for number, row in enumerate(rows[position + 1 :], start=position + 2):
        values = {
            key: cell_text(row[index]) if index < len(row) else None
            for key, index in columns.items()
        }
        if all(is_blank(value) for value in values.values()):
            continue
        records.append((number, values))
    if not records:
        raise ValueError("Tidak ada baris data di bawah judul kolom.")
    return RegistryTable(records, headers, ignored)


CREATE = "create"
UPDATE = "update"
RECHECK = "recheck"
UNCHANGED = "unchanged"
ERROR = "error"
ACTION_LABELS = {
    CREATE: "Baru",
    UPDATE: "Diubah",
    RECHECK: "Diperiksa ulang",
    UNCHANGED: "Sama",
    ERROR: "Salah",
}
_FIELD_LABELS = {
    "company": "perusahaan",
    "licence_number": "nomor izin",
    "status": "status",
    "checked_on": "tanggal cek",
}


@dataclass
class RegistryRow:
    """One data row of an import and what it does (or would do) to the registry."""

    row_number: int
    name: str = ""
    company: str = ""
    licence_number: str = ""
    status: LenderStatus | None = None
    checked_on: date | None = None
    action: str = CREATE
    #: ``(column header, reason)`` for every problem of the row.
    errors: list[tuple[str, str]] = field(default_factory=list)
    #: Fields an update changes, in Indonesian.
    changes: list[str] = field(default_factory=list)
    lender_id: int | None = None

    @property
    def action_label(self) -> str:
        return ACTION_LABELS[self.action]


@dataclass
class RegistryImportResult:
    filename: str
    dry_run: bool
    rows: list[RegistryRow] = field(default_factory=list)
    #: Entries in the registry the file does not list: kept, but worth a look.
    missing: list[LicensedLender] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self) -> int:
        return self.count(CREATE)

    @property
    def updated(self) -> int:
        return self.count(UPDATE)

    @property
    def rechecked(self) -> int:
        return self.count(RECHECK)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)

    @property
    def failed(self) -> int:
        return self.count(ERROR)

    @property
    def errors(self) -> list[tuple[int, str, str]]:
        """Every ``(row number, column, reason)``."""
        return [
            (row.row_number, column, reason) for row in self.rows for column, reason in row.errors
        ]

    @property
    def storable(self) -> int:
        return len(self.rows) - self.failed


def _read_row(
    number: int,
    values: dict[str, str | None],
    headers: dict[str, str],
    default_checked_on: date | None,
    on: date,
) -> RegistryRow:
    def column(key: str) -> str:
        return headers.get(key) or COLUMN_LABELS[key]

    row = RegistryRow(
        number,
        name=_tidy(values.get("name")),
        company=_tidy(values.get("company")),
        licence_number=_tidy(values.get("licence_number")),
    )
    errors: list[ValidationError] = []
    try:
        row.status = parse_status(values.get("status"))
    except ValueError as error:
        errors.append(ValidationError("status", str(error)))
    try:
        row.checked_on = parse_date(values.get("checked_on")) or default_checked_on
    except ValueError as error:
        errors.append(ValidationError("checked_on", str(error)))
    else:
        if row.checked_on is None:
            errors.append(
                ValidationError(
                    "checked_on",
                    "Tanggal cek kosong: isi kolom ini, atau isi tanggal cek di formulir impor.",
                )
            )
    data = LenderData(row.name, row.company, row.licence_number, checked_on=row.checked_on or on)
    errors = [*lender_problems(data, on=on), *errors]
    if errors:
        row.action = ERROR
        row.errors = [(column(error.field or "name"), error.reason) for error in errors]
    return row


def _changes(lender: LicensedLender, row: RegistryRow) -> list[str]:
    """Fields the row would change; blank company and licence cells keep what is stored.

    The stored name stays: a file's "PT. KREDIVO" is the same key as "Kredivo", and OJK's
    capitals should not undo the spelling an admin chose (the edit page changes it).
    """
    wanted = {
        "company": row.company or lender.company,
        "licence_number": row.licence_number or lender.licence_number,
        "status": row.status,
    }
    return [_FIELD_LABELS[key] for key, value in wanted.items() if getattr(lender, key) != value]


def import_registry(
    session: Session,
    data: bytes,
    filename: str,
    actor: User,
    *,
    checked_on_default: date | None = None,
    dry_run: bool = False,
) -> RegistryImportResult:
    """Add and update registry entries from a CSV file, matching rows on the name key.

    Entries the file does not list are kept and reported in ``missing``. Rows with problems are
    reported with their row number and column, and skipped; the others are stored. With
    ``dry_run`` nothing is written: the result says what would happen.

    :param checked_on_default: the check date of rows whose "Tanggal Cek" cell is empty.
    :raise StopValidation: on ``file`` when the file cannot be read at all (nothing stored).
    """
    _require_admin(actor)
    try:
        table = read_registry_csv(data, filename, _max_rows(session))
    except ValueError as error:
        raise StopValidation({"file": [str(error)]}) from error
    on = today()
    result = RegistryImportResult(filename, dry_run, ignored_columns=table.ignored_columns)
    existing = {lender.name_key: lender for lender in session.scalars(sa.select(LicensedLender))}
    seen: dict[str, int] = {}
    for number, values in table.rows:
        row = _read_row(number, values, table.headers, checked_on_default, on)
        result.rows.append(row)
        key = lender_key(row.name)
        if not key:
            continue
        if key in seen:
            if row.action != ERROR:
                row.action = ERROR
                row.errors.append(
                    (
                        table.headers.get("name", COLUMN_LABELS["name"]),
                        f"Nama ini sudah ada di baris {seen[key]}; baris ini dilewati.",
                    )
                )
            continue
        seen[key] = number
        if row.action == ERROR:
            continue
        lender = existing.get(key)
        if lender is None:
            continue
        row.lender_id = lender.id
        row.changes = _changes(lender, row)
        if row.changes:
            row.action = UPDATE
        elif lender.checked_on != row.checked_on:
            row.action = RECHECK
        else:
            row.action = UNCHANGED
    result.missing = sorted(
        (lender for key, lender in existing.items() if key not in seen),
        key=lambda lender: lender.name_key,
    )
    if dry_run:
        return result

    for row in result.rows:
        if row.action == CREATE:
            lender = LicensedLender(
                name=row.name,
                company=row.company,
                licence_number=row.licence_number,
                status=row.status,
                checked_on=row.checked_on,
            )
            session.add(lender)
            existing[lender.name_key] = lender
        elif row.action in (UPDATE, RECHECK):
            lender = existing[lender_key(row.name)]
            lender.company = row.company or lender.company
            lender.licence_number = row.licence_number or lender.licence_number
            lender.status = row.status
            lender.checked_on = row.checked_on
    session.flush()
    for row in result.rows:
        if row.action == CREATE:
            row.lender_id = existing[lender_key(row.name)].id
    record(
        session,
        "import",
        entity_type="licensed_lenders",
        changes={
            "file": filename,
            "rows": len(result.rows),
            "created": result.created,
            "updated": result.updated,
            "rechecked": result.rechecked,
            "unchanged": result.unchanged,
            "failed": result.failed,
            "missing": [lender.name for lender in result.missing],
            "checked_on_default": checked_on_default,
        },
        actor=Actor(actor.id, actor.username),
    )
    return result


def sample_csv() -> bytes:
    """A registry file to start from: the headers, two sample rows, UTF-8 with BOM for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([label for _, label in COLUMNS])
    writer.writerow(["Kredivo", "PT FinAccel Digital Indonesia", "KEP-12/D.05/2020", "Berizin", ""])
    writer.writerow(
        ["Investree", "PT Investree Radhika Jaya", "KEP-45/D.05/2019", "Izin dicabut", ""]
    )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --------------------------------------------------------------------------- demo data

# SAMPLE DATA for development and demos only: real brand and company names, but made-up licence
# numbers and statuses as of no particular date. Production uses OJK's published list.
_OK, _REVOKED = LenderStatus.BERIZIN, LenderStatus.DICABUT
DEMO_REGISTRY: list[tuple[str, str, str, LenderStatus]] = [
    ("Kredivo", "PT FinAccel Digital Indonesia", "KEP-12/D.05/2020", _OK),
    ("Asetku", "PT Pintar Inovasi Digital", "KEP-31/D.05/2019", _OK),
    ("KreditPintar", "PT Kredit Pintar Indonesia", "KEP-47/D.05/2019", _OK),
    ("AdaKami", "PT Pembiayaan Digital Indonesia", "KEP-88/D.05/2021", _OK),
    ("EasyCash", "PT Indonesia Fintopia Technology", "KEP-54/D.05/2020", _OK),
    ("Danamas", "PT Pasar Dana Pinjaman", "KEP-03/D.05/2018", _OK),
    ("Modalku", "PT Mitrausaha Indonesia Grup", "KEP-21/D.05/2018", _OK),
    ("Amartha", "PT Amartha Mikro Fintek", "KEP-09/D.05/2019", _OK),
    ("KoinWorks", "PT Lunaria Annua Teknologi", "KEP-16/D.05/2018", _OK),
    ("Julo", "PT Julo Teknologi Finansial", "KEP-63/D.05/2020", _OK),
    ("Rupiah Cepat", "PT Kredit Utama Fintech Indonesia", "KEP-75/D.05/2019", _OK),
    ("UangMe", "PT Uangme Fintech Indonesia", "KEP-92/D.05/2021", _OK),
    ("Indodana", "PT Artha Dana Teknologi Indonesia", "KEP-38/D.05/2020", _OK),
    ("Akseleran", "PT Akseleran Keuangan Inklusif Indonesia", "KEP-27/D.05/2019", _OK),
    ("Investree", "PT Investree Radhika Jaya", "KEP-45/D.05/2019", _REVOKED),
    ("TaniFund", "PT Tani Fund Madani Indonesia", "KEP-59/D.05/2020", _REVOKED),
]


def seed_demo_registry(session: Session, checked_on: date | None = None) -> int:
    """Add the sample registry entries that are missing; return how many were added.

    Entries already present (by name key) are left as they are, so running it again changes
    nothing and an admin's edits survive.
    """
    checked_on = checked_on or today()
    present = set(session.scalars(sa.select(LicensedLender.name_key)))
    added = 0
    for name, company, licence_number, status in DEMO_REGISTRY:
        if lender_key(name) in present:
            continue
        session.add(
            LicensedLender(
                name=name,
                company=company,
                licence_number=licence_number,
                status=status,
                checked_on=checked_on,
            )
        )
        added += 1
    session.flush()
    return added
