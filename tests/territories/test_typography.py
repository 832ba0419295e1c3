"""French typography (issue 21): one module, `territories.typography`, and its built-in
template filters."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.template import engines
from django.utils import translation

from territories.forms import CommaDecimalField
from territories.typography import (
    format_date,
    format_euros,
    format_file_size,
    format_percent,
    parse_decimal,
)

NBSP = "\u00a0"
PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("value", "style", "text"),
    [
        (datetime.date(2026, 12, 1), "long", "1er décembre 2026"),
        (datetime.date(2026, 12, 2), "long", "2 décembre 2026"),
        (datetime.date(2027, 1, 10), "short", "10 janv. 2027"),
        (datetime.date(2026, 8, 3), "short", "3 août 2026"),
        (datetime.date(2026, 2, 1), "short", "1er févr. 2026"),
        (datetime.date(2026, 6, 5), "short", "5 juin 2026"),
        (datetime.date(2026, 9, 5), "short", "5 sept. 2026"),
        (
            datetime.datetime(2026, 12, 1, 9, 0, tzinfo=PARIS),
            "long_time",
            "1er décembre 2026 à 09:00",
        ),
        (datetime.datetime(2027, 1, 10, 18, 0, tzinfo=PARIS), "short_time", "10 janv. 2027, 18:00"),
        (
            datetime.datetime(2026, 12, 1, 9, 0, tzinfo=PARIS),
            "weekday_time",
            "mardi 1er décembre 2026, 09:00",
        ),
    ],
)
def test_dates_read_the_french_way(value, style, text):
    with translation.override("fr"):
        assert format_date(value, style) == text


def test_an_aware_date_time_is_shown_in_paris_time():
    utc = datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC)

    with translation.override("fr"):
        assert format_date(utc, "long_time") == "1er décembre 2026 à 09:00"


def test_no_date_is_an_empty_text():
    assert format_date(None) == ""


def test_in_english_no_french_ordinal():
    with translation.override("en"):
        assert format_date(datetime.date(2026, 12, 1), "long") == "1 December 2026"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("30000"), f"30{NBSP}000{NBSP}€"),
        (Decimal("1250.5"), f"1{NBSP}251{NBSP}€"),  # half-up, like every figure
        (Decimal("-1250"), f"−1{NBSP}250{NBSP}€"),  # a minus sign, not a hyphen
        (None, "—"),
    ],
)
def test_amounts_in_euros(value, text):
    with translation.override("fr"):
        assert format_euros(value) == text


def test_percentages_hold_their_sign():
    with translation.override("fr"):
        assert format_percent(Decimal("12.5"), 1) == f"12,5{NBSP}%"


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (1, f"1{NBSP}octet"),
        (512, f"512{NBSP}octets"),
        (20_992, f"20,5{NBSP}Ko"),
        (3_355_443, f"3,2{NBSP}Mo"),
    ],
)
def test_file_sizes_in_ko_and_mo(size, text):
    with translation.override("fr"):
        assert format_file_size(size) == text


def test_in_english_file_sizes_and_times_read_the_english_way():
    """The catalogue's msgids must be the very strings the code asks for: a "\\u00a0" escape
    in the source was once extracted as six letters, and the English never showed."""
    with translation.override("en"):
        assert format_file_size(512) == f"512{NBSP}bytes"
        assert format_file_size(20_992) == f"20.5{NBSP}KB"
        assert format_file_size(3_355_443) == f"3.2{NBSP}MB"
        assert format_date(datetime.datetime(2026, 12, 1, 9, 0), "long_time") == (
            "1 December 2026, 09:00"
        )


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("1,5", Decimal("1.5")),
        ("1.5", Decimal("1.5")),
        (f"1{NBSP}250,50", Decimal("1250.50")),
        ("1\u202f250,50", Decimal("1250.50")),
        ("1 250", Decimal("1250")),
        ("−2", Decimal("-2")),
        ("1,5,0", None),
        ("abc", None),
        ("inf", None),
        ("NaN", None),
    ],
)
def test_decimals_typed_with_a_comma_are_read_as_meant(typed, number):
    assert parse_decimal(typed) == number


def test_a_comma_decimal_field_reads_a_comma_and_shows_one():
    class AmountForm(forms.Form):
        amount = CommaDecimalField(max_digits=6, decimal_places=2)

    with translation.override("fr"):
        form = AmountForm({"amount": "1,5"})
        assert form.is_valid()
        assert form.cleaned_data["amount"] == Decimal("1.5")
        assert 'value="1,5"' in str(AmountForm(initial={"amount": Decimal("1.5")})["amount"])
        assert 'inputmode="decimal"' in str(form["amount"])
        assert AmountForm({"amount": "1,5,0"}).errors == {"amount": ["Saisissez un nombre."]}
        assert AmountForm({"amount": "9" * 200}).errors == {"amount": ["Saisissez un nombre."]}


def test_filters_are_built_in():
    template = engines["django"].from_string(
        "{{ when|day }} · {{ when|day:'short' }} · {{ amount|euros }} · {{ size|file_size }}"
    )

    with translation.override("fr"):
        text = template.render(
            {"when": datetime.date(2026, 12, 1), "amount": Decimal("30000"), "size": 20_992}
        )

    assert text == f"1er décembre 2026 · 1er déc. 2026 · 30{NBSP}000{NBSP}€ · 20,5{NBSP}Ko"


def test_an_empty_choice_reads_choisir():
    class PickForm(forms.Form):
        pick = forms.ChoiceField(choices=[("", "---------"), ("a", "A")])

    with translation.override("fr"):
        html = str(PickForm()["pick"])

    assert "---------" not in html
    assert '<option value="" selected>— Choisir —</option>' in html
