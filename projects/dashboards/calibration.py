"""Reviewer calibration and each criterion's score distribution over a call."""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from grid.models import Criterion
from projects.dashboards.sql import UNIT, counted_reviews_sql, fetch_dicts

# A reviewer whose totals sit this many points (out of 100) above or below the other
# reviewers' on average is flagged: a leniency or severity worth a calibration talk.
OUTLIER_BIAS = Decimal(10)

CALIBRATION_SQL = """
WITH valid AS ({valid}),
projects_ AS (
    SELECT project_id, SUM(units) AS s, COUNT(units) AS n FROM valid GROUP BY project_id
)
-- Per reviewer and per number n of totals on the project: with x the reviewer's total and
-- S the sum of the n totals, x − (S − x)/(n − 1) = (n·x − S)/(n − 1), summed as integers
-- per n (the division is done exactly in Python).
SELECT v.author_id, u.full_name, u.email, pr.n, COUNT(*) AS reviews,
       COUNT(v.units) AS scored, SUM(v.units) AS units, SUM(pr.n * v.units - pr.s) AS gaps
FROM valid v
JOIN projects_ pr ON pr.project_id = v.project_id
JOIN accounts_user u ON u.id = v.author_id
GROUP BY v.author_id, u.full_name, u.email, pr.n
ORDER BY u.full_name, v.author_id
"""


@dataclass(frozen=True)
class ReviewerCalibration:
    name: str
    reviews: int  # reviews that count
    shared: int  # of them, with a total, on a project another reviewer also scored
    mean_total: Fraction | None
    bias: Fraction | None  # mean of (own total − mean of the other reviewers' totals), points
    author_id: int | None = None

    @property
    def outlier(self) -> bool:
        return self.bias is not None and abs(self.bias) >= OUTLIER_BIAS


def reviewer_calibration(*, call) -> list[ReviewerCalibration]:
    """Per reviewer of the call: reviews that count, mean total and bias (design §4): the mean,
    over the projects that another reviewer also scored, of the reviewer's total minus the
    mean of the *other* reviewers' totals. One query; exact values, rounded at display."""
    valid, params = counted_reviews_sql(call_id=call.pk)
    reviewers: dict[int, dict] = {}
    for row in fetch_dicts(CALIBRATION_SQL.format(valid=valid), params):
        reviewer = reviewers.setdefault(
            row["author_id"],
            {
                "name": row["full_name"] or row["email"],
                "reviews": 0,
                "scored": 0,
                "units": 0,
                "shared": 0,
                "gaps": Fraction(0),
            },
        )
        reviewer["reviews"] += row["reviews"]
        reviewer["scored"] += row["scored"]
        reviewer["units"] += int(row["units"] or 0)
        if row["n"] > 1 and row["scored"]:
            reviewer["shared"] += row["scored"]
            reviewer["gaps"] += Fraction(int(row["gaps"]), row["n"] - 1)
    return [
        ReviewerCalibration(
            author_id=author_id,
            name=reviewer["name"],
            reviews=reviewer["reviews"],
            shared=reviewer["shared"],
            mean_total=(
                Fraction(reviewer["units"], reviewer["scored"] * UNIT)
                if reviewer["scored"]
                else None
            ),
            bias=reviewer["gaps"] / (reviewer["shared"] * UNIT) if reviewer["shared"] else None,
        )
        for author_id, reviewer in reviewers.items()
    ]


DISTRIBUTION_SQL = """
WITH valid AS ({valid})
SELECT sc.criterion_id, sc.value, COUNT(*) AS scores
FROM valid v JOIN projects_score sc ON sc.assessment_id = v.id
GROUP BY sc.criterion_id, sc.value
"""


def criterion_distribution(*, call) -> list[dict]:
    """How often each level of each criterion was given in the call's valid reviews, N/A
    included, each criterion on its own scale: [{criterion, levels: [(level, count) from min
    to max], not_applicable}]."""
    valid, params = counted_reviews_sql(call_id=call.pk)
    sql = DISTRIBUTION_SQL.format(valid=valid)
    counts = {
        (row["criterion_id"], row["value"]): row["scores"] for row in fetch_dicts(sql, params)
    }
    criteria = Criterion.objects.filter(version_id=call.grid_version_id).in_form_order()
    return [
        {
            "criterion": criterion,
            "levels": [
                (value, counts.get((criterion.pk, value), 0))
                for value in range(criterion.scale_min, criterion.scale_max + 1)
            ],
            "not_applicable": counts.get((criterion.pk, None), 0),
        }
        for criterion in criteria
    ]
