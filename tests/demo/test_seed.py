from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.models import Membership, Role, User
from demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from projects.models import (
    Assessment,
    Assignment,
    Call,
    CallStatus,
    Decision,
    Project,
    Reminder,
    ReminderKind,
)
from tests.projects.exports.opendata import errors_against

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_one_account_per_role_and_is_idempotent(client):
    call_command("seed_demo", verbosity=0)
    counts = (User.objects.count(), Membership.objects.count())
    call_command("seed_demo", verbosity=0)

    assert (User.objects.count(), Membership.objects.count()) == counts
    assert User.objects.get(email="admin@demo.evalis.fr").is_staff
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    for email, *_ in DEMO_ACCOUNTS:
        # Through the login page: the login throttling (django-axes) needs the request.
        response = client.post(
            reverse("accounts:login"), {"username": email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, email
        client.post(reverse("accounts:logout"))


def test_seed_demo_creates_calls_and_projects_once():
    call_command("seed_demo", stdout=StringIO())
    counts = (Call.objects.count(), Project.objects.count(), Assessment.objects.count())

    call_command("seed_demo", stdout=StringIO())

    assert (Call.objects.count(), Project.objects.count(), Assessment.objects.count()) == counts
    assert counts[:2] == (4, 72)
    assert Project.objects.values("departement").distinct().count() >= 25
    holder = User.objects.get(email="porteur@demo.evalis.fr")
    assert Project.objects.filter(owner=holder).count() == 3
    funder = User.objects.get(email="financeur@demo.evalis.fr")
    funder_orgs = funder.memberships.values("organisation")
    assert Call.objects.filter(funder__in=funder_orgs).count() == 2


def test_demo_reviewer_funder_and_holder_see_reviewing_data(client):
    call_command("seed_demo", stdout=StringIO())
    reviewer = User.objects.get(email="evaluateur@demo.evalis.fr")
    decided = Call.objects.get(status=CallStatus.DECIDED)
    in_review = Call.objects.get(status=CallStatus.REVIEW)

    client.force_login(reviewer)
    review_list = client.get(reverse("projects:review_list"))
    statuses = {a.status for a in review_list.context["assignments"]}
    client.force_login(User.objects.get(email="financeur@demo.evalis.fr"))
    reviewers_page = client.get(reverse("projects:call_reviewers", kwargs={"pk": decided.pk}))
    holder = User.objects.get(email="porteur@demo.evalis.fr")
    decided_project = Project.objects.get(owner=holder, call=decided)
    client.force_login(holder)
    detail = client.get(reverse("projects:project_detail", kwargs={"pk": decided_project.pk}))

    assert "submitted" in statuses and len(statuses) >= 2
    assert len(review_list.context["conflicts"]) == 1
    assert Assignment.objects.filter(project__call=in_review, state="conflict").count() == 1
    assert Assessment.objects.reviews().filter(status="draft").exists()
    assert Decision.objects.filter(project__call=decided).count() == (
        Project.objects.filter(call=decided).submitted().count()
    )
    assert reviewers_page.status_code == 200
    assert 'id="decision"' in detail.content.decode()
    assert "data-reviewer-mean" in detail.content.decode()


def test_stored_totals_of_the_demo_match_a_recomputation():
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()

    call_command("check_assessment_totals", stdout=out)

    assert "cohérentes" in out.getvalue()


def test_totals_check_fails_on_a_tampered_total():
    call_command("seed_demo", stdout=StringIO())
    Assessment.objects.filter(pk=Assessment.objects.first().pk).update(total=1)

    with pytest.raises(CommandError, match="incohérentes"):
        call_command("check_assessment_totals", stdout=StringIO())


def test_demo_call_in_review_has_due_dates_late_reviewers_and_reminders(client):
    call_command("seed_demo", stdout=StringIO())
    in_review = Call.objects.get(status=CallStatus.REVIEW)
    client.force_login(User.objects.get(email="admin@demo.evalis.fr"))

    page = client.get(reverse("projects:call_late", kwargs={"pk": in_review.pk}))

    assert in_review.review_deadline is not None
    rows = page.context["reviewers"]
    assert sum(row["late_count"] for row in rows) >= 1
    assert any(row["last_reminder"] for row in rows)
    assert Reminder.objects.filter(call=in_review, kind=ReminderKind.REVIEW).exists()
    assert Reminder.objects.filter(call=in_review, kind=ReminderKind.ESCALATION).exists()
    assert "Relancer maintenant" in page.content.decode()


def test_the_demos_decided_call_exports_a_valid_scdl_file(tmp_path):
    call_command("seed_demo", stdout=StringIO())
    decided = Call.objects.get(status=CallStatus.DECIDED)
    output = tmp_path / "subventions.csv"

    call_command("export_scdl", "--call", str(decided.pk), "--output", str(output))

    text = output.read_text(encoding="utf-8")
    assert errors_against(text, "scdl-subventions-2.1.1.json", tmp_path) == []
    selected = Decision.objects.published().filter(project__call=decided, outcome="selected")
    assert len(text.splitlines()) == 1 + selected.count() > 1
