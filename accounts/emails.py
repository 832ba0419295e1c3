"""E-mails written as templates (`templates/emails/<name>.subject.txt`, `<name>.txt` and,
where useful, `<name>.html`; `<name>.en.subject.txt`, `<name>.en.txt` for recipients who read
English), rendered when they are caused and sent by the background worker.

Each message is an `EmailDelivery` row created in the transaction that caused it (a rolled-back
change leaves none), queued once that transaction commits, and sent by the task
`deliver_email`: a failing mail server is retried with an exponential backoff, and every
attempt is recorded on the row. A delivery is claimed before it is sent, so a task that runs
twice (two workers, a restart, a second enqueue) sends it once.
"""

import re
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string, select_template
from django.utils import timezone, translation
from django_tasks import task

from accounts.models import DeliveryStatus, EmailDelivery, Language, User

# The e-mails a person may turn off in their profile → the User field that says so.
OPTIONAL_EMAILS = {
    "submission_receipt": "notify_submission_receipt",
    "draft_reminder": "notify_draft_reminders",
    "submissions_digest": "notify_submissions_digest",
}

# Every e-mail says why its recipient gets it (appended by `render_email`).
REASONS = {
    "reviewer_assigned": {
        "fr": "Vous recevez ce message parce qu'un gestionnaire d'appel vous a confié des "
        "projets à évaluer.",
        "en": "You receive this message because a call manager asked you to review projects.",
    },
    "reviewer_invitation": {
        "fr": "Vous recevez ce message parce qu'un financeur a saisi votre adresse pour vous "
        "inviter à évaluer des projets.",
        "en": "You receive this message because a funder entered your address to invite you "
        "to review projects.",
    },
    "decision_published": {
        "fr": "Vous recevez ce message parce que vous portez ce projet.",
        "en": "You receive this message because you hold this project.",
    },
    "submission_receipt": {
        "fr": "Vous recevez ce message parce que vous portez ce projet. Vous pouvez désactiver "
        "les accusés de réception dans « Mon compte ».",
        "en": "You receive this message because you hold this project. You can turn off "
        "receipts in “My account”.",
    },
    "draft_reminder": {
        "fr": "Vous recevez ce message parce que vous portez ce projet, encore en brouillon. "
        "Vous pouvez désactiver ces rappels dans « Mon compte ».",
        "en": "You receive this message because you hold this draft project. You can turn "
        "off these reminders in “My account”.",
    },
    "submissions_digest": {
        "fr": "Vous recevez ce message parce que vous gérez cet appel. Vous pouvez désactiver "
        "ce récapitulatif dans « Mon compte ».",
        "en": "You receive this message because you manage this call. You can turn off this "
        "digest in “My account”.",
    },
    "review_reminder": {
        "fr": "Vous recevez ce message parce que des évaluations qui vous sont confiées ne sont "
        "pas encore soumises.",
        "en": "You receive this message because reviews assigned to you are not submitted yet.",
    },
    "signup_confirm": {
        "fr": "Vous recevez ce message parce que cette adresse a été saisie dans le formulaire "
        "d'inscription d'Évalis.",
        "en": "You receive this message because this address was typed into Évalis' sign-up form.",
    },
    "signup_existing": {
        "fr": "Vous recevez ce message parce que cette adresse a été saisie dans le formulaire "
        "d'inscription d'Évalis.",
        "en": "You receive this message because this address was typed into Évalis' sign-up form.",
    },
    "organisation_invitation": {
        "fr": "Vous recevez ce message parce qu'un gestionnaire de cette structure a saisi votre "
        "adresse pour vous inviter.",
        "en": "You receive this message because a manager of this organisation entered your "
        "address to invite you.",
    },
    "join_request": {
        "fr": "Vous recevez ce message parce que vous gérez cette structure sur Évalis.",
        "en": "You receive this message because you manage this organisation on Évalis.",
    },
    "review_escalation": {
        "fr": "Vous recevez ce message parce que vous gérez cet appel et que des évaluations "
        "ont dépassé leur échéance.",
        "en": "You receive this message because you manage this call and reviews are past "
        "their due date.",
    },
}

MAX_ATTEMPTS = 5
# Retries wait 1, 2, 4 then 8 minutes.
RETRY_BASE_DELAY = timedelta(minutes=1)
# A delivery claimed this long ago and never finished belongs to a worker that died.
STALE_CLAIM = timedelta(minutes=15)


def _templates(name: str, part: str, language: str) -> list[str]:
    suffix = f".{part}" if part != "body" else ""
    localized = [f"emails/{name}.{language}{suffix}.txt"] if language != Language.FRENCH else []
    return [*localized, f"emails/{name}{suffix}.txt"]


ORDINARY_WHITESPACE = re.compile(r"[ \t\r\n\f\v]+")


def render_email(
    name: str, context: dict, language: str = Language.FRENCH
) -> tuple[str, str, str | None]:
    """(subject on one line, plain-text body ending with why the recipient gets it, HTML body
    or None), in `language` where the e-mail has templates for it, in French otherwise."""
    with translation.override(language):
        # On one line, the non-breaking spaces of French typography kept (str.split() would
        # turn them into ordinary ones).
        subject = ORDINARY_WHITESPACE.sub(
            " ", select_template(_templates(name, "subject", language)).render(context)
        ).strip(" ")
        text = select_template(_templates(name, "body", language)).render(context)
        reason = REASONS.get(name, {})
        if why := reason.get(language) or reason.get(Language.FRENCH):
            text = f"{text.rstrip()}\n\n-- \n{why}\n"
        try:
            html = render_to_string(f"emails/{name}.html", context)
        except TemplateDoesNotExist:
            html = None
    return subject, text, html


def deliveries_create(*, name: str, context: dict, recipients) -> list[EmailDelivery]:
    """Render and record one delivery per recipient (an address or a User), in the
    recipient's language, leaving out those who turned this optional e-mail off. (Reminders
    are made idempotent by their own rows: projects.models.Reminder.)"""
    recipients = list(dict.fromkeys(recipients))
    addresses = [r for r in recipients if isinstance(r, str)]
    users = {u.email.lower(): u for u in recipients if isinstance(u, User)}
    if addresses:
        lowered = [a.lower() for a in addresses]
        users |= {u.email.lower(): u for u in User.objects.filter(email__in=lowered)}
    opt_in_field = OPTIONAL_EMAILS.get(name)
    rendered: dict[str, tuple[str, str, str | None]] = {}
    deliveries = []
    for recipient in recipients:
        address = recipient if isinstance(recipient, str) else recipient.email
        user = users.get(address.lower())
        if user is not None and opt_in_field and not getattr(user, opt_in_field):
            continue
        language = user.language if user is not None else Language.FRENCH
        if language not in rendered:
            rendered[language] = render_email(name, context, language)
        subject, text, html = rendered[language]
        deliveries.append(
            EmailDelivery(
                key=uuid.uuid4().hex,
                template=name,
                recipient=address,
                user=user,
                subject=subject[:300],
                body_text=text,
                body_html=html or "",
            )
        )
    return EmailDelivery.objects.bulk_create(deliveries)


def deliveries_enqueue_on_commit(deliveries) -> None:
    """Queue the deliveries for the worker once the current transaction commits."""
    ids = [delivery.pk for delivery in deliveries]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))


def _enqueue(ids, run_after=None) -> None:
    queued = deliver_email if run_after is None else deliver_email.using(run_after=run_after)
    for delivery_id in ids:
        queued.enqueue(delivery_id)


def send_templated_email_on_commit(name: str, context: dict, recipients) -> None:
    """Rendered now (in each recipient's language), sent by the background worker once the
    transaction commits: an e-mail never announces a change that was rolled back, and a slow
    mail server never slows a page."""
    recipients = list(recipients)
    if recipients:
        deliveries_enqueue_on_commit(
            deliveries_create(name=name, context=context, recipients=recipients)
        )


def _claim(delivery_id: int, now) -> EmailDelivery | None:
    claimed = EmailDelivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).update(status=DeliveryStatus.SENDING, claimed_at=now)
    return EmailDelivery.objects.get(pk=delivery_id) if claimed else None


def delivery_attempt(*, delivery_id: int, now=None) -> EmailDelivery | None:
    """Send one pending delivery once: recorded as sent, or as a failed attempt to retry
    after a backoff (failed for good after `MAX_ATTEMPTS`). Returns None when the delivery is
    not due or another worker has it."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return None
    message = EmailMultiAlternatives(
        delivery.subject, delivery.body_text, settings.DEFAULT_FROM_EMAIL, [delivery.recipient]
    )
    if delivery.body_html:
        message.attach_alternative(delivery.body_html, "text/html")
    delivery.attempts += 1
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 - any failure of the mail server is retried
        delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
        else:
            delivery.status = DeliveryStatus.PENDING
            delivery.next_attempt_at = now + RETRY_BASE_DELAY * 2 ** (delivery.attempts - 1)
    else:
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = now
        delivery.last_error = ""
    delivery.save(update_fields=["status", "attempts", "last_error", "next_attempt_at", "sent_at"])
    return delivery


@task()
def deliver_email(delivery_id: int) -> str:
    """The worker's task: send one delivery; on failure, queue the next attempt after its
    backoff (backends that cannot defer leave it to `deliveries_requeue`)."""
    delivery = delivery_attempt(delivery_id=delivery_id)
    if delivery is None:
        return "skipped"
    if delivery.status == DeliveryStatus.PENDING and deliver_email.get_backend().supports_defer:
        _enqueue([delivery.pk], run_after=delivery.next_attempt_at)
    return delivery.status


def deliveries_requeue(*, now=None) -> int:
    """Queue again what a lost task left behind: due pending deliveries, and deliveries whose
    worker died while sending them (claimed more than `STALE_CLAIM` ago). Safe to run
    anytime: a delivery is claimed before it is sent."""
    now = now or timezone.now()
    EmailDelivery.objects.filter(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - STALE_CLAIM
    ).update(status=DeliveryStatus.PENDING)
    # Only those queued a while ago: a fresh one is on its way through its own task.
    ids = list(
        EmailDelivery.objects.filter(
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=now,
            created_at__lt=now - timedelta(minutes=5),
        ).values_list("pk", flat=True)
    )
    _enqueue(ids)
    return len(ids)
