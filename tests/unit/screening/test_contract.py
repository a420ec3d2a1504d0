"""The engine keeps its promises to the rest of HARKAT: pure code, the seeded lender codes."""

import ast
from pathlib import Path

from harkat.reference.seeds import LENDER_CATEGORIES
from harkat.screening import engine
from harkat.screening.engine import Debt, Flag, Frequency, LenderType, Outcome, assess_debt


def test_lender_types_are_the_seeded_lender_categories():
    seeded = {
        code: (is_formal, is_online) for code, _, is_formal, is_online, _ in LENDER_CATEGORIES
    }
    assert {t.value: (t.is_formal, t.is_online) for t in LenderType} == seeded


def test_seeded_high_cost_categories_are_always_high_cost_in_the_engine():
    seeded = {code for code, *_, is_high_cost in LENDER_CATEGORIES if is_high_cost}
    for lender_type in LenderType:
        interest_free = Debt("X", lender_type, 1_200_000, 1_200_000, 100_000, Frequency.MONTHLY, 12)
        assert assess_debt(interest_free).is_high_cost is (lender_type.value in seeded)


def test_every_choice_has_an_indonesian_label():
    for enum in (LenderType, Frequency, Outcome, Flag):
        assert all(label and label != value for value, label in enum.choices())
    assert Outcome.MERAH.label == "Merah – belum dapat dirujuk"
    assert Frequency.from_label("harian") is Frequency.DAILY


def test_the_engine_imports_neither_flask_nor_the_database():
    tree = ast.parse(Path(engine.__file__).read_text(encoding="utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            modules.add(node.module)
    assert modules <= {
        "__future__",
        "dataclasses",
        "collections.abc",
        "decimal",
        "harkat.core.enums",
        "harkat.core.money",
        "harkat.errors",
    }
