"""The shared kernel sits below the features: it imports none of them, so any feature can use it.

Read from the source (imports inside functions count; ``if TYPE_CHECKING:`` blocks do not), so a
new import that would pull a feature into the kernel fails here before it makes a cycle.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

import harkat

PACKAGE = Path(harkat.__file__).resolve().parent

#: Each kernel module and the harkat modules it may import.
KERNEL = {
    "errors.py": set(),
    "core/enums.py": set(),
    "auth/domain.py": set(),
    "auth/scope.py": {"harkat.auth.domain", "harkat.auth.models"},
    "versioning.py": {"harkat.auth.models", "harkat.core.dates", "harkat.errors"},
    "cases/domain.py": {"harkat.core.enums"},
    "cases/journey.py": set(),
    "cases/models.py": {"harkat.auth.models", "harkat.database", "harkat.extensions"},
    "cases/services.py": {
        "harkat.auth.models",
        "harkat.cases.domain",
        "harkat.cases.models",
        "harkat.database",
    },
}


def harkat_imports(path: Path) -> set[str]:
    """The ``harkat.*`` modules a file imports at run time."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_checking = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING"
        for node in ast.walk(block)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in type_checking:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.split(".")[0] == "harkat"}


@pytest.mark.parametrize("module", sorted(KERNEL))
def test_a_kernel_module_imports_no_feature(module):
    assert harkat_imports(PACKAGE / module) <= KERNEL[module]


def test_only_the_entrepreneur_page_reads_the_whole_story():
    """``cases/story.py`` reads every feature; a feature importing it back would be a cycle."""
    readers = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "harkat.cases.story" in harkat_imports(path)
    }
    assert readers == {"registration/views.py"}


@cache
def defined_in(path: Path) -> frozenset[str]:
    """The names a module defines itself (classes, functions, assignments), not ones it imports."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
    return frozenset(names)


def registration_module(name: str) -> Path | None:
    if name.startswith("harkat.registration."):
        path = PACKAGE.parent.joinpath(*name.split(".")).with_suffix(".py")
        return path if path.exists() else None
    return None


def borrowed_from_registration(path: Path) -> list[str]:
    """Names a file takes from ``harkat.registration.*`` that the module only imports itself."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    borrowed, aliases = [], {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not node.module:
            continue
        if source := registration_module(node.module):
            borrowed += [
                f"{node.module}.{a.name}" for a in node.names if a.name not in defined_in(source)
            ]
        if node.module == "harkat.registration":
            for a in node.names:
                if source := registration_module(f"harkat.registration.{a.name}"):
                    aliases[a.asname or a.name] = source
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and node.attr not in defined_in(aliases[node.value.id])
        ):
            borrowed.append(f"{node.value.id}.{node.attr}")
    return borrowed


def test_no_feature_takes_a_kernel_name_through_registration():
    """``registration`` uses the kernel like any feature; no feature reaches it through there."""
    borrowed = {
        str(path.relative_to(PACKAGE)): names
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).parts[0] != "registration"
        and (names := borrowed_from_registration(path))
    }
    assert borrowed == {}
