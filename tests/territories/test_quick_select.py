"""The list written in Python (`QuickSelect`) is the markup the project's select template
writes, so that a page can switch to it for speed alone."""

import pytest
from django import forms
from django.utils import translation

from territories.forms import QuickSelect

CHOICES = [
    ("", "---------"),
    ("Régions", [("32", "Hauts-de-France"), ("11", "Île-de-France <b>")]),
    ("Départements", [("80", "Somme (80)"), ("2A", 'Corse-du-Sud "2A"')]),
    ("x&y", "Ni l'un & ni l'autre"),
]


@pytest.mark.parametrize("value", ["", "32", "2A", "x&y", "absent"])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_quick_select_writes_what_the_select_template_writes(value, language):
    attrs = {"class": "form-select", "required": True, "disabled": False, "data-x": '<"&>'}
    with translation.override(language):
        expected = forms.Select(attrs=attrs, choices=CHOICES).render("territory", value)
        written = QuickSelect(attrs=attrs, choices=CHOICES).render("territory", value)
    assert written == expected
    assert "&lt;b&gt;" in written
