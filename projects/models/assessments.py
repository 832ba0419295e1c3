"""Assessments (self-assessments and reviews) and their scores."""

from fractions import Fraction

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from projects.models.reviewing import EXCLUDED_ASSIGNMENT_STATES, Assignment
from projects.models.submissions import HIDDEN_PROJECT_STATUSES, Project


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

    def counted_reviews(self):
        """The reviews that count in every figure (design §4): submitted reviews of projects
        that count, whose author has neither declared a conflict nor been recused on the
        project. A review whose criteria are all "sans objet" counts as a review done (its
        total is "—") and is left out of the statistics of totals only. The one definition:
        the dashboards' SQL compiles this queryset."""
        return (
            self.reviews()
            .submitted()
            .exclude(project__status__in=HIDDEN_PROJECT_STATUSES)
            .exclude(
                models.Exists(
                    Assignment.objects.filter(
                        project=models.OuterRef("project_id"),
                        reviewer=models.OuterRef("author_id"),
                        state__in=EXCLUDED_ASSIGNMENT_STATES,
                    )
                )
            )
        )


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
    # Stored results of projects.scoring, recomputed by the services whenever scores change:
    # the total exactly (a fraction: every figure of totals is aggregated from it) and to ten
    # places (scoring.TOTAL_PLACES: for reading and sorting); figures are rounded once, at
    # display; coverage is scored_count over the version's criteria, never stored rounded.
    total = models.DecimalField(_("note globale"), max_digits=13, decimal_places=10, null=True)
    total_numerator = models.BigIntegerField(_("note globale (numérateur exact)"), null=True)
    total_denominator = models.BigIntegerField(_("note globale (dénominateur exact)"), null=True)
    core_total = models.DecimalField(_("note socles"), max_digits=13, decimal_places=10, null=True)
    scored_count = models.PositiveSmallIntegerField(_("critères notés"), default=0)
    core_scored_count = models.PositiveSmallIntegerField(_("socles notés"), default=0)
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
                fields=["project", "author", "kind"],
                name="projects_assessment_unique",
                violation_error_message=_("Cette personne a déjà une évaluation de ce projet."),
            ),
            # A project has one self-assessment, whichever holder edits it.
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(kind="self"),
                name="projects_assessment_single_self",
                violation_error_message=_("Ce projet a déjà une auto-évaluation."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=AssessmentKind.values),
                name="projects_assessment_kind_valid",
                violation_error_message=_("Ce type d’évaluation n’existe pas."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=AssessmentStatus.values),
                name="projects_assessment_status_valid",
                violation_error_message=_("Ce statut d’évaluation n’existe pas."),
            ),
            models.CheckConstraint(
                condition=models.Q(opinion="") | models.Q(opinion__in=Opinion.values),
                name="projects_assessment_opinion_valid",
                violation_error_message=_("Choisissez un avis de la liste."),
            ),
            models.CheckConstraint(
                condition=models.Q(total__isnull=True) | models.Q(total__gte=0, total__lte=100),
                name="projects_assessment_total_range",
                violation_error_message=_("La note totale doit être comprise entre 0 et 100."),
            ),
            models.CheckConstraint(
                condition=models.Q(
                    total__isnull=True,
                    total_numerator__isnull=True,
                    total_denominator__isnull=True,
                )
                | models.Q(
                    total__isnull=False,
                    total_numerator__gte=0,
                    total_denominator__gt=0,
                    total_numerator__lte=models.F("total_denominator") * 100,
                ),
                name="projects_assessment_exact_total",
                violation_error_message=_(
                    "La note totale exacte doit accompagner la note totale, entre 0 et 100."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(core_total__isnull=True)
                | models.Q(core_total__gte=0, core_total__lte=100),
                name="projects_assessment_core_total_range",
                violation_error_message=_("La note du socle doit être comprise entre 0 et 100."),
            ),
        ]
        indexes = [models.Index(fields=["project", "kind", "status"])]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.project}"

    @property
    def is_submitted(self) -> bool:
        return self.status == AssessmentStatus.SUBMITTED

    @property
    def exact_total(self) -> Fraction | None:
        if self.total_numerator is None:
            return None
        return Fraction(self.total_numerator, self.total_denominator)

    @exact_total.setter
    def exact_total(self, value: Fraction | None) -> None:
        self.total_numerator = None if value is None else value.numerator
        self.total_denominator = None if value is None else value.denominator


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
                fields=["assessment", "criterion"],
                name="projects_score_unique",
                violation_error_message=_("Ce critère a déjà une note dans cette évaluation."),
            ),
            models.CheckConstraint(
                condition=models.Q(scale_min__lt=models.F("scale_max")),
                name="projects_score_scale_valid",
                violation_error_message=_(
                    "Le bas de l’échelle doit être inférieur au haut de l’échelle."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True)
                | models.Q(value__gte=models.F("scale_min"), value__lte=models.F("scale_max")),
                name="projects_score_value_in_scale",
                violation_error_message=_("La note doit être comprise dans l’échelle du critère."),
            ),
        ]

    def __str__(self):
        return f"{self.criterion_id}: {'s.o.' if self.value is None else self.value}"
