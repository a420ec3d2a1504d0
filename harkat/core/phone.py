"""Indonesian mobile (HP) numbers: accept what people type, store E.164, show ``0812-3456-7890``.

Validation and number types come from ``phonenumbers`` (Google libphonenumber metadata), so new
operator prefixes arrive with library updates instead of a hand-kept list here. Only mobile
numbers are accepted: entrepreneurs are reached by SMS and WhatsApp, which a landline cannot
receive.
"""

from __future__ import annotations

import math
import operator
import re
from decimal import Decimal
from typing import Literal

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

PhoneReason = Literal[
    "empty", "characters", "invalid", "too_short", "too_long", "foreign", "landline", "not_mobile"
]

_REGION = "ID"
_COUNTRY_CODE = 62
_MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})

# Digits with the punctuation people actually use; anything else (letters, "ext", several numbers
# separated by "/" or ",") is refused. Letters must not reach phonenumbers, which would read
# "0812-ABCD" as a keypad vanity number.
_TYPED = re.compile(r"\+?[0-9\s().\-]+")

# A number turned into text from a float by Python or pandas: "81234567890.0".
_FLOAT_TEXT = re.compile(r"([0-9]+)\.0")

# Leading apostrophe a spreadsheet user types to keep the leading zero; it may be curled.
_APOSTROPHES = "'\u2018\u2019"

_EXAMPLE = "contoh: 0812-3456-7890"


class PhoneError(ValueError):
    """A refused phone number: ``reason`` is a stable code, ``message`` is for the user."""

    def __init__(self, reason: PhoneReason, message: str) -> None:
        super().__init__(message)
        self.reason: PhoneReason = reason
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[type[PhoneError], tuple[str, str]]:
        # Default pickling replays ``args`` (the message only), which does not match __init__.
        return (type(self), (self.reason, self.message))


def _invalid() -> PhoneError:
    return PhoneError("invalid", f"Nomor HP tidak valid ({_EXAMPLE}).")


def _to_text(raw: str | int | float | Decimal | None) -> str:
    """Turn typed text or a spreadsheet cell value into text for parsing."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        raise TypeError("phone number must be text or a number, not bool")
    if isinstance(raw, float):
        if math.isnan(raw):
            # pandas reads an empty cell in a numeric column as NaN.
            return ""
        # Phone numbers have at most 15 digits, so a float from a sheet still holds them exactly.
        if not math.isfinite(raw) or not raw.is_integer() or raw < 0:
            raise _invalid()
        return str(int(raw))
    if isinstance(raw, Decimal):
        if raw.is_nan():
            return ""
        if not raw.is_finite() or raw != raw.to_integral_value() or raw < 0:
            raise _invalid()
        return str(int(raw))
    if isinstance(raw, str):
        text = raw.strip()
        if text and text[0] in _APOSTROPHES:
            text = text[1:].strip()
        float_text = _FLOAT_TEXT.fullmatch(text)
        return float_text.group(1) if float_text else text
    try:
        # int and integer-like values such as numpy.int64 from a pandas import.
        number = operator.index(raw)
    except TypeError:
        raise TypeError(
            f"phone number must be text or a number, not {type(raw).__name__}"
        ) from None
    if number < 0:
        raise _invalid()
    return str(number)


def _parse(text: str) -> phonenumbers.PhoneNumber:
    """Parse typed text, reading "62…" without "+" as the country code where that gives a mobile."""
    digits = re.sub(r"[^0-9]", "", text)
    if not text.startswith("+") and digits.startswith("62"):
        # libphonenumber would read a short "62811…" as a national number in the 062x landline
        # areas (Aceh, North Sumatra); someone typing 62 in front of a mobile means the country.
        try:
            international = phonenumbers.parse("+" + digits, None)
        except NumberParseException:
            pass
        else:
            if _is_mobile(international):
                return international
    try:
        # Without "+", a number is read as Indonesian: "0812…" and "812…" both work.
        return phonenumbers.parse(text, _REGION)
    except NumberParseException:
        raise _invalid() from None


def _is_mobile(number: phonenumbers.PhoneNumber) -> bool:
    return (
        number.country_code == _COUNTRY_CODE
        and phonenumbers.is_valid_number(number)
        and phonenumbers.number_type(number) in _MOBILE_TYPES
    )


def normalise_phone(raw: str | int | float | Decimal | None) -> str:
    """Validate an Indonesian mobile number and return it in E.164 form: ``+6281234567890``."""
    text = _to_text(raw)
    if not text:
        raise PhoneError("empty", "Nomor HP wajib diisi.")
    if not _TYPED.fullmatch(text):
        raise PhoneError(
            "characters",
            "Nomor HP hanya boleh berisi angka, spasi, tanda hubung, tanda kurung, dan awalan +"
            f" ({_EXAMPLE}).",
        )
    number = _parse(text)

    if number.country_code != _COUNTRY_CODE:
        raise PhoneError(
            "foreign",
            f"Nomor HP harus nomor Indonesia (+62), bukan nomor luar negeri ({_EXAMPLE}).",
        )
    if not phonenumbers.is_valid_number(number):
        possible = phonenumbers.is_possible_number_for_type_with_reason(
            number, PhoneNumberType.MOBILE
        )
        if possible == phonenumbers.ValidationResult.TOO_SHORT:
            raise PhoneError("too_short", f"Nomor HP terlalu pendek ({_EXAMPLE}).")
        if possible == phonenumbers.ValidationResult.TOO_LONG:
            raise PhoneError("too_long", f"Nomor HP terlalu panjang ({_EXAMPLE}).")
        raise _invalid()

    kind = phonenumbers.number_type(number)
    if kind == PhoneNumberType.FIXED_LINE:
        raise PhoneError(
            "landline",
            "Nomor ini adalah telepon rumah/kantor; yang diperlukan nomor HP (seluler) "
            f"yang bisa menerima SMS/WhatsApp ({_EXAMPLE}).",
        )
    if kind not in _MOBILE_TYPES:
        # Toll-free (0800), premium (0809), UAN (1500…) and similar service numbers.
        raise PhoneError(
            "not_mobile",
            f"Nomor ini bukan nomor HP; yang diperlukan nomor HP (seluler) ({_EXAMPLE}).",
        )
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def format_phone(e164: str | None) -> str:
    """Show a stored number the national way, ``0812-3456-7890``; leave anything else as given."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, _REGION)
    except NumberParseException:
        return e164
    if not phonenumbers.is_valid_number(number):
        return e164
    if number.country_code != _COUNTRY_CODE:
        return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    # libphonenumber's national format for Indonesian mobiles is already hyphenated 4-4-rest.
    return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)


def phone_search_key(raw: str | int | float | Decimal | None) -> str | None:
    """Return the E.164 form to search stored numbers by, or None if ``raw`` is not a mobile."""
    try:
        return normalise_phone(raw)
    except (PhoneError, TypeError):
        return None
