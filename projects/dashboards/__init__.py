"""Figures computed in the database (design §4), the top read layer: the call's ranking and
progress, one project's analysis, reviewer calibration and the territory dashboards. Each
block is one SQL statement over the reviews that count (`dashboards.sql`)."""

from projects.dashboards.calibration import (
    OUTLIER_BIAS,
    ReviewerCalibration,
    criterion_distribution,
    reviewer_calibration,
)
from projects.dashboards.judgement import JudgementQuality, judgement_quality
from projects.dashboards.progress import call_progress
from projects.dashboards.projects import (
    CriterionAnalysis,
    project_criteria,
    project_feedback,
    project_gate,
    project_reviewer_scores,
    project_self_figure,
)
from projects.dashboards.ranking import (
    DISAGREEMENT_RANGE,
    PAGE_SIZE,
    RANKING_ORDER,
    Gate,
    RankingPage,
    RankingRow,
    ReviewFigures,
    SelfAssessmentFigure,
    call_ranking,
    project_aggregate,
    self_assessment_figure,
)
from projects.dashboards.territories import (
    MEASURES,
    TerritoryRow,
    territory_criterion_heatmap,
    territory_figures,
)

__all__ = [
    "DISAGREEMENT_RANGE",
    "MEASURES",
    "OUTLIER_BIAS",
    "PAGE_SIZE",
    "RANKING_ORDER",
    "CriterionAnalysis",
    "Gate",
    "JudgementQuality",
    "RankingPage",
    "RankingRow",
    "ReviewFigures",
    "SelfAssessmentFigure",
    "ReviewerCalibration",
    "TerritoryRow",
    "call_progress",
    "call_ranking",
    "criterion_distribution",
    "judgement_quality",
    "project_aggregate",
    "project_criteria",
    "project_feedback",
    "project_gate",
    "project_self_figure",
    "project_reviewer_scores",
    "reviewer_calibration",
    "self_assessment_figure",
    "territory_criterion_heatmap",
    "territory_figures",
]
