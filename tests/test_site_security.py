"""Production settings and the refusals every request gets before a view (issue 16)."""

import logging
import os
import re
import subprocess
import sys

import pytest
from django.core import mail
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import Role
from config.logging import OneLineClientErrors
from config.views import server_error
from projects.models import ReviewerInvitation
from tests.factories import PASSWORD, CallFactory, UserFactory, user_with_role

LONG_KEY = "k3y-" + "abcdefghij" * 6


def _settings(**env) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with `env` (production: DEBUG=0)."""
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "BEHIND_PROXY")}
    code = (
        "import config.settings as s; "
        "print(getattr(s, 'SECURE_PROXY_SSL_HEADER', None), s.SESSION_COOKIE_AGE)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DEBUG": "0", "ALLOWED_HOSTS": "x", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "key", ["", "change-me-to-a-long-random-string", "short-key", "a" * 60, "django-insecure-x"]
)
def test_production_refuses_a_placeholder_or_short_secret_key(key):
    result = _settings(SECRET_KEY=key)

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_trusts_forwarded_proto_only_behind_a_proxy():
    direct = _settings(SECRET_KEY=LONG_KEY)
    proxied = _settings(SECRET_KEY=LONG_KEY, BEHIND_PROXY="1")

    assert direct.returncode == proxied.returncode == 0, direct.stderr + proxied.stderr
    assert direct.stdout.split()[0] == "None"
    assert "HTTP_X_FORWARDED_PROTO" in proxied.stdout
    assert direct.stdout.split()[-1] == str(8 * 3600)


@pytest.mark.django_db
def test_every_page_says_which_browser_features_are_off(client):
    response = client.get(reverse("home"))

    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_a_body_announced_too_large_is_refused_before_it_is_read(client, settings):
    settings.REQUEST_MAX_BYTES = 1000

    response = client.generic(
        "POST",
        reverse("accounts:login"),
        b"x" * 10,
        content_type="application/octet-stream",
        CONTENT_LENGTH="50000000",
    )

    assert response.status_code == 413
    assert "Envoi trop volumineux" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "body", "content_type"),
    [
        ("GET", "/appels/?region=%00", b"", ""),
        (
            "POST",
            "/comptes/connexion/",
            b"username=a%00b&password=x",
            "application/x-www-form-urlencoded",
        ),
        (
            "POST",
            "/comptes/connexion/",
            "username=é".encode("utf-16"),
            "application/x-www-form-urlencoded; charset=utf-16",
        ),
    ],
)
def test_nul_characters_and_unreadable_bodies_get_a_french_400(
    client, method, path, body, content_type
):
    response = client.generic(method, path, body, content_type=content_type)

    assert response.status_code == 400
    assert "Requête invalide" in response.content.decode()


def test_an_unreachable_database_answers_503_in_french():
    request = RequestFactory().get("/")
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(request)
    try:
        raise KeyError("bug")
    except KeyError:
        other = server_error(request)

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "Service momentanément indisponible" in response.content.decode()
    assert other.status_code == 500
    assert "Erreur du serveur" in other.content.decode()


def test_refused_requests_are_logged_on_one_line_and_server_errors_keep_their_traceback():
    def record(status):
        try:
            raise PermissionError("refusé")
        except PermissionError:
            entry = logging.LogRecord(
                "django.request", logging.WARNING, __file__, 1, "Forbidden", (), sys.exc_info()
            )
        entry.status_code = status
        return entry

    refused, broken = record(403), record(500)
    OneLineClientErrors().filter(refused)
    OneLineClientErrors().filter(broken)

    assert logging.Formatter().format(refused) == "Forbidden"
    assert "Traceback" in logging.Formatter().format(broken)


@pytest.mark.django_db
def test_login_locks_after_repeated_failures_with_a_french_page_and_a_reset_unlocks(client):
    user = UserFactory(email="cible@exemple.fr")
    login = reverse("accounts:login")
    for _attempt in range(5):
        client.post(login, {"username": "Cible@Exemple.fr", "password": "mauvais"})

    locked = client.post(login, {"username": "cible@exemple.fr", "password": PASSWORD})

    assert locked.status_code == 429
    assert "Connexion temporairement bloquée" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    client.post(reverse("accounts:password_reset"), {"email": user.email})
    link = re.search(r"/comptes/mot-de-passe/nouveau/\S+/", mail.outbox[0].body).group(0)
    form_url = client.get(link)["Location"]
    client.post(
        form_url,
        {
            "new_password1": "nouveau-mot-de-passe-2026",
            "new_password2": "nouveau-mot-de-passe-2026",
        },
    )
    unlocked = client.post(login, {"username": user.email, "password": "nouveau-mot-de-passe-2026"})

    assert unlocked.status_code == 302


@pytest.mark.django_db
def test_another_organisations_reviewer_joins_a_pool_only_by_accepting(
    client, django_capture_on_commit_callbacks
):
    funder = user_with_role(Role.FUNDER)
    organisation = funder.memberships.get().organisation
    call = CallFactory(funder=organisation)
    stranger = user_with_role(Role.REVIEWER)
    colleague = user_with_role(Role.REVIEWER, organisation)
    client.force_login(funder)
    url = reverse("projects:call_pool", kwargs={"pk": call.pk})

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": stranger.email})
        client.post(url, {"email": colleague.email})

    assert list(call.reviewers.all()) == [colleague]
    assert ReviewerInvitation.objects.get().email == stranger.email
    assert [message.to for message in mail.outbox] == [[stranger.email]]


@pytest.mark.django_db
def test_the_pool_answers_the_same_for_a_registered_and_an_unknown_address(client):
    funder = user_with_role(Role.FUNDER)
    call = CallFactory(funder=funder.memberships.get().organisation)
    stranger = user_with_role(Role.REVIEWER)
    client.force_login(funder)
    url = reverse("projects:call_pool", kwargs={"pk": call.pk})

    answers = [
        client.post(url, {"email": email}, follow=True)
        for email in (stranger.email, "inconnu@exemple.fr")
    ]

    assert [a.redirect_chain for a in answers][0] == [a.redirect_chain for a in answers][1]
    assert [[str(m) for m in a.context["messages"]] for a in answers] == [
        ["Une invitation est envoyée par e-mail."]
    ] * 2
    assert call.reviewers.count() == 0
