"""The statements that compute the summaries (`projects.models.summaries`) from raw reviews,
for one project or a whole call in one pass, set-based: the ranking's own definitions
(`ranking.REVIEW_STATS_CTES`, the core gate compared in integers), written into the table
instead of being recomputed on every page. `projects.services.summaries` runs them in the
transaction of each write; `summaries_mismatches` proves stored = recomputed."""

from projects.dashboards.ranking import REVIEW_STATS_CTES
from projects.dashboards.sql import UNIT, counted_reviews_sql, fetch_dicts, list_of
from projects.models import (
    EXCLUDED_ASSIGNMENT_STATES,
    HIDDEN_PROJECT_STATUSES,
    AssessmentStatus,
    ProjectSummary,
    ReviewerSummary,
)

PROJECT_COLUMNS = (
    "project_id",
    "call_id",
    "reviews",
    "scored",
    "sum_units",
    "min_units",
    "max_units",
    "totals",
    "scored_criteria",
    "criteria",
    "assigned",
    "gate_code",
    "self_status",
    "self_units",
    "self_answered",
    "mean_key",
    "median_key",
    "range_key",
    "variance_key",
    "coverage_key",
    "standing",
)

# Per project of one call (optionally one project of it): every column of ProjectSummary.
PROJECT_SUMMARY_SQL = (
    "WITH valid AS ({valid}),"
    + REVIEW_STATS_CTES
    + """,
gate AS (
    -- Per project, among the core criteria with a threshold: those scored by a reviewer
    -- (evaluated) and those whose reviewers' mean falls below the threshold, compared in
    -- integers (Σ values < threshold × count). CROSS JOIN fixes the order on SQLite: for a
    -- call, from the version's few threshold criteria; for one project, from its reviews
    -- (never every score of a criterion).
    SELECT project_id, COUNT(*) AS evaluated, SUM(CASE WHEN below THEN 1 ELSE 0 END) AS failed
    FROM (
        SELECT v.project_id, c.id AS criterion_id,
               SUM(sc.value) < c.threshold * COUNT(sc.value) AS below
        FROM {gate_from}
        WHERE c.version_id = %s AND c.kind = 'core' AND c.threshold IS NOT NULL
          AND sc.criterion_id = c.id AND v.id = sc.assessment_id AND sc.value IS NOT NULL
        GROUP BY v.project_id, c.id, c.threshold
    ) per_criterion
    GROUP BY project_id
),
version_ AS (
    SELECT COUNT(*) AS criteria,
           SUM(CASE WHEN kind = 'core' AND threshold IS NOT NULL THEN 1 ELSE 0 END) AS thresholds
    FROM grid_criterion WHERE version_id = %s
),
assigned AS (
    SELECT g.project_id, COUNT(*) AS assigned
    FROM projects_assignment g JOIN projects_project p ON p.id = g.project_id
    WHERE p.call_id = %s {project_filter} AND g.state NOT IN (%s, %s)
    GROUP BY g.project_id
),
standing AS (
    -- What the project adds to each reviewer's progress: "reviewer:done" per assignment
    -- still standing on a visible project (done: 1 with a review that counts, else 0).
    SELECT g.project_id,
           {standing} AS standing
    FROM projects_assignment g JOIN projects_project p ON p.id = g.project_id
    LEFT JOIN valid v ON v.project_id = g.project_id AND v.author_id = g.reviewer_id
    WHERE p.call_id = %s {project_filter} AND p.status NOT IN (%s, %s)
      AND g.state NOT IN (%s, %s)
    GROUP BY g.project_id
)
SELECT p.id AS project_id, p.call_id,
       COALESCE(stats.reviews, 0) AS reviews, COALESCE(stats.scored, 0) AS scored,
       stats.s1 AS sum_units, stats.min_units, stats.max_units,
       COALESCE(stats.totals, '') AS totals,
       COALESCE(stats.scored_criteria, 0) AS scored_criteria, version_.criteria,
       COALESCE(assigned.assigned, 0) AS assigned,
       CASE WHEN version_.thresholds = 0 THEN NULL
            WHEN COALESCE(gate.failed, 0) > 0 THEN 0
            WHEN COALESCE(gate.evaluated, 0) < version_.thresholds THEN 1
            ELSE 2 END AS gate_code,
       COALESCE(self.status, '') AS self_status,
       CASE WHEN self.status = %s THEN CAST(ROUND(self.total * {unit}) AS BIGINT)
       END AS self_units,
       CASE WHEN self.status = %s
            THEN (SELECT COUNT(*) FROM projects_score own WHERE own.assessment_id = self.id)
            ELSE 0 END AS self_answered,
       stats.s1 * 1.0 / NULLIF(stats.scored, 0) AS mean_key, middles.median_key,
       stats.max_units - stats.min_units AS range_key,
       CASE WHEN stats.scored > 1
            THEN (stats.s2 - stats.s1 * 1.0 * stats.s1 / stats.scored) / (stats.scored - 1)
       END AS variance_key,
       stats.scored_criteria * 1.0 / NULLIF(stats.reviews * version_.criteria, 0)
           AS coverage_key,
       COALESCE(standing.standing, '') AS standing
FROM projects_project p
CROSS JOIN version_
LEFT JOIN stats ON stats.project_id = p.id
LEFT JOIN middles ON middles.project_id = p.id
LEFT JOIN gate ON gate.project_id = p.id
LEFT JOIN assigned ON assigned.project_id = p.id
LEFT JOIN standing ON standing.project_id = p.id
LEFT JOIN projects_assessment self ON self.project_id = p.id AND self.kind = 'self'
WHERE p.call_id = %s {project_filter}
"""
)

REVIEWER_COLUMNS = ("call_id", "reviewer_id", "expected", "done")

# Per reviewer of one call (optionally some reviewers): assignments still standing on
# visible projects, and of them those with a review that counts (call_progress's rule).
REVIEWER_SUMMARY_SQL = """
WITH valid AS ({valid})
SELECT p.call_id, g.reviewer_id, COUNT(*) AS expected, COUNT(v.id) AS done
FROM projects_assignment g
JOIN projects_project p ON p.id = g.project_id
LEFT JOIN valid v ON v.project_id = g.project_id AND v.author_id = g.reviewer_id
WHERE p.call_id = %s AND p.status NOT IN (%s, %s) AND g.state NOT IN (%s, %s) {reviewer_filter}
GROUP BY p.call_id, g.reviewer_id
"""


def project_summary_statement(*, call_id, version_id, project_id=None) -> tuple[str, list]:
    """(SELECT, params) computing the summaries of a call's projects, or of one of them."""
    if project_id is None:
        valid, valid_params = counted_reviews_sql(call_id=call_id)
        project_filter, filter_params = "", []
    else:
        valid, valid_params = counted_reviews_sql(project_id=project_id)
        project_filter, filter_params = "AND p.id = %s", [project_id]
    sql = PROJECT_SUMMARY_SQL.format(
        valid=valid,
        totals=list_of("units"),
        standing=list_of(
            "CAST(g.reviewer_id AS TEXT) || ':' || "
            "CAST(CASE WHEN v.id IS NULL THEN 0 ELSE 1 END AS TEXT)"
        ),
        unit=UNIT,
        project_filter=project_filter,
        gate_from=(
            "grid_criterion c CROSS JOIN projects_score sc CROSS JOIN valid v"
            if project_id is None
            else "valid v CROSS JOIN projects_score sc CROSS JOIN grid_criterion c"
        ),
    )
    return sql, [
        *valid_params,
        version_id,
        version_id,
        call_id,
        *filter_params,
        *EXCLUDED_ASSIGNMENT_STATES,
        call_id,
        *filter_params,
        *HIDDEN_PROJECT_STATUSES,
        *EXCLUDED_ASSIGNMENT_STATES,
        AssessmentStatus.SUBMITTED,
        AssessmentStatus.DRAFT,
        call_id,
        *filter_params,
    ]


def reviewer_summary_statement(*, call_id, reviewer_ids=None) -> tuple[str, list]:
    """(SELECT, params) computing the summaries of a call's reviewers, or of some of them."""
    valid, valid_params = counted_reviews_sql(call_id=call_id, author_ids=reviewer_ids)
    reviewer_filter, filter_params = "", []
    if reviewer_ids is not None:
        ids = list(reviewer_ids)
        reviewer_filter = f"AND g.reviewer_id IN ({', '.join(['%s'] * len(ids))})"
        filter_params = ids
    sql = REVIEWER_SUMMARY_SQL.format(valid=valid, reviewer_filter=reviewer_filter)
    return sql, [
        *valid_params,
        call_id,
        *HIDDEN_PROJECT_STATUSES,
        *EXCLUDED_ASSIGNMENT_STATES,
        *filter_params,
    ]


def insert_statement(model, columns, select_sql: str) -> str:
    """INSERT … SELECT of `select_sql`'s rows (named as `columns`) into `model`'s table."""
    names = ", ".join(columns)
    return (
        f"INSERT INTO {model._meta.db_table} ({names}) SELECT {names} FROM ({select_sql}) computed"
    )


def _canonical(row: dict, columns) -> tuple:
    """A row compared exactly: totals as a sorted list, sort keys to 9 significant digits
    (floats: computed the same way, stored as doubles)."""
    values = []
    for column in columns:
        value = row[column]
        if column in ("totals", "standing"):
            value = tuple(sorted(value.split(","))) if value else ()
        elif column.endswith("_key") and value is not None:
            value = float(f"{float(value):.9g}")
        elif value is not None and not isinstance(value, str):
            value = int(value)
        values.append(value)
    return tuple(values)


def summaries_mismatches(*, call) -> list[str]:
    """What differs between a call's stored summaries and a recomputation from raw reviews:
    one line per project or reviewer whose row differs (empty: they all agree)."""
    problems = []
    sql, params = project_summary_statement(call_id=call.pk, version_id=call.grid_version_id)
    fresh = {
        row["project_id"]: _canonical(row, PROJECT_COLUMNS) for row in fetch_dicts(sql, params)
    }
    stored = {
        row["project_id"]: _canonical(row, PROJECT_COLUMNS)
        for row in ProjectSummary.objects.filter(call=call).values(*PROJECT_COLUMNS)
    }
    for project_id in sorted(fresh.keys() | stored.keys()):
        if fresh.get(project_id) != stored.get(project_id):
            problems.append(f"projet {project_id}")
    sql, params = reviewer_summary_statement(call_id=call.pk)
    fresh = {
        row["reviewer_id"]: _canonical(row, REVIEWER_COLUMNS) for row in fetch_dicts(sql, params)
    }
    stored = {
        row["reviewer_id"]: _canonical(row, REVIEWER_COLUMNS)
        for row in ReviewerSummary.objects.filter(call=call, expected__gt=0).values(
            *REVIEWER_COLUMNS
        )
    }
    for reviewer_id in sorted(fresh.keys() | stored.keys()):
        if fresh.get(reviewer_id) != stored.get(reviewer_id):
            problems.append(f"évaluateur {reviewer_id}")
    return problems


def standing_of(text: str) -> dict[int, tuple[int, int]]:
    """A project's `standing` column as {reviewer id: (expected, done)}."""
    result = {}
    for item in filter(None, (text or "").split(",")):
        reviewer, done = item.split(":")
        result[int(reviewer)] = (1, int(done))
    return result


# Adds a project's change to a reviewer's progress (SQLite ≥ 3.24 and PostgreSQL alike).
REVIEWER_DELTA_SQL = """
INSERT INTO projects_reviewersummary (call_id, reviewer_id, expected, done)
VALUES (%s, %s, %s, %s)
ON CONFLICT (call_id, reviewer_id) DO UPDATE
SET expected = projects_reviewersummary.expected + excluded.expected,
    done = projects_reviewersummary.done + excluded.done
"""
