"""The analysts' back office: one ModelAdmin per tracker model, shared behaviour in base.py."""

from missions.admin import directory, documents, statements, tokens  # noqa: F401  (registers)
