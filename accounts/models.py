from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_rna, validate_siren_or_siret


class Role(models.TextChoices):
    """What a membership lets a person do in an organisation. Platform administrators are
    staff users (`is_staff`), not members of an organisation."""

    FUNDER = "funder", _("Financeur (gestionnaire d'appels)")
    REVIEWER = "reviewer", _("Évaluateur")
    HOLDER = "holder", _("Porteur de projet")


class LegalForm(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    SCOP = "scop", _("SCOP")
    SCIC = "scic", _("SCIC")
    ESUS = "esus", _("Entreprise ESUS")
    COLLECTIVITY = "collectivite", _("Collectivité territoriale")
    STATE = "etat", _("Service de l'État")
    FOUNDATION = "fondation", _("Fondation")
    COMPANY = "entreprise", _("Entreprise")
    OTHER = "autre", _("Autre")


class Language(models.TextChoices):
    """The language of a person's pages and e-mails (settings.LANGUAGES). The labels are
    each language's own name, never translated, so that everybody finds theirs."""

    FRENCH = "fr", "Français"
    ENGLISH = "en", "English"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("adresse e-mail"), unique=True)
    full_name = models.CharField(_("nom complet"), max_length=150, blank=True)
    is_staff = models.BooleanField(
        _("administrateur de la plateforme"),
        default=False,
        help_text=_("Accès à l'administration et à l'édition de la grille."),
    )
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)
    language = models.CharField(
        _("langue"), max_length=5, choices=Language.choices, default=Language.FRENCH
    )
    # The optional e-mails (accounts.emails.OPTIONAL_EMAILS); the others always go out.
    notify_submission_receipt = models.BooleanField(
        _("accusé de réception quand je dépose un projet"), default=True
    )
    notify_draft_reminders = models.BooleanField(
        _("rappel avant la clôture quand un de mes projets est encore en brouillon"), default=True
    )
    notify_submissions_digest = models.BooleanField(
        _("récapitulatif quotidien des nouveaux dépôts sur les appels que je gère"), default=True
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message=_(
                    "Cette adresse e-mail est déjà utilisée par un autre compte."
                ),
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def roles(self) -> frozenset[str]:
        """The user's membership roles, read once per user object (one query per request)."""
        if not hasattr(self, "_roles_cache"):
            self._roles_cache = frozenset(
                self.memberships.values_list("role", flat=True).distinct()
            )
        return self._roles_cache


class Organisation(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    legal_form = models.CharField(_("forme juridique"), max_length=20, choices=LegalForm.choices)
    siret = models.CharField(
        _("SIREN ou SIRET"),
        max_length=14,
        blank=True,
        validators=[validate_siren_or_siret],
        help_text=_("9 chiffres (SIREN) ou 14 chiffres (SIRET)."),
    )
    # The open-data file of subsidies (SCDL) names a beneficiary by SIRET or, for an
    # association, by its RNA number.
    rna = models.CharField(
        _("numéro RNA"),
        max_length=10,
        blank=True,
        validators=[validate_rna],
        help_text=_(
            "Pour une association : W suivi de 9 chiffres (Répertoire national des associations)."
        ),
    )
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("commune"),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    # The ESUS agrément (entreprise solidaire d'utilité sociale) has no API: the holder
    # declares it with its date; an administrator checks it (admin action).
    esus_agreement_date = models.DateField(
        _("date de l'agrément ESUS"),
        null=True,
        blank=True,
        help_text=_("Seulement si la structure a l'agrément ESUS : la date de l'arrêté."),
    )
    esus_verified_at = models.DateTimeField(_("agrément ESUS vérifié le"), null=True, blank=True)
    esus_verified_by = models.ForeignKey(
        "User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agrément ESUS vérifié par"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["siret"],
                condition=~models.Q(siret=""),
                name="accounts_organisation_siret_unique",
                violation_error_message=_("Une organisation avec ce numéro existe déjà."),
            ),
        ]

    def __str__(self):
        return self.name


class OrganisationCheck(models.Model):
    """What the registries (API Recherche d'entreprises) said of an organisation's SIREN or
    SIRET, and when: shown to funders as checked facts, apart from what the holder declared
    (accounts.companies)."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="checked_facts",
        verbose_name=_("organisation"),
    )
    siren = models.CharField(_("SIREN"), max_length=9)
    siret = models.CharField(_("SIRET du siège ou de l'établissement"), max_length=14, blank=True)
    name = models.CharField(_("dénomination"), max_length=200)
    nature_juridique = models.CharField(_("catégorie juridique"), max_length=4, blank=True)
    nature_juridique_label = models.CharField(
        _("libellé de la catégorie juridique"), max_length=200, blank=True
    )
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune du siège"),
    )
    is_active = models.BooleanField(_("en activité"), default=True)
    is_ess = models.BooleanField(_("entreprise de l'ESS"), default=False)
    is_siae = models.BooleanField(_("structure d'insertion (SIAE)"), default=False)
    is_association = models.BooleanField(_("association"), default=False)
    rna = models.CharField(_("numéro RNA"), max_length=10, blank=True)
    is_mission_company = models.BooleanField(_("société à mission"), default=False)
    checked_at = models.DateTimeField(_("vérifié le"))

    class Meta:
        verbose_name = _("vérification d'une organisation")
        verbose_name_plural = _("vérifications des organisations")

    def __str__(self):
        return f"{self.name} ({self.siren})"


class Membership(models.Model):
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("utilisateur")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("depuis le"), auto_now_add=True)

    class Meta:
        verbose_name = _("adhésion")
        verbose_name_plural = _("adhésions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                name="accounts_membership_unique",
                violation_error_message=_("Cette personne a déjà ce rôle dans cette structure."),
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="accounts_membership_role_valid",
                violation_error_message=_("Choisissez un rôle de la liste."),
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


class AuditEventQuerySet(models.QuerySet):
    # The journal is append-only: bulk rewrites are refused like single ones.
    def update(self, **kwargs):
        raise PermissionError("Audit events are append-only.")

    def delete(self):
        raise PermissionError("Audit events are append-only.")

    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )


class AuditEvent(models.Model):
    """Who did what to which object, with the values before and after. Append-only: written by
    `accounts.services.audit_record`, never changed or deleted."""

    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    action = models.CharField(_("action"), max_length=50)
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("type d'objet"),
    )
    # Text, so that the journal can point at objects whatever their primary key type.
    object_id = models.CharField(_("identifiant de l'objet"), max_length=64, blank=True)
    object_repr = models.CharField(_("objet"), max_length=200, blank=True)
    before = models.JSONField(_("avant"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("après"), null=True, blank=True, encoder=DjangoJSONEncoder)
    # Stored in UTC (USE_TZ); displayed in the local time zone.
    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    ip = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("événement du journal")
        verbose_name_plural = _("journal des modifications")
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="accounts_audit_object_idx"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("À envoyer")
    SENDING = "sending", _("En cours d'envoi")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Échec")


class EmailDelivery(models.Model):
    """One e-mail to one recipient, rendered when it was caused and sent by the background
    worker: the record of each delivery, its attempts and its last error."""

    key = models.CharField(_("clé"), max_length=200, unique=True)
    template = models.CharField(_("modèle"), max_length=100)
    recipient = models.EmailField(_("destinataire"))
    user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="email_deliveries",
        verbose_name=_("utilisateur"),
    )
    subject = models.CharField(_("objet"), max_length=300)
    body_text = models.TextField(_("texte"))
    body_html = models.TextField(_("HTML"), blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), default=timezone.now)
    claimed_at = models.DateTimeField(_("pris en charge le"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("envoi d'e-mail")
        verbose_name_plural = _("envois d'e-mails")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values),
                name="accounts_emaildelivery_status_valid",
                violation_error_message=_("Cet état d’envoi n’existe pas."),
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.template} → {self.recipient} ({self.get_status_display()})"


class SubmittedForm(models.Model):
    """The one-time key a creation form carries (`accounts.forms.SubmitOnceMixin`): the first
    request with the key creates the object; a repeated one (a double click, a resent POST)
    finds what it created instead of creating it twice. The unique key makes concurrent
    requests wait for each other in the database."""

    key = models.UUIDField(_("clé"), unique=True)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("formulaire envoyé")
        verbose_name_plural = _("formulaires envoyés")

    def __str__(self):
        return str(self.key)


INT64 = range(-(2**63), 2**63)


@models.IntegerField.register_lookup
class IntegerFieldIn(models.lookups.In):
    """`pk__in=[…]` (forms' multiple choices, checkboxes) with an id that fits no 64-bit
    column, e.g. 2**63 typed into a form, matches nothing for that id, on SQLite as on
    PostgreSQL, instead of raising OverflowError. Django already does so for `exact`."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value() and isinstance(self.rhs, list | tuple | set):
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int) or isinstance(value, bool) or value in INT64
            ]
        return super().process_rhs(compiler, connection)


class SignupRequest(models.Model):
    """A sign-up waiting for its address to be confirmed. Nothing exists for the person
    until they follow the e-mailed link (`accounts.onboarding.signup_confirm`): someone who
    types another's address never creates or blocks that person's account. A request for an
    address that already has an account is recorded with `existing` (no password kept) and
    only e-mails the owner of the address."""

    email = models.EmailField(_("adresse e-mail"), db_index=True)
    existing = models.BooleanField(_("adresse déjà inscrite"), default=False)
    full_name = models.CharField(_("nom complet"), max_length=150, blank=True)
    # The password's hash, as User.password stores it; empty when `existing`.
    password = models.CharField(_("mot de passe"), max_length=128, blank=True)
    organisation_name = models.CharField(_("nom de la structure"), max_length=200, blank=True)
    legal_form = models.CharField(
        _("forme juridique"), max_length=20, choices=LegalForm.choices, blank=True
    )
    siret = models.CharField(_("SIREN ou SIRET"), max_length=14, blank=True)
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compte créé"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("demande d'inscription")
        verbose_name_plural = _("demandes d'inscription")

    def __str__(self):
        return self.email


class OrganisationInvitation(models.Model):
    """An organisation's manager invites a colleague by e-mail with a role; the signed link
    (`accounts.membership.invitation_token`) works once, until it expires or is cancelled."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("adresse e-mail"))
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invité par"),
    )
    created_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acceptée par"),
    )
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation dans une structure")
        verbose_name_plural = _("invitations dans une structure")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="accounts_organisationinvitation_role_valid",
                violation_error_message=_("Choisissez un rôle de la liste."),
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation}"
