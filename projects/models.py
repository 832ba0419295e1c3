"""Calls for projects, projects, attachments, assessments (self and review) and scores.

Business rules live in services.py (writes) and selectors.py (reads); the models hold the
fields and the invariants the database itself can enforce.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


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


class CallQuerySet(models.QuerySet):
    def published(self):
        """Calls anyone may read: every call that has left the draft stage."""
        return self.exclude(status=CallStatus.DRAFT)

    def open(self):
        return self.filter(status=CallStatus.OPEN)


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
                condition=models.Q(status__in=CallStatus.values), name="projects_call_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(self_assessment_policy__in=SelfAssessmentPolicy.values),
                name="projects_call_self_policy_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(reviewer_visibility__in=ReviewerVisibility.values),
                name="projects_call_visibility_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(feedback_policy__in=FeedbackPolicy.values),
                name="projects_call_feedback_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(max_amount__isnull=True) | models.Q(max_amount__gt=0),
                name="projects_call_max_amount_positive",
            ),
        ]
        indexes = [models.Index(fields=["status", "closes_at"])]

    def __str__(self):
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == CallStatus.DRAFT


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


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Déposé")
    UNDER_REVIEW = "under_review", _("En évaluation")
    SELECTED = "selected", _("Retenu")
    WAITLISTED = "waitlisted", _("Liste d'attente")
    REJECTED = "rejected", _("Non retenu")
    WITHDRAWN = "withdrawn", _("Retiré")


class Stage(models.TextChoices):
    EMERGENCE = "emergence", _("Émergence")
    STARTUP = "demarrage", _("Démarrage")
    DEVELOPMENT = "developpement", _("Développement")


class ScopeLevel(models.TextChoices):
    COMMUNE = "commune", _("Communal")
    INTERCOMMUNAL = "intercommunal", _("Intercommunal")
    DEPARTEMENT = "departement", _("Départemental")
    REGION = "region", _("Régional")
    NATIONAL = "national", _("National")


class ProjectQuerySet(models.QuerySet):
    def submitted(self):
        """Projects that reached the funder: everything but drafts and withdrawals."""
        return self.exclude(status__in=[ProjectStatus.DRAFT, ProjectStatus.WITHDRAWN])


class Project(models.Model):
    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="projects", verbose_name=_("appel")
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("structure porteuse"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_projects",
        verbose_name=_("responsable"),
    )
    co_holders = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="co_held_projects",
        verbose_name=_("co-porteurs"),
    )
    title = models.CharField(_("titre du projet"), max_length=200)
    summary = models.TextField(_("résumé"), blank=True)
    social_need = models.TextField(_("besoin social"), blank=True)
    solution = models.TextField(_("solution proposée"), blank=True)
    beneficiaries = models.TextField(_("bénéficiaires"), blank=True)
    partners = models.TextField(_("partenaires"), blank=True)
    stage = models.CharField(_("stade"), max_length=15, choices=Stage.choices, blank=True)
    budget = models.DecimalField(
        _("budget total (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    amount_requested = models.DecimalField(
        _("montant demandé (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    jobs_created = models.PositiveSmallIntegerField(_("emplois créés"), null=True, blank=True)
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("commune"),
    )
    # Derived from the commune on save and stored so that dashboards group without joins.
    departement = models.ForeignKey(
        "territories.Departement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="projects",
        verbose_name=_("département"),
    )
    region = models.ForeignKey(
        "territories.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="projects",
        verbose_name=_("région"),
    )
    scope_level = models.CharField(
        _("échelle d'intervention"), max_length=15, choices=ScopeLevel.choices, blank=True
    )
    status = models.CharField(
        _("statut"), max_length=15, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT
    )
    eligibility_confirmed = models.ManyToManyField(
        EligibilityItem, blank=True, related_name="+", verbose_name=_("éligibilité attestée")
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    submitted_at = models.DateTimeField(_("déposé le"), null=True, blank=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "pk"]
        verbose_name = _("projet")
        verbose_name_plural = _("projets")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ProjectStatus.values),
                name="projects_project_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(stage="") | models.Q(stage__in=Stage.values),
                name="projects_project_stage_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(scope_level="") | models.Q(scope_level__in=ScopeLevel.values),
                name="projects_project_scope_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(budget__isnull=True) | models.Q(budget__gte=0),
                name="projects_project_budget_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_requested__isnull=True)
                | models.Q(amount_requested__gte=0),
                name="projects_project_amount_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(commune__isnull=True)
                | models.Q(departement__isnull=False, region__isnull=False),
                name="projects_project_territory_derived",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(submitted_at__isnull=False),
                name="projects_project_submitted_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["call", "status"]),
            models.Index(fields=["region", "departement"]),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.derive_territory()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        # Before the constraints are validated: they require the derived territory.
        self.derive_territory()

    def derive_territory(self) -> None:
        """The commune decides the département and région: never trust them from elsewhere."""
        if self.commune_id is None:
            self.departement_id = self.region_id = None
        elif getattr(self, "_territory_of", None) != self.commune_id:
            commune = self.commune
            self.departement_id, self.region_id = commune.departement_id, commune.region_id
            self._territory_of = self.commune_id

    @property
    def is_draft(self) -> bool:
        return self.status == ProjectStatus.DRAFT


def attachment_path(instance, filename):
    """A server-generated name: nothing of what the client sent reaches the file system."""
    return f"projects/{instance.project_id}/{uuid.uuid4().hex}.pdf"


class Attachment(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("projet")
    )
    file = models.FileField(_("fichier"), upload_to=attachment_path, max_length=200)
    # Display only, cleaned of any path; the stored file never uses it.
    original_name = models.CharField(_("nom du fichier"), max_length=150)
    size = models.PositiveIntegerField(_("taille (octets)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("déposé par"),
    )
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    class Meta:
        ordering = ["project", "uploaded_at", "pk"]
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(size__gt=0, size__lte=MAX_ATTACHMENT_BYTES),
                name="projects_attachment_size_limit",
            ),
        ]

    def __str__(self):
        return self.original_name


class AssessmentKind(models.TextChoices):
    SELF = "self", _("Auto-évaluation")
    REVIEW = "review", _("Évaluation")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Soumise")


class Opinion(models.TextChoices):
    FAVOURABLE = "favourable", _("Favorable")
    RESERVED = "reserved", _("Réservé")
    UNFAVOURABLE = "unfavourable", _("Défavorable")


class AssessmentQuerySet(models.QuerySet):
    def self_assessments(self):
        return self.filter(kind=AssessmentKind.SELF)

    def reviews(self):
        return self.filter(kind=AssessmentKind.REVIEW)

    def submitted(self):
        return self.filter(status=AssessmentStatus.SUBMITTED)


class Assessment(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("projet")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("auteur"),
    )
    kind = models.CharField(_("nature"), max_length=10, choices=AssessmentKind.choices)
    grid_version = models.ForeignKey(
        "grid.GridVersion",
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("version de la grille"),
    )
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )
    opinion = models.CharField(_("avis global"), max_length=15, choices=Opinion.choices, blank=True)
    strengths = models.TextField(_("points forts"), blank=True)
    weaknesses = models.TextField(_("points faibles"), blank=True)
    recommended_amount = models.DecimalField(
        _("montant recommandé (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # Stored results of projects.scoring, recomputed by the services whenever scores change.
    total = models.DecimalField(_("note globale"), max_digits=5, decimal_places=2, null=True)
    core_total = models.DecimalField(_("note socles"), max_digits=5, decimal_places=2, null=True)
    scored_count = models.PositiveSmallIntegerField(_("critères notés"), default=0)
    core_scored_count = models.PositiveSmallIntegerField(_("socles notés"), default=0)
    coverage = models.DecimalField(_("couverture"), max_digits=4, decimal_places=3, default=0)
    # Bumped on every write: optimistic locking for editors working in parallel.
    row_version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    submitted_at = models.DateTimeField(_("soumise le"), null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["project", "kind", "pk"]
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "author", "kind"], name="projects_assessment_unique"
            ),
            # A project has one self-assessment, whichever holder edits it.
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(kind="self"),
                name="projects_assessment_single_self",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=AssessmentKind.values),
                name="projects_assessment_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=AssessmentStatus.values),
                name="projects_assessment_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(opinion="") | models.Q(opinion__in=Opinion.values),
                name="projects_assessment_opinion_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(total__isnull=True) | models.Q(total__gte=0, total__lte=100),
                name="projects_assessment_total_range",
            ),
            models.CheckConstraint(
                condition=models.Q(core_total__isnull=True)
                | models.Q(core_total__gte=0, core_total__lte=100),
                name="projects_assessment_core_total_range",
            ),
            models.CheckConstraint(
                condition=models.Q(coverage__gte=0, coverage__lte=1),
                name="projects_assessment_coverage_range",
            ),
        ]
        indexes = [models.Index(fields=["project", "kind", "status"])]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.project}"

    @property
    def is_submitted(self) -> bool:
        return self.status == AssessmentStatus.SUBMITTED


class Score(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("évaluation")
    )
    criterion = models.ForeignKey(
        "grid.Criterion",
        on_delete=models.PROTECT,
        related_name="scores",
        verbose_name=_("critère"),
    )
    # NULL means "not applicable"; never a sentinel number.
    value = models.SmallIntegerField(_("note"), null=True, blank=True)
    # Copied from the criterion (immutable once its version is published) so that the database
    # can check the bounds row by row and aggregates can normalise without a join.
    scale_min = models.SmallIntegerField(editable=False)
    scale_max = models.SmallIntegerField(editable=False)
    comment = models.TextField(_("justification"), blank=True)

    class Meta:
        # No join in the default ordering: aggregates over scores must stay single-table.
        ordering = ["assessment", "criterion"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="projects_score_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(scale_min__lt=models.F("scale_max")),
                name="projects_score_scale_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True)
                | models.Q(value__gte=models.F("scale_min"), value__lte=models.F("scale_max")),
                name="projects_score_value_in_scale",
            ),
        ]

    def __str__(self):
        return f"{self.criterion_id}: {'s.o.' if self.value is None else self.value}"


class AssignmentQuerySet(models.QuerySet):
    def active(self):
        """Assignments that count: not conflicted, not recused."""
        return self.filter(state__in=ACTIVE_ASSIGNMENT_STATES)


class AssignmentState(models.TextChoices):
    ASSIGNED = "assigned", _("Assignée")
    CONFLICT = "conflict", _("Conflit d'intérêts déclaré")
    RECUSED = "recused", _("Récusé")
    DONE = "done", _("Terminée")


class Assignment(models.Model):
    """A reviewer asked to assess a project (the reviewing issue builds on it)."""

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
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assignée par"),
    )
    created_at = models.DateTimeField(_("assignée le"), auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["project", "pk"]
        verbose_name = _("assignation")
        verbose_name_plural = _("assignations")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "reviewer"], name="projects_assignment_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=AssignmentState.values),
                name="projects_assignment_state_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="conflict") | ~models.Q(conflict_reason=""),
                name="projects_assignment_conflict_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.reviewer} → {self.project}"


ACTIVE_ASSIGNMENT_STATES = (AssignmentState.ASSIGNED, AssignmentState.DONE)


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
