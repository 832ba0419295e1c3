import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Membership, Organisation, Role, User
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

VALID_SIGNUP = {
    "full_name": "Camille Martin",
    "email": "Camille.Martin@Exemple.fr",
    "password1": "jardins-partages-2026",
    "password2": "jardins-partages-2026",
    "organisation_name": "Les Jardins du Marais",
    "legal_form": "association",
    "siret": "732 829 320 00074",
    "commune": "Amiens (80000)",
}


@pytest.fixture
def sending_client(client, django_capture_on_commit_callbacks):
    """The test client, with the e-mails a request queues on commit sent at once."""
    post = client.post

    def post_and_send(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return post(*args, **kwargs)

    client.post = post_and_send
    return client


def _confirm_link(message) -> str:
    return re.search(r"https?://\S+/inscription/confirmer/\S+/", message.body).group(0)


def test_signup_creates_holder_account_and_organisation_once_the_address_is_confirmed(
    sending_client,
):
    client = sending_client
    response = client.post(reverse("accounts:signup"), VALID_SIGNUP)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_sent")
    assert User.objects.count() == 0
    response = client.post(_confirm_link(mail.outbox[0]))

    assert response["Location"] == reverse("projects:landing")
    user = User.objects.get()
    assert user.email == "camille.martin@exemple.fr"
    assert user.check_password("jardins-partages-2026")
    membership = Membership.objects.select_related("organisation").get()
    assert (membership.user, membership.role) == (user, Role.HOLDER)
    assert membership.organisation.siret == "73282932000074"
    assert membership.organisation.commune_id == "80021"
    assert client.get(reverse("accounts:profile")).context["user"] == user


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"password1": "court", "password2": "court"}, "password1", "trop court"),
        (
            {"password1": "123456789012345", "password2": "123456789012345"},
            "password1",
            "entièrement numérique",
        ),
        ({"password2": "autre-mot-de-passe-2026"}, "password2", "ne correspondent pas"),
        ({"siret": "73282932000075"}, "siret", "sa clé de contrôle est fausse"),
        ({"siret": "1234"}, "siret", "Saisissez un SIREN (9 chiffres) ou un SIRET"),
        # "e-mail", as the site's labels say (Django REST framework's French catalogue, loaded
        # with the API, words Django's message so).
        ({"email": "pas-une-adresse"}, "email", "adresse e-mail valide"),
        ({"commune": "Xyzzyville"}, "commune", "Aucune commune ne correspond à « Xyzzyville »"),
        ({"commune": "Saint-Denis"}, "commune", "Plusieurs communes correspondent"),
        ({"organisation_name": ""}, "organisation_name", "Ce champ est obligatoire."),
    ],
)
def test_signup_bad_input_explains_and_creates_nothing(client, changes, field, message):
    response = client.post(reverse("accounts:signup"), {**VALID_SIGNUP, **changes})

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert User.objects.count() == 0
    assert Organisation.objects.count() == 0
    # What was typed comes back, so nothing is lost (passwords excepted, on purpose).
    assert response.context["form"]["full_name"].value() == "Camille Martin"


def test_signup_with_an_email_already_registered_answers_the_same_and_creates_nothing(
    sending_client,
):
    client = sending_client
    UserFactory(email="camille.martin@exemple.fr")

    response = client.post(reverse("accounts:signup"), VALID_SIGNUP)

    assert response["Location"] == reverse("accounts:signup_sent")
    assert Organisation.objects.count() == 0
    assert "déjà un compte" in mail.outbox[0].body


def test_signup_with_an_organisation_already_registered_points_to_its_managers(client):
    MembershipFactory(organisation__siret="73282932000074")

    response = client.post(reverse("accounts:signup"), VALID_SIGNUP)

    errors = str(response.context["form"].errors)
    assert "un de ses gestionnaires peut vous inviter" in errors
    assert User.objects.count() == 1


def test_signup_accepts_a_unique_postal_code_for_the_commune(sending_client):
    client = sending_client
    client.post(reverse("accounts:signup"), {**VALID_SIGNUP, "commune": "59000"})
    client.post(_confirm_link(mail.outbox[0]))

    assert Organisation.objects.get().commune.name == "Lille"


def test_login_with_email_any_case(client):
    UserFactory(email="agent@region.fr")

    response = client.post(
        reverse("accounts:login"), {"username": "Agent@Region.fr", "password": PASSWORD}
    )

    assert response.status_code == 302


def test_login_wrong_password_gets_french_message(client):
    UserFactory(email="agent@region.fr")

    response = client.post(
        reverse("accounts:login"), {"username": "agent@region.fr", "password": "mauvais"}
    )

    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link_that_sets_a_new_password(client):
    user = UserFactory(email="agent@region.fr")

    client.post(reverse("accounts:password_reset"), {"email": "agent@region.fr"})

    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]  # Django swaps the token for a session marker
    response = client.post(
        form_url,
        {
            "new_password1": "nouveau-mot-de-passe-2026",
            "new_password2": "nouveau-mot-de-passe-2026",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("nouveau-mot-de-passe-2026")


def test_password_reset_for_unknown_email_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "inconnu@exemple.fr"})

    assert response.status_code == 302
    assert mail.outbox == []


def test_organisation_edit_with_bad_siret_changes_nothing(client):
    membership = MembershipFactory(organisation__siret="732829320")
    client.force_login(membership.user)
    url = reverse("accounts:organisation_edit", kwargs={"pk": membership.organisation.pk})

    response = client.post(
        url, {"name": "Nouveau nom", "legal_form": "scop", "siret": "732829321", "commune": ""}
    )

    assert response.status_code == 200
    assert "sa clé de contrôle est fausse" in response.content.decode()
    membership.organisation.refresh_from_db()
    assert (membership.organisation.name, membership.organisation.siret) != ("Nouveau nom", "")
    assert membership.organisation.siret == "732829320"


def test_organisation_edit_by_member_saves(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    url = reverse("accounts:organisation_edit", kwargs={"pk": membership.organisation.pk})

    response = client.post(
        url,
        {
            "name": "SCOP du Littoral",
            "legal_form": "scop",
            "siret": "542107651",
            "commune": "62193",
        },
    )

    assert response.status_code == 302
    organisation = Organisation.objects.get(pk=membership.organisation.pk)
    assert (organisation.name, organisation.siret, organisation.commune_id) == (
        "SCOP du Littoral",
        "542107651",
        "62193",
    )


def test_password_reset_with_a_spent_link_says_so(client):
    response = client.get(
        reverse("accounts:password_reset_confirm", kwargs={"uidb64": "MQ", "token": "faux-0"})
    )

    assert "Ce lien n'est plus valable" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("administrator", "shown"), [(True, True), (False, False)])
def test_only_administrators_are_offered_the_admin_site(client, administrator, shown):
    client.force_login(UserFactory(administrator=administrator))

    html = client.get(reverse("accounts:profile")).content.decode()

    assert (reverse("admin:index") in html) is shown
    assert ("Administrateur de la plateforme" in html) is shown


def test_a_reviewer_member_cannot_edit_their_organisation_nor_is_offered_to(client):
    membership = MembershipFactory(role=Role.REVIEWER, organisation__name="Région")
    client.force_login(membership.user)
    url = reverse("accounts:organisation_edit", kwargs={"pk": membership.organisation.pk})

    profile = client.get(reverse("accounts:profile")).content.decode()
    data = {"name": "Piratée", "legal_form": "scop", "siret": "", "commune": ""}
    refused = client.post(url, data)

    assert "Région" in profile
    assert url not in profile
    assert "Modifier la structure" not in profile
    assert refused.status_code == 403
    membership.organisation.refresh_from_db()
    assert membership.organisation.name == "Région"


def test_a_funder_member_is_offered_to_edit_their_organisation(client):
    membership = MembershipFactory(role=Role.FUNDER)
    client.force_login(membership.user)
    url = reverse("accounts:organisation_edit", kwargs={"pk": membership.organisation.pk})

    assert url in client.get(reverse("accounts:profile")).content.decode()
    assert client.get(url).status_code == 200
