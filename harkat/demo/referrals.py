"""Demo referrals in every state, disbursements spread over the past year, and monthly
repayment reports in which a few loans slip into arrears. Amounts follow the seeded schemes;
schedules come from the real loan arithmetic, so outstanding balances are plausible."""

from __future__ import annotations

import hashlib
import io
import random
import secrets
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import sqlalchemy as sa
from reportlab.lib.pagesizes import A5
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy.orm import Session

from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.cases.domain import JourneyStage
from harkat.cases.models import CaseEvent
from harkat.core.dates import JAKARTA
from harkat.core.enums import ApplicantType
from harkat.demo import id_span
from harkat.reference.models import Bank, Scheme
from harkat.referrals.gates import DocumentKind, Gate
from harkat.referrals.loans import schedule
from harkat.referrals.models import (
    Loan,
    LoanPurpose,
    LoanReport,
    Referral,
    ReferralDocument,
    ReferralMember,
    ReferralMessage,
    ReferralTransition,
)
from harkat.referrals.services import DOCUMENT_FOLDER
from harkat.referrals.transitions import ReferralStatus
from harkat.registration.models import Entrepreneur
from harkat.screening.engine import Outcome
from harkat.screening.models import Screening

S = ReferralStatus
#: Where a case at each journey stage stands with its referral (weights).
PATHS = {
    JourneyStage.SCREENED: [(None, 70), (S.DRAFT, 12), (S.REJECTED, 10), (S.WITHDRAWN, 8)],
    JourneyStage.REFERRED: [(S.SUBMITTED, 45), (S.IN_REVIEW, 35), (S.NEEDS_INFO, 20)],
    JourneyStage.APPROVED: [(S.APPROVED, 100)],
    JourneyStage.DISBURSED: [(S.DISBURSED, 100)],
    JourneyStage.REPAYING: [(S.DISBURSED, 100)],
}
#: The actions that lead to each state, in order.
STEPS = {
    S.DRAFT: [],
    S.SUBMITTED: ["submit"],
    S.IN_REVIEW: ["submit", "review"],
    S.NEEDS_INFO: ["submit", "review", "request_info"],
    S.APPROVED: ["submit", "review", "approve"],
    S.DISBURSED: ["submit", "review", "approve", "disburse"],
    S.REJECTED: ["submit", "review", "reject"],
    S.WITHDRAWN: ["submit", "withdraw"],
}
AFTER = {
    "submit": S.SUBMITTED,
    "review": S.IN_REVIEW,
    "request_info": S.NEEDS_INFO,
    "approve": S.APPROVED,
    "reject": S.REJECTED,
    "withdraw": S.WITHDRAWN,
    "disburse": S.DISBURSED,
}
BANK_WEIGHTS = {"BANK9JAMBI": 50, "BRI": 20, "BNI": 10, "MANDIRI": 10, "BSI": 10}
REASONS = [("slik", 35), ("kapasitas", 30), ("dokumen", 15), ("usaha", 15), ("lainnya", 5)]
INFO_REQUESTS = [
    "Mohon lampirkan foto usaha terbaru (tampak depan dan etalase).",
    "SKU sudah lewat satu tahun; mohon SKU terbaru dari kelurahan.",
    "Mohon slip pelunasan utang yang diambil alih.",
    "Nama di KK berbeda ejaan dengan KTP; mohon surat keterangan.",
]


def _weighted(rng: random.Random, pairs):
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights=weights)[0]


def _at(day: date, rng: random.Random) -> datetime:
    """A moment during office hours in Jambi on ``day``, in UTC."""
    local = datetime.combine(day, time(rng.randrange(8, 16), rng.randrange(60)), JAKARTA)
    return local.astimezone(UTC)


def _snapshot() -> list[dict]:
    return [
        {
            "gate": gate.value,
            "label": gate.label,
            "passed": True,
            "problems": [],
            "exemption_reason": None,
            "exempted_by": None,
        }
        for gate in Gate
    ]


def _sample_documents(upload_dir: str) -> dict[DocumentKind, tuple[str, str, int]]:
    """Write one clearly marked sample PDF per required kind; return its path, hash and size."""
    folder = Path(upload_dir) / DOCUMENT_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    samples = {}
    for kind in (
        DocumentKind.KTP,
        DocumentKind.KK,
        DocumentKind.NIB_SKU,
        DocumentKind.BUSINESS_PHOTO,
    ):
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=A5, invariant=1)
        canvas.setFont("Helvetica-Bold", 16)
        canvas.drawString(40, 500, f"CONTOH {kind.label.upper()}")
        canvas.setFont("Helvetica", 11)
        canvas.drawString(40, 475, "Dokumen contoh data demo HARKAT, bukan dokumen asli.")
        canvas.save()
        data = buffer.getvalue()
        relative = f"{DOCUMENT_FOLDER}/demo-{kind.value}.pdf"
        (Path(upload_dir) / relative).write_bytes(data)
        samples[kind] = (relative, hashlib.sha256(data).hexdigest(), len(data))
    return samples


def seed_referral_demo(
    session: Session, entrepreneur_ids: list[int], seed: int, upload_dir: str | None = None
) -> dict:
    """Create referrals, loans and repayment reports for the demo cases; return counts."""
    rng = random.Random(seed * 7919)
    today = datetime.now(JAKARTA).date()
    scheme = session.scalar(
        sa.select(Scheme).where(Scheme.applicant_type == ApplicantType.INDIVIDUAL, Scheme.is_active)
    )
    banks = {b.code: b.id for b in session.scalars(sa.select(Bank).where(Bank.is_active))}
    bank_choices = [(code, w) for code, w in BANK_WEIGHTS.items() if code in banks]
    if scheme is None or not bank_choices:
        return {"referrals": 0, "loans": 0, "reports": 0}
    officers = dict(
        session.execute(
            sa.select(User.bank_id, sa.func.min(User.id))
            .where(User.role == Role.BANK_OFFICER)
            .group_by(User.bank_id)
        ).all()
    )
    latest = (
        sa.select(Screening.entrepreneur_id, sa.func.max(Screening.id).label("id"))
        .where(id_span(Screening.entrepreneur_id, entrepreneur_ids))
        .group_by(Screening.entrepreneur_id)
        .subquery()
    )
    people = session.execute(
        sa.select(
            Entrepreneur.id,
            Entrepreneur.stage,
            Entrepreneur.kecamatan_code,
            Entrepreneur.facilitator_id,
            Screening.screened_on,
            Screening.outcome,
        )
        .join(latest, latest.c.entrepreneur_id == Entrepreneur.id)
        .join(Screening, Screening.id == latest.c.id)
        .where(Entrepreneur.stage.in_(list(PATHS)))
        .order_by(Entrepreneur.id)
    ).all()
    referral_id = (session.scalar(sa.select(sa.func.max(Referral.id))) or 0) + 1
    member_id = (session.scalar(sa.select(sa.func.max(ReferralMember.id))) or 0) + 1
    loan_id = (session.scalar(sa.select(sa.func.max(Loan.id))) or 0) + 1
    referrals, members, transitions, messages, loans, reports, events = [], [], [], [], [], [], []
    samples = _sample_documents(upload_dir) if upload_dir else {}
    documents = []
    repaying: list[int] = []
    for person in people:
        if person.outcome == Outcome.MERAH:
            continue
        status = _weighted(rng, PATHS[person.stage])
        if status is None:
            continue
        bank_id = banks[_weighted(rng, bank_choices)]
        officer_id = officers.get(bank_id)
        amount = rng.choice([2_000_000, 3_000_000, 5_000_000, 7_500_000, 10_000_000])
        tenor = rng.choice([12, 12, 18, 24])
        steps = STEPS[status]
        # Disbursed cases spread over the past year; open ones are recent.
        if status == S.DISBURSED:
            start = today - timedelta(days=rng.randrange(20, 365))
        elif status in (S.SUBMITTED, S.IN_REVIEW, S.NEEDS_INFO):
            start = today - timedelta(days=rng.randrange(0, 40))
        else:
            start = today - timedelta(days=rng.randrange(10, 200))
        if status != S.DISBURSED:
            # Open cases were submitted on the screening they still rely on.
            start = max(start, person.screened_on)
        day, moments = start, []
        for _ in steps:
            moments.append(_at(min(day, today), rng))
            day += timedelta(days=rng.randrange(1, 12))
        created = moments[0] - timedelta(days=1) if moments else _at(start, rng)
        number = f"RJK-{created.astimezone(JAKARTA).year}-{referral_id:06d}"
        row = {
            "id": referral_id,
            "number": number,
            "applicant_type": ApplicantType.INDIVIDUAL,
            "entrepreneur_id": person.id,
            "group_id": None,
            "kecamatan_code": person.kecamatan_code,
            "scheme_id": scheme.id,
            "bank_id": bank_id,
            "purpose": rng.choice(list(LoanPurpose)),
            "purpose_note": "",
            "tenor_months": tenor,
            "annual_rate_percent": scheme.annual_rate_percent,
            "method": scheme.method,
            "status": status,
            "facilitator_id": person.facilitator_id,
            "submitted_at": moments[0] if steps else None,
            "last_action_at": moments[-1] if moments else created,
            "decided_at": None,
            "gate_snapshot": _snapshot() if steps else [],
            "approved_amount": None,
            "approved_tenor_months": None,
            "approved_rate_percent": None,
            "rejection_code": None,
            "rejection_note": None,
            "verify_token": secrets.token_urlsafe(32),
            "version": 1 + len(steps),
            "updated_by_id": person.facilitator_id,
            "created_at": created,
            "updated_at": moments[-1] if moments else created,
        }
        members.append(
            {
                "id": member_id,
                "referral_id": referral_id,
                "entrepreneur_id": person.id,
                "position": 0,
                "amount": amount,
                "purpose": row["purpose"].label,
            }
        )
        for kind, (path, digest, size) in samples.items():
            if steps:
                documents.append(
                    {
                        "referral_id": referral_id,
                        "entrepreneur_id": person.id,
                        "kind": kind,
                        "original_name": f"{kind.value}-contoh.pdf",
                        "path": path,
                        "sha256": digest,
                        "mime": "application/pdf",
                        "size": size,
                        "uploaded_by_id": person.facilitator_id,
                        "uploaded_at": created,
                    }
                )
        previous = S.DRAFT
        for action, moment in zip(steps, moments, strict=True):
            bank_side = action in ("review", "request_info", "approve", "reject", "disburse")
            note = ""
            if action == "request_info":
                note = rng.choice(INFO_REQUESTS)
                messages.append(
                    {
                        "referral_id": referral_id,
                        "author_id": officer_id,
                        "at": moment,
                        "body": note,
                    }
                )
            elif action == "approve":
                row["approved_amount"] = amount
                row["approved_tenor_months"] = tenor
                row["approved_rate_percent"] = scheme.annual_rate_percent
                row["decided_at"] = moment
            elif action == "reject":
                row["rejection_code"] = _weighted(rng, REASONS)
                row["rejection_note"] = (
                    "Hasil telaah bank." if row["rejection_code"] == "lainnya" else None
                )
                row["decided_at"] = moment
                note = row["rejection_code"]
            elif action == "withdraw":
                note = "Pelaku usaha menunda pengajuan."
            elif action == "disburse":
                disbursed_on = moment.astimezone(JAKARTA).date()
                plan = schedule(
                    amount, scheme.annual_rate_percent, tenor, scheme.method, disbursed_on
                )
                loans.append(
                    {
                        "id": loan_id,
                        "referral_id": referral_id,
                        "member_id": member_id,
                        "entrepreneur_id": person.id,
                        "bank_id": bank_id,
                        "kecamatan_code": person.kecamatan_code,
                        "account_number": f"HKT-{bank_id:02d}-{loan_id:07d}",
                        "disbursed_on": disbursed_on,
                        "amount": amount,
                        "tenor_months": tenor,
                        "annual_rate_percent": scheme.annual_rate_percent,
                        "method": scheme.method,
                        "collectability": 1,
                        "outstanding": amount,
                        "reported_period": None,
                        "created_at": moment,
                        "updated_at": moment,
                    }
                )
                # Monthly reports from the first full month; about one loan in ten slips.
                slips = rng.random() < 0.1
                kol, period = 1, date(disbursed_on.year, disbursed_on.month, 1)
                for index, due in enumerate(plan.rows):
                    if due.due_on is None or due.due_on > today:
                        break
                    period = date(due.due_on.year, due.due_on.month, 1)
                    if slips and index >= 2:
                        kol = min(5, kol + (1 if rng.random() < 0.5 else 0))
                    outstanding = (
                        due.remaining if kol == 1 else plan.rows[max(0, index - 2)].remaining
                    )
                    reports.append(
                        {
                            "loan_id": loan_id,
                            "period": period,
                            "collectability": kol,
                            "outstanding": outstanding,
                            "days_past_due": {1: 0, 2: 45, 3: 100, 4: 150, 5: 200}[kol],
                            "reported_by_id": officer_id,
                            "reported_at": _at(min(due.due_on + timedelta(days=5), today), rng),
                        }
                    )
                    loans[-1].update(
                        collectability=kol, outstanding=outstanding, reported_period=period
                    )
                if loans[-1]["reported_period"] is not None:
                    repaying.append(person.id)
                loan_id += 1
            target = AFTER[action]
            transitions.append(
                {
                    "referral_id": referral_id,
                    "action": action,
                    "from_status": previous,
                    "to_status": target,
                    "actor_id": officer_id if bank_side else person.facilitator_id,
                    "at": moment,
                    "note": note,
                    "data": {},
                }
            )
            events.append(
                {
                    "entrepreneur_id": person.id,
                    "kind": "referral",
                    "summary": f"Rujukan {number}: {target.label}.",
                    "actor_id": officer_id if bank_side else person.facilitator_id,
                    "at": moment,
                    "data": {"referral_id": referral_id, "action": action},
                }
            )
            previous = target
        referrals.append(row)
        referral_id += 1
        member_id += 1
    for model, rows in (
        (Referral, referrals),
        (ReferralMember, members),
        (ReferralTransition, transitions),
        (ReferralMessage, messages),
        (ReferralDocument, documents),
        (Loan, loans),
        (LoanReport, reports),
        (CaseEvent, events),
    ):
        for begin in range(0, len(rows), 5000):
            session.execute(sa.insert(model), rows[begin : begin + 5000])
    for begin in range(0, len(repaying), 5000):
        session.execute(
            sa.update(Entrepreneur)
            .where(Entrepreneur.id.in_(repaying[begin : begin + 5000]))
            .values(stage=JourneyStage.REPAYING)
        )
    return {"referrals": len(referrals), "loans": len(loans), "reports": len(reports)}


#: Demo allocations of the Rp110 miliar ceiling per bank per year.
DEMO_ALLOCATIONS = {
    "BANK9JAMBI": 50_000_000_000,
    "BRI": 20_000_000_000,
    "BNI": 15_000_000_000,
    "MANDIRI": 15_000_000_000,
    "BSI": 10_000_000_000,
}


def seed_fund_demo(session: Session, years: list[int]) -> None:
    """Allocations and SAKIP targets for the demo years, where none are set yet."""
    from harkat.reports.models import FundAllocation, Indicator, Metric

    banks = {b.code: b.id for b in session.scalars(sa.select(Bank))}
    for year in years:
        have = set(
            session.scalars(sa.select(FundAllocation.bank_id).where(FundAllocation.year == year))
        )
        for code, amount in DEMO_ALLOCATIONS.items():
            if code in banks and banks[code] not in have:
                session.add(FundAllocation(bank_id=banks[code], year=year, amount=amount))
        metrics = set(session.scalars(sa.select(Indicator.metric).where(Indicator.year == year)))
        targets = {
            Metric.TRAINED: 6_000,
            Metric.REFERRED: 1_500,
            Metric.DISBURSED_COUNT: 1_000,
            Metric.DISBURSED_RP: 5_000_000_000,
            Metric.ABSORPTION: 500,  # 5.00% of the ceiling
        }
        for metric, annual in targets.items():
            if metric in metrics:
                continue
            session.add(
                Indicator(
                    year=year,
                    metric=metric,
                    name=metric.label,
                    annual_target=annual,
                    monthly_targets=[annual * month // 12 for month in range(1, 13)],
                )
            )
    session.flush()
