"""The inbox's own records: which items a user marked done, and gate exemption requests."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from harkat.auth.models import User
from harkat.core.enums import LabelledEnum
from harkat.database import str_enum, utcnow
from harkat.extensions import db


class ItemKind(LabelledEnum):
    #: A referral reached a state the facilitator must know about (a ``referral_transitions`` row).
    TRANSITION = "transition", "Kabar rujukan"
    #: A bank reported a loan at collectability 2 or worse (a ``loan_reports`` row).
    LOAN_REPORT = "loan_report", "Angsuran bermasalah"


class InboxDoneMark(db.Model):
    """One user's "sudah ditangani" on one inbox item; other users still see it as open."""

    __tablename__ = "inbox_done_marks"
    __table_args__ = (sa.UniqueConstraint("user_id", "kind", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[ItemKind] = mapped_column(str_enum(ItemKind, "inbox_item_kind"))
    #: Id of the ``referral_transitions`` or ``loan_reports`` row, by :attr:`kind`.
    item_id: Mapped[int]
    done_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<InboxDoneMark {self.id} u={self.user_id} {self.kind}:{self.item_id}>"


class RequestStatus(LabelledEnum):
    PENDING = "pending", "Menunggu keputusan admin"
    GRANTED = "granted", "Dikabulkan"
    DECLINED = "declined", "Ditolak"


class ExemptionRequest(db.Model):
    """A facilitator asks an admin to waive one referral gate, with a reason."""

    __tablename__ = "exemption_requests"
    __audited__ = True
    __table_args__ = (sa.Index("ix_exemption_requests_status", "status", "requested_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(sa.ForeignKey("referrals.id"), index=True)
    #: A :class:`harkat.referrals.gates.Gate` value among the exemptable ones.
    gate: Mapped[str] = mapped_column(sa.String(20))
    reason: Mapped[str] = mapped_column(sa.String(500))
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[RequestStatus] = mapped_column(
        str_enum(RequestStatus, "exemption_request_status"), default=RequestStatus.PENDING
    )
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(sa.String(500), default="")

    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    def __repr__(self) -> str:
        return f"<ExemptionRequest {self.id} r={self.referral_id} {self.gate} {self.status}>"
