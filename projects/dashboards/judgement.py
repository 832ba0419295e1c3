"""Judgement quality of a call (design §4): agreement between reviewers per criterion and on
the total, intraclass correlations, reviewers needed, reviewer offsets with shrinkage, a
corrected ranking beside the raw one and the rank intervals around the funding line.

The reviews that count are read in two statements (totals, scores) into numpy arrays and
the statistics of `projects.agreement` run on them. The result, bootstrap included, is cached
under the call's revision (`CallSummary`, bumped in the transaction of every write that
changes one of its projects' summaries), so a page view costs one small query until a
review, an assignment, a decision or a project of the call changes.
"""

from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from django.core.cache import cache
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from grid.models import Criterion
from projects import agreement
from projects.dashboards.calibration import reviewer_calibration
from projects.dashboards.sql import UNIT, counted_reviews_sql, fetch_dicts
from projects.models import CallSummary

# Readings of Krippendorff's α (Krippendorff 2004, §11.4): from 0,800 data are reliable,
# from 0,667 they allow tentative conclusions only, below they should not be relied on.
ALPHA_GOOD = 0.800
ALPHA_FAIR = 0.667
# Readings of an ICC (Koo & Li 2016): below 0,50 poor, 0,50 to 0,75 moderate, above good.
ICC_GOOD = 0.75
ICC_FAIR = 0.50
# The reliability a call's ranking should reach (the usual bar of a decision on people).
TARGET_RELIABILITY = 0.80
BOOTSTRAP_SAMPLES = 500
RANK_SAMPLES = 300
CACHE_SECONDS = 24 * 3600
# Bump when the computation changes, so that no stale result is read after a deployment.
CACHE_VERSION = 2


class Reading(TextChoices):
    GOOD = "good", _("bon")
    FAIR = "fair", _("moyen")
    POOR = "poor", _("faible")


def alpha_reading(value: float | None) -> Reading | None:
    if value is None:
        return None
    if value >= ALPHA_GOOD:
        return Reading.GOOD
    return Reading.FAIR if value >= ALPHA_FAIR else Reading.POOR


def icc_reading(value: float | None) -> Reading | None:
    if value is None:
        return None
    if value >= ICC_GOOD:
        return Reading.GOOD
    return Reading.FAIR if value >= ICC_FAIR else Reading.POOR


@dataclass(frozen=True)
class AlphaRow:
    """Krippendorff's α of one criterion (on its own scale) or of the total."""

    code: str
    label: str
    ratings: int  # values given (N/A and lone ratings excluded from pairing)
    pairable: int  # projects with at least two values
    interval: float | None
    interval_ci: tuple[float, float] | None
    ordinal: float | None  # for a level scale; None for the total

    @property
    def reading(self) -> Reading | None:
        return alpha_reading(self.interval)


@dataclass(frozen=True)
class ReviewerEffect:
    author_id: int
    name: str
    reviews: int  # reviews with a total
    shared: int  # of them on projects another reviewer also scored
    offset: float  # points on 100, shrunk
    offset_sd: float
    raw_bias: object  # the calibration page's exact bias (Fraction) or None


@dataclass(frozen=True)
class ProjectRank:
    project_id: int
    title: str
    reviews: int
    raw_mean: float
    raw_rank: int
    raw_interval: tuple[int, int]
    corrected_mean: float
    corrected_rank: int
    corrected_interval: tuple[int, int]

    @property
    def change(self) -> int:
        """Places gained (positive) or lost by the correction."""
        return self.raw_rank - self.corrected_rank


@dataclass(frozen=True)
class JudgementQuality:
    projects: int  # projects with at least one review total
    pairable: int  # of them, with at least two
    reviews: int
    total: AlphaRow
    criteria: list[AlphaRow]
    icc: agreement.ICCs | None
    needed: int | None  # reviewers per project to reach TARGET_RELIABILITY (Spearman–Brown)
    reviewers: list[ReviewerEffect] = field(default_factory=list)
    ranking: list[ProjectRank] = field(default_factory=list)  # in raw rank order
    noise_sd: float = 0.0
    offset_spread: float = 0.0

    @property
    def thin(self) -> bool:
        """Fewer than two reviews on most projects: no agreement figure is worth showing."""
        return self.pairable < 2 or 2 * self.pairable <= self.projects

    @property
    def icc_reading(self) -> Reading | None:
        return icc_reading(self.icc.icc1_1 if self.icc else None)

    @cached_property
    def corrected_order(self) -> list[ProjectRank]:
        """The projects in the corrected ranking's order, sorted once per panel kept."""
        return sorted(self.ranking, key=lambda row: row.corrected_rank)

    def by(self, ranking: str) -> list[ProjectRank]:
        """The projects in the order of the raw or the corrected ranking."""
        return self.corrected_order if ranking == "corrected" else self.ranking

    def grey_zone(self, line: int, ranking: str = "raw") -> list[ProjectRank]:
        """The projects whose rank interval, in the given ranking, crosses the funding line
        (the first `line` ranks are funded)."""
        rows = self.by(ranking)
        if not rows:
            return []
        interval = "corrected_interval" if ranking == "corrected" else "raw_interval"
        low = np.array([getattr(row, interval)[0] for row in rows])
        high = np.array([getattr(row, interval)[1] for row in rows])
        crossing = agreement.grey_zone(low, high, line)
        return [row for row, inside in zip(rows, crossing, strict=True) if inside]


TOTALS_SQL = """
WITH valid AS ({valid})
SELECT v.project_id, v.author_id, v.units, p.title, u.full_name, u.email
FROM valid v
JOIN projects_project p ON p.id = v.project_id
JOIN accounts_user u ON u.id = v.author_id
WHERE v.units IS NOT NULL
ORDER BY v.project_id, v.author_id
"""

SCORES_SQL = """
WITH valid AS ({valid})
SELECT sc.criterion_id, v.project_id, sc.value
FROM valid v JOIN projects_score sc ON sc.assessment_id = v.id
WHERE sc.value IS NOT NULL
"""


def _revision(call) -> int:
    """The call's revision (`CallSummary`), bumped by every write that changes one of its
    projects' summaries: one indexed row, whatever the call's size."""
    return (
        CallSummary.objects.filter(call_id=call.pk).values_list("revision", flat=True).first() or 0
    )


# This process's last panels, by cache key: a panel of 20,000 projects takes longer to
# unpickle from the shared cache than to render a page of it. A key names one revision of
# one call, so a kept panel is never stale; the oldest are dropped past RECENT_PANELS.
RECENT_PANELS = 8
_recent: OrderedDict[str, JudgementQuality] = OrderedDict()


def judgement_quality(*, call) -> JudgementQuality:
    """The call's judgement quality, from this process's memory or the shared cache while
    the call is unchanged (one query), otherwise computed (a few queries and the bootstrap)
    and cached."""
    # The call's creation time too: a restored or re-created database may give another call
    # the same id and revision.
    created = call.created_at.timestamp() if call.created_at else 0
    key = f"judgement:{CACHE_VERSION}:{call.pk}:{created}:{_revision(call)}"
    found = _recent.get(key)
    if found is None:
        found = cache.get(key)
        if found is None:
            found = compute_judgement_quality(call=call)
            cache.set(key, found, CACHE_SECONDS)
        _recent[key] = found
        while len(_recent) > RECENT_PANELS:
            _recent.popitem(last=False)
    return found


def _alpha_row(code, label, project, value, weights, *, ordinal: bool) -> AlphaRow:
    sizes = np.bincount(project, minlength=weights.shape[1]) if len(project) else np.zeros(0)
    return AlphaRow(
        code=code,
        label=label,
        ratings=len(value),
        pairable=int((sizes >= 2).sum()),
        interval=agreement.krippendorff_alpha(project, value, agreement.INTERVAL),
        interval_ci=agreement.percentile_interval(
            agreement.interval_alphas(
                weights, agreement.unit_sums(project, value, weights.shape[1])
            )
        )
        if len(value)
        else None,
        ordinal=agreement.krippendorff_alpha(project, value, agreement.ORDINAL)
        if ordinal
        else None,
    )


def compute_judgement_quality(*, call) -> JudgementQuality:
    """Every figure of the panel, computed now (see `judgement_quality`)."""
    valid, params = counted_reviews_sql(call_id=call.pk)
    totals = fetch_dicts(TOTALS_SQL.format(valid=valid), params)
    project_ids = sorted({row["project_id"] for row in totals})
    position = {pk: index for index, pk in enumerate(project_ids)}
    author_ids = sorted({row["author_id"] for row in totals})
    reviewer_position = {pk: index for index, pk in enumerate(author_ids)}
    project = np.fromiter((position[row["project_id"]] for row in totals), np.int64, len(totals))
    reviewer = np.fromiter(
        (reviewer_position[row["author_id"]] for row in totals), np.int64, len(totals)
    )
    value = np.fromiter((int(row["units"]) for row in totals), np.float64, len(totals)) / UNIT
    count = len(project_ids)
    weights = agreement.resample_weights(max(count, 1), BOOTSTRAP_SAMPLES, seed=call.pk)
    total = _alpha_row("total", _("Note globale"), project, value, weights, ordinal=False)

    criteria = list(Criterion.objects.filter(version_id=call.grid_version_id).in_form_order())
    rows = fetch_dicts(SCORES_SQL.format(valid=valid), params)
    scores = np.array(
        [(row["criterion_id"], position.get(row["project_id"], -1), row["value"]) for row in rows],
        dtype=np.int64,
    ).reshape(-1, 3)
    # A review whose criteria are all N/A has no total, hence no position, and no score.
    scores = scores[scores[:, 1] >= 0]
    per_criterion = []
    for criterion in criteria:
        chosen = scores[scores[:, 0] == criterion.pk]
        per_criterion.append(
            _alpha_row(
                criterion.code,
                criterion.label_display,
                chosen[:, 1],
                chosen[:, 2].astype(np.float64),
                weights,
                ordinal=True,
            )
        )

    sizes = np.bincount(project, minlength=count)
    iccs = agreement.icc(project, reviewer, value) if len(value) else None
    quality = JudgementQuality(
        projects=count,
        pairable=int((sizes >= 2).sum()),
        reviews=len(value),
        total=total,
        criteria=per_criterion,
        icc=iccs,
        needed=agreement.ratings_needed(iccs.icc1_1 if iccs else None, TARGET_RELIABILITY),
    )
    if not count:
        return quality
    effects = agreement.reviewer_effects(project, reviewer, value)
    raw = np.bincount(project, weights=value, minlength=count) / sizes
    # The standard error of a project's mean: the pooled within-project spread of one total
    # (raw) or the model's residual spread (corrected), over √(its reviews).
    within = np.bincount(project, weights=(value - raw[project]) ** 2, minlength=count)
    freedom = int((sizes - 1).sum())
    pooled = float(np.sqrt(within.sum() / freedom)) if freedom else 0.0
    raw_rank, raw_low, raw_high = agreement.rank_intervals(
        raw, pooled / np.sqrt(sizes), samples=RANK_SAMPLES, seed=call.pk
    )
    corrected_rank, corrected_low, corrected_high = agreement.rank_intervals(
        effects.corrected, effects.noise_sd / np.sqrt(sizes), samples=RANK_SAMPLES, seed=call.pk
    )
    titles = {row["project_id"]: row["title"] for row in totals}
    ranking = sorted(
        (
            ProjectRank(
                project_id=pk,
                title=titles[pk],
                reviews=int(sizes[index]),
                raw_mean=float(raw[index]),
                raw_rank=int(raw_rank[index]),
                raw_interval=(int(raw_low[index]), int(raw_high[index])),
                corrected_mean=float(effects.corrected[index]),
                corrected_rank=int(corrected_rank[index]),
                corrected_interval=(int(corrected_low[index]), int(corrected_high[index])),
            )
            for index, pk in enumerate(project_ids)
        ),
        key=lambda row: row.raw_rank,
    )
    names = {row["author_id"]: row["full_name"] or row["email"] for row in totals}
    biases = {row.author_id: row.bias for row in reviewer_calibration(call=call)}
    shared = np.bincount(reviewer[sizes[project] >= 2], minlength=len(author_ids))
    reviews = np.bincount(reviewer, minlength=len(author_ids))
    reviewers = [
        ReviewerEffect(
            author_id=pk,
            name=names[pk],
            reviews=int(reviews[index]),
            shared=int(shared[index]),
            offset=float(effects.offsets[index]),
            offset_sd=float(effects.offset_sd[index]),
            raw_bias=biases.get(pk),
        )
        for index, pk in enumerate(author_ids)
    ]
    reviewers.sort(key=lambda row: (row.name, row.author_id))
    return JudgementQuality(
        projects=quality.projects,
        pairable=quality.pairable,
        reviews=quality.reviews,
        total=quality.total,
        criteria=quality.criteria,
        icc=quality.icc,
        needed=quality.needed,
        reviewers=reviewers,
        ranking=ranking,
        noise_sd=effects.noise_sd,
        offset_spread=effects.offset_spread,
    )
