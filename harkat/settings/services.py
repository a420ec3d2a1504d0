"""Reading and changing configurable rules; every change is audited with before and after."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy.orm import Session

from harkat.errors import StopValidation
from harkat.settings.models import Setting


@dataclass(frozen=True)
class Rule:
    """A configurable number with its bounds and the words an admin reads."""

    key: str
    label: str
    default: Decimal
    minimum: Decimal
    maximum: Decimal
    unit: str = ""


RULES: dict[str, Rule] = {
    rule.key: rule
    for rule in (
        Rule(
            "training.min_attendance_percent",
            "Kehadiran minimal untuk lulus pelatihan",
            Decimal(75),
            Decimal(0),
            Decimal(100),
            "%",
        ),
        Rule(
            "training.min_post_test",
            "Nilai post-test minimal untuk lulus pelatihan",
            Decimal(60),
            Decimal(0),
            Decimal(100),
        ),
        Rule(
            "screening.high_cost_rate_percent",
            "Skrining: bunga nominal setahun di atas ini dianggap utang berbiaya tinggi",
            Decimal(50),
            Decimal(0),
            Decimal(1000),
            "%",
        ),
        Rule(
            "screening.dsr_green_max",
            "Skrining: DSR maksimal untuk hasil HIJAU",
            Decimal(30),
            Decimal(0),
            Decimal(100),
            "%",
        ),
        Rule(
            "screening.dsr_yellow_max",
            "Skrining: DSR maksimal untuk hasil KUNING (juga setelah pengambilalihan)",
            Decimal(40),
            Decimal(0),
            Decimal(100),
            "%",
        ),
        Rule(
            "screening.max_online_lenders",
            "Skrining: jumlah pinjaman online lebih dari ini ditandai",
            Decimal(3),
            Decimal(0),
            Decimal(50),
        ),
        Rule(
            "screening.settled_bad_debt_window_months",
            "Skrining: kredit macet yang lunas dalam sekian bulan terakhir masih terlihat di SLIK",
            Decimal(24),
            Decimal(0),
            Decimal(120),
            " bulan",
        ),
        Rule(
            "screening.registry_max_age_days",
            "Skrining: daftar pinjaman daring berizin OJK dianggap usang setelah sekian hari "
            "tanpa pemeriksaan (status izin menjadi 'belum diketahui')",
            Decimal(90),
            Decimal(1),
            Decimal(730),
            " hari",
        ),
        Rule(
            "screening.validity_days",
            "Skrining berlaku selama",
            Decimal(90),
            Decimal(1),
            Decimal(365),
            " hari",
        ),
        Rule(
            "share.link_days",
            "Tautan lembar konseling yang dibagikan lewat WhatsApp dapat dibuka selama",
            Decimal(14),
            Decimal(1),
            Decimal(90),
            " hari",
        ),
        Rule(
            "import.max_rows",
            "Impor: baris data paling banyak dalam satu berkas (pelaku usaha, daftar pemberi "
            "pinjaman, laporan angsuran)",
            Decimal(20_000),
            Decimal(100),
            Decimal(200_000),
            " baris",
        ),
        Rule(
            "fund.ceiling",
            "Pagu dana BANK HARKAT (Rp)",
            Decimal(110_000_000_000),
            Decimal(0),
            Decimal(10_000_000_000_000),
        ),
        Rule(
            "report.stuck_days",
            "Kasus dianggap macet di satu tahap setelah sekian hari",
            Decimal(30),
            Decimal(1),
            Decimal(365),
            " hari",
        ),
        Rule(
            "referral.sla_days",
            "Rujukan yang menunggu bank lebih dari sekian hari disorot",
            Decimal(14),
            Decimal(1),
            Decimal(180),
            " hari",
        ),
        Rule(
            "referral.require_business_photo",
            "Rujukan wajib melampirkan foto usaha (1 = ya, 0 = tidak)",
            Decimal(1),
            Decimal(0),
            Decimal(1),
        ),
        Rule(
            "referral.min_group_members",
            "Rujukan kelompok: jumlah anggota minimal",
            Decimal(2),
            Decimal(1),
            Decimal(50),
            " orang",
        ),
    )
}


def get_number(session: Session, key: str) -> Decimal:
    """Return the current value of a configurable number (its default when never set)."""
    rule = RULES[key]
    row = session.get(Setting, key)
    if row is None:
        return rule.default
    return Decimal(row.value["number"])


def set_number(session: Session, key: str, text: str | Decimal, actor_id: int | None) -> Decimal:
    """Change a configurable number after checking its bounds; the audit log keeps the old one."""
    rule = RULES[key]
    try:
        value = Decimal(str(text).strip().replace(",", "."))
    except InvalidOperation:
        raise StopValidation({key: [f"{rule.label}: isi dengan angka."]}) from None
    if not rule.minimum <= value <= rule.maximum:
        raise StopValidation(
            {key: [f"{rule.label} harus antara {rule.minimum} dan {rule.maximum}{rule.unit}."]}
        )
    row = session.get(Setting, key)
    if row is None:
        row = Setting(key=key, value={"number": str(value)}, updated_by_id=actor_id)
        session.add(row)
    elif Decimal(row.value["number"]) != value:
        row.value = {"number": str(value)}
        row.updated_by_id = actor_id
    session.flush()
    return value
