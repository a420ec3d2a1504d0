"""NIK (Nomor Induk Kependudukan) helpers that need no database."""

from __future__ import annotations

import re

_NIK_IN_TEXT = re.compile(r"(?<!\d)(\d{4})\d{8}(\d{4})(?!\d)")


def mask_nik(nik: str | None) -> str | None:
    """Show only the first and last four digits: ``1571********0001``."""
    if not nik:
        return nik
    digits = re.sub(r"\D", "", nik)
    if len(digits) != 16:
        return "*" * len(digits)
    return f"{digits[:4]}{'*' * 8}{digits[-4:]}"


def mask_niks_in_text(text: str) -> str:
    """Mask every 16-digit run in free text, for logs and audit notes."""
    return _NIK_IN_TEXT.sub(lambda m: f"{m.group(1)}{'*' * 8}{m.group(2)}", text)
