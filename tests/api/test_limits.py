"""Rate limits per token, and bad input answered with a 4xx in French, never a 500."""

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.api.conftest import bearer
from tests.factories import CallFactory, ProjectFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_per_minute(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "2/minute"},
    }


def test_each_token_has_its_own_allowance(client, two_per_minute):
    user = user_with_role(Role.HOLDER)
    first, second = bearer(user), bearer(user)
    url = reverse("api:me")

    answers = [client.get(url, headers=first).status_code for _ in range(3)]
    other = client.get(url, headers=second)
    refused = client.get(url, headers=first)

    assert answers == [200, 200, 429]
    assert other.status_code == 200
    assert refused.json()["detail"].startswith("Requête ralentie.")
    assert int(refused["Retry-After"]) > 0


def test_anonymous_clients_are_limited_by_address(client, two_per_minute):
    url = reverse("api:call_list")

    answers = [client.get(url).status_code for _ in range(3)]

    assert answers == [200, 200, 429]


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/calls/", {"cursor": "n'importe-quoi"}),
        ("/api/v1/calls/", {"ordering": "mot_de_passe"}),
        ("/api/v1/calls/", {"status": "fermé"}),
        ("/api/v1/calls/", {"page_size": "-3"}),
        ("/api/v1/calls/999999/", {}),
        ("/api/v1/territories/", {"level": "canton", "call": "x"}),
    ],
)
def test_bad_input_never_answers_500(client, url, params):
    client.force_login(user_with_role(Role.FUNDER))

    response = client.get(url, params)

    assert 200 <= response.status_code < 500


def test_a_filter_with_a_wrong_value_says_so_in_french(client):
    response = client.get("/api/v1/calls/", {"status": "fermé"})

    assert response.status_code == 400
    assert response.json() == {
        "status": ["Sélectionnez un choix valide. fermé n’en fait pas partie."]
    }


def test_malformed_json_and_unknown_criteria_are_400(client):
    holder = user_with_role(Role.HOLDER)
    project = ProjectFactory(
        call=CallFactory(), owner=holder, organisation=holder.memberships.get().organisation
    )
    headers = bearer(holder)
    url = reverse("api:self_assessment", kwargs={"pk": project.pk})

    malformed = client.put(url, "{pas du json", content_type="application/json", headers=headers)
    unknown = client.put(
        url,
        {"scores": [{"criterion": "ZZ9", "value": 1}]},
        content_type="application/json",
        headers=headers,
    )
    out_of_scale = client.put(
        url,
        {"scores": [{"criterion": "S1", "value": 42}]},
        content_type="application/json",
        headers=headers,
    )
    twice = client.put(
        url,
        {"scores": [{"criterion": "S1", "value": 1}, {"criterion": "S1", "value": 2}]},
        content_type="application/json",
        headers=headers,
    )

    assert malformed.status_code == 400
    assert unknown.status_code == 400
    assert unknown.json() == {"scores": ["Critère inconnu pour la grille de l'appel : ZZ9."]}
    assert out_of_scale.status_code == 400
    assert "S1 : la note doit être comprise entre" in out_of_scale.json()["non_field_errors"][0]
    assert twice.json() == {"scores": ["Chaque critère ne figure qu'une fois."]}


def test_the_pagination_is_by_cursor(client):
    for _ in range(3):
        CallFactory()

    first = client.get("/api/v1/calls/", {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert "cursor=" in first["next"]
    assert len(second["results"]) == 1
    assert {c["id"] for c in first["results"]}.isdisjoint({c["id"] for c in second["results"]})


def test_lists_are_filtered_and_ordered(client):
    early = CallFactory(title="Zèbre")
    late = CallFactory(title="Abeille")
    CallFactory(title="Clos", status="decided")

    open_calls = client.get("/api/v1/calls/", {"status": "open", "ordering": "title"}).json()
    reverse_order = client.get("/api/v1/calls/", {"status": "open", "ordering": "-title"}).json()

    assert [c["id"] for c in open_calls["results"]] == [late.pk, early.pk]
    assert [c["id"] for c in reverse_order["results"]] == [early.pk, late.pk]
