"""Optimistic locking shared by every feature: the version column and the check before a write.

Imports the account model (whose ``User`` names the last editor) and nothing of any feature, so
registration, training, incubation and referrals can all build on it.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from harkat.auth.models import User
from harkat.core.dates import format_datetime
from harkat.errors import StaleObjectError


class VersionedMixin:
    """Optimistic locking: a stale write fails instead of overwriting someone else's change."""

    version: Mapped[int] = mapped_column(default=1)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}

    @declared_attr
    def updated_by(cls) -> Mapped[User | None]:
        """Who saved the current version (named when a stale edit is refused)."""
        return relationship(User, foreign_keys=f"{cls.__name__}.updated_by_id")


def check_version(record, expected_version: int | None) -> None:
    """Refuse a write based on an old copy, naming who changed the record and when."""
    if expected_version is None or record.version == expected_version:
        return
    who = record.updated_by.full_name if record.updated_by else "pengguna lain"
    raise StaleObjectError(
        f"Data ini sudah diubah oleh {who} pada {format_datetime(record.updated_at)} "
        "setelah formulir Anda dibuka. Perubahan Anda belum disimpan; muat ulang halaman, "
        "periksa data terbaru, lalu ulangi perubahan."
    )
