"""Decisions: what the database refuses."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from accounts.models import Role
from projects.models import Decision
from tests.factories import ProjectFactory, user_with_role

pytestmark = pytest.mark.django_db


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
