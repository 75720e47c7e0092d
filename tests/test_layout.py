"""The layout the README describes: a few modules at the top of missions/, no import cycle."""

from __future__ import annotations

import ast
from pathlib import Path

MISSIONS = Path(__file__).resolve().parents[1] / "missions"


def module_name(path: Path) -> str:
    parts = path.relative_to(MISSIONS.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def top_level_imports(path: Path, name: str) -> set[str]:
    """The missions modules ``path`` imports when it is imported (not inside functions)."""
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for child in ast.walk(node) if isinstance(node, ast.If | ast.Try) else [node]:
            if isinstance(child, ast.Import):
                found |= {alias.name for alias in child.names}
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - child.level + 1])
                    base = f"{base}.{child.module}" if child.module else base
                found.add(base)
                found |= {f"{base}.{alias.name}" for alias in child.names}
    return {target for target in found if target.startswith("missions")}


def graph() -> dict[str, set[str]]:
    modules = {
        module_name(path): path for path in MISSIONS.rglob("*.py") if "migrations" not in path.parts
    }
    return {
        name: {target for target in top_level_imports(path, name) if target in modules} - {name}
        for name, path in modules.items()
    }


def test_it_keeps_a_dozen_modules_at_the_top_of_missions():
    top = sorted(path.name for path in MISSIONS.glob("*.py"))
    assert len(top) <= 12, top


def test_it_has_no_import_cycle_between_the_modules_of_missions():
    edges = graph()
    # A package's __init__ importing its own submodules is how packages re-export; not a cycle.
    cycles = []
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for target in sorted(edges.get(node, ())):
            if target.startswith(node + "."):
                continue
            if state.get(target) == "open":
                cycles.append(" -> ".join([*trail[trail.index(target) :], target]))
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert cycles == []
