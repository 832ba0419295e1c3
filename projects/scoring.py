"""The one implementation of the scoring rules (design §4).

Self-assessments, reviews, stored totals, forms' live totals and invariant checks all call
`summarise`. Decimal arithmetic keeps results identical on every database and machine.

Totals are stored to ten decimal places (`TOTAL_PLACES`): every figure shown is rounded to
two places at most, once, at display, so no figure depends on how the stored total was
rounded (a total's exact value has a denominator far below 10¹⁰ for any grid of up to a few
dozen criteria with two-place weights and scales of up to ten steps).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

HUNDRED = Decimal(100)
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
    total: Decimal | None
    core_total: Decimal | None
    scored: int
    criteria: int
    core_scored: int
    core_criteria: int


def normalise(value: int, scale_min: int, scale_max: int) -> Decimal:
    """n = (value − min) / (max − min), in [0, 1]."""
    return (Decimal(value) - scale_min) / (Decimal(scale_max) - scale_min)


def weighted_total(pairs: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """100 × Σ wᵢ·nᵢ / Σ wᵢ over (weight, normalised value) pairs; None when nothing is scored,
    so that "no score" never reads as zero."""
    numerator = denominator = Decimal(0)
    for weight, normalised in pairs:
        numerator += weight * normalised
        denominator += weight
    if not denominator:
        return None
    with localcontext() as context:
        context.prec = 40
        return (HUNDRED * numerator / denominator).quantize(STORED, ROUND_HALF_UP)


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
    return Summary(
        total=weighted_total((spec.weight, n) for spec, n in scored),
        core_total=weighted_total((spec.weight, n) for spec, n in scored if spec.is_core),
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
