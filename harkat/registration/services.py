"""Use-cases of registration: entrepreneurs, businesses, groups and consent.

Services take a session and an explicit actor, flush, and never commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.auth.scope import can_edit_cases, kecamatan_scope
from harkat.cases.domain import EntrepreneurStatus, JourneyStage
from harkat.cases.services import add_event
from harkat.core.dates import JAKARTA
from harkat.core.enums import ConsentPurpose
from harkat.core.nik import Gender, NikError, nik_warnings, parse_nik
from harkat.core.phone import PhoneError, normalise_phone, phone_search_key
from harkat.core.text import clean_text, name_problem, single_line, text_problem, too_long
from harkat.errors import NotFound, StopValidation, ValidationError
from harkat.reference.models import Kecamatan, Kelurahan
from harkat.registration.domain import (
    CONSENT_TEXT_VERSION,
    BusinessScale,
    Education,
    GroupStatus,
    MaritalStatus,
    Sector,
    format_registration_number,
)
from harkat.registration.models import (
    Business,
    Consent,
    Entrepreneur,
    Group,
    GroupMembership,
    RegistrationCounter,
)
from harkat.versioning import check_version

# --------------------------------------------------------------------------- scope


def get_entrepreneur(session: Session, entrepreneur_id: int, user: User) -> Entrepreneur:
    """Return the entrepreneur if it exists and is within the user's scope.

    :raise NotFound: otherwise, without saying which.
    """
    entrepreneur = session.scalar(
        sa.select(Entrepreneur).where(
            Entrepreneur.id == entrepreneur_id,
            kecamatan_scope(user, Entrepreneur.kecamatan_code),
        )
    )
    if entrepreneur is None:
        raise NotFound("Data pelaku usaha tidak ditemukan.")
    return entrepreneur


def get_group(session: Session, group_id: int, user: User) -> Group:
    """Return the group if it exists and is within the user's scope."""
    group = session.scalar(
        sa.select(Group).where(Group.id == group_id, kecamatan_scope(user, Group.kecamatan_code))
    )
    if group is None:
        raise NotFound("Kelompok tidak ditemukan.")
    return group


def _check_kelurahan_in_scope(session: Session, code: str, user: User) -> Kelurahan:
    kelurahan = session.get(Kelurahan, code) if code else None
    if kelurahan is None:
        raise StopValidation({"kelurahan_code": ["Pilih kelurahan dari daftar Kota Jambi."]})
    if user.role == Role.FACILITATOR and kelurahan.kecamatan_code not in user.kecamatan_codes:
        raise StopValidation({"kelurahan_code": ["Kelurahan ini di luar kecamatan tugas Anda."]})
    if not can_edit_cases(user):
        raise StopValidation({None: ["Peran Anda tidak dapat mengubah data pelaku usaha."]})
    return kelurahan


# --------------------------------------------------------------------------- entrepreneurs


@dataclass
class EntrepreneurData:
    """What a facilitator types on the registration form (or an import row holds)."""

    nik: str
    full_name: str
    birth_place: str
    kelurahan_code: str
    address: str
    gender: Gender | None = None
    birth_date: date | None = None
    phone: str | None = None
    rt: str | None = None
    rw: str | None = None
    education: Education | None = None
    marital_status: MaritalStatus | None = None
    dependants: int | None = 0
    status: EntrepreneurStatus = EntrepreneurStatus.ACTIVE


@dataclass
class CleanEntrepreneur:
    """Validated, normalised values ready to store, and warnings to show."""

    values: dict
    warnings: list[str] = field(default_factory=list)


_RT_RW = re.compile(r"^\d{1,3}$")


#: What someone outside the holder's kecamatan is told: that the NIK is taken, and whom to ask.
REGISTERED_ELSEWHERE = (
    "NIK ini sudah terdaftar di HARKAT di luar wilayah tugas Anda. Hubungi admin Dinas Koperasi "
    "dan UMKM untuk memeriksanya; data orang itu tidak ditampilkan di sini."
)


def holder_of_nik(
    session: Session, nik: str, exclude_id: int | None = None, viewer: User | None = None
) -> str | None:
    """Describe where a NIK is already registered, revealing nothing else about that record.

    An admin, or a facilitator of the holder's kecamatan, is told the kecamatan and who holds it;
    anyone else only that it is registered elsewhere and to ask the admin.
    """
    query = (
        sa.select(Entrepreneur.kecamatan_code, Kecamatan.name, User.full_name)
        .select_from(Entrepreneur)
        .join(Kecamatan, Kecamatan.code == Entrepreneur.kecamatan_code)
        .outerjoin(User, User.id == Entrepreneur.facilitator_id)
        .where(Entrepreneur.nik == nik)
    )
    if exclude_id is not None:
        query = query.where(Entrepreneur.id != exclude_id)
    row = session.execute(query).first()
    if row is None:
        return None
    kecamatan_code, kecamatan, facilitator = row
    if (
        viewer is not None
        and viewer.role != Role.ADMIN
        and (viewer.role != Role.FACILITATOR or kecamatan_code not in viewer.kecamatan_codes)
    ):
        return REGISTERED_ELSEWHERE
    holder = f"pendamping {facilitator}" if facilitator else "didaftarkan admin Dinas"
    return f"NIK sudah terdaftar di Kecamatan {kecamatan} ({holder})."


def clean_entrepreneur(
    session: Session,
    data: EntrepreneurData,
    *,
    exclude_id: int | None = None,
    today: date | None = None,
    check_duplicate: bool = True,
    viewer: User | None = None,
) -> CleanEntrepreneur:
    """Validate and normalise a registration; every problem is reported at once.

    :raise StopValidation: naming each wrong field.
    """
    errors: list[ValidationError] = []
    warnings: list[str] = []
    values: dict = {}

    try:
        nik = clean_text(data.nik) if isinstance(data.nik, str) else data.nik
        info = parse_nik(nik, today=today)
    except NikError as error:
        errors.append(ValidationError("nik", str(error)))
        info = None
    if info is not None:
        values["nik"] = info.nik
        warnings += nik_warnings(info, data.gender, data.birth_date)
        values["gender"] = data.gender or info.gender
        values["birth_date"] = data.birth_date or info.birth_date
        if check_duplicate:
            holder = holder_of_nik(session, info.nik, exclude_id, viewer)
            if holder:
                errors.append(ValidationError("nik", holder))
    else:
        values["gender"], values["birth_date"] = data.gender, data.birth_date

    name = single_line(data.full_name)
    if len(name) < 2:
        errors.append(ValidationError("full_name", "Nama lengkap wajib diisi (sesuai KTP)."))
    elif len(name) > 120:
        errors.append(ValidationError("full_name", too_long("Nama lengkap", name, 120)))
    elif problem := name_problem(name, "Nama lengkap"):
        errors.append(ValidationError("full_name", problem))
    values["full_name"] = name
    values["search_name"] = Entrepreneur.name_key(name)

    birth_place = single_line(data.birth_place)
    if not birth_place:
        errors.append(ValidationError("birth_place", "Tempat lahir wajib diisi."))
    elif problem := text_problem("Tempat lahir", birth_place, 80):
        errors.append(ValidationError("birth_place", problem))
    values["birth_place"] = birth_place
    today = today or datetime.now(JAKARTA).date()
    # Both come from a readable NIK when not typed; without one, the NIK's error says enough.
    if values["birth_date"] is not None:
        if values["birth_date"] > today:
            errors.append(ValidationError("birth_date", "Tanggal lahir tidak boleh di masa depan."))
        else:
            _check_age(errors, warnings, info, data.birth_date, today)

    values["phone"] = None
    if data.phone and single_line(str(data.phone)):
        try:
            values["phone"] = normalise_phone(single_line(str(data.phone)))
        except PhoneError as error:
            errors.append(ValidationError("phone", str(error)))

    address = single_line(data.address)
    if not address:
        errors.append(ValidationError("address", "Alamat wajib diisi."))
    elif problem := text_problem("Alamat", address, 200):
        errors.append(ValidationError("address", problem))
    values["address"] = address
    for name_, value in (("rt", data.rt), ("rw", data.rw)):
        text = (single_line(str(value)) if value is not None else "") or None
        if text is not None:
            if not _RT_RW.match(text):
                errors.append(ValidationError(name_, f"{name_.upper()} berupa angka 1–3 digit."))
            else:
                text = text.zfill(3)
        values[name_] = text

    kelurahan = session.get(Kelurahan, data.kelurahan_code) if data.kelurahan_code else None
    if kelurahan is None:
        errors.append(ValidationError("kelurahan_code", "Pilih kelurahan dari daftar Kota Jambi."))
    else:
        values["kelurahan_code"] = kelurahan.code
        values["kecamatan_code"] = kelurahan.kecamatan_code

    dependants = data.dependants or 0
    if not 0 <= dependants <= 30:
        errors.append(ValidationError("dependants", "Jumlah tanggungan antara 0 dan 30."))
    values["dependants"] = dependants
    values["education"] = data.education
    values["marital_status"] = data.marital_status
    values["status"] = data.status

    if errors:
        raise StopValidation.from_errors(errors)
    return CleanEntrepreneur(values, warnings)


#: KTP age: an entrepreneur is at least this old; older than the second is worth a look.
MIN_AGE_YEARS = 17
OLD_AGE_YEARS = 100


def age_on(birth_date: date, today: date) -> int:
    """Whole years of age on a day (someone born on 29 February ages on 1 March)."""
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - before_birthday


def _check_age(
    errors: list[ValidationError],
    warnings: list[str],
    info,
    typed: date | None,
    today: date,
) -> None:
    """Refuse anyone under KTP age by the NIK's or the typed birth date; warn past 100.

    A NIK holds a two-digit year, read as the latest century not in the future; when the typed
    date has the NIK's day, month and two-digit year, its century is the one meant (born 1925).
    """
    if info is not None:
        nik_born = info.birth_date
        if typed is not None and (typed.day, typed.month, typed.year % 100) == (
            nik_born.day,
            nik_born.month,
            nik_born.year % 100,
        ):
            nik_born = typed
        age = age_on(nik_born, today)
        if age < MIN_AGE_YEARS:
            errors.append(
                ValidationError(
                    "nik",
                    f"Menurut NIK, tanggal lahir {nik_born:%d-%m-%Y} (umur {age} tahun); pelaku "
                    f"usaha minimal berumur {MIN_AGE_YEARS} tahun (usia KTP). Periksa NIK"
                    + (
                        f"; bila lahir tahun 19{nik_born:%y}, isi juga tanggal lahir lengkap."
                        if age + 100 <= OLD_AGE_YEARS + 10
                        else "."
                    ),
                )
            )
            return
    if typed is not None:
        age = age_on(typed, today)
        if age < MIN_AGE_YEARS:
            errors.append(
                ValidationError(
                    "birth_date",
                    f"Tanggal lahir {typed:%d-%m-%Y} berarti umur {age} tahun; pelaku usaha "
                    f"minimal berumur {MIN_AGE_YEARS} tahun (usia KTP).",
                )
            )
            return
    born = typed or (info.birth_date if info is not None else None)
    if born is not None and age_on(born, today) > OLD_AGE_YEARS:
        warnings.append(
            f"Tanggal lahir {born:%d-%m-%Y} berarti umur {age_on(born, today)} tahun; "
            "periksa tanggal lahir dan NIK."
        )


def next_registration_numbers(session: Session, year: int, count: int = 1) -> list[str]:
    """Reserve ``count`` consecutive registration numbers of a year."""
    updated = session.execute(
        sa.update(RegistrationCounter)
        .where(RegistrationCounter.year == year)
        .values(last_number=RegistrationCounter.last_number + count)
    )
    if updated.rowcount == 0:
        try:
            with session.begin_nested():
                session.add(RegistrationCounter(year=year, last_number=count))
        except sa.exc.IntegrityError:
            # Another worker created the year's counter first; take numbers after theirs.
            return next_registration_numbers(session, year, count)
    last = session.scalar(
        sa.select(RegistrationCounter.last_number).where(RegistrationCounter.year == year)
    )
    return [format_registration_number(year, n) for n in range(last - count + 1, last + 1)]


def register_entrepreneur(
    session: Session, data: EntrepreneurData, actor: User
) -> tuple[Entrepreneur, list[str]]:
    """Register a new entrepreneur in the actor's area; return it with any NIK warnings."""
    clean = clean_entrepreneur(session, data, viewer=actor)
    _check_kelurahan_in_scope(session, clean.values["kelurahan_code"], actor)
    year = datetime.now(JAKARTA).year
    (number,) = next_registration_numbers(session, year)
    entrepreneur = Entrepreneur(
        registration_number=number,
        facilitator_id=actor.id if actor.role == Role.FACILITATOR else None,
        updated_by_id=actor.id,
        **clean.values,
    )
    try:
        with session.begin_nested():
            session.add(entrepreneur)
    except sa.exc.IntegrityError:
        # Someone registered the same NIK a moment ago, between our check and this insert.
        holder = holder_of_nik(session, entrepreneur.nik, viewer=actor)
        raise StopValidation({"nik": [holder or "NIK ini baru saja didaftarkan."]}) from None
    add_event(
        session,
        entrepreneur.id,
        "registered",
        f"Didaftarkan sebagai pelaku usaha dengan nomor {number}.",
        actor,
    )
    return entrepreneur, clean.warnings


_LABELS = {
    "nik": "NIK",
    "full_name": "nama",
    "gender": "jenis kelamin",
    "birth_place": "tempat lahir",
    "birth_date": "tanggal lahir",
    "phone": "nomor HP",
    "address": "alamat",
    "rt": "RT",
    "rw": "RW",
    "kelurahan_code": "kelurahan",
    "education": "pendidikan",
    "marital_status": "status perkawinan",
    "dependants": "jumlah tanggungan",
    "status": "status",
}


def update_entrepreneur(
    session: Session,
    entrepreneur: Entrepreneur,
    data: EntrepreneurData,
    actor: User,
    expected_version: int | None,
) -> list[str]:
    """Apply an edit made on a copy of ``expected_version``; return NIK warnings.

    :raise StaleObjectError: when someone saved the record after that copy was read.
    """
    check_version(entrepreneur, expected_version)
    clean = clean_entrepreneur(session, data, exclude_id=entrepreneur.id, viewer=actor)
    _check_kelurahan_in_scope(session, clean.values["kelurahan_code"], actor)
    changed = [
        key
        for key, value in clean.values.items()
        if key != "search_name" and getattr(entrepreneur, key) != value
    ]
    if not changed:
        return clean.warnings
    for key, value in clean.values.items():
        setattr(entrepreneur, key, value)
    entrepreneur.updated_by_id = actor.id
    session.flush()
    labels = ", ".join(_LABELS.get(key, key) for key in changed if key != "kecamatan_code")
    add_event(session, entrepreneur.id, "updated", f"Data diri diubah: {labels}.", actor)
    return clean.warnings


# --------------------------------------------------------------------------- search


@dataclass
class EntrepreneurFilter:
    q: str = ""
    kecamatan: str = ""
    kelurahan: str = ""
    sector: str = ""
    scale: str = ""
    gender: str = ""
    group_id: int | None = None
    stage: str = ""
    status: str = ""
    sort: str = "name"


SORTS = {
    "name": (Entrepreneur.search_name, Entrepreneur.id),
    "newest": (Entrepreneur.id.desc(),),
    "oldest": (Entrepreneur.id,),
    "number": (Entrepreneur.registration_number,),
    "kelurahan": (Entrepreneur.kelurahan_code, Entrepreneur.search_name),
}
SORT_LABELS = {
    "name": "Nama (A–Z)",
    "newest": "Terbaru didaftarkan",
    "oldest": "Terlama didaftarkan",
    "number": "Nomor registrasi",
    "kelurahan": "Kelurahan",
}
_REG_NUMBER = re.compile(r"^hkt-?(\d{4})-?(\d{1,6})$", re.IGNORECASE)


def _text_condition(q: str) -> sa.ColumnElement[bool]:
    """Read a search box the way a facilitator means it: NIK, registration number, phone or name."""
    compact = re.sub(r"[\s.\-']", "", q)
    if compact.isdigit() and len(compact) == 16:
        return Entrepreneur.nik == compact
    match = _REG_NUMBER.match(compact)
    if match:
        year, number = match.groups()
        return Entrepreneur.registration_number == format_registration_number(
            int(year), int(number)
        )
    phone = phone_search_key(q) if sum(c.isdigit() for c in q) >= 9 else None
    if phone:
        return Entrepreneur.phone == phone
    pattern = (
        "%" + Entrepreneur.name_key(q).replace("\\", "").replace("%", "").replace("_", "") + "%"
    )
    return Entrepreneur.search_name.like(pattern)


def search_entrepreneurs(user: User, filters: EntrepreneurFilter) -> sa.Select:
    """Build the list query: scope, search, filters and sort; no rows are loaded here."""
    query = sa.select(Entrepreneur).where(kecamatan_scope(user, Entrepreneur.kecamatan_code))
    if filters.q.strip():
        query = query.where(_text_condition(filters.q.strip()))
    if filters.kecamatan:
        query = query.where(Entrepreneur.kecamatan_code == filters.kecamatan)
    if filters.kelurahan:
        query = query.where(Entrepreneur.kelurahan_code == filters.kelurahan)
    if filters.gender in {g.value for g in Gender}:
        query = query.where(Entrepreneur.gender == Gender(filters.gender))
    if filters.stage in {s.value for s in JourneyStage}:
        query = query.where(Entrepreneur.stage == JourneyStage(filters.stage))
    if filters.status in {s.value for s in EntrepreneurStatus}:
        query = query.where(Entrepreneur.status == EntrepreneurStatus(filters.status))
    # IN (uncorrelated subquery) rather than EXISTS: both databases build the set of matching
    # entrepreneurs once from an index, instead of probing businesses for every row.
    if filters.sector in {s.value for s in Sector}:
        query = query.where(
            Entrepreneur.id.in_(
                sa.select(Business.entrepreneur_id).where(Business.sector == Sector(filters.sector))
            )
        )
    if filters.scale in {s.value for s in BusinessScale}:
        query = query.where(
            Entrepreneur.id.in_(
                sa.select(Business.entrepreneur_id).where(
                    Business.scale == BusinessScale(filters.scale)
                )
            )
        )
    if filters.group_id:
        query = query.where(
            Entrepreneur.id.in_(
                sa.select(GroupMembership.entrepreneur_id).where(
                    GroupMembership.group_id == filters.group_id,
                    GroupMembership.left_on.is_(None),
                )
            )
        )
    return query.order_by(*SORTS.get(filters.sort, SORTS["name"]))


# --------------------------------------------------------------------------- businesses


@dataclass
class BusinessData:
    name: str
    sector: Sector
    products: str = ""
    start_year: int | None = None
    address: str = ""
    nib: str | None = None
    sku_number: str | None = None
    halal_certificate: str | None = None
    pirt_number: str | None = None
    #: Blank (None) capital or revenue is unknown, and stays so: it decides the scale.
    monthly_revenue: int | None = None
    monthly_costs: int | None = 0
    capital: int | None = None
    employees: int | None = 0


#: A business's free-text fields: key, label in messages, the column's length.
_BUSINESS_TEXTS = (
    ("name", "Nama usaha", 120),
    ("products", "Produk", 200),
    ("address", "Alamat usaha", 200),
    ("sku_number", "Nomor SKU", 60),
    ("halal_certificate", "Nomor sertifikat halal", 60),
    ("pirt_number", "Nomor P-IRT", 60),
)


def clean_business(data: BusinessData, today: date | None = None) -> dict:
    """Validate a business; amounts are whole rupiah and never negative."""
    today = today or datetime.now(JAKARTA).date()
    errors = []
    texts = {}
    for key, label, limit in _BUSINESS_TEXTS:
        texts[key] = single_line(getattr(data, key))
        if problem := text_problem(label, texts[key], limit):
            errors.append(ValidationError(key, problem))
    name = texts["name"]
    if not name:
        errors.append(ValidationError("name", "Nama usaha wajib diisi."))
    if not isinstance(data.sector, Sector):
        errors.append(ValidationError("sector", "Pilih sektor usaha (KBLI)."))
    nib = re.sub(r"\D", "", clean_text(data.nib or "")) or None
    if data.nib and (nib is None or len(nib) != 13):
        errors.append(ValidationError("nib", "NIB terdiri dari 13 angka (lihat dokumen OSS)."))
    if data.start_year is not None and not 1950 <= data.start_year <= today.year:
        errors.append(
            ValidationError("start_year", f"Tahun mulai usaha antara 1950 dan {today.year}.")
        )
    for key, label in (
        ("monthly_revenue", "Omzet per bulan"),
        ("monthly_costs", "Biaya per bulan"),
        ("capital", "Modal usaha"),
        ("employees", "Jumlah tenaga kerja"),
    ):
        if (getattr(data, key) or 0) < 0:
            errors.append(ValidationError(key, f"{label} tidak boleh negatif."))
    if errors:
        raise StopValidation.from_errors(errors)
    return {
        "name": name,
        "sector": data.sector,
        "products": texts["products"],
        "start_year": data.start_year,
        "address": texts["address"],
        "nib": nib,
        "sku_number": texts["sku_number"] or None,
        "halal_certificate": texts["halal_certificate"] or None,
        "pirt_number": texts["pirt_number"] or None,
        "monthly_revenue": data.monthly_revenue,
        "monthly_costs": data.monthly_costs or 0,
        "capital": data.capital,
        "employees": data.employees or 0,
    }


def save_business(
    session: Session,
    entrepreneur: Entrepreneur,
    data: BusinessData,
    actor: User,
    business: Business | None = None,
    expected_version: int | None = None,
) -> Business:
    """Add a business to an entrepreneur, or change one; the scale is recomputed."""
    if not can_edit_cases(actor):
        raise StopValidation({None: ["Peran Anda tidak dapat mengubah data usaha."]})
    if business is not None:
        check_version(business, expected_version)
    values = clean_business(data)
    created = business is None
    if created:
        business = Business(entrepreneur_id=entrepreneur.id)
        session.add(business)
    for key, value in values.items():
        setattr(business, key, value)
    business.updated_by_id = actor.id
    business.refresh_scale()
    session.flush()
    verb = "Usaha ditambahkan" if created else "Data usaha diubah"
    add_event(
        session,
        entrepreneur.id,
        "business_added" if created else "business_updated",
        f"{verb}: {business.name} (skala {business.scale.label.lower()}).",
        actor,
        {"business_id": business.id},
    )
    return business


# --------------------------------------------------------------------------- consent


def current_consents(entrepreneur: Entrepreneur) -> dict[ConsentPurpose, Consent | None]:
    """Return the decision in force for each purpose (the newest), or None if never asked."""
    latest: dict[ConsentPurpose, Consent | None] = dict.fromkeys(ConsentPurpose)
    for consent in entrepreneur.consents:
        held = latest[consent.purpose]
        if held is None or (consent.recorded_at, consent.id) >= (held.recorded_at, held.id):
            latest[consent.purpose] = consent
    return latest


def has_consent(entrepreneur: Entrepreneur, purpose: ConsentPurpose) -> bool:
    consent = current_consents(entrepreneur)[purpose]
    return bool(consent and consent.is_granted)


def record_consents(
    session: Session,
    entrepreneur: Entrepreneur,
    decisions: dict[ConsentPurpose, bool],
    actor: User,
) -> list[Consent]:
    """Record the decisions that differ from those in force; return the new rows."""
    if not can_edit_cases(actor):
        raise StopValidation({None: ["Peran Anda tidak dapat mencatat persetujuan."]})
    current = current_consents(entrepreneur)
    new_rows = []
    for purpose, granted in decisions.items():
        held = current[purpose]
        if (
            held is not None
            and held.is_granted == granted
            and (held.text_version == CONSENT_TEXT_VERSION)
        ):
            continue
        consent = Consent(
            entrepreneur=entrepreneur,
            purpose=purpose,
            is_granted=granted,
            text_version=CONSENT_TEXT_VERSION,
            recorded_by_id=actor.id,
        )
        session.add(consent)
        new_rows.append(consent)
    session.flush()
    for consent in new_rows:
        verb = "diberikan" if consent.is_granted else "tidak diberikan / ditarik"
        add_event(
            session,
            entrepreneur.id,
            "consent",
            f"Persetujuan {verb}: {consent.purpose.label} (naskah versi {consent.text_version}).",
            actor,
        )
    return new_rows


# --------------------------------------------------------------------------- groups


@dataclass
class GroupData:
    name: str
    kelurahan_code: str
    formed_on: date | None = None
    decree_number: str | None = None
    status: GroupStatus = GroupStatus.FORMING


def active_membership(session: Session, entrepreneur_id: int) -> GroupMembership | None:
    return session.scalar(
        sa.select(GroupMembership).where(
            GroupMembership.entrepreneur_id == entrepreneur_id, GroupMembership.left_on.is_(None)
        )
    )


def _today() -> date:
    return datetime.now(JAKARTA).date()


def save_group(
    session: Session,
    data: GroupData,
    actor: User,
    group: Group | None = None,
    expected_version: int | None = None,
) -> Group:
    """Create a group or change its details; dissolving it ends every membership."""
    if group is not None:
        check_version(group, expected_version)
    errors = []
    name = " ".join((data.name or "").split())
    if len(name) < 3:
        errors.append(ValidationError("name", "Nama kelompok minimal 3 karakter."))
    if data.formed_on and data.formed_on > _today():
        errors.append(
            ValidationError("formed_on", "Tanggal pembentukan tidak boleh di masa depan.")
        )
    if errors:
        raise StopValidation.from_errors(errors)
    kelurahan = _check_kelurahan_in_scope(session, data.kelurahan_code, actor)
    if (
        group is not None
        and data.status == GroupStatus.ACTIVE
        and (group.chair_id is None or not group.active_memberships)
    ):
        raise StopValidation({"status": ["Kelompok aktif harus punya anggota dan ketua."]})
    if group is None:
        group = Group(facilitator_id=actor.id if actor.role == Role.FACILITATOR else None)
        session.add(group)
    group.name = name
    group.kelurahan_code = kelurahan.code
    group.kecamatan_code = kelurahan.kecamatan_code
    group.formed_on = data.formed_on
    group.decree_number = (data.decree_number or "").strip() or None
    dissolving = data.status == GroupStatus.DISSOLVED and group.status != GroupStatus.DISSOLVED
    group.status = data.status
    group.updated_by_id = actor.id
    session.flush()
    if dissolving:
        for membership in group.active_memberships:
            _close_membership(session, membership, "Kelompok dibubarkan.", actor)
        group.chair_id = None
        session.flush()
    return group


def add_members(
    session: Session,
    group: Group,
    entrepreneur_ids: Sequence[int],
    actor: User,
    joined_on: date | None = None,
) -> list[GroupMembership]:
    """Add entrepreneurs to a group; each may be in only one active group at a time."""
    if group.status == GroupStatus.DISSOLVED:
        raise StopValidation({None: ["Kelompok yang sudah bubar tidak dapat menerima anggota."]})
    errors = []
    members = []
    for entrepreneur_id in dict.fromkeys(entrepreneur_ids):
        try:
            entrepreneur = get_entrepreneur(session, entrepreneur_id, actor)
        except NotFound:
            errors.append(
                ValidationError("members", "Pelaku usaha tidak ditemukan di wilayah Anda.")
            )
            continue
        held = active_membership(session, entrepreneur.id)
        if held is not None:
            where = "kelompok ini" if held.group_id == group.id else f"kelompok {held.group.name}"
            errors.append(
                ValidationError(
                    "members", f"{entrepreneur.full_name} sudah menjadi anggota aktif {where}."
                )
            )
            continue
        members.append(entrepreneur)
    if errors:
        raise StopValidation.from_errors(errors)
    joined_on = joined_on or _today()
    rows = []
    for entrepreneur in members:
        membership = GroupMembership(
            group=group, entrepreneur_id=entrepreneur.id, joined_on=joined_on
        )
        session.add(membership)
        rows.append(membership)
        add_event(
            session,
            entrepreneur.id,
            "group_joined",
            f"Bergabung dengan kelompok {group.name}.",
            actor,
            {"group_id": group.id},
        )
    group.updated_by_id = actor.id
    session.flush()
    return rows


def _close_membership(
    session: Session, membership: GroupMembership, reason: str, actor: User
) -> None:
    membership.left_on = _today()
    membership.left_reason = reason[:200]
    add_event(
        session,
        membership.entrepreneur_id,
        "group_left",
        f"Keluar dari kelompok {membership.group.name}: {reason}",
        actor,
        {"group_id": membership.group_id},
    )


def remove_member(
    session: Session, group: Group, entrepreneur_id: int, reason: str, actor: User
) -> None:
    """End a membership (history is kept). The chair must be replaced first."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise StopValidation({"reason": ["Tuliskan alasan anggota keluar."]})
    membership = next(
        (m for m in group.active_memberships if m.entrepreneur_id == entrepreneur_id), None
    )
    if membership is None:
        raise NotFound("Anggota tidak ditemukan di kelompok ini.")
    if group.chair_id == entrepreneur_id:
        raise StopValidation(
            {"reason": ["Ketua tidak dapat dikeluarkan; tunjuk ketua baru terlebih dahulu."]}
        )
    _close_membership(session, membership, reason, actor)
    group.updated_by_id = actor.id
    session.flush()


def set_chair(session: Session, group: Group, entrepreneur_id: int, actor: User) -> None:
    """Make an active member the group's chair."""
    if not any(m.entrepreneur_id == entrepreneur_id for m in group.active_memberships):
        raise StopValidation({"chair": ["Ketua harus anggota aktif kelompok ini."]})
    group.chair_id = entrepreneur_id
    group.updated_by_id = actor.id
    session.flush()
    add_event(
        session,
        entrepreneur_id,
        "group_chair",
        f"Ditunjuk sebagai ketua kelompok {group.name}.",
        actor,
        {"group_id": group.id},
    )


def group_of(session: Session, entrepreneur_ids: Iterable[int]) -> dict[int, Group]:
    """Return each entrepreneur's active group, for list pages (one query)."""
    rows = session.execute(
        sa.select(GroupMembership.entrepreneur_id, Group)
        .join(Group, Group.id == GroupMembership.group_id)
        .where(
            GroupMembership.entrepreneur_id.in_(list(entrepreneur_ids)),
            GroupMembership.left_on.is_(None),
        )
    )
    return dict(rows.all())


def business_stats(session: Session, entrepreneur_ids: Iterable[int]) -> dict[int, tuple[int, str]]:
    """Return (number of businesses, label of the largest scale) per entrepreneur."""
    rows = session.execute(
        sa.select(Business.entrepreneur_id, Business.scale).where(
            Business.entrepreneur_id.in_(list(entrepreneur_ids))
        )
    )
    stats: dict[int, tuple[int, BusinessScale]] = {}
    for entrepreneur_id, scale in rows:
        count, largest = stats.get(entrepreneur_id, (0, scale))
        if scale.rank > largest.rank:
            largest = scale
        stats[entrepreneur_id] = (count + 1, largest)
    return {key: (count, scale.label) for key, (count, scale) in stats.items()}
