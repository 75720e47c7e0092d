"""axe-core in the browser tests: the serious and critical violations of the page shown."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import REPO

# From the npm package (package.json; `make test` runs npm ci).
AXE = Path(os.environ.get("AXE_CORE_PATH", REPO / "node_modules" / "axe-core" / "axe.min.js"))


def axe_source() -> str:
    if not AXE.exists():
        message = f"{AXE} not found: run `npm ci` (make test does) for the accessibility check"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


def serious_violations(page) -> list[dict]:
    # Evaluated through the browser's debugging protocol: the page's Content-Security-Policy
    # (rightly) refuses an inline <script>, and the check must not loosen it.
    page.evaluate(axe_source())
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
