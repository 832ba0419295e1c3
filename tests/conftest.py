import os

# Playwright's sync API keeps an event loop running in the test thread; Django then refuses ORM
# calls unless told this is safe. Tests only: never set in production.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest

from accounts.models import Role
from tests.factories import user_with_role


def pytest_configure(config):
    # The English pages need the compiled catalogues, which are not committed: a fresh clone
    # tested without `make install` compiles them here (once, in the controlling process).
    if not hasattr(config, "workerinput"):
        from config.catalogues import compile_catalogues

        compile_catalogues()


# The worker fixture (`database_tasks`) and its runner live with it.
pytest_plugins = ["tests.worker", "tests.fake_http"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage needs collectstatic; tests render templates without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_criteria_cache():
    # Criteria of published versions are kept per process (grid.selectors.version_criteria);
    # a test's writes are rolled back behind the cache's back, and some are direct updates.
    from grid.selectors import forget_version_criteria

    forget_version_criteria()


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


@pytest.fixture(autouse=True)
def _no_outside_services(settings):
    # No test leaves the machine: the State's services point at a closed port on loopback
    # unless a test starts its fake server (tests/fake_http.py), and nothing waits long.
    settings.COMPANIES_API_URL = "http://127.0.0.1:9"
    settings.COMPANIES_API_RETRIES = 0
    settings.DEMARCHES_API_URL = "http://127.0.0.1:9/api/v2/graphql"


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
    # The API's rate limits count in the (per-process) cache; a test starts with none used,
    # and with no judgement panel kept in memory from another test's call.
    from django.core.cache import cache

    from projects.dashboards import judgement

    cache.clear()
    judgement._recent.clear()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    # Uploads must never land in the project's media/.
    settings.MEDIA_ROOT = tmp_path / "media"


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (browser journeys, concurrency) ends by flushing every table,
    migrated reference data included. Put the territories and the reference grid back at once,
    so that the tests that follow on this process (under xdist, any test) find them."""
    yield
    # After the session's last test its database is already destroyed: nothing to put back.
    if nextitem is None or not _is_transactional(item):
        return
    from pytest_django.plugin import blocking_manager_key

    from grid.models import Grid
    from grid.reference import install_reference_grid
    from territories.loading import load_territories
    from territories.models import Commune, Departement, Region

    with item.config.stash[blocking_manager_key].unblock():
        if not Commune.objects.exists():
            load_territories(Region, Departement, Commune)
        if not Grid.objects.exists():
            from django.apps import apps

            install_reference_grid(apps.get_model)
