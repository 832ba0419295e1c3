"""A call fed by a Démarche numérique (démarches simplifiées) procedure: its source, the
dossiers imported as projects and their files."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    IDLE = "idle", _("Jamais importé")
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Échec")


class WriteBackStatus(models.TextChoices):
    """Where writing a published decision back to Démarche numérique stands, per dossier."""

    NONE = "", _("—")
    PENDING = "pending", _("À reporter")
    SENDING = "sending", _("Envoi en cours")
    SENT = "sent", _("Reportée")
    FAILED = "failed", _("Échec")
    # A decision Démarche numérique has no counterpart for (the waiting list).
    SKIPPED = "skipped", _("Non reportée")


# The project fields a démarche's champs may fill, in form order (integrations.importer reads
# each champ's value according to the field's kind).
MAPPABLE_FIELDS = {
    "title": ("text", _("Titre du projet")),
    "summary": ("text", _("Résumé")),
    "social_need": ("text", _("Besoin social")),
    "solution": ("text", _("Solution proposée")),
    "beneficiaries": ("text", _("Bénéficiaires")),
    "partners": ("text", _("Partenaires")),
    "budget": ("amount", _("Budget total (€)")),
    "amount_requested": ("amount", _("Montant demandé (€)")),
    "jobs_created": ("integer", _("Emplois créés")),
    "commune": ("commune", _("Commune")),
}


class DemarcheSource(models.Model):
    """One démarche feeding one call. The token is kept encrypted (integrations.secrets);
    `synced_until` is where the next import starts (Démarche numérique's `updatedSince`)."""

    call = models.OneToOneField(
        "projects.Call",
        on_delete=models.CASCADE,
        related_name="demarche_source",
        verbose_name=_("appel"),
    )
    number = models.PositiveIntegerField(_("numéro de la démarche"))
    title = models.CharField(_("titre de la démarche"), max_length=300, blank=True)
    token_encrypted = models.TextField(_("jeton (chiffré)"))
    # The démarche's champs as its API described them: [{"id", "label", "type"}].
    descriptors = models.JSONField(_("champs de la démarche"), default=list, blank=True)
    # Project field → champ id (MAPPABLE_FIELDS), set once by the funder.
    field_map = models.JSONField(_("correspondance des champs"), default=dict, blank=True)
    synced_until = models.DateTimeField(_("dossiers lus jusqu'au"), null=True, blank=True)
    status = models.CharField(
        _("état de l'import"),
        max_length=10,
        choices=ImportStatus.choices,
        default=ImportStatus.IDLE,
    )
    processed = models.PositiveIntegerField(_("dossiers traités"), default=0)
    counts = models.JSONField(_("bilan du dernier import"), default=dict, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    # Writing published decisions back (integrations.writeback): Démarche numérique records
    # a decision in an instructeur's name, so it needs theirs.
    instructeur_id = models.CharField(_("identifiant de l'instructeur"), max_length=100, blank=True)
    write_back = models.BooleanField(
        _("reporter les décisions publiées dans Démarche numérique"), default=False
    )
    row_version = models.PositiveIntegerField(_("version"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("créée par"),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("démarche importée")
        verbose_name_plural = _("démarches importées")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ImportStatus.values),
                name="integrations_source_status_valid",
            ),
        ]

    def __str__(self):
        return f"Démarche {self.number} → {self.call}"

    @property
    def is_busy(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)


class ImportedDossier(models.Model):
    """A dossier of the démarche and the project it became: one per dossier number, however
    often the démarche is imported."""

    source = models.ForeignKey(
        DemarcheSource,
        on_delete=models.CASCADE,
        related_name="dossiers",
        verbose_name=_("démarche"),
    )
    number = models.PositiveBigIntegerField(_("numéro du dossier"))
    # The GraphQL id (the mutations take it, not the number); empty for dossiers imported
    # before it was kept, fetched then by the write-back.
    graphql_id = models.CharField(_("identifiant GraphQL"), max_length=100, blank=True)
    project = models.OneToOneField(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="imported_dossier",
        verbose_name=_("projet"),
    )
    state = models.CharField(_("état dans Démarche numérique"), max_length=30, blank=True)
    modified_at = models.DateTimeField(_("modifié dans Démarche numérique le"), null=True)
    deleted_at = models.DateTimeField(_("supprimé le"), null=True, blank=True)
    imported_at = models.DateTimeField(_("importé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)
    # The write-back of the project's published decision: the outcome Démarche numérique
    # was last told (and when), apart from the state of the latest attempt, so that an
    # outcome already written is never sent again.
    written_outcome = models.CharField(_("décision reportée"), max_length=10, blank=True)
    written_at = models.DateTimeField(_("reportée le"), null=True, blank=True)
    writeback_status = models.CharField(
        _("report de la décision"),
        max_length=10,
        choices=WriteBackStatus.choices,
        default=WriteBackStatus.NONE,
        blank=True,
    )
    writeback_error = models.TextField(_("erreur du report"), blank=True)
    writeback_tried_at = models.DateTimeField(_("dernier essai de report"), null=True, blank=True)

    class Meta:
        ordering = ["source", "number"]
        verbose_name = _("dossier importé")
        verbose_name_plural = _("dossiers importés")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "number"], name="integrations_dossier_unique_number"
            ),
            models.CheckConstraint(
                condition=models.Q(writeback_status__in=WriteBackStatus.values),
                name="integrations_dossier_writeback_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["source", "writeback_status"])]

    def __str__(self):
        return f"Dossier {self.number}"


class ImportedFile(models.Model):
    """A dossier's file stored as the project's attachment, once (keyed by its checksum)."""

    dossier = models.ForeignKey(
        ImportedDossier, on_delete=models.CASCADE, related_name="files", verbose_name=_("dossier")
    )
    key = models.CharField(_("empreinte"), max_length=200)
    attachment = models.OneToOneField(
        "projects.Attachment",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("pièce jointe"),
    )

    class Meta:
        verbose_name = _("fichier importé")
        verbose_name_plural = _("fichiers importés")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "key"], name="integrations_file_unique"),
        ]

    def __str__(self):
        return self.key
