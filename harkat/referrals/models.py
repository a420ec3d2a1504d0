"""Referrals to partner banks, their documents and history, and the loans they become."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.core.enums import ApplicantType, LabelledEnum, LoanMethod
from harkat.database import TimestampMixin, str_enum, utcnow
from harkat.extensions import db
from harkat.reference.models import Bank, Kecamatan, Scheme
from harkat.referrals.gates import DocumentKind
from harkat.referrals.transitions import ReferralStatus
from harkat.registration.models import Entrepreneur, Group
from harkat.screening.models import ScreeningDebt
from harkat.versioning import VersionedMixin

JSON = sa.JSON().with_variant(JSONB, "postgresql")

#: Transitions a facilitator hears about in the inbox (see harkat.inbox.services.NEWS_STATES).
INBOX_NEWS_WHERE = "to_status IN ('needs_info', 'approved', 'rejected', 'disbursed')"


class LoanPurpose(LabelledEnum):
    WORKING_CAPITAL = "modal_kerja", "Modal kerja"
    INVESTMENT = "investasi", "Investasi"


class RejectionReason(TimestampMixin, db.Model):
    """A reason code a bank may give when it rejects a referral (admin-maintained list)."""

    __tablename__ = "rejection_reasons"
    __audited__ = True

    code: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(120))
    is_active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<RejectionReason {self.code}>"


class Referral(VersionedMixin, TimestampMixin, db.Model):
    """A loan referral from the city to one partner bank, for one person or one group."""

    __tablename__ = "referrals"
    __audited__ = True
    __table_args__ = (
        sa.Index("ix_referrals_bank_status", "bank_id", "status"),
        sa.Index("ix_referrals_kecamatan_status", "kecamatan_code", "status"),
        # The dashboard's stuck cases: how long each state has waited.
        sa.Index("ix_referrals_status_submitted", "status", "submitted_at"),
        sa.Index("ix_referrals_status_last_action", "status", "last_action_at"),
        sa.CheckConstraint("tenor_months > 0", name="tenor_positive"),
        sa.CheckConstraint(
            "(applicant_type = 'group') = (group_id IS NOT NULL)", name="group_only_for_groups"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``RJK-YYYY-NNNNNN``, given when the draft is created.
    number: Mapped[str] = mapped_column(sa.String(16), unique=True)
    applicant_type: Mapped[ApplicantType] = mapped_column(str_enum(ApplicantType, "applicant_type"))
    #: The individual applicant, or the group's chair (the bank's contact person).
    entrepreneur_id: Mapped[int] = mapped_column(sa.ForeignKey("entrepreneurs.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("groups.id"), index=True)
    #: Where the case is handled; decides which facilitators see it.
    kecamatan_code: Mapped[str] = mapped_column(sa.ForeignKey("kecamatan.code"))
    scheme_id: Mapped[int] = mapped_column(sa.ForeignKey("schemes.id"))
    bank_id: Mapped[int] = mapped_column(sa.ForeignKey("banks.id"))
    purpose: Mapped[LoanPurpose] = mapped_column(str_enum(LoanPurpose, "loan_purpose"))
    purpose_note: Mapped[str] = mapped_column(sa.String(300), default="")
    tenor_months: Mapped[int]
    #: The scheme's terms copied at creation, so later scheme edits do not change a referral.
    annual_rate_percent: Mapped[Decimal] = mapped_column(sa.Numeric(6, 3))
    method: Mapped[LoanMethod] = mapped_column(str_enum(LoanMethod, "loan_method"))
    status: Mapped[ReferralStatus] = mapped_column(
        str_enum(ReferralStatus, "referral_status"), default=ReferralStatus.DRAFT
    )
    facilitator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None]
    #: When anyone last moved it (the SLA's "since last action").
    last_action_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    #: Gate results frozen at submission (see :mod:`harkat.referrals.gates`).
    gate_snapshot: Mapped[list] = mapped_column(JSON, default=list)
    approved_amount: Mapped[int | None] = mapped_column(sa.BigInteger)
    approved_tenor_months: Mapped[int | None]
    approved_rate_percent: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 3))
    rejection_code: Mapped[str | None] = mapped_column(sa.ForeignKey("rejection_reasons.code"))
    rejection_note: Mapped[str | None] = mapped_column(sa.String(500))
    #: Unguessable token of the public verification page the packet's QR code points to.
    verify_token: Mapped[str] = mapped_column(sa.String(43), unique=True)

    entrepreneur: Mapped[Entrepreneur] = relationship(foreign_keys=[entrepreneur_id])
    group: Mapped[Group | None] = relationship()
    kecamatan: Mapped[Kecamatan] = relationship()
    scheme: Mapped[Scheme] = relationship()
    bank: Mapped[Bank] = relationship()
    facilitator: Mapped[User | None] = relationship(foreign_keys=[facilitator_id])
    rejection: Mapped[RejectionReason | None] = relationship()
    members: Mapped[list[ReferralMember]] = relationship(
        back_populates="referral", order_by="ReferralMember.position", cascade="all"
    )
    take_overs: Mapped[list[ReferralTakeOver]] = relationship(
        back_populates="referral", order_by="ReferralTakeOver.id", cascade="all"
    )

    @property
    def requested_amount(self) -> int:
        return sum(member.amount for member in self.members)

    @property
    def is_draft(self) -> bool:
        """Still the city's work: the bank does not see it yet."""
        return self.status == ReferralStatus.DRAFT

    @property
    def is_editable(self) -> bool:
        """Whether the city may still change it: as a draft, or when the bank asks for more."""
        return self.status in (ReferralStatus.DRAFT, ReferralStatus.NEEDS_INFO)

    @property
    def is_rejected(self) -> bool:
        return self.status == ReferralStatus.REJECTED

    @property
    def is_awaiting_info(self) -> bool:
        """The bank asked for more and waits for the city's answer."""
        return self.status == ReferralStatus.NEEDS_INFO

    def __repr__(self) -> str:
        return f"<Referral {self.id} {self.number} {self.status}>"


class ReferralMember(db.Model):
    """One borrower line: who, how much, for what. An individual referral has exactly one."""

    __tablename__ = "referral_members"
    __audited__ = True
    __table_args__ = (
        sa.UniqueConstraint("referral_id", "entrepreneur_id"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(sa.ForeignKey("referrals.id"))
    entrepreneur_id: Mapped[int] = mapped_column(sa.ForeignKey("entrepreneurs.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    purpose: Mapped[str] = mapped_column(sa.String(200), default="")
    #: The screening the line was drafted on; a newer one may change take-overs and the DSR.
    screening_id: Mapped[int | None] = mapped_column(sa.ForeignKey("screenings.id"))

    referral: Mapped[Referral] = relationship(back_populates="members")
    entrepreneur: Mapped[Entrepreneur] = relationship()

    def __repr__(self) -> str:
        return f"<ReferralMember {self.id} r={self.referral_id} e={self.entrepreneur_id}>"


class ReferralTakeOver(db.Model):
    """A debt from the member's screening that the loan will settle (take-over)."""

    __tablename__ = "referral_take_overs"
    __audited__ = True
    __table_args__ = (sa.UniqueConstraint("referral_id", "screening_debt_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(sa.ForeignKey("referrals.id"))
    screening_debt_id: Mapped[int] = mapped_column(sa.ForeignKey("screening_debts.id"))
    entrepreneur_id: Mapped[int] = mapped_column(sa.ForeignKey("entrepreneurs.id"))
    #: What to settle, copied from the debt when chosen (for an illegal online lender at most
    #: the principal received minus what was repaid, unless an admin decided otherwise).
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    #: The payoff as the bank recorded it at disbursement: to whom, how much, when, and the
    #: settlement letter (surat keterangan lunas) stored like a referral document.
    paid_to: Mapped[str | None] = mapped_column(sa.String(120))
    paid_amount: Mapped[int | None] = mapped_column(sa.BigInteger)
    paid_on: Mapped[date | None]
    proof_path: Mapped[str | None] = mapped_column(sa.String(120))
    proof_name: Mapped[str | None] = mapped_column(sa.String(160))
    proof_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    proof_mime: Mapped[str | None] = mapped_column(sa.String(40))
    proof_size: Mapped[int | None]

    referral: Mapped[Referral] = relationship(back_populates="take_overs")
    debt: Mapped[ScreeningDebt] = relationship()

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None

    def __repr__(self) -> str:
        return f"<ReferralTakeOver {self.id} r={self.referral_id} {self.amount}>"


class GateExemption(db.Model):
    """An admin's waiver of one gate for one referral, with the reason (audited)."""

    __tablename__ = "referral_gate_exemptions"
    __audited__ = True
    __table_args__ = (sa.UniqueConstraint("referral_id", "gate"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(sa.ForeignKey("referrals.id"))
    gate: Mapped[str] = mapped_column(sa.String(20))
    reason: Mapped[str] = mapped_column(sa.String(500))
    granted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    granted_by: Mapped[User] = relationship()


class ReferralDocument(db.Model):
    """An uploaded supporting document; removal is soft so the bank's view stays explainable."""

    __tablename__ = "referral_documents"
    __audited__ = True
    __table_args__ = (sa.Index("ix_referral_documents_referral", "referral_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(sa.ForeignKey("referrals.id"))
    #: Whose document it is (a group's decree belongs to the group: None).
    entrepreneur_id: Mapped[int | None] = mapped_column(sa.ForeignKey("entrepreneurs.id"))
    kind: Mapped[DocumentKind] = mapped_column(str_enum(DocumentKind, "document_kind"))
    #: The name it was uploaded with, shown to people; never used on disk.
    original_name: Mapped[str] = mapped_column(sa.String(160))
    path: Mapped[str] = mapped_column(sa.String(120))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    mime: Mapped[str] = mapped_column(sa.String(40))
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]
    removed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    removed_reason: Mapped[str | None] = mapped_column(sa.String(200))

    entrepreneur: Mapped[Entrepreneur | None] = relationship()
    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])
    removed_by: Mapped[User | None] = relationship(foreign_keys=[removed_by_id])

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")

    def __repr__(self) -> str:
        return f"<ReferralDocument {self.id} r={self.referral_id} {self.kind}>"


class ReferralTransition(db.Model):
    """One step of a referral's history: who moved it from where to where, when, and why."""

    __tablename__ = "referral_transitions"
    __table_args__ = (
        sa.Index("ix_referral_transitions_referral", "referral_id", "at"),
        # The facilitator's inbox walks the newest bank news backwards; only those rows.
        sa.Index(
            "ix_referral_transitions_news",
            "at",
            postgresql_where=sa.text(INBOX_NEWS_WHERE),
            sqlite_where=sa.text(INBOX_NEWS_WHERE),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(sa.ForeignKey("referrals.id"))
    action: Mapped[str] = mapped_column(sa.String(20))
    from_status: Mapped[ReferralStatus] = mapped_column(
        str_enum(ReferralStatus, "referral_from_status")
    )
    to_status: Mapped[ReferralStatus] = mapped_column(
        str_enum(ReferralStatus, "referral_to_status")
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(sa.String(1000), default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()


class ReferralMessage(db.Model):
    """A message in the needs-info conversation between the facilitator and the bank officer."""

    __tablename__ = "referral_messages"
    __audited__ = True
    __table_args__ = (sa.Index("ix_referral_messages_referral", "referral_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(sa.ForeignKey("referrals.id"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    body: Mapped[str] = mapped_column(sa.String(2000))

    author: Mapped[User | None] = relationship()

    @property
    def is_from_bank(self) -> bool:
        """Written by the bank's officer (the conversation shows the bank's side shaded)."""
        return self.author is not None and self.author.role == Role.BANK_OFFICER


class Loan(TimestampMixin, db.Model):
    """A disbursed loan: one per borrower line, with the bank's own account number."""

    __tablename__ = "loans"
    __audited__ = True
    __table_args__ = (
        sa.UniqueConstraint("bank_id", "account_number"),
        sa.Index("ix_loans_disbursed_on", "disbursed_on"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint("collectability BETWEEN 1 AND 5", name="collectability_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(sa.ForeignKey("referrals.id"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("referral_members.id"), unique=True)
    entrepreneur_id: Mapped[int] = mapped_column(sa.ForeignKey("entrepreneurs.id"), index=True)
    bank_id: Mapped[int] = mapped_column(sa.ForeignKey("banks.id"))
    kecamatan_code: Mapped[str] = mapped_column(sa.ForeignKey("kecamatan.code"))
    account_number: Mapped[str] = mapped_column(sa.String(40))
    #: Local (Asia/Jakarta) date of disbursement: the month it counts in for absorption.
    disbursed_on: Mapped[date]
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    tenor_months: Mapped[int]
    annual_rate_percent: Mapped[Decimal] = mapped_column(sa.Numeric(6, 3))
    method: Mapped[LoanMethod] = mapped_column(str_enum(LoanMethod, "loan_method"))
    #: The latest monthly report, copied here for lists (the history is in ``loan_reports``).
    collectability: Mapped[int] = mapped_column(default=1)
    outstanding: Mapped[int] = mapped_column(sa.BigInteger)
    reported_period: Mapped[date | None]

    referral: Mapped[Referral] = relationship()
    entrepreneur: Mapped[Entrepreneur] = relationship()
    bank: Mapped[Bank] = relationship()
    reports: Mapped[list[LoanReport]] = relationship(
        back_populates="loan", order_by="LoanReport.period.desc()"
    )

    @property
    def is_npl(self) -> bool:
        return self.collectability >= NPL_FROM

    def __repr__(self) -> str:
        return f"<Loan {self.id} {self.account_number}>"


#: Collectability from which a loan counts as non-performing (OJK: kurang lancar, diragukan, macet).
NPL_FROM = 3
COLLECTABILITY_LABELS = {
    1: "1 · Lancar",
    2: "2 · Dalam perhatian khusus",
    3: "3 · Kurang lancar",
    4: "4 · Diragukan",
    5: "5 · Macet",
}


class LoanReport(db.Model):
    """The bank's monthly report of one loan: collectability and outstanding balance."""

    __tablename__ = "loan_reports"
    __audited__ = True
    __table_args__ = (
        sa.UniqueConstraint("loan_id", "period"),
        sa.CheckConstraint("collectability BETWEEN 1 AND 5", name="collectability_range"),
        sa.CheckConstraint("outstanding >= 0", name="outstanding_not_negative"),
        # The facilitator's inbox walks the newest reports of loans in trouble backwards.
        sa.Index(
            "ix_loan_reports_troubled",
            "reported_at",
            postgresql_where=sa.text("collectability >= 2"),
            sqlite_where=sa.text("collectability >= 2"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(sa.ForeignKey("loans.id"))
    #: First day of the month reported on.
    period: Mapped[date]
    collectability: Mapped[int]
    outstanding: Mapped[int] = mapped_column(sa.BigInteger)
    days_past_due: Mapped[int] = mapped_column(default=0)
    reported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reported_at: Mapped[datetime] = mapped_column(default=utcnow)

    loan: Mapped[Loan] = relationship(back_populates="reports")
    reported_by: Mapped[User | None] = relationship()
