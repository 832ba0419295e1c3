"""Personal API tokens: created and named from the account, shown once, stored as a digest,
their last use recorded, revoked at once; a token acts exactly as its user."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role
from api.models import ApiToken
from api.selectors import token_digest
from api.services import api_token_create, api_token_revoke, api_token_touch
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
ME = "/api/v1/me/"


def test_only_a_digest_of_the_secret_is_stored():
    user = user_with_role(Role.HOLDER)

    token, secret = api_token_create(user=user, name="Tableur")

    stored = ApiToken.objects.values().get(pk=token.pk)
    assert secret.startswith("evl_") and len(secret) > 40
    assert secret not in str(stored)
    assert stored["digest"] == token_digest(secret)
    assert stored["prefix"] == secret[:12]
    assert AuditEvent.objects.for_object(token).get().action == "api_token.create"


def test_a_token_without_a_name_is_refused_in_french():
    with pytest.raises(ValidationError) as excinfo:
        api_token_create(user=user_with_role(Role.HOLDER), name="  ")

    assert excinfo.value.message_dict == {
        "name": ["Donnez un nom au jeton (l'outil qui l'utilise)."]
    }


def test_a_token_acts_as_its_user_and_records_its_last_use(client):
    user = user_with_role(Role.FUNDER)
    token, secret = api_token_create(user=user, name="SI régional")

    response = client.get(ME, headers={"Authorization": f"Bearer {secret}"})

    assert response.status_code == 200
    assert (response.json()["email"], response.json()["roles"]) == (user.email, ["funder"])
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_last_use_is_written_at_most_once_a_minute():
    token, _secret = api_token_create(user=user_with_role(Role.HOLDER), name="Script")
    now = timezone.now()

    api_token_touch(token=token, now=now)
    api_token_touch(token=token, now=now + timedelta(seconds=30))
    token.refresh_from_db()
    first = token.last_used_at
    api_token_touch(token=token, now=now + timedelta(minutes=2))
    token.refresh_from_db()

    assert first == now
    assert token.last_used_at == now + timedelta(minutes=2)


@pytest.mark.parametrize(
    "header",
    ["Bearer evl_inconnu", "Bearer", "Token a b", "Bearer pas-un-jeton"],
)
def test_a_wrong_token_is_refused_with_401(client, header):
    response = client.get(ME, headers={"Authorization": header})

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_revoked_token_or_an_inactive_user_is_refused(client):
    user = user_with_role(Role.REVIEWER)
    token, secret = api_token_create(user=user, name="Ancien outil")
    _other, other_secret = api_token_create(user=user, name="Autre outil")

    api_token_revoke(token=token, by=user)
    revoked = client.get(ME, headers={"Authorization": f"Bearer {secret}"})
    still = client.get(ME, headers={"Authorization": f"Bearer {other_secret}"})
    user.is_active = False
    user.save()
    inactive = client.get(ME, headers={"Authorization": f"Bearer {other_secret}"})

    assert (revoked.status_code, revoked.json()["detail"]) == (401, "Jeton inconnu ou révoqué.")
    assert still.status_code == 200
    assert inactive.status_code == 401


def test_the_account_page_creates_a_token_and_shows_it_once(client):
    user = user_with_role(Role.HOLDER)
    client.force_login(user)
    url = reverse("api_tokens:token_list")

    created = client.post(url, {"name": "Tableur de la direction"})
    listed = client.get(url)

    token = ApiToken.objects.get(user=user)
    secret = created.context["secret"]
    assert token.digest == token_digest(secret)
    assert secret in created.content.decode()
    assert created["Cache-Control"] == "no-store"
    assert secret not in listed.content.decode()
    assert "Tableur de la direction" in listed.content.decode()
    assert "jamais" in listed.content.decode()


def test_the_account_page_refuses_a_nameless_token(client):
    user = user_with_role(Role.HOLDER)
    client.force_login(user)

    response = client.post(reverse("api_tokens:token_list"), {"name": ""})

    assert response.status_code == 200
    assert response.context["form"].errors == {"name": ["Ce champ est obligatoire."]}
    assert not ApiToken.objects.exists()


def test_revoking_asks_for_confirmation_then_refuses_the_token(client):
    user = user_with_role(Role.HOLDER)
    token, secret = api_token_create(user=user, name="Script")
    client.force_login(user)
    url = reverse("api_tokens:token_revoke", kwargs={"pk": token.pk})

    confirm = client.get(url)
    token.refresh_from_db()
    active_after_get = token.is_active
    revoked = client.post(url)
    client.logout()

    assert confirm.status_code == 200
    assert "définitivement" in confirm.content.decode()
    assert active_after_get
    assert revoked.status_code == 302
    token.refresh_from_db()
    assert not token.is_active
    assert client.get(ME, headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_nobody_else_revokes_a_token(client):
    owner = user_with_role(Role.HOLDER)
    token, secret = api_token_create(user=owner, name="Script")
    for other in (user_with_role(Role.HOLDER), user_with_role(None)):
        client.force_login(other)

        response = client.post(reverse("api_tokens:token_revoke", kwargs={"pk": token.pk}))

        assert response.status_code == 403
    token.refresh_from_db()
    assert token.is_active


def test_a_token_sees_exactly_what_its_user_sees(client):
    """The same predicates: a holder's token is refused the funder's pages' data."""
    holder = user_with_role(Role.HOLDER)
    _token, secret = api_token_create(user=holder, name="Script")
    headers = {"Authorization": f"Bearer {secret}"}

    assert client.get("/api/v1/territories/", headers=headers).status_code == 403
    assert client.get("/api/v1/reviews/", headers=headers).status_code == 403
    assert client.get("/api/v1/projects/", headers=headers).status_code == 200


def test_a_session_write_needs_the_csrf_token_a_token_write_does_not():
    """The session (the browsable docs) is a browser's credential: its writes need the CSRF
    token, as forms do. A personal token is sent on purpose and needs none."""
    holder = user_with_role(Role.HOLDER)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(holder)
    url = reverse("api:project_list")
    body = {"call": 999999, "title": "X"}

    by_session = browser.post(url, body, content_type="application/json")
    _token, secret = api_token_create(user=holder, name="Script")
    by_token = Client(enforce_csrf_checks=True).post(
        url, body, content_type="application/json", headers={"Authorization": f"Bearer {secret}"}
    )

    assert by_session.status_code == 403
    assert "CSRF" in by_session.json()["detail"]
    assert by_token.status_code == 400  # past authentication: the call is unknown
