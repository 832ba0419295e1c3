"""Fixtures of the API's tests: the `example` call of the projects' tests, and clients that
authenticate with a personal token, as an outside tool does."""

import pytest

from api.services import api_token_create
from tests.projects.conftest import example, small_version  # noqa: F401


def bearer(user) -> dict:
    """The headers of a client holding a new token of `user`."""
    _token, secret = api_token_create(user=user, name="Outil de test")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def as_user(client):
    """`as_user(user)`: a function that sends API requests with a token of `user`."""

    def make(user):
        headers = bearer(user)

        def send(method, url, data=None, **extra):
            if method == "get":
                return client.get(url, data or {}, headers={**headers, **extra})
            return getattr(client, method)(
                url, data or {}, content_type="application/json", headers={**headers, **extra}
            )

        return send

    return make
