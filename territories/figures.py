"""The one rounding of every figure shown (design §4): figures travel as exact values
(Fraction, Decimal or int) and are rounded once, here, half-up (ties away from zero, as a
funder rounds by hand), then written the French way. Maps live in this app; the dashboards
above use the same two functions."""

from decimal import Decimal
from fractions import Fraction

from django.utils.formats import number_format

DASH = "—"
MINUS = "−"  # U+2212: a minus sign, not a hyphen


def half_up(value, places: int = 0) -> Decimal | None:
    """`value` rounded to `places` decimals, ties away from zero, from its exact value:
    a Fraction is never converted to a float or a truncated Decimal first."""
    if value is None:
        return None
    if isinstance(value, float):
        # Floats only come from drawing (class breaks); their shortest repr is what is meant.
        value = Decimal(repr(value))
    exact = value if isinstance(value, Fraction) else Fraction(value)
    numerator, denominator = exact.numerator, exact.denominator
    # floor(|x|·10^places + ½), in integers: (2·|n|·10^places + d) // 2d
    units = (2 * abs(numerator) * 10**places + denominator) // (2 * denominator)
    result = Decimal(units).scaleb(-places)
    return -result if numerator < 0 else result


def format_figure(value, places: int = 0, *, signed: bool = False, grouping: bool = True) -> str:
    """The French text of a figure: "64,13", "1 250", "+10,0", "−3,5"; "—" for no value."""
    rounded = half_up(value, places)
    if rounded is None:
        return DASH
    if rounded == 0:
        rounded = abs(rounded)  # no "−0,0"
    text = number_format(abs(rounded), decimal_pos=places, use_l10n=True, force_grouping=grouping)
    if rounded < 0:
        return MINUS + text
    return ("+" + text) if signed and rounded > 0 else text
