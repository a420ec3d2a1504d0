"""The counseling sheet shared with the entrepreneur by WhatsApp: a signed link that expires.

The entrepreneur has no account, so the sheet behind the shared link cannot ask them to sign
in. The link carries the screening's id signed with the app's secret key and the time it was
made; it opens for ``share.link_days`` days, and only while the person's WhatsApp consent is in
force (withdrawing consent withdraws every link already sent)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from hashlib import sha256

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from harkat.core.enums import ConsentPurpose
from harkat.registration.services import has_consent
from harkat.screening.models import Screening
from harkat.settings.services import get_number

SALT = "harkat.counseling-sheet"
LINK_DAYS_RULE = "share.link_days"


@dataclass(frozen=True)
class SharedSheet:
    """What a shared link opens: the screening, or why it no longer opens."""

    screening: Screening | None
    expires_at: datetime | None = None
    problem: str | None = None  # "expired", "invalid" or "withdrawn"


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT, signer_kwargs={"digest_method": sha256})


def link_days(session: Session) -> int:
    return int(get_number(session, LINK_DAYS_RULE))


def share_token(screening: Screening, secret_key: str) -> str:
    """A token for ``screening``'s sheet, valid from now for the configured number of days."""
    return _serializer(secret_key).dumps(screening.id)


def open_token(session: Session, token: str, secret_key: str) -> SharedSheet:
    """Resolve a shared link; a link that cannot open says why, never which screening it was."""
    serializer = _serializer(secret_key)
    days = link_days(session)
    if len(token) > 200:
        return SharedSheet(None, problem="invalid")
    try:
        screening_id, signed_at = serializer.loads(
            token, max_age=days * 86_400, return_timestamp=True
        )
    except SignatureExpired:
        return SharedSheet(None, problem="expired")
    except BadSignature:
        return SharedSheet(None, problem="invalid")
    screening = session.get(Screening, screening_id) if isinstance(screening_id, int) else None
    if screening is None:
        return SharedSheet(None, problem="invalid")
    if not has_consent(screening.entrepreneur, ConsentPurpose.WHATSAPP):
        return SharedSheet(None, problem="withdrawn")
    return SharedSheet(screening, expires_at=signed_at + timedelta(days=days))
