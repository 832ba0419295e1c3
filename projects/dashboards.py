"""Dashboard aggregates (design §4, issue 7): plain data computed in the database.

Every block is one SQL statement with GROUP BY, identical on SQLite and PostgreSQL:
- only *submitted review* assessments count, never self-assessments or drafts, and never a
  reviewer whose assignment for that project is in conflict or recused;
- drafts and withdrawn projects are left out;
- the median uses ROW_NUMBER/COUNT windows (both databases have them; SQLite has no
  PERCENTILE_CONT) and the standard deviation comes from Σx and Σx² (SQLite has no STDDEV);
- totals are summed as integer hundredths, so that means, medians and deviations are exact
  Decimals on both databases instead of floats on one and numerics on the other.

Raw SQL is used where the ORM cannot express a window inside an aggregate; every value reaches
it as a query parameter and every ORDER BY column comes from a fixed whitelist.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from accounts.models import Role
from projects.models import AssignmentState, ProjectStatus
from projects.rules import organisation_ids

TWO = Decimal("0.01")
ONE = Decimal("0.1")
# A standard deviation of the totals above this many points (out of 100) flags a project whose
# reviewers disagree enough to deserve a discussion before deciding.
DISAGREEMENT_THRESHOLD = Decimal(15)
PAGE_SIZE = 50

EXCLUDED_ASSIGNMENTS = (AssignmentState.CONFLICT, AssignmentState.RECUSED)
HIDDEN_PROJECTS = (ProjectStatus.DRAFT, ProjectStatus.WITHDRAWN)

# The assessments that count: submitted reviews of visible projects, minus conflicted or
# recused reviewers. `{projects}` is a WHERE fragment on the projects table `p`.
VALID_REVIEWS = """
    SELECT a.id, a.project_id, a.author_id, a.coverage, p.region_id, p.departement_id,
           CAST(ROUND(a.total * 100) AS INTEGER) AS cents
    FROM projects_assessment a
    JOIN projects_project p ON p.id = a.project_id
    WHERE {projects}
      AND p.status NOT IN (%s, %s)
      AND a.kind = 'review' AND a.status = 'submitted' AND a.total IS NOT NULL
      AND NOT EXISTS (
        SELECT 1 FROM projects_assignment g
        WHERE g.project_id = a.project_id AND g.reviewer_id = a.author_id
          AND g.state IN (%s, %s))
"""
VALID_PARAMS = [*HIDDEN_PROJECTS, *EXCLUDED_ASSIGNMENTS]


def _rows(sql: str, params) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _cents(total, count) -> Decimal | None:
    """An exact mean of integer hundredths, rounded to two places."""
    if not count:
        return None
    return (Decimal(int(total)) / Decimal(int(count)) / 100).quantize(TWO, ROUND_HALF_UP)


def _std_dev(s1, s2, count) -> Decimal | None:
    """Population standard deviation from Σx and Σx² (in hundredths), exact until the root."""
    if not count:
        return None
    n = Decimal(int(count))
    variance = (Decimal(int(s2)) / n - (Decimal(int(s1)) / n) ** 2) / 10000
    return max(variance, Decimal(0)).sqrt().quantize(TWO, ROUND_HALF_UP)


def _round(value, places=TWO) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(places, ROUND_HALF_UP)


# --- Call ranking ---------------------------------------------------------------------------


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


def project_review_figures(*, project) -> dict:
    """One project's count, mean, median, min, max and standard deviation of the valid
    reviews' totals: the call ranking's computation, for a single project (one query)."""
    sql = PROJECT_STATS_SQL.format(valid=VALID_REVIEWS.format(projects="p.id = %s"))
    rows = _rows(sql, [project.pk, *VALID_PARAMS])
    row = rows[0] if rows else {}
    count = row.get("reviews") or 0
    return {
        "count": count,
        "mean": _cents(row.get("s1"), count),
        "median": _cents(row.get("median_cents"), row.get("median_rows")),
        "minimum": _cents(row.get("min_cents"), 1 if count else 0),
        "maximum": _cents(row.get("max_cents"), 1 if count else 0),
        "std_dev": _std_dev(row.get("s1"), row.get("s2"), count),
    }


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
    sql = RANKING_SQL.format(
        valid=VALID_REVIEWS.format(projects="p.call_id = %s"),
        filters=filters,
        order=expression,
        direction="DESC" if descending else "ASC",
    )
    page = max(int(page), 1)
    raw = _rows(
        sql,
        [
            call.pk,
            *VALID_PARAMS,
            call.grid_version_id,
            call.pk,
            *EXCLUDED_ASSIGNMENTS,
            call.pk,
            *HIDDEN_PROJECTS,
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
            mean=_cents(row["s1"], row["reviews"]),
            median=_cents(row["median_cents"], row["median_rows"]),
            minimum=_cents(row["min_cents"], 1 if row["reviews"] else 0),
            maximum=_cents(row["max_cents"], 1 if row["reviews"] else 0),
            std_dev=_std_dev(row["s1"], row["s2"], row["reviews"]),
            coverage=None if row["coverage"] is None else _round(row["coverage"] * 100, ONE),
            gate_passed=None if row["gate_failed"] is None else row["gate_failed"] == 0,
            self_total=_round(row["self_total"]),
            outcome=row["outcome"],
        )
        for row in raw
    ]
    return RankingPage(
        rows=rows, count=count, page=page, pages=max((count + page_size - 1) // page_size, 1)
    )


PROGRESS_SQL = """
WITH valid AS ({valid})
-- One assignment per (project, reviewer), one review per (project, author): plain counts.
SELECT u.id AS reviewer_id, u.full_name, u.email, COUNT(*) AS expected, COUNT(v.id) AS done
FROM projects_assignment g
JOIN projects_project p ON p.id = g.project_id
JOIN accounts_user u ON u.id = g.reviewer_id
LEFT JOIN valid v ON v.project_id = g.project_id AND v.author_id = g.reviewer_id
WHERE p.call_id = %s AND p.status NOT IN (%s, %s) AND g.state NOT IN (%s, %s)
GROUP BY u.id, u.full_name, u.email
ORDER BY u.full_name, u.id
"""


def call_progress(*, call) -> dict:
    """Assessments done / expected for the call, in total and per reviewer (one query).

    Expected: assignments still standing (not conflicted, not recused) on visible projects."""
    sql = PROGRESS_SQL.format(valid=VALID_REVIEWS.format(projects="p.call_id = %s"))
    reviewers = _rows(
        sql, [call.pk, *VALID_PARAMS, call.pk, *HIDDEN_PROJECTS, *EXCLUDED_ASSIGNMENTS]
    )
    expected = sum(row["expected"] for row in reviewers)
    done = sum(row["done"] for row in reviewers)
    return {
        "reviewers": reviewers,
        "expected": expected,
        "done": done,
        "percent": round(100 * done / expected) if expected else None,
    }


# --- Territories ----------------------------------------------------------------------------


def visible_call_ids(*, user) -> list[int] | None:
    """Calls whose figures `user` may read on the territory dashboard: the funder's own calls,
    every call for administrators (None means "no restriction")."""
    if user.is_staff:
        return None
    from projects.models import Call

    return list(
        Call.objects.filter(funder_id__in=organisation_ids(user, Role.FUNDER)).values_list(
            "pk", flat=True
        )
    )


def _calls_clause(call_ids: list[int] | None, column: str = "p.call_id"):
    if call_ids is None:
        return "1 = 1", []
    if not call_ids:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(call_ids))})", list(call_ids)


TERRITORY_SQL = """
WITH valid AS ({valid}),
review_totals AS (
    SELECT p.{key} AS code, COUNT(*) AS reviews, SUM(v.cents) AS cents
    FROM valid v JOIN projects_project p ON p.id = v.project_id
    GROUP BY p.{key}
),
counts AS (
    SELECT p.{key} AS code, COUNT(*) AS submitted,
           SUM(CASE WHEN dec.outcome = 'selected' THEN 1 ELSE 0 END) AS selected,
           SUM(CASE WHEN dec.outcome IS NOT NULL THEN 1 ELSE 0 END) AS decided
    FROM projects_project p
    LEFT JOIN projects_decision dec ON dec.project_id = p.id
    WHERE {calls} AND p.status NOT IN (%s, %s)
    GROUP BY p.{key}
)
SELECT t.code, t.name, t.population, {parent}
       COALESCE(counts.submitted, 0) AS submitted, COALESCE(counts.selected, 0) AS selected,
       COALESCE(counts.decided, 0) AS decided,
       COALESCE(review_totals.reviews, 0) AS reviews, review_totals.cents
FROM {table} t
LEFT JOIN counts ON counts.code = t.code
LEFT JOIN review_totals ON review_totals.code = t.code
{where}
ORDER BY t.position
"""


@dataclass(frozen=True)
class TerritoryRow:
    code: str
    name: str
    population: int
    region_code: str | None
    submitted: int
    selected: int
    decided: int
    reviews: int
    mean_total: Decimal | None

    @property
    def success_rate(self) -> Decimal | None:
        """Selected projects among those decided, in percent."""
        if not self.decided:
            return None
        return (Decimal(100 * self.selected) / self.decided).quantize(ONE, ROUND_HALF_UP)

    @property
    def per_100k(self) -> Decimal | None:
        if not self.population:
            return None
        return (Decimal(self.submitted * 100_000) / self.population).quantize(TWO, ROUND_HALF_UP)

    def measure(self, key: str):
        return {
            "submitted": self.submitted,
            "selected": self.selected,
            "success_rate": self.success_rate,
            "mean_total": self.mean_total,
            "per_100k": self.per_100k,
        }[key]


MEASURES = ("submitted", "selected", "success_rate", "mean_total", "per_100k")


def territory_figures(
    *, call_ids: list[int] | None, level: str, region: str = ""
) -> list[TerritoryRow]:
    """Per région or per département (optionally those of one région): projects submitted,
    selected, decided, valid reviews and their mean total, over the given calls. Every
    territory appears, with zeros where nothing was submitted (one query)."""
    if level not in ("region", "departement"):
        raise ValueError(level)
    calls, call_params = _calls_clause(call_ids)
    key = "region_id" if level == "region" else "departement_id"
    where, where_params = "", []
    if level == "departement" and region:
        where, where_params = "WHERE t.region_id = %s", [region]
    sql = TERRITORY_SQL.format(
        valid=VALID_REVIEWS.format(projects=calls),
        key=key,
        calls=calls,
        parent="t.region_id AS region_code," if level == "departement" else "NULL AS region_code,",
        table="territories_region" if level == "region" else "territories_departement",
        where=where,
    )
    raw = _rows(sql, [*call_params, *VALID_PARAMS, *call_params, *HIDDEN_PROJECTS, *where_params])
    return [
        TerritoryRow(
            code=row["code"],
            name=row["name"],
            population=row["population"],
            region_code=row["region_code"],
            submitted=row["submitted"],
            selected=row["selected"],
            decided=row["decided"],
            reviews=row["reviews"],
            mean_total=_cents(row["cents"], row["reviews"]),
        )
        for row in raw
    ]


HEATMAP_SQL = """
WITH valid AS ({valid}),
sums AS (
    -- Grouped by criterion id, without joins and with as little as possible per row: this
    -- block reads every score of the calls.
    SELECT v.{key} AS code, sc.criterion_id, SUM(sc.value) AS total, COUNT(*) AS n
    FROM valid v JOIN projects_score sc ON sc.assessment_id = v.id
    WHERE sc.value IS NOT NULL {where}
    GROUP BY v.{key}, sc.criterion_id
)
-- A criterion's scale is fixed: Σ(v − min) = Σv − n·min and Σ(max − min) = n·(max − min).
SELECT sums.code, c.code AS criterion, c.position, sums.total - sums.n * c.scale_min AS above_min,
       sums.n * (c.scale_max - c.scale_min) AS span
FROM sums JOIN grid_criterion c ON c.id = sums.criterion_id
"""


def territory_criterion_heatmap(
    *, call_ids: list[int] | None, level: str, region: str = ""
) -> dict:
    """Mean normalised score (in percent) per territory × criterion code over valid reviews
    (N/A left out). Returns {"criteria": [codes in grid order], "cells": {(code, criterion):
    percent}} (one query).

    A criterion's scale is fixed, so Σ(v − min) / Σ(max − min) is the mean of the normalised
    values, in integers on both databases. Criteria are matched by code across grid versions."""
    calls, call_params = _calls_clause(call_ids)
    key = "region_id" if level == "region" else "departement_id"
    where, where_params = "", []
    if level == "departement" and region:
        where, where_params = "AND v.region_id = %s", [region]
    sql = HEATMAP_SQL.format(valid=VALID_REVIEWS.format(projects=calls), key=key, where=where)
    positions: dict[str, int] = {}
    sums: dict[tuple[str, str], list[int]] = {}
    for row in _rows(sql, [*call_params, *VALID_PARAMS, *where_params]):
        criterion = row["criterion"]
        positions[criterion] = min(row["position"], positions.get(criterion, row["position"]))
        cell = sums.setdefault((row["code"], criterion), [0, 0])
        cell[0] += int(row["above_min"])
        cell[1] += int(row["span"])
    cells = {
        key: (Decimal(100 * above) / span).quantize(Decimal(1), ROUND_HALF_UP)
        for key, (above, span) in sums.items()
        if span
    }
    return {"criteria": sorted(positions, key=lambda c: (positions[c], c)), "cells": cells}


# --- One project ----------------------------------------------------------------------------

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
SELECT c.id, c.code, c.label, c.kind, c.scale_min, c.scale_max, c.threshold,
       ax.position AS axis_position, c.position,
       stats.n, stats.total, stats.mid, stats.mid_rows, own.value AS self_value,
       own.id IS NOT NULL AS self_answered
FROM grid_criterion c
JOIN grid_axis ax ON ax.id = c.axis_id
LEFT JOIN stats ON stats.criterion_id = c.id
LEFT JOIN (
    SELECT sc.criterion_id, sc.value, sc.id FROM projects_score sc
    JOIN projects_assessment a ON a.id = sc.assessment_id
    WHERE a.project_id = %s AND a.kind = 'self'
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
    reviews: int
    mean: Decimal | None  # on the criterion's scale
    median: Decimal | None
    self_value: int | None
    mean_percent: Decimal | None  # normalised × 100, for the bars
    self_percent: Decimal | None
    gap: Decimal | None  # self − reviewers' mean, normalised, in points of percent


def project_criteria(*, project) -> list[CriterionAnalysis]:
    """Per criterion of the project's grid version: the valid reviewers' mean and median, the
    holder's self-assessment and the gap between them (design §4), in one query."""
    sql = CRITERIA_SQL.format(valid=VALID_REVIEWS.format(projects="p.id = %s"))
    raw = _rows(sql, [project.pk, *VALID_PARAMS, project.pk, project.call.grid_version_id])
    result = []
    for row in raw:
        span = Decimal(row["scale_max"] - row["scale_min"])
        mean = (Decimal(int(row["total"])) / row["n"]) if row["n"] else None
        median = (Decimal(int(row["mid"])) / row["mid_rows"]) if row["n"] else None
        mean_percent = None if mean is None else (mean - row["scale_min"]) * 100 / span
        self_percent = (
            None
            if row["self_value"] is None
            else Decimal(row["self_value"] - row["scale_min"]) * 100 / span
        )
        gap = (
            None
            if mean_percent is None or self_percent is None
            else (self_percent - mean_percent).quantize(ONE, ROUND_HALF_UP)
        )
        result.append(
            CriterionAnalysis(
                id=row["id"],
                code=row["code"],
                label=row["label"],
                is_core=row["kind"] == "core",
                scale_min=row["scale_min"],
                scale_max=row["scale_max"],
                reviews=row["n"] or 0,
                mean=_round(mean),
                median=_round(median),
                self_value=row["self_value"],
                mean_percent=_round(mean_percent, ONE),
                self_percent=_round(self_percent, ONE),
                gap=gap,
            )
        )
    return result


REVIEWER_SCORES_SQL = """
WITH valid AS ({valid})
SELECT v.id AS assessment_id, v.author_id, u.full_name, u.email, sc.criterion_id, sc.value,
       v.cents
FROM valid v
JOIN accounts_user u ON u.id = v.author_id
JOIN projects_score sc ON sc.assessment_id = v.id
ORDER BY u.full_name, v.author_id
"""


def project_reviewer_scores(*, project) -> dict:
    """Each valid reviewer's scores on the project: {"reviewers": [{assessment_id, author_id,
    name, total, values: {criterion id: value}}]} (one query). Callers decide whether the
    viewer may see them, and under which name."""
    sql = REVIEWER_SCORES_SQL.format(valid=VALID_REVIEWS.format(projects="p.id = %s"))
    reviewers: dict[int, dict] = {}
    for row in _rows(sql, [project.pk, *VALID_PARAMS]):
        reviewer = reviewers.setdefault(
            row["author_id"],
            {
                "assessment_id": row["assessment_id"],
                "author_id": row["author_id"],
                "name": row["full_name"] or row["email"],
                "total": _cents(row["cents"], 1),
                "values": {},
            },
        )
        reviewer["values"][row["criterion_id"]] = row["value"]
    return {"reviewers": list(reviewers.values())}


# --- Reviewer calibration and criterion portfolio -------------------------------------------

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
    sql = CALIBRATION_SQL.format(valid=VALID_REVIEWS.format(projects="p.call_id = %s"))
    return [
        ReviewerCalibration(
            name=row["full_name"] or row["email"],
            reviews=row["reviews"],
            mean_total=_cents(row["cents"], row["reviews"]),
            bias=(
                (Decimal(str(row["bias_cents"])) / row["shared"] / 100).quantize(TWO, ROUND_HALF_UP)
                if row["shared"]
                else None
            ),
        )
        for row in _rows(sql, [call.pk, *VALID_PARAMS])
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
    from grid.models import Criterion

    sql = DISTRIBUTION_SQL.format(valid=VALID_REVIEWS.format(projects="p.call_id = %s"))
    counts = {
        (row["criterion_id"], row["value"]): row["scores"]
        for row in _rows(sql, [call.pk, *VALID_PARAMS])
    }
    criteria = Criterion.objects.filter(version_id=call.grid_version_id).order_by(
        "axis__position", "position", "code"
    )
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
