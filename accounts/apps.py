from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _create_cache_tables(using, **kwargs):
    """The throttles' counters live in a database cache by default: its table is created
    with the others, by `migrate`, wherever the project is installed (idempotent)."""
    from django.core.management import call_command  # only when migrating

    call_command("createcachetable", database=using, verbosity=0)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Comptes et organisations")

    def ready(self):
        post_migrate.connect(_create_cache_tables, sender=self)
