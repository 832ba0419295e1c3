"""Assigning reviewers, automatically and by hand."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent, Membership, Role
from projects import services
from projects.models import Assignment
from territories.models import Commune
from tests.factories import (
    AssignmentFactory,
    CallFactory,
    OrganisationFactory,
    ProjectFactory,
    reviewer_user,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def test_automatic_assignment_balances_200_projects_over_15_reviewers():
    call = CallFactory(review=True)
    projects = [ProjectFactory(call=call, under_review=True) for _i in range(200)]
    reviewers = [reviewer_user() for _i in range(15)]
    call.reviewers.add(*reviewers)
    # Three reviewers belong to a project's organisation; two declared conflicts beforehand.
    for reviewer, project in zip(reviewers[:3], projects[:3], strict=True):
        Membership.objects.create(
            user=reviewer, organisation=project.organisation, role=Role.HOLDER
        )
    for reviewer, project in zip(reviewers[3:5], projects[3:5], strict=True):
        AssignmentFactory(project=project, reviewer=reviewer, conflict=True)
    manager = user_with_role(Role.FUNDER, call.funder)

    created = services.assignments_auto(call=call, per_project=3, by=manager)

    active = Assignment.objects.active().filter(project__call=call)
    assert created == 600
    per_project = {p.pk: 0 for p in projects}
    load = {r.pk: 0 for r in reviewers}
    for project_id, reviewer_id in active.values_list("project_id", "reviewer_id"):
        per_project[project_id] += 1
        load[reviewer_id] += 1
    assert set(per_project.values()) == {3}
    assert max(load.values()) - min(load.values()) <= 1
    for reviewer, project in zip(reviewers[:5], projects[:5], strict=True):
        assert not active.filter(project=project, reviewer=reviewer).exists()
    # Running it again assigns nothing more.
    assert services.assignments_auto(call=call, per_project=3, by=manager) == 0


def test_automatic_assignment_prefers_the_project_territory():
    call = CallFactory(review=True)
    ProjectFactory(call=call, under_review=True)  # in Amiens (80)
    far = reviewer_user(OrganisationFactory(commune=Commune.objects.get(code="33063")))
    near = reviewer_user(OrganisationFactory(commune=Commune.objects.get(code="80021")))
    call.reviewers.add(far, near)

    services.assignments_auto(call=call, per_project=1, by=None)

    assert list(Assignment.objects.values_list("reviewer", flat=True)) == [near.pk]


def test_member_of_the_project_organisation_cannot_be_assigned():
    project = ProjectFactory(call=CallFactory(review=True), under_review=True)
    insider = reviewer_user(project.organisation)

    with pytest.raises(ValidationError):
        services.assignments_create(call=project.call, pairs=[(project, insider)], by=None)

    assert not Assignment.objects.exists()


# --- Reviewers hear when the review opens ---------------------------------------------------


def test_reviewers_assigned_while_the_call_is_open_hear_when_review_opens(
    mailoutbox, django_capture_on_commit_callbacks
):
    call = CallFactory()
    projects = [ProjectFactory(call=call, submitted=True) for _i in range(2)]
    first, second = reviewer_user(), reviewer_user()
    funder = user_with_role(Role.FUNDER, call.funder)

    with django_capture_on_commit_callbacks(execute=True):
        services.assignments_create(
            call=call, pairs=[(p, r) for p in projects for r in (first, second)], by=funder
        )
    while_open = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        services.call_transition(call=call, to="review", by=funder, early=True)

    assert while_open == 0
    assert sorted(m.to[0] for m in mailoutbox) == sorted([first.email, second.email])
    assert "est ouverte" in mailoutbox[0].body
    assert not Assignment.objects.filter(notified_at__isnull=True).exists()


def test_a_reviewer_assigned_during_the_review_hears_at_once_and_only_once(
    mailoutbox, django_capture_on_commit_callbacks
):
    call = CallFactory(review=True)
    project = ProjectFactory(call=call, under_review=True)
    reviewer = reviewer_user()
    funder = user_with_role(Role.FUNDER, call.funder)

    with django_capture_on_commit_callbacks(execute=True):
        services.assignments_create(call=call, pairs=[(project, reviewer)], by=funder)
        services.assignments_create(call=call, pairs=[(project, reviewer)], by=funder)

    assert [m.to for m in mailoutbox] == [[reviewer.email]]
    assert Assignment.objects.get().notified_at is not None


def test_assignments_are_journalled_on_the_call():
    call = CallFactory()
    project = ProjectFactory(call=call, submitted=True)
    reviewer = reviewer_user()
    funder = user_with_role(Role.FUNDER, call.funder)

    services.assignments_create(call=call, pairs=[(project, reviewer)], by=funder, ip="192.0.2.1")

    event = AuditEvent.objects.for_object(call).get(action="assignments.create")
    assert event.after == {"assignments": [[project.pk, reviewer.pk]]}
    assert (event.actor, event.ip) == (funder, "192.0.2.1")


def test_no_assignment_once_the_call_is_decided():
    call = CallFactory(decided=True)
    project = ProjectFactory(call=call, submitted=True)
    call.reviewers.add(reviewer_user())

    with pytest.raises(ValidationError, match="décidé"):
        services.assignments_create(call=call, pairs=[(project, reviewer_user())], by=None)
    with pytest.raises(ValidationError, match="décidé"):
        services.assignments_auto(call=call, per_project=1, by=None)
