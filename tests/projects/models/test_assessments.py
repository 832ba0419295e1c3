"""Assessments and scores: what the database refuses."""

import pytest
from django.db import IntegrityError, transaction

from grid.models import Criterion
from projects import services
from projects.models import Assessment, Score
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_score_outside_its_bounds():
    project = ProjectFactory(complete=True)
    criterion = Criterion.objects.filter(version=project.call.grid_version).first()
    assessment = services.self_assessment_get_or_create(project=project, by=project.owner)

    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(
            assessment=assessment, criterion=criterion, value=9, scale_min=0, scale_max=3
        )


def test_a_project_has_a_single_self_assessment():
    project = ProjectFactory()
    services.self_assessment_get_or_create(project=project, by=project.owner)
    co_holder = ProjectFactory().owner

    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(
            project=project,
            author=co_holder,
            kind="self",
            grid_version=project.call.grid_version,
        )
