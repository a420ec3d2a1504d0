"""Creating, checking and revoking API tokens, and the per-token rate limit."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from harkat.api.models import ApiRateCounter, ApiToken, digest, new_secret
from harkat.auth.domain import Role
from harkat.auth.models import User
from harkat.database import utcnow
from harkat.errors import StopValidation


def create_token(session: Session, user: User, name: str, actor: User) -> tuple[ApiToken, str]:
    """Make a token for ``user``; return the row and the secret, which is shown only now."""
    if actor.id != user.id and actor.role != Role.ADMIN:
        raise StopValidation({None: ["Hanya admin atau pemilik akun yang dapat membuat token."]})
    if not user.is_active:
        raise StopValidation({None: ["Akun ini tidak aktif."]})
    label = " ".join((name or "").split())
    if not 3 <= len(label) <= 80:
        raise StopValidation({"name": ["Nama token: 3 sampai 80 huruf, misalnya 'Sistem Bank 9'."]})
    secret = new_secret()
    token = ApiToken(
        user_id=user.id,
        name=label,
        token_hash=digest(secret),
        hint=secret[:10],
        created_by_id=actor.id,
    )
    session.add(token)
    session.flush()
    return token, secret


def revoke_token(session: Session, token: ApiToken, actor: User) -> None:
    if actor.id != token.user_id and actor.role != Role.ADMIN:
        raise StopValidation({None: ["Hanya admin atau pemilik token yang dapat mencabutnya."]})
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    return list(
        session.scalars(
            sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
        )
    )


def find_active(session: Session, secret: str) -> ApiToken | None:
    """The live token for a secret whose user is still active, or None."""
    if not secret or len(secret) > 200:
        return None
    token = session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    return token


def hit(
    engine: sa.Engine,
    token_id: int,
    last_used_at: datetime | None,
    limit: int,
    now: datetime | None = None,
) -> int | None:
    """Count a request in the token's current minute; return seconds to wait when over the limit.

    The counter lives in the database so every worker sees the same count. It is written in a
    transaction of its own, so a page that only reads never becomes a write, and a request that
    fails later still counts.
    """
    now = now or utcnow()
    window = now.replace(second=0, microsecond=0)
    table = ApiRateCounter.__table__
    mine = sa.and_(table.c.token_id == token_id, table.c.window == window)
    with engine.begin() as connection:
        if not connection.execute(
            sa.update(table).where(mine).values(count=table.c.count + 1)
        ).rowcount:
            try:
                with connection.begin_nested():
                    connection.execute(
                        sa.insert(table).values(token_id=token_id, window=window, count=1)
                    )
            except sa.exc.IntegrityError:
                connection.execute(sa.update(table).where(mine).values(count=table.c.count + 1))
        count = connection.scalar(sa.select(table.c.count).where(mine))
        connection.execute(
            sa.delete(table).where(
                table.c.token_id == token_id, table.c.window < window - timedelta(minutes=5)
            )
        )
        if last_used_at is None or now - last_used_at > timedelta(minutes=1):
            tokens = ApiToken.__table__
            connection.execute(
                sa.update(tokens).where(tokens.c.id == token_id).values(last_used_at=now)
            )
    if count > limit:
        return max(1, 60 - now.second)
    return None
