from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, demo_accounts_create


class Command(BaseCommand):
    help = "Crée les comptes de démonstration (un par rôle). Idempotent."

    def handle(self, *args, **options):
        accounts = demo_accounts_create()
        self.stdout.write(self.style.SUCCESS("Comptes de démonstration :"))
        for label, email in accounts:
            self.stdout.write(f"  {label:<40} {email:<32} mot de passe : {DEMO_PASSWORD}")
