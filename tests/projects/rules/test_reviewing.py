"""The predicates about reviews, each allowing and denying: the permission matrix checks pages,
this checks the predicates."""

import pytest

from accounts.models import Role
from projects.services import assignment_declare_conflict
from tests.factories import AssignmentFactory, holder_user, user_with_role
from tests.projects.helpers import can

pytestmark = pytest.mark.django_db


def test_review_predicates_allow_the_assigned_reviewer_only_while_in_review():
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
