from django.conf import settings
from django.core.cache import caches
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Lève toutes les limitations en cours des inscriptions et des réinitialisations de mot "
        "de passe (pour les connexions : axes_reset)."
    )

    def handle(self, *args, **options):
        caches[settings.RATELIMIT_USE_CACHE].clear()
        self.stdout.write(self.style.SUCCESS("Limitations levées."))
