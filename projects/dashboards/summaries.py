"""The statements that compute the summaries (`projects.models.summaries`) from raw reviews,
for one project or a whole call in one pass, set-based: the ranking's own definitions
(`ranking.REVIEW_STATS_CTES`, the core gate compared in integers), written into the table
instead of being recomputed on every page. `projects.services.summaries` runs them in the
transaction of each write; `summaries_mismatches` proves stored = recomputed."""

from fractions import Fraction

from projects.dashboards.contributions import (
    CRITERION_FIELDS,
    EMPTY,
    FRACTION_FIELDS,
    LEVEL_FIELDS,
    REVIEWER_FIELDS,
    TERRITORY_FIELDS,
    Contribution,
    contributions,
    totals_of,
    zeros,
)
from projects.dashboards.ranking import REVIEW_STATS_CTES
from projects.dashboards.sql import (
    EXACT_TOTAL_SQL,
    UNIT,
    counted_reviews_sql,
    fetch_dicts,
    list_of,
)
from projects.models import (
    EXCLUDED_ASSIGNMENT_STATES,
    HIDDEN_PROJECT_STATUSES,
    AssessmentStatus,
    CriterionSummary,
    LevelSummary,
    ProjectSummary,
    ReviewerSummary,
    TerritorySummary,
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
    "self_total",
    "self_answered",
    "mean_key",
    "median_key",
    "range_key",
    "variance_key",
    "coverage_key",
    "standing",
    "visible",
    "title",
    "status",
    "region_code",
    "departement_code",
    "territory_key",
    "outcome",
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
       COALESCE(CASE WHEN self.status = %s THEN {self_exact} END, '') AS self_total,
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
       COALESCE(standing.standing, '') AS standing,
       CASE WHEN p.status IN (%s, %s) THEN FALSE ELSE TRUE END AS visible,
       p.title, p.status, COALESCE(p.region_id, '') AS region_code,
       COALESCE(p.departement_id, '') AS departement_code, dep.position AS territory_key,
       decision.outcome
FROM projects_project p
CROSS JOIN version_
LEFT JOIN territories_departement dep ON dep.code = p.departement_id
LEFT JOIN projects_decision decision ON decision.project_id = p.id
LEFT JOIN stats ON stats.project_id = p.id
LEFT JOIN middles ON middles.project_id = p.id
LEFT JOIN gate ON gate.project_id = p.id
LEFT JOIN assigned ON assigned.project_id = p.id
LEFT JOIN standing ON standing.project_id = p.id
LEFT JOIN projects_assessment self ON self.project_id = p.id AND self.kind = 'self'
WHERE p.call_id = %s {project_filter}
"""
)

# Per reviewer of one call: assignments still standing on visible projects, and of them
# those with a review that counts (call_progress's rule).
PROGRESS_SQL = """
WITH valid AS ({valid})
SELECT g.reviewer_id, COUNT(*) AS expected, COUNT(v.id) AS done
FROM projects_assignment g
JOIN projects_project p ON p.id = g.project_id
LEFT JOIN valid v ON v.project_id = g.project_id AND v.author_id = g.reviewer_id
WHERE p.call_id = %s AND p.status NOT IN (%s, %s) AND g.state NOT IN (%s, %s)
GROUP BY g.reviewer_id
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
        totals=list_of("exact"),
        self_exact=EXACT_TOTAL_SQL.format(prefix="self."),
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
        AssessmentStatus.SUBMITTED,
        AssessmentStatus.DRAFT,
        *HIDDEN_PROJECT_STATUSES,
        call_id,
        *filter_params,
    ]


def progress_rows(*, call_id) -> list[tuple[int, int, int]]:
    """(reviewer id, assignments expected, reviews done) of a call's reviewers."""
    valid, valid_params = counted_reviews_sql(call_id=call_id)
    params = [*valid_params, call_id, *HIDDEN_PROJECT_STATUSES, *EXCLUDED_ASSIGNMENT_STATES]
    return [
        (row["reviewer_id"], row["expected"], row["done"])
        for row in fetch_dicts(PROGRESS_SQL.format(valid=valid), params)
    ]


def insert_statement(model, columns, select_sql: str) -> str:
    """INSERT … SELECT of `select_sql`'s rows (named as `columns`) into `model`'s table."""
    names = ", ".join(columns)
    return (
        f"INSERT INTO {model._meta.db_table} ({names}) SELECT {names} FROM ({select_sql}) computed"
    )


def _canonical(row: dict, columns) -> tuple:
    """A row compared exactly: lists as sorted lists, sort keys to 9 significant digits
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


PROGRESS_FIELDS = ("expected", "done")

# Each call-wide table: its key columns after the call, and the columns it sums.
TABLES = {
    "reviewers": (ReviewerSummary, ("reviewer_id",), PROGRESS_FIELDS + REVIEWER_FIELDS),
    "territories": (TerritorySummary, ("region_code", "departement_code"), TERRITORY_FIELDS),
    "criteria": (
        CriterionSummary,
        ("region_code", "departement_code", "criterion_id"),
        CRITERION_FIELDS,
    ),
    "levels": (LevelSummary, ("criterion_id", "level"), LEVEL_FIELDS),
}


def key_of(key) -> tuple:
    return key if isinstance(key, tuple) else (key,)


def with_progress(progress: dict, calibration: dict) -> dict:
    """The reviewers' rows (`TABLES["reviewers"]`): each reviewer's progress (expected,
    done) followed by its calibration sums, either one absent counted as nothing."""
    rows = {reviewer_id: (*pair, *zeros(REVIEWER_FIELDS)) for reviewer_id, pair in progress.items()}
    for reviewer_id, values in calibration.items():
        rows[reviewer_id] = (*progress.get(reviewer_id, (0, 0)), *values)
    return rows


def call_totals(*, call_id: int, parts: dict) -> dict[str, dict]:
    """The call-wide rows of a call, from its projects' contributions and its reviewers'
    progress (one statement): {table name: {key: values in the table's column order}}."""
    totals = totals_of(parts.values())
    progress = {
        reviewer_id: (expected, done)
        for reviewer_id, expected, done in progress_rows(call_id=call_id)
    }
    totals["reviewers"] = with_progress(progress, totals["reviewers"])
    return totals


def _stored_rows(model, call, keys, fields) -> dict:
    rows = {}
    for row in model.objects.filter(call=call).values_list(*keys, *fields):
        key = row[: len(keys)]
        values = tuple(
            Fraction(value) if field in FRACTION_FIELDS else value
            for field, value in zip(fields, row[len(keys) :], strict=True)
        )
        if any(values):
            rows[key if len(keys) > 1 else key[0]] = values
    return rows


def summaries_mismatches(*, call) -> list[str]:
    """What differs between a call's stored summaries and a recomputation from raw rows: one
    line per project, reviewer, territory or criterion row that differs (empty: they agree)."""
    problems = []
    sql, params = project_summary_statement(call_id=call.pk, version_id=call.grid_version_id)
    fresh = {
        row["project_id"]: _canonical(row, PROJECT_COLUMNS) for row in fetch_dicts(sql, params)
    }
    stored, kept = {}, {}
    for row in ProjectSummary.objects.filter(call=call).values(*PROJECT_COLUMNS, "contributions"):
        stored[row["project_id"]] = _canonical(row, PROJECT_COLUMNS)
        kept[row["project_id"]] = Contribution.from_json(row["contributions"])
    parts = contributions(call_id=call.pk)
    for project_id in sorted(fresh.keys() | stored.keys()):
        if fresh.get(project_id) != stored.get(project_id) or parts.get(
            project_id, EMPTY
        ) != kept.get(project_id, EMPTY):
            problems.append(f"projet {project_id}")
    labels = {
        "reviewers": "évaluateur",
        "territories": "territoire",
        "criteria": "critère",
        "levels": "niveau",
    }
    for name, rows in call_totals(call_id=call.pk, parts=parts).items():
        model, keys, fields = TABLES[name]
        rows = {key: values for key, values in rows.items() if any(values)}
        kept_rows = _stored_rows(model, call, keys, fields)
        for key in sorted(rows.keys() | kept_rows.keys(), key=str):
            if rows.get(key) != kept_rows.get(key):
                problems.append(f"{labels[name]} {key}")
    return problems


def standing_of(text: str) -> dict[int, tuple[int, int]]:
    """A project's `standing` column as {reviewer id: (expected, done)}."""
    result = {}
    for item in filter(None, (text or "").split(",")):
        reviewer, done = item.split(":")
        result[int(reviewer)] = (1, int(done))
    return result
