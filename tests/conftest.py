import os

# Playwright's sync API keeps an event loop running in the test thread; Django then refuses ORM
# calls unless told this is safe. Tests only: never set in production.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest

from accounts.models import Role
from tests.factories import user_with_role

# The worker fixture (`database_tasks`) and its runner live with it.
pytest_plugins = ["tests.worker"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage needs collectstatic; tests render templates without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Each role user hashes a password; the production hasher costs about 0.2 s a user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    # Tasks run in the process that queues them; the worker's own tests (tests/worker.py)
    # switch to the database backend and run the real worker.
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


@pytest.fixture
def role_users(db):
    """One user per role of the permission matrix (anonymous is None)."""
    return {
        "anonymous": None,
        "holder": user_with_role(Role.HOLDER),
        "reviewer": user_with_role(Role.REVIEWER),
        "funder": user_with_role(Role.FUNDER),
        "admin": user_with_role(None),
    }


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # The API's rate limits count in the (per-process) cache; a test starts with none used.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    # Uploads must never land in the project's media/.
    settings.MEDIA_ROOT = tmp_path / "media"
