"""Templates ask, they do not decide: no template compares a role or a status.

Who may do what, and what a state allows, is decided in Python next to the server's own checks
and reaches the page as a named boolean (``can_message``, ``r.is_editable``, ``nav.shows_admin``).
A comparison in a template would be a second copy of a rule that nothing keeps in step with the
first, so this scan fails as soon as one comes back.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import Environment, nodes

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
#: ``==``, ``!=``, ``in`` and ``not in``: the comparisons that pick out a role or a state.
MATCHING = frozenset({"eq", "ne", "in", "notin"})
ENV = Environment(autoescape=True, extensions=["jinja2.ext.do"])


def _decides(node: nodes.Node) -> bool:
    """Whether an operand reads a role or a status (``current_user.role``, ``Role.ADMIN``,
    ``r.status.value``, ``EnrolmentStatus.WITHDRAWN``, a variable named ``status``)."""
    for part in (node, *node.find_all((nodes.Name, nodes.Getattr))):
        if isinstance(part, nodes.Name):
            name = part.name
        elif isinstance(part, nodes.Getattr):
            name = part.attr
        else:
            continue
        if name in ("role", "status", "Role") or name.endswith("Status"):
            return True
    return False


def decisions(source: str) -> list[int]:
    """Return the line numbers of comparisons in a template that test a role or a status."""
    lines = []
    for compare in ENV.parse(source).find_all(nodes.Compare):
        if not any(op.op in MATCHING for op in compare.ops):
            continue
        if any(_decides(operand) for operand in (compare.expr, *(op.expr for op in compare.ops))):
            lines.append(compare.lineno)
    return lines


def test_no_template_compares_a_role_or_a_status():
    found = {
        str(path.relative_to(TEMPLATES)): decisions(path.read_text(encoding="utf-8"))
        for path in sorted(TEMPLATES.rglob("*"))
        if path.is_file()
    }
    assert len(found) > 50, "the scan must see the templates"
    assert {name: lines for name, lines in found.items() if lines} == {}, (
        "Compute the decision in the view or the model and pass a named boolean instead."
    )


@pytest.mark.parametrize(
    "snippet",
    [
        "{% if current_user.role == Role.ADMIN %}x{% endif %}",
        "{% if current_user.role in (Role.ADMIN, Role.FACILITATOR) %}x{% endif %}",
        "{{ 'a' if current_user.role != Role.VIEWER else 'b' }}",
        "{% if m.author and m.author.role == 'bank_officer' %}x{% endif %}",
        "{% if r.status.value in ('draft', 'needs_info') %}x{% endif %}",
        "{% if r.status.value != 'draft' %}x{% endif %}",
        "{% if e.status == EnrolmentStatus.WITHDRAWN %}x{% endif %}",
        "{% if match.status == 'licensed' %}x{% endif %}",
        "{% set late = r.status in waiting %}",
        "{% for s in statuses %}{% if status == s.value %}x{% endif %}{% endfor %}",
    ],
)
def test_the_scan_finds_role_and_status_comparisons(snippet):
    assert decisions(snippet) == [1]


@pytest.mark.parametrize(
    "snippet",
    [
        "{% if can_message %}x{% endif %}",
        "{% if r.is_editable and not r.is_draft %}x{% endif %}",
        "{{ r.status.label }} {{ current_user.role.label }}",
        "{{ badge[lender.status.value] }}",
        "{% for status in pipeline_states %}{{ status.label }}{% endfor %}",
        "{% if r.id in late_ids and age > sla %}x{% endif %}",
        "{% if key == 'kecamatan' %}x{% endif %}",
    ],
)
def test_the_scan_lets_named_booleans_and_labels_through(snippet):
    assert decisions(snippet) == []
