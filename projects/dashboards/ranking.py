"""The call's ranking: each project's review figures, sorted, filtered and paginated in SQL,
and one project's figures from the same statement."""

from dataclasses import dataclass
from decimal import Decimal

from projects.dashboards.sql import (
    ONE,
    cents_mean,
    counted_reviews_sql,
    fetch_dicts,
    rounded,
    std_dev,
)
from projects.models import EXCLUDED_ASSIGNMENT_STATES, HIDDEN_PROJECT_STATUSES, ProjectStatus

# A standard deviation of the totals above this many points (out of 100) flags a project whose
# reviewers disagree enough to deserve a discussion before deciding.
DISAGREEMENT_THRESHOLD = Decimal(15)
PAGE_SIZE = 50


@dataclass(frozen=True)
class RankingRow:
    project_id: int
    title: str
    status: str
    departement_code: str | None
    departement_name: str | None
    region_name: str | None
    reviews: int
    assigned: int
    mean: Decimal | None
    median: Decimal | None
    minimum: Decimal | None
    maximum: Decimal | None
    std_dev: Decimal | None
    coverage: Decimal | None  # mean share of criteria scored, in percent
    gate_passed: bool | None  # None: no review yet
    self_total: Decimal | None
    outcome: str | None

    @property
    def disagreement(self) -> bool:
        return self.std_dev is not None and self.std_dev >= DISAGREEMENT_THRESHOLD

    def get_status_display(self) -> str:
        return ProjectStatus(self.status).label


# Sort keys of the call dashboard → SQL expression over the final SELECT's columns.
RANKING_ORDER = {
    # Column expressions, not output aliases: PostgreSQL accepts an alias in ORDER BY only
    # when it stands alone, not inside an expression such as "(x) IS NULL".
    "title": "p.title",
    "status": "p.status",
    "territory": "d.position",
    "reviews": "COALESCE(stats.reviews, 0)",
    "assigned": "COALESCE(assigned.assigned, 0)",
    "mean": "stats.s1 * 1.0 / stats.reviews",
    "median": "stats.median_cents * 1.0 / stats.median_rows",
    "min": "stats.min_cents",
    "max": "stats.max_cents",
    "std_dev": "stats.s2 * 1.0 / stats.reviews"
    " - (stats.s1 * 1.0 / stats.reviews) * (stats.s1 * 1.0 / stats.reviews)",
    "coverage": "cover.coverage",
    "gate": "CASE WHEN stats.reviews IS NULL THEN NULL ELSE COALESCE(gate.failed, 0) END",
    "self": "self.total",
    "outcome": "dec.outcome",
}

# Count, Σ, Σ², min, max and median of the valid reviews' totals per project, in integer
# hundredths; shared by the ranking and by one project's figures.
REVIEW_STATS_CTES = """
ranked AS (
    SELECT project_id, cents,
           ROW_NUMBER() OVER (PARTITION BY project_id ORDER BY cents) AS rn,
           COUNT(*) OVER (PARTITION BY project_id) AS cnt
    FROM valid
),
stats AS (
    SELECT project_id, COUNT(*) AS reviews, SUM(cents) AS s1, SUM(cents * cents) AS s2,
           MIN(cents) AS min_cents, MAX(cents) AS max_cents,
           -- the middle row (odd count) or the two middle rows (even count)
           SUM(CASE WHEN rn IN ((cnt + 1) / 2, (cnt + 2) / 2) THEN cents ELSE 0 END)
               AS median_cents,
           SUM(CASE WHEN rn IN ((cnt + 1) / 2, (cnt + 2) / 2) THEN 1 ELSE 0 END) AS median_rows
    FROM ranked GROUP BY project_id
)
"""

RANKING_SQL = (
    """
WITH valid AS ({valid}),"""
    + REVIEW_STATS_CTES
    + """,
cover AS (
    SELECT project_id, AVG(coverage) AS coverage FROM valid GROUP BY project_id
),
gate AS (
    -- Core criteria with a threshold whose reviewers' mean falls below it, compared in
    -- integers (Σ values < threshold × count). Driven from the version's few threshold
    -- criteria (CROSS JOIN fixes that order on SQLite), never a scan of every score.
    SELECT project_id, SUM(CASE WHEN below THEN 1 ELSE 0 END) AS failed
    FROM (
        SELECT v.project_id, c.id AS criterion_id,
               SUM(sc.value) < c.threshold * COUNT(sc.value) AS below
        FROM grid_criterion c
        CROSS JOIN projects_score sc
        CROSS JOIN valid v
        WHERE c.version_id = %s AND c.kind = 'core' AND c.threshold IS NOT NULL
          AND sc.criterion_id = c.id AND v.id = sc.assessment_id AND sc.value IS NOT NULL
        GROUP BY v.project_id, c.id, c.threshold
    ) per_criterion
    GROUP BY project_id
),
assigned AS (
    SELECT g.project_id, COUNT(*) AS assigned
    FROM projects_assignment g JOIN projects_project p ON p.id = g.project_id
    WHERE p.call_id = %s AND g.state NOT IN (%s, %s)
    GROUP BY g.project_id
)
SELECT p.id AS project_id, p.title, p.status, d.code AS departement_code,
       d.name AS departement_name, r.name AS region_name,
       COALESCE(stats.reviews, 0) AS reviews, COALESCE(assigned.assigned, 0) AS assigned,
       stats.s1, stats.s2, stats.min_cents, stats.max_cents, stats.median_cents,
       stats.median_rows, cover.coverage,
       CASE WHEN stats.reviews IS NULL THEN NULL ELSE COALESCE(gate.failed, 0) END
           AS gate_failed,
       self.total AS self_total, dec.outcome,
       COUNT(*) OVER () AS full_count
FROM projects_project p
LEFT JOIN territories_departement d ON d.code = p.departement_id
LEFT JOIN territories_region r ON r.code = p.region_id
LEFT JOIN stats ON stats.project_id = p.id
LEFT JOIN cover ON cover.project_id = p.id
LEFT JOIN gate ON gate.project_id = p.id
LEFT JOIN assigned ON assigned.project_id = p.id
LEFT JOIN projects_assessment self ON self.project_id = p.id AND self.kind = 'self'
LEFT JOIN projects_decision dec ON dec.project_id = p.id
WHERE p.call_id = %s AND p.status NOT IN (%s, %s) {filters}
ORDER BY ({order}) IS NULL, {order} {direction}, p.id
LIMIT %s OFFSET %s
"""
)


PROJECT_STATS_SQL = (
    "WITH valid AS ({valid}),"
    + REVIEW_STATS_CTES
    + "SELECT reviews, s1, s2, min_cents, max_cents, median_cents, median_rows FROM stats"
)


@dataclass(frozen=True)
class ProjectAggregate:
    count: int
    mean: Decimal | None
    median: Decimal | None
    minimum: Decimal | None
    maximum: Decimal | None
    stdev: Decimal | None


def project_aggregate(*, project) -> ProjectAggregate:
    """One project's count, mean, median, min, max and standard deviation of the totals of
    the reviews that count: the call ranking's computation, for a single project (one
    query), so that every page shows the same figures."""
    valid, params = counted_reviews_sql(project_id=project.pk)
    found = fetch_dicts(PROJECT_STATS_SQL.format(valid=valid), params)
    row = found[0] if found else {}
    count = row.get("reviews") or 0
    return ProjectAggregate(
        count=count,
        mean=cents_mean(row.get("s1"), count),
        median=cents_mean(row.get("median_cents"), row.get("median_rows")),
        minimum=cents_mean(row.get("min_cents"), 1 if count else 0),
        maximum=cents_mean(row.get("max_cents"), 1 if count else 0),
        # One review has no spread to speak of: shown as "—" rather than 0.
        stdev=std_dev(row.get("s1"), row.get("s2"), count) if count > 1 else None,
    )


@dataclass(frozen=True)
class RankingPage:
    rows: list[RankingRow]
    count: int
    page: int
    pages: int


def call_ranking(
    *,
    call,
    order: str = "mean",
    descending: bool = True,
    territory: str = "",
    status: str = "",
    outcome: str = "",
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> RankingPage:
    """The call's projects with their review aggregates, sorted, filtered and paginated in SQL.

    `territory` is a région or département code; `outcome` a decision outcome or "none" for
    projects without a decision. One query whatever the number of projects."""
    filters, params = "", []
    if territory:
        filters += " AND (p.region_id = %s OR p.departement_id = %s)"
        params += [territory, territory]
    if status:
        filters += " AND p.status = %s"
        params.append(status)
    if outcome == "none":
        filters += " AND dec.outcome IS NULL"
    elif outcome:
        filters += " AND dec.outcome = %s"
        params.append(outcome)
    expression = RANKING_ORDER.get(order, RANKING_ORDER["mean"])
    valid, valid_params = counted_reviews_sql(call_id=call.pk)
    sql = RANKING_SQL.format(
        valid=valid,
        filters=filters,
        order=expression,
        direction="DESC" if descending else "ASC",
    )
    page = max(int(page), 1)
    raw = fetch_dicts(
        sql,
        [
            *valid_params,
            call.grid_version_id,
            call.pk,
            *EXCLUDED_ASSIGNMENT_STATES,
            call.pk,
            *HIDDEN_PROJECT_STATUSES,
            *params,
            page_size,
            (page - 1) * page_size,
        ],
    )
    count = raw[0]["full_count"] if raw else 0
    rows = [
        RankingRow(
            project_id=row["project_id"],
            title=row["title"],
            status=row["status"],
            departement_code=row["departement_code"],
            departement_name=row["departement_name"],
            region_name=row["region_name"],
            reviews=row["reviews"],
            assigned=row["assigned"],
            mean=cents_mean(row["s1"], row["reviews"]),
            median=cents_mean(row["median_cents"], row["median_rows"]),
            minimum=cents_mean(row["min_cents"], 1 if row["reviews"] else 0),
            maximum=cents_mean(row["max_cents"], 1 if row["reviews"] else 0),
            std_dev=std_dev(row["s1"], row["s2"], row["reviews"]),
            coverage=None if row["coverage"] is None else rounded(row["coverage"] * 100, ONE),
            gate_passed=None if row["gate_failed"] is None else row["gate_failed"] == 0,
            self_total=rounded(row["self_total"]),
            outcome=row["outcome"],
        )
        for row in raw
    ]
    return RankingPage(
        rows=rows, count=count, page=page, pages=max((count + page_size - 1) // page_size, 1)
    )
