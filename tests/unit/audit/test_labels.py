"""Every field the audit log can show has an Indonesian label, and every enum value its own."""

from __future__ import annotations

import sqlalchemy as sa

import harkat  # noqa: F401  (imports every model through the factory's modules)
from harkat.audit.labels import field_label, value_label
from harkat.audit.models import HIDDEN_FIELDS
from harkat.database import Model


def _audited():
    for mapper in Model.registry.mappers:
        if getattr(mapper.class_, "__audited__", False):
            yield mapper, getattr(mapper.class_, "__audit_exclude__", frozenset())


def test_every_logged_field_has_a_label(app):
    missing = []
    for mapper, excluded in _audited():
        table = mapper.local_table.name
        keys = [p.key for p in mapper.column_attrs] + [
            r.key for r in mapper.relationships if r.uselist
        ]
        for key in keys:
            if key not in excluded and key not in HIDDEN_FIELDS and field_label(table, key) == key:
                missing.append(f"{table}.{key}")
    assert not missing, missing


def test_enum_values_read_as_their_labels(app):
    checked = 0
    for mapper, _ in _audited():
        for prop in mapper.column_attrs:
            column_type = prop.columns[0].type
            if isinstance(column_type, sa.Enum) and column_type.enum_class is not None:
                for member in column_type.enum_class:
                    shown = value_label(mapper.local_table.name, prop.key, member.value)
                    assert shown == member.label, (mapper.local_table.name, prop.key, member)
                    checked += 1
    assert checked > 50
    assert value_label("entrepreneurs", "stage", "repaying") == "Mengangsur"
    assert value_label("banks", "is_sharia", True) == "ya"
    assert value_label("entrepreneurs", "birth_date", "1985-08-17") == "17 Agustus 1985"
    assert field_label("entrepreneurs", "stage") == "Tahap"
