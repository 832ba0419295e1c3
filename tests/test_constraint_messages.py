"""Every database constraint of the project speaks French to the person who breaks it, and
never shows its own name (issue 21: « La contrainte « projects_call_max_amount_positive » n'est
pas respectée »)."""

import pytest
from django.apps import apps
from django.db.models import BaseConstraint
from django.utils import translation

from accounts.forms import constraint_fields

PROJECT_APPS = {"territories", "accounts", "grid", "projects", "api", "demo"}
CONSTRAINTS = [
    pytest.param(model, constraint, id=constraint.name)
    for model in apps.get_models()
    if model._meta.app_label in PROJECT_APPS
    for constraint in model._meta.constraints
]
FRENCH_WORDS = {
    "le",
    "la",
    "les",
    "de",
    "du",
    "des",
    "une",
    "un",
    "ce",
    "cette",
    "doit",
    "est",
    "cet",
    "pas",
    "ou",
    "choisissez",
}


def test_the_project_has_constraints_to_check():
    assert len(CONSTRAINTS) > 50


@pytest.mark.parametrize(("model", "constraint"), CONSTRAINTS)
def test_each_constraint_has_its_own_french_message(model, constraint):
    with translation.override("fr"):
        message = constraint.get_violation_error_message()

    assert constraint.violation_error_message != BaseConstraint.default_violation_error_message
    assert constraint.name not in message
    assert message[0].isupper() and message.endswith(".")
    assert FRENCH_WORDS & set(message.lower().replace("’", " ").split())


@pytest.mark.parametrize(("model", "constraint"), CONSTRAINTS)
def test_each_constraint_names_fields_of_its_model(model, constraint):
    # The form puts the message at the first of these fields it shows.
    names = {field.name for field in model._meta.get_fields()}

    assert constraint_fields(constraint)
    assert set(constraint_fields(constraint)) <= names


def test_messages_are_distinct_within_a_model():
    # The form finds the constraint (and so the field) by its message.
    for model in {model for model, _ in (p.values for p in CONSTRAINTS)}:
        messages = [c.get_violation_error_message() for c in model._meta.constraints]
        assert len(messages) == len(set(messages)), model
