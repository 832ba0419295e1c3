"""Sign-up confirmed by e-mail, answering the same whether or not the address has an account;
sign-up and password reset throttled per address and per client."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organisation, Role, SignupRequest, User
from tests.accounts.test_views import VALID_SIGNUP
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, django_capture_on_commit_callbacks):
    """The test client, with the e-mails a request queues on commit sent at once."""
    post = client.post

    def post_and_send(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return post(*args, **kwargs)

    client.post = post_and_send
    return client


def confirm_link(message) -> str:
    return re.search(r"https?://\S+/inscription/confirmer/\S+/", message.body).group(0)


def test_a_sign_up_creates_nothing_until_the_link_is_followed(client):
    client.post(reverse("accounts:signup"), VALID_SIGNUP)

    assert (User.objects.count(), Organisation.objects.count()) == (0, 0)
    assert mail.outbox[0].to == ["camille.martin@exemple.fr"]
    assert "48 heures" in mail.outbox[0].body
    # Logging in before confirming: there is no account yet.
    response = client.post(
        reverse("accounts:login"),
        {"username": "camille.martin@exemple.fr", "password": "jardins-partages-2026"},
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_opening_the_link_asks_to_confirm_and_creates_nothing(client):
    client.post(reverse("accounts:signup"), VALID_SIGNUP)

    response = client.get(confirm_link(mail.outbox[0]))

    assert response.status_code == 200
    assert "Confirmer et créer mon compte" in response.content.decode()
    assert User.objects.count() == 0


def test_the_confirmation_link_works_once(client):
    client.post(reverse("accounts:signup"), VALID_SIGNUP)
    link = confirm_link(mail.outbox[0])
    client.post(link)
    client.post(reverse("accounts:logout"))

    again = client.post(link)

    assert again.status_code == 404
    assert "a déjà servi" in again.content.decode()
    assert User.objects.count() == 1


def test_the_confirmation_link_expires(client):
    client.post(reverse("accounts:signup"), VALID_SIGNUP)
    link = confirm_link(mail.outbox[0])

    with time_machine.travel(timezone.now() + timedelta(hours=49)):
        response = client.post(link)

    assert response.status_code == 404
    assert User.objects.count() == 0


@pytest.mark.parametrize("token", ["faux", "eyJyIjoxfQ:1abc:xyz", "..", "x" * 3000])
def test_a_forged_confirmation_link_is_refused(client, token):
    client.post(reverse("accounts:signup"), VALID_SIGNUP)

    response = client.post(reverse("accounts:signup_confirm", args=[token]))

    assert response.status_code == 404
    assert User.objects.count() == 0


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(client):
    new = client.post(reverse("accounts:signup"), VALID_SIGNUP, follow=True)
    UserFactory(email="dominique@exemple.fr")
    existing = client.post(
        reverse("accounts:signup"), {**VALID_SIGNUP, "email": "dominique@exemple.fr"}, follow=True
    )

    def page(response):  # the CSRF token changes with every page (htmx, the language switcher)
        text = re.sub(r'"X-CSRFToken": "\w+"', "", response.content.decode())
        return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", text)

    assert new.redirect_chain == existing.redirect_chain
    assert page(new) == page(existing)
    assert "Nous vous avons envoyé un e-mail" in new.content.decode()


def test_an_existing_account_gets_links_to_log_in_and_reset_and_keeps_its_password(client):
    owner = UserFactory(email="dominique@exemple.fr")

    client.post(reverse("accounts:signup"), {**VALID_SIGNUP, "email": "Dominique@Exemple.fr"})

    message = mail.outbox[0]
    assert message.subject == "Évalis : vous avez déjà un compte"
    assert "/comptes/connexion/" in message.body
    assert "/comptes/mot-de-passe/oubli/" in message.body
    assert "confirmer" not in message.body
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
    assert Organisation.objects.count() == 0
    assert not SignupRequest.objects.get().password


def test_someone_typing_another_s_address_does_not_block_its_owner(client):
    client.post(reverse("accounts:signup"), {**VALID_SIGNUP, "full_name": "Usurpateur"})
    client.post(reverse("accounts:signup"), {**VALID_SIGNUP, "once": ""})

    client.post(confirm_link(mail.outbox[1]))

    assert User.objects.get().full_name == "Camille Martin"
    # The other link now finds the address taken.
    assert client.post(confirm_link(mail.outbox[0])).status_code == 302
    assert User.objects.count() == 1


def test_the_english_reader_gets_the_existing_account_e_mail_in_english(client):
    UserFactory(email="reader@example.org", language="en")

    client.post(reverse("accounts:signup"), {**VALID_SIGNUP, "email": "reader@example.org"})

    assert mail.outbox[0].subject == "Évalis: you already have an account"


def test_asking_to_join_a_registered_organisation_tells_its_managers(client):
    manager = MembershipFactory(organisation__siret="73282932000074", role=Role.HOLDER)

    response = client.post(reverse("accounts:signup"), {**VALID_SIGNUP, "ask_to_join": "on"})

    assert response["Location"] == reverse("accounts:signup_sent")
    assert [m.to for m in mail.outbox] == [[manager.user.email]]
    assert "Camille Martin (camille.martin@exemple.fr)" in mail.outbox[0].body
    assert (
        reverse("accounts:organisation_members", args=[manager.organisation.pk])
        in mail.outbox[0].body
    )
    assert User.objects.count() == 1
    assert SignupRequest.objects.count() == 0


# Throttling


def test_sign_up_is_throttled_per_address_with_the_wait_stated(client, settings):
    settings.THROTTLE_SIGNUP_PER_EMAIL = "2/h"
    for _attempt in range(2):
        client.post(reverse("accounts:signup"), {**VALID_SIGNUP, "once": ""})

    response = client.post(reverse("accounts:signup"), {**VALID_SIGNUP, "once": ""})

    assert response.status_code == 429
    text = " ".join(response.context["form"].non_field_errors())
    assert re.search(r"réessayez dans \d+ minutes?", text)
    assert "l'administrateur de la plateforme peut le lever" in text
    assert len(mail.outbox) == 2


def test_sign_up_throttling_answers_the_same_for_a_registered_address(client, settings):
    settings.THROTTLE_SIGNUP_PER_EMAIL = "1/h"
    UserFactory(email="dominique@exemple.fr")
    answers = []
    for email in ("camille.martin@exemple.fr", "dominique@exemple.fr"):
        for _attempt in range(2):
            answer = client.post(
                reverse("accounts:signup"), {**VALID_SIGNUP, "email": email, "once": ""}
            )
        errors = " ".join(answer.context["form"].non_field_errors())
        # The wait depends on the address's own window, never on whether it is registered.
        answers.append((answer.status_code, re.sub(r"\d+ minutes?", "N minutes", errors)))

    assert answers[0] == answers[1]
    assert answers[0][0] == 429


def test_sign_up_is_throttled_per_client_address(client, settings):
    settings.THROTTLE_SIGNUP_PER_IP = "2/h"
    for number in range(2):
        client.post(
            reverse("accounts:signup"),
            {**VALID_SIGNUP, "email": f"personne{number}@exemple.fr", "once": ""},
        )

    response = client.post(
        reverse("accounts:signup"), {**VALID_SIGNUP, "email": "autre@exemple.fr", "once": ""}
    )
    elsewhere = client.post(
        reverse("accounts:signup"),
        {**VALID_SIGNUP, "email": "autre@exemple.fr", "once": ""},
        REMOTE_ADDR="192.0.2.7",
    )

    assert response.status_code == 429
    assert elsewhere.status_code == 302


def test_the_throttle_lifts_after_the_stated_wait(client, settings):
    settings.THROTTLE_SIGNUP_PER_EMAIL = "1/h"
    client.post(reverse("accounts:signup"), {**VALID_SIGNUP, "once": ""})
    assert client.post(reverse("accounts:signup"), VALID_SIGNUP).status_code == 429

    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        assert client.post(reverse("accounts:signup"), VALID_SIGNUP).status_code == 302


def test_an_administrator_lifts_every_throttle(client, settings):
    settings.THROTTLE_RESET_PER_EMAIL = "1/h"
    client.post(reverse("accounts:password_reset"), {"email": "agent@region.fr"})
    assert (
        client.post(reverse("accounts:password_reset"), {"email": "agent@region.fr"}).status_code
        == 429
    )

    call_command("throttle_reset", stdout=open("/dev/null", "w"))  # noqa: SIM115

    response = client.post(reverse("accounts:password_reset"), {"email": "agent@region.fr"})
    assert response.status_code == 302


def test_password_reset_is_throttled_per_address_whether_or_not_it_exists(client, settings):
    settings.THROTTLE_RESET_PER_EMAIL = "2/h"
    UserFactory(email="agent@region.fr")
    answers = {}
    for email in ("agent@region.fr", "inconnu@region.fr"):
        statuses = [
            client.post(reverse("accounts:password_reset"), {"email": email}).status_code
            for _attempt in range(3)
        ]
        answers[email] = statuses

    assert answers["agent@region.fr"] == answers["inconnu@region.fr"] == [302, 302, 429]
    assert len(mail.outbox) == 2  # the registered address's two links, nothing after


def test_password_reset_is_throttled_per_client_address(client, settings):
    settings.THROTTLE_RESET_PER_IP = "3/h"
    statuses = [
        client.post(
            reverse("accounts:password_reset"), {"email": f"p{number}@region.fr"}
        ).status_code
        for number in range(4)
    ]

    assert statuses == [302, 302, 302, 429]
    assert (
        "réessayez dans"
        in client.post(
            reverse("accounts:password_reset"), {"email": "p9@region.fr"}
        ).content.decode()
    )


def test_a_confirmed_sign_up_is_a_holder_who_lands_on_the_next_step(client):
    client.post(reverse("accounts:signup"), VALID_SIGNUP)

    response = client.post(confirm_link(mail.outbox[0]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("projects:project_list")
    page = response.content.decode()
    assert "Prochaine étape" in page
    assert reverse("projects:call_list") in page
    assert Membership.objects.get().role == Role.HOLDER


@pytest.mark.parametrize(
    ("behind_proxy", "forwarded", "remote", "expected"),
    [
        (True, "203.0.113.9", "10.0.0.2", "203.0.113.9"),
        (True, "198.51.100.1, 203.0.113.9", "10.0.0.2", "203.0.113.9"),
        (True, "pas-une-adresse", "10.0.0.2", "10.0.0.2"),
        (True, "", "", "0.0.0.0"),
        (False, "203.0.113.9", "10.0.0.2", "10.0.0.2"),
    ],
)
def test_the_client_address_behind_the_proxy_is_the_one_it_forwarded(
    rf, settings, behind_proxy, forwarded, remote, expected
):
    from accounts.throttle import client_address

    settings.BEHIND_PROXY = behind_proxy
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)

    assert client_address(request) == expected


def test_behind_the_proxy_each_client_has_its_own_count(client, settings):
    settings.BEHIND_PROXY = True
    settings.THROTTLE_RESET_PER_IP = "1/h"
    url = reverse("accounts:password_reset")

    first = client.post(url, {"email": "a@region.fr"}, HTTP_X_FORWARDED_FOR="203.0.113.1")
    other = client.post(url, {"email": "b@region.fr"}, HTTP_X_FORWARDED_FOR="203.0.113.2")
    again = client.post(url, {"email": "c@region.fr"}, HTTP_X_FORWARDED_FOR="203.0.113.1")

    assert [first.status_code, other.status_code, again.status_code] == [302, 302, 429]
