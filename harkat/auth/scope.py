"""Which records a user may see, as SQL conditions, and who may change a case.

Shared by every feature: the functions take the columns to filter on and know no feature's
models, so a feature's queries and this module never import each other in a circle.
"""

from __future__ import annotations

import sqlalchemy as sa

from harkat.auth.domain import Role
from harkat.auth.models import User


def kecamatan_scope(user: User, kecamatan_column) -> sa.ColumnElement[bool]:
    """Return the condition for records a user may see by the record's kecamatan.

    Admins and viewers see the whole city, a facilitator the kecamatan of their assignment, and
    anyone else (a bank officer) nothing: cases reach a bank only through referrals.
    """
    if user.role in (Role.ADMIN, Role.VIEWER):
        return sa.true()
    if user.role == Role.FACILITATOR:
        codes = user.kecamatan_codes
        return kecamatan_column.in_(codes) if codes else sa.false()
    return sa.false()


def kecamatan_or_bank_scope(
    user: User,
    kecamatan_column,
    bank_column,
    bank_may_see: sa.ColumnElement[bool] | None = None,
) -> sa.ColumnElement[bool]:
    """Return the condition for records a partner bank works on (referrals, loans).

    As :func:`kecamatan_scope`, and a bank officer also sees the records of their own bank for
    which ``bank_may_see`` holds (e.g. a referral that has been sent, not a draft).
    """
    if user.role == Role.BANK_OFFICER and user.bank_id:
        own_bank = bank_column == user.bank_id
        return own_bank if bank_may_see is None else sa.and_(own_bank, bank_may_see)
    return kecamatan_scope(user, kecamatan_column)


def can_edit_cases(user: User) -> bool:
    """Whether the user may change cases (register, train, screen, refer): admins, facilitators."""
    return user.role in (Role.ADMIN, Role.FACILITATOR)
