"""The call's reviewing progress on the hand-computed `example` (tests/projects/conftest.py)."""

from decimal import Decimal

from projects import dashboards

D = Decimal


def test_call_progress_counts_standing_assignments_only(example):
    progress = dashboards.call_progress(call=example["call"])

    assert (progress["done"], progress["expected"], progress["percent"]) == (5, 6, 83)
    per_reviewer = {
        row["full_name"]: (row["done"], row["expected"]) for row in progress["reviewers"]
    }
    assert per_reviewer == {"R1": (2, 2), "R2": (2, 2), "R3": (1, 1), "R4": (0, 1)}
