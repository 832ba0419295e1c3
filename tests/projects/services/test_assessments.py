"""Assessments: saved scores, stored totals and stale saves."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from grid.models import Criterion
from projects import services
from projects.models import Assessment, AssessmentStatus
from tests.factories import ProjectFactory
from tests.projects.helpers import current_row_version

pytestmark = pytest.mark.django_db


def test_self_assessment_totals_equal_hand_computed_values_on_the_reference_grid():
    project = ProjectFactory(complete=True)
    criteria = list(Criterion.objects.filter(version=project.call.grid_version))
    core = [c for c in criteria if c.is_core]
    complementary = [c for c in criteria if not c.is_core]
    assert (len(core), len(complementary)) == (8, 12)
    scores = {c.pk: (3, "Très présent") for c in core[1:]}
    scores[core[0].pk] = (None, "Sans objet ici")
    scores.update({c.pk: (0, "") for c in complementary})
    assessment = services.self_assessment_get_or_create(project=project, by=project.owner)

    services.assessment_save_scores(
        assessment=assessment,
        scores=scores,
        by=project.owner,
        row_version=current_row_version(assessment),
    )

    assessment = Assessment.objects.get(pk=assessment.pk)
    # 7 core criteria at the top (weight 2) and 12 complementary at zero (weight 1):
    # 100 × 14 / 26 = 53.846153846153…, stored to ten places; core total 100; 19 of 20
    # criteria, 7 of 8 socles.
    assert assessment.total == Decimal("53.8461538462")
    assert assessment.core_total == Decimal("100")
    assert (assessment.scored_count, assessment.core_scored_count) == (19, 7)
    assert services.stored_totals_match(assessment)


def test_stored_totals_follow_every_change_of_scores():
    project = ProjectFactory(complete=True)
    criterion = Criterion.objects.filter(version=project.call.grid_version).first()
    assessment = services.self_assessment_get_or_create(project=project, by=project.owner)
    services.assessment_save_scores(
        assessment=assessment,
        scores={criterion.pk: (3, "")},
        by=project.owner,
        row_version=current_row_version(assessment),
    )

    services.assessment_save_scores(
        assessment=assessment,
        scores={criterion.pk: (1, "")},
        by=project.owner,
        row_version=current_row_version(assessment),
    )

    assessment = Assessment.objects.get(pk=assessment.pk)
    assert assessment.total == Decimal("33.3333333333")
    assert assessment.status == AssessmentStatus.DRAFT
    assert services.stored_totals_match(assessment)


def test_scores_outside_the_scale_or_not_applicable_where_forbidden_are_refused():
    project = ProjectFactory(complete=True)
    criterion = Criterion.objects.filter(version=project.call.grid_version).first()
    assessment = services.self_assessment_get_or_create(project=project, by=project.owner)

    with pytest.raises(ValidationError, match="entre 0 et 3"):
        services.assessment_save_scores(
            assessment=assessment,
            scores={criterion.pk: (4, "")},
            by=project.owner,
            row_version=current_row_version(assessment),
        )
    assert not assessment.scores.exists()


def test_a_stale_save_is_refused_not_overwritten():
    project = ProjectFactory(complete=True)
    criterion = Criterion.objects.filter(version=project.call.grid_version).first()
    assessment = services.self_assessment_get_or_create(project=project, by=project.owner)
    loaded_version = assessment.row_version
    services.assessment_save_scores(
        assessment=assessment,
        scores={criterion.pk: (3, "premier")},
        by=project.owner,
        row_version=loaded_version,
    )

    with pytest.raises(services.StaleAssessment):
        services.assessment_save_scores(
            assessment=assessment,
            scores={criterion.pk: (0, "second")},
            by=project.owner,
            row_version=loaded_version,
        )

    assert assessment.scores.get().comment == "premier"
