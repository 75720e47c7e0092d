"""Rows read become instances without ``Model.__init__`` (``TrackedModel.from_db``), and behave
exactly as Django's own: the same values, fields not read deferred, saved with the version
check, and Django's way back whenever a signal receiver or a field's attribute needs it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import models
from django.db.models.signals import post_init, pre_init
from django.test.utils import isolate_apps

from missions.columns import REGISTRY, path_reader
from missions.models import Mission, Statement
from missions.models.base import _builds_plainly
from tests import factories


@pytest.fixture
def init_calls(monkeypatch) -> list[type]:
    """The models whose ``__init__`` ran, in order."""
    calls: list[type] = []
    original = models.Model.__init__

    def counting(self: Any, *args: Any, **kwargs: Any) -> None:
        calls.append(type(self))
        original(self, *args, **kwargs)

    monkeypatch.setattr(models.Model, "__init__", counting)
    return calls


def test_a_row_read_is_the_instance_django_would_build_without_running_init(db, init_calls):
    made = factories.statement(military=11, total=None, end_date=date(2028, 6, 30))
    init_calls.clear()

    loaded = Statement.objects.select_related("document", "contribution__mission").get(pk=made.pk)

    assert init_calls == []
    assert loaded._state.adding is False
    assert loaded._state.db == "default"
    assert (loaded.military, loaded.total, loaded.end_date) == (11, None, date(2028, 6, 30))
    assert loaded.document.pk == made.document_id
    assert loaded.contribution.mission.pk == made.contribution.mission_id
    assert loaded == made
    assert loaded.get_deferred_fields() == set()


def test_a_field_not_read_is_deferred_and_loads_when_asked(db, django_assert_num_queries):
    made = factories.statement(military=11, conditions="in geval van ernstige escalatie")

    loaded = Statement.objects.only("military").get(pk=made.pk)

    assert "conditions" in loaded.get_deferred_fields()
    assert "military" not in loaded.get_deferred_fields()
    with django_assert_num_queries(1):
        assert loaded.conditions == "in geval van ernstige escalatie"


def test_an_instance_read_saves_with_the_version_check(db):
    made = factories.statement(military=11)
    loaded = Statement.objects.get(pk=made.pk)

    loaded.military = 12
    loaded.save()

    assert Statement.objects.values_list("military", "version").get(pk=made.pk) == (12, 2)


def load_with_receiver(signal: Any, sender: type, made: Statement, init_calls: list) -> list:
    """Load ``made`` again while a receiver of ``signal`` for ``sender`` is connected: the
    senders it saw (``init_calls`` then holds the models whose ``__init__`` ran)."""
    seen: list[Any] = []

    def receiver(sender: type, **kwargs: Any) -> None:
        seen.append(sender)

    signal.connect(receiver, sender=sender)
    try:
        init_calls.clear()
        Statement.objects.get(pk=made.pk)
    finally:
        signal.disconnect(receiver, sender=sender)
    return seen


@pytest.mark.parametrize("signal", [pre_init, post_init], ids=["pre_init", "post_init"])
def test_a_receiver_of_the_init_signals_gets_django_s_own_init(db, signal, init_calls):
    seen = load_with_receiver(signal, Statement, factories.statement(), init_calls)

    assert init_calls == [Statement]
    assert seen == [Statement]


def test_a_receiver_for_another_model_leaves_the_fast_way(db, init_calls):
    seen = load_with_receiver(post_init, Mission, factories.statement(), init_calls)

    assert init_calls == []
    assert seen == []


def test_only_models_whose_field_attributes_just_store_values_are_built_plainly():
    # Every tracked model today; a FileField (its attribute wraps the value) would not be.
    assert _builds_plainly(Statement)
    assert _builds_plainly(Mission)

    with isolate_apps("missions"):

        class WithFile(models.Model):
            name = models.CharField(max_length=10)
            scan = models.FileField(upload_to="scans/")

            class Meta:
                app_label = "missions"

            def __str__(self) -> str:
                return self.name

        class Plain(models.Model):
            name = models.CharField(max_length=10)

            class Meta:
                app_label = "missions"

            def __str__(self) -> str:
                return self.name

    assert not _builds_plainly(WithFile)
    assert _builds_plainly(Plain)


def test_a_path_reader_follows_relations_and_stops_at_an_empty_one(db):
    plain = factories.statement(military=11)

    assert path_reader("military")(plain) == 11
    assert path_reader("contribution__mission__name")(plain) == plain.contribution.mission.name
    assert path_reader("document__date")(plain) == plain.document.date
    # No correction: None past the empty relation, not an AttributeError.
    assert path_reader("corrects__document__date")(plain) is None
    # A registry column reads its cell through the same readers.
    assert REGISTRY["mission"].value(plain) == plain.contribution.mission.name
