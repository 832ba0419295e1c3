"""Reviewer calibration and each criterion's score distribution over a call."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from grid.models import Criterion
from projects.dashboards.sql import TWO, cents_mean, counted_reviews_sql, fetch_dicts

# A reviewer whose totals sit this many points (out of 100) above or below their co-reviewers'
# on average is flagged: a leniency or severity worth a calibration talk.
OUTLIER_BIAS = Decimal(10)

CALIBRATION_SQL = """
WITH valid AS ({valid}),
projects_ AS (
    SELECT project_id, SUM(cents) AS s, COUNT(*) AS n FROM valid GROUP BY project_id
)
SELECT v.author_id, u.full_name, u.email, COUNT(*) AS reviews, SUM(v.cents) AS cents,
       -- bias: Σ over projects reviewed with someone else of (own total − project mean)
       SUM(CASE WHEN pr.n > 1 THEN v.cents - pr.s * 1.0 / pr.n END) AS bias_cents,
       SUM(CASE WHEN pr.n > 1 THEN 1 ELSE 0 END) AS shared
FROM valid v
JOIN projects_ pr ON pr.project_id = v.project_id
JOIN accounts_user u ON u.id = v.author_id
GROUP BY v.author_id, u.full_name, u.email
ORDER BY u.full_name, v.author_id
"""


@dataclass(frozen=True)
class ReviewerCalibration:
    name: str
    reviews: int
    mean_total: Decimal | None
    bias: Decimal | None  # mean of (own total − the project's mean total), in points

    @property
    def outlier(self) -> bool:
        return self.bias is not None and abs(self.bias) >= OUTLIER_BIAS


def reviewer_calibration(*, call) -> list[ReviewerCalibration]:
    """Per reviewer of the call: valid reviews, mean total and bias against the projects' mean
    totals (design §4), over projects that more than one valid reviewer assessed (one query)."""
    valid, params = counted_reviews_sql(call_id=call.pk)
    sql = CALIBRATION_SQL.format(valid=valid)
    return [
        ReviewerCalibration(
            name=row["full_name"] or row["email"],
            reviews=row["reviews"],
            mean_total=cents_mean(row["cents"], row["reviews"]),
            bias=(
                (Decimal(str(row["bias_cents"])) / row["shared"] / 100).quantize(TWO, ROUND_HALF_UP)
                if row["shared"]
                else None
            ),
        )
        for row in fetch_dicts(sql, params)
    ]


DISTRIBUTION_SQL = """
WITH valid AS ({valid})
SELECT sc.criterion_id, sc.value, COUNT(*) AS scores
FROM valid v JOIN projects_score sc ON sc.assessment_id = v.id
GROUP BY sc.criterion_id, sc.value
"""


def criterion_distribution(*, call) -> list[dict]:
    """How often each level of each criterion was given in the call's valid reviews, N/A
    included: [{criterion, counts: [count per level from min to max], not_applicable}]."""
    valid, params = counted_reviews_sql(call_id=call.pk)
    sql = DISTRIBUTION_SQL.format(valid=valid)
    counts = {
        (row["criterion_id"], row["value"]): row["scores"] for row in fetch_dicts(sql, params)
    }
    criteria = Criterion.objects.filter(version_id=call.grid_version_id).in_form_order()
    return [
        {
            "criterion": criterion,
            "counts": [
                counts.get((criterion.pk, value), 0)
                for value in range(criterion.scale_min, criterion.scale_max + 1)
            ],
            "not_applicable": counts.get((criterion.pk, None), 0),
        }
        for criterion in criteria
    ]
