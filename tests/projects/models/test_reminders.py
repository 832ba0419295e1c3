"""The database itself refuses a second reminder of the same thing; call settings are
checked at the field."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from projects.models import Reminder, ReminderKind
from projects.models.calls import parse_day_offsets, validate_day_offsets, validate_days_before
from tests.factories import AssignmentFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_the_same_reminder_of_an_assignment_cannot_be_recorded_twice():
    assignment = AssignmentFactory()
    call = assignment.project.call
    same = {"kind": ReminderKind.REVIEW, "offset": -7, "due": date(2026, 3, 20)}
    Reminder.objects.create(call=call, assignment=assignment, **same)

    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(call=call, assignment=assignment, **same)


def test_manual_reminders_repeat_and_a_draft_is_reminded_once_per_offset():
    assignment = AssignmentFactory()
    project = ProjectFactory()
    for _ in range(2):
        Reminder.objects.create(
            kind=ReminderKind.MANUAL, call=assignment.project.call, assignment=assignment
        )
    Reminder.objects.create(kind=ReminderKind.DRAFT, offset=7, call=project.call, project=project)

    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            kind=ReminderKind.DRAFT, offset=7, call=project.call, project=project
        )
    assert Reminder.objects.filter(kind=ReminderKind.MANUAL).count() == 2


def test_day_offsets_are_parsed_sorted_and_checked():
    assert parse_day_offsets(" 1, -7,-2 ,-7") == [-7, -2, 1]
    assert parse_day_offsets("") == []
    with pytest.raises(ValidationError, match="séparés par des virgules"):
        validate_day_offsets("-7; 2")
    with pytest.raises(ValidationError, match="entre -90 et 90"):
        validate_day_offsets("-120")
    with pytest.raises(ValidationError, match="jours avant la clôture"):
        validate_days_before("7,-1")
