"""A commune picked by name or postal code, with or without JavaScript; a decimal typed the
French way; a list written without its template."""

import re

from django import forms
from django.urls import reverse_lazy
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from territories.models import Commune
from territories.text import normalise
from territories.typography import parse_decimal

# A picked label: "Amiens (80000)"; an INSEE code typed, alone or after a label (labels
# used to end with it: "Amiens (80000) — 80021").
LABEL = re.compile(r"^(?P<name>.+?)\s*\((?P<postal>\d{5})\)$")
CODE_AT_END = re.compile(r"(\d[\dAB]\d{2,3})\s*$")
SUGGESTIONS = 8


def _told_apart(communes) -> list[str]:
    """Their labels; followed by the INSEE code only where two labels are the same (homonyms
    sharing a postal code), which `CommuneField` reads back."""
    labels = [commune.label for commune in communes]
    return [
        f"{commune.label} — {commune.code}" if labels.count(commune.label) > 1 else commune.label
        for commune in communes
    ]


class CommuneField(forms.CharField):
    """A text input with suggestions (datalist filled by htmx). Accepts a picked label, an INSEE
    code, a postal code or a name when either matches exactly one commune; otherwise says which
    communes it could be."""

    def __init__(self, **kwargs):
        # Longer than any commune's label: refused before it reaches a LIKE (SQLite refuses
        # patterns over 50,000 bytes with an error).
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("label", _("Commune"))
        kwargs.setdefault("help_text", _("Tapez le nom ou le code postal, puis choisissez."))
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {
                "list": "commune-suggestions",
                "autocomplete": "off",
                "hx-get": reverse_lazy("territories:commune_search"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#commune-suggestions",
                "hx-swap": "innerHTML",
                "data-commune-input": "",
            }
        )

    def prepare_value(self, value):
        if isinstance(value, Commune):
            return value.label
        if isinstance(value, str) and value and value.isalnum():
            commune = Commune.objects.filter(code=value).first()
            return commune.label if commune else value
        return value

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        label = LABEL.match(text)
        candidates = []
        if label:
            candidates = list(
                Commune.objects.filter(
                    search_name=normalise(label["name"]), postal_codes__contains=label["postal"]
                )[: SUGGESTIONS + 1]
            )
        if not candidates:
            match = CODE_AT_END.search(text)
            if match:
                commune = Commune.objects.filter(code=match.group(1)).first()
                if commune:
                    return commune
            candidates = list(Commune.objects.search(text)[: SUGGESTIONS + 1])
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise forms.ValidationError(
                _("Aucune commune ne correspond à « %(text)s »."),
                code="unknown",
                params={"text": text},
            )
        exact = [
            commune for commune in candidates if commune.search_name == candidates[0].search_name
        ]
        if not text.isdigit() and len(exact) == 1:
            return exact[0]
        raise forms.ValidationError(
            _("Plusieurs communes correspondent à « %(text)s » : précisez parmi %(names)s."),
            code="ambiguous",
            params={
                "text": text,
                "names": ", ".join(_told_apart(candidates[:SUGGESTIONS])),
            },
        )


class CommaDecimalField(forms.DecimalField):
    """A decimal typed with a comma ("1,5", "1 250,50") or a dot, shown with a comma. A text
    input (with the decimal keypad on phones): a browser's number input reads "1,5" as 15
    under an English locale, or refuses it."""

    widget = forms.TextInput
    MAX_TEXT = 100  # longer is not a number anyone typed

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = parse_decimal(value) if len(str(value)) <= self.MAX_TEXT else None
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


def _attributes(attrs: dict) -> str:
    """As templates/django/forms/widgets/attrs.html writes them (escaped)."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuickSelect(forms.Select):
    """Django's list with the markup of the project's select.html (empty choice "— Choisir
    —"), written in Python rather than by the template: a page that renders lists on every
    request (the call dashboard's filters, with up to 120 territories) spends a tenth of
    the time on them."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"', widget["name"]), _attributes(widget["attrs"])]
        parts.append(">")
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                label = option["label"]
                if label == "---------":
                    label = gettext("— Choisir —")
                parts.append(
                    f'\n  <option value="{escape(option["value"])}"'
                    f"{_attributes(option['attrs'])}>{conditional_escape(label)}</option>"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))
