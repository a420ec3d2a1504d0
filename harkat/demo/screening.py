"""Demo debt screenings with realistic debt mixes: most households clean, some with licensed
or illegal online loans, loan sharks with daily instalments, and formal arrears. Every figure
is computed by the real engine, so demo results agree with what the pages would compute."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from harkat.cases.domain import JourneyStage
from harkat.cases.models import CaseEvent
from harkat.core.dates import JAKARTA
from harkat.demo import id_span
from harkat.registration.models import Entrepreneur
from harkat.screening.engine import Debt, Frequency, Household, LenderType, Thresholds, screen
from harkat.screening.models import RATE_CAP, Screening, ScreeningDebt
from harkat.screening.registry import registry_checked_on, seed_demo_registry

SCREENED_STAGES = {
    JourneyStage.SCREENED,
    JourneyStage.DEBT_RESOLUTION,
    JourneyStage.REFERRED,
    JourneyStage.APPROVED,
    JourneyStage.DISBURSED,
    JourneyStage.REPAYING,
}
PINDAR = ["Kredivo", "Asetku", "AdaKami", "EasyCash", "Kredit Pintar", "Julo", "Danamas"]
ILLEGAL = ["Dana Kilat 88", "Pinjam Cepat Jaya", "Uang Instan", "KTA Kilat Online", "RupiahGo"]
SHARKS = ["Bu Ros", "Pak Udin (bank keliling)", "Koperasi Harian Keliling", "Mak Ijah"]
BANKS = ["Bank 9 Jambi", "BRI Unit Jelutung", "BPR Central Dana", "Koperasi Sejahtera"]


def _loan(rng: random.Random, kind: str) -> Debt:
    """One plausible debt of a kind: clean, pindar, illegal, shark or arrears."""
    if kind == "pindar":
        principal = rng.choice([500_000, 1_000_000, 1_500_000, 2_000_000])
        months = rng.choice([1, 3, 6])
        instalment = int(principal * (1 + 0.0025 * 30 * months) / months) // 1000 * 1000
        return Debt(
            rng.choice(PINDAR),
            LenderType.PINDAR,
            principal,
            principal,
            instalment,
            Frequency.MONTHLY,
            months,
            is_licensed=True,
        )
    if kind == "illegal":
        principal = rng.choice([500_000, 800_000, 1_000_000])
        repay = int(principal * rng.uniform(1.3, 1.6)) // 1000 * 1000
        return Debt(
            rng.choice(ILLEGAL),
            LenderType.PINJOL_ILEGAL,
            principal,
            repay,
            repay,
            Frequency.MONTHLY,
            1,
            intimidation=rng.random() < 0.35,
            is_licensed=False,
        )
    if kind == "shark":
        principal = rng.choice([500_000, 1_000_000, 2_000_000])
        count = rng.choice([24, 30, 40])
        instalment = int(principal * rng.uniform(1.2, 1.3) / count) // 1000 * 1000
        paid = rng.randrange(0, count // 2)
        return Debt(
            rng.choice(SHARKS),
            LenderType.RENTENIR,
            principal,
            int(principal * (count - paid) / count),
            instalment,
            Frequency.DAILY,
            count,
            instalments_paid=paid,
        )
    if kind == "arrears":
        principal = rng.choice([5_000_000, 10_000_000, 15_000_000])
        instalment = int(principal * 1.12 / 24) // 1000 * 1000
        kol = rng.choice([2, 2, 3, 4, 5])
        days = {2: 45, 3: 100, 4: 150, 5: 200}[kol]
        return Debt(
            rng.choice(BANKS),
            LenderType.BANK,
            principal,
            principal // 2,
            instalment,
            Frequency.MONTHLY,
            24,
            instalments_paid=10,
            days_past_due=days,
            collectability=kol,
        )
    principal = rng.choice([3_000_000, 5_000_000, 10_000_000])
    instalment = int(principal * 1.10 / 24) // 1000 * 1000
    return Debt(
        rng.choice(BANKS),
        LenderType.BANK,
        principal,
        principal // 2,
        instalment,
        Frequency.MONTHLY,
        24,
        instalments_paid=12,
        collectability=1,
    )


def _mix(rng: random.Random, stage: JourneyStage) -> list[Debt]:
    if stage == JourneyStage.DEBT_RESOLUTION:
        # Red by construction: unsettled formal arrears (Kol 3 to 5) or an intimidating pinjol.
        if rng.random() < 0.5:
            trouble = _with_collectability(_loan(rng, "arrears"), rng.choice([3, 4, 5]))
        else:
            trouble = replace(_loan(rng, "illegal"), intimidation=True)
        return [trouble, _loan(rng, rng.choice(["shark", "pindar"]))]
    roll = rng.random()
    if roll < 0.45:
        return []
    if roll < 0.65:
        return [_loan(rng, "clean")]
    if roll < 0.80:
        return [_loan(rng, "pindar")]
    if roll < 0.92:
        return [_loan(rng, "shark")]
    return [_loan(rng, "pindar"), _loan(rng, "clean")]


def _with_collectability(debt: Debt, kol: int) -> Debt:
    return replace(debt, collectability=kol, days_past_due={3: 100, 4: 150, 5: 200}[kol])


def seed_screening_demo(session: Session, entrepreneur_ids: list[int], seed: int) -> int:
    """Screen the demo cases whose journey stage says they were screened; return how many."""
    rng = random.Random(seed * 104729)
    # The sample registry, so demo pinjol names match as they would in a real installation.
    seed_demo_registry(session)
    registry_checked = registry_checked_on(session)
    thresholds = Thresholds()
    today = datetime.now(JAKARTA).date()
    now = datetime.now(UTC)
    people = session.execute(
        sa.select(Entrepreneur.id, Entrepreneur.stage, Entrepreneur.facilitator_id).where(
            id_span(Entrepreneur.id, entrepreneur_ids), Entrepreneur.stage.in_(SCREENED_STAGES)
        )
    ).all()
    screening_id = (session.scalar(sa.select(sa.func.max(Screening.id))) or 0) + 1
    screenings, debts_rows, events = [], [], []
    for person in people:
        debts = _mix(rng, person.stage)
        income = rng.randrange(25, 80) * 100_000
        household = {
            "household_income": rng.choice([0, 0, 1_000_000, 2_000_000]),
            "business_income": income,
            "household_expenses": int(income * rng.uniform(0.35, 0.6)) // 1000 * 1000,
        }
        result = screen(debts, Household(**household), 0, thresholds)
        plan = result.take_over
        screened_on = today - timedelta(days=rng.randrange(0, 120))
        screenings.append(
            {
                "id": screening_id,
                "entrepreneur_id": person.id,
                "screened_on": screened_on,
                "valid_until": screened_on + timedelta(days=90),
                "facilitator_id": person.facilitator_id,
                **household,
                "proposed_instalment": 0,
                "slik_worst_collectability": None,
                "slik_checked_on": None,
                "outcome": result.outcome,
                "reasons": result.reason_texts,
                "flags": [f.value for f in result.flags],
                "total_outstanding": result.total_outstanding,
                "monthly_debt_service": result.monthly_service,
                "dsr": result.dsr,
                "dsr_with_proposed": result.dsr_with_proposed,
                "dsr_after_take_over": result.dsr_after_take_over,
                "take_over_required": result.take_over_required,
                "take_over_amount": plan.amount if plan else 0,
                "take_over_instalment": plan.instalment if plan else 0,
                "take_over_savings": plan.money_saved if plan else 0,
                "thresholds": thresholds.as_dict(),
                "registry_checked_on": registry_checked,
                "created_at": now,
            }
        )
        for position, a in enumerate(result.debts):
            d = a.debt
            debts_rows.append(
                {
                    "screening_id": screening_id,
                    "position": position,
                    "lender_name": d.lender_name,
                    "lender_type": d.lender_type,
                    "principal": d.principal,
                    "outstanding": d.outstanding,
                    "instalment": d.instalment,
                    "frequency": d.frequency,
                    "instalments_total": d.instalments_total,
                    "instalments_paid": d.instalments_paid,
                    "days_past_due": d.days_past_due,
                    "collectability": d.collectability,
                    "intimidation": d.intimidation,
                    "is_licensed": d.is_licensed,
                    "matched_lender": None,
                    "settled_bad_debt_months_ago": d.settled_bad_debt_months_ago,
                    "nominal_rate_percent": min(a.rate.nominal_annual_percent, RATE_CAP),
                    "effective_rate_percent": min(a.rate.effective_annual_percent, RATE_CAP),
                    "monthly_service": a.monthly_service,
                    "is_high_cost": a.is_high_cost,
                    "taken_over": a.taken_over,
                    "amount_repaid": d.amount_repaid,
                    "take_over_amount": a.take_over_amount,
                }
            )
        events.append(
            {
                "entrepreneur_id": person.id,
                "at": now,
                "actor_id": person.facilitator_id,
                "kind": "screening",
                "summary": f"Skrining utang: {result.outcome.label}.",
                "data": {"screening_id": screening_id},
            }
        )
        screening_id += 1
    for model, rows in ((Screening, screenings), (ScreeningDebt, debts_rows), (CaseEvent, events)):
        for start in range(0, len(rows), 5000):
            session.execute(sa.insert(model), rows[start : start + 5000])
    return len(screenings)
