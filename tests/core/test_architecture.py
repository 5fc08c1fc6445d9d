"""The shape of the code: views leave the transaction to the wrapper, and no module imports itself back."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from portal.config import PROJECT_ROOT

PORTAL = PROJECT_ROOT / "portal"


def _modules() -> dict[str, Path]:
    found = {}
    for path in PORTAL.rglob("*.py"):
        parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(path: Path, module: str, known: set[str]) -> set[str]:
    """Modules of the portal that ``module`` imports, at its top or inside a function (all but TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    imported: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return  # only for type checkers
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            imported.add(base)
            imported.update(f"{base}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {name for name in imported if name in known and name != module}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_no_import_cycles_between_portal_modules():
    """A cycle, even through an import inside a function, hides which module owns what."""
    modules = _modules()
    known = set(modules)
    graph = {}
    for name, path in modules.items():
        # importing a package's submodule imports the package first: that edge is not a cycle of ours
        graph[name] = {m for m in _imports(path, name, known) if not name.startswith(m + ".")}
    assert _cycles(graph) == []


def test_views_never_commit_or_roll_back():
    """One transaction per request: the wrapper in portal.core.transaction commits, views don't."""
    offenders = [
        f"{file.relative_to(PROJECT_ROOT)}:{number}"
        for path in PORTAL.glob("*/routes*")
        for file in ([path] if path.is_file() else path.rglob("*.py"))
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\.(commit|rollback)\(", line)
    ]
    assert offenders == []


def test_every_workflow_checks_its_moves_with_the_one_transitions_helper():
    """Each area's states.py makes a ``Transitions`` of its table; none writes its own check."""
    from portal.concerns.states import CONCERN_FLOW
    from portal.core.states import Transitions
    from portal.declarations.states import VERSION_FLOW
    from portal.oath.states import REGISTRATION_FLOW, SESSION_FLOW

    for flow in (CONCERN_FLOW, VERSION_FLOW, REGISTRATION_FLOW, SESSION_FLOW):
        assert isinstance(flow, Transitions)
    for path in (PROJECT_ROOT / "portal").rglob("states.py"):
        text = path.read_text(encoding="utf-8")
        assert "TRANSITIONS[" not in text, f"{path}: checks transitions by hand; use core.states.Transitions"


def test_a_status_without_a_row_in_its_table_is_refused_at_import():
    import enum

    import pytest

    from portal.core.states import Transitions

    class Light(enum.StrEnum):
        red = "red"
        green = "green"

    with pytest.raises(ValueError, match="green"):
        Transitions(Light, {Light.red: {Light.green}}, lambda current, target: ValueError())
    flow = Transitions(Light, {Light.red: {Light.green}, Light.green: set()}, lambda c, t: LookupError(f"{c}→{t}"))
    assert flow.check("red", "green") is Light.green and flow.allows(Light.red, Light.green)
    with pytest.raises(LookupError, match="green→red"):
        flow.check(Light.green, Light.red)


def test_each_area_queues_its_mails_in_its_mails_py():
    """One file per area says which mails it sends: ``queue_mail``/``queue_mails`` are called nowhere else."""
    offenders = []
    for path in (PROJECT_ROOT / "portal").rglob("*.py"):
        relative = path.relative_to(PROJECT_ROOT).as_posix()
        if path.name == "mails.py" or relative.startswith("portal/notifications/"):
            continue
        if re.search(r"\bqueue_mails?\(", path.read_text(encoding="utf-8")):
            offenders.append(relative)
    assert offenders == []
