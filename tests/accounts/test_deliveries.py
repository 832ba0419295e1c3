"""E-mails go through the background worker for real (django-tasks' database backend and its
worker, run in-process): queued on commit, sent once, retried with backoff against a mail
server that fails, recorded on their delivery row."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from accounts.emails import (
    MAX_ATTEMPTS,
    deliver_email,
    deliveries_requeue,
    send_templated_email_on_commit,
)
from accounts.models import DeliveryStatus, EmailDelivery, Language
from tests.factories import CallFactory, ProjectFactory, UserFactory
from tests.smtp import FakeSMTPServer
from tests.worker import run_worker

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _decision_email(recipients):
    project = ProjectFactory(title="Jardin partagé")
    send_templated_email_on_commit(
        "decision_published", {"project": project, "outcome": "Retenu"}, recipients
    )


def _smtp(settings, server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_TIMEOUT = 5


def test_an_email_is_queued_on_commit_and_sent_by_the_worker(
    database_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _decision_email(["porteur@example.fr"])
        assert DBTaskResult.objects.count() == 0

    assert mailoutbox == []
    assert DBTaskResult.objects.ready().count() == 1

    assert run_worker() == 1

    assert [m.to for m in mailoutbox] == [["porteur@example.fr"]]
    delivery = EmailDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)
    assert delivery.sent_at is not None


def test_a_task_run_twice_or_by_a_restarted_worker_sends_once(
    database_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _decision_email(["porteur@example.fr"])
    delivery = EmailDelivery.objects.get()
    deliver_email.enqueue(delivery.pk)  # the same delivery queued twice

    run_worker("first")
    run_worker("after-restart")

    assert len(mailoutbox) == 1
    assert DBTaskResult.objects.successful().count() == 2


def test_a_rolled_back_change_records_and_queues_nothing(
    database_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _decision_email(["porteur@example.fr"])
                raise RuntimeError("annulé")
        except RuntimeError:
            pass

    assert (EmailDelivery.objects.count(), DBTaskResult.objects.count()) == (0, 0)


def test_a_failing_mail_server_is_retried_with_backoff_until_it_accepts(
    settings, database_tasks, django_capture_on_commit_callbacks
):
    with FakeSMTPServer(failures=2) as server, time_machine.travel(START, tick=False) as clock:
        _smtp(settings, server)
        with django_capture_on_commit_callbacks(execute=True):
            _decision_email(["porteur@example.fr"])

        run_worker()
        delivery = EmailDelivery.objects.get()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
        assert delivery.next_attempt_at == START + timedelta(minutes=1)
        assert "SMTPConnectError" in delivery.last_error

        clock.shift(timedelta(seconds=59))
        assert run_worker() == 0  # not due yet

        clock.shift(timedelta(seconds=1))
        run_worker()
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 2)
        assert delivery.next_attempt_at == START + timedelta(minutes=3)

        clock.shift(timedelta(minutes=2))
        run_worker()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        DeliveryStatus.SENT,
        3,
        "",
    )
    assert server.connections == 3
    assert [m["To"] for m in server.messages] == ["porteur@example.fr"]
    assert "décision sur votre projet « Jardin partagé »" in server.messages[0]["Subject"]


def test_a_mail_server_that_never_accepts_fails_the_delivery_for_good(
    settings, database_tasks, django_capture_on_commit_callbacks
):
    with FakeSMTPServer(failures=100) as server, time_machine.travel(START, tick=False) as clock:
        _smtp(settings, server)
        with django_capture_on_commit_callbacks(execute=True):
            _decision_email(["porteur@example.fr"])
        for _attempt in range(MAX_ATTEMPTS + 2):
            run_worker()
            clock.shift(timedelta(hours=1))

    delivery = EmailDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, MAX_ATTEMPTS)
    assert server.connections == MAX_ATTEMPTS


def test_a_delivery_whose_task_was_lost_is_queued_again(database_tasks, mailoutbox):
    with time_machine.travel(START, tick=False) as clock:
        with transaction.atomic():  # recorded, but its task never queued (a crash)
            _decision_email(["porteur@example.fr"])
        clock.shift(timedelta(minutes=10))

        assert deliveries_requeue() == 1
        run_worker()

    assert len(mailoutbox) == 1
    assert EmailDelivery.objects.get().status == DeliveryStatus.SENT


def test_an_english_reader_gets_the_english_templates_and_the_reason(
    mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="reader@example.org", language=Language.ENGLISH)
    call = CallFactory(title="Inclusion")

    with django_capture_on_commit_callbacks(execute=True):
        send_templated_email_on_commit(
            "reviewer_assigned", {"call": call}, ["reader@example.org", "lecteur@example.fr"]
        )

    english, french = mailoutbox
    assert english.subject == "Évalis: new projects to review"
    assert "the call “Inclusion” have been assigned to you" in english.body
    assert english.body.endswith("because a call manager asked you to review projects.\n")
    assert french.subject == "Évalis : de nouveaux projets à évaluer"
    assert "parce qu'un gestionnaire d'appel vous a confié des projets" in french.body


def test_an_optional_email_turned_off_is_not_sent(mailoutbox, django_capture_on_commit_callbacks):
    holder = UserFactory(notify_submissions_digest=False)
    other = UserFactory()
    call = CallFactory()

    with django_capture_on_commit_callbacks(execute=True):
        send_templated_email_on_commit(
            "submissions_digest",
            {"call": call, "projects": [], "total": 0, "url": "http://x"},
            [holder.email, other.email],
        )

    assert [m.to for m in mailoutbox] == [[other.email]]
