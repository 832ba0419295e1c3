"""The one rounding of every figure shown (design §4): figures travel as exact values
(Fraction, Decimal or int) and are rounded once, here, half-up (ties away from zero, as a
funder rounds by hand), then written the French way. Maps live in this app; the dashboards
above use the same two functions."""

from decimal import Decimal
from fractions import Fraction

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.formats import get_format, number_format
from django.utils.translation import get_language

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


def format_figure(
    value, places: int = 0, *, signed: bool = False, grouping: bool = True, separators=None
) -> str:
    """The French text of a figure: "64,13", "1 250", "+10,0", "−3,5"; "—" for no value.
    `separators`: the language's, from `number_separators()`, for a page that writes many."""
    rounded = half_up(value, places)
    if rounded is None:
        return DASH
    if rounded == 0:
        rounded = abs(rounded)  # no "−0,0"
    text = _localised(abs(rounded), places, grouping, separators or number_separators())
    if rounded < 0:
        return MINUS + text
    return ("+" + text) if signed and rounded > 0 else text


# The active language's separators, read once per language: Django's `number_format` looks
# them up on every call, which made a third of a dashboard page's figure formatting.
_SEPARATORS: dict[str | None, tuple[str, str, object]] = {}


@receiver(setting_changed, dispatch_uid="figures_separators_reset")
def _reset_separators(**kwargs):
    _SEPARATORS.clear()


def number_separators() -> tuple[str, str, object]:
    """The active language's decimal and thousands separators and digit grouping."""
    language = get_language()
    separators = _SEPARATORS.get(language)
    if separators is None:
        separators = _SEPARATORS[language] = (
            get_format("DECIMAL_SEPARATOR", language, True),
            get_format("THOUSAND_SEPARATOR", language, True),
            get_format("NUMBER_GROUPING", language, True),
        )
    return separators


def _localised(value: Decimal, places: int, grouping: bool, separators) -> str:
    """`value` (≥ 0, already rounded to `places`) with `separators`, as
    `number_format(..., use_l10n=True, force_grouping=grouping)` writes it."""
    decimal, thousands, group = separators
    if group != 3:  # a grouping other than by three digits: Django's own formatting
        return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=grouping)
    text = f"{value:{',' if grouping else ''}.{places}f}"
    return text.translate({ord(","): thousands, ord("."): decimal})
