"""Log lines cannot be forged, and no typed username (a mistyped password) is logged."""

from __future__ import annotations

import copy
import io
import logging
import logging.config

import pytest
from django.conf import settings
from django.test import Client

from missions.security.log_safety import escape_controls

FORGED = "\n2026-01-01 ERROR forged"


@pytest.fixture
def console():
    """The root handler of settings.LOGGING, writing to a buffer."""
    stream = io.StringIO()
    config = settings.LOGGING["handlers"]["console"]
    formatter = logging.config.DictConfigurator({}).configure_formatter(
        copy.deepcopy(settings.LOGGING["formatters"][config["formatter"]])
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    logging.getLogger().addHandler(handler)
    yield stream
    logging.getLogger().removeHandler(handler)


def test_it_escapes_every_control_character():
    assert escape_controls("a\nb\rc\td\x00e\x1bf\x85g\u2028h") == (
        "a\\nb\\rc\\td\\x00e\\x1bf\\x85g\\u2028h"
    )
    assert escape_controls("Curaçao — ok") == "Curaçao — ok"


def test_it_writes_a_forged_username_and_user_agent_on_one_line(db, console):
    Client(HTTP_USER_AGENT="agent" + FORGED).post(
        "/login/", {"username": "secret-password" + FORGED, "password": "wrong"}
    )

    lines = console.getvalue().splitlines()
    failures = [line for line in lines if "AXES: New login failure" in line]
    assert len(failures) == 1
    assert "agent\\n2026-01-01 ERROR forged" in failures[0]
    assert not any(line.startswith("2026-01-01 ERROR forged") for line in lines)
    # What was typed as the username is masked: it may be a password.
    assert "secret-password" not in console.getvalue()
    assert 'username: "********************"' in failures[0]


def test_it_keeps_the_traceback_of_an_error_on_its_lines(console):
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("missions").exception("failed for %s", "x" + FORGED)

    text = console.getvalue()
    assert "failed for x\\n2026-01-01 ERROR forged\n" in text
    assert "Traceback (most recent call last):\n" in text
    assert text.rstrip().endswith("ValueError: boom")
