"""Settings, all read from the environment (see .env.example)."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.database import default_database

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
# Keys that are public (this file, .env.example): with one of
# them anybody can forge invitation links, password-reset links and sessions.
PUBLIC_SECRET_KEYS = {
    "dev-only-insecure-key-do-not-use-in-production",
    "change-me-to-a-long-random-string",
}
MIN_SECRET_KEY_LENGTH = 50
if not DEBUG:
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")
    if (
        SECRET_KEY in PUBLIC_SECRET_KEYS
        or SECRET_KEY.startswith(("change-me", "django-insecure"))
        or len(SECRET_KEY) < MIN_SECRET_KEY_LENGTH
        or len(set(SECRET_KEY)) < 5
    ):
        raise ImproperlyConfigured(
            f"SECRET_KEY is a placeholder or shorter than {MIN_SECRET_KEY_LENGTH} characters: "
            "generate one, e.g. python -c 'import secrets; print(secrets.token_urlsafe(64))'."
        )
if not SECRET_KEY:
    # Development only: a fixed key is harmless when DEBUG is on and never used in production.
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_ratelimit",
    "territories",
    "accounts",
    "grid",
    "projects",
    "integrations",
    "api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.RequestGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "accounts.permissions.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # French typography everywhere without a {% load %} (dates, euros, file sizes).
            "builtins": ["territories.templatetags.typography"],
        },
    },
]

# Form widgets use the project's templates (and so its overrides: "— Choisir —" rather than
# Django's "---------" as the empty choice of a list).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: DATABASE_URL, or a SQLite file next to the project for a single machine
# (config/database.py: each engine's connection options).
DATABASES = {
    "default": default_database(
        base_dir=BASE_DIR,
        prepared_statements=env_bool("DATABASE_PREPARED_STATEMENTS", True),
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any authentication for a locked-out account or address.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): after AXES_FAILURE_LIMIT failures for an account (e-mail),
# or from an address, logins are refused for AXES_COOLOFF_HOURS with a French page that offers
# the password reset; a reset or an administrator (`manage.py axes_reset_username`) unlocks.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "accounts.permissions.login_name"
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
LOGIN_URL = "accounts:login"
# Sign-up and password reset throttling (django-ratelimit, in the "ratelimit" cache below):
# per address typed and per client address, per hour. The same counting whether or not the
# address has an account, so the throttle tells nothing about accounts. Waiting the time the
# page states unlocks; an administrator unlocks everyone at once with `manage.py
# throttle_reset`.
THROTTLE_SIGNUP_PER_EMAIL = os.environ.get("THROTTLE_SIGNUP_PER_EMAIL", "3/h")
THROTTLE_SIGNUP_PER_IP = os.environ.get("THROTTLE_SIGNUP_PER_IP", "20/h")
THROTTLE_RESET_PER_EMAIL = os.environ.get("THROTTLE_RESET_PER_EMAIL", "3/h")
THROTTLE_RESET_PER_IP = os.environ.get("THROTTLE_RESET_PER_IP", "20/h")
RATELIMIT_USE_CACHE = "ratelimit"
# The client's address: behind the proxy (BEHIND_PROXY), the one it appended to
# X-Forwarded-For, else every client would share the proxy's address and its limit.
RATELIMIT_IP_META_KEY = "accounts.throttle.client_address"
# How long the link confirming a sign-up and an organisation's invitation stay valid.
SIGNUP_CONFIRM_HOURS = int(os.environ.get("SIGNUP_CONFIRM_HOURS", "48"))
ORGANISATION_INVITATION_DAYS = int(os.environ.get("ORGANISATION_INVITATION_DAYS", "14"))

# After logging in, each person lands on their own page (projects:landing).
LOGIN_REDIRECT_URL = "projects:landing"
LOGOUT_REDIRECT_URL = "home"

# French first, English second (locale/en/LC_MESSAGES/django.po; the msgids are French). The
# language is the one chosen with the switcher (a cookie, and the account's `language` once
# signed in: accounts.middleware.UserLanguageMiddleware), else the browser's, else French.
# Catalogues are compiled by `make install` (config/catalogues.py), never committed.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as each language writes them (config/formats/<language>/formats.py over Django's).
FORMAT_MODULE_PATH = ["config.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Évalis <no-reply@evalis.localhost>")

# Background work (e-mails, reminders) through Django's Tasks interface (the django-tasks
# backport). "database" (default): the queue is a table of the app's database and
# `manage.py run_worker` runs it, with nothing else to install. "rq": a Redis queue for
# workers on several machines (`pip install -e ".[rq]"`, REDIS_URL, `manage.py rqworker`).
# "immediate": run each task at once in the process that queues it (tests, debugging).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)} (got {TASKS_BACKEND!r})."
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}
if TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": os.environ.get("REDIS_URL", "redis://localhost:6379/0")}}
# The site's address, for links in e-mails sent by the worker (no request to read it from).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# How often `run_worker` runs the reminders' scheduler, in seconds.
SCHEDULER_INTERVAL = int(os.environ.get("SCHEDULER_INTERVAL", "300"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SESSION_COOKIE_HTTPONLY = True
# Eight hours from sign-in by default (a working day) rather than Django's two weeks.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))

# Request sizes: a body announced above REQUEST_MAX_BYTES is refused (413) before it is read
# (config.middleware.RequestGuardMiddleware); attachments are 10 MB at most.
REQUEST_MAX_BYTES = int(os.environ.get("REQUEST_MAX_BYTES", str(12 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = int(
    os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(2 * 1024 * 1024))
)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
DATA_UPLOAD_MAX_NUMBER_FILES = 10
# Browser features the product never uses, switched off (config.middleware).
PERMISSIONS_POLICY_DISABLED = [
    "accelerometer",
    "camera",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "payment",
    "usb",
    "interest-cohort",
]
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "object-src": "'none'",
}
# X-Forwarded-Proto is believed only behind a reverse proxy that sets it and that is the only
# way in (docker-compose.yml: gunicorn is not published). Anywhere else any client could
# claim HTTPS.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

# The REST API (api/, README "API"): personal tokens or the session, JSON only (the browsable
# documentation is Swagger UI at /api/v1/docs/), cursor pagination, a rate per token.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    # Requests per token (per account for the session, per address when anonymous).
    "DEFAULT_THROTTLE_RATES": {"api": os.environ.get("API_THROTTLE_RATE", "1000/hour")},
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Évalis",
    "DESCRIPTION": (
        "Grilles, appels, projets, évaluations, classements, décisions et agrégats par "
        "territoire, avec les mêmes droits que les pages. / Grids, calls, projects, reviews, "
        "rankings, decisions and territory figures, under the same permissions as the pages. "
        "Authentification : `Authorization: Bearer <jeton>` (jetons personnels créés depuis "
        "« Mon compte »)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CallStatusEnum": "projects.models.CallStatus",
        "ProjectStatusEnum": "projects.models.ProjectStatus",
        "AssessmentStatusEnum": "projects.models.AssessmentStatus",
        "AssessmentKindEnum": "projects.models.AssessmentKind",
        "VersionStatusEnum": "grid.models.VersionStatus",
        "CriterionKindEnum": "grid.models.CriterionKind",
    },
}
# Rate limits count in the cache: per process by default; set a shared cache (Redis) when
# several web processes serve the API.
CACHES = {
    "default": {
        "BACKEND": os.environ.get("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": os.environ.get("CACHE_LOCATION", "evalis"),
    },
    # The throttles' counters must be shared by every web process: in the database by default
    # (its table is created by `migrate`), in Redis when RATELIMIT_CACHE_BACKEND says so
    # (django.core.cache.backends.redis.RedisCache and RATELIMIT_CACHE_LOCATION=redis://…).
    "ratelimit": {
        "BACKEND": os.environ.get(
            "RATELIMIT_CACHE_BACKEND", "django.core.cache.backends.db.DatabaseCache"
        ),
        "LOCATION": os.environ.get("RATELIMIT_CACHE_LOCATION", "evalis_ratelimit"),
    },
}
# django-ratelimit flags the database cache because its increment is a read then a write:
# simultaneous requests may count once. For limits of a few requests an hour per address the
# shortfall is at most the number of processes; Redis (above) counts atomically.
if CACHES["ratelimit"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_client_errors": {"()": "config.logging.OneLineClientErrors"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "client_errors": {
            "class": "logging.StreamHandler",
            "filters": ["one_line_client_errors"],
        },
    },
    "loggers": {
        # Refused requests (403, 404, 400) in one line each; server errors with traceback.
        "django.request": {"handlers": ["client_errors"], "propagate": False},
        "django.security": {"handlers": ["client_errors"], "propagate": False},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# The State's services (README "French public services"): API Recherche d'entreprises,
# Démarche numérique and ProConnect, each read from the environment in config/public_services.py.
from config.public_services import *  # noqa: E402, F403

# ProConnect's backend, after django-axes' (which refuses a locked-out person first).
AUTHENTICATION_BACKENDS.insert(1, "accounts.proconnect.ProConnectBackend")
