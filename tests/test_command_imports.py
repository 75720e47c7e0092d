"""Management commands are thin: they import from modules, never from a views module or from
another command (issue 9, point 2); the API and the report pages share public functions, not
each other's private names."""

from __future__ import annotations

import ast
from pathlib import Path

MISSIONS = Path(__file__).resolve().parent.parent / "missions"


def _imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return found


def test_no_command_imports_a_views_module_or_another_command():
    offending = {
        path.name: module
        for path in sorted((MISSIONS / "management" / "commands").glob("*.py"))
        for module in _imported_modules(path)
        if module.startswith("missions.management.commands")
        or module.split(".")[-1] == "views"
        or module.endswith(".views")
    }
    assert offending == {}


def test_the_api_views_call_the_report_pages_not_the_report_views():
    modules = _imported_modules(MISSIONS / "api" / "views.py")
    assert "missions.reports.views" not in modules
    assert "missions.reports" in modules  # ``from missions.reports import pages``
    source = (MISSIONS / "api" / "views.py").read_text(encoding="utf-8")
    assert "page_context(" not in source
