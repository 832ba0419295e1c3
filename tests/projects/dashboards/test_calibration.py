"""Reviewer calibration and criterion distribution, on the hand-computed `example`
(tests/projects/conftest.py)."""

from decimal import Decimal

import pytest

from projects import dashboards
from territories.figures import half_up
from tests.factories import (
    AssessmentFactory,
    AssignmentFactory,
    CallFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal


def test_reviewer_calibration_bias_against_the_other_reviewers(example):
    # Totals: A R1 83.33, R2 50, R3 50; B R1 50, R2 66.67. Each against the others' mean:
    # R1: A 83.33 − 50 = +33.33, B 50 − 66.67 = −16.67 → bias +8.33 over 2 projects;
    # R2: A 50 − 66.67 = −16.67, B 66.67 − 50 = +16.67 → 0;
    # R3: A 50 − 66.67 = −16.67 (an outlier: |bias| ≥ 10).
    rows = {row.name: row for row in dashboards.reviewer_calibration(call=example["call"])}

    assert sorted(rows) == ["R1", "R2", "R3"]  # R4's draft and R5's conflict do not count
    shown = {
        name: (row.reviews, row.shared, half_up(row.mean_total, 2), half_up(row.bias, 1))
        for name, row in rows.items()
    }
    assert shown == {
        "R1": (2, 2, D("66.67"), D("8.3")),
        "R2": (2, 2, D("58.33"), D("0.0")),
        "R3": (1, 1, D("50.00"), D("-16.7")),
    }
    assert (rows["R3"].outlier, rows["R1"].outlier, rows["R2"].outlier) == (True, False, False)


def test_a_reviewer_always_above_the_others_has_the_whole_gap_as_bias():
    lenient, others = UserFactory(full_name="Généreux"), [UserFactory() for _i in range(2)]
    call = CallFactory(review=True)
    for base in (1, 2):
        project = ProjectFactory(call=call, under_review=True)
        for author, level in ((others[0], base - 1), (others[1], base - 1), (lenient, base)):
            AssignmentFactory(project=project, reviewer=author, done=True)
            AssessmentFactory(project=project, author=author, submitted=True, scores=level)

    rows = {row.name: row for row in dashboards.reviewer_calibration(call=call)}

    # One level more on every criterion of a 0–3 scale: 33.33 points above both others on
    # each project, a bias of +33.3 (against a mean including their own total: +22.2).
    assert half_up(rows["Généreux"].bias, 1) == D("33.3")
    assert rows["Généreux"].outlier


def test_criterion_distribution_counts_levels_and_not_applicable(example):
    rows = dashboards.criterion_distribution(call=example["call"])

    # Valid reviews: A by R1–R3, B by R1–R2.
    assert [(r["criterion"].code, r["levels"], r["not_applicable"]) for r in rows] == [
        ("K1", [(0, 2), (1, 2), (2, 1)], 0),
        ("K2", [(0, 1), (1, 1), (2, 3)], 0),
        ("K3", [(0, 0), (1, 0), (2, 3)], 2),
    ]


def test_the_judgement_panel_is_kept_until_the_call_changes(example):
    from projects.dashboards import judgement_quality

    call = example["call"]
    first = judgement_quality(call=call)
    assert judgement_quality(call=call) is first  # this process's memory, no recomputation

    review = example["b"].assessments.get(author=example["reviewers"][0])
    review.save()  # any write that refreshes a project of the call bumps its revision

    assert judgement_quality(call=call) is not first
