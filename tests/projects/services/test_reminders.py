"""Reminders, escalation and digests: at the right moments (days in Paris, time moved by the
test), each sent once however often the scheduler runs, and through the real worker."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.models import Role
from projects import services
from projects.models import AssignmentState, Reminder, ReminderKind
from projects.tasks import scheduler_tick
from tests.factories import (
    AssignmentFactory,
    CallFactory,
    ProjectFactory,
    reviewer_user,
    user_with_role,
)
from tests.worker import run_worker

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
DEADLINE = date(2026, 3, 20)


def paris(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def day(offset: int) -> date:
    return DEADLINE + timedelta(days=offset)


@pytest.fixture
def review_call():
    """A call in review due on DEADLINE: a reviewer with two unfinished reviews, another who
    is done, one in conflict; a manager of the funder. Assigned on J−18."""
    with time_machine.travel(paris(day(-18)), tick=False):
        call = CallFactory(review=True, review_deadline=DEADLINE, title="Inclusion")
        manager = user_with_role(Role.FUNDER, organisation=call.funder)
        late = reviewer_user()
        first = AssignmentFactory(project__call=call, project__title="Atelier", reviewer=late)
        second = AssignmentFactory(project__call=call, project__title="Bricothèque", reviewer=late)
        done = AssignmentFactory(project__call=call, done=True)
        conflict = AssignmentFactory(project__call=call, conflict=True)
    return {
        "call": call,
        "manager": manager,
        "reviewer": late,
        "assignments": [first, second],
        "done": done,
        "conflict": conflict,
    }


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """One run of the scheduler, its e-mails sent once it commits (immediate tasks)."""

    def run_once():
        with django_capture_on_commit_callbacks(execute=True):
            return services.reminders_run()

    return run_once


def _drain(capture) -> None:
    """The worker until the queue is empty: what a task queues on commit runs next."""
    ran = 1
    while ran:
        with capture(execute=True):
            ran = run_worker()


def _to(mailoutbox, user):
    return [m.subject for m in mailoutbox if m.to == [user.email]]


def test_an_assignment_gets_exactly_its_reminders_and_escalation_through_the_worker(
    review_call, database_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    reviewer, manager = review_call["reviewer"], review_call["manager"]
    moments = [
        paris(day(-8), 23, 30),  # nothing yet
        paris(day(-7), 0, 30),  # J−7 in Paris (still J−8 in UTC)
        paris(day(-7), 18),  # the same day again: nothing
        paris(day(-2), 8),  # J−2
        paris(day(0), 23),  # due today: nothing new
        paris(day(1), 7),  # J+1: reminder, and the managers' escalation
        paris(day(5), 7),  # nothing more, ever
    ]
    sent = []
    for moment in moments:
        with time_machine.travel(moment, tick=False):
            scheduler_tick.enqueue()
            _drain(django_capture_on_commit_callbacks)  # a new worker each run, as after a restart
        sent.append(len(mailoutbox))

    assert sent == [0, 1, 1, 2, 2, 4, 4]
    assert _to(mailoutbox, reviewer) == ["Évalis : 2 évaluations en attente"] * 3
    assert _to(mailoutbox, manager) == ["Évalis : 2 évaluations en retard sur « Inclusion »"]
    j7, j2, j1 = (m.body for m in mailoutbox if m.to == [reviewer.email])
    assert "« Atelier » (appel « Inclusion ») : échéance le 20 mars 2026, dans 7 jours" in j7
    assert "dans 2 jours" in j2
    assert "en retard, échéance dépassée depuis le 20 mars 2026" in j1
    assert "Bricothèque" in j1
    assert "des évaluations qui vous sont confiées ne sont pas encore soumises" in j1
    assert list(
        Reminder.objects.filter(kind=ReminderKind.REVIEW)
        .order_by("offset", "assignment")
        .values_list("offset", flat=True)
    ) == [-7, -7, -2, -2, 1, 1]


def test_the_scheduler_run_twice_sends_nothing_twice(review_call, mailoutbox, run):
    with time_machine.travel(paris(day(1)), tick=False):
        first = run()
        second = run()

    assert first == {"review": 1, "escalation": 1, "draft": 0, "digest": 0}
    assert second == {"review": 0, "escalation": 0, "draft": 0, "digest": 0}
    assert len(mailoutbox) == 2


def test_done_conflicted_and_recused_reviews_are_not_reminded(review_call, mailoutbox, run):
    for assignment in review_call["assignments"]:
        assignment.state = AssignmentState.RECUSED
        assignment.save()

    with time_machine.travel(paris(day(1)), tick=False):
        counts = run()

    assert counts["review"] == counts["escalation"] == 0
    assert mailoutbox == []


def test_a_reviewer_assigned_late_is_not_reminded_of_days_before_their_assignment(mailoutbox, run):
    with time_machine.travel(paris(day(-3)), tick=False):
        call = CallFactory(review=True, review_deadline=DEADLINE)
        AssignmentFactory(project__call=call)
        run()
    with time_machine.travel(paris(day(-2)), tick=False):
        run()

    assert list(Reminder.objects.values_list("offset", flat=True)) == [-2]
    assert len(mailoutbox) == 1


def test_an_own_due_date_wins_and_a_moved_due_date_gets_its_own_reminders(mailoutbox, run):
    with time_machine.travel(paris(day(-30)), tick=False):
        call = CallFactory(review=True, review_deadline=DEADLINE, reminder_offsets="-2")
        assignment = AssignmentFactory(project__call=call, due_date=day(-10))
    with time_machine.travel(paris(day(-12)), tick=False):
        run()
        services.assignments_set_due_date(
            call=call, assignment_ids=[assignment.pk], due_date=day(-5), by=None
        )
    with time_machine.travel(paris(day(-7)), tick=False):
        run()

    assert list(Reminder.objects.order_by("due").values_list("due", flat=True)) == [
        day(-10),
        day(-5),
    ]
    assert len(mailoutbox) == 2


def test_a_call_without_reminders_or_escalation_sends_none(review_call, mailoutbox, run):
    call = review_call["call"]
    call.reminder_offsets, call.escalation_days = "", None
    call.save()

    with time_machine.travel(paris(day(3)), tick=False):
        counts = run()

    assert counts == {"review": 0, "escalation": 0, "draft": 0, "digest": 0}


def test_holders_of_a_draft_are_reminded_before_the_call_closes(mailoutbox, run):
    closes = paris(date(2026, 4, 30), 12)
    with time_machine.travel(paris(date(2026, 4, 1)), tick=False):
        call = CallFactory(closes_at=closes, draft_reminder_days="7,1", title="Climat")
        project = ProjectFactory(call=call, title="Vélos partagés")
        opted_out = ProjectFactory(call=call)
        opted_out.owner.notify_draft_reminders = False
        opted_out.owner.save()
        ProjectFactory(call=call, submitted=True)
    counts = []
    for moment in (paris(date(2026, 4, 22)), paris(date(2026, 4, 23)), paris(date(2026, 4, 29))):
        with time_machine.travel(moment, tick=False):
            counts.append(run()["draft"])

    assert counts == [0, 2, 2]
    assert [m.to for m in mailoutbox] == [[project.owner.email]] * 2
    assert "Vélos partagés" in mailoutbox[0].subject
    assert "clôt le 30 avril 2026 à 12:00 (heure de Paris), dans 7 jours" in mailoutbox[0].body


def test_managers_get_one_digest_a_day_of_new_submissions(mailoutbox, run):
    with time_machine.travel(paris(date(2026, 4, 1), 10), tick=False):
        call = CallFactory(title="Climat")
        manager = user_with_role(Role.FUNDER, organisation=call.funder)
        ProjectFactory.create_batch(2, call=call, submitted=True)
        run()
        run()
    with time_machine.travel(paris(date(2026, 4, 1), 15), tick=False):
        ProjectFactory(call=call, submitted=True, title="Tard")
        run()
    with time_machine.travel(paris(date(2026, 4, 2), 6), tick=False):
        run()

    assert [m.subject for m in mailoutbox] == [
        "Évalis : 2 nouveaux dépôts sur « Climat »",
        "Évalis : 1 nouveau dépôt sur « Climat »",
    ]
    assert all(m.to == [manager.email] for m in mailoutbox)
    assert "« Tard »" in mailoutbox[1].body and "(3 au total)" in mailoutbox[1].body


def test_remind_now_sends_one_email_and_is_limited_to_once_a_day(
    review_call, mailoutbox, django_capture_on_commit_callbacks
):
    call, reviewer, manager = (review_call[k] for k in ("call", "reviewer", "manager"))
    with time_machine.travel(paris(day(3)), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.reviewer_remind_now(call=call, reviewer=reviewer, by=manager) == 2
        with pytest.raises(ValidationError, match="déjà été relancé le 23 mars 2026 à 09:00"):
            services.reviewer_remind_now(call=call, reviewer=reviewer, by=manager)
    with (
        time_machine.travel(paris(day(4), 9, 1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.reviewer_remind_now(call=call, reviewer=reviewer, by=manager)

    assert [m.to for m in mailoutbox] == [[reviewer.email]] * 2
    assert Reminder.objects.filter(kind=ReminderKind.MANUAL, sent_by=manager).count() == 4


def test_remind_now_refuses_a_reviewer_with_nothing_pending(review_call):
    done = review_call["done"]

    with pytest.raises(ValidationError, match="aucune évaluation en attente"):
        services.reviewer_remind_now(
            call=review_call["call"], reviewer=done.reviewer, by=review_call["manager"]
        )


def test_the_holder_gets_a_receipt_summarising_the_submission(
    mailoutbox, django_capture_on_commit_callbacks
):
    project = ProjectFactory(complete=True, title="Tiers-lieu")

    with django_capture_on_commit_callbacks(execute=True):
        services.project_submit(project=project, by=project.owner)

    (receipt,) = mailoutbox
    assert receipt.to == [project.owner.email]
    assert receipt.subject == "Évalis : accusé de réception de votre projet « Tiers-lieu »"
    assert "- montant demandé : 20\xa0000\xa0€" in receipt.body
    assert "- commune : Amiens" in receipt.body


def test_a_holder_who_turned_receipts_off_gets_none(mailoutbox, django_capture_on_commit_callbacks):
    project = ProjectFactory(complete=True)
    project.owner.notify_submission_receipt = False
    project.owner.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.project_submit(project=project, by=project.owner)

    assert mailoutbox == []
