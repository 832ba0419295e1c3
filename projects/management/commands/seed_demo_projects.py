from django.core.management.base import BaseCommand

from projects.demo import demo_projects_create


class Command(BaseCommand):
    help = "Crée les appels et projets de démonstration (3 appels, ~60 projets). Idempotent."

    def handle(self, *args, **options):
        report = demo_projects_create()
        if not report:
            self.stdout.write(self.style.WARNING("Aucune grille publiée : rien n'est créé."))
            return
        self.stdout.write(self.style.SUCCESS("Appels de démonstration :"))
        for title, created in report:
            suffix = f"{created} projets créés" if created else "déjà présent"
            self.stdout.write(f"  {title} — {suffix}")
