from django.core.management.base import BaseCommand

from demo.accounts import DEMO_PASSWORD, demo_accounts_create
from demo.projects import demo_projects_create


class Command(BaseCommand):
    help = (
        "Crée les comptes de démonstration (un par rôle), puis les appels et projets de "
        "démonstration (4 appels, 72 projets). Idempotent."
    )

    def handle(self, *args, **options):
        accounts = demo_accounts_create()
        self.stdout.write(self.style.SUCCESS("Comptes de démonstration :"))
        for label, email in accounts:
            self.stdout.write(f"  {label:<40} {email:<32} mot de passe : {DEMO_PASSWORD}")
        # The projects' demo data need the accounts above: their holder, reviewer and funder.
        report = demo_projects_create()
        if not report:
            self.stdout.write(self.style.WARNING("Aucune grille publiée : rien n'est créé."))
            return
        self.stdout.write(self.style.SUCCESS("Appels de démonstration :"))
        for title, created in report:
            suffix = f"{created} projets créés" if created else "déjà présent"
            self.stdout.write(f"  {title} — {suffix}")
