"""Queue one run of the scheduler (reminders, escalations, digests, lost e-mails): for cron
when the workers are RQ workers; `run_worker` does it by itself on a single machine."""

from django.core.management.base import BaseCommand

from projects.tasks import scheduler_tick


class Command(BaseCommand):
    help = "Met en file un passage du planificateur des relances."

    def handle(self, **options):
        result = scheduler_tick.enqueue()
        self.stdout.write(f"Planificateur en file ({result.id}).")
