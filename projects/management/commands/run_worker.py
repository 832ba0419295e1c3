"""The background worker of a single machine: runs the queued tasks of the database backend
and, every SCHEDULER_INTERVAL seconds, queues the scheduler (reminders, digests, retries).

Several workers may run at once (each task is claimed by one; reminders are idempotent). With
the Redis backend (TASKS_BACKEND=rq), run `manage.py rqworker --job-class django_tasks_rq.Job`
on each machine and `manage.py run_scheduler` from cron instead.
"""

import logging
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.crypto import get_random_string
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from projects.tasks import scheduler_tick


class Command(BaseCommand):
    help = "Exécute les tâches en file (e-mails, relances) et lance le planificateur à intervalles."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Secondes entre deux lectures de la file."
        )
        parser.add_argument(
            "--schedule-every",
            type=float,
            default=settings.SCHEDULER_INTERVAL,
            help="Secondes entre deux passages du planificateur (0 : jamais).",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="Un passage du planificateur, la file vidée, puis fin.",
        )

    def handle(self, *, interval, schedule_every, once, verbosity, **options):
        backend = task_backends["default"]
        if not isinstance(backend, DatabaseBackend):
            raise CommandError(
                "run_worker sert la file en base (TASKS_BACKEND=database). Avec Redis, lancez "
                "`manage.py rqworker --job-class django_tasks_rq.Job` et `manage.py run_scheduler`."
            )
        worker = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        if verbosity < 2:
            # The database worker says "starting" and "no more tasks" at every pass; the
            # tasks themselves are still logged (django_tasks: running, successful, failed).
            logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
        self.running = True

        def stop(signum, frame):
            self.running = False

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        if verbosity:
            self.stdout.write(
                f"Worker {worker.worker_id} : file en base, planificateur toutes "
                f"les {schedule_every:g} s."
            )
        next_tick = 0.0
        try:
            while self.running:
                if schedule_every and time.monotonic() >= next_tick:
                    scheduler_tick.enqueue()
                    next_tick = time.monotonic() + schedule_every
                worker.run()
                if once:
                    break
                time.sleep(interval)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
