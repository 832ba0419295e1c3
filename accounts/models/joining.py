"""How people come in: a sign-up waiting for its e-mail address to be confirmed, and an
invitation into an organisation."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models.memberships import Role
from accounts.models.organisations import LegalForm, Organisation
from accounts.models.users import User


class SignupRequest(models.Model):
    """A sign-up waiting for its address to be confirmed. Nothing exists for the person
    until they follow the e-mailed link (`accounts.onboarding.signup_confirm`): someone who
    types another's address never creates or blocks that person's account. A request for an
    address that already has an account is recorded with `existing` (no password kept) and
    only e-mails the owner of the address."""

    email = models.EmailField(_("adresse e-mail"), db_index=True)
    existing = models.BooleanField(_("adresse déjà inscrite"), default=False)
    full_name = models.CharField(_("nom complet"), max_length=150, blank=True)
    # The password's hash, as User.password stores it; empty when `existing`.
    password = models.CharField(_("mot de passe"), max_length=128, blank=True)
    organisation_name = models.CharField(_("nom de la structure"), max_length=200, blank=True)
    legal_form = models.CharField(
        _("forme juridique"), max_length=20, choices=LegalForm.choices, blank=True
    )
    siret = models.CharField(_("SIREN ou SIRET"), max_length=14, blank=True)
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compte créé"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("demande d'inscription")
        verbose_name_plural = _("demandes d'inscription")

    def __str__(self):
        return self.email


class OrganisationInvitation(models.Model):
    """An organisation's manager invites a colleague by e-mail with a role; the signed link
    (`accounts.membership.invitation_token`) works once, until it expires or is cancelled."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("adresse e-mail"))
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invité par"),
    )
    created_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acceptée par"),
    )
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation dans une structure")
        verbose_name_plural = _("invitations dans une structure")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="accounts_organisationinvitation_role_valid",
                violation_error_message=_("Choisissez un rôle de la liste."),
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation}"
