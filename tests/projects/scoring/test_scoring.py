"""The one scoring function, on specifications built by hand."""

from decimal import Decimal

from projects.scoring import CriterionSpec, normalise, summarise

CORE_3 = CriterionSpec(id=1, weight=Decimal(2), scale_min=0, scale_max=3, is_core=True)
CORE_1 = CriterionSpec(id=2, weight=Decimal(2), scale_min=0, scale_max=3, is_core=True)
COMP_NA = CriterionSpec(id=3, weight=Decimal(1), scale_min=0, scale_max=3, is_core=False)
COMP_0_5 = CriterionSpec(id=4, weight=Decimal(1), scale_min=0, scale_max=5, is_core=False)


def test_normalise_maps_the_scale_onto_zero_one():
    assert normalise(0, 0, 3) == 0
    assert normalise(3, 0, 3) == 1
    assert normalise(3, 1, 5) == Decimal("0.5")


def test_summarise_excludes_not_applicable_and_renormalises_weights():
    # By hand: 100 × (2·1 + 2·⅓ + 1·0.4) / (2 + 2 + 1) = 61.333…; socles 100 × (2 + ⅔) / 4
    # = 66.666…: stored to ten places, half-up, so that displays round the exact value.
    summary = summarise([CORE_3, CORE_1, COMP_NA, COMP_0_5], {1: 3, 2: 1, 3: None, 4: 2})

    assert summary.total == Decimal("61.3333333333")
    assert summary.core_total == Decimal("66.6666666667")
    assert (summary.scored, summary.criteria) == (3, 4)
    assert (summary.core_scored, summary.core_criteria) == (2, 2)


def test_summarise_with_nothing_scored_has_no_total():
    summary = summarise([CORE_3, COMP_NA], {3: None})

    assert summary.total is None
    assert summary.core_total is None
    assert summary.scored == 0
