"""The fixed vocabularies of the tracker, each backed by a named CheckConstraint on its column."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Qualifier(models.TextChoices):
    """How a figure is meant: 'circa 10' stays approximate, 'maximaal 10' is an upper bound."""

    EXACT = "exact", _("exact")
    APPROXIMATELY = "approximately", _("approximately")
    AT_MOST = "at_most", _("at most")
    AT_LEAST = "at_least", _("at least")


class DocumentKind(models.TextChoices):
    ARTICLE_100 = "article_100", _("article 100 letter")
    KAMERBRIEF = "kamerbrief", _("Kamerbrief")
    WRITTEN_CONSULTATION = "written_consultation", _("report of a written consultation")
    COUNCIL_REPORT = "council_report", _("Council report")
    OTHER = "other", _("other")


class StatementKind(models.TextChoices):
    DECISION = "decision", _("decision")
    CORRECTION = "correction", _("correction")
    INFORMATION = "information", _("information")


class Status(models.TextChoices):
    CONTINUED = "continued", _("continued")
    EXTENDED = "extended", _("extended")
    SCALED_UP = "scaled_up", _("scaled up")
    SCALED_DOWN = "scaled_down", _("scaled down")
    NEW = "new", _("new")
    # "voornemens", "beoogde": announced, not yet decided.
    INTENDED = "intended", _("intended")
    EXPLORED = "explored", _("explored")
    NOT_FEASIBLE = "not_feasible", _("not feasible")
    # "niet aan de orde": considered and turned down.
    DECLINED = "declined", _("declined")
    ENDED = "ended", _("ended")


class MissionStatus(models.TextChoices):
    """What a document says about a mission itself, without any Dutch contribution to it."""

    MENTIONED = "mentioned", _("mentioned")
    ONGOING = "ongoing", _("ongoing")
    ENDED = "ended", _("ended")
