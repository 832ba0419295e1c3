import uuid

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import LegalForm, Organisation, Role, User
from accounts.validators import clean_rna, clean_siren_or_siret
from territories.forms import CommuneField


class SubmitOnceMixin(forms.Form):
    """A hidden one-time key: `accounts.services.create_once` creates once per key, so that
    a double click or a resent form does not create twice."""

    once = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)


def constraint_fields(constraint) -> list[str]:
    """The fields a model constraint is about, in the order its condition names them (the
    first is the one a person corrects: the threshold of "threshold within the scale")."""
    names = list(getattr(constraint, "fields", ()) or ())

    def walk(node):
        for child in node.children:
            if isinstance(child, Q):
                walk(child)
            else:
                name = child[0].split("__")[0]
                if name not in names:
                    names.append(name)

    if getattr(constraint, "condition", None) is not None:
        walk(constraint.condition)
    for expression in getattr(constraint, "expressions", ()):
        for node in expression.flatten():
            if isinstance(node, F) and node.name not in names:
                names.append(node.name)
    return names


class ConstraintErrorsAtFieldsMixin:
    """Shows a model constraint's message at the field it is about rather than in a banner
    above the form (Django puts every check constraint's message there): at the first field
    the constraint names that the form has, or at the one `constraint_field` says."""

    constraint_field: dict[str, str] = {}

    def _update_errors(self, errors):
        error_dict = getattr(errors, "error_dict", None)
        if error_dict and NON_FIELD_ERRORS in error_dict:
            fields_by_message = {
                constraint.get_violation_error_message(): [
                    *filter(None, [self.constraint_field.get(constraint.name)]),
                    *constraint_fields(constraint),
                ]
                for constraint in self._meta.model._meta.constraints
            }
            kept = []
            for error in error_dict.pop(NON_FIELD_ERRORS):
                target = next(
                    (
                        name
                        for name in fields_by_message.get(str(error.message), ())
                        if name in self.fields
                    ),
                    NON_FIELD_ERRORS,
                )
                if target == NON_FIELD_ERRORS:
                    kept.append(error)
                else:
                    error_dict.setdefault(target, []).append(error)
            if kept:
                error_dict[NON_FIELD_ERRORS] = kept
        super()._update_errors(errors)


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
            "Seulement si votre structure est déjà inscrite : ses gestionnaires reçoivent votre "
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
                    "Cette structure est déjà inscrite sur Évalis : un de ses gestionnaires "
                    "peut vous inviter depuis la page « Membres » de la structure. Cochez "
                    "« Prévenir ses gestionnaires » pour leur demander une invitation."
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


class OrganisationForm(ConstraintErrorsAtFieldsMixin, SiretFieldMixin, forms.ModelForm):
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
        fields = ["name", "legal_form", "siret", "rna", "commune", "esus_agreement_date"]
        widgets = {
            "esus_agreement_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean_rna(self):
        value = self.cleaned_data.get("rna", "")
        return clean_rna(value) if value.strip() else ""

    def clean(self):
        cleaned = super().clean()
        # An association's subsidies are published under its SIRET or its RNA number.
        if (
            cleaned.get("legal_form") == LegalForm.ASSOCIATION
            and not cleaned.get("siret")
            and not cleaned.get("rna")
            and "rna" not in self.errors
        ):
            self.add_error(
                "rna",
                _("Une association indique son numéro RNA (W suivi de 9 chiffres) ou son SIRET."),
            )
        return cleaned


class NotificationsForm(ConstraintErrorsAtFieldsMixin, forms.ModelForm):
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
        help_texts = {"language": _("La langue des pages et des e-mails.")}


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
