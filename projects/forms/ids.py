"""Ids sent by forms and links (checkboxes, "remove" buttons), checked before any query: an id
that is not a positive integer that fits the database's key is no id at all."""

from django import forms

MAX_ID = 2**63 - 1


class IdForm(forms.Form):
    id = forms.IntegerField(min_value=1, max_value=MAX_ID)


def posted_id(value) -> int | None:
    """The id `value` stands for, or None (empty, text, negative, too large, 5,000 digits)."""
    form = IdForm({"id": value if isinstance(value, str) else ""})
    return form.cleaned_data["id"] if form.is_valid() else None


def posted_ids(values) -> list[int]:
    """The valid ids among `values`, each once, in order; the others are ignored."""
    ids = (posted_id(value) for value in values)
    return list(dict.fromkeys(value for value in ids if value is not None))
