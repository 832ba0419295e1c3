"""Figures computed in the database (design §4), the top read layer: the call's ranking and
progress, one project's analysis, reviewer calibration and the territory dashboards. Each
block is one SQL statement over the reviews that count (`dashboards.sql`)."""

from projects.dashboards.calibration import (
    OUTLIER_BIAS,
    ReviewerCalibration,
    criterion_distribution,
    reviewer_calibration,
)
from projects.dashboards.progress import call_progress
from projects.dashboards.projects import (
    CriterionAnalysis,
    project_criteria,
    project_feedback,
    project_reviewer_scores,
)
from projects.dashboards.ranking import (
    DISAGREEMENT_THRESHOLD,
    PAGE_SIZE,
    RANKING_ORDER,
    ProjectAggregate,
    RankingPage,
    RankingRow,
    call_ranking,
    project_aggregate,
)
from projects.dashboards.territories import (
    MEASURES,
    TerritoryRow,
    territory_criterion_heatmap,
    territory_figures,
)

__all__ = [
    "DISAGREEMENT_THRESHOLD",
    "MEASURES",
    "OUTLIER_BIAS",
    "PAGE_SIZE",
    "RANKING_ORDER",
    "CriterionAnalysis",
    "ProjectAggregate",
    "RankingPage",
    "RankingRow",
    "ReviewerCalibration",
    "TerritoryRow",
    "call_progress",
    "call_ranking",
    "criterion_distribution",
    "project_aggregate",
    "project_criteria",
    "project_feedback",
    "project_reviewer_scores",
    "reviewer_calibration",
    "territory_criterion_heatmap",
    "territory_figures",
]
