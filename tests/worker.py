"""The background worker, for real: the database backend of django-tasks and its worker,
run in the test's process until the queue holds nothing due (time moved by the test)."""

from contextlib import contextmanager
from unittest import mock

import pytest
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

DATABASE_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}


@contextmanager
def keeping_test_transaction():
    """The worker recycles its database connection between tasks (close_old_connections), as
    a long-running process must; inside a test, that would close the connection holding the
    test's transaction (PostgreSQL), so the recycling is left out. Nothing else changes."""
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        yield


def run_worker(worker_id: str = "test-worker") -> int:
    """Run the worker until no task is due; returns how many tasks it ran. A new call is a
    new worker process, as after a restart."""
    before = DBTaskResult.objects.finished().count()
    with keeping_test_transaction():
        Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        ).run()
    return DBTaskResult.objects.finished().count() - before


@pytest.fixture
def database_tasks(settings):
    """Tasks go to the database queue; the test runs the worker with `run_worker()`."""
    settings.TASKS = DATABASE_TASKS
