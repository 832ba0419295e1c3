"""Reviewers: assignments to projects and invitations to a call's pool."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from projects.models.calls import Call
from projects.models.submissions import Project


class AssignmentState(models.TextChoices):
    ASSIGNED = "assigned", _("Assignée")
    CONFLICT = "conflict", _("Conflit d'intérêts déclaré")
    RECUSED = "recused", _("Récusé")
    DONE = "done", _("Terminée")


# A reviewer in conflict or recused on a project is out of it: their assessment counts nowhere.
EXCLUDED_ASSIGNMENT_STATES = (AssignmentState.CONFLICT, AssignmentState.RECUSED)
ACTIVE_ASSIGNMENT_STATES = (AssignmentState.ASSIGNED, AssignmentState.DONE)


class AssignmentQuerySet(models.QuerySet):
    def active(self):
        """Assignments that count (`ACTIVE_ASSIGNMENT_STATES`)."""
        return self.filter(state__in=ACTIVE_ASSIGNMENT_STATES)

    def with_due_date(self):
        """`due`: the assignment's own due date, or else its call's review deadline."""
        return self.annotate(due=Coalesce("due_date", "project__call__review_deadline"))


class Assignment(models.Model):
    """A reviewer asked to assess a project."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("projet")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("évaluateur"),
    )
    state = models.CharField(
        _("état"), max_length=10, choices=AssignmentState.choices, default=AssignmentState.ASSIGNED
    )
    conflict_reason = models.TextField(_("motif du conflit"), blank=True)
    # Anti-anchoring: when the reviewer was first shown the other reviewers' scores. A
    # submitted review is locked from then on, until a call manager reopens it.
    others_seen_at = models.DateTimeField(_("notes des autres vues le"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("rouverte le"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assignée par"),
    )
    created_at = models.DateTimeField(_("assignée le"), auto_now_add=True)
    # Empty: the call's review deadline (`with_due_date()` reads the one that applies).
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    # Reviewers hear of an assignment when the review opens, not before: set when the e-mail
    # is sent (at assignment during review, at the call's entry into review otherwise).
    notified_at = models.DateTimeField(_("évaluateur prévenu le"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["project", "pk"]
        verbose_name = _("assignation")
        verbose_name_plural = _("assignations")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "reviewer"],
                name="projects_assignment_unique",
                violation_error_message=_("Cet évaluateur est déjà affecté à ce projet."),
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=AssignmentState.values),
                name="projects_assignment_state_valid",
                violation_error_message=_("Cet état d’affectation n’existe pas."),
            ),
            models.CheckConstraint(
                condition=~models.Q(state="conflict") | ~models.Q(conflict_reason=""),
                name="projects_assignment_conflict_has_reason",
                violation_error_message=_("Indiquez la raison du conflit d’intérêts."),
            ),
        ]

    def __str__(self):
        return f"{self.reviewer} → {self.project}"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_ASSIGNMENT_STATES

    @property
    def is_in_conflict(self) -> bool:
        return self.state == AssignmentState.CONFLICT


class ReviewerInvitation(models.Model):
    """An invitation to join a call's reviewer pool, sent by email as a signed link."""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("appel")
    )
    email = models.EmailField(_("adresse e-mail"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invité par"),
    )
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acceptée par"),
    )
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)

    class Meta:
        ordering = ["call", "-created_at", "pk"]
        verbose_name = _("invitation d'évaluateur")
        verbose_name_plural = _("invitations d'évaluateurs")

    def __str__(self):
        return f"{self.email} → {self.call}"
