"""The search box: one field, shared by every list that has one."""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.selectors.search import MAX_QUERY_LENGTH


def search_field() -> forms.CharField:
    """The `q` field: a few words, at most MAX_QUERY_LENGTH characters; NUL bytes are refused
    (Django's CharField does), with a French message at the field."""
    return forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control"}),
    )


class ValidFiltersMixin:
    """For a form of filters: each valid field applies, a wrong one is left out alone (and
    reported at its field), so that one bad value does not drop the others."""

    def filters(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data


class SearchForm(forms.Form):
    """A list's search box (`?q=`); an invalid search is reported and ignored."""

    q = search_field()

    def query(self) -> str:
        """The search if it is valid, "" otherwise."""
        return self.cleaned_data.get("q", "") if self.is_valid() else ""
