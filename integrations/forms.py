from django import forms
from django.utils.translation import gettext_lazy as _

from integrations.models import MAPPABLE_FIELDS


class DemarcheConnectForm(forms.Form):
    number = forms.IntegerField(
        label=_("Numéro de la démarche"),
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("Le numéro affiché dans l'adresse de la démarche sur Démarche numérique."),
    )
    token = forms.CharField(
        label=_("Jeton d'accès à l'API"),
        max_length=500,
        required=False,
        strip=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_(
            "Créé dans Démarche numérique (« Mon profil › Jetons d'API »), limité à cette "
            "démarche si possible. Conservé chiffré ; laissez vide pour garder l'actuel."
        ),
    )


class DemarcheMapForm(forms.Form):
    """One choice per project field: the démarche's champ that fills it."""

    row_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31)

    def __init__(self, *args, descriptors, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— aucun —"))] + [
            (item["id"], f"{item['label']} ({item['type']})") for item in descriptors
        ]
        for field, (_kind, label) in MAPPABLE_FIELDS.items():
            self.fields[field] = forms.ChoiceField(label=label, choices=choices, required=False)
        self.fields["title"].required = True

    def field_map(self) -> dict:
        return {field: self.cleaned_data.get(field, "") for field in MAPPABLE_FIELDS}


class DemarcheWriteBackForm(forms.Form):
    """Writing published decisions back: in whose name, and whether at all."""

    row_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31)
    instructeur_id = forms.CharField(
        label=_("Identifiant de l'instructeur"),
        max_length=100,
        required=False,
        strip=True,
        help_text=_(
            "Démarche numérique enregistre chaque décision au nom d'un instructeur de la "
            "démarche. Son identifiant (une suite de lettres et de chiffres, par exemple "
            "« SW5zdHJ1Y3RldXItNDI= ») est affiché dans Démarche numérique, « Mon profil », "
            "rubrique « Jetons d'API » (identifiant pour l'API GraphQL) : copiez-le tel quel."
        ),
    )
    write_back = forms.BooleanField(
        label=_("Reporter les décisions publiées dans Démarche numérique"),
        required=False,
        help_text=_(
            "Un projet retenu y est accepté, un projet non retenu y est refusé, avec la "
            "motivation de la décision ; le porteur en est averti par Démarche numérique. "
            "Les décisions déjà publiées sont reportées aussi. La liste d'attente n'y a pas "
            "d'équivalent : elle n'est pas reportée."
        ),
    )
