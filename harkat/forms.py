"""Base form with WTForms' built-in messages in Indonesian, and helpers for views."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from flask import g
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from harkat.core.money import format_rupiah, parse_rupiah
from harkat.core.text import clean_text, control_character_message, control_characters
from harkat.errors import StaleObjectError, StopValidation
from harkat.extensions import db

_MESSAGES = {
    "This field is required.": "Wajib diisi.",
    "Not a valid choice.": "Pilihan tidak valid.",
    "Invalid Choice: could not coerce.": "Pilihan tidak valid.",
    "Invalid choice(s): one or more data inputs could not be coerced.": "Pilihan tidak valid.",
    "'%(value)s' is not a valid choice for this field.": "'%(value)s' bukan pilihan yang valid.",
    "'%(value)s' are not valid choices for this field.": "'%(value)s' bukan pilihan yang valid.",
    "Not a valid integer value.": "Harus berupa bilangan bulat.",
    "Not a valid decimal value.": "Harus berupa angka.",
    "Not a valid float value.": "Harus berupa angka.",
    "Not a valid date value.": "Tanggal tidak valid.",
    "Not a valid datetime value.": "Tanggal dan jam tidak valid.",
    "Not a valid time value.": "Jam tidak valid.",
    "Invalid email address.": "Alamat email tidak valid.",
    "Invalid input.": "Isian tidak valid.",
    "Field must be equal to %(other_name)s.": "Harus sama dengan isian %(other_name)s.",
    "Field must be at least %(min)d character long.": "Minimal %(min)d karakter.",
    "Field must be at least %(min)d characters long.": "Minimal %(min)d karakter.",
    "Field cannot be longer than %(max)d character.": "Maksimal %(max)d karakter.",
    "Field cannot be longer than %(max)d characters.": "Maksimal %(max)d karakter.",
    "Field must be exactly %(max)d character long.": "Harus tepat %(max)d karakter.",
    "Field must be exactly %(max)d characters long.": "Harus tepat %(max)d karakter.",
    "Field must be between %(min)d and %(max)d characters long.": "Harus %(min)d–%(max)d karakter.",
    "Number must be at least %(min)s.": "Minimal %(min)s.",
    "Number must be at most %(max)s.": "Maksimal %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Harus antara %(min)s dan %(max)s.",
    "Date must be at least %(min)s.": "Tanggal paling awal %(min)s.",
    "Date must be at most %(max)s.": "Tanggal paling akhir %(max)s.",
    "Invalid CSRF Token.": "Token formulir tidak sah. Muat ulang halaman.",
    "CSRF token missing.": "Token formulir hilang. Muat ulang halaman.",
    "CSRF failed.": "Formulir tidak sah. Muat ulang halaman.",
    "CSRF token expired.": "Formulir kedaluwarsa. Muat ulang halaman.",
    "The CSRF token is missing.": "Token formulir hilang. Muat ulang halaman.",
    "The CSRF token is invalid.": "Token formulir tidak sah. Muat ulang halaman.",
    "The CSRF token has expired.": "Formulir kedaluwarsa. Muat ulang halaman.",
}


class IndonesianTranslations:
    """The gettext interface WTForms asks for, answering from the table above."""

    def gettext(self, string: str) -> str:
        return _MESSAGES.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


_TRANSLATIONS = IndonesianTranslations()
T = TypeVar("T")


def _clean_line(value):
    """Filter of every one-line text input: invisible characters out, no control characters."""
    if not isinstance(value, str):
        return value
    value = clean_text(value)
    if found := control_characters(value):
        raise ValueError(control_character_message("Isian ini", found))
    return value


def _clean_block(value):
    """Filter of every text area: as :func:`_clean_line`, but tabs and line breaks stay."""
    if not isinstance(value, str):
        return value
    value = clean_text(value)
    if found := control_characters(value, multiline=True):
        raise ValueError(control_character_message("Isian ini", found))
    return value


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _TRANSLATIONS

        def bind_field(self, form, unbound_field, options):
            """Clean every text input people type or paste before it is validated.

            Passwords are left exactly as typed: they are compared, never shown or stored.
            """
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
                cleaner = _clean_block if issubclass(field_class, TextAreaField) else _clean_line
                options["filters"] = (cleaner, *unbound_field.kwargs.get("filters", ()))
            return unbound_field.bind(form=form, **options)

    def validate(self, extra_validators=None) -> bool:
        """Validate, and remember the form so a script's request can be told every reason."""
        valid = super().validate(extra_validators=extra_validators)
        g.setdefault("validated_forms", []).append(self)
        return valid


def save_form(form: FlaskForm, action: Callable[[], T]) -> tuple[bool, T | None]:
    """Run a service call for a submitted form and own its transaction.

    On success the request's transaction is committed. When the rules refuse (a stale copy,
    invalid values) it is rolled back and the reasons are put on the form, next to their fields.

    :return: ``(saved, what the action returned)``.
    """
    try:
        result = action()
    except StaleObjectError as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return False, None
    except StaleDataError:
        # Two saves passed the version check at the same instant; the database let one win.
        db.session.rollback()
        form.form_errors.append(
            "Data ini baru saja diubah oleh pengguna lain pada saat yang sama. Perubahan Anda "
            "belum disimpan; muat ulang halaman, periksa data terbaru, lalu ulangi."
        )
        return False, None
    except StopValidation as error:
        db.session.rollback()
        apply_errors(form, error)
        return False, None
    db.session.commit()
    return True, result


def record_id(value: object) -> int:
    """Parse an id from a query string or form: digits that fit a database integer.

    :raise ValueError: otherwise (``request.args.get(..., type=record_id)`` then gives None).
    """
    text = str(value).strip()
    if not text.isdigit() or int(text) > 2**31 - 1 or int(text) == 0:
        raise ValueError("Bukan nomor data yang valid.")
    return int(text)


def version_of(form: FlaskForm) -> int:
    """The record version a form was opened on; a missing or tampered value counts as stale."""
    text = str(form.version.data or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else 0


def choices(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """Turn ``(value, label)`` pairs into the option objects WTForms expects."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def apply_errors(form: FlaskForm, error: StopValidation) -> None:
    """Put a service's reasons onto the matching form fields; the rest onto ``form.form_errors``."""
    for field_name, reasons in error.reasons.items():
        field = getattr(form, field_name, None) if field_name else None
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, *reasons]
        else:
            form.form_errors.extend(reasons)


class RupiahField(StringField):
    """A text input for rupiah that accepts ``Rp 5.000.000``, ``5jt`` and the like; data is int."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return format_rupiah(self.data) if self.data is not None else ""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = parse_rupiah(valuelist[0])
            except ValueError as error:
                raise ValueError(str(error)) from error
