"""The one rounding of figures: half-up from the exact value, French text."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import translation
from django.utils.formats import number_format
from hypothesis import given, settings
from hypothesis import strategies as st

from territories.figures import format_figure, half_up


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Fraction(64125, 1000), 2, Decimal("64.13")),  # a tie goes up, never to even
        (Decimal("62.5"), 0, Decimal("63")),  # 62,5 % → 63 %, not the banker's 62
        (Decimal("76.19"), 1, Decimal("76.2")),  # rounded, never truncated to 76,1
        (Fraction(64048, 1000), 1, Decimal("64.0")),  # once: not 64,05 then 64,1
        (Fraction(1, 3), 2, Decimal("0.33")),
        (Fraction(-1005, 100), 1, Decimal("-10.1")),  # ties away from zero
        (Fraction(-1, 3), 1, Decimal("-0.3")),
        (2, 2, Decimal("2.00")),
        (0.5, 0, Decimal("1")),
    ],
)
def test_half_up_rounds_the_exact_value_once(value, places, expected):
    assert half_up(value, places) == expected


def test_half_up_of_no_value_is_none():
    assert half_up(None, 2) is None


def test_format_figure_writes_french_numbers():
    assert format_figure(Fraction(64125, 1000), 2) == "64,13"
    assert format_figure(1250, 0) == "1\u00a0250"
    assert format_figure(Fraction(25, 3), 1, signed=True) == "+8,3"
    assert format_figure(Fraction(-7, 2), 1, signed=True) == "−3,5"
    assert format_figure(Fraction(-1, 1000), 1, signed=True) == "0,0"  # never "−0,0"
    assert format_figure(None, 2) == "—"


@given(
    value=st.fractions(min_value=-(10**12), max_value=10**12),
    places=st.integers(min_value=0, max_value=3),
    grouping=st.booleans(),
    language=st.sampled_from(["fr", "en"]),
)
@settings(max_examples=300, deadline=None)
def test_figures_write_numbers_as_django_does(value, places, grouping, language):
    """The separators read once per language write what Django's number_format writes."""
    with translation.override(language):
        rounded = half_up(value, places)
        expected = number_format(
            abs(rounded), decimal_pos=places, use_l10n=True, force_grouping=grouping
        )
        written = format_figure(value, places, grouping=grouping)
    assert written.lstrip("−") == expected
    assert written.startswith("−") == (rounded < 0)
