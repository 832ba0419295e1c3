import pytest

from accounts.models import Role
from tests.factories import user_with_role


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage needs collectstatic; tests render templates without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
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
def _fast_hashing_and_private_media(settings, tmp_path):
    # The real hasher costs ~0.4 s per user; uploads must never land in the project's media/.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
