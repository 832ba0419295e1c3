from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, demo_accounts_create


class Command(BaseCommand):
    help = "Crée les comptes de démonstration (un par rôle). Idempotent."

    def handle(self, *args, **options):
        accounts = demo_accounts_create()
        self.stdout.write(self.style.SUCCESS("Comptes de démonstration :"))
        for label, email in accounts:
            self.stdout.write(f"  {label:<40} {email:<32} mot de passe : {DEMO_PASSWORD}")
        # Apps above accounts add their demo data through their own command: accounts never
        # imports them (layering), it only runs the command when it is installed.
        if "seed_demo_projects" in get_commands():
            call_command("seed_demo_projects", stdout=self.stdout)
