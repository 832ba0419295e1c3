"""Each predicate allows and denies: the matrix checks pages, this checks the predicates."""

import pytest
import rules

from accounts.models import Role
from tests.factories import (
    CallFactory,
    ProjectFactory,
    UserFactory,
    holder_user,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def can(user, perm, obj=None) -> bool:
    return rules.has_perm(perm, user, obj)


def test_call_funder_manages_own_call_only():
    funder = user_with_role(Role.FUNDER)
    own = CallFactory(funder=funder.memberships.get().organisation)
    other = CallFactory()

    assert can(funder, "projects.manage_call", own)
    assert can(funder, "projects.change_call", own)
    assert not can(funder, "projects.manage_call", other)
    assert not can(funder, "projects.change_call", other)


def test_draft_call_is_private_published_call_is_public():
    draft, published = CallFactory(draft=True), CallFactory()
    holder = holder_user()

    assert can(holder, "projects.view_call", published)
    assert not can(holder, "projects.view_call", draft)
    assert can(UserFactory(administrator=True), "projects.view_call", draft)


def test_only_holders_apply_to_calls():
    call = CallFactory()

    assert can(holder_user(), "projects.apply_call", call)
    assert not can(user_with_role(Role.REVIEWER), "projects.apply_call", call)
    assert not can(user_with_role(Role.FUNDER), "projects.apply_call", call)


def test_project_visible_to_its_organisation_and_to_its_funder_once_submitted():
    project = ProjectFactory()
    colleague = holder_user(project.organisation)
    funder = user_with_role(Role.FUNDER, organisation=project.call.funder)

    assert can(colleague, "projects.view_project", project)
    assert not can(holder_user(), "projects.view_project", project)
    assert not can(funder, "projects.view_project", project)
    project.status = "submitted"
    assert can(funder, "projects.view_project", project)
    assert not can(user_with_role(Role.FUNDER), "projects.view_project", project)
    assert not can(user_with_role(Role.REVIEWER), "projects.view_project", project)


def test_only_owner_and_invited_co_holders_edit():
    project = ProjectFactory()
    colleague = holder_user(project.organisation)

    assert can(project.owner, "projects.change_project", project)
    assert not can(colleague, "projects.change_project", project)
    assert not can(UserFactory(administrator=True), "projects.change_project", project)
    project.co_holders.add(colleague)
    assert can(colleague, "projects.change_project", project)
    assert not can(colleague, "projects.manage_coholders", project)
    assert can(project.owner, "projects.manage_coholders", project)


def test_co_holder_who_left_the_organisation_loses_edit_rights():
    project = ProjectFactory()
    colleague = holder_user(project.organisation)
    project.co_holders.add(colleague)

    colleague.memberships.all().delete()
    colleague = type(colleague).objects.get(pk=colleague.pk)  # fresh role cache

    assert not can(colleague, "projects.change_project", project)


def test_review_predicates_allow_the_assigned_reviewer_only_while_in_review():
    from projects.services import assignment_declare_conflict
    from tests.factories import AssignmentFactory

    assignment = AssignmentFactory()
    project, reviewer = assignment.project, assignment.reviewer
    stranger = user_with_role(Role.REVIEWER)

    assert can(reviewer, "projects.list_reviews")
    assert not can(holder_user(), "projects.list_reviews")
    assert can(reviewer, "projects.view_review", project)
    assert can(reviewer, "projects.review_project", project)
    assert not can(stranger, "projects.view_review", project)
    assert not can(stranger, "projects.review_project", project)
    project.call.status = "decided"
    assert can(reviewer, "projects.view_review", project)
    assert not can(reviewer, "projects.review_project", project)
    assert not can(reviewer, "projects.declare_conflict", project)
    project.call.status = "review"
    assignment_declare_conflict(assignment=assignment, reason="Lien familial", by=reviewer)
    reviewer = type(reviewer).objects.get(pk=reviewer.pk)  # a fresh request's user
    assert not can(reviewer, "projects.view_review", project)


def test_only_the_call_funder_and_administrators_decide():
    from tests.factories import AssignmentFactory

    project = AssignmentFactory().project
    funder = user_with_role(Role.FUNDER, project.call.funder)

    assert can(funder, "projects.decide_project", project)
    assert can(UserFactory(administrator=True), "projects.decide_project", project)
    assert not can(user_with_role(Role.FUNDER), "projects.decide_project", project)
    assert not can(project.owner, "projects.decide_project", project)
