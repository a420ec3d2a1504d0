"""Links that leave the app: the public address of QR codes and shared links, telephone and
WhatsApp links. Shared addresses come from ``PUBLIC_BASE_URL``, never from the request's host
(a phone behind a proxy or a test server would otherwise print an address nobody can open)."""

from __future__ import annotations

from urllib.parse import quote

from flask import current_app, url_for

#: Used while ``PUBLIC_BASE_URL`` is not set: the address ``make run`` serves.
DEVELOPMENT_BASE_URL = "http://localhost:5000"


def public_base_url() -> str:
    return (current_app.config.get("PUBLIC_BASE_URL") or DEVELOPMENT_BASE_URL).rstrip("/")


def public_url(endpoint: str, **values) -> str:
    """The address of ``endpoint`` on the configured public host."""
    return public_base_url() + url_for(endpoint, **values)


def tel_href(e164: str | None) -> str | None:
    """``tel:+6281234567890`` for a stored number (None without one)."""
    return f"tel:{e164}" if e164 else None


def wa_href(e164: str | None, text: str = "") -> str | None:
    """``https://wa.me/6281234567890`` (with a prepared message); None without an Indonesian
    mobile number."""
    if not e164 or not e164.startswith("+62"):
        return None
    link = f"https://wa.me/{e164[1:]}"
    return f"{link}?text={quote(text)}" if text else link
