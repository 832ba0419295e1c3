"""One project's figures: per criterion, the reviewers' mean and median beside the
self-assessment; each reviewer's scores; what the holder may read after the decision."""

from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Count

from grid.models import in_viewer_language
from projects.dashboards.ranking import Gate, SelfAssessmentFigure, self_assessment_figure
from projects.dashboards.sql import counted_reviews_sql, fetch_dicts, fraction
from projects.models import Assessment, AssessmentStatus, FeedbackPolicy

CRITERIA_SQL = """
WITH valid AS ({valid}),
values_ AS (
    SELECT sc.criterion_id, sc.value,
           ROW_NUMBER() OVER (PARTITION BY sc.criterion_id ORDER BY sc.value) AS rn,
           COUNT(*) OVER (PARTITION BY sc.criterion_id) AS cnt
    FROM valid v JOIN projects_score sc ON sc.assessment_id = v.id
    WHERE sc.value IS NOT NULL
),
stats AS (
    SELECT criterion_id, COUNT(*) AS n, SUM(value) AS total,
           SUM(CASE WHEN rn IN ((cnt + 1) / 2, (cnt + 2) / 2) THEN value ELSE 0 END) AS mid,
           SUM(CASE WHEN rn IN ((cnt + 1) / 2, (cnt + 2) / 2) THEN 1 ELSE 0 END) AS mid_rows
    FROM values_ GROUP BY criterion_id
)
SELECT c.id, c.code, c.label, c.label_en, c.kind, c.scale_min, c.scale_max, c.threshold,
       ax.position AS axis_position, c.position,
       stats.n, stats.total, stats.mid, stats.mid_rows, own.value AS self_value,
       own.id IS NOT NULL AS self_answered
FROM grid_criterion c
JOIN grid_axis ax ON ax.id = c.axis_id
LEFT JOIN stats ON stats.criterion_id = c.id
LEFT JOIN (
    SELECT sc.criterion_id, sc.value, sc.id FROM projects_score sc
    JOIN projects_assessment a ON a.id = sc.assessment_id
    WHERE a.project_id = %s AND a.kind = 'self' AND a.status = %s
) own ON own.criterion_id = c.id
WHERE c.version_id = %s
ORDER BY ax.position, c.position, c.code
"""


@dataclass(frozen=True)
class CriterionAnalysis:
    id: int
    code: str
    label: str
    is_core: bool
    scale_min: int
    scale_max: int
    threshold: int | None
    reviews: int  # reviewers' scores (N/A left out)
    mean: Fraction | None  # on the criterion's scale
    median: Fraction | None
    self_value: int | None  # from a submitted self-assessment only
    mean_percent: Fraction | None  # normalised × 100
    self_percent: Fraction | None
    gap: Fraction | None  # self − reviewers' mean, normalised, in points of percent

    @property
    def gate(self) -> Gate | None:
        """For a core criterion with a threshold: the reviewers' mean against it."""
        if not self.is_core or self.threshold is None:
            return None
        if self.mean is None:
            return Gate.UNASSESSED
        return Gate.PASSED if self.mean >= self.threshold else Gate.FAILED


def project_criteria(*, project) -> list[CriterionAnalysis]:
    """Per criterion of the project's grid version: the valid reviewers' mean and median, the
    holder's submitted self-assessment and the gap between them (design §4), in one query;
    exact values, rounded at display."""
    valid, params = counted_reviews_sql(project_id=project.pk)
    sql = CRITERIA_SQL.format(valid=valid)
    raw = fetch_dicts(
        sql, [*params, project.pk, AssessmentStatus.SUBMITTED, project.call.grid_version_id]
    )
    result = []
    for row in raw:
        low, span = row["scale_min"], row["scale_max"] - row["scale_min"]
        mean = Fraction(int(row["total"]), row["n"]) if row["n"] else None
        median = Fraction(int(row["mid"]), row["mid_rows"]) if row["n"] else None
        mean_percent = None if mean is None else (mean - low) * 100 / span
        self_percent = (
            None if row["self_value"] is None else Fraction(row["self_value"] - low) * 100 / span
        )
        result.append(
            CriterionAnalysis(
                id=row["id"],
                code=row["code"],
                label=in_viewer_language(row, "label"),
                is_core=row["kind"] == "core",
                scale_min=row["scale_min"],
                scale_max=row["scale_max"],
                threshold=row["threshold"],
                reviews=row["n"] or 0,
                mean=mean,
                median=median,
                self_value=row["self_value"],
                mean_percent=mean_percent,
                self_percent=self_percent,
                gap=(
                    None
                    if mean_percent is None or self_percent is None
                    else self_percent - mean_percent
                ),
            )
        )
    return result


def project_gate(criteria: list[CriterionAnalysis]) -> Gate | None:
    """The project's core gate from its criteria (the ranking's definition): failed when one
    threshold is missed, unassessed when one has no score yet, passed otherwise; None when
    the version sets no threshold."""
    gates = [criterion.gate for criterion in criteria if criterion.gate is not None]
    if not gates:
        return None
    for state in (Gate.FAILED, Gate.UNASSESSED):
        if state in gates:
            return state
    return Gate.PASSED


def project_self_figure(*, project, criteria: int) -> SelfAssessmentFigure:
    """The project's self-assessment as the ranking shows it: the total once submitted, the
    draft's progress otherwise (one query)."""
    own = (
        Assessment.objects.self_assessments()
        .filter(project=project)
        .annotate(answered=Count("scores"))
        .values("status", "total_numerator", "total_denominator", "answered")
        .first()
    )
    if own is None:
        return self_assessment_figure(None, None, 0, criteria)
    total = (
        None
        if own["total_numerator"] is None
        else Fraction(own["total_numerator"], own["total_denominator"])
    )
    return self_assessment_figure(own["status"], total, own["answered"], criteria)


REVIEWER_SCORES_SQL = """
WITH valid AS ({valid})
SELECT v.id AS assessment_id, v.author_id, u.full_name, u.email, sc.criterion_id, sc.value,
       v.exact
FROM valid v
JOIN accounts_user u ON u.id = v.author_id
JOIN projects_score sc ON sc.assessment_id = v.id
ORDER BY u.full_name, v.author_id
"""


def project_reviewer_scores(*, project) -> dict:
    """Each valid reviewer's scores on the project: {"reviewers": [{assessment_id, author_id,
    name, total, values: {criterion id: value}}]} (one query). Callers decide whether the
    viewer may see them, and under which name."""
    valid, params = counted_reviews_sql(project_id=project.pk)
    sql = REVIEWER_SCORES_SQL.format(valid=valid)
    reviewers: dict[int, dict] = {}
    for row in fetch_dicts(sql, params):
        reviewer = reviewers.setdefault(
            row["author_id"],
            {
                "assessment_id": row["assessment_id"],
                "author_id": row["author_id"],
                "name": row["full_name"] or row["email"],
                "total": fraction(row["exact"]),
                "values": {},
            },
        )
        reviewer["values"][row["criterion_id"]] = row["value"]
    return {"reviewers": list(reviewers.values())}


def project_feedback(*, project):
    """What the holder may read after the decision, per the call's feedback policy: the
    anonymised comments of the reviews that count and, in full mode, per criterion code the
    reviewers' mean (in percent of the scale) and the gap with the self-assessment, the very
    figures of the funder's project analysis (`project_criteria`)."""
    policy = project.call.feedback_policy
    comments, figures = [], {}
    if policy in (FeedbackPolicy.COMMENTS, FeedbackPolicy.FULL):
        reviews = Assessment.objects.counted_reviews().filter(project=project).order_by("pk")
        comments = [
            {
                "strengths": review.strengths,
                "weaknesses": review.weaknesses,
                "opinion": review.get_opinion_display(),
            }
            for review in reviews
        ]
    if policy == FeedbackPolicy.FULL:
        figures = {
            criterion.code: criterion
            for criterion in project_criteria(project=project)
            if criterion.reviews
        }
    return comments, figures
