"""Pure rules for accounts: the roles, the password policy and sign-in throttling."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from importlib import resources


class Role(enum.StrEnum):
    """What an account may do; the scope of what it sees follows from it (``auth/scope.py``)."""

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


MIN_PASSWORD_LENGTH = 10


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("harkat.auth").joinpath("data", "common_passwords.txt").read_text()
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def password_problems(password: str, username: str) -> list[str]:
    """Return why a password is refused, in Indonesian; an empty list means it is acceptable."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter.")
    lowered = password.lower()
    name = username.strip().lower()
    if name and (lowered == name or name in lowered or lowered in name):
        problems.append("Kata sandi tidak boleh sama dengan atau memuat nama pengguna.")
    core = re.sub(r"[\d\W_]+$", "", lowered)
    if lowered in common_passwords() or core in common_passwords() or len(set(lowered)) <= 2:
        problems.append("Kata sandi ini terlalu umum dan mudah ditebak; pilih yang lain.")
    return problems


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures_per_user: int
    max_failures_per_address: int
    window: timedelta


def retry_after(
    failures: list[datetime], limit: int, window: timedelta, now: datetime
) -> timedelta | None:
    """Return how long to wait before another try, or None when the limit is not reached.

    :param failures: times of failed attempts inside the window (any order).
    """
    recent = sorted(at for at in failures if now - at < window)
    if len(recent) < limit:
        return None
    # The lock lifts when the oldest failure that still counts toward the limit leaves the window.
    unlock_at = recent[-limit] + window
    return max(unlock_at - now, timedelta(seconds=1))
