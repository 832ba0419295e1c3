"""Funders' pages: their calls, the projects submitted to them, reviewers, pool and decisions."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from projects.models import (
    Assignment,
    AssignmentState,
    Call,
    CallStatus,
    Decision,
    ProjectStatus,
    ReviewerInvitation,
)
from tests.factories import (
    AssessmentFactory,
    AssignmentFactory,
    CallFactory,
    ProjectFactory,
    published_version,
    reviewer_user,
    user_with_role,
)
from tests.projects.helpers import second_reviewer, titles
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def test_funder_sees_only_their_own_calls(client):
    funder = user_with_role(Role.FUNDER)
    own = CallFactory(funder=funder.memberships.get().organisation, title="À moi")
    other = CallFactory(title="À un autre financeur")
    client.force_login(funder)

    listing = client.get(reverse("projects:funder_call_list"))
    other_page = client.get(reverse("projects:call_manage", kwargs={"pk": other.pk}))
    other_edit = client.get(reverse("projects:call_edit", kwargs={"pk": other.pk}))
    other_move = client.post(
        reverse("projects:call_transition", kwargs={"pk": other.pk}), {"to": "review"}
    )

    assert titles(listing) == [own.title]
    assert (other_page.status_code, other_edit.status_code, other_move.status_code) == (
        403,
        403,
        403,
    )
    assert Call.objects.get(pk=other.pk).status == CallStatus.OPEN


def test_funder_sees_submitted_projects_never_drafts(client):
    funder = user_with_role(Role.FUNDER)
    call = CallFactory(funder=funder.memberships.get().organisation)
    submitted = ProjectFactory(call=call, submitted=True)
    ProjectFactory(call=call, title="Brouillon secret")
    client.force_login(funder)

    response = client.get(reverse("projects:call_manage", kwargs={"pk": call.pk}))

    assert [p.pk for p in response.context["projects"]] == [submitted.pk]
    assert "Brouillon secret" not in response.content.decode()


def test_funder_creates_a_call_with_paris_dates(client):
    funder = user_with_role(Role.FUNDER)
    client.force_login(funder)

    response = client.post(
        reverse("projects:call_create"),
        {
            "title": "Appel test",
            "description": "",
            "grid_version": published_version().pk,
            "regions": ["32"],
            "opens_at": "2026-12-01T09:00",
            "closes_at": "2027-01-15T18:00",
            "max_amount": "30000",
            "self_assessment_policy": "required",
            "reviewer_visibility": "after_own",
            "feedback_policy": "comments",
            "eligibility": "Être une structure de l'ESS\nAvoir un siège en région",
        },
    )

    call = Call.objects.get(title="Appel test")
    assert response.status_code == 302
    assert call.funder == funder.memberships.get().organisation
    assert call.opens_at.isoformat() == "2026-12-01T08:00:00+00:00"  # 09:00 in Paris (UTC+1)
    assert list(call.eligibility_items.values_list("label", flat=True)) == [
        "Être une structure de l'ESS",
        "Avoir un siège en région",
    ]


def test_a_call_amount_below_zero_is_explained_at_its_field_in_french(client):
    client.force_login(user_with_role(Role.FUNDER))

    response = client.post(
        reverse("projects:call_create"),
        {
            "title": "Appel gratuit",
            "grid_version": published_version().pk,
            "opens_at": "2026-12-01T09:00",
            "closes_at": "2027-01-15T18:00",
            "max_amount": "0",
            "self_assessment_policy": "optional",
            "reviewer_visibility": "after_own",
            "feedback_policy": "comments",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "max_amount": ["Le montant maximal doit être supérieur à zéro."]
    }
    assert "projects_call" not in response.content.decode()
    assert not Call.objects.filter(title="Appel gratuit").exists()


def test_open_call_edit_form_freezes_the_grid_version(client):
    funder = user_with_role(Role.FUNDER)
    call = CallFactory(funder=funder.memberships.get().organisation)
    client.force_login(funder)

    form = client.get(reverse("projects:call_edit", kwargs={"pk": call.pk})).context["form"]

    assert form.fields["grid_version"].disabled
    assert form.fields["eligibility"].disabled


def test_call_closing_before_opening_is_explained(client):
    client.force_login(user_with_role(Role.FUNDER))

    response = client.post(
        reverse("projects:call_create"),
        {
            "title": "Appel à l'envers",
            "grid_version": published_version().pk,
            "opens_at": "2027-01-15T18:00",
            "closes_at": "2026-12-01T09:00",
            "self_assessment_policy": "optional",
            "reviewer_visibility": "after_own",
            "feedback_policy": "comments",
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"closes_at": ["La clôture doit suivre l'ouverture."]}
    assert not Call.objects.filter(title="Appel à l'envers").exists()


def test_progress_counts_per_project_on_the_call_page(client):
    assignment = AssignmentFactory(done=True)
    second_reviewer(assignment.project)
    AssessmentFactory(assignment=assignment, submitted=True, scores=3)
    call = assignment.project.call
    client.force_login(user_with_role(Role.FUNDER, call.funder))

    response = client.get(reverse("projects:call_manage", kwargs={"pk": call.pk}))

    assert "1/2 évaluations" in response.content.decode()


# --- Reviewers, pool and decisions ----------------------------------------------------------


def test_funder_of_another_call_cannot_manage_its_reviewers(client):
    assignment = AssignmentFactory()
    call = assignment.project.call
    client.force_login(user_with_role(Role.FUNDER))

    assert client.get(reverse("projects:call_reviewers", kwargs={"pk": call.pk})).status_code == 403
    assert (
        client.post(reverse("projects:assignment_recuse", kwargs={"pk": assignment.pk})).status_code
        == 403
    )
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.ASSIGNED


def test_bulk_assignment_by_hand_emails_after_commit(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    call = CallFactory(review=True)
    projects = [ProjectFactory(call=call, under_review=True) for _i in range(2)]
    reviewers = [reviewer_user() for _i in range(2)]
    call.reviewers.add(*reviewers)
    client.force_login(user_with_role(Role.FUNDER, call.funder))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("projects:call_assign", kwargs={"pk": call.pk}),
            {"projects": [p.pk for p in projects], "reviewers": [r.pk for r in reviewers]},
        )

    assert response.status_code == 302
    assert Assignment.objects.count() == 4
    assert sorted(m.to[0] for m in mailoutbox) == sorted(r.email for r in reviewers)


def test_a_reviewer_of_the_funder_joins_the_pool_at_once(client):
    # Another organisation's reviewer is invited instead (tests/test_site_security.py).
    call = CallFactory(review=True)
    reviewer = user_with_role(Role.REVIEWER, call.funder)
    client.force_login(user_with_role(Role.FUNDER, call.funder))

    client.post(reverse("projects:call_pool", kwargs={"pk": call.pk}), {"email": reviewer.email})

    assert list(call.reviewers.all()) == [reviewer]
    assert not ReviewerInvitation.objects.exists()


def test_manager_decides_and_holder_reads_feedback_once_published(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    assignment = AssignmentFactory(project__call__feedback_policy="full", done=True)
    project = assignment.project
    AssessmentFactory(project=project, self_assessment=True)
    AssessmentFactory(
        assignment=assignment, submitted=True, scores=2, strengths="COMMENTAIRE-ANONYME"
    )
    call = project.call
    client.force_login(user_with_role(Role.FUNDER, call.funder))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("projects:decision_edit", kwargs={"pk": project.pk}),
            {"outcome": "selected", "amount_granted": "15000", "motivation": "Projet solide."},
        )
    decision = Decision.objects.get()
    project.refresh_from_db()
    proposed_status, proposed_mails = project.status, len(mailoutbox)
    client.force_login(project.owner)
    before = client.get(
        reverse("projects:project_detail", kwargs={"pk": project.pk})
    ).content.decode()
    client.force_login(user_with_role(Role.FUNDER, call.funder))
    with django_capture_on_commit_callbacks(execute=True):
        published = client.post(
            reverse("projects:decisions_publish", kwargs={"pk": call.pk}),
            {"decisions": [decision.pk]},
        )
    client.force_login(project.owner)
    after = client.get(
        reverse("projects:project_detail", kwargs={"pk": project.pk})
    ).content.decode()

    assert response.status_code == 302 and published.status_code == 302
    assert (proposed_status, proposed_mails) == (ProjectStatus.UNDER_REVIEW, 0)
    project.refresh_from_db()
    assert project.status == ProjectStatus.SELECTED
    assert Decision.objects.get().amount_granted == Decimal("15000")
    assert [m.to for m in mailoutbox] == [[project.owner.email]]
    assert 'id="decision"' not in before
    assert 'id="decision"' in after and "COMMENTAIRE-ANONYME" in after
    assert assignment.reviewer.full_name not in after


# --- Query counts ---------------------------------------------------------------------------


def test_funder_call_list_queries_do_not_grow(client):
    funder = user_with_role(Role.FUNDER)
    organisation = funder.memberships.get().organisation
    client.force_login(funder)
    url = reverse("projects:funder_call_list")
    ProjectFactory(call=CallFactory(funder=organisation), submitted=True)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    for _ in range(3):
        ProjectFactory(call=CallFactory(funder=organisation), submitted=True)

    with count_queries(small.count):
        assert client.get(url).status_code == 200


def test_call_manage_queries_do_not_grow(client):
    funder = user_with_role(Role.FUNDER)
    call = CallFactory(funder=funder.memberships.get().organisation)
    client.force_login(funder)
    url = reverse("projects:call_manage", kwargs={"pk": call.pk})
    ProjectFactory(call=call, submitted=True)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    for _ in range(3):
        ProjectFactory(call=call, submitted=True)

    with count_queries(small.count):
        assert client.get(url).status_code == 200


def test_call_reviewers_page_query_count_does_not_grow(client):
    first = AssignmentFactory()
    call = first.project.call
    call.reviewers.add(first.reviewer)
    funder = user_with_role(Role.FUNDER, call.funder)
    client.force_login(funder)
    url = reverse("projects:call_reviewers", kwargs={"pk": call.pk})
    client.get(url)
    with count_queries() as small:
        client.get(url)
    for _i in range(3):
        assignment = AssignmentFactory(project__call=call, done=True)
        call.reviewers.add(assignment.reviewer)
        AssessmentFactory(assignment=assignment, submitted=True, scores=3)
    with count_queries(small.count):
        response = client.get(url)

    assert "3/4 évaluations soumises pour l'appel" in response.content.decode()


def test_a_refused_pool_or_auto_assignment_form_keeps_what_was_typed(client):
    call = CallFactory(review=True)
    client.force_login(user_with_role(Role.FUNDER, call.funder))

    pool = client.post(
        reverse("projects:call_pool", kwargs={"pk": call.pk}), {"email": "pas-une-adresse"}
    )
    auto = client.post(
        reverse("projects:call_assign_auto", kwargs={"pk": call.pk}), {"per_project": "42"}
    )

    assert pool.status_code == auto.status_code == 200
    assert 'value="pas-une-adresse"' in pool.content.decode()
    assert pool.context["pool_form"].errors["email"]
    assert 'value="42"' in auto.content.decode()
    assert auto.context["auto_form"].errors["per_project"]
