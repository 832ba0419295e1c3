"""Exact statistics of lists of totals (design §4)."""

from decimal import Decimal
from fractions import Fraction as F

from projects.statistics import Spread, median, sample_variance, square_root
from territories.figures import half_up


def test_spread_of_two_reviewers_twenty_points_apart():
    spread = Spread.of([F(40), F(60)])

    assert (spread.count, spread.mean, spread.median) == (2, 50, 50)
    assert (spread.minimum, spread.maximum, spread.range) == (40, 60, 20)
    # Sample standard deviation: √((10² + 10²) / (2 − 1)) = 14.142…, not the population 10.
    assert half_up(spread.std_dev, 2) == Decimal("14.14")


def test_spread_under_two_values_has_no_standard_deviation():
    assert Spread.of([F(70)]).std_dev is None
    empty = Spread.of([])
    assert (empty.count, empty.mean, empty.median, empty.range, empty.std_dev) == (
        0,
        None,
        None,
        None,
        None,
    )


def test_median_of_an_even_count_is_the_mean_of_the_middle_values():
    assert median([F(3), F(1), F(4), F(2)]) == F(5, 2)
    assert median([F(3), F(1), F(2)]) == 2


def test_square_root_keeps_a_tie_exact():
    # 12.345² = 152.399025: its root must round to 12.35 (half-up), never 12.34.
    assert half_up(square_root(F(152399025, 1000000)), 2) == Decimal("12.35")
    assert sample_variance([F(1), F(2), F(3)]) == 1
