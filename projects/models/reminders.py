"""Reminders, escalations and digests: one row per (thing reminded, kind, offset), so the
scheduler never sends the same reminder twice, however often it runs."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import EmailDelivery
from projects.models.calls import Call
from projects.models.reviewing import Assignment
from projects.models.submissions import Project


class ReminderKind(models.TextChoices):
    REVIEW = "review", _("Relance d'évaluation")
    MANUAL = "manual", _("Relance manuelle")
    ESCALATION = "escalation", _("Alerte aux gestionnaires")
    DRAFT = "draft", _("Rappel de brouillon")
    DIGEST = "digest", _("Récapitulatif des dépôts")


# The reminders a reviewer receives (the "last reminder" of the late reviewers' page).
REVIEWER_REMINDER_KINDS = (ReminderKind.REVIEW, ReminderKind.MANUAL)


class Reminder(models.Model):
    """One thing reminded once: an assignment at an offset from a due date (REVIEW), past
    due to the managers (ESCALATION), by hand (MANUAL, rate-limited instead of unique); a
    draft project before the call closes (DRAFT) or a new submission in a digest (DIGEST)."""

    kind = models.CharField(_("type"), max_length=10, choices=ReminderKind.choices)
    offset = models.SmallIntegerField(_("jours par rapport à l'échéance"), default=0)
    # The due date reminded of: a due date moved later gets its own reminders.
    due = models.DateField(_("échéance"), null=True, blank=True)
    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("appel")
    )
    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("assignation"),
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("projet"),
    )
    delivery = models.ForeignKey(
        EmailDelivery,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("envoi"),
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("envoyé par"),
    )
    created_at = models.DateTimeField(_("envoyé le"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("relance")
        verbose_name_plural = _("relances")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ReminderKind.values),
                name="projects_reminder_kind_valid",
                violation_error_message=_("Ce type de relance n’existe pas."),
            ),
            models.UniqueConstraint(
                fields=["assignment", "kind", "offset", "due"],
                condition=models.Q(assignment__isnull=False) & ~models.Q(kind="manual"),
                name="projects_reminder_assignment_once",
                violation_error_message=_(
                    "Cette relance a déjà été envoyée pour cette affectation."
                ),
            ),
            models.UniqueConstraint(
                fields=["project", "kind", "offset"],
                condition=models.Q(project__isnull=False),
                name="projects_reminder_project_once",
                violation_error_message=_("Cette relance a déjà été envoyée pour ce projet."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d})"
