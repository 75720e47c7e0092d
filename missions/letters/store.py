"""The tracker's side of letter intake: the missions to match against (read only)."""

from __future__ import annotations

from missions.letters.matching import KnownMission
from missions.models import Mission


def known_missions() -> list[KnownMission]:
    return [
        KnownMission(pk, name, acronym)
        for pk, name, acronym in Mission.objects.order_by("pk").values_list("pk", "name", "acronym")
    ]
