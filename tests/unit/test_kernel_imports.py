"""The shared kernel sits below the features: it imports none of them, so any feature can use it.

Read from the source (imports inside functions count; ``if TYPE_CHECKING:`` blocks do not), so a
new import that would pull a feature into the kernel fails here before it makes a cycle.
"""

from __future__ import annotations

import ast
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
