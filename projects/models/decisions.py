"""The funder's decision on a project: proposed (the call's funders only), then published."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from projects.models.submissions import Project


class Outcome(models.TextChoices):
    SELECTED = "selected", _("Retenu")
    WAITLISTED = "waitlisted", _("Liste d'attente")
    REJECTED = "rejected", _("Non retenu")


class DecisionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposée")
    PUBLISHED = "published", _("Publiée")


# The open-data "subventions" file (SCDL) names these values; they are recorded with the
# decision so that it can be produced without retyping.
class AidNature(models.TextChoices):
    CASH = "cash", _("Aide en numéraire")
    IN_KIND = "in_kind", _("Aide en nature")


class PaymentTerms(models.TextChoices):
    SINGLE = "single", _("Versement unique")
    STAGGERED = "staggered", _("Versement échelonné")
    OTHER = "other", _("Autre")


class DecisionQuerySet(models.QuerySet):
    def proposed(self):
        return self.filter(status=DecisionStatus.PROPOSED)

    def published(self):
        """Decisions the holders may know: the only ones that change a project's status."""
        return self.filter(status=DecisionStatus.PUBLISHED)


class Decision(models.Model):
    """The funder's decision on a project: one per project. Proposed, it is a draft that only
    the call's managers see; published, the project takes its outcome and the holders hear."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="decision", verbose_name=_("projet")
    )
    status = models.CharField(
        _("état"),
        max_length=10,
        choices=DecisionStatus.choices,
        default=DecisionStatus.PROPOSED,
    )
    outcome = models.CharField(_("décision"), max_length=10, choices=Outcome.choices)
    amount_granted = models.DecimalField(
        _("montant accordé (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # Why an amount above the amount requested, the call's ceiling or its envelope is meant.
    override_reason = models.TextField(_("motif du dépassement"), blank=True)
    motivation = models.TextField(_("motivation"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("décidé par"),
    )
    decided_at = models.DateTimeField(_("décidé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("publiée par"),
    )
    # For the open-data publication (SCDL "subventions").
    decision_date = models.DateField(
        _("date de la décision"),
        null=True,
        blank=True,
        help_text=_("Date du comité ou de la délibération ; à défaut, le jour de la publication."),
    )
    reference = models.CharField(
        _("référence de la décision"),
        max_length=100,
        blank=True,
        help_text=_("Par exemple le numéro de la délibération."),
    )
    aid_nature = models.CharField(
        _("nature de l'aide"), max_length=10, choices=AidNature.choices, blank=True
    )
    payment_terms = models.CharField(
        _("conditions de versement"), max_length=10, choices=PaymentTerms.choices, blank=True
    )
    payment_dates = models.CharField(
        _("dates ou période de versement"),
        max_length=200,
        blank=True,
        help_text=_("Par exemple « 2027-01-15 ; 2027-06-30 » ou « 2027-01-01/2027-12-31 »."),
    )
    budget_share = models.DecimalField(
        _("part du budget du projet couverte (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Calculée à la publication depuis le budget du projet si elle est vide."),
    )

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=Outcome.values),
                name="projects_decision_outcome_valid",
                violation_error_message=_("Choisissez une décision de la liste."),
            ),
            # Money goes to selected projects only.
            models.CheckConstraint(
                condition=models.Q(amount_granted__isnull=True)
                | models.Q(outcome="selected", amount_granted__gte=0),
                name="projects_decision_amount_if_selected",
                violation_error_message=_(
                    "Un montant accordé n’est possible que pour un projet retenu "
                    "et ne peut pas être négatif."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=DecisionStatus.values),
                name="projects_decision_status_valid",
                violation_error_message=_("Ce statut de décision n’existe pas."),
            ),
            models.CheckConstraint(
                condition=models.Q(status="proposed") | models.Q(published_at__isnull=False),
                name="projects_decision_published_has_date",
                violation_error_message=_(
                    "Une décision publiée doit avoir une date de publication."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(aid_nature="") | models.Q(aid_nature__in=AidNature.values),
                name="projects_decision_nature_valid",
                violation_error_message=_("Choisissez une nature d’aide de la liste."),
            ),
            models.CheckConstraint(
                condition=models.Q(payment_terms="")
                | models.Q(payment_terms__in=PaymentTerms.values),
                name="projects_decision_terms_valid",
                violation_error_message=_("Choisissez des modalités de versement de la liste."),
            ),
            models.CheckConstraint(
                condition=models.Q(budget_share__isnull=True)
                | models.Q(budget_share__gte=0, budget_share__lte=100),
                name="projects_decision_share_range",
                violation_error_message=_(
                    "La part du budget doit être comprise entre 0 et 100 %%."
                ),
            ),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.project} : {self.get_outcome_display()}"

    @property
    def is_published(self) -> bool:
        return self.status == DecisionStatus.PUBLISHED
