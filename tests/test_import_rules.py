"""The import's field rules are the models' own: ``FieldRules`` says what ``full_clean`` says.

``FieldRules`` judges each (field, value) once per plan instead of running ``full_clean`` on
every record; these tests hold it to ``full_clean``'s verdicts, messages and columns, for the
first record with a value and for the next one that repeats it.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from missions.imports.plan import blank
from missions.imports.rules import RELATIONS, FieldRules, _problems
from missions.models import Contribution, SourceDocument, Statement


def full_clean_problems(instance) -> list[tuple[str, str]]:
    try:
        instance.full_clean(exclude=RELATIONS, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return _problems(type(instance), exc)
    return []


def broken_statement() -> Statement:
    return Statement(status="asleep", military=-3, location="x" * 101, kind="correction")


def test_it_reports_what_full_clean_reports_for_the_first_and_a_repeated_value():
    rules = FieldRules()
    expected = full_clean_problems(broken_statement())
    assert sorted(expected) == [
        ("location", "Ensure this value has at most 100 characters (it has 101)."),
        ("military", "Ensure this value is greater than or equal to 0."),
        # The model's clean(): "corrects" has no column, so the statement's own (status).
        ("status", "Name the statement this correction corrects."),
        ("status", "Value 'asleep' is not a valid choice."),
    ]
    assert rules.errors(broken_statement()) == expected
    # The second record's values were judged already: the same verdicts, in the same order.
    assert rules.errors(broken_statement()) == expected


def test_a_value_judged_valid_stays_valid_and_is_cleaned_as_full_clean_cleans_it():
    rules = FieldRules()
    assert rules.errors(Statement(status="continued", military=5)) == []
    repeated = Statement(status="continued", military="5")
    assert rules.errors(repeated) == []
    assert repeated.military == 5  # the field's to_python, as full_clean leaves it
    # Equal but not the same value: True is not the 1 judged above.
    assert rules.errors(Statement(status="continued", military=True)) == full_clean_problems(
        Statement(status="continued", military=True)
    )


def test_the_models_own_clean_runs_on_every_record():
    rules = FieldRules()
    today = datetime.date.today()
    assert rules.errors(SourceDocument(title="Brief", kind="other", date=today)) == []
    later = SourceDocument(title="Brief", kind="other", date=today + datetime.timedelta(days=1))
    assert rules.errors(later) == full_clean_problems(later) != []


@pytest.mark.parametrize("model", [Statement, Contribution])
def test_a_blank_record_is_the_models_own_new_instance(model):
    made, built = blank(model, name="team 1") if model is Contribution else blank(model), model()
    if model is Contribution:
        built.name = "team 1"
    assert {k: v for k, v in vars(made).items() if k != "_state"} == {
        k: v for k, v in vars(built).items() if k != "_state"
    }
    assert made._state.adding and made._state.db is None
    assert made._state is not blank(model)._state
