"""Use-cases of debt screening: run and store a screening, history, expiry, aggregates.

Services take a session and an explicit actor, flush, and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.auth.scope import can_edit_cases, kecamatan_scope
from harkat.cases.domain import JourneyStage
from harkat.cases.services import add_event, set_stage
from harkat.core import uploads
from harkat.core.dates import JAKARTA
from harkat.core.money import format_rupiah
from harkat.database import utcnow
from harkat.errors import NotFound, StopValidation
from harkat.registration.models import Entrepreneur
from harkat.registration.services import get_entrepreneur
from harkat.screening import engine
from harkat.screening.engine import (
    Debt,
    Household,
    LenderType,
    Outcome,
    Result,
    Thresholds,
    format_ratio_percent,
)
from harkat.screening.models import RATE_CAP, Screening, ScreeningDebt
from harkat.screening.registry import LenderIndex, RegistryState, registry_state
from harkat.settings.services import get_number

SLIK_FOLDER = "slik"
#: Journey stages a screening may move a case forward from.
_BEFORE_SCREENING = {
    JourneyStage.REGISTERED,
    JourneyStage.IN_TRAINING,
    JourneyStage.DROPPED_OUT,
    JourneyStage.GRADUATED,
    JourneyStage.IN_INCUBATION,
    JourneyStage.SCREENED,
    JourneyStage.DEBT_RESOLUTION,
}


def _today() -> date:
    return datetime.now(JAKARTA).date()


def current_thresholds(session: Session) -> Thresholds:
    """The screening thresholds as the admin configured them."""
    return Thresholds(
        high_cost_rate_percent=get_number(session, "screening.high_cost_rate_percent"),
        dsr_green_max=get_number(session, "screening.dsr_green_max"),
        dsr_yellow_max=get_number(session, "screening.dsr_yellow_max"),
        max_online_lenders=int(get_number(session, "screening.max_online_lenders")),
        settled_bad_debt_window_months=int(
            get_number(session, "screening.settled_bad_debt_window_months")
        ),
    )


def validity_days(session: Session) -> int:
    return int(get_number(session, "screening.validity_days"))


@dataclass
class ScreeningInput:
    household: Household
    debts: list[Debt] = field(default_factory=list)
    proposed_instalment: int = 0
    slik_worst_collectability: int | None = None
    slik_checked_on: date | None = None
    slik_file: bytes | None = None
    #: Per debt row: ``licensed`` or ``illegal`` when the facilitator confirmed it with OJK.
    licence_overrides: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LicenceCheck:
    """How one debt's licence was judged: by the registry or by the facilitator."""

    is_licensed: bool | None
    matched_lender: str | None = None
    source: str | None = None
    message: str | None = None


def check_online_lenders(
    session: Session,
    debts: list[Debt],
    overrides: dict[int, str] | None = None,
    today: date | None = None,
) -> tuple[list[Debt], dict[int, LicenceCheck], RegistryState]:
    """Match online lenders against the licensed registry, unless the facilitator overrode it.

    While the registry is empty or out of date (``screening.registry_max_age_days``), a lender
    it does not list as licensed is "unknown" (``is_licensed`` None), never "likely illegal".

    :param overrides: per row, ``licensed`` or ``illegal`` as the facilitator confirmed it.
    :return: the debts with ``is_licensed`` set, the check per row, and the registry's state.
    """
    overrides = overrides or {}
    state = registry_state(session, today)
    index = LenderIndex.load(session)
    checked, checks = [], {}
    for row, debt in enumerate(debts):
        if debt.lender_type in (LenderType.PINDAR, LenderType.PINJOL_ILEGAL, LenderType.PAYLATER):
            override = overrides.get(row)
            if override in ("licensed", "illegal"):
                check = LicenceCheck(override == "licensed", source="manual")
            elif debt.lender_type == LenderType.PINJOL_ILEGAL:
                check = LicenceCheck(False, source="manual")
            else:
                match = index.match(debt.lender_name)
                if match.is_licensed or state.is_usable:
                    is_licensed, message = match.is_licensed, match.message
                else:
                    is_licensed = None
                    message = f"Status izin belum diketahui: {state.unknown_reason}."
                check = LicenceCheck(
                    is_licensed,
                    match.lender.name if match.lender is not None else None,
                    "registry",
                    message,
                )
            debt = replace(debt, is_licensed=check.is_licensed)
            checks[row] = check
        checked.append(debt)
    return checked, checks, state


def _fail(problems: list[engine.ScreeningInputError]) -> None:
    reasons: dict[str | None, list[str]] = {}
    for problem in problems:
        key = f"debts-{problem.row}-{problem.field}" if problem.row is not None else problem.field
        reasons.setdefault(key, []).append(problem.reason)
    raise StopValidation(reasons)


def run_screening(
    session: Session,
    entrepreneur: Entrepreneur,
    data: ScreeningInput,
    actor: User,
    *,
    upload_dir: str | Path,
    max_upload_bytes: int,
    today: date | None = None,
) -> Screening:
    """Screen a household's debts and keep the result, its reasons and the take-over plan.

    :raise StopValidation: keyed by field (``debts-<row>-<field>`` for a debt row); nothing is
        stored then, not even the SLIK printout.
    """
    if not can_edit_cases(actor):
        raise StopValidation({None: ["Peran Anda tidak dapat mencatat skrining."]})
    today = today or _today()
    problems = engine.validate(
        data.debts, data.household, data.proposed_instalment, data.slik_worst_collectability
    )
    if data.slik_checked_on and data.slik_checked_on > today:
        problems.append(
            engine.ScreeningInputError("slik_checked_on", "Tanggal cek SLIK di masa depan.")
        )
    kind = None
    if data.slik_file:
        try:
            kind = uploads.check_file(
                data.slik_file,
                max_upload_bytes,
                allowed=(uploads.PDF, uploads.JPEG, uploads.PNG),
                format_message="Hasil cetak SLIK harus berupa PDF, JPEG atau PNG.",
                size_message="Ukuran berkas SLIK maksimal {limit}.",
            )
        except uploads.UploadError as error:
            problems.append(engine.ScreeningInputError("slik_file", str(error)))
    if problems:
        _fail(problems)

    debts, checks, state = check_online_lenders(session, data.debts, data.licence_overrides, today)
    thresholds = current_thresholds(session)
    result = engine.screen(
        debts,
        data.household,
        data.proposed_instalment,
        thresholds,
        slik_worst_collectability=data.slik_worst_collectability,
        licence_unknown_reason=state.unknown_reason,
    )
    screening = Screening(
        entrepreneur_id=entrepreneur.id,
        screened_on=today,
        valid_until=today + timedelta(days=validity_days(session)),
        facilitator_id=actor.id,
        household_income=data.household.household_income,
        business_income=data.household.business_income,
        household_expenses=data.household.household_expenses,
        proposed_instalment=data.proposed_instalment,
        slik_worst_collectability=data.slik_worst_collectability,
        slik_checked_on=data.slik_checked_on,
        registry_checked_on=state.checked_on,
        thresholds=thresholds.as_dict(),
    )
    _keep_result(screening, result)
    for position, assessment in enumerate(result.debts):
        debt = assessment.debt
        check = checks.get(position, LicenceCheck(debt.is_licensed))
        screening.debts.append(
            ScreeningDebt(
                position=position,
                lender_name=debt.lender_name,
                lender_type=debt.lender_type,
                principal=debt.principal,
                outstanding=debt.outstanding,
                instalment=debt.instalment,
                frequency=debt.frequency,
                instalments_total=debt.instalments_total,
                instalments_paid=debt.instalments_paid,
                amount_repaid=debt.amount_repaid,
                days_past_due=debt.days_past_due,
                collectability=debt.collectability,
                intimidation=debt.intimidation,
                is_licensed=debt.is_licensed,
                matched_lender=check.matched_lender,
                licence_source=check.source,
                settled_bad_debt_months_ago=debt.settled_bad_debt_months_ago,
            )
        )
    _keep_debt_results(screening.debts, result)
    if kind is not None:
        stored = uploads.store_file(data.slik_file, kind, upload_dir, SLIK_FOLDER)
        screening.slik_file_path = stored.path
        screening.slik_file_sha256 = stored.sha256
        screening.slik_file_mime = stored.mime
    session.add(screening)
    try:
        session.flush()
    except BaseException:
        if screening.slik_file_path:
            uploads.delete_file(upload_dir, SLIK_FOLDER, screening.slik_file_path)
        raise
    thresholds_shown = (thresholds.dsr_green_max, thresholds.dsr_yellow_max)
    add_event(
        session,
        entrepreneur.id,
        "screening",
        f"Skrining utang: {result.outcome.label}. Sisa utang "
        f"Rp{result.total_outstanding:,}".replace(",", ".")
        + (
            f", DSR {format_ratio_percent(result.dsr, *thresholds_shown)}."
            if result.dsr is not None
            else "."
        ),
        actor,
        {"screening_id": screening.id, "outcome": result.outcome.value},
    )
    if entrepreneur.stage in _BEFORE_SCREENING:
        stage = (
            JourneyStage.DEBT_RESOLUTION
            if result.outcome == Outcome.MERAH
            else JourneyStage.SCREENED
        )
        set_stage(session, entrepreneur, stage, actor)
    return screening


#: DSRs are kept to this many decimals: enough that a stored ratio sits on the same side of
#: every limit as the unrounded one the rules compared.
_DSR_QUANTUM = Decimal("0.0001")


def _kept_ratio(value: Decimal | None) -> Decimal | None:
    """Round a DSR for storage, away from a limit it crossed (30,00004% stays above 30%)."""
    if value is None:
        return None
    return value.quantize(_DSR_QUANTUM, rounding=ROUND_CEILING)


def _keep_result(screening: Screening, result: Result) -> None:
    """Copy the outcome, reasons and household figures of an engine result onto a screening."""
    plan = result.take_over
    screening.outcome = result.outcome
    screening.reasons = result.reason_texts
    screening.flags = [flag.value for flag in result.flags]
    screening.total_outstanding = result.total_outstanding
    screening.monthly_debt_service = result.monthly_service
    screening.dsr = _kept_ratio(result.dsr)
    screening.dsr_with_proposed = _kept_ratio(result.dsr_with_proposed)
    screening.dsr_after_take_over = _kept_ratio(result.dsr_after_take_over)
    screening.take_over_required = result.take_over_required
    screening.take_over_amount = plan.amount if plan else 0
    screening.take_over_instalment = plan.instalment if plan else 0
    screening.take_over_savings = plan.money_saved if plan else 0


def _keep_debt_results(rows: list[ScreeningDebt], result: Result) -> None:
    """Copy each debt's computed rate, cost class and take-over payoff onto its row."""
    for row, assessment in zip(rows, result.debts, strict=True):
        row.nominal_rate_percent = min(assessment.rate.nominal_annual_percent, RATE_CAP)
        row.effective_rate_percent = min(assessment.rate.effective_annual_percent, RATE_CAP)
        row.monthly_service = assessment.monthly_service
        row.is_high_cost = assessment.is_high_cost
        row.taken_over = assessment.taken_over
        row.take_over_amount = assessment.take_over_amount


def _debt_of(row: ScreeningDebt, override: int | None) -> Debt:
    return Debt(
        lender_name=row.lender_name,
        lender_type=row.lender_type,
        principal=row.principal,
        outstanding=row.outstanding,
        instalment=row.instalment,
        frequency=row.frequency,
        instalments_total=row.instalments_total,
        instalments_paid=row.instalments_paid,
        days_past_due=row.days_past_due,
        collectability=row.collectability,
        intimidation=row.intimidation,
        is_licensed=row.is_licensed,
        settled_bad_debt_months_ago=row.settled_bad_debt_months_ago,
        amount_repaid=row.amount_repaid,
        take_over_override=override,
    )


def override_take_over(
    session: Session, debt: ScreeningDebt, amount: int | None, reason: str, actor: User
) -> Screening:
    """Let an admin set what a take-over pays one lender, with a reason; the screening is
    worked out again with it, and the decision is audited.

    :raise StopValidation: not an admin, no reason, or an amount outside 0 … outstanding.
    """
    from harkat.audit.services import record

    if actor.role != Role.ADMIN:
        raise StopValidation({None: ["Hanya admin yang dapat mengubah usulan pengambilalihan."]})
    reason = " ".join((reason or "").split())
    problems: dict[str | None, list[str]] = {}
    if amount is None or not 0 <= amount <= debt.outstanding:
        problems["amount"] = [
            f"Jumlah pelunasan harus antara Rp0 dan sisa tagihan {format_rupiah(debt.outstanding)}."
        ]
    if len(reason) < 10:
        problems["reason"] = ["Alasan wajib diisi (minimal 10 huruf)."]
    if problems:
        raise StopValidation(problems)
    screening = debt.screening
    before = debt.payoff
    overrides = {debt.id: amount}
    for row in screening.debts:
        if row.take_over_override_at is not None and row.id != debt.id:
            overrides[row.id] = row.take_over_amount
    result = engine.screen(
        [_debt_of(row, overrides.get(row.id)) for row in screening.debts],
        Household(
            household_income=screening.household_income,
            business_income=screening.business_income,
            household_expenses=screening.household_expenses,
        ),
        screening.proposed_instalment,
        Thresholds.from_mapping(screening.thresholds or {}),
        slik_worst_collectability=screening.slik_worst_collectability,
        licence_unknown_reason=_licence_reason_then(session, screening),
    )
    _keep_result(screening, result)
    _keep_debt_results(screening.debts, result)
    debt.take_over_override_reason = reason[:500]
    debt.take_over_override_by = actor.full_name[:120]
    debt.take_over_override_at = utcnow()
    session.flush()
    record(
        session,
        "screening.take_over_override",
        entity=debt,
        changes={
            "lender": debt.lender_name,
            "take_over_amount": [before, debt.payoff],
            "reason": reason,
            "screening_id": screening.id,
        },
    )
    add_event(
        session,
        screening.entrepreneur_id,
        "screening",
        f"Admin menetapkan pengambilalihan utang ke {debt.lender_name} sebesar "
        f"{format_rupiah(debt.payoff)}: {reason}",
        actor,
        {"screening_id": screening.id},
    )
    return screening


def _licence_reason_then(session: Session, screening: Screening) -> str | None:
    """Why licences were unknown when the screening was made (its registry date then)."""
    from harkat.screening.registry import RegistryState, max_age_days

    return RegistryState(
        screening.registry_checked_on, max_age_days(session), screening.screened_on
    ).unknown_reason


def get_screening_debt(session: Session, debt_id: int, user: User) -> ScreeningDebt:
    """Return one debt row if its screening lies in the user's scope.

    :raise NotFound: otherwise.
    """
    debt = session.get(ScreeningDebt, debt_id)
    if debt is None:
        raise NotFound("Utang tidak ditemukan.")
    get_screening(session, debt.screening_id, user)
    return debt


def get_screening(session: Session, screening_id: int, user: User) -> Screening:
    """Return a screening if its entrepreneur lies in the user's scope.

    :raise NotFound: otherwise.
    """
    screening = session.get(Screening, screening_id)
    if screening is None:
        raise NotFound("Skrining tidak ditemukan.")
    get_entrepreneur(session, screening.entrepreneur_id, user)
    return screening


def history(session: Session, entrepreneur_id: int) -> list[Screening]:
    """Every screening of an entrepreneur, oldest first (for the debt and DSR over time)."""
    return list(
        session.scalars(
            sa.select(Screening)
            .where(Screening.entrepreneur_id == entrepreneur_id)
            .order_by(Screening.screened_on, Screening.id)
        )
    )


def latest_valid(session: Session, entrepreneur_id: int, today: date | None = None):
    """The newest screening still valid today, or None (the referral gates use this)."""
    today = today or _today()
    return session.scalar(
        sa.select(Screening)
        .where(Screening.entrepreneur_id == entrepreneur_id, Screening.valid_until >= today)
        .order_by(Screening.screened_on.desc(), Screening.id.desc())
        .limit(1)
    )


def expiring_for(
    session: Session, user: User, within_days: int = 14, today: date | None = None, limit: int = 50
) -> list[tuple[Entrepreneur, Screening]]:
    """Cases whose newest screening has expired or expires soon, for the facilitator's tasks."""
    today = today or _today()
    # Walk the screenings by expiry date and keep each person's newest (no later screening of
    # theirs exists); grouping every screening in the city first took 0.5 s at 1M cases.
    newer = sa.orm.aliased(Screening)
    rows = session.execute(
        sa.select(Entrepreneur, Screening)
        .join(Entrepreneur, Entrepreneur.id == Screening.entrepreneur_id)
        .where(
            kecamatan_scope(user, Entrepreneur.kecamatan_code),
            Screening.valid_until <= today + timedelta(days=within_days),
            ~sa.exists().where(
                newer.entrepreneur_id == Screening.entrepreneur_id, newer.id > Screening.id
            ),
        )
        .order_by(Screening.valid_until, Screening.id)
        .limit(limit)
    )
    return [(entrepreneur, screening) for entrepreneur, screening in rows]


RATE_BANDS = [
    (Decimal(0), Decimal(10), "0–10%"),
    (Decimal(10), Decimal(50), "10–50%"),
    (Decimal(50), Decimal(100), "50–100%"),
    (Decimal(100), Decimal(500), "100–500%"),
    (Decimal(500), None, "di atas 500%"),
]


def aggregates(session: Session, start: date, end: date) -> dict:
    """Screening findings for the monthly report, by kecamatan and month of screening.

    Counts the newest screening of each entrepreneur screened in ``[start, end)``.
    """
    newest = (
        sa.select(sa.func.max(Screening.id).label("id"))
        .where(Screening.screened_on >= start, Screening.screened_on < end)
        .group_by(Screening.entrepreneur_id)
        .subquery()
    )
    base = sa.select(Screening).join(newest, newest.c.id == Screening.id).subquery()
    screened = sa.orm.aliased(Screening, base)
    month = sa.func.substr(sa.cast(screened.screened_on, sa.String), 1, 7)

    def has(flag: str):
        return sa.func.sum(
            sa.case((sa.cast(screened.flags, sa.String).like(f'%"{flag}"%'), 1), else_=0)
        )

    rows = session.execute(
        sa.select(
            Entrepreneur.kecamatan_code,
            month.label("month"),
            sa.func.count(),
            has("illegal_pinjol"),
            has("loan_shark"),
            has("formal_arrears"),
            sa.func.sum(sa.case((screened.outcome == Outcome.HIJAU, 1), else_=0)),
            sa.func.sum(sa.case((screened.outcome == Outcome.KUNING, 1), else_=0)),
            sa.func.sum(sa.case((screened.outcome == Outcome.MERAH, 1), else_=0)),
            sa.func.coalesce(sa.func.sum(screened.take_over_amount), 0),
        )
        .join(Entrepreneur, Entrepreneur.id == screened.entrepreneur_id)
        .group_by(Entrepreneur.kecamatan_code, month)
        .order_by(Entrepreneur.kecamatan_code, month)
    ).all()

    # The debts of those screenings in one pass: the high-cost outstanding and the rate bands.
    def band(low: Decimal, high: Decimal | None):
        condition = ScreeningDebt.nominal_rate_percent >= low
        if high is not None:
            condition = sa.and_(condition, ScreeningDebt.nominal_rate_percent < high)
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    high_cost, *counts = session.execute(
        sa.select(
            sa.func.coalesce(
                sa.func.sum(sa.case((ScreeningDebt.is_high_cost, ScreeningDebt.outstanding))), 0
            ),
            *(band(low, high) for low, high, _ in RATE_BANDS),
        ).join(base, base.c.id == ScreeningDebt.screening_id)
    ).one()
    bands = [(label, int(n)) for (_, _, label), n in zip(RATE_BANDS, counts, strict=True)]
    return {
        "by_kecamatan_month": [
            {
                "kecamatan": kec,
                "month": mon,
                "screened": n,
                "illegal_pinjol": int(pinjol or 0),
                "loan_shark": int(shark or 0),
                "formal_arrears": int(arrears or 0),
                "hijau": int(green or 0),
                "kuning": int(yellow or 0),
                "merah": int(red or 0),
                "take_over_amount": int(taken or 0),
            }
            for kec, mon, n, pinjol, shark, arrears, green, yellow, red, taken in rows
        ],
        "high_cost_outstanding": int(high_cost or 0),
        "total_taken_over": sum(int(r[-1] or 0) for r in rows),
        "rate_distribution": bands,
    }
