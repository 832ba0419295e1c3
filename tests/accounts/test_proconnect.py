"""ProConnect login against a local OpenID Connect provider (discovery, JWKS, token endpoint,
signed userinfo): tests/fake_http.py."""

from urllib.parse import parse_qs, urlparse

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse

from accounts.models import Membership, Organisation, Role, User
from tests.factories import MembershipFactory, OrganisationFactory
from tests.fake_http import PROCONNECT_CLIENT

pytestmark = pytest.mark.django_db

SIRET = "77567227200017"


def _login(client, fake, code="code-ok"):
    """The browser's round trip: to ProConnect, whose page the test stands in for, and back."""
    start = client.get(reverse("accounts:proconnect_start"))
    assert start.status_code == 302
    location = urlparse(start["Location"])
    query = {k: v[-1] for k, v in parse_qs(location.query).items()}
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{fake.base}/authorize"
    assert query["client_id"] == PROCONNECT_CLIENT
    assert set(query["scope"].split()) >= {"openid", "email", "siret"}
    assert query["acr_values"] == "eidas1"
    requests.get(start["Location"], timeout=2)  # ProConnect's page records the nonce
    return client.get(
        reverse("accounts:proconnect_callback"), {"code": code, "state": query["state"]}
    )


def test_pages_are_404_unless_configured(client):
    assert client.get(reverse("accounts:proconnect_start")).status_code == 404
    assert client.get(reverse("accounts:proconnect_callback")).status_code == 404
    assert (
        "Se connecter avec ProConnect" not in client.get(reverse("accounts:login")).content.decode()
    )


def test_login_page_offers_proconnect_when_configured(client, fake_proconnect):
    assert "Se connecter avec ProConnect" in client.get(reverse("accounts:login")).content.decode()


def test_discovery_document_names_the_endpoints_used(fake_proconnect, settings):
    discovery = requests.get(
        f"{fake_proconnect.base}/.well-known/openid-configuration", timeout=2
    ).json()

    assert discovery["token_endpoint"] == settings.OIDC_OP_TOKEN_ENDPOINT
    assert discovery["userinfo_endpoint"] == settings.OIDC_OP_USER_ENDPOINT
    assert discovery["jwks_uri"] == settings.OIDC_OP_JWKS_ENDPOINT


def test_first_login_creates_the_person_and_proposes_their_organisation(
    client, fake_proconnect, fake_companies
):
    response = _login(client, fake_proconnect)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:proconnect_organisation")
    user = User.objects.get(email="agent@region.example.fr")
    assert user.full_name == "Camille Durand"
    assert not user.has_usable_password()
    page = client.get(reverse("accounts:proconnect_organisation"))
    assert "JARDINS PARTAGÉS D" in page.content.decode()

    client.post(reverse("accounts:proconnect_organisation"))

    organisation = Organisation.objects.get(siret=SIRET)
    assert Membership.objects.filter(
        user=user, organisation=organisation, role=Role.HOLDER
    ).exists()
    assert organisation.checked_facts.rna == "W802001234"


def test_a_member_lands_in_their_organisation(client, fake_proconnect):
    organisation = OrganisationFactory(siret=SIRET)
    user = MembershipFactory(organisation=organisation, user__email="agent@region.example.fr").user

    _login(client, fake_proconnect)
    response = client.get(reverse("accounts:proconnect_organisation"))

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_a_registered_organisation_is_asked_for_an_invitation_not_joined(
    client, fake_proconnect, mailoutbox
):
    organisation = OrganisationFactory(siret=SIRET)
    MembershipFactory(organisation=organisation, role=Role.HOLDER)

    _login(client, fake_proconnect)
    client.post(reverse("accounts:proconnect_organisation"))

    user = User.objects.get(email="agent@region.example.fr")
    assert not Membership.objects.filter(user=user).exists()


def test_a_userinfo_signed_with_another_key_is_refused(client, fake_proconnect):
    fake_proconnect.sign_with = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    response = _login(client, fake_proconnect)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email="agent@region.example.fr").exists()


def test_a_refused_code_sends_back_to_the_login_page(client, fake_proconnect):
    response = _login(client, fake_proconnect, code="code-faux")

    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_unreachable_provider_is_a_message_not_an_error(client, fake_proconnect, settings):
    start = client.get(reverse("accounts:proconnect_start"))
    state = parse_qs(urlparse(start["Location"]).query)["state"][-1]
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"

    response = client.get(
        reverse("accounts:proconnect_callback"), {"code": "code-ok", "state": state}
    )

    assert response["Location"] == reverse("accounts:login")


@pytest.mark.parametrize(
    "params",
    [
        {"code": "x", "state": "inconnu"},
        {"code": "a\x00b", "state": "é🙂" * 1000},
        {"error": "access_denied", "state": "x"},
        {"code": "", "state": ""},
    ],
)
def test_hostile_callbacks_send_back_to_the_login_page(client, fake_proconnect, params):
    client.get(reverse("accounts:proconnect_start"))  # a session with a pending state

    response = client.get(reverse("accounts:proconnect_callback"), params)

    assert response.status_code in (302, 400)
    assert "_auth_user_id" not in client.session
