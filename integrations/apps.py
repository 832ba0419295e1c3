from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    """Connections to the State's services that feed calls: Démarche numérique imports."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "integrations"
    verbose_name = _("Services de l'État")

    def ready(self):
        # Imported for its receiver: published decisions are written back to Démarche
        # numérique (projects sends the signal without knowing who listens).
        from integrations import writeback  # noqa: F401
