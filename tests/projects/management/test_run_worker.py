"""`manage.py run_worker`: the scheduler queued, the database queue worked, for real."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from projects.models import Reminder
from tests.factories import AssignmentFactory, CallFactory
from tests.worker import keeping_test_transaction, run_worker

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def test_one_pass_runs_the_scheduler_and_the_queue(
    database_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime(2026, 3, 1, 9, tzinfo=PARIS), tick=False):
        call = CallFactory(review=True, review_deadline=date(2026, 3, 8))
        assignment = AssignmentFactory(project__call=call)
    with time_machine.travel(datetime(2026, 3, 1, 10, tzinfo=PARIS), tick=False):
        with django_capture_on_commit_callbacks(execute=True), keeping_test_transaction():
            call_command("run_worker", once=True, verbosity=0)
        run_worker()  # what the pass queued on commit: the reminder's delivery

    assert list(Reminder.objects.values_list("assignment", "offset")) == [(assignment.pk, -7)]
    assert [m.to for m in mailoutbox] == [[assignment.reviewer.email]]


def test_it_refuses_a_queue_that_is_not_the_database():
    with pytest.raises(CommandError, match="TASKS_BACKEND=database"):
        call_command("run_worker", once=True, verbosity=0)
