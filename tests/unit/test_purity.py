"""The pure core stays pure: domain rules import nothing of Flask, SQLAlchemy or the models.

Each module is imported alone in a fresh interpreter, so a heavy import anywhere on its path
(the package's ``__init__``, a model module reached for an enum) shows up in ``sys.modules``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import harkat

PACKAGE = Path(harkat.__file__).resolve().parent

#: The pure modules beyond ``core/*`` and every feature's ``domain.py``.
NAMED = (
    "harkat.cases.journey",
    "harkat.screening.engine",
    "harkat.referrals.transitions",
    "harkat.referrals.gates",
    "harkat.referrals.loans",
    "harkat.reports.absorption",
)

FORBIDDEN = ("sqlalchemy", "flask", "flask_login", "flask_sqlalchemy")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def pure_modules() -> list[str]:
    """``core/*``, every ``*/domain.py`` and the named rule modules, found on disk."""
    found = [_module_name(p) for p in sorted((PACKAGE / "core").glob("*.py"))]
    found += [_module_name(p) for p in sorted(PACKAGE.glob("*/domain.py"))]
    return [*found, *NAMED]


def loaded_after_import(module: str) -> set[str]:
    """Import ``module`` in a new interpreter and return every module it left loaded."""
    code = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(  # noqa: S603 - our own interpreter, module names from this file
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(result.stdout))


def test_the_list_covers_the_core_and_every_domain_module():
    modules = pure_modules()
    assert "harkat.core.money" in modules
    assert {"harkat.registration.domain", "harkat.cases.domain", "harkat.auth.domain"} <= set(
        modules
    )


@pytest.mark.parametrize("module", pure_modules())
def test_a_pure_module_loads_neither_flask_nor_the_database(module):
    loaded = loaded_after_import(module)
    heavy = sorted(name for name in loaded if name.split(".")[0] in FORBIDDEN)
    models = sorted(
        name for name in loaded if name.startswith("harkat.") and name.split(".")[-1] == "models"
    )
    assert heavy == [], f"{module} loads {heavy[:5]}"
    assert models == [], f"{module} loads {models}"


def test_the_check_sees_a_module_that_reaches_the_database():
    """The probe itself works: a model module does load SQLAlchemy and its feature's models."""
    loaded = loaded_after_import("harkat.registration.services")
    assert "sqlalchemy" in loaded
    assert "harkat.registration.models" in loaded
