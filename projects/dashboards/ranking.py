"""The call's ranking: each project's review figures, sorted, filtered and paginated in SQL,
and one project's figures from the same definitions."""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from projects.dashboards.sql import (
    counted_reviews_sql,
    fetch_dicts,
    fraction,
    fractions,
    list_of,
)
from projects.models import (
    AssessmentStatus,
    ProjectStatus,
)
from projects.models.summaries import SORT_KEYS, ProjectSummary
from projects.statistics import Spread

# Reviewers whose highest and lowest totals are this many points apart (out of 100) or more
# disagree enough to deserve a discussion before deciding: two reviewers at 40 and 60 are.
DISAGREEMENT_RANGE = Decimal(20)
PAGE_SIZE = 50


class Gate(TextChoices):
    """The core gate (design §4): every core criterion with a threshold has a reviewers' mean
    at or above it (passed), one is below (failed), or one has no reviewer score at all."""

    PASSED = "passed", _("Atteints")
    FAILED = "failed", _("Non atteints")
    UNASSESSED = "unassessed", _("Non évalués")


# The SQL value of each state (ordering: failed, then unassessed, then passed).
_GATE_CODES = {0: Gate.FAILED, 1: Gate.UNASSESSED, 2: Gate.PASSED}


@dataclass(frozen=True)
class SelfAssessmentFigure:
    """The project's self-assessment as a figure: its total once submitted, otherwise how
    far the draft has gone ("brouillon (7/17 critères)"), or nothing."""

    status: str | None
    total: Fraction | None
    answered: int
    criteria: int

    @property
    def is_submitted(self) -> bool:
        return self.status == AssessmentStatus.SUBMITTED

    @property
    def is_draft(self) -> bool:
        return self.status == AssessmentStatus.DRAFT


@dataclass(frozen=True)
class ReviewFigures:
    """The figures of a project's reviews that count: `reviews` done (all-"sans objet" ones
    included), and the spread of the totals of those that have one."""

    reviews: int
    totals: Spread

    @property
    def without_total(self) -> int:
        """Reviews done whose criteria are all "sans objet": no total to count."""
        return self.reviews - self.totals.count

    @property
    def disagreement(self) -> bool:
        spread = self.totals.range
        return spread is not None and spread >= DISAGREEMENT_RANGE

    @classmethod
    def of(cls, reviews: int, totals: str | None) -> "ReviewFigures":
        """From the exact totals gathered as text ("n/d,n/d,…")."""
        return cls(reviews=reviews, totals=Spread.of(fractions(totals)))


@dataclass(frozen=True)
class RankingRow:
    project_id: int
    title: str
    status: str
    departement_code: str | None
    departement_name: str | None
    region_name: str | None
    figures: ReviewFigures
    assigned: int
    coverage: Fraction | None  # mean share of the version's criteria scored, in [0, 1]
    gate: Gate | None  # None: the version sets no threshold on a core criterion
    self_assessment: SelfAssessmentFigure
    outcome: str | None
    corrected_rank: int | None = None

    def get_status_display(self) -> str:
        return ProjectStatus(self.status).label


# Sort keys of the call dashboard → a column of the projects' summaries (see RANKING_SQL),
# each with an index per direction (`ProjectSummary.Meta.indexes`).
RANKING_ORDER = {
    **SORT_KEYS,
    # Only with `corrected_ranks` (the judgement panel's corrected ranking, switched on
    # explicitly by the funder): ascending rank is best first.
    "corrected": "corrected_rank",
}

# Per project: reviews done, totals (count, Σ, min, max, the list) and the middle rows of
# the totals (for sorting by median), in units (sort keys) and exactly (the list, "n/d");
# shared by the ranking and one project.
REVIEW_STATS_CTES = """
ranked AS (
    SELECT project_id, units,
           ROW_NUMBER() OVER (PARTITION BY project_id ORDER BY units) AS rn,
           COUNT(*) OVER (PARTITION BY project_id) AS cnt
    FROM valid WHERE units IS NOT NULL
),
middles AS (
    -- the middle row (odd count) or the two middle rows (even count)
    SELECT project_id, SUM(units) * 1.0 / COUNT(*) AS median_key
    FROM ranked WHERE rn IN ((cnt + 1) / 2, (cnt + 2) / 2)
    GROUP BY project_id
),
stats AS (
    SELECT project_id, COUNT(*) AS reviews, COUNT(units) AS scored,
           SUM(units) AS s1, SUM(units * 1.0 * units) AS s2,
           MIN(units) AS min_units, MAX(units) AS max_units,
           SUM(scored_count) AS scored_criteria, {totals} AS totals
    FROM valid GROUP BY project_id
)
"""

# The ranking reads the projects' summaries (`projects.models.summaries`, maintained on
# write from the statements of `dashboards.summaries`), never the reviews nor the projects:
# the page is an index range of the call's summary rows in the sort key's order (projects
# without a value last, then by project), so a page costs the same whatever the call's size
# and the last page what the first does; the territories' names are joined to its rows only.
RANKING_SQL = """
SELECT page.*, d.name AS departement_name, r.name AS region_name
FROM (
    SELECT {columns}{extra_page_column}
    FROM (
        -- The page's projects alone, read from the sort key's index (index-only: the rows
        -- skipped before the page are never read), then their rows by primary key.
        SELECT s.project_id{extra_column}
        FROM projects_projectsummary s {extra_join}
        WHERE s.call_id = %s AND s.visible {filters}
        ORDER BY ({order} IS NULL){nulls}, {order} {inner_direction}, s.project_id{tie}
        LIMIT %s OFFSET %s
    ) keys
    JOIN projects_projectsummary s ON s.project_id = keys.project_id
) page
LEFT JOIN territories_departement d ON d.code = page.departement_code
LEFT JOIN territories_region r ON r.code = page.region_code
ORDER BY ({page_order} IS NULL), {page_order} {direction}, page.project_id
"""

# What a page reads of each summary row: never the contributions or the standing, the
# long texts only writes need.
RANKING_COLUMNS = ", ".join(
    f"s.{column}"
    for column in dict.fromkeys(
        (
            "project_id",
            "title",
            "status",
            "region_code",
            "departement_code",
            "reviews",
            "assigned",
            "totals",
            "scored_criteria",
            "criteria",
            "gate_code",
            "self_status",
            "self_total",
            "self_answered",
            "outcome",
            *SORT_KEYS.values(),
        )
    )
)

# The number of projects the filters keep, from the same rows (an index-only count).
RANKING_COUNT_SQL = """
SELECT COUNT(*) AS projects FROM projects_projectsummary s
WHERE s.call_id = %s AND s.visible {filters}
"""


PROJECT_STATS_SQL = (
    "WITH valid AS ({valid})," + REVIEW_STATS_CTES + "SELECT reviews, totals FROM stats"
)


def project_aggregate(*, project) -> ReviewFigures:
    """One project's review figures (reviews done; count, mean, median, min, max, range and
    sample standard deviation of the totals): the call ranking's definitions, for a single
    project, so that every page shows the same figures. Read from the project's summary,
    maintained on write with the same statement (one read by key); computed from the
    reviews for a project that has none yet."""
    found = (
        ProjectSummary.objects.filter(project_id=project.pk)
        .values_list("reviews", "totals")
        .first()
    )
    if found is None:
        valid, params = counted_reviews_sql(project_id=project.pk)
        rows = fetch_dicts(PROJECT_STATS_SQL.format(valid=valid, totals=list_of("exact")), params)
        row = rows[0] if rows else {}
        found = (row.get("reviews") or 0, row.get("totals"))
    return ReviewFigures.of(*found)


@dataclass(frozen=True)
class RankingPage:
    rows: list[RankingRow]
    count: int
    page: int
    pages: int


def self_assessment_figure(status, total, answered, criteria) -> SelfAssessmentFigure:
    return SelfAssessmentFigure(
        status=status or None,
        total=total if status == AssessmentStatus.SUBMITTED else None,
        answered=(answered or 0) if status == AssessmentStatus.DRAFT else 0,
        criteria=criteria or 0,
    )


def call_ranking(
    *,
    call,
    order: str = "mean",
    descending: bool = True,
    territory: str = "",
    status: str = "",
    outcome: str = "",
    page: int = 1,
    page_size: int | None = PAGE_SIZE,
    corrected_ranks: dict[int, int] | None = None,
    project_ids=None,
) -> RankingPage:
    """The call's projects with their review figures, sorted, filtered and paginated in SQL.

    `territory` is a région or département code; `outcome` a decision outcome or "none" for
    projects without a decision. Two queries (the page, the count) whatever the number of
    projects.

    `corrected_ranks` ({project id: rank}) joins the judgement panel's corrected ranking as
    the `corrected` column and sort key; it never changes the raw figures.

    `project_ids` (a queryset of project ids, e.g. a search's) keeps those projects only.

    `page_size` None: every project the filters keep, on one page.

    Reads the projects' summaries, maintained on write, through an index per sort key and
    direction: the cost grows neither with the number of reviews nor with the page's
    position."""
    filters, params = "", []
    if project_ids is not None:
        subquery, subquery_params = project_ids.query.sql_with_params()
        filters += f" AND s.project_id IN ({subquery})"
        params += list(subquery_params)
    if territory:
        filters += " AND (s.region_code = %s OR s.departement_code = %s)"
        params += [territory, territory]
    if status:
        filters += " AND s.status = %s"
        params.append(status)
    if outcome == "none":
        filters += " AND s.outcome IS NULL"
    elif outcome:
        filters += " AND s.outcome = %s"
        params.append(outcome)
    if order == "corrected" and not corrected_ranks:
        order = "mean"
    column = RANKING_ORDER.get(order, RANKING_ORDER["mean"])
    extra_join, extra_column, extra_page_column, extra_params = "", "", "", []
    if corrected_ranks:
        # VALUES columns are column1, column2 on both SQLite and PostgreSQL.
        rows = ", ".join(["(%s, %s)"] * len(corrected_ranks))
        extra_join = f"LEFT JOIN (VALUES {rows}) corrected ON corrected.column1 = s.project_id"
        extra_column = ", corrected.column2 AS corrected_rank"
        extra_page_column = ", keys.corrected_rank"
        extra_params = [value for pair in corrected_ranks.items() for value in pair]
    counted = fetch_dicts(RANKING_COUNT_SQL.format(filters=filters), [call.pk, *params])
    count = counted[0]["projects"] if counted else 0
    page_size = page_size or max(count, 1)
    page = max(int(page), 1)
    offset, limit = (page - 1) * page_size, page_size
    # Past the middle, the page is read from the other end of the same index (walked
    # backwards), so that the last page costs what the first does; the outer ORDER BY puts
    # its rows back in the ranking's order.
    backwards = count > offset > count // 2
    if backwards:
        end = min(offset + page_size, count)
        offset, limit = count - end, end - offset
    sql = RANKING_SQL.format(
        columns=RANKING_COLUMNS,
        filters=filters,
        extra_join=extra_join,
        extra_column=extra_column,
        extra_page_column=extra_page_column,
        order="corrected.column2" if column == "corrected_rank" else f"s.{column}",
        page_order=f"page.{column}",
        direction="DESC" if descending else "ASC",
        inner_direction="DESC" if descending != backwards else "ASC",
        nulls=" DESC" if backwards else "",
        tie=" DESC" if backwards else "",
    )
    raw = fetch_dicts(sql, [*extra_params, call.pk, *params, limit, offset])
    rows = [
        RankingRow(
            project_id=row["project_id"],
            title=row["title"],
            status=row["status"],
            departement_code=row["departement_code"] or None,
            departement_name=row["departement_name"],
            region_name=row["region_name"],
            figures=ReviewFigures.of(row["reviews"], row["totals"]),
            assigned=row["assigned"],
            coverage=(
                Fraction(int(row["scored_criteria"]), row["reviews"] * int(row["criteria"]))
                if row["reviews"] and row["criteria"]
                else None
            ),
            gate=None if row["gate_code"] is None else _GATE_CODES[int(row["gate_code"])],
            self_assessment=self_assessment_figure(
                row["self_status"],
                fraction(row["self_total"]),
                row["self_answered"],
                row["criteria"],
            ),
            outcome=row["outcome"],
            corrected_rank=row.get("corrected_rank"),
        )
        for row in raw
    ]
    return RankingPage(
        rows=rows, count=count, page=page, pages=max((count + page_size - 1) // page_size, 1)
    )
