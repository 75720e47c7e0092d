"""The bench's one table (medians, ratios to the admin changelist and to the raw floor) and the
verdict on the targets of issue 5."""

from __future__ import annotations

from typing import Any

PAGE_LABELS = {
    "table": "table, 50 rows",
    "table_filter": "table + status filter, facets",
    "dashboard": "dashboard",
    "mission": "mission page",
    "admin": "admin changelist (yardstick)",
}
EXPORT_LABELS = {"csv": "CSV export, all rows", "xlsx": "XLSX export, all rows"}
MAX_ADDED_MIB = 10.0
MAX_TTFB_MS = 50.0


def _fmt(value: float | None, pattern: str) -> str:
    return "" if value is None else format(value, pattern)


def table(results: dict[str, Any]) -> str:
    header = (
        f"{'contribs':>8}  {'what':<31} {'median':>9} {'p95':>9} {'x admin':>7} "
        f"{'x floor':>7} {'TTFB ms':>7} {'+MiB':>6} {'queries':>7} {'n':>3}"
    )
    lines = [header, "-" * len(header)]
    for size, run in results["sizes"].items():
        pages, exports, floor = run["pages"], run["exports"], run["floor"]
        admin = pages.get("admin", {}).get("median_ms")
        n = f"{int(size):>8,}"
        for name, label in PAGE_LABELS.items():
            page = pages.get(name, {})
            if page.get("median_ms") is None:
                lines.append(f"{n}  {label:<31} {page.get('outcome', 'not run'):>9}")
                continue
            ratio = page["median_ms"] / admin if admin else None
            lines.append(
                f"{n}  {label:<31} {page['median_ms']:>7.1f}ms {page['p95_ms']:>7.1f}ms "
                f"{_fmt(ratio, '>7.2f'):>7} {'':>7} {'':>7} {'':>6} "
                f"{_fmt(page.get('queries'), '>7d'):>7} {page['runs']:>3}"
            )
        for name, label in EXPORT_LABELS.items():
            export = exports.get(name, {})
            if export.get("median_s") is None:
                lines.append(f"{n}  {label:<31} {export.get('outcome', 'not run'):>9}")
                continue
            vs_floor = export["rows_per_second"] / floor["rows_per_second"]
            lines.append(
                f"{n}  {label:<31} {export['median_s']:>8.2f}s {export['p95_s']:>8.2f}s "
                f"{'':>7} {vs_floor:>7.2f} {export['ttfb_median_ms']:>7.1f} "
                f"{_fmt(export.get('peak_added_mib'), '>6.1f'):>6} "
                f"{_fmt(export.get('queries'), '>7d'):>7} {export['runs']:>3}"
            )
            lines.append(f"{'':>8}  {'  rows/s':<31} {export['rows_per_second']:>9,.0f}")
        lines.append(
            f"{n}  {'raw floor (sqlite3 + csv)':<31} {floor['median_s']:>8.2f}s {'':>9} "
            f"{'':>7} {1:>7.2f} {'':>7} {'':>6} {'':>7} {len(floor['samples_s']):>3}"
        )
        lines.append(f"{'':>8}  {'  rows/s':<31} {floor['rows_per_second']:>9,.0f}")
    return "\n".join(lines)


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with its measured value and whether it is met (None: could not tell)."""
    sizes = sorted(results["sizes"], key=int)
    largest, smallest = results["sizes"][sizes[-1]], results["sizes"][sizes[0]]
    at = f"at {int(sizes[-1]):,}"
    pages, exports = largest["pages"], largest["exports"]
    verdicts = []

    def verdict(name: str, value: Any, met: bool | None) -> None:
        verdicts.append({"target": name, "value": value, "met": met})

    filtered, admin = (pages.get(k, {}).get("median_ms") for k in ("table_filter", "admin"))
    ratio = filtered / admin if filtered and admin else None
    verdict(f"table+filter+facets / admin <= 1.0 {at}", _fmt(ratio, ".2f"), _le(ratio, 1.0))

    csv = exports.get("csv", {})
    speed = csv.get("rows_per_second")
    share = speed / largest["floor"]["rows_per_second"] if speed else None
    verdict(
        f"CSV speed / floor >= 0.5 {at}",
        _fmt(share, ".2f"),
        None if share is None else share >= 0.5,
    )
    ttfb = csv.get("ttfb_median_ms")
    verdict(
        f"CSV first byte <= {MAX_TTFB_MS:.0f} ms {at}", _fmt(ttfb, ".1f"), _le(ttfb, MAX_TTFB_MS)
    )
    for name in ("csv", "xlsx"):
        added = {
            size: results["sizes"][size]["exports"].get(name, {}).get("peak_added_mib")
            for size in sizes
        }
        shown = ", ".join(f"{int(s):,}: {_fmt(v, '.1f')}" for s, v in added.items())
        worst = added[sizes[-1]]
        verdict(
            f"{name.upper()} export adds <= {MAX_ADDED_MIB:.0f} MiB peak {at}",
            shown,
            _le(worst, MAX_ADDED_MIB),
        )

    differing = []
    for name in [*PAGE_LABELS, *EXPORT_LABELS]:
        small = smallest["queries"].get(name, {})
        large = largest["queries"].get(name, {})
        if small.get("status") != 200 or large.get("status") != 200:
            differing.append(f"{name} HTTP {small.get('status')}/{large.get('status')}")
        elif small.get("queries") != large.get("queries"):
            differing.append(f"{name} {small.get('queries')}->{large.get('queries')}")
    verdict(
        f"query counts equal at {int(sizes[0]):,} and {int(sizes[-1]):,}",
        "; ".join(differing) or "all equal",
        not differing if len(sizes) > 1 else None,
    )
    return verdicts


def _le(value: float | None, limit: float) -> bool | None:
    return None if value is None else value <= limit


def verdict_lines(verdicts: list[dict[str, Any]]) -> str:
    marks = {True: "MET   ", False: "MISSED", None: "n/a   "}
    return "\n".join(f"{marks[v['met']]} {v['target']}: {v['value']}" for v in verdicts)
