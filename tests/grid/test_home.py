import pytest
from django.urls import reverse

from grid.models import GridVersion
from grid.services import grid_version_create_draft, grid_version_publish
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def test_home_lists_the_twenty_criteria_with_eight_socles(client):
    response = client.get(reverse("home"))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-criterion="') == 20
    assert html.count('data-kind="core"') == 8
    assert html.count('data-kind="complementary"') == 12
    assert "Réponse à un besoin social mal satisfait" in html
    assert "8 socles et 12 complémentaires" in html
    for label in ("Absent ou non démontré", "Émergent", "Présent", "Fort, exemplaire"):
        assert label in html


def test_home_shows_the_latest_published_version(client):
    v2 = grid_version_create_draft(source=GridVersion.objects.get(number=1))
    v2.criteria.filter(code="S1").update(label="Besoin social reformulé")
    grid_version_publish(version=v2)

    html = client.get(reverse("home")).content.decode()

    assert "Besoin social reformulé" in html
    assert "Version 2" in html


def test_home_query_count_does_not_grow_with_the_grid(client):
    with count_queries(5):
        client.get(reverse("home"))
    v2 = grid_version_create_draft(source=GridVersion.objects.get(number=1))
    grid_version_publish(version=v2)
    with count_queries(5):
        client.get(reverse("home"))
