"""The dashboards' filters."""

from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.forms.search import ValidFiltersMixin, search_field
from projects.models import HIDDEN_PROJECT_STATUSES, Outcome, ProjectStatus, TerritorySummary
from territories.forms import QuickSelect
from territories.models import Departement, Region

VISIBLE_STATUSES = [
    (value, label) for value, label in ProjectStatus.choices if value not in HIDDEN_PROJECT_STATUSES
]


class RankingFilterForm(ValidFiltersMixin, forms.Form):
    """The call dashboard's search and filters; an invalid filter is ignored, an invalid
    search reported at its field. The territories offered are the call's: those of its
    scope and of its projects, never all 18 régions and 101 départements. One choice,
    région or département, so that the two cannot contradict each other."""

    q = search_field()
    territory = forms.ChoiceField(
        label=gettext_lazy("Territoire"), required=False, widget=QuickSelect
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Statut"),
        required=False,
        widget=QuickSelect,
        choices=[("", gettext_lazy("Tous"))] + VISIBLE_STATUSES,
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("Décision"),
        required=False,
        widget=QuickSelect,
        choices=[("", gettext_lazy("Toutes")), ("none", gettext_lazy("Sans décision"))]
        + list(Outcome.choices),
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "q":
                field.widget.attrs["class"] = "form-select"
        # The territories of the call's visible projects, from its territory summaries (a
        # row per territory, kept on write): never a scan of the call's projects.
        present = TerritorySummary.objects.filter(call=call, submitted__gt=0)
        regions = list(
            Region.objects.filter(
                Q(calls=call)
                | Q(departements__calls=call)
                | Q(code__in=present.values("region_code"))
            )
            .distinct()
            .order_by("position")
            .values_list("code", "name")
        )
        departements = list(
            Departement.objects.filter(
                Q(calls=call)
                | Q(region__calls=call)
                | Q(code__in=present.values("departement_code"))
            )
            .distinct()
            .order_by("position")
            .values_list("code", "name")
        )
        self.fields["territory"].choices = [
            ("", _("Tous")),
            (_("Régions"), regions),
            (_("Départements"), [(code, f"{name} ({code})") for code, name in departements]),
        ]


# Past any real call (50 rows a page): a larger page number is a typing or probing error.
MAX_PAGE = 100_000
# INSEE codes of régions and départements: "32", "2A", "971".
TERRITORY_CODE = RegexValidator(r"^[0-9]{1,3}$|^2[AB]$")


class DashboardQueryForm(forms.Form):
    """The parameters the dashboards read from links rather than from their filter form:
    checked here, so that a bad one falls back to the default or answers 404, never reaches
    the database as it came."""

    page = forms.IntegerField(min_value=1, max_value=MAX_PAGE, required=False)
    call = forms.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    region = forms.CharField(max_length=3, required=False, validators=[TERRITORY_CODE])
    departement = forms.CharField(max_length=3, required=False, validators=[TERRITORY_CODE])

    def value(self, name, default=None):
        """The parameter if it is valid, `default` if absent or invalid."""
        self.is_valid()
        if name in self.errors:
            return default
        return self.cleaned_data.get(name) or default

    def invalid(self, name) -> bool:
        self.is_valid()
        return name in self.errors
