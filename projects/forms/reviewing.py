"""The reviewer's form, conflicts, and the call managers' pool and assignment forms."""

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from projects.forms.assessments import NOT_APPLICABLE, AssessmentForm
from projects.models import Opinion
from projects.scoring import comment_required
from projects.services import REVIEW_FIELDS
from territories.forms import CommaDecimalField

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ReviewForm(AssessmentForm):
    """The reviewer's form: the shared criterion rows, then the overall opinion, strengths,
    weaknesses and recommended amount. A low score (the scale's minimum, or under the
    criterion's threshold) needs a justification, checked here so that the error sits next to
    the criterion and everything typed is shown again."""

    def __init__(self, *args, criteria, assessment=None, require_justifications=True, **kwargs):
        """`require_justifications`: False for a draft saved as the reviewer types, which
        keeps a low score whose justification is not written yet."""
        super().__init__(*args, criteria=criteria, assessment=assessment, **kwargs)
        self.fields["opinion"] = forms.ChoiceField(
            label=_("Avis global"),
            choices=[("", _("— à choisir —")), *Opinion.choices],
            required=False,
            widget=forms.Select(attrs={"class": "form-select"}),
            initial=assessment.opinion if assessment else "",
        )
        self.fields["strengths"] = forms.CharField(
            label=_("Points forts"),
            required=False,
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
            initial=assessment.strengths if assessment else "",
        )
        self.fields["weaknesses"] = forms.CharField(
            label=_("Points faibles"),
            required=False,
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
            initial=assessment.weaknesses if assessment else "",
        )
        self.fields["recommended_amount"] = CommaDecimalField(
            label=_("Montant recommandé (€)"),
            required=False,
            min_value=0,
            max_digits=12,
            decimal_places=2,
            widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"}),
            initial=assessment.recommended_amount if assessment else None,
        )
        self.require_justifications = require_justifications

    def comment_hint(self, criterion) -> str:
        """The criterion's own rule, rather than one sentence repeated under 20 fields."""
        if criterion.threshold is not None and criterion.threshold > criterion.scale_min + 1:
            return gettext("Obligatoire pour une note inférieure à %(threshold)s.") % {
                "threshold": criterion.threshold
            }
        return gettext("Obligatoire pour la note %(minimum)s.") % {"minimum": criterion.scale_min}

    def clean(self):
        cleaned = super().clean()
        if not self.require_justifications:
            return cleaned
        for criterion in self.criteria:
            choice = cleaned.get(f"score_{criterion.pk}")
            if not choice or choice == NOT_APPLICABLE:
                continue
            comment = (cleaned.get(f"comment_{criterion.pk}") or "").strip()
            if comment_required(criterion, int(choice)) and not comment:
                self.add_error(
                    f"comment_{criterion.pk}",
                    _("Justifiez cette note : elle est au minimum de l'échelle ou sous le seuil."),
                )
        return cleaned

    def overall_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in REVIEW_FIELDS]

    def review_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in REVIEW_FIELDS}


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Nature du conflit d'intérêts"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Par exemple : lien familial, professionnel ou financier avec le porteur."),
    )


class PoolAddForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail de l'évaluateur"),
        help_text=_(
            "Un évaluateur de votre structure rejoint le vivier ; toute autre personne reçoit "
            "une invitation et ne le rejoint qu'en l'acceptant."
        ),
    )


class AutoAssignForm(forms.Form):
    per_project = forms.IntegerField(
        label=_("Évaluateurs par projet"), min_value=1, max_value=10, initial=3
    )


class InvitationAcceptForm(forms.Form):
    full_name = forms.CharField(label=_("Nom complet"), max_length=150)
    password = forms.CharField(
        label=_("Mot de passe"), widget=forms.PasswordInput, min_length=10, strip=False
    )

    def clean_password(self):
        password = self.cleaned_data["password"]
        validate_password(password)
        return password


class DueDateForm(forms.Form):
    """A due date for the checked assignments; empty gives them the call's deadline back."""

    due_date = forms.DateField(
        label=_("Nouvelle échéance"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Laissez vide pour revenir à la date limite de l'appel."),
    )
    assignments = forms.TypedMultipleChoiceField(
        label=_("Assignations"),
        coerce=int,
        error_messages={"required": _("Cochez au moins une assignation.")},
    )

    def __init__(self, *args, assignment_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignments"].choices = [(pk, pk) for pk in assignment_ids]
