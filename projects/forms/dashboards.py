"""The dashboards' filters."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.models import HIDDEN_PROJECT_STATUSES, Outcome, ProjectStatus
from territories.models import Departement, Region

VISIBLE_STATUSES = [
    (value, label) for value, label in ProjectStatus.choices if value not in HIDDEN_PROJECT_STATUSES
]


class RankingFilterForm(forms.Form):
    """The call dashboard's filters; invalid values are ignored rather than reported."""

    territory = forms.ChoiceField(label=gettext_lazy("Territoire"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Statut"),
        required=False,
        choices=[("", gettext_lazy("Tous"))] + VISIBLE_STATUSES,
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("Décision"),
        required=False,
        choices=[("", gettext_lazy("Toutes")), ("none", gettext_lazy("Sans décision"))]
        + list(Outcome.choices),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"
        # Régions then their départements, from two small reference tables.
        regions = list(Region.objects.values_list("code", "name"))
        departements = list(Departement.objects.values_list("code", "name"))
        self.fields["territory"].choices = [
            ("", _("Tous")),
            (_("Régions"), regions),
            (_("Départements"), [(code, f"{name} ({code})") for code, name in departements]),
        ]
