"""E-mails are templates: a one-line subject, a plain-text body that is not HTML-escaped, one
message per recipient, sent only once the transaction commits."""

import pytest
from django.db import transaction

from accounts.emails import render_email, send_templated_email_on_commit
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_a_title_reaches_subject_and_body_as_typed():
    project = ProjectFactory(title="Jardin d'Amiens & <Co>")

    subject, text, html = render_email(
        "decision_published", {"project": project, "outcome": "Retenu"}
    )

    assert subject == "Évalis : décision sur votre projet « Jardin d'Amiens & <Co> »"
    assert "\n" not in subject
    assert "« Jardin d'Amiens & <Co> » est disponible sur Évalis : Retenu." in text
    assert html is None


def test_each_recipient_gets_their_own_message_after_commit(
    mailoutbox, django_capture_on_commit_callbacks
):
    project = ProjectFactory()

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        send_templated_email_on_commit(
            "decision_published", {"project": project, "outcome": "Retenu"}, ["a@x.fr", "b@x.fr"]
        )
        assert mailoutbox == []

    assert [message.to for message in mailoutbox] == [["a@x.fr"], ["b@x.fr"]]


def test_a_rolled_back_change_sends_nothing(mailoutbox, django_capture_on_commit_callbacks):
    project = ProjectFactory()

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                send_templated_email_on_commit(
                    "decision_published", {"project": project, "outcome": "Retenu"}, ["a@x.fr"]
                )
                raise RuntimeError("annulé")
        except RuntimeError:
            pass

    assert mailoutbox == []
