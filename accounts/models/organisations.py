"""Organisations (funders, reviewers' and holders' structures) and what the registries said
of them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_rna, validate_siren_or_siret


class LegalForm(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    SCOP = "scop", _("SCOP")
    SCIC = "scic", _("SCIC")
    ESUS = "esus", _("Entreprise ESUS")
    COLLECTIVITY = "collectivite", _("Collectivité territoriale")
    STATE = "etat", _("Service de l'État")
    FOUNDATION = "fondation", _("Fondation")
    COMPANY = "entreprise", _("Entreprise")
    OTHER = "autre", _("Autre")


class Organisation(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    legal_form = models.CharField(_("forme juridique"), max_length=20, choices=LegalForm.choices)
    siret = models.CharField(
        _("SIREN ou SIRET"),
        max_length=14,
        blank=True,
        validators=[validate_siren_or_siret],
        help_text=_("9 chiffres (SIREN) ou 14 chiffres (SIRET)."),
    )
    # The open-data file of subsidies (SCDL) names a beneficiary by SIRET or, for an
    # association, by its RNA number.
    rna = models.CharField(
        _("numéro RNA"),
        max_length=10,
        blank=True,
        validators=[validate_rna],
        help_text=_(
            "Pour une association : W suivi de 9 chiffres (Répertoire national des associations)."
        ),
    )
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("commune"),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    # The ESUS agrément (entreprise solidaire d'utilité sociale) has no API: the holder
    # declares it with its date; an administrator checks it (admin action).
    esus_agreement_date = models.DateField(
        _("date de l'agrément ESUS"),
        null=True,
        blank=True,
        help_text=_("Seulement si la structure a l'agrément ESUS : la date de l'arrêté."),
    )
    esus_verified_at = models.DateTimeField(_("agrément ESUS vérifié le"), null=True, blank=True)
    esus_verified_by = models.ForeignKey(
        "User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agrément ESUS vérifié par"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["siret"],
                condition=~models.Q(siret=""),
                name="accounts_organisation_siret_unique",
                violation_error_message=_("Une organisation avec ce numéro existe déjà."),
            ),
        ]

    def __str__(self):
        return self.name


class OrganisationCheck(models.Model):
    """What the registries (API Recherche d'entreprises) said of an organisation's SIREN or
    SIRET, and when: shown to funders as checked facts, apart from what the holder declared
    (accounts.companies)."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="checked_facts",
        verbose_name=_("organisation"),
    )
    siren = models.CharField(_("SIREN"), max_length=9)
    siret = models.CharField(_("SIRET du siège ou de l'établissement"), max_length=14, blank=True)
    name = models.CharField(_("dénomination"), max_length=200)
    nature_juridique = models.CharField(_("catégorie juridique"), max_length=4, blank=True)
    nature_juridique_label = models.CharField(
        _("libellé de la catégorie juridique"), max_length=200, blank=True
    )
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune du siège"),
    )
    is_active = models.BooleanField(_("en activité"), default=True)
    is_ess = models.BooleanField(_("entreprise de l'ESS"), default=False)
    is_siae = models.BooleanField(_("structure d'insertion (SIAE)"), default=False)
    is_association = models.BooleanField(_("association"), default=False)
    rna = models.CharField(_("numéro RNA"), max_length=10, blank=True)
    is_mission_company = models.BooleanField(_("société à mission"), default=False)
    checked_at = models.DateTimeField(_("vérifié le"))

    class Meta:
        verbose_name = _("vérification d'une organisation")
        verbose_name_plural = _("vérifications des organisations")

    def __str__(self):
        return f"{self.name} ({self.siren})"
