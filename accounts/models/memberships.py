"""Who belongs to which organisation, and with which role."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models.organisations import Organisation
from accounts.models.users import User


class Role(models.TextChoices):
    """What a membership lets a person do in an organisation. Platform administrators are
    staff users (`is_staff`), not members of an organisation."""

    FUNDER = "funder", _("Financeur (gestionnaire d'appels)")
    REVIEWER = "reviewer", _("Évaluateur")
    HOLDER = "holder", _("Porteur de projet")


class Membership(models.Model):
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("utilisateur")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("depuis le"), auto_now_add=True)

    class Meta:
        verbose_name = _("adhésion")
        verbose_name_plural = _("adhésions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                name="accounts_membership_unique",
                violation_error_message=_("Cette personne a déjà ce rôle dans cette structure."),
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="accounts_membership_role_valid",
                violation_error_message=_("Choisissez un rôle de la liste."),
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"
