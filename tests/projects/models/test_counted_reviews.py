"""The reviews that count (`Assessment.objects.counted_reviews()`): conflicts and recusals leave
every aggregate; the SQL the dashboards compile from it selects the same reviews (the second
test on the hand-computed `example`)."""

import pytest

from projects import dashboards, services
from projects.dashboards.sql import counted_reviews_sql, fetch_dicts
from projects.models import Assessment
from tests.factories import AssessmentFactory, AssignmentFactory, UserFactory
from tests.projects.helpers import scores, second_reviewer

pytestmark = pytest.mark.django_db


def test_conflicted_and_recused_reviewers_are_excluded_from_aggregates():
    counted = AssignmentFactory(done=True)
    project = counted.project
    conflicted, recused = second_reviewer(project, done=True), second_reviewer(project, done=True)
    AssessmentFactory(assignment=counted, submitted=True, scores=3)
    AssessmentFactory(assignment=conflicted, submitted=True, scores=0)
    AssessmentFactory(assignment=recused, submitted=True, scores=0)
    before = dashboards.project_aggregate(project=project)

    services.assignment_declare_conflict(
        assignment=conflicted, reason="Conflit", by=conflicted.reviewer
    )
    services.assignment_recuse(assignment=recused, by=counted.reviewer)
    after = dashboards.project_aggregate(project=project)

    assert before.reviews == 3
    assert (after.reviews, after.totals.mean, after.totals.minimum) == (1, 100, 100)
    assert {c.mean_percent for c in dashboards.project_criteria(project=project)} == {100}


def test_counted_reviews_orm_and_sql_select_the_same_assessments(example):
    a, b = example["a"], example["b"]
    recused, unassigned, all_na = (UserFactory() for _i in range(3))
    AssignmentFactory(project=b, reviewer=recused, recused=True)
    AssessmentFactory(project=b, author=recused, submitted=True, scores=scores(2, 2, 2))
    # No assignment row left (e.g. pool change): counted.
    AssessmentFactory(project=b, author=unassigned, submitted=True, scores=scores(2, 0, 0))
    AssignmentFactory(project=b, reviewer=all_na)
    # Every criterion "sans objet": a review done, counted, without a total.
    all_na_review = AssessmentFactory(
        project=b, author=all_na, submitted=True, scores=scores(None, None, None)
    )
    valid, params = counted_reviews_sql(call_id=example["call"].pk)
    sql_ids = {row["id"] for row in fetch_dicts(f"SELECT id FROM ({valid}) counted", params)}

    orm_ids = set(
        Assessment.objects.counted_reviews()
        .filter(project__call=example["call"])
        .values_list("pk", flat=True)
    )

    expected = (
        set(
            Assessment.objects.filter(
                project=a, author__full_name__in=["R1", "R2", "R3"]
            ).values_list("pk", flat=True)
        )
        | set(
            Assessment.objects.filter(
                project=b, author__in=[*example["reviewers"][:2], unassigned]
            ).values_list("pk", flat=True)
        )
        | {all_na_review.pk}
    )
    assert orm_ids == sql_ids == expected
