"""Use-cases for accounts: create, change, authenticate, throttle, end sessions.

Services flush and never commit; the view or CLI command owns the transaction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from harkat.audit import denials
from harkat.audit import services as audit
from harkat.auth.domain import Role, ThrottlePolicy, password_problems, retry_after
from harkat.auth.models import (
    SEARCH_TEXT_MAX,
    LoginAttempt,
    User,
    UserSession,
    new_session_token,
    token_digest,
)
from harkat.database import utcnow
from harkat.errors import DomainError, StopValidation, ValidationError
from harkat.reference.models import Bank, Kecamatan

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,59}$")
#: Werkzeug's default, for code run outside an app (the app's PASSWORD_HASH_METHOD otherwise).
DEFAULT_HASH_METHOD = "scrypt"


def _hash_method() -> str:
    return current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else DEFAULT_HASH_METHOD


def hash_password(password: str) -> str:
    """Hash a new password with the configured method; checking reads the method off the hash."""
    return generate_password_hash(password, method=_hash_method())


@cache
def _dummy_hash(method: str) -> str:
    """Checked against when the username is unknown, so timing does not reveal which names
    exist; hashed with the configured method, so it costs what a real check costs."""
    return generate_password_hash("harkat-dummy-password", method=method)


class LoginRefused(DomainError):
    """Sign-in failed; the message says why without revealing whether the account exists."""


@dataclass
class UserData:
    """What an admin types to create or change an account."""

    username: str
    full_name: str
    role: Role
    email: str | None = None
    bank_code: str | None = None
    kecamatan_codes: Sequence[str] = field(default_factory=tuple)
    is_active: bool = True


def normalise_username(username: str) -> str:
    return username.strip().lower()


def _check_assignment(session: Session, data: UserData) -> tuple[Bank | None, list[Kecamatan]]:
    errors = []
    bank = None
    kecamatan: list[Kecamatan] = []
    if data.role == Role.BANK_OFFICER:
        if not data.bank_code:
            errors.append(ValidationError("bank", "Petugas bank harus terhubung ke satu bank."))
        else:
            bank = session.scalar(sa.select(Bank).where(Bank.code == data.bank_code))
            if bank is None:
                errors.append(ValidationError("bank", f"Bank '{data.bank_code}' tidak dikenal."))
    elif data.bank_code:
        errors.append(ValidationError("bank", "Hanya petugas bank yang terhubung ke bank."))
    codes = list(dict.fromkeys(data.kecamatan_codes))
    if data.role == Role.FACILITATOR:
        if not codes:
            errors.append(
                ValidationError(
                    "kecamatan", "Pendamping harus ditugaskan minimal di satu kecamatan."
                )
            )
        kecamatan = list(session.scalars(sa.select(Kecamatan).where(Kecamatan.code.in_(codes))))
        unknown = sorted(set(codes) - {k.code for k in kecamatan})
        if unknown:
            errors.append(
                ValidationError("kecamatan", f"Kode kecamatan tidak dikenal: {', '.join(unknown)}.")
            )
    elif codes:
        errors.append(
            ValidationError("kecamatan", "Hanya pendamping yang ditugaskan ke kecamatan.")
        )
    if errors:
        raise StopValidation.from_errors(errors)
    return bank, kecamatan


def create_user(session: Session, data: UserData, password: str) -> User:
    """Create an account after checking the username, the assignment and the password."""
    username = normalise_username(data.username)
    errors = []
    if not USERNAME_PATTERN.match(username):
        errors.append(
            ValidationError(
                "username",
                "Nama pengguna 3–60 karakter: huruf kecil, angka, titik, garis bawah atau strip.",
            )
        )
    elif session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        errors.append(ValidationError("username", f"Nama pengguna '{username}' sudah dipakai."))
    if not data.full_name.strip():
        errors.append(ValidationError("full_name", "Nama lengkap wajib diisi."))
    errors += [ValidationError("password", p) for p in password_problems(password, username)]
    try:
        bank, kecamatan = _check_assignment(session, data)
    except StopValidation as stop:
        errors += [ValidationError(f, r) for f, rs in stop.reasons.items() for r in rs]
    if errors:
        raise StopValidation.from_errors(errors)
    user = User(
        username=username,
        full_name=data.full_name.strip(),
        email=(data.email or "").strip() or None,
        role=data.role,
        bank=bank,
        kecamatan=kecamatan,
        is_active=data.is_active,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    return user


def update_user(session: Session, user: User, data: UserData) -> User:
    """Change name, role, bank, kecamatan or the active flag of an account.

    A new role or a deactivation ends the user's sessions, so nobody keeps rights they lost.
    """
    if not data.full_name.strip():
        raise StopValidation({"full_name": ["Nama lengkap wajib diisi."]})
    bank, kecamatan = _check_assignment(session, data)
    rights_reduced = data.role != user.role or (user.is_active and not data.is_active)
    user.full_name = data.full_name.strip()
    user.email = (data.email or "").strip() or None
    user.role = data.role
    user.bank = bank
    user.kecamatan = kecamatan
    user.is_active = data.is_active
    if rights_reduced:
        user.end_all_sessions()
    session.flush()
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """Set a new password (policy enforced) and end every session of the user."""
    problems = password_problems(password, user.username)
    if problems:
        raise StopValidation({"password": problems})
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.end_all_sessions()
    session.flush()
    audit.record(session, "password_change", entity=user)


def change_own_password(session: Session, user: User, current: str, new: str) -> None:
    """Let a signed-in user replace their password after proving they know the current one."""
    if not check_password_hash(user.password_hash, current):
        raise StopValidation({"current_password": ["Kata sandi saat ini salah."]})
    if current == new:
        raise StopValidation({"password": ["Kata sandi baru harus berbeda dari yang lama."]})
    set_password(session, user, new)


def deactivate(session: Session, user: User) -> None:
    """Switch an account off and end its sessions; its history stays."""
    user.is_active = False
    user.end_all_sessions()
    session.flush()


def _failures(session: Session, column, value: str, since: datetime) -> list[datetime]:
    query = sa.select(LoginAttempt.at).where(
        column == value, LoginAttempt.at > since, LoginAttempt.succeeded.is_(False)
    )
    if column is LoginAttempt.username:
        last_success = (
            sa.select(sa.func.max(LoginAttempt.at))
            .where(LoginAttempt.username == value, LoginAttempt.succeeded.is_(True))
            .scalar_subquery()
        )
        query = query.where(sa.or_(last_success.is_(None), LoginAttempt.at > last_success))
    return list(session.scalars(query))


def _wait_message(wait: timedelta) -> str:
    minutes = max(1, -(-int(wait.total_seconds()) // 60))
    return (
        "Terlalu banyak percobaan masuk yang gagal. "
        f"Coba lagi dalam {minutes} menit, atau minta admin mengatur ulang kata sandi."
    )


#: The one answer to every refused sign-in: unknown user, wrong password or deactivated account.
LOGIN_REFUSED = (
    "Nama pengguna atau kata sandi salah, atau akun tidak aktif. Periksa lalu coba lagi, atau "
    "hubungi admin Dinas."
)


def authenticate(
    session: Session,
    username: str,
    password: str,
    address: str,
    policy: ThrottlePolicy,
    now: datetime | None = None,
) -> User:
    """Check a username and password, with throttling per account and per client address.

    :raise LoginRefused: with a message for the login form.
    """
    now = now or utcnow()
    username = normalise_username(username)[:60]
    since = now - policy.window
    for column, value, limit in (
        (LoginAttempt.username, username, policy.max_failures_per_user),
        (LoginAttempt.address, address, policy.max_failures_per_address),
    ):
        wait = retry_after(_failures(session, column, value, since), limit, policy.window, now)
        if wait is not None:
            # Aggregated per client address and window: a flood of blocked attempts adds
            # a row or two, not one row per attempt.
            denials.note(
                "login_blocked",
                action="login_blocked",
                actor=audit.Actor(None, username),
                detail={"username": username},
            )
            raise LoginRefused(_wait_message(wait))

    user = session.scalar(sa.select(User).where(User.username == username))
    stored = user.password_hash if user else _dummy_hash(_hash_method())
    valid = check_password_hash(stored, password)
    succeeded = bool(user and valid and user.is_active)
    session.add(LoginAttempt(username=username, address=address, succeeded=succeeded, at=now))
    if not succeeded:
        changes = {"username": username}
        if user and valid and not user.is_active:
            # Only the audit log tells: the form must not reveal which accounts exist and
            # which were switched off (a correct password would otherwise confirm it).
            changes["reason"] = "akun nonaktif"
        audit.record(
            session,
            "login_failed",
            entity_type="users",
            entity_id=user.id if user else None,
            changes=changes,
            actor=audit.Actor(None, username),
        )
        session.flush()
        raise LoginRefused(LOGIN_REFUSED)
    user.last_login_at = now
    session.flush()
    audit.record(session, "login", entity=user, actor=audit.Actor(user.id, user.username))
    return user


def start_session(session: Session, user: User, lifetime: timedelta | None = None) -> str:
    """Open a new sign-in for ``user`` with its own token, and return the token for the cookie.

    Sign-ins of the user older than ``lifetime`` are deleted on the way: they can no longer be used.
    """
    now = utcnow()
    if lifetime is not None:
        session.execute(
            sa.delete(UserSession).where(
                UserSession.user_id == user.id, UserSession.created_at < now - lifetime
            )
        )
    token = new_session_token()
    session.add(UserSession(user_id=user.id, token_hash=token_digest(token), created_at=now))
    session.flush()
    user.session_token, user.signed_in_at = token, now
    return token


def remember_search(session: Session, user: User, text: str) -> None:
    """Keep the entrepreneur list's search for this sign-in only, on the server ("" clears it).

    Search terms are often a NIK: they never travel in a URL (access logs, browser history) or
    in the session cookie (signed, not encrypted).
    """
    text = text.strip()[:SEARCH_TEXT_MAX]
    if user.session_token:
        session.execute(
            sa.update(UserSession)
            .where(UserSession.token_hash == token_digest(user.session_token))
            .values(search_text=text or None)
        )
    user.saved_search = text


def logout(session: Session, user: User) -> None:
    """End this sign-in only; the user's other devices stay signed in."""
    if user.session_token:
        session.execute(
            sa.delete(UserSession).where(
                UserSession.user_id == user.id,
                UserSession.token_hash == token_digest(user.session_token),
            )
        )
    session.flush()
    audit.record(session, "logout", entity=user, actor=audit.Actor(user.id, user.username))


def logout_everywhere(session: Session, user: User) -> None:
    """End every sign-in of the user on every device, including cookies copied earlier."""
    user.end_all_sessions()
    session.flush()
    audit.record(session, "logout_all", entity=user, actor=audit.Actor(user.id, user.username))
