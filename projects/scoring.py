"""The one implementation of the scoring rules (design §4).

Self-assessments, reviews, stored totals, forms' live totals and invariant checks all call
`summarise`. Decimal arithmetic keeps results identical on every database and machine.

A total is computed exactly, as a Fraction (`Summary.exact_total`), and stored twice: as
that fraction (numerator and denominator, from which every figure of totals is aggregated,
so that a mean or a bias on a rounding boundary stays on it) and rounded to ten places
(`TOTAL_PLACES`: what a reader of the table sees, and the sort keys). Figures are rounded
once, at display.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

TOTAL_PLACES = 10
STORED = Decimal(1).scaleb(-TOTAL_PLACES)


@dataclass(frozen=True)
class CriterionSpec:
    """What scoring needs to know about a criterion."""

    id: int
    weight: Decimal
    scale_min: int
    scale_max: int
    is_core: bool

    @classmethod
    def of(cls, criterion) -> "CriterionSpec":
        return cls(
            id=criterion.pk,
            weight=Decimal(criterion.weight),
            scale_min=criterion.scale_min,
            scale_max=criterion.scale_max,
            is_core=criterion.is_core,
        )


@dataclass(frozen=True)
class Summary:
    exact_total: Fraction | None
    total: Decimal | None
    core_total: Decimal | None
    scored: int
    criteria: int
    core_scored: int
    core_criteria: int


def normalise(value: int, scale_min: int, scale_max: int) -> Fraction:
    """n = (value − min) / (max − min), in [0, 1], exactly."""
    return Fraction(value - scale_min, scale_max - scale_min)


def weighted_total(pairs: Iterable[tuple[Decimal, Fraction]]) -> Fraction | None:
    """100 × Σ wᵢ·nᵢ / Σ wᵢ over (weight, normalised value) pairs, exactly; None when nothing
    is scored, so that "no score" never reads as zero."""
    numerator = denominator = Fraction(0)
    for weight, normalised in pairs:
        numerator += Fraction(weight) * normalised
        denominator += Fraction(weight)
    if not denominator:
        return None
    return 100 * numerator / denominator


def stored_total(exact: Fraction | None) -> Decimal | None:
    """An exact total rounded half-up to `TOTAL_PLACES`, as the decimal column keeps it."""
    if exact is None:
        return None
    with localcontext() as context:
        context.prec = 60
        return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
            STORED, ROUND_HALF_UP
        )


def summarise(criteria: Iterable, values: Mapping[int, int | None]) -> Summary:
    """Total, core total and coverage (criteria scored / criteria) of one assessment.

    `criteria` are the criteria of the assessment's grid version (models or CriterionSpec);
    `values` maps criterion id → value, with None (or a missing key) for "not applicable" or
    "not answered yet": both are left out and the remaining weights renormalised.
    """
    specs = [c if isinstance(c, CriterionSpec) else CriterionSpec.of(c) for c in criteria]
    scored = [
        (spec, normalise(values[spec.id], spec.scale_min, spec.scale_max))
        for spec in specs
        if values.get(spec.id) is not None
    ]
    exact = weighted_total((spec.weight, n) for spec, n in scored)
    return Summary(
        exact_total=exact,
        total=stored_total(exact),
        core_total=stored_total(
            weighted_total((spec.weight, n) for spec, n in scored if spec.is_core)
        ),
        scored=len(scored),
        criteria=len(specs),
        core_scored=sum(1 for spec, _ in scored if spec.is_core),
        core_criteria=sum(1 for spec in specs if spec.is_core),
    )


def comment_required(criterion, value: int | None) -> bool:
    """A low score must be justified: at the scale's minimum or under the criterion's threshold."""
    if value is None:
        return False
    return value == criterion.scale_min or (
        criterion.threshold is not None and value < criterion.threshold
    )


def stored_summaries(assessments, criteria, scores):
    """(assessment, Summary) for each of `assessments`, from raw rows: `criteria` and
    `scores` querysets (a migration's historical models too: the criterion's kind is read,
    not a property). For the migrations that recompute stored totals in bulk."""
    specs: dict[int, list[CriterionSpec]] = {}
    for criterion in criteria:
        specs.setdefault(criterion.version_id, []).append(
            CriterionSpec(
                id=criterion.pk,
                weight=Decimal(criterion.weight),
                scale_min=criterion.scale_min,
                scale_max=criterion.scale_max,
                is_core=criterion.kind == "core",
            )
        )
    values: dict[int, dict] = {}
    for assessment_id, criterion_id, value in scores.values_list(
        "assessment_id", "criterion_id", "value"
    ):
        values.setdefault(assessment_id, {})[criterion_id] = value
    for assessment in assessments:
        yield (
            assessment,
            summarise(specs.get(assessment.grid_version_id, []), values.get(assessment.pk, {})),
        )
