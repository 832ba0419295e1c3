"""The agreement statistics against the published worked examples, to the precision printed,
and the fast forms against the textbook coincidence matrix on random data."""

import numpy as np
import pytest

from projects.agreement import (
    INTERVAL,
    METRICS,
    NOMINAL,
    ORDINAL,
    RATIO,
    Ratings,
    alpha_from_coincidences,
    bootstrap_alpha,
    coincidence_matrix,
    icc,
    krippendorff_alpha,
    ratings_needed,
    spearman_brown,
)

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C: four
# observers, twelve units, missing values ("." in the paper) left out.
KRIPPENDORFF_2011 = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}
KRIPPENDORFF_2011_ALPHAS = {NOMINAL: 0.743, ORDINAL: 0.815, INTERVAL: 0.849, RATIO: 0.797}

# Shrout & Fleiss (1979), Table 2: six targets rated by four judges.
SHROUT_FLEISS_1979 = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]


def _krippendorff_ratings() -> Ratings:
    return Ratings.of(
        (unit, observer, value)
        for observer, values in KRIPPENDORFF_2011.items()
        for unit, value in enumerate(values, start=1)
        if value is not None
    )


def _shrout_fleiss_ratings() -> Ratings:
    return Ratings.of(
        (target, judge, value)
        for target, row in enumerate(SHROUT_FLEISS_1979, start=1)
        for judge, value in enumerate(row, start=1)
    )


@pytest.mark.parametrize("metric", METRICS)
def test_krippendorff_alpha_reproduces_the_2011_worked_example(metric):
    ratings = _krippendorff_ratings()

    alpha = krippendorff_alpha(ratings.unit, ratings.value, metric)

    assert round(alpha, 3) == KRIPPENDORFF_2011_ALPHAS[metric]


@pytest.mark.parametrize("metric", METRICS)
def test_coincidence_matrix_gives_the_2011_worked_example(metric):
    ratings = _krippendorff_ratings()

    levels, matrix = coincidence_matrix(ratings.unit, ratings.value)

    assert list(levels) == [1, 2, 3, 4, 5]
    # The paper's marginals n_c and total n (unit 12 has one value: not pairable).
    assert matrix.sum(axis=1) == pytest.approx([9, 13, 10, 5, 3])
    assert matrix[0] == pytest.approx([7, 4 / 3, 1 / 3, 1 / 3, 0])
    assert (
        round(alpha_from_coincidences(levels, matrix, metric), 3)
        == (KRIPPENDORFF_2011_ALPHAS[metric])
    )


@pytest.mark.parametrize("metric", METRICS)
def test_krippendorff_alpha_fast_forms_equal_the_coincidence_matrix_on_random_data(metric):
    rng = np.random.default_rng(14)
    units = rng.integers(0, 40, size=150)
    values = rng.integers(1, 8, size=150).astype(float)

    levels, matrix = coincidence_matrix(units, values)

    assert krippendorff_alpha(units, values, metric) == pytest.approx(
        alpha_from_coincidences(levels, matrix, metric), abs=1e-12
    )


def test_krippendorff_alpha_is_one_for_perfect_agreement_and_none_without_variation():
    assert krippendorff_alpha([1, 1, 2, 2], [3, 3, 5, 5], INTERVAL) == pytest.approx(1.0)
    assert krippendorff_alpha([1, 1, 2, 2], [3, 3, 3, 3], INTERVAL) is None
    assert krippendorff_alpha([1, 2, 3], [3, 4, 5], INTERVAL) is None  # nothing pairable


def test_krippendorff_alpha_rejects_an_unknown_metric():
    with pytest.raises(ValueError, match="unknown metric"):
        krippendorff_alpha([1, 1], [1, 2], "cosine")


def test_icc_reproduces_shrout_and_fleiss_1979():
    ratings = _shrout_fleiss_ratings()

    found = icc(ratings.unit, ratings.rater, ratings.value)

    assert found.crossed
    assert found.k == 4
    assert (
        round(found.icc1_1, 2),
        round(found.icc2_1, 2),
        round(found.icc3_1, 2),
        round(found.icc1_k, 2),
        round(found.icc2_k, 2),
        round(found.icc3_k, 2),
    ) == (0.17, 0.29, 0.71, 0.44, 0.62, 0.91)


def test_icc_of_an_incomplete_design_is_one_way_only():
    ratings = _shrout_fleiss_ratings()
    keep = ~((ratings.unit == 0) & (ratings.rater == 3))  # one rating missing

    found = icc(ratings.unit[keep], ratings.rater[keep], ratings.value[keep])

    assert not found.crossed
    assert (found.icc2_1, found.icc3_1, found.icc2_k, found.icc3_k) == (None,) * 4
    assert found.k == pytest.approx((23 - (3 * 3 + 5 * 16) / 23) / 5)
    assert -1 < found.icc1_1 < found.icc1_k < 1


def test_icc_one_way_balanced_equals_the_textbook_formula():
    ratings = _shrout_fleiss_ratings()
    table = np.array(SHROUT_FLEISS_1979, dtype=float)
    bms = 4 * ((table.mean(axis=1) - table.mean()) ** 2).sum() / 5
    wms = ((table - table.mean(axis=1, keepdims=True)) ** 2).sum() / 18

    found = icc(ratings.unit, ratings.rater, ratings.value)

    assert found.icc1_1 == pytest.approx((bms - wms) / (bms + 3 * wms))
    assert found.icc1_k == pytest.approx((bms - wms) / bms)


def test_icc_is_none_under_two_rated_units():
    assert icc([1, 1, 2], ["a", "b", "a"], [1, 2, 3]) is None


def test_spearman_brown_steps_up_the_one_rating_reliability():
    # Shrout & Fleiss: ICC(1,4) is ICC(1,1) stepped up to four judges.
    ratings = _shrout_fleiss_ratings()
    found = icc(ratings.unit, ratings.rater, ratings.value)

    assert spearman_brown(found.icc1_1, 4) == pytest.approx(found.icc1_k)


@pytest.mark.parametrize(
    ("reliability", "needed"),
    [(0.5, 4), (0.8, 1), (0.9, 1), (0.2, 16), (0.17, 20), (0.0, None), (-0.1, None), (None, None)],
)
def test_ratings_needed_to_reach_080(reliability, needed):
    assert ratings_needed(reliability) == needed


def test_ratings_needed_reaches_the_target_and_one_less_does_not():
    for reliability in (0.05, 0.13, 0.29, 0.44, 0.61):
        needed = ratings_needed(reliability)
        assert spearman_brown(reliability, needed) >= 0.8 - 1e-12
        assert spearman_brown(reliability, needed - 1) < 0.8


@pytest.mark.parametrize("metric", [INTERVAL, NOMINAL])
def test_bootstrap_alpha_brackets_alpha_and_is_reproducible(metric):
    rng = np.random.default_rng(3)
    truth = rng.normal(size=60)
    units = np.repeat(np.arange(60), 3)
    values = np.round(truth[units] + rng.normal(scale=0.7, size=180))

    alpha = krippendorff_alpha(units, values, metric)
    low, high = bootstrap_alpha(units, values, metric, samples=300, seed=1)

    assert low < alpha < high
    assert bootstrap_alpha(units, values, metric, samples=300, seed=1) == (low, high)


def test_bootstrap_alpha_is_none_under_two_pairable_units():
    assert bootstrap_alpha([1, 1, 2], [1, 2, 3]) is None
