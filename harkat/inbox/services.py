"""The inbox: what happened to a facilitator's people that they must act on, and the gate
exemption requests an admin decides. Every list is bounded (newest first, LIMIT) and built by a
fixed number of queries, whatever the number of cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.database import utcnow
from harkat.errors import NotFound, StopValidation
from harkat.inbox.models import ExemptionRequest, InboxDoneMark, ItemKind, RequestStatus
from harkat.referrals import services as referrals
from harkat.referrals.gates import EXEMPTABLE, Gate
from harkat.referrals.models import (
    INBOX_NEWS_WHERE,
    Loan,
    LoanReport,
    Referral,
    ReferralTransition,
)
from harkat.referrals.transitions import ReferralStatus
from harkat.registration.models import Entrepreneur

#: Referral states a facilitator hears about: the bank asked, decided or paid out.
NEWS_STATES = (
    ReferralStatus.NEEDS_INFO,
    ReferralStatus.APPROVED,
    ReferralStatus.REJECTED,
    ReferralStatus.DISBURSED,
)
#: Collectability from which a loan report needs the facilitator (2 = dalam perhatian khusus).
TROUBLE_FROM = 2
PAGE_SIZE = 50

NEWS_TITLES = {
    ReferralStatus.NEEDS_INFO: "Bank meminta kelengkapan",
    ReferralStatus.APPROVED: "Rujukan disetujui",
    ReferralStatus.REJECTED: "Rujukan ditolak",
    ReferralStatus.DISBURSED: "Dana cair",
}
NEWS_NEXT = {
    ReferralStatus.NEEDS_INFO: "Lengkapi lalu kirim jawaban di halaman rujukan.",
    ReferralStatus.APPROVED: "Kabari pelaku usaha; bank akan mencatat pencairan.",
    ReferralStatus.REJECTED: "Jelaskan alasannya kepada pelaku usaha; perbaiki sebelum "
    "merujuk lagi.",
    ReferralStatus.DISBURSED: "Dampingi penggunaan dana dan angsuran pertamanya.",
}


@dataclass(frozen=True)
class InboxItem:
    kind: ItemKind
    item_id: int
    at: datetime
    title: str
    subject: str
    detail: str
    next_step: str
    referral_id: int | None
    loan_id: int | None
    is_done: bool


def _kecamatan_of(user: User) -> list[str]:
    return list(user.kecamatan_codes) if user.role == Role.FACILITATOR else []


def _done_join(user: User, kind: ItemKind, id_column):
    return sa.and_(
        InboxDoneMark.user_id == user.id,
        InboxDoneMark.kind == kind,
        InboxDoneMark.item_id == id_column,
    )


def facilitator_items(
    session: Session, user: User, *, show_done: bool = False, limit: int = PAGE_SIZE
) -> list[InboxItem]:
    """The newest news of the facilitator's kecamatan, open ones only unless ``show_done``."""
    codes = _kecamatan_of(user)
    if not codes:
        return []
    news = (
        sa.select(
            ReferralTransition.id,
            ReferralTransition.at,
            ReferralTransition.to_status,
            ReferralTransition.note,
            Referral.id.label("referral_id"),
            Referral.number,
            InboxDoneMark.id.label("done_id"),
        )
        .join(Referral, Referral.id == ReferralTransition.referral_id)
        .outerjoin(InboxDoneMark, _done_join(user, ItemKind.TRANSITION, ReferralTransition.id))
        .where(
            # Written as the partial index's own predicate, so the planner matches it.
            sa.text(f"referral_transitions.{INBOX_NEWS_WHERE}"),
            Referral.kecamatan_code.in_(codes),
        )
        .order_by(ReferralTransition.at.desc())
        .limit(limit)
    )
    trouble = (
        sa.select(
            LoanReport.id,
            LoanReport.reported_at,
            LoanReport.collectability,
            LoanReport.period,
            LoanReport.days_past_due,
            Loan.id.label("loan_id"),
            Loan.referral_id,
            Loan.account_number,
            Entrepreneur.full_name,
            InboxDoneMark.id.label("done_id"),
        )
        .join(Loan, Loan.id == LoanReport.loan_id)
        .join(Entrepreneur, Entrepreneur.id == Loan.entrepreneur_id)
        .outerjoin(InboxDoneMark, _done_join(user, ItemKind.LOAN_REPORT, LoanReport.id))
        .where(LoanReport.collectability >= TROUBLE_FROM, Loan.kecamatan_code.in_(codes))
        .order_by(LoanReport.reported_at.desc())
        .limit(limit)
    )
    if not show_done:
        news = news.where(InboxDoneMark.id.is_(None))
        trouble = trouble.where(InboxDoneMark.id.is_(None))
    items = [
        InboxItem(
            kind=ItemKind.TRANSITION,
            item_id=row.id,
            at=row.at,
            title=NEWS_TITLES[row.to_status],
            subject=f"Rujukan {row.number}",
            detail=row.note or "",
            next_step=NEWS_NEXT[row.to_status],
            referral_id=row.referral_id,
            loan_id=None,
            is_done=row.done_id is not None,
        )
        for row in session.execute(news)
    ]
    items += [
        InboxItem(
            kind=ItemKind.LOAN_REPORT,
            item_id=row.id,
            at=row.reported_at,
            title=f"Angsuran bermasalah: kolektibilitas {row.collectability}",
            subject=f"{row.full_name} · pinjaman {row.account_number}",
            detail=f"Laporan {row.period:%m/%Y}"
            + (f", menunggak {row.days_past_due} hari" if row.days_past_due else ""),
            next_step="Kunjungi dan cari tahu penyebabnya; catat kunjungan pendampingan.",
            referral_id=row.referral_id,
            loan_id=row.loan_id,
            is_done=row.done_id is not None,
        )
        for row in session.execute(trouble)
    ]
    items.sort(key=lambda item: (item.at, item.item_id), reverse=True)
    return items[:limit]


def open_count(session: Session, user: User, cap: int = 99) -> int:
    """How many open items wait (at most ``cap``, so the count stays cheap)."""
    if user.role == Role.ADMIN:
        pending = (
            sa.select(ExemptionRequest.id)
            .where(ExemptionRequest.status == RequestStatus.PENDING)
            .limit(cap)
            .subquery()
        )
        return int(session.scalar(sa.select(sa.func.count()).select_from(pending)) or 0)
    return min(cap, len(facilitator_items(session, user, limit=cap)))


def _visible(session: Session, user: User, kind: ItemKind, item_id: int) -> bool:
    codes = _kecamatan_of(user)
    if not codes:
        return False
    if kind == ItemKind.TRANSITION:
        query = (
            sa.select(ReferralTransition.id)
            .join(Referral, Referral.id == ReferralTransition.referral_id)
            .where(
                ReferralTransition.id == item_id,
                ReferralTransition.to_status.in_(NEWS_STATES),
                Referral.kecamatan_code.in_(codes),
            )
        )
    else:
        query = (
            sa.select(LoanReport.id)
            .join(Loan, Loan.id == LoanReport.loan_id)
            .where(
                LoanReport.id == item_id,
                LoanReport.collectability >= TROUBLE_FROM,
                Loan.kecamatan_code.in_(codes),
            )
        )
    return session.scalar(query) is not None


def mark_done(session: Session, user: User, kind: ItemKind, item_id: int, done: bool) -> None:
    """Mark one item done (or open again) for this user only.

    :raise NotFound: when the item is not in the user's inbox.
    """
    if not _visible(session, user, kind, item_id):
        raise NotFound("Item tidak ditemukan.")
    mark = session.scalar(
        sa.select(InboxDoneMark).where(
            InboxDoneMark.user_id == user.id,
            InboxDoneMark.kind == kind,
            InboxDoneMark.item_id == item_id,
        )
    )
    if done and mark is None:
        session.add(InboxDoneMark(user_id=user.id, kind=kind, item_id=item_id))
    elif not done and mark is not None:
        session.delete(mark)
    session.flush()


# --------------------------------------------------------------------------- exemption requests


def request_exemption(
    session: Session, referral: Referral, gate: Gate, reason: str, actor: User
) -> ExemptionRequest:
    """A facilitator asks an admin to waive one gate of a draft referral."""
    problems: dict[str | None, list[str]] = {}
    if actor.role != Role.FACILITATOR:
        problems.setdefault(None, []).append("Hanya pendamping yang mengajukan permintaan ini.")
    if gate not in EXEMPTABLE:
        problems.setdefault("gate", []).append(
            "Syarat: hanya pelatihan dan dokumen yang dapat dikecualikan."
        )
    reason = " ".join((reason or "").split())
    if len(reason) < 10:
        problems.setdefault("reason", []).append("Alasan: tuliskan alasannya (minimal 10 huruf).")
    if referral.status not in (ReferralStatus.DRAFT, ReferralStatus.NEEDS_INFO):
        problems.setdefault(None, []).append(
            "Pengecualian hanya dapat diminta sebelum rujukan diajukan."
        )
    if problems:
        raise StopValidation(problems)
    pending = session.scalar(
        sa.select(ExemptionRequest).where(
            ExemptionRequest.referral_id == referral.id,
            ExemptionRequest.gate == gate.value,
            ExemptionRequest.status == RequestStatus.PENDING,
        )
    )
    if pending is not None:
        pending.reason = reason[:500]
        pending.requested_by_id = actor.id
        pending.requested_at = utcnow()
        session.flush()
        return pending
    request = ExemptionRequest(
        referral_id=referral.id, gate=gate.value, reason=reason[:500], requested_by_id=actor.id
    )
    session.add(request)
    session.flush()
    return request


def requests_of(session: Session, referral: Referral) -> list[ExemptionRequest]:
    return list(
        session.scalars(
            sa.select(ExemptionRequest)
            .where(ExemptionRequest.referral_id == referral.id)
            .order_by(ExemptionRequest.requested_at.desc())
            .limit(20)
        )
    )


def pending_requests(session: Session, limit: int = PAGE_SIZE) -> list[tuple]:
    """Open requests for the admin, oldest first (first come, first decided), with the referral."""
    return list(
        session.execute(
            sa.select(ExemptionRequest, Referral.number, User.full_name)
            .join(Referral, Referral.id == ExemptionRequest.referral_id)
            .join(User, User.id == ExemptionRequest.requested_by_id)
            .where(ExemptionRequest.status == RequestStatus.PENDING)
            .order_by(ExemptionRequest.requested_at, ExemptionRequest.id)
            .limit(limit)
        ).all()
    )


def get_request(session: Session, request_id: int) -> ExemptionRequest:
    request = session.get(ExemptionRequest, request_id)
    if request is None:
        raise NotFound("Permintaan tidak ditemukan.")
    return request


def decide_request(
    session: Session, request: ExemptionRequest, grant: bool, note: str, actor: User
) -> ExemptionRequest:
    """An admin grants (through the existing exemption mechanism) or declines a request."""
    if actor.role != Role.ADMIN:
        raise StopValidation({None: ["Hanya admin yang memutuskan pengecualian."]})
    if request.status != RequestStatus.PENDING:
        raise StopValidation({None: [f"Permintaan ini sudah {request.status.label.lower()}."]})
    note = " ".join((note or "").split())
    if grant:
        referral = session.get(Referral, request.referral_id)
        referrals.exempt_gate(session, referral, Gate(request.gate), request.reason, actor)
    elif len(note) < 5:
        raise StopValidation({"note": ["Catatan: tuliskan mengapa permintaan ditolak."]})
    request.status = RequestStatus.GRANTED if grant else RequestStatus.DECLINED
    request.decided_by_id = actor.id
    request.decided_at = utcnow()
    request.decision_note = note[:500]
    session.flush()
    return request
