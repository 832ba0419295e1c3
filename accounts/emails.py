"""E-mails written as templates (`templates/emails/<name>.subject.txt`, `<name>.txt` and,
where useful, `<name>.html`), sent after the transaction that caused them commits."""

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string


def render_email(name: str, context: dict) -> tuple[str, str, str | None]:
    """(subject on one line, plain-text body, HTML body or None)."""
    subject = " ".join(render_to_string(f"emails/{name}.subject.txt", context).split())
    text = render_to_string(f"emails/{name}.txt", context)
    try:
        html = render_to_string(f"emails/{name}.html", context)
    except TemplateDoesNotExist:
        html = None
    return subject, text, html


def _send(rendered: tuple[str, str, str | None], recipients) -> None:
    """One message per recipient: nobody learns who else received it."""
    subject, text, html = rendered
    for recipient in recipients:
        message = EmailMultiAlternatives(subject, text, None, [recipient])
        if html is not None:
            message.attach_alternative(html, "text/html")
        message.send()


def send_templated_email_on_commit(name: str, context: dict, recipients) -> None:
    """Rendered now (in the language of the request that caused it), sent once the
    transaction commits: an e-mail never announces a change that was rolled back."""
    recipients = list(recipients)
    if recipients:
        rendered = render_email(name, context)
        transaction.on_commit(lambda: _send(rendered, recipients))
