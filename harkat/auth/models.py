"""Accounts, roles and login attempts."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from harkat.auth.domain import Role
from harkat.database import TimestampMixin, str_enum, utcnow
from harkat.extensions import db
from harkat.reference.models import Bank, Kecamatan

user_kecamatan = sa.Table(
    "user_kecamatan",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("kecamatan_code", sa.ForeignKey("kecamatan.code"), primary_key=True),
)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """Return what the database keeps of a session token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    __audited__ = True
    #: Never copied into the audit log.
    __audit_exclude__ = frozenset({"password_hash", "last_login_at"})
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
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    bank: Mapped[Bank | None] = relationship()
    kecamatan: Mapped[list[Kecamatan]] = relationship(
        secondary=user_kecamatan, order_by="Kecamatan.code"
    )

    #: The token of the sign-in this request belongs to (set by the user loader or at sign-in);
    #: it is what the session cookie carries instead of the id.
    session_token = None
    #: When that sign-in happened, for the absolute session lifetime.
    signed_in_at = None
    #: The entrepreneur search this sign-in last made (see ``UserSession.search_text``).
    saved_search = ""

    def get_id(self) -> str | None:
        return self.session_token

    def end_all_sessions(self) -> None:
        """Invalidate every session cookie issued to this user so far, on every device."""
        session = object_session(self)
        session.execute(sa.delete(UserSession).where(UserSession.user_id == self.id))
        self.session_token = None

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


#: The longest search kept for a sign-in (the search field allows 120 characters).
SEARCH_TEXT_MAX = 200


class UserSession(db.Model):
    """One sign-in on one device: signing out ends it and leaves the user's other devices."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the token in the session cookie, so a copy of the database opens no session.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: Signed in at; the session ends ``SESSION_ABSOLUTE_TIMEOUT`` later, however active.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The entrepreneur list's search terms (often a NIK or a name), kept here on the server
    #: rather than in the readable session cookie or the URL; gone when the sign-in ends.
    search_text: Mapped[str | None] = mapped_column(sa.String(SEARCH_TEXT_MAX))

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id}>"
