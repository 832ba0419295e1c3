"""Forms of projects: the sectioned project form, attachments and co-holders."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import ConstraintErrorsAtFieldsMixin
from projects.models import Call, EligibilityItem, Project
from projects.services import PROJECT_FIELDS
from territories.forms import CommaDecimalField, CommuneField
from territories.typography import format_euros

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


PROJECT_SECTIONS = [
    (_("Le projet"), ["organisation", "title", "summary", "stage"]),
    (_("Besoin et réponse"), ["social_need", "solution", "beneficiaries", "partners"]),
    (_("Territoire"), ["commune", "scope_level"]),
    (_("Budget et emplois"), ["budget", "amount_requested", "jobs_created"]),
    (_("Éligibilité"), ["eligibility"]),
]


class ProjectForm(ConstraintErrorsAtFieldsMixin, forms.ModelForm):
    """The project form, rendered in sections. Nothing but the title is required to save a
    draft; completeness is checked at submission."""

    commune = CommuneField(required=False)
    eligibility = forms.ModelMultipleChoiceField(
        label=_("J'atteste que le projet remplit ces conditions"),
        queryset=EligibilityItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Project
        fields = list(PROJECT_FIELDS)  # the service saves exactly these
        field_classes = {"budget": CommaDecimalField, "amount_requested": CommaDecimalField}
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ("summary", "social_need", "solution", "beneficiaries", "partners")
        }

    def __init__(self, *args, call: Call, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        if organisations is not None and len(organisations) > 1:
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("Structure porteuse"), queryset=organisations
            )
        self.fields["eligibility"].queryset = call.eligibility_items.all()
        if self.instance.pk:
            self.initial["eligibility"] = list(
                self.instance.eligibility_confirmed.values_list("pk", flat=True)
            )
        if call.max_amount is not None:
            self.fields["amount_requested"].help_text = _("%(max)s au plus pour cet appel.") % {
                "max": format_euros(call.max_amount)
            }

    def sections(self):
        return [
            (title, [self[name] for name in names if name in self.fields])
            for title, names in PROJECT_SECTIONS
        ]


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Pièce jointe (PDF, 10 Mo au plus)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class CoHolderForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail du collègue"),
        help_text=_("Un porteur de votre structure, déjà inscrit."),
    )
