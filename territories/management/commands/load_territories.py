from django.core.management.base import BaseCommand

from territories.loading import load_territories
from territories.models import Commune, Departement, Region


class Command(BaseCommand):
    help = "Charge ou met à jour régions, départements et communes (idempotent)."

    def handle(self, *args, **options):
        counts = load_territories(Region, Departement, Commune)
        self.stdout.write(
            self.style.SUCCESS(
                "Territoires à jour : {regions} régions, {departements} départements, "
                "{communes} communes.".format(**counts)
            )
        )
