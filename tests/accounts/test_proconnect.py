"""ProConnect login and sign-out against a local OpenID Connect provider (discovery, JWKS,
token endpoint, signed userinfo, end of session): tests/fake_http.py."""

from importlib import import_module
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, Organisation, Role, User
from accounts.proconnect import SESSION_LOGOUT_STATE
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory
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
    assert client.get(reverse("accounts:proconnect_logout_return")).status_code == 404
    assert (
        client.get(reverse("accounts:proconnect_logout_return"), {"state": "x"}).status_code == 404
    )
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
    assert discovery["end_session_endpoint"] == settings.OIDC_OP_LOGOUT_ENDPOINT


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


# --- Sign-out ------------------------------------------------------------------------------

RETURN_URL = "http://testserver/comptes/proconnect/deconnexion/"
DONE = "Déconnexion terminée\u00a0: vos sessions Évalis et ProConnect sont fermées."
UNCONFIRMED = "ProConnect n&#x27;a pas confirmé la fin de la sienne"


def _session_exists(key) -> bool:
    return import_module(django_settings.SESSION_ENGINE).SessionStore().exists(key)


def _end_session_query(response, fake) -> dict:
    """The query of a redirect to ProConnect's end-session endpoint (asserted to be one)."""
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{fake.base}/session/end"
    return {key: values[-1] for key, values in parse_qs(location.query).items()}


def test_signing_out_after_proconnect_ends_both_sessions(client, fake_proconnect):
    _login(client, fake_proconnect)
    signed_in_key = client.session.session_key

    response = client.post(reverse("accounts:logout"))

    query = _end_session_query(response, fake_proconnect)
    assert query["id_token_hint"] == fake_proconnect.id_tokens[-1]
    assert query["post_logout_redirect_uri"] == RETURN_URL
    assert len(query["state"]) == 32
    assert client.session[SESSION_LOGOUT_STATE] == query["state"]
    assert "_auth_user_id" not in client.session
    assert "oidc_id_token" not in client.session
    assert not _session_exists(signed_in_key)


def test_the_states_of_two_sign_outs_differ(fake_proconnect):
    states = []
    for _ in range(2):
        client = Client()
        _login(client, fake_proconnect)
        states.append(_end_session_query(client.post(reverse("accounts:logout")), fake_proconnect))

    assert states[0]["state"] != states[1]["state"]
    assert states[0]["id_token_hint"] != states[1]["id_token_hint"]


def test_the_return_address_may_be_configured(client, fake_proconnect, settings):
    settings.PROCONNECT_POST_LOGOUT_REDIRECT_URI = (
        "https://evalis.example.fr/comptes/proconnect/deconnexion/"
    )
    _login(client, fake_proconnect)

    query = _end_session_query(client.post(reverse("accounts:logout")), fake_proconnect)

    assert query["post_logout_redirect_uri"] == settings.PROCONNECT_POST_LOGOUT_REDIRECT_URI


def test_the_round_trip_through_proconnect_ends_on_a_confirmation(client, fake_proconnect):
    _login(client, fake_proconnect)
    to_proconnect = client.post(reverse("accounts:logout"))

    # ProConnect's page, which the test stands in for, ends its session and sends back.
    back = requests.get(to_proconnect["Location"], allow_redirects=False, timeout=2)
    assert back.status_code == 302
    assert fake_proconnect.ended == [fake_proconnect.id_tokens[-1]]
    location = urlparse(back.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == RETURN_URL
    response = client.get(location.path, parse_qs(location.query))

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert DONE in client.get(response["Location"]).content.decode()
    assert "_auth_user_id" not in client.session
    assert SESSION_LOGOUT_STATE not in client.session


@pytest.mark.parametrize(
    "params",
    [{}, {"state": "un-autre-etat"}, {"state": ""}, {"state": "é🙂" * 1000}],
)
def test_a_return_without_the_state_sent_says_so_and_stays_signed_out(
    client, fake_proconnect, params
):
    _login(client, fake_proconnect)
    client.post(reverse("accounts:logout"))

    response = client.get(reverse("accounts:proconnect_logout_return"), params)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    page = client.get(response["Location"]).content.decode()
    assert UNCONFIRMED in page
    assert DONE not in page
    assert "_auth_user_id" not in client.session


def test_a_return_with_a_nul_in_its_state_is_refused_and_stays_signed_out(client, fake_proconnect):
    _login(client, fake_proconnect)
    client.post(reverse("accounts:logout"))

    response = client.get(reverse("accounts:proconnect_logout_return"), {"state": "a\x00b"})

    assert response.status_code == 400  # config.middleware refuses NUL characters everywhere
    assert "_auth_user_id" not in client.session


def test_a_state_confirms_once(client, fake_proconnect):
    _login(client, fake_proconnect)
    state = _end_session_query(client.post(reverse("accounts:logout")), fake_proconnect)["state"]
    url = reverse("accounts:proconnect_logout_return")
    client.get(url, {"state": state})

    again = client.get(client.get(url, {"state": state})["Location"])

    assert UNCONFIRMED in again.content.decode()


def test_the_return_page_signs_nobody_out(client, fake_proconnect):
    user = UserFactory()
    client.force_login(user)

    response = client.get(reverse("accounts:proconnect_logout_return"), {"state": "x"})

    assert response.status_code == 302
    assert response["Location"] == reverse("projects:landing")
    assert int(client.session["_auth_user_id"]) == user.pk


def test_signing_out_after_a_password_login_is_unchanged(client, fake_proconnect):
    UserFactory(email="agent@region.fr")
    client.post(reverse("accounts:login"), {"username": "agent@region.fr", "password": PASSWORD})
    assert "_auth_user_id" in client.session

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert "_auth_user_id" not in client.session
    assert SESSION_LOGOUT_STATE not in client.session
    assert [r.path for r in fake_proconnect.received if "session" in r.path] == []


def test_signing_out_is_unchanged_once_proconnect_is_switched_off(
    client, fake_proconnect, settings
):
    _login(client, fake_proconnect)
    settings.PROCONNECT_ENABLED = False

    response = client.post(reverse("accounts:logout"))

    assert response["Location"] == reverse("home")
    assert "_auth_user_id" not in client.session


def test_signing_out_is_a_post_with_its_csrf_token(fake_proconnect):
    client = Client(enforce_csrf_checks=True)
    _login(client, fake_proconnect)

    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 403
    assert "_auth_user_id" in client.session
    page = client.get(reverse("home")).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token})
    _end_session_query(response, fake_proconnect)
    assert "_auth_user_id" not in client.session


def test_a_proconnect_login_over_someone_elses_session_still_signs_out_of_proconnect(
    client, fake_proconnect
):
    client.force_login(UserFactory())
    _login(client, fake_proconnect)
    assert client.session["_auth_user_id"] == str(
        User.objects.get(email="agent@region.example.fr").pk
    )

    query = _end_session_query(client.post(reverse("accounts:logout")), fake_proconnect)

    assert query["id_token_hint"] == fake_proconnect.id_tokens[-1]
