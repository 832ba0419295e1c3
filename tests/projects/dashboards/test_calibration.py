"""Reviewer calibration and criterion distribution, on the hand-computed `example`
(tests/projects/conftest.py)."""

from decimal import Decimal

from projects import dashboards

D = Decimal


def test_reviewer_calibration_bias_against_the_projects_means(example):
    # Means: A 61.11 (exact 6111 hundredths), B 58.335.
    # R1: (83.33 − 61.11 + 50 − 58.335) / 2 = 6.9425; R2: (50 − 61.11 + 66.67 − 58.335) / 2
    # = −1.3875; R3: 50 − 61.11 = −11.11 (an outlier: |bias| ≥ 10).
    rows = {row.name: row for row in dashboards.reviewer_calibration(call=example["call"])}

    assert sorted(rows) == ["R1", "R2", "R3"]  # R4's draft and R5's conflict do not count
    assert (rows["R1"].reviews, rows["R1"].mean_total, rows["R1"].bias) == (
        2,
        D("66.67"),
        D("6.94"),
    )
    assert (rows["R2"].reviews, rows["R2"].mean_total, rows["R2"].bias) == (
        2,
        D("58.34"),
        D("-1.39"),
    )
    assert (rows["R3"].bias, rows["R3"].outlier, rows["R1"].outlier) == (D("-11.11"), True, False)


def test_criterion_distribution_counts_levels_and_not_applicable(example):
    rows = dashboards.criterion_distribution(call=example["call"])

    # Valid reviews: A by R1–R3, B by R1–R2.
    assert [(r["criterion"].code, r["counts"], r["not_applicable"]) for r in rows] == [
        ("K1", [2, 2, 1], 0),
        ("K2", [1, 1, 3], 0),
        ("K3", [0, 0, 3], 2),
    ]
