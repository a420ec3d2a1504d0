"""Realistic demo data for Kota Jambi: entrepreneurs with businesses, groups and consent.

Rows are written with bulk inserts in chunks, so 100,000 entrepreneurs take about a minute; the
audit log gets one summary row rather than one per generated record.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from faker import Faker
from sqlalchemy.orm import Session

from harkat.audit import services as audit
from harkat.auth import services as auth_services
from harkat.auth.domain import Role
from harkat.auth.models import User, user_kecamatan
from harkat.cases.domain import EntrepreneurStatus, JourneyStage
from harkat.cases.models import CaseEvent
from harkat.core.dates import JAKARTA
from harkat.core.enums import ConsentPurpose
from harkat.core.nik import Gender, make_nik
from harkat.database import Model
from harkat.demo.referrals import seed_fund_demo, seed_referral_demo
from harkat.demo.screening import seed_screening_demo
from harkat.demo.training import seed_training_demo
from harkat.reference.models import Kecamatan, Kelurahan
from harkat.registration.domain import (
    CONSENT_TEXT_VERSION,
    Education,
    GroupStatus,
    MaritalStatus,
    Sector,
    business_scale,
)
from harkat.registration.models import Business, Consent, Entrepreneur, Group, GroupMembership
from harkat.registration.services import next_registration_numbers

CHUNK = 5_000

#: Where NIKs of people living in Kota Jambi were first issued: mostly the city itself.
OTHER_REGIONS = [
    "15.01.01",
    "15.02.03",
    "15.03.02",
    "15.04.05",
    "15.05.01",
    "15.06.04",
    "15.07.02",
    "15.08.01",
    "15.09.03",
    "15.72.01",
    "13.71.02",
    "16.71.04",
    "14.71.03",
    "31.74.05",
    "33.74.01",
    "12.71.08",
]
MOBILE_PREFIXES = [
    "0811",
    "0812",
    "0813",
    "0821",
    "0822",
    "0823",
    "0852",
    "0853",
    "0851",
    "0814",
    "0815",
    "0816",
    "0855",
    "0856",
    "0857",
    "0858",
    "0817",
    "0818",
    "0819",
    "0859",
    "0877",
    "0878",
    "0831",
    "0832",
    "0833",
    "0838",
    "0881",
    "0882",
    "0883",
    "0895",
    "0896",
    "0897",
    "0898",
    "0899",
]
#: Sector, weight, typical products, a business name pattern.
SECTORS = [
    (
        Sector.G,
        40,
        [
            "warung sembako",
            "kelontong",
            "pulsa dan token listrik",
            "sayur keliling",
            "pakaian bekas",
            "aksesoris HP",
        ],
        "Toko {name}",
    ),
    (
        Sector.I,
        24,
        [
            "pempek",
            "tempoyak",
            "gulai ikan patin",
            "kopi",
            "nasi gemuk",
            "kue basah",
            "martabak",
            "es tebu",
        ],
        "Warung {name}",
    ),
    (
        Sector.C,
        14,
        [
            "keripik tempe",
            "kerupuk ikan",
            "batik Jambi",
            "anyaman pandan",
            "dodol kentang",
            "sambal kemasan",
            "jahit pakaian",
        ],
        "Usaha {name}",
    ),
    (Sector.S, 8, ["pangkas rambut", "laundry kiloan", "servis HP", "salon"], "Jasa {name}"),
    (
        Sector.A,
        6,
        ["budidaya ikan patin", "ternak ayam kampung", "sayur hidroponik", "budidaya lele"],
        "Tani {name}",
    ),
    (Sector.H, 4, ["ojek daring", "angkutan barang", "jasa antar"], "Angkutan {name}"),
    (Sector.J, 2, ["desain grafis", "jasa foto produk"], "Kreatif {name}"),
    (Sector.F, 1, ["tukang bangunan", "las besi"], "Bengkel {name}"),
    (Sector.P, 1, ["les privat", "kursus mengaji"], "Bimbel {name}"),
]
EDUCATION_WEIGHTS = [
    (Education.SD, 18),
    (Education.SMP, 22),
    (Education.SMA, 42),
    (Education.DIPLOMA, 6),
    (Education.S1, 10),
    (Education.NONE, 2),
]
STAGE_WEIGHTS = [
    (JourneyStage.REGISTERED, 50),
    (JourneyStage.IN_TRAINING, 14),
    (JourneyStage.GRADUATED, 12),
    (JourneyStage.IN_INCUBATION, 6),
    (JourneyStage.SCREENED, 8),
    (JourneyStage.DROPPED_OUT, 3),
    (JourneyStage.DEBT_RESOLUTION, 3),
    (JourneyStage.REFERRED, 2),
    (JourneyStage.APPROVED, 1),
    (JourneyStage.DISBURSED, 1),
]


@dataclass
class DemoResult:
    entrepreneurs: int = 0
    businesses: int = 0
    groups: int = 0
    memberships: int = 0
    cohorts: int = 0
    certificates: int = 0
    incubations: int = 0
    visits: int = 0
    screenings: int = 0
    referrals: int = 0
    loans: int = 0
    loan_reports: int = 0
    facilitators_created: list[str] = field(default_factory=list)


def _weighted(rng: random.Random, pairs):
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights=weights)[0]


def _facilitators(session: Session, rng: random.Random, result: DemoResult) -> dict[str, int]:
    """Return a facilitator id per kecamatan, creating a demo account where none exists."""
    rows = session.execute(
        sa.select(user_kecamatan.c.kecamatan_code, User.id)
        .join(User, User.id == user_kecamatan.c.user_id)
        .where(User.role == Role.FACILITATOR, User.is_active)
        .order_by(User.id)
    )
    by_kecamatan: dict[str, int] = {}
    for code, user_id in rows:
        by_kecamatan.setdefault(code, user_id)
    for kecamatan in session.scalars(sa.select(Kecamatan).order_by(Kecamatan.code)):
        if kecamatan.code in by_kecamatan:
            continue
        username = "pendamping." + kecamatan.name.lower().replace(" ", "")
        existing = session.scalar(sa.select(User).where(User.username == username))
        if existing is None:
            data = auth_services.UserData(
                username=username,
                full_name=f"Pendamping {kecamatan.name}",
                role=Role.FACILITATOR,
                kecamatan_codes=[kecamatan.code],
            )
            existing = auth_services.create_user(session, data, secrets.token_urlsafe(16))
            result.facilitators_created.append(username)
        by_kecamatan[kecamatan.code] = existing.id
    return by_kecamatan


def _next_id(session: Session, model) -> int:
    return (session.scalar(sa.select(sa.func.max(model.id))) or 0) + 1


def fix_sequences(session: Session) -> None:
    """Move every id sequence past the largest id stored in its table (PostgreSQL only).

    Bulk inserts with explicit ids bypass the sequences, and the next record a person saves
    would then collide with a demo row. Every table of the schema with an integer autoincrement
    key is covered, so a seeder added later cannot be forgotten.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in Model.metadata.sorted_tables:
        column = table.autoincrement_column
        if column is None:
            continue
        largest = sa.select(sa.func.max(column)).scalar_subquery()
        session.execute(
            sa.select(
                sa.func.setval(
                    sa.func.pg_get_serial_sequence(table.fullname, column.name),
                    sa.func.coalesce(largest, 0) + 1,
                    False,
                )
            )
        )


def seed_demo(
    session: Session,
    entrepreneurs: int,
    seed: int = 2026,
    actor: User | None = None,
    upload_dir: str | None = None,
) -> DemoResult:
    """Generate ``entrepreneurs`` cases with businesses, groups of 5–10 and consent records.

    :param upload_dir: where sample referral documents are written (none when not given).
    """
    rng = random.Random(seed)
    fake = Faker("id_ID")
    fake.seed_instance(seed)
    result = DemoResult()
    facilitators = _facilitators(session, rng, result)
    kelurahan = session.execute(sa.select(Kelurahan.code, Kelurahan.kecamatan_code)).all()
    used_niks = set(session.scalars(sa.select(Entrepreneur.nik)))
    now = datetime.now(UTC)
    today = now.astimezone(JAKARTA).date()
    numbers = next_registration_numbers(session, today.year, entrepreneurs)

    entrepreneur_id = first_id = _next_id(session, Entrepreneur)
    business_id = _next_id(session, Business)
    group_id = _next_id(session, Group)
    serials: dict[tuple[str, date], int] = {}

    for start in range(0, entrepreneurs, CHUNK):
        people, businesses, consents, events = [], [], [], []
        by_kecamatan: dict[str, list[tuple[int, str]]] = {}
        for offset in range(start, min(start + CHUNK, entrepreneurs)):
            kel_code, kec_code = rng.choice(kelurahan)
            gender = Gender.FEMALE if rng.random() < 0.62 else Gender.MALE
            born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 16_000))
            region = kec_code if rng.random() < 0.85 else rng.choice(OTHER_REGIONS)
            while True:
                serial = serials.get((region, born), rng.randrange(1, 40)) + 1
                serials[(region, born)] = serial
                nik = make_nik(region, born, gender, serial)
                if nik not in used_niks:
                    used_niks.add(nik)
                    break
            first = fake.first_name_female() if gender == Gender.FEMALE else fake.first_name_male()
            name = f"{first} {fake.last_name()}"
            created = now - timedelta(minutes=rng.randrange(0, 60 * 24 * 540))
            phone = None
            if rng.random() < 0.93:
                phone = "+62" + rng.choice(MOBILE_PREFIXES)[1:] + f"{rng.randrange(10**7, 10**8)}"
            people.append(
                {
                    "id": entrepreneur_id,
                    "registration_number": numbers[offset],
                    "nik": nik,
                    "full_name": name,
                    "search_name": Entrepreneur.name_key(name),
                    "gender": gender,
                    "birth_place": rng.choice(
                        ["Jambi"] * 6
                        + ["Muaro Jambi", "Palembang", "Padang", "Kerinci", "Bungo", "Medan"]
                    ),
                    "birth_date": born,
                    "phone": phone,
                    "address": fake.street_address(),
                    "rt": f"{rng.randrange(1, 40):03d}",
                    "rw": f"{rng.randrange(1, 12):03d}",
                    "kelurahan_code": kel_code,
                    "kecamatan_code": kec_code,
                    "education": _weighted(rng, EDUCATION_WEIGHTS),
                    "marital_status": rng.choice(
                        [MaritalStatus.MARRIED] * 6
                        + [MaritalStatus.SINGLE, MaritalStatus.WIDOWED, MaritalStatus.DIVORCED]
                    ),
                    "dependants": rng.randrange(0, 6),
                    "status": EntrepreneurStatus.ACTIVE,
                    "stage": _weighted(rng, STAGE_WEIGHTS),
                    "facilitator_id": facilitators.get(kec_code),
                    "updated_by_id": facilitators.get(kec_code),
                    "version": 1,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            by_kecamatan.setdefault(kec_code, []).append((entrepreneur_id, kel_code))
            for _ in range(2 if rng.random() < 0.15 else 1):
                sector, _, products, pattern = _weighted(rng, [(s, s[1]) for s in SECTORS])
                revenue = int(rng.lognormvariate(15.9, 0.7)) // 1000 * 1000
                capital = int(rng.lognormvariate(16.8, 1.0)) // 100_000 * 100_000
                has_nib = rng.random() < 0.45
                businesses.append(
                    {
                        "id": business_id,
                        "entrepreneur_id": entrepreneur_id,
                        "name": pattern.format(name=first),
                        "sector": sector,
                        "products": rng.choice(products),
                        "start_year": rng.randrange(max(born.year + 17, 1990), today.year + 1),
                        "address": fake.street_address(),
                        "nib": f"{rng.randrange(10**12, 10**13)}" if has_nib else None,
                        "sku_number": None if has_nib else f"SKU/{rng.randrange(1, 999)}/2025",
                        "halal_certificate": None,
                        "pirt_number": (
                            f"P-IRT {rng.randrange(10**14, 10**15)}"
                            if sector == Sector.C and rng.random() < 0.3
                            else None
                        ),
                        "monthly_revenue": revenue,
                        "monthly_costs": int(revenue * rng.uniform(0.5, 0.85)) // 1000 * 1000,
                        "capital": capital,
                        "employees": rng.choice([0, 0, 0, 1, 1, 2, 3]),
                        "scale": business_scale(capital, revenue),
                        "version": 1,
                        "created_at": created,
                        "updated_at": created,
                    }
                )
                business_id += 1
            for purpose, share in (
                (ConsentPurpose.PROCESSING, 1.0),
                (ConsentPurpose.BANK_SHARING, 0.8),
                (ConsentPurpose.WHATSAPP, 0.7),
            ):
                consents.append(
                    {
                        "entrepreneur_id": entrepreneur_id,
                        "purpose": purpose,
                        "is_granted": rng.random() < share,
                        "text_version": CONSENT_TEXT_VERSION,
                        "recorded_at": created,
                        "recorded_by_id": facilitators.get(kec_code),
                    }
                )
            events.append(
                {
                    "entrepreneur_id": entrepreneur_id,
                    "at": created,
                    "actor_id": facilitators.get(kec_code),
                    "kind": "registered",
                    "summary": f"Didaftarkan sebagai pelaku usaha dengan nomor {numbers[offset]}.",
                    "data": {},
                }
            )
            entrepreneur_id += 1

        groups, memberships = [], []
        for people_here in by_kecamatan.values():
            # Neighbours form groups: sort by kelurahan so members mostly share one.
            rng.shuffle(people_here)
            pool = sorted(people_here[: int(len(people_here) * 0.4)], key=lambda p: p[1])
            while len(pool) >= 5:
                size = min(rng.randrange(5, 11), len(pool))
                chosen, pool = pool[:size], pool[size:]
                members = [member for member, _ in chosen]
                kel_code = chosen[0][1]
                formed = today - timedelta(days=rng.randrange(30, 700))
                groups.append(
                    {
                        "id": group_id,
                        "name": f"KUB {rng.choice(GROUP_WORDS)} {rng.choice(GROUP_SUFFIX)}",
                        "kelurahan_code": kel_code,
                        "kecamatan_code": kel_code[:8],
                        "formed_on": formed,
                        "decree_number": f"{rng.randrange(1, 300)}/SK/KEL/{formed.year}",
                        "status": GroupStatus.ACTIVE,
                        "chair_id": members[0],
                        "facilitator_id": facilitators.get(kel_code[:8]),
                        "updated_by_id": facilitators.get(kel_code[:8]),
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                memberships += [
                    {
                        "group_id": group_id,
                        "entrepreneur_id": member,
                        "joined_on": formed,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for member in members
                ]
                group_id += 1

        session.execute(sa.insert(Entrepreneur), people)
        session.execute(sa.insert(Business), businesses)
        if groups:
            session.execute(sa.insert(Group), groups)
            session.execute(sa.insert(GroupMembership), memberships)
        session.execute(sa.insert(Consent), consents)
        session.execute(sa.insert(CaseEvent), events)
        result.entrepreneurs += len(people)
        result.businesses += len(businesses)
        result.groups += len(groups)
        result.memberships += len(memberships)

    new_ids = list(range(first_id, entrepreneur_id))
    training = seed_training_demo(session, new_ids, seed)
    result.screenings = seed_screening_demo(session, new_ids, seed)
    referral_counts = seed_referral_demo(session, new_ids, seed, upload_dir)
    result.referrals = referral_counts["referrals"]
    result.loans = referral_counts["loans"]
    result.loan_reports = referral_counts["reports"]
    this_year = datetime.now(UTC).year
    seed_fund_demo(session, [this_year - 1, this_year])
    result.cohorts, result.certificates = training.cohorts, training.certificates
    result.incubations, result.visits = training.incubations, training.visits
    fix_sequences(session)
    audit.record(
        session,
        "demo_seed",
        entity_type="entrepreneurs",
        changes={
            "entrepreneurs": result.entrepreneurs,
            "businesses": result.businesses,
            "groups": result.groups,
            "seed": seed,
        },
        actor=audit.Actor(actor.id, actor.username) if actor else None,
    )
    session.flush()
    return result


def tidy_after_bulk_load(engine: sa.Engine) -> None:
    """Refresh the planner's statistics (and on PostgreSQL the visibility map) after a seed.

    Run after the commit. Without statistics PostgreSQL plans the entrepreneur list as a full
    sort on disk (95 ms instead of 17 ms at 100k cases); without ``VACUUM`` its index-only scans
    still visit every heap page, so counting 1,000,000 cases took 120 ms instead of 50 ms.
    Autovacuum gets there too, but only some minutes later.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")


GROUP_WORDS = [
    "Mawar",
    "Melati",
    "Anggrek",
    "Cempaka",
    "Kenanga",
    "Seroja",
    "Teratai",
    "Batanghari",
    "Sepucuk Jambi",
    "Tanjung",
    "Pinang Masak",
    "Angso Duo",
    "Sungai Asam",
    "Harapan",
    "Maju Bersama",
    "Sejahtera",
    "Berkah",
    "Mandiri",
    "Karya Ibu",
    "Usaha Bersama",
]
GROUP_SUFFIX = ["I", "II", "III", "IV", "Jaya", "Makmur", "Sentosa", "Lestari", "Abadi"]
