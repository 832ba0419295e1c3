"""What one project adds to a call's call-wide summaries (`projects.models.summaries`): to
each of its reviewers' calibration, to its territory's figures, to its territory's
criterion sums (the heatmap) and to the count of each level given (the distributions).

A contribution is computed from the project's raw rows only (its reviews that count, their
scores, its territory, amount and published decision), by the same function for one project
(a write's refresh) and for a whole call (a rebuild), and stored with the project's summary
as JSON. A write then adds to the call-wide rows the difference between the project's old
and new contribution: exact (integers, and Fractions written "n/d"), and as cheap as the
project is small. The call-wide rows are therefore the sums of their projects'
contributions, which `summaries_mismatches` checks against a recomputation from raw rows.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from projects.dashboards.sql import counted_reviews_sql, fetch_dicts
from projects.models import (
    HIDDEN_PROJECT_STATUSES,
    DecisionStatus,
    Outcome,
    Project,
)

# The values each call-wide row sums, in order; a Fraction where the name says so.
REVIEWER_FIELDS = ("reviews", "scored", "total_sum", "shared", "gap_sum")
TERRITORY_FIELDS = (
    "submitted",
    "assessed",
    "decided",
    "selected",
    "requested_cents",
    "granted_cents",
    "scored_projects",
    "mean_sum",
)
CRITERION_FIELDS = ("value_sum", "scores", "not_applicable")
LEVEL_FIELDS = ("scores",)
TABLE_NAMES = ("reviewers", "territories", "criteria", "levels")
FRACTION_FIELDS = frozenset({"total_sum", "gap_sum", "mean_sum"})


@dataclass(frozen=True)
class Contribution:
    """What one project adds: per reviewer id, to its territory (région, département codes),
    per criterion id of that territory, and per (criterion id, level) given; each a tuple in
    the order of the `*_FIELDS`."""

    territory: tuple[str, str]
    reviewers: dict[int, tuple]
    figures: tuple
    criteria: dict[int, tuple]
    levels: dict[tuple[int, int], tuple] = field(default_factory=dict)

    def to_json(self) -> str:
        def plain(values):
            return [str(value) if isinstance(value, Fraction) else value for value in values]

        return json.dumps(
            {
                "t": list(self.territory),
                "r": {str(key): plain(values) for key, values in self.reviewers.items()},
                "f": plain(self.figures),
                "c": {str(key): list(values) for key, values in self.criteria.items()},
                "l": {f"{c}:{v}": list(values) for (c, v), values in self.levels.items()},
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> "Contribution":
        if not text:
            return EMPTY

        def exact(values, names):
            return tuple(
                Fraction(value) if name in FRACTION_FIELDS else value
                for value, name in zip(values, names, strict=True)
            )

        data = json.loads(text)
        return cls(
            territory=tuple(data["t"]),
            reviewers={
                int(key): exact(values, REVIEWER_FIELDS) for key, values in data["r"].items()
            },
            figures=exact(data["f"], TERRITORY_FIELDS) if data["f"] else (),
            criteria={int(key): tuple(values) for key, values in data["c"].items()},
            levels={
                tuple(int(part) for part in key.split(":")): tuple(values)
                for key, values in data.get("l", {}).items()
            },
        )


EMPTY = Contribution(territory=("", ""), reviewers={}, figures=(), criteria={})


def _cents(amount) -> int:
    return 0 if amount is None else int(round(Fraction(amount) * 100))


def contribution_of(project: dict, reviews: list[tuple], levels: dict) -> Contribution:
    """A project's contribution (design §4), from `project` (a row of `PROJECT_FIELDS`), its
    reviews that count as (author id, exact total or None) and how often each level of each
    criterion was given in them ({(criterion id, level or None for "sans objet"): count}).
    A hidden project (draft, withdrawn) adds nothing."""
    if project["status"] in HIDDEN_PROJECT_STATUSES:
        return EMPTY
    totals = [total for _, total in reviews if total is not None]
    count, whole = len(totals), sum(totals, Fraction(0))
    reviewers = {}
    for author_id, total in reviews:
        shared = total is not None and count > 1
        reviewers[author_id] = (
            1,
            int(total is not None),
            total if total is not None else Fraction(0),
            int(shared),
            # own total − the mean of the other reviewers' totals on the project
            total - (whole - total) / (count - 1) if shared else Fraction(0),
        )
    published = project["decision__status"] == DecisionStatus.PUBLISHED
    outcome = project["decision__outcome"] if published else None
    selected = outcome == Outcome.SELECTED
    figures = (
        1,
        int(bool(reviews)),
        int(outcome is not None),
        int(selected),
        _cents(project["amount_requested"]),
        _cents(project["decision__amount_granted"]) if selected else 0,
        int(count > 0),
        whole / count if count else Fraction(0),
    )
    criteria: dict[int, tuple] = {}
    for (criterion_id, level), count in levels.items():
        value_sum, scores, not_applicable = criteria.get(criterion_id, (0, 0, 0))
        if level is None:
            criteria[criterion_id] = (value_sum, scores, not_applicable + count)
        else:
            criteria[criterion_id] = (value_sum + level * count, scores + count, not_applicable)
    return Contribution(
        territory=(project["region_id"] or "", project["departement_id"] or ""),
        reviewers=reviewers,
        figures=figures,
        criteria=criteria,
        levels={key: (count,) for key, count in levels.items() if key[1] is not None},
    )


PROJECT_FIELDS = (
    "pk",
    "status",
    "region_id",
    "departement_id",
    "amount_requested",
    "decision__status",
    "decision__outcome",
    "decision__amount_granted",
)

LEVELS_SQL = """
WITH valid AS ({valid})
SELECT v.project_id, sc.criterion_id, sc.value, COUNT(*) AS scores
FROM valid v JOIN projects_score sc ON sc.assessment_id = v.id
GROUP BY v.project_id, sc.criterion_id, sc.value
"""


def contributions(*, call_id: int, project_id: int | None = None) -> dict[int, Contribution]:
    """The contributions of a call's projects (or of one of them), from raw rows: three
    queries whatever the number of projects."""
    projects = Project.objects.filter(call_id=call_id)
    if project_id is not None:
        valid, params = counted_reviews_sql(project_id=project_id)
        projects = projects.filter(pk=project_id)
    else:
        valid, params = counted_reviews_sql(call_id=call_id)
    reviews = defaultdict(list)
    for row in fetch_dicts(f"SELECT project_id, author_id, exact FROM ({valid}) v", params):
        total = Fraction(row["exact"]) if row["exact"] else None
        reviews[row["project_id"]].append((row["author_id"], total))
    levels = defaultdict(dict)
    for row in fetch_dicts(LEVELS_SQL.format(valid=valid), params):
        levels[row["project_id"]][(row["criterion_id"], row["value"])] = int(row["scores"])
    return {
        row["pk"]: contribution_of(row, reviews[row["pk"]], levels[row["pk"]])
        for row in projects.order_by().values(*PROJECT_FIELDS)
    }


def zeros(fields) -> tuple:
    """A row of `fields` with nothing in it: 0, or Fraction(0) for an exact sum."""
    return tuple(Fraction(0) if field in FRACTION_FIELDS else 0 for field in fields)


def _add(totals: dict, key, values: tuple, sign: int) -> None:
    current = totals.get(key) or (0,) * len(values)
    totals[key] = tuple(a + sign * b for a, b in zip(current, values, strict=True))


def _accumulate(result: dict, part: Contribution, sign: int) -> None:
    for reviewer_id, values in part.reviewers.items():
        _add(result["reviewers"], reviewer_id, values, sign)
    if part.figures:
        _add(result["territories"], part.territory, part.figures, sign)
    for criterion_id, values in part.criteria.items():
        _add(result["criteria"], (*part.territory, criterion_id), values, sign)
    for key, values in part.levels.items():
        _add(result["levels"], key, values, sign)


def _nonzero(result: dict) -> dict:
    return {
        name: {key: values for key, values in rows.items() if any(values)}
        for name, rows in result.items()
    }


def differences(before: Contribution, after: Contribution) -> dict[str, dict]:
    """What changes in the call-wide rows when a project's contribution goes from `before` to
    `after`: {"reviewers": {reviewer id: deltas}, "territories": {(région, département):
    deltas}, "criteria": {(région, département, criterion id): deltas}, "levels": {(criterion
    id, level): deltas}}, zero rows left out."""
    result = {name: {} for name in TABLE_NAMES}
    _accumulate(result, before, -1)
    _accumulate(result, after, 1)
    return _nonzero(result)


def totals_of(parts) -> dict[str, dict]:
    """The call-wide rows that a set of contributions sums to (a rebuild, the check), in the
    shape of `differences`."""
    result = {name: {} for name in TABLE_NAMES}
    for part in parts:
        _accumulate(result, part, 1)
    return _nonzero(result)
