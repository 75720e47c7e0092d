"""The bench's and the load test's own logic, without serving anything (`make bench` and
`make loadtest` are run by hand, never by `make test`): the import file they make, the form
they confirm, how a lost import is told, the raw-SQL floor's recorder, and the verdicts."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection, transaction

from bench import report
from bench.databases import size_label
from bench.imports import edited_rows, export_rows, form_posting_to
from loadtest.users import Import, Save
from loadtest.verify import lost_imports, lost_saves


def test_it_turns_an_export_into_a_new_letters_statements():
    export = (
        "\ufeffmission,contribution,military,total,source,source_date,source_url\r\n"
        "EUFOR Althea,infantry company,5,7,99521-3,2024-01-02,https://example.org/3\r\n"
        "UNTSO,staff officers,,,99521-4,2024-02-03,\r\n"
    ).encode()
    columns, rows = export_rows(export)
    content, military = edited_rows(columns, rows, date(2026, 12, 1), "99521-900001")
    assert content.decode() == (
        "mission,contribution,military,total,source,source_date\r\n"
        "EUFOR Althea,infantry company,6,8,99521-900001,2026-12-01\r\n"
        "UNTSO,staff officers,1,,99521-900001,2026-12-01\r\n"
    )
    assert military == [6, 1]
    # The rows handed in are left as they were: the load test deals them out again and again.
    assert rows[0]["military"] == "5"


def test_it_finds_the_form_that_confirms_and_what_it_posts():
    page = b"""
    <form method="post" action="/import/discard/"><input type="hidden"
      name="csrfmiddlewaretoken" value="t1"><button>Discard</button></form>
    <form method="post" action="/import/confirm/" class="actions">
      <input type="hidden" name="csrfmiddlewaretoken" value="t2">
      <input type="hidden" name="pending" value="42"><button type="submit">Confirm</button>
    </form>"""
    assert form_posting_to(page, "confirm") == (
        "/import/confirm/",
        [("csrfmiddlewaretoken", "t2"), ("pending", "42")],
    )
    assert form_posting_to(page, "upload") is None


def _import(reference: str, outcome: str) -> Import:
    return Import(reference, [3, 5], outcome, "http://a", "http://b", 1.0)


def test_it_tells_an_import_that_was_lost_or_half_written():
    imports = [
        _import("99521-1", "saved"),  # stored as confirmed: fine
        _import("99521-2", "saved"),  # confirmed, nothing stored: lost
        _import("99521-3", "saved"),  # confirmed, one row of two: lost
        _import("99521-4", "error"),  # failed, nothing written: fine
        _import("99521-5", "error"),  # failed, but written whole (the answer was lost): fine
        _import("99521-6", "error"),  # failed and half written: never
        _import("99521-7", "conflict"),  # refused, nothing written: fine
        _import("99521-8", "conflict"),  # refused, but written: never
    ]
    stored = {
        "99521-1": [5, 3],
        "99521-3": [3],
        "99521-5": [3, 5],
        "99521-6": [5],
        "99521-8": [3, 5],
    }
    problems = lost_imports(imports, stored)
    assert [line.split()[1] for line in problems] == ["99521-2", "99521-3", "99521-6", "99521-8"]


@pytest.mark.parametrize(
    ("size", "label"), [(1000, "1k"), (10_000, "10k"), (1_000_000, "1m"), (1500, "1500")]
)
def test_it_names_a_postgresql_bench_database_after_its_size(size, label):
    assert size_label(size) == label


# serialized_rollback: a plain transactional test flushes and re-creates the content types with
# new ids, which the serialized-rollback tests after it then collide with.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_replays_only_what_the_orm_read():
    from bench.django_side import Recorder, replay

    recorder = Recorder()
    # Inside a transaction: a savepoint or BEGIN is not a read, nor is an UPDATE.
    with connection.execute_wrapper(recorder), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT %s + 1", [41])
        cursor.execute("UPDATE auth_user SET username = username WHERE id = %s", [0])
    assert recorder.statements == [("SELECT %s + 1", [41])]
    assert recorder.count >= 2
    assert replay(recorder.statements, write_csv=True) > 0


def _page(ms: float) -> dict:
    return {"median_ms": ms, "p95_ms": ms, "runs": 3, "outcome": "ok"}


def _run(engine: str, size: int, table_ms: float, first_row_ms: float) -> dict:
    pages = {name: _page(table_ms) for name in report.TABLES}
    pages |= {"expiring": _page(30), "changes": _page(100), "dashboard": _page(50)}
    pages["admin"] = _page(table_ms * 2)
    floors = {name: {"floor_ms": 20.0, "queries": 5, "status": 200} for name in pages}
    floors["csv"] = {"floor_ms": 1000.0, "queries": 4, "status": 200, "mode": "export"}
    exports = {
        "csv": {"median_s": 1.5, "first_row_median_ms": first_row_ms, "peak_added_mib": 4.0},
        "xlsx": {"median_s": 4.0, "rows_per_second": 25_000, "peak_added_mib": 3.0},
    }
    return {
        "engine": engine,
        "contributions": size,
        "pages": pages,
        "floors": floors,
        "exports": exports,
    }


def test_it_judges_each_target_from_the_figures_of_one_run():
    results = {
        "runs": {
            "sqlite 100,000": _run("sqlite", 100_000, 100, 120),
            "postgresql 10,000": _run("postgresql", 10_000, 100, 90),
            "postgresql 1,000,000": _run("postgresql", 1_000_000, 250, 700),
        },
        "baseline": {
            "commit": "a2c1e3b",
            "contributions": 100_000,
            "pages": {"table": _page(1200), "table_as_of": _page(900), "table_filter": _page(1000)},
            "exports": {"xlsx": {"rows_per_second": 5000, "peak_added_mib": 3.5}},
        },
        "datasette": {
            "database": "sqlite 100,000",
            "version": "0.65.5",
            "pages": {"table": _page(40)},
        },
        "imports": {
            "sqlite": {"rows": 20000, "confirm_s": 4.0, "outcome": "ok"},
            "postgresql": {"rows": 20000, "confirm_s": 12.0, "outcome": "ok"},
        },
    }
    verdicts = {v["target"]: v["met"] for v in report.targets(results)}
    assert verdicts == {
        "table / a2c1e3b <= 0.1 at sqlite 100,000": True,  # 100 / 1200
        "table_as_of / a2c1e3b <= 0.1 at sqlite 100,000": False,  # 100 / 900
        "table_filter / a2c1e3b <= 0.1 at sqlite 100,000": True,  # 100 / 1000, just
        "XLSX rows/s / a2c1e3b >= 4 at sqlite 100,000": True,  # 25,000 / 5,000
        "XLSX +MiB <= a2c1e3b's at sqlite 100,000": True,
        "table / Datasette table <= 2 at sqlite 100,000": False,  # 100 / 40
        "table_as_of / Datasette table <= 2 at sqlite 100,000": False,
        "table_filter / Datasette table <= 2 at sqlite 100,000": False,
        "expiring / its raw SQL <= 3 at sqlite 100,000": True,  # 30 / 20
        "changes / its raw SQL <= 3 at sqlite 100,000": False,  # 100 / 20
        "dashboard / its raw SQL <= 3 at sqlite 100,000": True,  # 50 / 20, 2.5
        "table_filter / admin changelist <= 1 at sqlite 100,000": True,
        "CSV export / its raw SQL + csv.writer <= 2 at sqlite 100,000": True,  # 1.5 / 1.0
        "table postgresql 1,000,000 / 10,000 <= 2": False,  # 250 / 100
        "table_as_of postgresql 1,000,000 / 10,000 <= 2": False,
        "table_filter postgresql 1,000,000 / 10,000 <= 2": False,
        "CSV first data row <= 500 ms at every size": False,  # 700 at 1,000,000
        "every export adds <= 10 MiB at sqlite 100,000": True,
        "every export adds <= 10 MiB at postgresql 10,000": True,
        "every export adds <= 10 MiB at postgresql 1,000,000": True,
        "import of 20,000 rows confirmed < 10 s on sqlite": True,
        "import of 20,000 rows confirmed < 10 s on postgresql": False,
        "query counts equal at every size on postgresql": True,
    }


def _save(base: str, value: str, outcome: str) -> Save:
    return Save("7", base, value, outcome, 1.0)


@pytest.mark.parametrize(
    ("saves", "stored", "lost"),
    [
        # A save whose answer was lost in the restart and that was not written: nothing lost.
        ([_save("", "a", "saved"), _save("a", "b", "error")], "a", []),
        ([_save("", "a", "error")], "", []),
        # ... or that was written: nothing lost either.
        ([_save("", "a", "saved"), _save("a", "b", "error")], "b", []),
        # A confirmed save that is not stored, nor built upon: lost.
        ([_save("", "a", "saved"), _save("a", "b", "saved")], "a", ["b"]),
        # Two confirmed saves from the same value: one overwrote the other unseen.
        ([_save("", "a", "saved"), _save("", "b", "saved")], "a", ["b"]),
    ],
)
def test_it_tells_a_lost_save_from_one_whose_answer_was_lost(saves, stored, lost):
    problems = lost_saves(saves, {"7": ""}, {"7": stored})
    assert bool(problems) == bool(lost)
    for value in lost:
        assert any(value in line for line in problems)
