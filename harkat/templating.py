"""Jinja filters and globals: Indonesian numbers, dates and labels."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, has_request_context
from flask_login import current_user

from harkat.audit.labels import field_label, value_label
from harkat.audit.models import ACTION_LABELS, ENTITY_LABELS, HIDDEN_FIELDS
from harkat.core.dates import (
    JAKARTA,
    days_ago,
    format_date,
    format_datetime,
    format_month,
    relative_day,
)
from harkat.core.money import format_decimal, format_percent, format_rupiah
from harkat.core.nik import format_nik, mask_nik
from harkat.core.phone import format_phone
from harkat.links import public_url, tel_href, wa_href
from harkat.navigation import Navigation, navigation_for


def format_number(value: int | None) -> str:
    """Group thousands with dots: ``12.345``."""
    if value is None:
        return "—"
    return f"{value:,}".replace(",", ".")


def _rate_text(value) -> str:
    from harkat.screening.documents import rate_text

    return rate_text(value)


def error_items(form) -> list[tuple[str | None, str, str]]:
    """Every error of a refused form as ``(field id or None, field label, message)``.

    Whole-form errors come first, then fields in page order; rows of a list of sub-forms are
    named by the list's label and their number. The error summary links each item to its field.
    """
    items: list[tuple[str | None, str, str]] = [
        (None, "", str(error)) for error in getattr(form, "form_errors", [])
    ]

    def walk(fields, prefix: str) -> None:
        for field in fields:
            if field.type == "FieldList":
                for error in field.errors:
                    if isinstance(error, str):
                        items.append((None, prefix + field.label.text, error))
                # WTForms names an unlabelled list after its attribute ("Payoffs"): say "Baris".
                named = field.label.text != field.name.replace("_", " ").title()
                for number, entry in enumerate(field.entries, 1):
                    label = f"{prefix}{field.label.text if named else 'Baris'} {number} · "
                    if entry.type == "FormField":
                        walk(entry.form, label)
                    else:
                        items.extend((entry.id, label.rstrip(" ·"), e) for e in entry.errors)
            elif field.type == "FormField":
                walk(field.form, prefix)
            elif field.type == "CSRFTokenField":
                items.extend((None, "", str(error)) for error in field.errors)
            else:
                target = None if field.type == "HiddenField" else field.id
                label = prefix + field.label.text
                items.extend((target, label, str(error)) for error in field.errors)

    walk(form, "")
    return items


def inject_navigation() -> dict:
    """Context processor: ``nav``, what the navigation bar offers the signed-in user."""
    if not has_request_context() or not current_user.is_authenticated:
        return {"nav": Navigation()}
    return {"nav": navigation_for(current_user.role)}


def init_templating(app: Flask) -> None:
    app.jinja_env.filters.update(
        rupiah=format_rupiah,
        percent=format_percent,
        decimal=format_decimal,
        number=format_number,
        date_id=format_date,
        datetime_id=format_datetime,
        days_ago=days_ago,
        relative_day=lambda day: relative_day(day, datetime.now(JAKARTA).date()),
        month_id=format_month,
        mask_nik=mask_nik,
        format_nik=format_nik,
        format_phone=format_phone,
        rate=_rate_text,
        action_label=lambda action: ACTION_LABELS.get(action, action),
        entity_label=lambda entity: ENTITY_LABELS.get(entity, entity),
    )
    app.jinja_env.globals.update(
        AUDIT_HIDDEN_FIELDS=HIDDEN_FIELDS,
        error_items=error_items,
        audit_field=field_label,
        audit_value=value_label,
        today=lambda: datetime.now(JAKARTA).date(),
        public_url=public_url,
        tel_href=tel_href,
        wa_href=wa_href,
    )
    app.context_processor(inject_navigation)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
