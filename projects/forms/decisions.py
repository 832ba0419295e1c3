"""The funder's decision forms: a decision (proposed, or corrected once published), a row of
the committee view, and the publication of the call's decisions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import ConstraintErrorsAtFieldsMixin
from projects.models import Decision, Outcome
from territories.forms import CommaDecimalField

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The fields a decision form may send; the rest of a decision is kept as it is.
DECISION_FORM_FIELDS = [
    "outcome",
    "amount_granted",
    "override_reason",
    "motivation",
    "decision_date",
    "reference",
    "aid_nature",
    "payment_terms",
    "payment_dates",
    "budget_share",
]


class DecisionForm(ConstraintErrorsAtFieldsMixin, forms.ModelForm):
    """A proposed decision, or the correction of a published one (`correction_reason` is then
    asked). The checks (amount, envelope, motivation) are the service's; their messages land on
    these fields."""

    correction_reason = forms.CharField(
        label=_("Motif de la correction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Le porteur le lira dans l'e-mail qui annonce la décision corrigée."),
    )

    class Meta:
        model = Decision
        fields = DECISION_FORM_FIELDS
        field_classes = {"amount_granted": CommaDecimalField, "budget_share": CommaDecimalField}
        widgets = {
            "motivation": forms.Textarea(attrs={"rows": 4}),
            "override_reason": forms.Textarea(attrs={"rows": 2}),
            "decision_date": DATE_INPUT,
        }
        help_texts = {
            "amount_granted": _("Pour un projet retenu seulement."),
            "override_reason": _(
                "Seulement pour un montant au-delà du montant demandé, du plafond de l'appel "
                "ou de l'enveloppe."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].widget.attrs["autofocus"] = True
        if not (self.instance.pk and self.instance.is_published):
            del self.fields["correction_reason"]

    def clean(self):
        cleaned = super().clean()
        # Money goes to selected projects only: an amount typed before changing one's mind
        # is dropped rather than refused.
        if cleaned.get("outcome") != Outcome.SELECTED:
            cleaned["amount_granted"] = None
            self.instance.amount_granted = None
        return cleaned

    def _post_clean(self):
        # The service validates and saves; the model's own checks run there, on the values the
        # service settles (an amount dropped for a refusal, a reason kept only when needed).
        pass

    def service_kwargs(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in DECISION_FORM_FIELDS}
        for name in ("override_reason", "motivation", "reference", "payment_dates"):
            data[name] = data[name] or ""
        for name in ("aid_nature", "payment_terms"):
            data[name] = data[name] or ""
        return data


class PublishForm(forms.Form):
    """The decisions to publish (the call's proposed ones) and, when the envelope would be
    exceeded, the reason to publish nonetheless."""

    decisions = forms.ModelMultipleChoiceField(
        label=_("Décisions à publier"),
        queryset=Decision.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins une décision à publier.")},
    )
    override_reason = forms.CharField(
        label=_("Motif du dépassement de l'enveloppe"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, decisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decisions"].queryset = decisions


class CallTransitionForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)
    early = forms.BooleanField(
        label=_("Je confirme passer l'appel en évaluation avant sa date de clôture."),
        required=False,
    )
