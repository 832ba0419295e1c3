"""The funder's decision on a project."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from projects.models.submissions import Project


class Outcome(models.TextChoices):
    SELECTED = "selected", _("Retenu")
    WAITLISTED = "waitlisted", _("Liste d'attente")
    REJECTED = "rejected", _("Non retenu")


class Decision(models.Model):
    """The funder's decision on a project: one per project."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="decision", verbose_name=_("projet")
    )
    outcome = models.CharField(_("décision"), max_length=10, choices=Outcome.choices)
    amount_granted = models.DecimalField(
        _("montant accordé (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    motivation = models.TextField(_("motivation"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("décidé par"),
    )
    decided_at = models.DateTimeField(_("décidé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=Outcome.values),
                name="projects_decision_outcome_valid",
            ),
            # Money goes to selected projects only.
            models.CheckConstraint(
                condition=models.Q(amount_granted__isnull=True)
                | models.Q(outcome="selected", amount_granted__gte=0),
                name="projects_decision_amount_if_selected",
            ),
        ]

    def __str__(self):
        return f"{self.project} : {self.get_outcome_display()}"
