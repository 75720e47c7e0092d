"""The five nouns of the tracker: who runs missions, the missions, the Dutch contributions to them,
the government documents, and what each document states about each contribution.

Statements are only ever added: a contribution's current state is its latest statement by
document date, its state on a past day the latest statement from a document dated on or before it
(see querysets.py). Every rule that the database can hold is a named constraint, so that a bad row
is refused by the database itself and, through ``Model.validate_constraints``, shown as a clear
form error in the admin.
"""

# Models of the API and the alerts, in their own packages but of this app (same migrations).
from missions.alerts.models import AlertNotice, AlertSettings, Follow
from missions.api.models import ApiToken
from missions.models.base import COUNT_VALIDATORS, TrackedModel, non_negative
from missions.models.choices import DocumentKind, MissionStatus, Qualifier, StatementKind, Status
from missions.models.directory import Contribution, Mission, Organization, Region
from missions.models.documents import SourceDocument
from missions.models.mission_statements import MissionStatement
from missions.models.pending_imports import PendingImport
from missions.models.statements import Statement
from missions.models.table_counts import TableCounts
from missions.models.version import DataVersion

__all__ = [
    "COUNT_VALIDATORS",
    "AlertNotice",
    "AlertSettings",
    "ApiToken",
    "Contribution",
    "DataVersion",
    "DocumentKind",
    "Follow",
    "Mission",
    "MissionStatement",
    "MissionStatus",
    "Organization",
    "PendingImport",
    "Qualifier",
    "Region",
    "SourceDocument",
    "Statement",
    "StatementKind",
    "Status",
    "TableCounts",
    "TrackedModel",
    "non_negative",
]
