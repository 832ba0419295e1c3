"""People: the user model (e-mail login, language, e-mail preferences) and its manager."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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

    def memberships_by_role(self) -> dict[str, frozenset[int]]:
        """The ids of the organisations where the user has each role, read once per user
        object: a page's role checks (the navigation) and organisation checks (permissions,
        lists) share one query."""
        cache = getattr(self, "_memberships_cache", None)
        if cache is None:
            found: dict[str, set[int]] = {}
            for organisation_id, role in self.memberships.values_list("organisation_id", "role"):
                found.setdefault(role, set()).add(organisation_id)
            cache = self._memberships_cache = {role: frozenset(ids) for role, ids in found.items()}
        return cache

    @property
    def roles(self) -> frozenset[str]:
        """The user's membership roles (`memberships_by_role`)."""
        return frozenset(self.memberships_by_role())
