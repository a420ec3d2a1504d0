"""Pure rules of incubation: stages, milestones, revenue growth and the "siap dirujuk" indicator."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from harkat.core.enums import LabelledEnum


class IncubationStage(LabelledEnum):
    PRA = "pra", "Pra-inkubasi"
    INKUBASI = "inkubasi", "Inkubasi"
    PASCA = "pasca", "Pasca-inkubasi / mandiri"


class MilestoneKind(LabelledEnum):
    NIB = "nib", "NIB terbit"
    HALAL_PIRT = "halal_pirt", "Sertifikat halal atau P-IRT"
    BOOKKEEPING = "bookkeeping", "Pembukuan rutin 3 bulan"
    ONLINE_SALES = "online_sales", "Berjualan daring"
    REVENUE_UP = "revenue_up", "Omzet naik ≥10% dari awal"


#: Stages in which an entrepreneur counts as incubated, for the indicator and the journey.
INCUBATED_STAGES = frozenset({IncubationStage.INKUBASI, IncubationStage.PASCA})
#: Milestones the indicator requires, in the order the missing list names them.
REQUIRED_MILESTONES = (MilestoneKind.NIB, MilestoneKind.BOOKKEEPING)
#: Growth over the baseline, in percent, at which the revenue milestone is reached.
REVENUE_UP_PERCENT = Decimal(10)


@dataclass(frozen=True)
class Readiness:
    """The "siap dirujuk" indicator: ready, or what is still needed (in Indonesian)."""

    ready: bool
    missing: list[str] = field(default_factory=list)


def readiness(
    stage: IncubationStage | None,
    milestones_achieved: Iterable[MilestoneKind],
    has_graduated: bool,
) -> Readiness:
    """Decide whether an entrepreneur is ready to be referred to a bank.

    Ready when the entrepreneur has graduated from BALIKAT training, is in the *inkubasi* or
    *pasca-inkubasi* stage, and has achieved at least the NIB and the bookkeeping milestones.

    :param stage: the incubation stage, or None when none has been recorded yet.
    """
    achieved = set(milestones_achieved)
    missing: list[str] = []
    if not has_graduated:
        missing.append("Belum lulus pelatihan BALIKAT.")
    if stage is None:
        missing.append("Tahap inkubasi belum dicatat; minimal tahap Inkubasi.")
    elif stage not in INCUBATED_STAGES:
        missing.append(f"Masih tahap {stage.label}; minimal tahap Inkubasi.")
    for kind in REQUIRED_MILESTONES:
        if kind not in achieved:
            missing.append(f"Capaian belum tercatat: {kind.label}.")
    return Readiness(ready=not missing, missing=missing)


def revenue_growth(baseline: int | None, current: int | None) -> Decimal | None:
    """Return the change from the baseline monthly revenue in percent, one decimal, half-up.

    None when there is nothing to compare: no baseline, a zero baseline, or no current figure.
    """
    if baseline is None or current is None or baseline <= 0:
        return None
    percent = (Decimal(current) - Decimal(baseline)) * 100 / Decimal(baseline)
    return percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def revenue_up_reached(baseline: int | None, current: int | None) -> bool:
    """Whether revenue grew at least 10% on the baseline, compared exactly (not rounded).

    Exact, so that 9.96% (shown rounded as 10,0%) does not count as reaching 10%.
    """
    if baseline is None or current is None or baseline <= 0:
        return False
    return Decimal(current) * 100 >= Decimal(baseline) * (100 + REVENUE_UP_PERCENT)
