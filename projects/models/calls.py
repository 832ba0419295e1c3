"""Calls for projects: their settings, status and eligibility checklist."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    OPEN = "open", _("Ouvert")
    REVIEW = "review", _("En évaluation")
    DECIDED = "decided", _("Décidé")


class SelfAssessmentPolicy(models.TextChoices):
    OFF = "off", _("Pas d'auto-évaluation")
    OPTIONAL = "optional", _("Auto-évaluation facultative")
    REQUIRED = "required", _("Auto-évaluation obligatoire")


class ReviewerVisibility(models.TextChoices):
    NEVER = "never", _("Jamais")
    AFTER_OWN = "after_own", _("Après avoir soumis sa propre évaluation")
    ALWAYS = "always", _("Toujours")


class FeedbackPolicy(models.TextChoices):
    DECISION = "decision", _("La décision seulement")
    COMMENTS = "comments", _("La décision et les commentaires anonymisés")
    FULL = "full", _("La décision, les commentaires et les moyennes par critère")


def parse_day_offsets(value: str) -> list[int]:
    """ "-7, -2, 1" → [-7, -2, 1]: days around a date, sorted, each once."""
    try:
        return sorted({int(part) for part in value.replace(" ", "").split(",") if part})
    except ValueError:
        return []


def validate_day_offsets(value: str) -> None:
    parts = [part for part in value.replace(" ", "").split(",") if part]
    try:
        numbers = [int(part) for part in parts]
    except ValueError:
        raise ValidationError(
            _("Indiquez des nombres de jours séparés par des virgules, par exemple -7,-2,1."),
            code="invalid",
        ) from None
    if any(abs(number) > 90 for number in numbers):
        raise ValidationError(_("Chaque délai doit rester entre -90 et 90 jours."), code="range")


def validate_days_before(value: str) -> None:
    validate_day_offsets(value)
    if any(number < 0 for number in parse_day_offsets(value)):
        raise ValidationError(
            _("Indiquez des jours avant la clôture, en nombres positifs (par exemple 7,1)."),
            code="negative",
        )


class CallQuerySet(models.QuerySet):
    def published(self):
        """Calls anyone may read: every call that has left the draft stage."""
        return self.exclude(status=CallStatus.DRAFT)

    def accepting_projects(self, now):
        """The queryset form of `Call.accepts_projects`."""
        return self.filter(status=CallStatus.OPEN, closes_at__gt=now)


class Call(models.Model):
    funder = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="calls",
        verbose_name=_("financeur"),
    )
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    grid_version = models.ForeignKey(
        "grid.GridVersion",
        on_delete=models.PROTECT,
        related_name="calls",
        verbose_name=_("version de la grille"),
    )
    regions = models.ManyToManyField(
        "territories.Region", blank=True, related_name="calls", verbose_name=_("régions")
    )
    departements = models.ManyToManyField(
        "territories.Departement",
        blank=True,
        related_name="calls",
        verbose_name=_("départements"),
    )
    opens_at = models.DateTimeField(_("ouverture"))
    closes_at = models.DateTimeField(_("clôture"))
    status = models.CharField(
        _("statut"), max_length=10, choices=CallStatus.choices, default=CallStatus.DRAFT
    )
    self_assessment_policy = models.CharField(
        _("auto-évaluation des porteurs"),
        max_length=10,
        choices=SelfAssessmentPolicy.choices,
        default=SelfAssessmentPolicy.OPTIONAL,
    )
    reviewer_visibility = models.CharField(
        _("notes des autres évaluateurs visibles"),
        max_length=10,
        choices=ReviewerVisibility.choices,
        default=ReviewerVisibility.AFTER_OWN,
    )
    blind_mode = models.BooleanField(
        _("évaluation à l'aveugle"),
        default=False,
        help_text=_("L'identité des porteurs est masquée aux évaluateurs."),
    )
    feedback_policy = models.CharField(
        _("retour aux porteurs après la décision"),
        max_length=10,
        choices=FeedbackPolicy.choices,
        default=FeedbackPolicy.COMMENTS,
    )
    max_amount = models.DecimalField(
        _("montant maximal demandé (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    review_deadline = models.DateField(
        _("date limite des évaluations"),
        null=True,
        blank=True,
        help_text=_("L'échéance de chaque assignation, sauf celles que vous modifiez une à une."),
    )
    reminder_offsets = models.CharField(
        _("relances des évaluateurs (jours par rapport à l'échéance)"),
        max_length=50,
        blank=True,
        default="-7,-2,1",
        validators=[validate_day_offsets],
        help_text=_(
            "Par exemple -7,-2,1 : 7 et 2 jours avant l'échéance, puis 1 jour après. "
            "Vide : aucune relance automatique."
        ),
    )
    escalation_days = models.PositiveSmallIntegerField(
        _("alerte aux gestionnaires (jours après l'échéance)"),
        null=True,
        blank=True,
        default=1,
        help_text=_("Vide : aucune alerte sur les évaluations en retard."),
    )
    draft_reminder_days = models.CharField(
        _("rappels aux porteurs de brouillons (jours avant la fin des dépôts)"),
        max_length=50,
        blank=True,
        default="7,1",
        validators=[validate_days_before],
        help_text=_("Par exemple 7,1. Vide : aucun rappel."),
    )
    # What the committee may grant in all, and how many projects it means to fund: the
    # committee view shows what is committed and what is left.
    budget_envelope = models.DecimalField(
        _("enveloppe budgétaire (€)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Le total des montants que l'appel peut accorder."),
    )
    funding_target = models.PositiveIntegerField(
        _("nombre de projets à financer"), null=True, blank=True
    )
    # The call's reviewer pool: the people its managers may assign.
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="reviewed_calls",
        verbose_name=_("évaluateurs"),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("créé par"),
    )

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["closes_at", "pk"]
        verbose_name = _("appel à projets")
        verbose_name_plural = _("appels à projets")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("closes_at")),
                name="projects_call_opens_before_closes",
                violation_error_message=_("La clôture doit suivre l'ouverture."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=CallStatus.values),
                name="projects_call_status_valid",
                violation_error_message=_("Ce statut d’appel n’existe pas."),
            ),
            models.CheckConstraint(
                condition=models.Q(self_assessment_policy__in=SelfAssessmentPolicy.values),
                name="projects_call_self_policy_valid",
                violation_error_message=_("Choisissez une règle d’auto-évaluation de la liste."),
            ),
            models.CheckConstraint(
                condition=models.Q(reviewer_visibility__in=ReviewerVisibility.values),
                name="projects_call_visibility_valid",
                violation_error_message=_("Choisissez une visibilité des notes de la liste."),
            ),
            models.CheckConstraint(
                condition=models.Q(feedback_policy__in=FeedbackPolicy.values),
                name="projects_call_feedback_valid",
                violation_error_message=_("Choisissez un retour aux porteurs de la liste."),
            ),
            models.CheckConstraint(
                condition=models.Q(max_amount__isnull=True) | models.Q(max_amount__gt=0),
                name="projects_call_max_amount_positive",
                violation_error_message=_("Le montant maximal doit être supérieur à zéro."),
            ),
            models.CheckConstraint(
                condition=models.Q(budget_envelope__isnull=True) | models.Q(budget_envelope__gt=0),
                name="projects_call_envelope_positive",
                violation_error_message=_("L’enveloppe budgétaire doit être supérieure à zéro."),
            ),
            models.CheckConstraint(
                condition=models.Q(funding_target__isnull=True) | models.Q(funding_target__gt=0),
                name="projects_call_target_positive",
                violation_error_message=_(
                    "Le nombre de projets à financer doit être supérieur à zéro."
                ),
            ),
        ]
        indexes = [models.Index(fields=["status", "closes_at"])]

    def __str__(self):
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == CallStatus.DRAFT

    @property
    def is_in_review(self) -> bool:
        return self.status == CallStatus.REVIEW

    @property
    def is_decided(self) -> bool:
        return self.status == CallStatus.DECIDED

    @property
    def takes_decisions(self) -> bool:
        """Decisions are recorded once the call is in review, and corrected once decided."""
        return self.status in (CallStatus.REVIEW, CallStatus.DECIDED)

    @property
    def asks_self_assessment(self) -> bool:
        return self.self_assessment_policy != SelfAssessmentPolicy.OFF

    @property
    def is_open(self) -> bool:
        return self.status == CallStatus.OPEN

    def others_visible_to_reviewer(self, *, own_submitted: bool) -> bool:
        """Anti-anchoring: whether a reviewer may see the other reviewers' scores."""
        if self.reviewer_visibility == ReviewerVisibility.ALWAYS:
            return True
        if self.reviewer_visibility == ReviewerVisibility.AFTER_OWN:
            return own_submitted
        return False

    def accepts_projects(self, now) -> bool:
        """Holders may start a project: the call is open and not yet closed."""
        return self.status == CallStatus.OPEN and self.closes_at > now


class EligibilityItem(models.Model):
    """One statement of the call's eligibility checklist that a holder must tick."""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="eligibility_items", verbose_name=_("appel")
    )
    label = models.CharField(_("critère d'éligibilité"), max_length=300)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["call", "position", "pk"]
        verbose_name = _("critère d'éligibilité")
        verbose_name_plural = _("critères d'éligibilité")

    def __str__(self):
        return self.label
