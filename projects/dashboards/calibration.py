"""Reviewer calibration and each criterion's score distribution over a call."""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Sum

from grid.models import Criterion
from projects.models import CriterionSummary, LevelSummary, ReviewerSummary

# A reviewer whose totals sit this many points (out of 100) above or below the other
# reviewers' on average is flagged: a leniency or severity worth a calibration talk.
OUTLIER_BIAS = Decimal(10)


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
    mean of the *other* reviewers' totals. Read from the reviewers' summaries, maintained on
    write (one query, one row per reviewer); exact values, rounded at display."""
    rows = (
        ReviewerSummary.objects.filter(call=call, reviews__gt=0)
        .order_by("reviewer__full_name", "reviewer_id")
        .values_list(
            "reviewer_id",
            "reviewer__full_name",
            "reviewer__email",
            "reviews",
            "scored",
            "total_sum",
            "shared",
            "gap_sum",
        )
    )
    return [
        ReviewerCalibration(
            author_id=author_id,
            name=full_name or email,
            reviews=reviews,
            shared=shared,
            mean_total=Fraction(total_sum) / scored if scored else None,
            bias=Fraction(gap_sum) / shared if shared else None,
        )
        for author_id, full_name, email, reviews, scored, total_sum, shared, gap_sum in rows
    ]


def criterion_distribution(*, call) -> list[dict]:
    """How often each level of each criterion was given in the call's valid reviews, N/A
    included, each criterion on its own scale: [{criterion, levels: [(level, count) from min
    to max], not_applicable}]. Read from the call's level and criterion summaries, kept on
    write: a few rows per criterion, whatever the number of scores."""
    counts = {
        (criterion_id, level): total
        for criterion_id, level, total in LevelSummary.objects.filter(call=call).values_list(
            "criterion_id", "level", "scores"
        )
    }
    not_applicable = dict(
        CriterionSummary.objects.filter(call=call)
        .order_by()
        .values("criterion_id")
        .annotate(total=Sum("not_applicable"))
        .values_list("criterion_id", "total")
    )
    criteria = Criterion.objects.filter(version_id=call.grid_version_id).in_form_order()
    return [
        {
            "criterion": criterion,
            "levels": [
                (value, counts.get((criterion.pk, value), 0))
                for value in range(criterion.scale_min, criterion.scale_max + 1)
            ],
            "not_applicable": not_applicable.get(criterion.pk, 0),
        }
        for criterion in criteria
    ]
