"""The words and weights of the synthetic portfolio (bench.synthetic): names as the real
sources use them, and how often each status, precision, qualifier and document kind occurs.
Changing anything here changes the data every seed gives."""

from missions.dates import Precision
from missions.models import DocumentKind, Qualifier, Status

ORGANIZATIONS = (
    ("EU", "European Union", ("EUNAVFOR", "EUTM", "EUCAP", "EUFOR", "EUBAM")),
    ("NATO", "North Atlantic Treaty Organization", ("eFP", "KFOR", "NMI", "NRF")),
    ("UN", "United Nations", ("UNTSO", "UNIFIL", "UNDOF", "UNMISS")),
    ("OSCE", "Organization for Security and Co-operation in Europe", ("SMM", "OSCE-MM")),
    ("CJTF", "US-led coalition", ("OIR", "CJTF")),
    ("CotW", "Coalition of the Willing", ("MNF", "CotW")),
    ("MFO", "Multinational Force and Observers", ("MFO",)),
    ("EMASoH", "European-led Maritime Awareness in the Strait of Hormuz", ("EMASoH",)),
)
REGIONS = (
    "Red Sea", "Western Balkans", "Middle East", "Sahel", "Horn of Africa", "Baltic states",
    "Mediterranean", "Eastern Europe", "Iraq", "Caribbean", "Indo-Pacific", "Gulf of Guinea",
    "Black Sea", "Central Africa", "Lebanon", "Sinai",
)  # fmt: skip
# (name, capability): a capability only where something other than people is contributed.
CONTRIBUTIONS = (
    ("national staff", ""), ("staff officers", ""), ("infantry company", ""),
    ("Field HUMINT team", ""), ("liaison officer", ""), ("military observers", ""),
    ("police advisers", ""), ("civilian experts", ""), ("medical team", ""),
    ("EOD team", ""), ("special forces task group", ""), ("training team", ""),
    ("air-to-air refuelling", "MRTT tanker aircraft"), ("maritime escort", "air-defence frigate"),
    ("mine countermeasures", "mine hunter"), ("air policing", "F-35 detachment"),
)  # fmt: skip
COUNTRIES = (
    "Belgium", "Germany", "France", "Italy", "Spain", "Poland", "Norway", "Denmark", "Sweden",
    "Finland", "Canada", "United Kingdom", "United States", "Austria", "Ireland", "Portugal",
)  # fmt: skip
CONDITIONS = (
    "provided the operation keeps meeting the legal basis",
    "subject to a renewed UN Security Council mandate",
    "provided the host nation consents",
    "if force protection can be guaranteed",
)

# Statuses move on from one statement to the next: (status, weight) by the previous status.
FIRST_STATUS = {
    Status.NEW: 35,
    Status.CONTINUED: 30,
    Status.EXTENDED: 15,
    Status.EXPLORED: 12,
    Status.INTENDED: 3,
    Status.SCALED_UP: 5,
}
NEXT_STATUS: dict[str, dict[Status, int]] = {
    Status.INTENDED: {Status.INTENDED: 20, Status.NEW: 60, Status.DECLINED: 20},
    Status.DECLINED: {Status.DECLINED: 80, Status.EXPLORED: 20},
    Status.EXPLORED: {
        Status.EXPLORED: 20,
        Status.NEW: 40,
        Status.NOT_FEASIBLE: 30,
        Status.DECLINED: 10,
    },
    Status.NOT_FEASIBLE: {Status.NOT_FEASIBLE: 60, Status.EXPLORED: 40},
    Status.ENDED: {Status.ENDED: 85, Status.NEW: 15},
}
# After any other status (the contribution is running).
RUNNING_NEXT = {
    Status.CONTINUED: 35,
    Status.EXTENDED: 30,
    Status.SCALED_UP: 10,
    Status.SCALED_DOWN: 10,
    Status.ENDED: 15,
}
PRECISIONS = {Precision.DAY: 30, Precision.MONTH: 55, Precision.YEAR: 15}
QUALIFIERS = {
    Qualifier.EXACT: 70,
    Qualifier.APPROXIMATELY: 20,
    Qualifier.AT_MOST: 8,
    Qualifier.AT_LEAST: 2,
}
DOCUMENT_KINDS = {
    DocumentKind.ARTICLE_100: 20,
    DocumentKind.KAMERBRIEF: 40,
    DocumentKind.WRITTEN_CONSULTATION: 15,
    DocumentKind.COUNCIL_REPORT: 15,
    DocumentKind.OTHER: 10,
}
UNNUMBERED = (DocumentKind.COUNCIL_REPORT, DocumentKind.OTHER)
