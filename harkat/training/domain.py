"""Pure rules of BALIKAT training: cohort states, attendance and the completion rule."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from harkat.core.enums import LabelledEnum


class CohortStatus(LabelledEnum):
    OPEN = "open", "Pendaftaran dibuka"
    RUNNING = "running", "Berjalan"
    CLOSED = "closed", "Selesai"


class EnrolmentStatus(LabelledEnum):
    ENROLLED = "enrolled", "Peserta"
    WAITLISTED = "waitlisted", "Daftar tunggu"
    WITHDRAWN = "withdrawn", "Mengundurkan diri"


class AttendanceStatus(LabelledEnum):
    PRESENT = "present", "Hadir"
    EXCUSED = "excused", "Izin"
    ABSENT = "absent", "Tidak hadir"


class TrainingResult(LabelledEnum):
    PASSED = "passed", "Lulus"
    FAILED = "failed", "Tidak lulus"
    WITHDRAWN = "withdrawn", "Mengundurkan diri"


@dataclass(frozen=True)
class CompletionRule:
    """Graduation needs attendance of at least this share of sessions and this post-test score."""

    min_attendance_percent: Decimal
    min_post_test: Decimal


def attendance_percent(present: int, sessions: int) -> Decimal:
    """Share of sessions attended, in percent with one decimal (half up); excused is not present."""
    if sessions <= 0:
        return Decimal(0)
    share = Decimal(present) * 100 / Decimal(sessions)
    return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _number(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def decide(
    rule: CompletionRule,
    *,
    withdrawn: bool,
    sessions: int,
    present: int,
    post_test: Decimal | None,
) -> tuple[TrainingResult, list[str]]:
    """Return the result of one enrolee and every reason for it, in plain Indonesian.

    The attendance share is compared unrounded, so 3 of 4 sessions (exactly 75%) passes a 75%
    rule while 2 of 3 (66.7%) does not.
    """
    if withdrawn:
        return TrainingResult.WITHDRAWN, ["Peserta mengundurkan diri sebelum angkatan ditutup."]
    reasons = []
    passed = True
    share = attendance_percent(present, sessions)
    exact_share = Decimal(present) * 100 / Decimal(sessions) if sessions else Decimal(0)
    attendance = f"Kehadiran {_number(share)}% ({present} dari {sessions} sesi)"
    minimum = f"{_number(rule.min_attendance_percent)}%"
    if sessions == 0:
        passed = False
        reasons.append("Angkatan ini tidak punya sesi; kehadiran tidak dapat dinilai.")
    elif exact_share >= rule.min_attendance_percent:
        reasons.append(f"{attendance} memenuhi batas minimal {minimum}.")
    else:
        passed = False
        reasons.append(f"{attendance} di bawah batas minimal {minimum}.")
    if post_test is None:
        passed = False
        reasons.append("Nilai post-test belum diisi.")
    elif post_test >= rule.min_post_test:
        reasons.append(
            f"Nilai post-test {_number(post_test)} memenuhi batas {_number(rule.min_post_test)}."
        )
    else:
        passed = False
        reasons.append(
            f"Nilai post-test {_number(post_test)} di bawah batas {_number(rule.min_post_test)}."
        )
    return (TrainingResult.PASSED if passed else TrainingResult.FAILED), reasons


def format_certificate_number(year: int, number: int) -> str:
    """Return ``BALIKAT/2026/000123``."""
    return f"BALIKAT/{year}/{number:06d}"
