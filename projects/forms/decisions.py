"""The funder's decision form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.models import Decision, Outcome

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["outcome", "amount_granted", "motivation"]
        widgets = {"motivation": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"amount_granted": _("Pour un projet retenu seulement.")}

    def clean(self):
        cleaned = super().clean()
        # Money goes to selected projects only: an amount typed before changing one's mind
        # is dropped rather than refused.
        if cleaned.get("outcome") != Outcome.SELECTED:
            cleaned["amount_granted"] = None
            self.instance.amount_granted = None
        return cleaned
