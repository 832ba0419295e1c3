"""Forms of calls: their settings, and the public list's filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import ConstraintErrorsAtFieldsMixin, SubmitOnceMixin
from grid.models import GridVersion
from projects.forms.search import ValidFiltersMixin, search_field
from projects.models import Call
from territories.forms import CommaDecimalField
from territories.models import Departement, Region

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CallForm(ConstraintErrorsAtFieldsMixin, SubmitOnceMixin, forms.ModelForm):
    """Call settings. Date-times are typed and shown in Europe/Paris (the active time zone)
    and stored in UTC."""

    constraint_field = {"projects_call_opens_before_closes": "closes_at"}

    eligibility = forms.CharField(
        label=_("Liste d'éligibilité"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Un critère par ligne ; le porteur devra cocher chacun avant de déposer."),
    )

    class Meta:
        model = Call
        fields = [
            "title",
            "description",
            "grid_version",
            "regions",
            "departements",
            "opens_at",
            "closes_at",
            "max_amount",
            "budget_envelope",
            "funding_target",
            "self_assessment_policy",
            "reviewer_visibility",
            "blind_mode",
            "feedback_policy",
            "review_deadline",
            "reminder_offsets",
            "escalation_days",
            "draft_reminder_days",
        ]
        field_classes = {"max_amount": CommaDecimalField, "budget_envelope": CommaDecimalField}
        widgets = {
            "review_deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "opens_at": DATETIME_INPUT,
            "closes_at": DATETIME_INPUT,
            "regions": forms.SelectMultiple(attrs={"size": 8}),
            "departements": forms.SelectMultiple(attrs={"size": 10}),
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "regions": _("Laissez régions et départements vides pour un appel national."),
            "opens_at": _("Heure de Paris."),
            "closes_at": _("Heure de Paris."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid_version"].queryset = (
            GridVersion.objects.published().select_related("grid").order_by("grid", "-number")
        )
        self.fields["regions"].queryset = Region.objects.order_by("position")
        self.fields["departements"].queryset = Departement.objects.order_by("position")
        for name in ("opens_at", "closes_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        if self.instance.pk:
            self.initial["eligibility"] = "\n".join(
                self.instance.eligibility_items.values_list("label", flat=True)
            )
            if not self.instance.is_draft:
                self.fields["grid_version"].disabled = True
                self.fields["grid_version"].help_text = _("Figée depuis l'ouverture de l'appel.")
                self.fields["eligibility"].disabled = True

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("once", None)
        data["eligibility"] = data.pop("eligibility", "").splitlines()
        return data


def departement_outside_region(departement, region) -> str:
    """The message when a département is chosen with a région it is not in: said, never
    silently resolved one way or the other."""
    return _(
        "Le département %(departement)s n'est pas dans la région %(region)s : "
        "choisissez l'un de ses départements ou une seule des deux."
    ) % {"departement": f"{departement.name} ({departement.code})", "region": region.name}


class CallFilterForm(ValidFiltersMixin, forms.Form):
    """The public list's search and filters. A département outside the chosen région is
    reported at the field and left out; the région still applies."""

    q = search_field()
    region = forms.ModelChoiceField(
        label=_("Région"), queryset=Region.objects.order_by("position"), required=False
    )
    departement = forms.ModelChoiceField(
        label=_("Département"), queryset=Departement.objects.order_by("position"), required=False
    )

    def clean(self):
        data = super().clean()
        region, departement = data.get("region"), data.get("departement")
        if region and departement and departement.region_id != region.pk:
            self.add_error("departement", departement_outside_region(departement, region))
        return data
