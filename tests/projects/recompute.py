"""A plain recomputation of the dashboard figures from the rules of design §4, independent of
the application's code: no import from projects.dashboards, projects.statistics,
projects.scoring or territories.figures. Plain Python over plain data, exact Fractions.

`places` (where a function takes it) is the number of decimals a total is stored with: None
computes from the exact totals, an integer from the totals as stored (rounded half-up), so
that a test can check both the pipeline (equal to the stored figures, with no rounding on
the way) and the display (rounded once, equal to the exact figure rounded once).
"""

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from math import isqrt

HIDDEN = ("draft", "withdrawn")
EXCLUDED = ("conflict", "recused")
ACTIVE = ("assigned", "done")
DISAGREEMENT = 20  # points: two reviewers 20 apart disagree


@dataclass(frozen=True)
class Crit:
    id: int
    code: str
    core: bool
    weight: Fraction
    low: int
    high: int
    threshold: int | None


@dataclass(frozen=True)
class Review:
    author: int
    name: str
    status: str  # draft | submitted
    values: dict  # criterion id → value (None: N/A), answered criteria only


@dataclass
class Proj:
    id: int
    call: int
    status: str
    departement: str
    region: str
    requested: Fraction  # euros, 0 when not given
    outcome: str | None  # the decision, proposed or published
    published: bool  # a published decision: the only kind territory figures count
    granted: Fraction | None
    self_status: str | None
    self_values: dict
    assignments: dict  # reviewer id → state
    reviews: list = field(default_factory=list)

    @property
    def visible(self) -> bool:
        return self.status not in HIDDEN


# --- arithmetic ----------------------------------------------------------------------------


def round_half_up(value: Fraction, places: int) -> Fraction:
    """Ties away from zero."""
    scale = 10**places
    units = (abs(value) * scale + Fraction(1, 2)).__floor__()
    result = Fraction(units, scale)
    return -result if value < 0 else result


def shown(value, places: int) -> Decimal | None:
    """The exact value as a funder rounds it by hand, as a Decimal."""
    if value is None:
        return None
    rounded = round_half_up(Fraction(value), places)
    return Decimal(rounded.numerator) / Decimal(rounded.denominator)


def shown_root(variance: Fraction | None, places: int) -> Decimal | None:
    """√variance rounded half-up to `places`, exactly: k is the largest integer with
    (k − ½)² ≤ variance·10^(2·places), i.e. (2k − 1)² ≤ 4·variance·10^(2·places)."""
    if variance is None:
        return None
    four = 4 * variance * 10 ** (2 * places)
    root = isqrt(four.numerator // four.denominator)
    k = (root + 1) // 2
    return Decimal(k).scaleb(-places)


def mean(values):
    return Fraction(sum(values, Fraction(0)), len(values)) if values else None


def median(values):
    if not values:
        return None
    ordered = sorted(values)
    half = len(ordered) // 2
    return ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2


def variance(values):
    if len(values) < 2:
        return None
    average = mean(values)
    return sum(((v - average) ** 2 for v in values), Fraction(0)) / (len(values) - 1)


def spread(values) -> dict:
    return {
        "count": len(values),
        "mean": mean(values),
        "median": median(values),
        "minimum": min(values) if values else None,
        "maximum": max(values) if values else None,
        "range": (max(values) - min(values)) if values else None,
        "variance": variance(values),
    }


# --- one assessment --------------------------------------------------------------------------


def normalised(crit: Crit, value: int) -> Fraction:
    return Fraction(value - crit.low, crit.high - crit.low)


def total(crits, values: dict, places: int | None = None) -> Fraction | None:
    """100 × Σ wᵢ·nᵢ / Σ wᵢ over the criteria scored (N/A and unanswered left out)."""
    scored = [c for c in crits if values.get(c.id) is not None]
    if not scored:
        return None
    exact = 100 * sum((c.weight * normalised(c, values[c.id]) for c in scored), Fraction(0))
    exact /= sum((c.weight for c in scored), Fraction(0))
    return exact if places is None else round_half_up(exact, places)


def scored_count(crits, values: dict, core_only=False) -> int:
    return sum(1 for c in crits if values.get(c.id) is not None and (c.core or not core_only))


# --- one project -----------------------------------------------------------------------------


def counted(project: Proj) -> list[Review]:
    """Submitted reviews of a visible project whose author is neither in conflict nor
    recused on it (an all-N/A review included)."""
    if not project.visible:
        return []
    return [
        review
        for review in project.reviews
        if review.status == "submitted" and project.assignments.get(review.author) not in EXCLUDED
    ]


def totals(project, crits, places=None) -> list[Fraction]:
    found = (total(crits, review.values, places) for review in counted(project))
    return [value for value in found if value is not None]


def figures(project, crits, places=None) -> dict:
    reviews = counted(project)
    result = spread(totals(project, crits, places))
    result["reviews"] = len(reviews)
    result["without_total"] = len(reviews) - result["count"]
    result["disagreement"] = result["range"] is not None and result["range"] >= DISAGREEMENT
    result["assigned"] = sum(1 for state in project.assignments.values() if state in ACTIVE)
    result["coverage"] = (
        Fraction(sum(scored_count(crits, r.values) for r in reviews), len(reviews) * len(crits))
        if reviews
        else None
    )
    result["gate"] = gate(project, crits)
    return result


def criterion_values(project, crit) -> list[int]:
    return [
        review.values[crit.id]
        for review in counted(project)
        if review.values.get(crit.id) is not None
    ]


def gate(project, crits) -> str | None:
    """None without a core threshold; failed when a reviewers' mean is below one; else
    unassessed when one has no reviewer score; else passed."""
    gated = [c for c in crits if c.core and c.threshold is not None]
    if not gated:
        return None
    means = [mean([Fraction(v) for v in criterion_values(project, c)]) for c in gated]
    if any(m is not None and m < c.threshold for m, c in zip(means, gated, strict=True)):
        return "failed"
    if any(m is None for m in means):
        return "unassessed"
    return "passed"


def self_figure(project, crits, places=None) -> dict:
    submitted = project.self_status == "submitted"
    return {
        "status": project.self_status,
        "total": total(crits, project.self_values, places) if submitted else None,
        "answered": len(project.self_values) if project.self_status == "draft" else None,
        "criteria": len(crits),
    }


def criteria_analysis(project, crits) -> dict:
    """Per criterion id: reviewers' mean and median (N/A left out), in percent of the scale,
    the submitted self-assessment's value and the gap self − reviewers."""
    result = {}
    submitted = project.self_status == "submitted"
    for crit in crits:
        values = [Fraction(v) for v in criterion_values(project, crit)]
        average = mean(values)
        own = project.self_values.get(crit.id) if submitted else None
        mean_percent = (
            None if average is None else (average - crit.low) * 100 / (crit.high - crit.low)
        )
        self_percent = None if own is None else normalised(crit, own) * 100
        result[crit.id] = {
            "reviews": len(values),
            "mean": average,
            "median": median(values),
            "self_value": own,
            "mean_percent": mean_percent,
            "self_percent": self_percent,
            "gap": (
                None
                if mean_percent is None or self_percent is None
                else self_percent - mean_percent
            ),
        }
    return result


# --- one call --------------------------------------------------------------------------------


def calibration(projects, crits, places=None) -> dict:
    """Per reviewer name: reviews that count, mean of their totals, and the bias: mean over
    the projects where they have a total and another counted review has one of (own total −
    mean of the others' totals)."""
    result = {}
    for project in projects:
        reviews = counted(project)
        marks = {r.author: total(crits, r.values, places) for r in reviews}
        for review in reviews:
            entry = result.setdefault(review.name, {"reviews": 0, "totals": [], "gaps": []})
            entry["reviews"] += 1
            own = marks[review.author]
            if own is None:
                continue
            entry["totals"].append(own)
            others = [v for a, v in marks.items() if a != review.author and v is not None]
            if others:
                entry["gaps"].append(own - mean(others))
    return {
        name: {
            "reviews": entry["reviews"],
            "mean_total": mean(entry["totals"]),
            "shared": len(entry["gaps"]),
            "bias": mean(entry["gaps"]),
        }
        for name, entry in result.items()
    }


def progress(projects) -> dict:
    """Expected: standing assignments on visible projects; done: of them, those whose reviewer
    has a review that counts on the project. Per reviewer id and in total."""
    per_reviewer = {}
    for project in projects:
        if not project.visible:
            continue
        authors = {review.author for review in counted(project)}
        for reviewer, state in project.assignments.items():
            if state not in ACTIVE:
                continue
            entry = per_reviewer.setdefault(reviewer, [0, 0])
            entry[0] += 1
            entry[1] += reviewer in authors
    expected = sum(e for e, _ in per_reviewer.values())
    done = sum(d for _, d in per_reviewer.values())
    return {
        "reviewers": per_reviewer,
        "expected": expected,
        "done": done,
        "share": Fraction(done, expected) if expected else None,
    }


def distribution(projects, crits) -> dict:
    """Per criterion id: {value or None: count} over the counted reviews' score rows."""
    result = {crit.id: {} for crit in crits}
    for project in projects:
        for review in counted(project):
            for crit_id, value in review.values.items():
                result[crit_id][value] = result[crit_id].get(value, 0) + 1
    return result


# --- territories -----------------------------------------------------------------------------


def territory(projects, crits_of, level: str, places=None) -> dict:
    """Per territory code of the visible projects of the given calls: submitted, assessed,
    decided, selected, requested, granted, scored projects and the mean of project means.
    `crits_of(project)` gives the criteria of the project's version."""
    result = {}
    for project in projects:
        if not project.visible:
            continue
        code = project.region if level == "region" else project.departement
        entry = result.setdefault(
            code,
            {
                "submitted": 0,
                "assessed": 0,
                "decided": 0,
                "selected": 0,
                "requested": Fraction(0),
                "granted": Fraction(0),
                "means": [],
            },
        )
        entry["submitted"] += 1
        entry["assessed"] += bool(counted(project))
        entry["decided"] += project.published
        entry["selected"] += project.published and project.outcome == "selected"
        entry["requested"] += project.requested
        if project.published and project.outcome == "selected":
            entry["granted"] += project.granted or 0
        project_totals = totals(project, crits_of(project), places)
        if project_totals:
            entry["means"].append(mean(project_totals))
    for entry in result.values():
        entry["scored_projects"] = len(entry["means"])
        entry["mean_total"] = mean(entry.pop("means"))
        entry["success_rate"] = (
            Fraction(entry["selected"], entry["decided"]) if entry["decided"] else None
        )
    return result


def heatmap(projects, crits, level: str) -> dict:
    """{(territory, criterion code): mean of the normalised non-N/A values} over the counted
    reviews of the projects, for the criteria `crits` (one version) only."""
    values = {}
    by_id = {crit.id: crit for crit in crits}
    for project in projects:
        code = project.region if level == "region" else project.departement
        for review in counted(project):
            for crit_id, value in review.values.items():
                crit = by_id.get(crit_id)
                if crit is not None and value is not None:
                    values.setdefault((code, crit.code), []).append(normalised(crit, value))
    return {key: mean(found) for key, found in values.items()}
