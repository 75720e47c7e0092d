"""The layout the README describes: a few modules at the top of missions/, no import cycle."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
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


# Run in a fresh interpreter: Django set up without the admin's autodiscovery (so that it loads
# only the models and what settings name), then one forked child per order, each starting from
# that state. A child imports its modules in its order and reports the first that fails.
IMPORT_ORDERS = r"""
import importlib, json, os, sys, traceback
import django
from django.conf import settings

orders = json.loads(sys.stdin.read())
settings.INSTALLED_APPS = [
    "django.contrib.admin.apps.SimpleAdminConfig" if app == "django.contrib.admin" else app
    for app in settings.INSTALLED_APPS
]
django.setup()
loaded = sorted(name for name in sys.modules if name.split(".")[0] == "missions")
failures = []
for order in orders:
    pid = os.fork()
    if pid == 0:
        for name in order:
            try:
                importlib.import_module(name)
            except BaseException:
                error = traceback.format_exc().strip().splitlines()[-1]
                print(json.dumps([order[0], name, error]), flush=True)
                os._exit(1)
        os._exit(0)
    os.waitpid(pid, 0)
print(json.dumps({"loaded": loaded}))
"""


def test_it_imports_every_module_of_missions_in_any_order():
    """Each module first (after what Django's setup loads), then all in order and in reverse:
    no order runs into a module that is still half imported."""
    names = sorted(
        module_name(path)
        for path in MISSIONS.rglob("*.py")
        if "migrations" not in path.parts or path.name == "__init__.py"
    )
    orders = [[name] for name in names] + [names, names[::-1]]
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_ORDERS],
        input=json.dumps(orders),
        capture_output=True,
        text=True,
        cwd=MISSIONS.parent,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tracker.settings"},
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    *failures, summary = result.stdout.strip().splitlines()
    assert [
        f"{first} first, then {name}: {error}" for first, name, error in map(json.loads, failures)
    ] == []
    # The app registry loads the models (and what settings name) first; every other module
    # was the first one imported in its own child.
    loaded = json.loads(summary)["loaded"]
    assert "missions.models" in loaded and "missions.web.views" not in loaded
