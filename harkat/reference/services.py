"""Loading and looking up reference data."""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from importlib import resources

import sqlalchemy as sa
from sqlalchemy.orm import Session

from harkat.core.enums import ApplicantType, LoanMethod
from harkat.core.regions import place_key
from harkat.errors import StopValidation, ValidationError
from harkat.reference import seeds
from harkat.reference.models import (
    Bank,
    Course,
    Kecamatan,
    Kelurahan,
    LenderCategory,
    PlaceAlias,
    Scheme,
)


@dataclass
class SeedResult:
    kecamatan: int = 0
    kelurahan: int = 0
    aliases: int = 0
    banks: int = 0
    schemes: int = 0
    courses: int = 0
    lender_categories: int = 0
    rejection_reasons: int = 0


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("harkat.reference").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def seed_reference(session: Session) -> SeedResult:
    """Insert or update the reference rows; running it again changes nothing.

    :return: how many rows of each kind were inserted.
    """
    result = SeedResult()
    kecamatan = {k.code: k for k in session.scalars(sa.select(Kecamatan))}
    kelurahan = {k.code: k for k in session.scalars(sa.select(Kelurahan))}
    for row in _read_csv("kota_jambi_wilayah.csv"):
        kec_code = row["code"][:8]
        if kec_code not in kecamatan:
            kecamatan[kec_code] = Kecamatan(code=kec_code, name=row["kecamatan"])
            session.add(kecamatan[kec_code])
            result.kecamatan += 1
        else:
            kecamatan[kec_code].name = row["kecamatan"]
        if row["code"] not in kelurahan:
            kelurahan[row["code"]] = Kelurahan(
                code=row["code"], name=row["kelurahan"], kecamatan_code=kec_code
            )
            session.add(kelurahan[row["code"]])
            result.kelurahan += 1
        else:
            kelurahan[row["code"]].name = row["kelurahan"]
    session.flush()

    known_keys = {
        (level, key) for level, key in session.execute(sa.select(PlaceAlias.level, PlaceAlias.key))
    }
    names = [(code, k.name) for code, k in kecamatan.items()]
    names += [(code, k.name) for code, k in kelurahan.items()]
    names += [(row["code"], row["alias"]) for row in _read_csv("aliases.csv")]
    for code, alias in names:
        level = _level_of(code)
        key = place_key(alias)
        if (level, key) in known_keys:
            continue
        known_keys.add((level, key))
        session.add(PlaceAlias(level=level, code=code, alias=alias, key=key))
        result.aliases += 1

    bank_codes = set(session.scalars(sa.select(Bank.code)))
    for code, name in seeds.BANKS:
        if code not in bank_codes:
            session.add(Bank(code=code, name=name, is_sharia=code in seeds.SHARIA_BANKS))
            result.banks += 1

    scheme_codes = set(session.scalars(sa.select(Scheme.code)))
    for values in seeds.SCHEMES:
        if values["code"] not in scheme_codes:
            session.add(Scheme(**values))
            result.schemes += 1

    course_codes = set(session.scalars(sa.select(Course.code)))
    for code, title, theme, hours in seeds.COURSES:
        if code not in course_codes:
            session.add(Course(code=code, title=title, theme=theme, hours=hours))
            result.courses += 1

    categories = {c.code: c for c in session.scalars(sa.select(LenderCategory))}
    for order, (code, label, is_formal, is_online, is_high_cost) in enumerate(
        seeds.LENDER_CATEGORIES
    ):
        category = categories.get(code)
        if category is None:
            category = LenderCategory(code=code)
            session.add(category)
            result.lender_categories += 1
        category.label = label
        category.is_formal = is_formal
        category.is_online = is_online
        category.is_high_cost = is_high_cost
        category.sort_order = order

    from harkat.referrals.models import RejectionReason

    reason_codes = set(session.scalars(sa.select(RejectionReason.code)))
    for order, (code, label) in enumerate(seeds.REJECTION_REASONS):
        if code not in reason_codes:
            session.add(RejectionReason(code=code, label=label, sort_order=order))
            result.rejection_reasons += 1
    session.flush()
    return result


def _level_of(code: str) -> str:
    return "kecamatan" if len(code) == len("15.71.01") else "kelurahan"


def find_place_code(session: Session, name: str, level: str = "kelurahan") -> str | None:
    """Return the code of the kecamatan or kelurahan a typed name means, or None.

    :param level: ``kelurahan`` or ``kecamatan``.
    """
    key = place_key(name)
    if not key:
        return None
    return session.scalar(
        sa.select(PlaceAlias.code).where(PlaceAlias.level == level, PlaceAlias.key == key)
    )


def kecamatan_choices(session: Session) -> list[tuple[str, str]]:
    """Return ``(code, name)`` of every kecamatan, ordered by code."""
    rows = session.execute(sa.select(Kecamatan.code, Kecamatan.name).order_by(Kecamatan.code))
    return [(code, name) for code, name in rows]


def bank_choices(session: Session, *, active_only: bool = True) -> list[tuple[int, str]]:
    """Return ``(id, name)`` of partner banks, ordered by name."""
    query = sa.select(Bank.id, Bank.name).order_by(Bank.name)
    if active_only:
        query = query.where(Bank.is_active)
    return [(bank_id, name) for bank_id, name in session.execute(query)]


@dataclass
class BankData:
    code: str
    name: str
    is_active: bool = True
    is_sharia: bool = False


def save_bank(session: Session, data: BankData, bank: Bank | None = None) -> Bank:
    """Create a partner bank, or change one; codes stay unique."""
    code = data.code.strip().upper()
    taken = session.scalar(sa.select(Bank.id).where(Bank.code == code))
    if taken is not None and (bank is None or taken != bank.id):
        raise StopValidation({"code": [f"Kode bank '{code}' sudah dipakai."]})
    if not data.name.strip():
        raise StopValidation({"name": ["Nama bank wajib diisi."]})
    if bank is None:
        bank = Bank(
            code=code, name=data.name.strip(), is_active=data.is_active, is_sharia=data.is_sharia
        )
        session.add(bank)
    else:
        bank.code, bank.name, bank.is_active = code, data.name.strip(), data.is_active
        bank.is_sharia = data.is_sharia
    session.flush()
    return bank


@dataclass
class SchemeData:
    code: str
    name: str
    annual_rate_percent: Decimal
    method: LoanMethod
    applicant_type: ApplicantType
    min_amount_per_member: int
    max_amount_per_member: int
    max_amount_per_group: int | None
    min_tenor_months: int
    max_tenor_months: int
    active_from: date | None = None
    active_until: date | None = None
    is_active: bool = True


def scheme_problems(data: SchemeData) -> list[ValidationError]:
    """Return what is inconsistent in a scheme's limits."""
    errors = []
    if not Decimal(0) <= data.annual_rate_percent <= Decimal(100):
        errors.append(ValidationError("annual_rate_percent", "Bunga harus antara 0% dan 100%."))
    if data.min_amount_per_member > data.max_amount_per_member:
        errors.append(
            ValidationError(
                "max_amount_per_member", "Plafon maksimal per anggota lebih kecil dari minimalnya."
            )
        )
    if data.applicant_type == ApplicantType.GROUP:
        if data.max_amount_per_group is None:
            errors.append(
                ValidationError("max_amount_per_group", "Skema kelompok perlu plafon per kelompok.")
            )
        elif data.max_amount_per_group < data.max_amount_per_member:
            errors.append(
                ValidationError(
                    "max_amount_per_group",
                    "Plafon per kelompok lebih kecil dari plafon per anggota.",
                )
            )
    elif data.max_amount_per_group is not None:
        errors.append(
            ValidationError(
                "max_amount_per_group", "Skema perorangan tidak memakai plafon kelompok."
            )
        )
    if data.min_tenor_months > data.max_tenor_months:
        errors.append(
            ValidationError("max_tenor_months", "Tenor maksimal lebih pendek dari tenor minimal.")
        )
    if data.active_from and data.active_until and data.active_from > data.active_until:
        errors.append(
            ValidationError("active_until", "Tanggal akhir berlaku sebelum tanggal mulai.")
        )
    return errors


def save_scheme(session: Session, data: SchemeData, scheme: Scheme | None = None) -> Scheme:
    """Create or change a financing scheme after checking its limits are consistent."""
    code = data.code.strip().upper()
    errors = scheme_problems(data)
    taken = session.scalar(sa.select(Scheme.id).where(Scheme.code == code))
    if taken is not None and (scheme is None or taken != scheme.id):
        errors.append(ValidationError("code", f"Kode skema '{code}' sudah dipakai."))
    if errors:
        raise StopValidation.from_errors(errors)
    if scheme is None:
        scheme = Scheme()
        session.add(scheme)
    for name, value in asdict(data).items():
        setattr(scheme, name, value)
    scheme.code = code
    scheme.name = data.name.strip()
    session.flush()
    return scheme
