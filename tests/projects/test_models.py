from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from accounts.models import Role
from projects.models import Assignment, Decision
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


def test_money_is_granted_to_selected_projects_only():
    project, funder = ProjectFactory(submitted=True), user_with_role(Role.FUNDER)

    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            project=project, outcome="rejected", amount_granted=Decimal(1000), decided_by=funder
        )
    Decision.objects.create(
        project=project, outcome="selected", amount_granted=Decimal(1000), decided_by=funder
    )
    assert project.decision.amount_granted == Decimal(1000)
