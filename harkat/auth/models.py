"""Accounts, roles and login attempts."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from harkat.database import TimestampMixin, str_enum, utcnow
from harkat.extensions import db
from harkat.reference.models import Bank, Kecamatan


class Role(enum.StrEnum):
    ADMIN = "admin"
    FACILITATOR = "facilitator"
    BANK_OFFICER = "bank_officer"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "Admin Dinas",
    Role.FACILITATOR: "Pendamping lapangan",
    Role.BANK_OFFICER: "Petugas penghubung bank",
    Role.VIEWER: "Pimpinan / pemantau",
}

user_kecamatan = sa.Table(
    "user_kecamatan",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("kecamatan_code", sa.ForeignKey("kecamatan.code"), primary_key=True),
)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    __audited__ = True
    #: Never copied into the audit log.
    __audit_exclude__ = frozenset({"password_hash", "session_token", "last_login_at"})
    __table_args__ = (
        sa.CheckConstraint(
            "(role = 'bank_officer') = (bank_id IS NOT NULL)", name="bank_only_for_bank_officers"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower case; what people type to sign in.
    username: Mapped[str] = mapped_column(sa.String(60), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str | None] = mapped_column(sa.String(200))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    bank_id: Mapped[int | None] = mapped_column(sa.ForeignKey("banks.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    #: What the session cookie carries instead of the id. Replacing it (logout, password change,
    #: deactivation) ends every session of the user, including cookies captured earlier.
    session_token: Mapped[str] = mapped_column(
        sa.String(64), unique=True, default=new_session_token
    )
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    bank: Mapped[Bank | None] = relationship()
    kecamatan: Mapped[list[Kecamatan]] = relationship(
        secondary=user_kecamatan, order_by="Kecamatan.code"
    )

    def get_id(self) -> str:
        return self.session_token

    def end_all_sessions(self) -> None:
        """Invalidate every session cookie issued to this user so far."""
        self.session_token = new_session_token()

    @property
    def kecamatan_codes(self) -> list[str]:
        return [k.code for k in self.kecamatan]

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username}>"


class LoginAttempt(db.Model):
    """One sign-in try, kept in the database so throttling holds across workers."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        sa.Index("ix_login_attempts_username_at", "username", "at"),
        sa.Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(60))
    address: Mapped[str] = mapped_column(sa.String(64))
    succeeded: Mapped[bool]
    at: Mapped[datetime] = mapped_column(default=utcnow)
