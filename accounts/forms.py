import uuid

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import LegalForm, Organisation, Role, User
from accounts.validators import clean_siren_or_siret
from territories.forms import CommuneField


class SubmitOnceMixin(forms.Form):
    """A hidden one-time key: `accounts.services.create_once` creates once per key, so that
    a double click or a resent form does not create twice."""

    once = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse e-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _(
            "Adresse e-mail ou mot de passe incorrect. Les deux champs tiennent compte des "
            "majuscules."
        ),
        "inactive": _("Ce compte est désactivé."),
    }


class SiretFieldMixin:
    def clean_siret(self):
        value = self.cleaned_data.get("siret", "")
        return clean_siren_or_siret(value) if value.strip() else ""


class HolderSignupForm(SubmitOnceMixin, SiretFieldMixin, forms.Form):
    full_name = forms.CharField(label=_("Nom complet"), max_length=150)
    email = forms.EmailField(
        label=_("Adresse e-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("12 caractères au moins, pas uniquement des chiffres, pas trop courant."),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    organisation_name = forms.CharField(label=_("Nom de la structure"), max_length=200)
    legal_form = forms.ChoiceField(label=_("Forme juridique"), choices=LegalForm.choices)
    siret = forms.CharField(
        label=_("SIREN ou SIRET"),
        max_length=20,
        required=False,
        help_text=_("9 chiffres (SIREN) ou 14 chiffres (SIRET), espaces acceptés."),
    )
    commune = CommuneField()
    ask_to_join = forms.BooleanField(
        label=_("Prévenir ses gestionnaires que je demande à la rejoindre"),
        required=False,
        help_text=_(
            "Seulement si votre structure est déjà inscrite : ses gestionnaires reçoivent votre "
            "nom et votre adresse et peuvent vous inviter."
        ),
    )

    def clean_email(self):
        # Whether the address has an account is never said here (accounts.onboarding).
        return User.objects.normalize_email(self.cleaned_data["email"]).strip().lower()

    def clean_siret(self):
        siret = super().clean_siret()
        self.existing_organisation = (
            Organisation.objects.filter(siret=siret).first() if siret else None
        )
        if self.existing_organisation is not None and not self.data.get("ask_to_join"):
            raise forms.ValidationError(
                _(
                    "Cette structure est déjà inscrite sur Évalis : un de ses gestionnaires "
                    "peut vous inviter depuis la page « Membres » de la structure. Cochez "
                    "« Prévenir ses gestionnaires » pour leur demander une invitation."
                ),
                code="duplicate",
            )
        return siret

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
        elif password1:
            candidate = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class OrganisationForm(SiretFieldMixin, forms.ModelForm):
    commune = CommuneField(required=False)
    # Longer than the 14 digits it keeps: a SIRET is often typed or pasted with spaces.
    siret = forms.CharField(
        label=_("SIREN ou SIRET"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=_("9 chiffres (SIREN) ou 14 chiffres (SIRET), espaces acceptés."),
    )

    class Meta:
        model = Organisation
        fields = ["name", "legal_form", "siret", "commune", "esus_agreement_date"]
        widgets = {
            "esus_agreement_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class NotificationsForm(forms.ModelForm):
    """The optional e-mails a person receives and their language. Assignments, invitations,
    reminders of reviews and decisions always go out."""

    class Meta:
        model = User
        fields = [
            "language",
            "notify_submission_receipt",
            "notify_draft_reminders",
            "notify_submissions_digest",
        ]
        help_texts = {"language": _("Les pages restent en français.")}


class InvitationForm(SubmitOnceMixin, forms.Form):
    """A manager invites a colleague into their organisation."""

    email = forms.EmailField(label=_("Adresse e-mail de la personne"), max_length=254)
    role = forms.ChoiceField(label=_("Rôle"))

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role, Role(role).label) for role in roles]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"))

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role, Role(role).label) for role in roles]


class NewAccountForm(forms.Form):
    """The account an invited person creates for the address the invitation proves."""

    full_name = forms.CharField(label=_("Nom complet"), max_length=150)
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("12 caractères au moins, pas uniquement des chiffres, pas trop courant."),
    )

    def __init__(self, *args, email="", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password"):
            candidate = User(email=self.email, full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(cleaned["password"], candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class OrganisationChoiceForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Structure"), coerce=int)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {organisation.pk: organisation for organisation in organisations}
        self.fields["organisation"].choices = [
            (organisation.pk, organisation.name) for organisation in organisations
        ]
