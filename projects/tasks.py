"""The projects app's background tasks (Django's Tasks interface, run by the worker)."""

from django_tasks import task

from accounts.emails import deliveries_requeue
from projects.services.reminders import reminders_run


@task()
def scheduler_tick() -> dict[str, int]:
    """The periodic run: reminders, escalations and digests whose day has come (each sent
    once, however often this runs), then the e-mails a lost task left behind."""
    counts = reminders_run()
    counts["requeued"] = deliveries_requeue()
    return counts
