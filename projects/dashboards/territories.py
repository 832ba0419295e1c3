"""Figures per région and département, and the territory × criterion heatmap."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from projects.dashboards.sql import (
    ONE,
    TWO,
    calls_in,
    cents_mean,
    counted_reviews_sql,
    fetch_dicts,
)
from projects.models import HIDDEN_PROJECT_STATUSES

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
    calls, call_params = calls_in("p.call_id", call_ids)
    key = "region_id" if level == "region" else "departement_id"
    where, where_params = "", []
    if level == "departement" and region:
        where, where_params = "WHERE t.region_id = %s", [region]
    valid, valid_params = counted_reviews_sql(call_ids=call_ids)
    sql = TERRITORY_SQL.format(
        valid=valid,
        key=key,
        calls=calls,
        parent="t.region_id AS region_code," if level == "departement" else "NULL AS region_code,",
        table="territories_region" if level == "region" else "territories_departement",
        where=where,
    )
    raw = fetch_dicts(sql, [*valid_params, *call_params, *HIDDEN_PROJECT_STATUSES, *where_params])
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
            mean_total=cents_mean(row["cents"], row["reviews"]),
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
    key = "region_id" if level == "region" else "departement_id"
    where, where_params = "", []
    if level == "departement" and region:
        where, where_params = "AND v.region_id = %s", [region]
    valid, valid_params = counted_reviews_sql(call_ids=call_ids)
    sql = HEATMAP_SQL.format(valid=valid, key=key, where=where)
    positions: dict[str, int] = {}
    sums: dict[tuple[str, str], list[int]] = {}
    for row in fetch_dicts(sql, [*valid_params, *where_params]):
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
