"""The next step of an entrepreneur's journey (DESIGN §3), decided from the case's state.

Pure: no Flask, no database. :func:`harkat.cases.story.case_state` gathers the facts; the
entrepreneur page asks :func:`next_step` and turns the answer's ``kind`` into a link.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class StepKind(enum.StrEnum):
    BUSINESS = "business"
    CONSENT = "consent"
    TRAINING = "training"
    ENROL = "enrol"
    SCREENING = "screening"
    RESOLVE_DEBT = "resolve_debt"
    REFERRAL = "referral"
    OPEN_REFERRAL = "open_referral"
    LOAN = "loan"


@dataclass(frozen=True)
class CaseState:
    """What the entrepreneur page knows about a case, in plain values."""

    has_business: bool
    consented_processing: bool
    consented_bank_sharing: bool
    has_graduated: bool
    #: Cohort id of a training the person is enrolled in and that has not closed.
    open_cohort_id: int | None = None
    open_cohort_name: str = ""
    #: Outcome value (``hijau``/``kuning``/``merah``) of the newest screening still valid.
    valid_screening_outcome: str | None = None
    #: Id, number and status label of a referral that is still open, if any.
    open_referral: tuple[int, str, str] | None = None
    #: Id and number of the newest disbursed referral, if any.
    disbursed_referral: tuple[int, str] | None = None
    is_active: bool = True


@dataclass(frozen=True)
class NextStep:
    kind: StepKind
    title: str
    why: str
    #: The record the link goes to (a cohort or a referral), when the step is about one.
    target_id: int | None = None


def next_step(case: CaseState) -> NextStep | None:
    """The one thing to do next for this case, or None when nothing is due (inactive cases)."""
    if not case.is_active:
        return None
    if case.open_referral is not None:
        rid, number, status = case.open_referral
        return NextStep(
            StepKind.OPEN_REFERRAL,
            f"Pantau rujukan {number}",
            f"Rujukan berstatus {status}; lanjutkan dari halaman rujukan.",
            rid,
        )
    if case.disbursed_referral is not None:
        rid, number = case.disbursed_referral
        return NextStep(
            StepKind.LOAN,
            "Dampingi angsuran",
            f"Dana rujukan {number} sudah cair; pantau laporan kolektibilitas bulanannya.",
            rid,
        )
    if not case.has_business:
        return NextStep(
            StepKind.BUSINESS, "Catat usahanya", "Rujukan dan skala usaha memerlukan data usaha."
        )
    if not (case.consented_processing and case.consented_bank_sharing):
        return NextStep(
            StepKind.CONSENT,
            "Catat persetujuan data pribadi",
            "Pengolahan data dan pembagian data ke bank wajib disetujui sebelum dirujuk.",
        )
    if not case.has_graduated:
        if case.open_cohort_id is not None:
            return NextStep(
                StepKind.TRAINING,
                f"Dampingi pelatihan {case.open_cohort_name}".strip(),
                "Lulus pelatihan (kehadiran dan post-test) adalah syarat rujukan.",
                case.open_cohort_id,
            )
        return NextStep(
            StepKind.ENROL,
            "Daftarkan ke angkatan pelatihan BALIKAT",
            "Lulus pelatihan adalah syarat rujukan (atau pengecualian dari admin).",
        )
    if case.valid_screening_outcome is None:
        return NextStep(
            StepKind.SCREENING,
            "Lakukan skrining utang",
            "Rujukan memerlukan skrining yang berumur paling lama 90 hari.",
        )
    if case.valid_screening_outcome == "merah":
        return NextStep(
            StepKind.RESOLVE_DEBT,
            "Selesaikan utangnya, lalu skrining ulang",
            "Hasil skrining MERAH: konseling, lunasi tunggakan, laporkan pinjol ilegal (OJK 157).",
        )
    return NextStep(
        StepKind.REFERRAL,
        "Buat rujukan ke bank",
        "Syarat utama sudah terpenuhi; siapkan rujukan dan dokumennya.",
    )
