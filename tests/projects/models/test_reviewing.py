"""Assignments: what the database refuses."""

import pytest
from django.db import IntegrityError, transaction

from accounts.models import Role
from projects.models import Assignment
from tests.factories import ProjectFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_a_reviewer_is_assigned_once_per_project():
    project, reviewer = ProjectFactory(submitted=True), user_with_role(Role.REVIEWER)
    Assignment.objects.create(project=project, reviewer=reviewer)

    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(project=project, reviewer=reviewer)


def test_a_declared_conflict_needs_a_reason():
    project, reviewer = ProjectFactory(submitted=True), user_with_role(Role.REVIEWER)

    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(project=project, reviewer=reviewer, state="conflict")
