"""French typography, in one place (issue 21): dates ("1er décembre 2026", "10 janv. 2027"),
amounts in euros and percentages with a non-breaking space, file sizes in Ko and Mo, and
decimals typed with a comma. Figures themselves are rounded and written by
`territories.figures` (half-up, thousands separated by a non-breaking space, the minus sign
"−"); this module builds on it. In another language than French, Django's formats apply.

Template filters of the same names (`territories.templatetags.typography`) are built in: every
template may use them without `{% load %}`.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils import dateformat, timezone
from django.utils.translation import get_language, ngettext, pgettext

from territories.figures import DASH, format_figure

NBSP = "\u00a0"  # before : and in "10 Mo", "30 000 €", "50 %"

# The abbreviations of the Imprimerie nationale (and of CLDR): Django's French catalogue has
# "jan." and "fév.", which a French reader does not write.
FRENCH_MONTHS_SHORT = {
    1: "janv.",
    2: "févr.",
    3: "mars",
    4: "avr.",
    5: "mai",
    6: "juin",
    7: "juil.",
    8: "août",
    9: "sept.",
    10: "oct.",
    11: "nov.",
    12: "déc.",
}


def _date_formats() -> dict[str, str]:
    """Django date formats by style; {day} and {month} are put in by `format_date` (the
    ordinal "1er" and the short month that Django's format characters cannot give)."""
    return {
        "long": pgettext("date style", "{day} F Y"),
        "short": pgettext("date style", "{day} {month} Y"),
        "long_time": pgettext("date style", "{day} F Y à H:i"),
        "short_time": pgettext("date style", "{day} {month} Y, H:i"),
        "weekday_time": pgettext("date style", "l {day} F Y, H:i"),
    }


def _french() -> bool:
    return (get_language() or "fr").startswith("fr")


def _literal(text: str) -> str:
    """`text` escaped for a Django date format: no letter of it is read as a format code."""
    return "".join("\\" + char for char in text)


def format_date(value, style: str = "long") -> str:
    """A date or date-time in words: "1er décembre 2026", "10 janv. 2027", "1er décembre 2026
    à 09:00" (styles: long, short, long_time, short_time, weekday_time). An aware date-time
    is shown in the current time zone (Europe/Paris). "" for no value."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if _french():
        day = "1er" if value.day == 1 else str(value.day)
        month = FRENCH_MONTHS_SHORT[value.month]
    else:
        day, month = str(value.day), dateformat.format(value, "N")
    pattern = _date_formats()[style]
    pattern = pattern.replace("{day}", _literal(day)).replace("{month}", _literal(month))
    return dateformat.format(value, pattern)


def format_euros(value, places: int = 0, *, separators=None) -> str:
    """An amount: "30 000 €" (non-breaking spaces), "−1 250,50 €"; "—" for no amount.
    `separators`: as `format_figure` takes them, for a page that writes many."""
    if value in (None, ""):
        return DASH
    return f"{format_figure(value, places, separators=separators)}{NBSP}€"


def format_percent(value, places: int = 0) -> str:
    """A percentage given in points: "50 %", "12,5 %"; "—" for none."""
    if value in (None, ""):
        return DASH
    return f"{format_figure(value, places)}{NBSP}%"


KILO = 1024


def format_file_size(size) -> str:
    """A file's size the French way: "512 octets", "20,5 Ko", "3,2 Mo" (Django's
    `filesizeformat` writes "Kio" in French)."""
    if size in (None, ""):
        return DASH
    size = int(size)
    if size < KILO:
        return ngettext("%(n)s octet", "%(n)s octets", size) % {"n": format_figure(size)}
    if size < KILO * KILO:
        return pgettext("file size", "%(n)s Ko") % {"n": _one_decimal(size, KILO)}
    return pgettext("file size", "%(n)s Mo") % {"n": _one_decimal(size, KILO * KILO)}


def _one_decimal(size: int, unit: int) -> str:
    return format_figure(Decimal(size) / unit, 1)


# What people type for a decimal: "1,5", "1.5", "1 250,75" (spaces, non-breaking or not, as
# thousands separators), "−2" with a real minus sign.
_SPACES = re.compile(r"[\s\u00a0\u202f]")


def parse_decimal(text) -> Decimal | None:
    """The number a person typed, with a comma or a dot as the decimal mark and any spaces
    between thousands: "1,5" is 1.5, never 15. None when it is not a number."""
    if text is None:
        return None
    cleaned = _SPACES.sub("", str(text)).replace("−", "-")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None
