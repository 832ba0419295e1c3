"""Projects submitted to calls, and their attachments."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from projects.models.calls import Call, EligibilityItem
from territories.text import fold

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


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


# The projects that count: everything that reached the funder, drafts and withdrawals aside.
# Lists, aggregates and SQL all use this one group.
HIDDEN_PROJECT_STATUSES = (ProjectStatus.DRAFT, ProjectStatus.WITHDRAWN)
# A holder may withdraw a project that is submitted and not yet decided.
WITHDRAWABLE_PROJECT_STATUSES = (ProjectStatus.SUBMITTED, ProjectStatus.UNDER_REVIEW)


class ProjectQuerySet(models.QuerySet):
    def submitted(self):
        """Projects that count (`HIDDEN_PROJECT_STATUSES` left out)."""
        return self.exclude(status__in=HIDDEN_PROJECT_STATUSES)


# The fields a project's search text is folded from (`Project.derive_search_text`).
SEARCHED_FIELDS = frozenset({"title", "summary", "organisation", "commune"})


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
    # What a search reads (`projects.selectors.search`), folded once here rather than on every
    # search: title and summary, and the holder's name and commune (hidden from a blind
    # call's reviewers). Kept on save, and on a renamed organisation (`services.search`).
    search_public = models.TextField(blank=True, default="", editable=False)
    search_identity = models.TextField(blank=True, default="", editable=False)
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
                violation_error_message=_("Ce statut de projet n’existe pas."),
            ),
            models.CheckConstraint(
                condition=models.Q(stage="") | models.Q(stage__in=Stage.values),
                name="projects_project_stage_valid",
                violation_error_message=_("Choisissez un stade de la liste."),
            ),
            models.CheckConstraint(
                condition=models.Q(scope_level="") | models.Q(scope_level__in=ScopeLevel.values),
                name="projects_project_scope_valid",
                violation_error_message=_("Choisissez une échelle d’action de la liste."),
            ),
            models.CheckConstraint(
                condition=models.Q(budget__isnull=True) | models.Q(budget__gte=0),
                name="projects_project_budget_positive",
                violation_error_message=_("Le budget ne peut pas être négatif."),
            ),
            models.CheckConstraint(
                condition=models.Q(amount_requested__isnull=True)
                | models.Q(amount_requested__gte=0),
                name="projects_project_amount_positive",
                violation_error_message=_("Le montant demandé ne peut pas être négatif."),
            ),
            models.CheckConstraint(
                condition=models.Q(commune__isnull=True)
                | models.Q(departement__isnull=False, region__isnull=False),
                name="projects_project_territory_derived",
                violation_error_message=_(
                    "Choisissez une commune de la liste : "
                    "le département et la région s’en déduisent."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(submitted_at__isnull=False),
                name="projects_project_submitted_has_date",
                violation_error_message=_("Un projet déposé doit avoir une date de dépôt."),
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
        update_fields = kwargs.get("update_fields")
        if update_fields is None or SEARCHED_FIELDS.intersection(update_fields):
            self.derive_search_text()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_public", "search_identity"}
        super().save(*args, **kwargs)

    def derive_search_text(self) -> None:
        """The folded text a search reads, from the title, summary, organisation and commune."""
        self.search_public = fold(f"{self.title} {self.summary}")
        organisation = self.organisation.name if self.organisation_id else ""
        commune = self.commune.name if self.commune_id else ""
        self.search_identity = fold(f"{organisation} {commune}")

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

    @property
    def counts(self) -> bool:
        """The Python form of `ProjectQuerySet.submitted()`."""
        return self.status not in HIDDEN_PROJECT_STATUSES

    @property
    def is_withdrawable(self) -> bool:
        return self.status in WITHDRAWABLE_PROJECT_STATUSES

    @property
    def is_decidable(self) -> bool:
        """A decision is taken on a project that counts, once its call takes decisions."""
        return self.counts and self.call.takes_decisions


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
                violation_error_message=_(
                    "Le fichier doit être non vide et ne pas dépasser 10 Mo."
                ),
            ),
        ]

    def __str__(self):
        return self.original_name
