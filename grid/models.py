"""Grid → GridVersion → Axis → Criterion → ScaleLevel.

A published version never changes in numbers or in its set of criteria: the services refuse,
and database triggers (migration 0002) refuse direct writes too.
"""

from collections.abc import Mapping

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def in_viewer_language(obj, field: str, language: str | None = None) -> str:
    """`obj.<field>` (an attribute, or a key of a row read in SQL) in `language` (default: the
    active one): its English twin `<field>_en` when English is asked for and written, the
    French otherwise."""
    read = (
        obj.get
        if isinstance(obj, Mapping)
        else lambda name, default=None: getattr(obj, name, default)
    )
    language = language or get_language() or ""
    if language.startswith("en"):
        english = read(f"{field}_en", "") or ""
        if english.strip():
            return english
    return read(field)


class Grid(models.Model):
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    name_en = models.CharField(_("nom (anglais)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_default = models.BooleanField(_("grille par défaut"), default=False)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("grille")
        verbose_name_plural = _("grilles")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="grid_grid_single_default",
                violation_error_message=_("Une seule grille peut être la grille par défaut."),
            ),
        ]

    def __str__(self):
        # Shown on pages (version pickers, titles): in the viewer's language.
        return self.name_display

    @property
    def name_display(self) -> str:
        return in_viewer_language(self, "name")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publiée")
    RETIRED = "retired", _("Retirée")


class GridVersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=VersionStatus.PUBLISHED)

    def drafts(self):
        return self.filter(status=VersionStatus.DRAFT)


class GridVersion(models.Model):
    grid = models.ForeignKey(
        Grid, on_delete=models.PROTECT, related_name="versions", verbose_name=_("grille")
    )
    number = models.PositiveIntegerField(_("numéro"))
    label = models.CharField(_("libellé"), max_length=200, blank=True)
    label_en = models.CharField(_("libellé (anglais)"), max_length=200, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("copiée de"),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("créée par"),
    )
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    # Bumped by every write through the services: optimistic locking for concurrent editors.
    row_version = models.PositiveIntegerField(default=1, editable=False)

    objects = GridVersionQuerySet.as_manager()

    class Meta:
        ordering = ["grid", "-number"]
        verbose_name = _("version de grille")
        verbose_name_plural = _("versions de grille")
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "number"],
                name="grid_version_number_unique",
                violation_error_message=_("Cette grille a déjà une version de ce numéro."),
            ),
            models.UniqueConstraint(
                fields=["grid"],
                condition=models.Q(status="draft"),
                name="grid_version_single_draft",
                violation_error_message=_("Cette grille a déjà une version brouillon."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=VersionStatus.values),
                name="grid_version_status_valid",
                violation_error_message=_("Ce statut de version n’existe pas."),
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="grid_version_published_has_date",
                violation_error_message=_(
                    "Une version publiée doit avoir une date de publication."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.grid} — v{self.number}"

    @property
    def label_display(self) -> str:
        return in_viewer_language(self, "label")

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def is_published(self) -> bool:
        # Not the same as `not is_draft`: a retired version is neither.
        return self.status == VersionStatus.PUBLISHED


class Axis(models.Model):
    version = models.ForeignKey(
        GridVersion, on_delete=models.CASCADE, related_name="axes", verbose_name=_("version")
    )
    code = models.CharField(_("code"), max_length=10)
    label = models.CharField(_("libellé"), max_length=200)
    label_en = models.CharField(_("libellé (anglais)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["version", "position", "code"]
        verbose_name = _("axe")
        verbose_name_plural = _("axes")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"],
                name="grid_axis_code_unique",
                violation_error_message=_("Un autre axe de cette version a déjà ce code."),
            ),
        ]

    def __str__(self):
        return f"{self.code}. {self.label}"

    @property
    def label_display(self) -> str:
        return in_viewer_language(self, "label")


class CriterionKind(models.TextChoices):
    CORE = "core", _("Socle")
    COMPLEMENTARY = "complementary", _("Complémentaire")


class CriterionQuerySet(models.QuerySet):
    def core(self):
        return self.filter(kind=CriterionKind.CORE)

    def complementary(self):
        return self.filter(kind=CriterionKind.COMPLEMENTARY)

    def in_form_order(self):
        """Axis by axis, then the criterion's position: the order of forms and tables."""
        return self.order_by("axis__position", "position", "code")


class Criterion(models.Model):
    version = models.ForeignKey(
        GridVersion, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("version")
    )
    axis = models.ForeignKey(
        Axis, on_delete=models.PROTECT, related_name="criteria", verbose_name=_("axe")
    )
    code = models.CharField(_("code"), max_length=10)
    label = models.CharField(_("libellé"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    question = models.TextField(_("question guide"), blank=True)
    # The same texts in English, shown to people who read the pages in English (blank: the
    # French is shown).
    label_en = models.CharField(_("libellé (anglais)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (anglais)"), blank=True)
    question_en = models.TextField(_("question guide (anglais)"), blank=True)
    kind = models.CharField(_("nature"), max_length=15, choices=CriterionKind.choices)
    weight = models.DecimalField(_("poids"), max_digits=6, decimal_places=2, default=1)
    scale_min = models.SmallIntegerField(_("échelle : minimum"), default=0)
    scale_max = models.SmallIntegerField(_("échelle : maximum"), default=3)
    allows_not_applicable = models.BooleanField(_("« sans objet » autorisé"), default=False)
    threshold = models.SmallIntegerField(
        _("seuil éliminatoire"),
        null=True,
        blank=True,
        help_text=_("Note moyenne minimale des évaluateurs pour un critère socle."),
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    derived_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("issu du critère"),
    )

    objects = CriterionQuerySet.as_manager()

    class Meta:
        ordering = ["version", "position", "code"]
        verbose_name = _("critère")
        verbose_name_plural = _("critères")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"],
                name="grid_criterion_code_unique",
                violation_error_message=_("Un autre critère de cette version a déjà ce code."),
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0),
                name="grid_criterion_weight_gt_0",
                violation_error_message=_("Le poids doit être supérieur à zéro."),
            ),
            models.CheckConstraint(
                condition=models.Q(scale_min__lt=models.F("scale_max")),
                name="grid_criterion_scale_min_lt_max",
                violation_error_message=_(
                    "Le bas de l’échelle doit être inférieur au haut de l’échelle."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(threshold__isnull=True)
                | (
                    models.Q(threshold__gte=models.F("scale_min"))
                    & models.Q(threshold__lte=models.F("scale_max"))
                ),
                name="grid_criterion_threshold_in_scale",
                violation_error_message=_("Le seuil doit être compris dans l’échelle du critère."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=CriterionKind.values),
                name="grid_criterion_kind_valid",
                violation_error_message=_("Choisissez socle ou complémentaire."),
            ),
        ]

    def __str__(self):
        return f"{self.code} — {self.label}"

    @property
    def label_display(self) -> str:
        return in_viewer_language(self, "label")

    @property
    def description_display(self) -> str:
        return in_viewer_language(self, "description")

    @property
    def question_display(self) -> str:
        return in_viewer_language(self, "question")

    @property
    def is_core(self) -> bool:
        return self.kind == CriterionKind.CORE


class ScaleLevel(models.Model):
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="levels", verbose_name=_("critère")
    )
    value = models.SmallIntegerField(_("valeur"))
    label = models.CharField(_("libellé"), max_length=200)
    label_en = models.CharField(_("libellé (anglais)"), max_length=200, blank=True)
    # The anchor: what this level means for this criterion, in French and in English.
    description = models.TextField(_("descripteur"), blank=True)
    description_en = models.TextField(_("descripteur (anglais)"), blank=True)

    class Meta:
        ordering = ["criterion", "value"]
        verbose_name = _("niveau d'échelle")
        verbose_name_plural = _("niveaux d'échelle")
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "value"],
                name="grid_level_value_unique",
                violation_error_message=_("Ce critère a déjà un niveau de cette valeur."),
            ),
        ]

    def __str__(self):
        return f"{self.value} — {self.label}"

    def descriptor(self, language: str | None = None) -> str:
        """The descriptor in `language` (default: the active one): English when asked for and
        written, French otherwise."""
        return in_viewer_language(self, "description", language)

    @property
    def label_display(self) -> str:
        return in_viewer_language(self, "label")
