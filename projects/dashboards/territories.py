"""Figures per région and département, and the territory × criterion profile (design §4).

The view chooses the calls, all on one grid version: totals given on different versions
(other criteria, weights and scales) are never averaged together."""

from dataclasses import dataclass
from fractions import Fraction

from projects.dashboards.sql import UNIT, calls_in, counted_reviews_sql, fetch_dicts
from projects.models import HIDDEN_PROJECT_STATUSES, DecisionStatus, Outcome

TERRITORY_SQL = """
WITH valid AS ({valid}),
reviewed AS (SELECT DISTINCT project_id FROM valid),
counts AS (
    SELECT p.{key} AS code, COUNT(*) AS submitted,
           SUM(CASE WHEN reviewed.project_id IS NOT NULL THEN 1 ELSE 0 END) AS assessed,
           SUM(CASE WHEN dec.outcome IS NOT NULL THEN 1 ELSE 0 END) AS decided,
           SUM(CASE WHEN dec.outcome = %s THEN 1 ELSE 0 END) AS selected,
           -- amounts in integer cents: exact sums on both databases
           SUM(CAST(ROUND(COALESCE(p.amount_requested, 0) * 100) AS BIGINT)) AS requested,
           SUM(CASE WHEN dec.outcome = %s
                    THEN CAST(ROUND(COALESCE(dec.amount_granted, 0) * 100) AS BIGINT)
                    ELSE 0 END) AS granted
    FROM projects_project p
    LEFT JOIN reviewed ON reviewed.project_id = p.id
    -- Published decisions only: a proposed one is the committee's draft.
    LEFT JOIN projects_decision dec ON dec.project_id = p.id AND dec.status = %s
    WHERE {calls} AND p.status NOT IN (%s, %s)
    GROUP BY p.{key}
)
SELECT t.code, t.name, t.population, {parent}
       COALESCE(counts.submitted, 0) AS submitted, COALESCE(counts.assessed, 0) AS assessed,
       COALESCE(counts.decided, 0) AS decided, COALESCE(counts.selected, 0) AS selected,
       COALESCE(counts.requested, 0) AS requested, COALESCE(counts.granted, 0) AS granted
FROM {table} t
LEFT JOIN counts ON counts.code = t.code
{where}
ORDER BY t.position
"""

# Each project once: the mean of its totals is Σ/n; projects are grouped by n so that the
# sums stay integers and the division is done exactly in Python.
PROJECT_MEANS_SQL = """
WITH valid AS ({valid}),
per_project AS (
    SELECT project_id, COUNT(units) AS n, SUM(units) AS s FROM valid GROUP BY project_id
)
SELECT p.{key} AS code, pp.n, COUNT(*) AS projects, SUM(pp.s) AS s
FROM per_project pp JOIN projects_project p ON p.id = pp.project_id
WHERE pp.n > 0
GROUP BY p.{key}, pp.n
"""


@dataclass(frozen=True)
class TerritoryRow:
    code: str
    name: str
    population: int
    region_code: str | None
    submitted: int  # projects submitted (drafts and withdrawn left out)
    assessed: int  # of them, with at least one review that counts
    decided: int  # with a published decision
    selected: int
    requested: Fraction  # euros requested by the submitted projects
    granted: Fraction  # euros granted to the selected projects
    scored_projects: int  # projects with at least one review total
    mean_total: Fraction | None  # mean of the projects' mean totals, each project once

    @property
    def success_rate(self) -> Fraction | None:
        """Selected ÷ decided, over the decided projects only, in [0, 1]."""
        return Fraction(self.selected, self.decided) if self.decided else None

    @property
    def per_100k(self) -> Fraction | None:
        """Submitted projects per 100,000 inhabitants."""
        return Fraction(self.submitted * 100_000, self.population) if self.population else None

    def measure(self, key: str):
        """The map's value for a measure: the exact figure (a success rate in percent)."""
        if key == "success_rate":
            rate = self.success_rate
            return None if rate is None else rate * 100
        return getattr(self, key)


# The map's measures and the decimals each is shown with.
MEASURES = {
    "submitted": 0,
    "assessed": 0,
    "decided": 0,
    "selected": 0,
    "success_rate": 1,
    "mean_total": 2,
    "per_100k": 2,
    "requested": 0,
    "granted": 0,
}


def _scope(call_ids, level, region):
    if level not in ("region", "departement"):
        raise ValueError(level)
    key = "region_id" if level == "region" else "departement_id"
    where, where_params = "", []
    if level == "departement" and region:
        where, where_params = "WHERE t.region_id = %s", [region]
    return key, where, where_params


def territory_figures(
    *, call_ids: list[int] | None, level: str, region: str = ""
) -> list[TerritoryRow]:
    """Per région or per département (optionally those of one région), over the given calls
    (all on one grid version): projects submitted, assessed, decided and selected, amounts
    requested and granted, and the mean of the projects' mean totals. Every territory
    appears, with zeros where nothing was submitted (two queries)."""
    key, where, where_params = _scope(call_ids, level, region)
    calls, call_params = calls_in("p.call_id", call_ids)
    valid, valid_params = counted_reviews_sql(call_ids=call_ids)
    sql = TERRITORY_SQL.format(
        valid=valid,
        key=key,
        calls=calls,
        parent="t.region_id AS region_code," if level == "departement" else "NULL AS region_code,",
        table="territories_region" if level == "region" else "territories_departement",
        where=where,
    )
    raw = fetch_dicts(
        sql,
        [
            *valid_params,
            Outcome.SELECTED,
            Outcome.SELECTED,
            DecisionStatus.PUBLISHED,
            *call_params,
            *HIDDEN_PROJECT_STATUSES,
            *where_params,
        ],
    )
    means: dict[str, list] = {}
    for row in fetch_dicts(PROJECT_MEANS_SQL.format(valid=valid, key=key), valid_params):
        entry = means.setdefault(row["code"], [0, Fraction(0)])
        entry[0] += row["projects"]
        entry[1] += Fraction(int(row["s"]), row["n"] * UNIT)
    return [
        TerritoryRow(
            code=row["code"],
            name=row["name"],
            population=row["population"],
            region_code=row["region_code"],
            submitted=row["submitted"],
            assessed=row["assessed"],
            decided=row["decided"],
            selected=row["selected"],
            requested=Fraction(int(row["requested"]), 100),
            granted=Fraction(int(row["granted"]), 100),
            scored_projects=means.get(row["code"], [0])[0],
            mean_total=(
                means[row["code"]][1] / means[row["code"]][0] if row["code"] in means else None
            ),
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
SELECT sums.code, c.code AS criterion, sums.total - sums.n * c.scale_min AS above_min,
       sums.n * (c.scale_max - c.scale_min) AS span
FROM sums JOIN grid_criterion c ON c.id = sums.criterion_id
WHERE c.version_id = %s
"""


def territory_criterion_heatmap(
    *, call_ids: list[int] | None, version_id: int, level: str, region: str = ""
) -> dict:
    """Mean normalised score per territory × criterion of one grid version, over the valid
    reviews of the given calls (N/A left out), in [0, 1]: {(territory code, criterion code):
    share} (one query).

    Each criterion on its own scale: Σ(v − min) / Σ(max − min) = the mean of the normalised
    values (v − min)/(max − min), exact."""
    key = "region_id" if level == "region" else "departement_id"
    where, where_params = "", []
    if level == "departement" and region:
        where, where_params = "AND v.region_id = %s", [region]
    valid, valid_params = counted_reviews_sql(call_ids=call_ids)
    sql = HEATMAP_SQL.format(valid=valid, key=key, where=where)
    return {
        (row["code"], row["criterion"]): Fraction(int(row["above_min"]), int(row["span"]))
        for row in fetch_dicts(sql, [*valid_params, *where_params, version_id])
        if row["span"]
    }
