"""When a newer screening replaces the one a draft referral was prepared on, say what changed
(outcome, DSR, the debts taken over) and what to do. Pure: no Flask, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from harkat.core.dates import format_date
from harkat.screening.engine import format_ratio_percent


@dataclass(frozen=True)
class ScreeningSummary:
    id: int
    screened_on: date
    outcome_label: str
    #: Debt-service ratio (percent) of the debts already running, unrounded.
    dsr: Decimal | None
    #: Lenders whose debts the screening proposes to take over.
    proposed_take_overs: tuple[str, ...] = ()


def screening_drift(
    name: str,
    drafted_on: ScreeningSummary | None,
    latest: ScreeningSummary | None,
    chosen_take_overs: tuple[str, ...] = (),
) -> list[str]:
    """What a newer screening changes for one borrower line; empty when nothing changed.

    :param drafted_on: the screening the line was drafted on.
    :param latest: the newest valid screening.
    :param chosen_take_overs: lenders whose debts the referral takes over for this person.
    """
    if drafted_on is None or latest is None or drafted_on.id == latest.id:
        return []
    lines = [
        f"Skrining baru {name} tanggal {format_date(latest.screened_on)} menggantikan skrining "
        f"{format_date(drafted_on.screened_on)} yang dipakai saat rujukan ini disusun."
    ]
    if drafted_on.outcome_label != latest.outcome_label:
        lines.append(
            f"Hasilnya berubah dari {drafted_on.outcome_label} menjadi {latest.outcome_label}."
        )
    if drafted_on.dsr is not None and latest.dsr is not None and drafted_on.dsr != latest.dsr:
        lines.append(
            f"DSR utang berjalan berubah dari {format_ratio_percent(drafted_on.dsr)} menjadi "
            f"{format_ratio_percent(latest.dsr)}."
        )
    if chosen_take_overs:
        lines.append(
            "Utang yang diambil alih di rujukan ini (" + ", ".join(chosen_take_overs) + ") "
            "berasal dari skrining lama dan tidak lagi dihitung dalam DSR."
        )
    if latest.proposed_take_overs:
        lines.append(
            "Skrining baru mengusulkan pengambilalihan: "
            + ", ".join(latest.proposed_take_overs)
            + "."
        )
    lines.append(
        "Yang perlu dilakukan: buka Ubah, pilih ulang utang yang diambil alih dari skrining "
        "terbaru lalu simpan, dan periksa DSR di daftar periksa sebelum mengajukan."
    )
    return lines
