"""Agreement between reviewers (design §4, "Judgement quality"): pure functions of numpy
arrays, shared by the `agreement` command and the call's "Qualité du jugement" panel.

- Krippendorff's α for the nominal, ordinal, interval and ratio metrics, by the coincidence
  matrix method of Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability": a unit
  (project) with a single value is not pairable and drops out; a missing rating (N/A, or a
  reviewer who did not score the project) is simply absent. `coincidence_matrix` builds the
  textbook matrix; `krippendorff_alpha` uses its exact algebraic reductions, which cost O(N)
  instead of O(V²) when values are many (100-point totals): Σ o_ck (c − k)² over the matrix
  is Σ_u 2·m_u·SS_u / (m_u − 1) and Σ n_c·n_k·(c − k)² is 2·n·SS, and the ordinal metric is
  the interval one on the values' mid-ranks (Σ_{g=c..k} n_g − (n_c + n_k)/2 = r_k − r_c).
- The six intraclass correlations of Shrout & Fleiss (1979), where the design allows them:
  ICC(1,·) needs only several ratings per target (one-way: each target has its own judges,
  as in a call); ICC(2,·) and ICC(3,·) need every judge to rate every target.
- Spearman–Brown: the number of ratings per target needed to reach a reliability.
- A percentile bootstrap over units for α's confidence interval.
"""

from projects.agreement.alpha import (
    INTERVAL,
    METRICS,
    NOMINAL,
    ORDINAL,
    RATIO,
    Ratings,
    alpha_from_coincidences,
    bootstrap_alpha,
    coincidence_matrix,
    interval_alphas,
    krippendorff_alpha,
    percentile_interval,
    resample_weights,
    unit_sums,
)
from projects.agreement.effects import ReviewerEffects, grey_zone, rank_intervals, reviewer_effects
from projects.agreement.icc import ICCs, icc, ratings_needed, spearman_brown
from projects.agreement.reading import RatingsError, agreement_report, ratings_from_rows

__all__ = [
    "ICCs",
    "INTERVAL",
    "METRICS",
    "NOMINAL",
    "ORDINAL",
    "RATIO",
    "Ratings",
    "RatingsError",
    "ReviewerEffects",
    "agreement_report",
    "alpha_from_coincidences",
    "bootstrap_alpha",
    "coincidence_matrix",
    "grey_zone",
    "icc",
    "interval_alphas",
    "krippendorff_alpha",
    "percentile_interval",
    "rank_intervals",
    "ratings_from_rows",
    "ratings_needed",
    "resample_weights",
    "reviewer_effects",
    "spearman_brown",
    "unit_sums",
]
