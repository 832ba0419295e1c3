"""Each person chooses the language of their e-mails and turns off the optional ones."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Language
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_person_turns_off_an_optional_email_and_chooses_english(client):
    user = UserFactory()
    client.force_login(user)

    page = client.get(reverse("accounts:profile"))
    response = client.post(
        reverse("accounts:profile"),
        {"language": "en", "notify_submission_receipt": "on", "notify_draft_reminders": "on"},
        follow=True,
    )

    user.refresh_from_db()
    assert "Récapitulatif quotidien des nouveaux dépôts" in page.content.decode()
    assert "Vos préférences d&#x27;e-mails sont enregistrées." in response.content.decode()
    assert (user.language, user.notify_submission_receipt, user.notify_submissions_digest) == (
        Language.ENGLISH,
        True,
        False,
    )
    assert AuditEvent.objects.filter(action="user.notifications", actor=user).exists()


def test_an_unknown_language_is_refused_at_the_field(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("accounts:profile"), {"language": "xx"})

    assert response.status_code == 200
    assert (
        "xx n’est pas un des choix disponibles" in response.content.decode()
        or (response.context["notifications_form"].errors["language"])
    )
    user.refresh_from_db()
    assert user.language == Language.FRENCH
