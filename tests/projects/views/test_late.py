"""« Qui est en retard »: who is late on a call, the last reminder, the turnaround, the
rate-limited « relancer maintenant » and due dates set one by one or in bulk."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import AuditEvent, Role
from projects.models import Assignment, Call, Reminder, ReminderKind
from tests.factories import (
    AssessmentFactory,
    AssignmentFactory,
    CallFactory,
    published_version,
    reviewer_user,
    user_with_role,
)
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
TODAY = date(2026, 3, 20)
NOW = datetime(2026, 3, 20, 10, 0, tzinfo=PARIS)


@pytest.fixture
def late_call():
    """On TODAY: one reviewer late on one review (due yesterday) and due on another (due
    tomorrow), done on a third submitted 4 days after assignment; a manager."""
    with time_machine.travel(NOW - timedelta(days=10), tick=False):
        call = CallFactory(review=True, review_deadline=TODAY + timedelta(days=1))
        manager = user_with_role(Role.FUNDER, organisation=call.funder)
        reviewer = reviewer_user()
        late = AssignmentFactory(
            project__call=call,
            project__title="En retard",
            reviewer=reviewer,
            due_date=TODAY - timedelta(days=1),
        )
        due = AssignmentFactory(project__call=call, project__title="À rendre", reviewer=reviewer)
        done = AssignmentFactory(project__call=call, reviewer=reviewer, done=True)
    AssessmentFactory(
        project=done.project,
        author=reviewer,
        submitted=True,
        submitted_at=NOW - timedelta(days=6),
    )
    return {"call": call, "manager": manager, "reviewer": reviewer, "late": late, "due": due}


def _late_url(call):
    return reverse("projects:call_late", kwargs={"pk": call.pk})


def test_managers_see_done_due_and_late_reviews_per_reviewer(client, late_call):
    client.force_login(late_call["manager"])

    with time_machine.travel(NOW, tick=False):
        page = client.get(_late_url(late_call["call"]))

    (row,) = page.context["reviewers"]
    assert (row["done_count"], row["due_count"], row["late_count"]) == (1, 1, 1)
    assert row["last_reminder"] is None
    assert (row["median_days"], row["p90_days"]) == ("4,0", "4,0")
    assert [a.project.title for a in page.context["pending"]] == ["En retard", "À rendre"]
    assert [a.is_late for a in page.context["pending"]] == [True, False]
    html = page.content.decode()
    assert "1 évaluation en retard." in html
    assert "médiane 4,0 jours, 90e centile 4,0 jours (1 évaluation soumise)" in html


def test_remind_now_emails_the_reviewer_once_a_day_and_shows_the_date(
    client, late_call, mailoutbox, django_capture_on_commit_callbacks
):
    call, reviewer = late_call["call"], late_call["reviewer"]
    client.force_login(late_call["manager"])
    url = reverse("projects:call_remind", kwargs={"pk": call.pk})

    with time_machine.travel(NOW, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            first = client.post(url, {"reviewer": reviewer.pk}, follow=True)
        second = client.post(url, {"reviewer": reviewer.pk}, follow=True)

    assert [m.to for m in mailoutbox] == [[reviewer.email]]
    assert "« En retard »" in mailoutbox[0].body and "« À rendre »" in mailoutbox[0].body
    assert "est relancé par e-mail" in first.content.decode()
    assert "20 mars 2026 à 10:00" in first.content.decode()  # the last reminder, Paris time
    assert "a déjà été relancé le 20 mars 2026 à 10:00" in second.content.decode()
    assert Reminder.objects.filter(kind=ReminderKind.MANUAL).count() == 2
    assert AuditEvent.objects.filter(action="reviewer.remind").count() == 1


def test_remind_now_is_refused_for_someone_without_an_assignment_in_the_call(client, late_call):
    client.force_login(late_call["manager"])
    stranger = reviewer_user()

    response = client.post(
        reverse("projects:call_remind", kwargs={"pk": late_call["call"].pk}),
        {"reviewer": stranger.pk},
    )

    assert response.status_code == 404
    assert not Reminder.objects.exists()


def test_due_dates_are_set_in_bulk_and_given_back_to_the_call(client, late_call):
    call = late_call["call"]
    client.force_login(late_call["manager"])
    url = reverse("projects:call_due_dates", kwargs={"pk": call.pk})
    both = [late_call["late"].pk, late_call["due"].pk]

    client.post(url, {"assignments": both, "due_date": "2026-04-10"})
    set_dates = set(Assignment.objects.filter(pk__in=both).values_list("due_date", flat=True))
    client.post(url, {"assignments": [late_call["late"].pk], "due_date": ""})

    assert set_dates == {date(2026, 4, 10)}
    assert Assignment.objects.get(pk=late_call["late"].pk).due_date is None
    assert Assignment.objects.get(pk=late_call["due"].pk).due_date == date(2026, 4, 10)
    assert AuditEvent.objects.filter(action="assignment.due_date").count() == 2


def test_due_dates_need_a_checked_assignment_of_the_call(client, late_call):
    client.force_login(late_call["manager"])
    elsewhere = AssignmentFactory()

    response = client.post(
        reverse("projects:call_due_dates", kwargs={"pk": late_call["call"].pk}),
        {"assignments": [elsewhere.pk], "due_date": "2026-04-10"},
        follow=True,
    )

    assert "Sélectionnez un choix valide" in response.content.decode()
    assert Assignment.objects.get(pk=elsewhere.pk).due_date is None


@pytest.mark.parametrize("name", ["call_late", "call_remind", "call_due_dates"])
def test_another_funder_is_denied(client, late_call, name):
    client.force_login(user_with_role(Role.FUNDER))
    url = reverse(f"projects:{name}", kwargs={"pk": late_call["call"].pk})

    response = client.get(url) if name == "call_late" else client.post(url, {})

    assert response.status_code == 403


@pytest.mark.parametrize("role", [Role.HOLDER, Role.REVIEWER])
def test_holders_and_the_call_s_own_reviewers_are_denied(client, late_call, role):
    user = late_call["reviewer"] if role == Role.REVIEWER else user_with_role(role)
    client.force_login(user)

    response = client.get(_late_url(late_call["call"]))

    assert response.status_code == 403


def test_the_late_page_query_count_does_not_grow(client, late_call):
    call = late_call["call"]
    client.force_login(late_call["manager"])
    with time_machine.travel(NOW, tick=False):
        with count_queries() as small:
            assert client.get(_late_url(call)).status_code == 200
        for _ in range(4):
            assignment = AssignmentFactory(project__call=call, due_date=TODAY - timedelta(days=3))
            Reminder.objects.create(
                kind=ReminderKind.MANUAL, call=call, assignment=assignment, sent_by=None
            )
            AssignmentFactory(project__call=call, reviewer=assignment.reviewer, done=True)

        with count_queries(small.count):
            page = client.get(_late_url(call))

    assert len(page.context["reviewers"]) == 5


def test_the_call_page_says_how_many_reviews_are_late(client, late_call):
    client.force_login(late_call["manager"])

    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("projects:call_manage", kwargs={"pk": late_call["call"].pk}))

    assert "1 évaluation en retard (1 évaluateur)." in page.content.decode()
    assert _late_url(late_call["call"]) in page.content.decode()


def _call_form(**extra):
    return {
        "title": "Appel avec relances",
        "grid_version": published_version().pk,
        "opens_at": "2026-01-05T09:00",
        "closes_at": "2026-03-31T18:00",
        "self_assessment_policy": "optional",
        "reviewer_visibility": "after_own",
        "feedback_policy": "comments",
        **extra,
    }


def test_a_call_s_deadline_and_reminders_are_set_in_its_form(client):
    client.force_login(user_with_role(Role.FUNDER))

    client.post(
        reverse("projects:call_create"),
        _call_form(
            review_deadline="2026-05-15",
            reminder_offsets="-10, -3, 2",
            escalation_days="3",
            draft_reminder_days="5",
        ),
    )

    call = Call.objects.get(title="Appel avec relances")
    assert (call.review_deadline, call.reminder_offsets, call.escalation_days) == (
        date(2026, 5, 15),
        "-10, -3, 2",
        3,
    )
    assert call.draft_reminder_days == "5"


def test_unreadable_reminder_days_are_explained_at_the_field(client):
    client.force_login(user_with_role(Role.FUNDER))

    response = client.post(
        reverse("projects:call_create"),
        _call_form(reminder_offsets="une semaine avant", draft_reminder_days="-2"),
    )

    errors = response.context["form"].errors
    assert errors["reminder_offsets"] == [
        "Indiquez des nombres de jours séparés par des virgules, par exemple -7,-2,1."
    ]
    assert errors["draft_reminder_days"] == [
        "Indiquez des jours avant la clôture, en nombres positifs (par exemple 7,1)."
    ]
    assert not Call.objects.filter(title="Appel avec relances").exists()
