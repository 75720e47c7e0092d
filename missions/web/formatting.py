"""The display vocabulary: how every page, list and the admin write a figure, its qualifier, an
unknown value, a status, a period and a source. Written once here; the template tags
(``missions.templatetags.tracker``), the partials in ``templates/_partials/``, the table and the
admin call these functions, so the same statement reads the same everywhere.

The words, in English and Dutch:

- a qualifier: "~10" (circa, ongeveer), "at most 10" (maximaal 10), "at least 10" (minimaal
  10): the words a letter uses, not signs a reader has to decode;
- a value a statement does not give: "not stated" (niet vermeld), drawn as a dash that says
  "not stated" to screen readers and on hover, never 0; a *sum* no contribution gives a figure
  for is "unknown" (onbekend), with how many are unknown beside a partial sum ("~12 (3 unknown)");
- a status: its label in a badge, ``<span class="badge status-extended">extended</span>``;
- a period: "9 July 2025 - end of June 2028", "start not stated - end of May 2025",
  "1 March 2024 - open-ended", "not stated";
- a source: the document reference and where in it ("29521-497, answer 11"), with "corrected by"
  or "as corrected by" and the correcting document when a correction concerns it.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from missions.dates import Bound, Precision, format_precise
from missions.models import MissionStatus, Qualifier, Status


def qualifier_prefix(qualifier: str) -> str:
    """What goes before a figure: "~" for circa, "at most " and "at least " for the bounds."""
    # Translated only when needed: most figures are exact, and tables write thousands.
    if qualifier == Qualifier.APPROXIMATELY:
        return "~"
    if qualifier == Qualifier.AT_MOST:
        return _("at most") + " "
    if qualifier == Qualifier.AT_LEAST:
        return _("at least") + " "
    return ""


def personnel_with_qualifier(count: int | None, qualifier: str) -> str:
    """``10`` with its qualifier: "~10", "at most 10", "at least 10"; "" when unknown."""
    if count is None:
        return ""
    return f"{qualifier_prefix(qualifier)}{count}"


def figure_text(known: int | None, approximate: bool, unknown: int) -> str:
    """A summed figure as a reader must see it: "~12 (3 unknown)", "150", or "unknown" when no
    contribution states one; never 0 for what nobody stated. "~" marks a sum that adds a
    "circa", "at most" or "at least" figure."""
    if known is None:
        return _("unknown")
    shown = f"{'~' if approximate else ''}{intcomma(known)}"
    if not unknown:
        return shown
    return ngettext("%(figure)s (%(count)s unknown)", "%(figure)s (%(count)s unknown)", unknown) % {
        "figure": shown,
        "count": intcomma(unknown),
    }


# --- Unknown ----------------------------------------------------------------------------------


def not_stated_word() -> str:
    """The word for a value the documents do not give (plain text: files, titles)."""
    return _("not stated")


def not_stated() -> SafeString:
    """A value the documents do not give, in a cell or a list: a dash a sighted reader scans
    past, "not stated" for a screen reader and on hover. Never 0."""
    return format_html(
        '<span class="unknown" title="{0}"><span aria-hidden="true">&ndash;</span>'
        '<span class="visually-hidden">{0}</span></span>',
        not_stated_word(),
    )


def count_or_not_stated(count: int | None) -> Any:
    """A category figure (military, civilian, police) as stated, else the unknown mark."""
    return not_stated() if count is None else str(count)


def figure_or_not_stated(count: int | None, qualifier: str) -> Any:
    """A figure with its qualifier ("~10", "at most 10"), else the unknown mark."""
    return not_stated() if count is None else personnel_with_qualifier(count, qualifier)


def total_of(statement: Any) -> Any:
    """A statement's total with its qualifier, else the unknown mark."""
    return figure_or_not_stated(statement.effective_total, statement.qualifier)


# --- Status -----------------------------------------------------------------------------------


def status_label(status: str, vocabulary: type[Status] | type[MissionStatus] = Status) -> str:
    """A status's label in the active language; the stored value when it is not a known one.

    An enum lookup, not ``get_status_display`` (which hashes the field's choices on every call:
    a third of the dashboard's time at 10,000 rows)."""
    try:
        return str(vocabulary(status).label)
    except ValueError:
        return status


def status_badge(status: str, *, mission: bool = False) -> SafeString:
    """``<span class="badge status-extended">extended</span>``: the words carry the status, the
    class only adds colour for those who see it. ``mission`` for what a document says about a
    mission itself (mentioned, ongoing, ended)."""
    if mission:
        return format_html(
            '<span class="badge mission-status-{}">{}</span>',
            status,
            status_label(status, MissionStatus),
        )
    return format_html('<span class="badge status-{}">{}</span>', status, status_label(status))


# Between a period's start and end, as typeset in both languages.
EN_DASH = "\u2013"

# --- Period -----------------------------------------------------------------------------------


def period_text(statement: Any) -> str:
    """A statement's period at the precision of its dates: "9 July 2025 - end of June 2028",
    "start not stated - end of May 2025", "1 March 2024 - open-ended", or "not stated"."""
    start, end = statement.start_display, statement.end_display
    if not start and not end:
        return not_stated_word()
    # Outside the f-string, so that makemessages finds the words.
    start = start or _("start not stated")
    end = end or _("end not stated")
    return f"{start} {EN_DASH} {end}"


# --- Source -----------------------------------------------------------------------------------


# An id no record has, reversed once: each link's URL is that URL with its own id put in.
_PLACEHOLDER = 2**62


def url_maker(name: str) -> Callable[[int], str]:
    """``name``'s URL for any one id, reversed once (a page writes one per row)."""
    head, tail = reverse(name, args=[_PLACEHOLDER]).split(str(_PLACEHOLDER))
    return lambda pk: f"{head}{pk}{tail}"


def statement_url(statement: Any) -> str:
    """The statement on its document's page, where its quote and marks are."""
    return reverse("missions:document", args=[statement.document_id]) + f"#statement-{statement.pk}"


def document_day(document: Any, day_format: str = "DATE_FORMAT") -> str:
    """A document's date as the site writes a day ("May 23, 2025"; ``day_format`` for another
    way), or as far as it is known: "January 2024", not a first of the month the source never
    gave."""
    precision = document.date_precision
    if precision == Precision.DAY:
        return date_format(document.date, day_format)
    return format_precise(document.date, precision, Bound.START)


def _document_title(document: Any) -> str:
    return f"{document.citation}, {document_day(document)}"


class SourceLinks:
    """What the source links of one page share, made once: the documents' URL pattern, and
    each document's title (its date written out in the reader's language)."""

    def __init__(self) -> None:
        self.document_url = url_maker("missions:document")
        self.titles: dict[int, str] = {}
        self.escaped_titles: dict[int, str] = {}

    def statement_url(self, statement: Any) -> str:
        return f"{self.document_url(statement.document_id)}#statement-{statement.pk}"

    def title(self, document: Any) -> str:
        title = self.titles.get(document.pk)
        if title is None:
            title = self.titles[document.pk] = _document_title(document)
        return title

    def anchor(self, statement: Any, text: str) -> str:
        """``text`` linked to ``statement`` on its document's page, titled by the document, as
        escaped HTML (a table writes one or two a row: ``format_html`` was most of their cost)."""
        title = self.escaped_titles.get(statement.document_id)
        if title is None:
            title = self.escaped_titles[statement.document_id] = escape(
                self.title(statement.document)
            )
        return (
            f'<a href="{escape(self.statement_url(statement))}" title="{title}">{escape(text)}</a>'
        )


def source_link(statement: Any, links: SourceLinks | None = None) -> SafeString:
    """Where a figure comes from: the document reference linked to the statement on the
    document's page, where in the document ("answer 11"), "date inferred" when the document's
    date is, and the correction that concerns it ("corrected by 29521-497, answer 11" for a
    later correction, "as corrected by ..." where a correction stands in for the statement on an
    as-of view), or what a correction corrects ("corrects 29521-493, p. 4"). Needs
    ``document``, ``corrects__document`` and ``corrected_by__document``
    selected (``StatementQuerySet.with_related``). A table passes one ``links`` for all its
    rows."""
    links = links or SourceLinks()
    cited = statement.cited_statement
    document = cited.document
    link = links.anchor(cited, document.reference)
    if cited.location:
        link += escape(f", {cited.location}")
    if document.date_inferred:
        link += format_html(' <span class="label label-inferred">{}</span>', _("date inferred"))
    correction = statement.correction
    if correction is not None:
        label = _("as corrected by") if statement.shown_in_place else _("corrected by")
        return mark_safe(f"{link} {_mark(label, correction, links)}")
    if statement.corrects_id is not None:
        # A correction cited as such: what it corrects, so the reader sees both documents.
        return mark_safe(f"{link} {_mark(_('corrects'), statement.corrects, links)}")
    # Every part above is escaped (``html.escape``, as Django's ``escape``) or built safe.
    return mark_safe(link)


def _mark(label: str, other: Any, links: SourceLinks) -> str:
    return f'<span class="correction">{escape(label)} {links.anchor(other, other.citation)}</span>'


def source_text(statement: Any) -> str:
    """``source_link`` in plain words, for a title or a file: "29521-497, answer 11"."""
    cited = statement.cited_statement
    text = cited.citation
    correction = statement.correction
    if correction is not None:
        label = _("as corrected by") if statement.shown_in_place else _("corrected by")
        return f"{text} ({label} {correction.citation})"
    if statement.corrects_id is not None:
        corrects = _("corrects")
        return f"{text} ({corrects} {statement.corrects.citation})"
    return text
