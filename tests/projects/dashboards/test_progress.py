"""The call's reviewing progress on the hand-computed `example` (tests/projects/conftest.py)."""

from fractions import Fraction

import pytest

from projects import dashboards
from territories.figures import format_figure
from tests.factories import AssessmentFactory, AssignmentFactory
from tests.projects.helpers import second_reviewer

pytestmark = pytest.mark.django_db


def test_call_progress_counts_standing_assignments_only(example):
    progress = dashboards.call_progress(call=example["call"])

    assert (progress["done"], progress["expected"], progress["share"]) == (5, 6, Fraction(5, 6))
    per_reviewer = {
        row["full_name"]: (row["done"], row["expected"]) for row in progress["reviewers"]
    }
    assert per_reviewer == {"R1": (2, 2), "R2": (2, 2), "R3": (1, 1), "R4": (0, 1)}


def test_progress_share_is_rounded_half_up_once():
    # 5 of 8 reviews done: 62.5 %, shown "63" (half-up), never the banker's "62".
    first = AssignmentFactory()
    project = first.project
    assignments = [first] + [second_reviewer(project) for _i in range(7)]
    for assignment in assignments[:5]:
        AssessmentFactory(assignment=assignment, submitted=True, scores=1)

    progress = dashboards.call_progress(call=project.call)

    assert progress["share"] == Fraction(5, 8)
    assert format_figure(progress["share"] * 100, 0) == "63"
