from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _

from territories.text import register_sqlite_fold


class TerritoriesConfig(AppConfig):
    name = "territories"
    verbose_name = _("Territoires")

    def ready(self):
        # Every SQLite connection gets the search's fold function (territories.text).
        connection_created.connect(register_sqlite_fold, dispatch_uid="evalis_fold")
