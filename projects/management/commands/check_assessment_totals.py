from django.core.management.base import BaseCommand, CommandError

from projects.models import Assessment
from projects.services import stored_totals_match


class Command(BaseCommand):
    help = (
        "Vérifie que les notes stockées de chaque évaluation égalent un recalcul à partir des "
        "notes brutes (invariant de la conception, §4)."
    )

    def handle(self, *args, **options):
        wrong = [
            assessment.pk
            for assessment in Assessment.objects.iterator()
            if not stored_totals_match(assessment)
        ]
        if wrong:
            raise CommandError(f"Notes stockées incohérentes pour les évaluations {wrong}.")
        self.stdout.write(self.style.SUCCESS("Toutes les notes stockées sont cohérentes."))
