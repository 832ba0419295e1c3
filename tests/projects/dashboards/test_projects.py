"""One project's analysis on the hand-computed `example` (tests/projects/conftest.py)."""

from decimal import Decimal

from projects import dashboards
from territories.figures import half_up

D = Decimal


def test_project_criteria_mean_median_self_and_gap(example):
    rows = dashboards.project_criteria(project=example["a"])

    assert [(r.code, r.reviews, r.mean, r.median, r.self_value, r.gap) for r in rows] == [
        ("K1", 3, D("1.00"), D("1.00"), 2, D("50.0")),
        ("K2", 3, D("1.00"), D("1.00"), 2, D("50.0")),
        ("K3", 2, D("2.00"), D("2.00"), 1, D("-50.0")),
    ]


def test_project_reviewer_scores_leave_out_drafts_and_conflicts(example):
    reviewers = dashboards.project_reviewer_scores(project=example["a"])["reviewers"]

    assert [(r["name"], half_up(r["total"], 2)) for r in reviewers] == [
        ("R1", D("83.33")),
        ("R2", D("50.00")),
        ("R3", D("50.00")),
    ]
