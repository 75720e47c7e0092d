"""Every report from the command line, for scheduled jobs; the same bytes as the page's download.

    python manage.py report contributions --format csv --as-of 2025-05-01 --status explored
    python manage.py report summary --by organization --format xlsx --output summary.xlsx
    python manage.py report expiring --months 12
    python manage.py report changes --from 2025-04-05 --to 2025-05-31

The contributions report turns its options into the query string the table page would get and
goes through the same ``report_exports.contributions_export``, so both give the same rows.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext

from missions.dates import date_range_message, in_date_range
from missions.exports.files import Export, ExportFormat, parse_format, write_export
from missions.models import Statement
from missions.reading import reports
from missions.reports import files as report_exports
from missions.reports.pages import MAX_MONTHS, filter_errors


def iso_date(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        message = gettext("%(value)r is not a date (use YYYY-MM-DD)")
        raise argparse.ArgumentTypeError(message % {"value": value}) from None
    if not in_date_range(day):
        raise argparse.ArgumentTypeError(f"{value}: {date_range_message()}")
    return day


def export_format(value: str) -> ExportFormat:
    fmt = parse_format(value)
    if fmt is None:
        message = gettext("%(value)r is not a format (use one of: %(formats)s)")
        raise argparse.ArgumentTypeError(
            message % {"value": value, "formats": ", ".join(ExportFormat)}
        )
    return fmt


def months(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= MAX_MONTHS:
        message = gettext("%(value)r is not a number of months (1 to %(max)s)")
        raise argparse.ArgumentTypeError(message % {"value": value, "max": MAX_MONTHS})
    return number


CORRECTED_HELP = "On that day as we know it now: statements corrected since read as corrected."


@contextmanager
def atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """A new file in ``path``'s folder that takes ``path``'s name only once it is complete.

    A scheduled job that is killed, or whose query fails, must not leave a report that looks
    whole (a CSV cut at a line end reads as complete): the rows go to a hidden temporary name
    next to the target, which is renamed over it at the end (atomic on one file system) and
    removed on any error. A file already at ``path`` is untouched until then.
    """
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    partial = Path(name)
    try:
        with os.fdopen(fd, "wb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        # mkstemp makes the file for its owner only; a report gets the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        partial.chmod(0o666 & ~umask)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


class Command(BaseCommand):
    help = "Write a report (contributions, summary, expiring, changes) as CSV or XLSX."

    def add_arguments(self, parser) -> None:
        subparsers = parser.add_subparsers(dest="report", required=True, metavar="REPORT")

        def add(name: str, help_text: str):
            sub = subparsers.add_parser(name, help=help_text)
            sub.add_argument(
                "--format",
                type=export_format,
                default=ExportFormat.CSV,
                help="csv (default), excel-csv (semicolons, BOM) or xlsx",
            )
            sub.add_argument("--output", help="Write to this file instead of standard output.")
            return sub

        contributions = add("contributions", "The contributions table, filtered as on the page.")
        contributions.add_argument("--as-of", type=iso_date, help="The table as of this date.")
        contributions.add_argument("--corrected", action="store_true", help=CORRECTED_HELP)
        contributions.add_argument(
            "--status", nargs="+", action="extend", default=[], help="One or more statuses."
        )
        contributions.add_argument(
            "--columns", nargs="+", action="extend", default=[], help="Column keys to keep."
        )
        contributions.add_argument(
            "--filter",
            nargs="+",
            action="extend",
            default=[],
            metavar="NAME=VALUE",
            help="Any other filter of the page, as in its URL (organization=EU, q=aspides).",
        )

        summary = add("summary", "Personnel by organization, region and status.")
        summary.add_argument("--as-of", type=iso_date, help="As the documents stood that day.")
        summary.add_argument("--corrected", action="store_true", help=CORRECTED_HELP)
        summary.add_argument(
            "--by", nargs="+", action="extend", choices=reports.SUMMARY_BY, default=[]
        )

        expiring = add("expiring", "Contributions whose end falls within N months.")
        expiring.add_argument("--months", type=months, default=12)
        expiring.add_argument("--as-of", type=iso_date, help="Count from this day, as it stood.")
        expiring.add_argument("--corrected", action="store_true", help=CORRECTED_HELP)

        changes = add("changes", "Every statement from documents dated in a period.")
        changes.add_argument("--from", dest="first", type=iso_date, required=True)
        changes.add_argument("--to", dest="last", type=iso_date, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        export = getattr(self, f"build_{options['report']}")(options, today)
        fmt = options["format"]
        output = options.get("output")
        if fmt is ExportFormat.XLSX and not output and not self._binary_stdout():
            raise CommandError(gettext("XLSX is binary and this output takes text; use --output."))
        with self.target(output) as target:
            write_export(export, fmt, target)

    def build_contributions(self, options: dict[str, Any], today: date) -> Export:
        params = QueryDict(mutable=True)
        if options.get("as_of"):
            params["as_of"] = options["as_of"].isoformat()
        if options.get("corrected"):
            params["corrected"] = "1"
        params.setlist("status", options["status"])
        params.setlist("columns", options["columns"])
        for item in options["filter"]:
            name, sep, value = item.partition("=")
            if not sep or not name:
                raise CommandError(
                    gettext("--filter %(item)r: write it as NAME=VALUE") % {"item": item}
                )
            params.appendlist(name, value)
        filterset, export = report_exports.contributions_export(params, today)
        if not filterset.is_valid():
            raise CommandError(filter_errors(filterset.errors))
        return export

    def build_summary(self, options: dict[str, Any], today: date) -> Export:
        day = options.get("as_of") or today
        return report_exports.summary_export(
            reports.summaries(
                day, options["by"] or reports.SUMMARY_BY, corrected=options["corrected"]
            )
        )

    def build_expiring(self, options: dict[str, Any], today: date) -> Export:
        day = options.get("as_of") or today
        statements = reports.expiring(
            Statement.objects.all(), options["months"], day, corrected=options["corrected"]
        )
        return report_exports.expiring_export(statements, day)

    def build_changes(self, options: dict[str, Any], today: date) -> Export:
        if options["first"] > options["last"]:
            raise CommandError(gettext("--from must be on or before --to."))
        return report_exports.changes_export(options["first"], options["last"])

    @contextmanager
    def target(self, path: str | None):
        """A binary stream: the file asked for, or standard output as bytes."""
        if path:
            try:
                with atomic_file(Path(path)) as file:
                    yield file
            except OSError as exc:
                message = gettext("Cannot write %(path)s: %(error)s")
                raise CommandError(message % {"path": path, "error": exc.strerror}) from exc
            return
        out: IO[Any] = getattr(self.stdout, "_out", sys.stdout)
        if not self._binary_stdout():
            # A text-only stream (StringIO, as in call_command): hand it text, not bytes.
            buffer = io.BytesIO()
            yield buffer
            out.write(buffer.getvalue().decode("utf-8"))
            return
        out.flush()  # anything written as text goes out before the bytes
        yield getattr(out, "buffer", out)
        out.flush()

    def _binary_stdout(self) -> bool:
        out = getattr(self.stdout, "_out", sys.stdout)
        return hasattr(out, "buffer") or not isinstance(out, io.TextIOBase)
