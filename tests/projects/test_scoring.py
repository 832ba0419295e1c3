from decimal import Decimal

import pytest

from grid.models import Criterion
from projects import services
from projects.models import Assessment, AssessmentStatus
from projects.scoring import CriterionSpec, normalise, summarise
from tests.factories import ProjectFactory

CORE_3 = CriterionSpec(id=1, weight=Decimal(2), scale_min=0, scale_max=3, is_core=True)
CORE_1 = CriterionSpec(id=2, weight=Decimal(2), scale_min=0, scale_max=3, is_core=True)
COMP_NA = CriterionSpec(id=3, weight=Decimal(1), scale_min=0, scale_max=3, is_core=False)
COMP_0_5 = CriterionSpec(id=4, weight=Decimal(1), scale_min=0, scale_max=5, is_core=False)


def test_normalise_maps_the_scale_onto_zero_one():
    assert normalise(0, 0, 3) == 0
    assert normalise(3, 0, 3) == 1
    assert normalise(3, 1, 5) == Decimal("0.5")


def test_summarise_excludes_not_applicable_and_renormalises_weights():
    # By hand: 100 × (2·1 + 2·⅓ + 1·0.4) / (2 + 2 + 1) = 61.33; socles 100 × (2 + ⅔) / 4 = 66.67.
    summary = summarise([CORE_3, CORE_1, COMP_NA, COMP_0_5], {1: 3, 2: 1, 3: None, 4: 2})

    assert summary.total == Decimal("61.33")
    assert summary.core_total == Decimal("66.67")
    assert (summary.scored, summary.criteria) == (3, 4)
    assert (summary.core_scored, summary.core_criteria) == (2, 2)
    assert summary.coverage == Decimal("0.750")


def test_summarise_with_nothing_scored_has_no_total():
    summary = summarise([CORE_3, COMP_NA], {3: None})

    assert summary.total is None
    assert summary.core_total is None
    assert summary.coverage == 0


@pytest.mark.django_db
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

    services.assessment_save_scores(assessment=assessment, scores=scores, by=project.owner)

    assessment = Assessment.objects.get(pk=assessment.pk)
    # 7 core criteria at the top (weight 2) and 12 complementary at zero (weight 1):
    # 100 × 14 / 26 = 53.85; core total 100; 19 of 20 criteria, 7 of 8 socles.
    assert assessment.total == Decimal("53.85")
    assert assessment.core_total == Decimal("100.00")
    assert (assessment.scored_count, assessment.core_scored_count) == (19, 7)
    assert assessment.coverage == Decimal("0.950")
    assert services.stored_totals_match(assessment)


@pytest.mark.django_db
def test_stored_totals_follow_every_change_of_scores():
    project = ProjectFactory(complete=True)
    criterion = Criterion.objects.filter(version=project.call.grid_version).first()
    assessment = services.self_assessment_get_or_create(project=project, by=project.owner)
    services.assessment_save_scores(
        assessment=assessment, scores={criterion.pk: (3, "")}, by=project.owner
    )

    services.assessment_save_scores(
        assessment=assessment, scores={criterion.pk: (1, "")}, by=project.owner
    )

    assessment = Assessment.objects.get(pk=assessment.pk)
    assert assessment.total == Decimal("33.33")
    assert assessment.status == AssessmentStatus.DRAFT
    assert services.stored_totals_match(assessment)


@pytest.mark.django_db
def test_scores_outside_the_scale_or_not_applicable_where_forbidden_are_refused():
    from django.core.exceptions import ValidationError

    project = ProjectFactory(complete=True)
    criterion = Criterion.objects.filter(version=project.call.grid_version).first()
    assessment = services.self_assessment_get_or_create(project=project, by=project.owner)

    with pytest.raises(ValidationError, match="entre 0 et 3"):
        services.assessment_save_scores(
            assessment=assessment, scores={criterion.pk: (4, "")}, by=project.owner
        )
    assert not assessment.scores.exists()


@pytest.mark.django_db
def test_the_database_refuses_a_score_outside_its_bounds():
    from django.db import IntegrityError, transaction

    from projects.models import Score

    project = ProjectFactory(complete=True)
    criterion = Criterion.objects.filter(version=project.call.grid_version).first()
    assessment = services.self_assessment_get_or_create(project=project, by=project.owner)

    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(
            assessment=assessment, criterion=criterion, value=9, scale_min=0, scale_max=3
        )


@pytest.mark.django_db
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


@pytest.mark.django_db
def test_a_project_has_a_single_self_assessment():
    from django.db import IntegrityError, transaction

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
