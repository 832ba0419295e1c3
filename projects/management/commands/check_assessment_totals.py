from django.core.management.base import BaseCommand, CommandError

from projects.dashboards.summaries import summaries_mismatches
from projects.models import Assessment, Call
from projects.services import stored_totals_match


class Command(BaseCommand):
    help = (
        "Vérifie que les notes stockées de chaque évaluation, et les synthèses des tableaux de "
        "bord, égalent un recalcul à partir des notes brutes (invariant de la conception, §4)."
    )

    def handle(self, *args, **options):
        wrong = [
            assessment.pk
            for assessment in Assessment.objects.iterator()
            if not stored_totals_match(assessment)
        ]
        if wrong:
            raise CommandError(f"Notes stockées incohérentes pour les évaluations {wrong}.")
        stale = [
            f"{call.pk} ({', '.join(problems)})"
            for call in Call.objects.order_by("pk")
            if (problems := summaries_mismatches(call=call))
        ]
        if stale:
            raise CommandError(f"Synthèses incohérentes dans les appels {'; '.join(stale)}.")
        self.stdout.write(self.style.SUCCESS("Toutes les notes stockées sont cohérentes."))
        self.stdout.write(self.style.SUCCESS("Toutes les synthèses sont cohérentes."))
