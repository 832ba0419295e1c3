"""Figures per région and département, and the territory × criterion profile (design §4).

The view chooses the calls, all on one grid version: totals given on different versions
(other criteria, weights and scales) are never averaged together."""

from dataclasses import dataclass
from fractions import Fraction

from projects.dashboards.sql import calls_in, fetch_dicts, fractions, list_of

# The territories of a level, each with the sums of its call × territory summaries (rows
# maintained on write, `projects.models.summaries`): a few rows per call, whatever the
# number of projects.
TERRITORY_SQL = """
WITH sums AS (
    SELECT {key} AS code, SUM(submitted) AS submitted, SUM(assessed) AS assessed,
           SUM(decided) AS decided, SUM(selected) AS selected,
           SUM(requested_cents) AS requested, SUM(granted_cents) AS granted,
           SUM(scored_projects) AS scored_projects, {means} AS means
    FROM projects_territorysummary
    WHERE {calls} AND {key} <> ''
    GROUP BY {key}
)
SELECT t.code, t.name, t.population, {parent}
       COALESCE(sums.submitted, 0) AS submitted, COALESCE(sums.assessed, 0) AS assessed,
       COALESCE(sums.decided, 0) AS decided, COALESCE(sums.selected, 0) AS selected,
       COALESCE(sums.requested, 0) AS requested, COALESCE(sums.granted, 0) AS granted,
       COALESCE(sums.scored_projects, 0) AS scored_projects, sums.means
FROM {table} t
LEFT JOIN sums ON sums.code = t.code
{where}
ORDER BY t.position
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


def _summary_key(level: str) -> str:
    """The territory summaries' column of a level: its région or its département code."""
    if level not in ("region", "departement"):
        raise ValueError(level)
    return "region_code" if level == "region" else "departement_code"


def territory_figures(
    *, call_ids: list[int] | None, level: str, region: str = ""
) -> list[TerritoryRow]:
    """Per région or per département (optionally those of one région), over the given calls
    (all on one grid version): projects submitted, assessed, decided and selected, amounts
    requested and granted, and the mean of the projects' mean totals (each project once).
    Every territory appears, with zeros where nothing was submitted. One query over the
    calls' territory summaries."""
    key = _summary_key(level)
    where, where_params = "", []
    if level == "departement" and region:
        where, where_params = "WHERE t.region_id = %s", [region]
    calls, call_params = calls_in("call_id", call_ids)
    sql = TERRITORY_SQL.format(
        key=key,
        means=list_of("mean_sum"),
        calls=calls,
        parent="t.region_id AS region_code," if level == "departement" else "NULL AS region_code,",
        table="territories_region" if level == "region" else "territories_departement",
        where=where,
    )
    rows = []
    for row in fetch_dicts(sql, [*call_params, *where_params]):
        scored = int(row["scored_projects"])
        means = sum(fractions(row["means"]), Fraction(0))
        rows.append(
            TerritoryRow(
                code=row["code"],
                name=row["name"],
                population=row["population"],
                region_code=row["region_code"],
                submitted=int(row["submitted"]),
                assessed=int(row["assessed"]),
                decided=int(row["decided"]),
                selected=int(row["selected"]),
                requested=Fraction(int(row["requested"]), 100),
                granted=Fraction(int(row["granted"]), 100),
                scored_projects=scored,
                mean_total=means / scored if scored else None,
            )
        )
    return rows


# Per territory × criterion of one version, from the calls' criterion summaries (a few rows
# per call and territory). A criterion's scale is fixed: Σ(v − min) = Σv − n·min and
# Σ(max − min) = n·(max − min).
HEATMAP_SQL = """
SELECT cs.{key} AS code, c.code AS criterion,
       SUM(cs.value_sum) - SUM(cs.scores) * c.scale_min AS above_min,
       SUM(cs.scores) * (c.scale_max - c.scale_min) AS span
FROM projects_criterionsummary cs JOIN grid_criterion c ON c.id = cs.criterion_id
WHERE {calls} AND c.version_id = %s AND cs.{key} <> '' {where}
GROUP BY cs.{key}, c.code, c.scale_min, c.scale_max
"""


def territory_criterion_heatmap(
    *, call_ids: list[int] | None, version_id: int, level: str, region: str = ""
) -> dict:
    """Mean normalised score per territory × criterion of one grid version, over the valid
    reviews of the given calls (N/A left out), in [0, 1]: {(territory code, criterion code):
    share} (one query).

    Each criterion on its own scale: Σ(v − min) / Σ(max − min) = the mean of the normalised
    values (v − min)/(max − min), exact."""
    key = _summary_key(level)
    where, where_params = "", []
    if level == "departement" and region:
        where, where_params = "AND cs.region_code = %s", [region]
    calls, call_params = calls_in("cs.call_id", call_ids)
    sql = HEATMAP_SQL.format(key=key, calls=calls, where=where)
    return {
        (row["code"], row["criterion"]): Fraction(int(row["above_min"]), int(row["span"]))
        for row in fetch_dicts(sql, [*call_params, version_id, *where_params])
        if row["span"]
    }
