"""Public pages: open calls and their grid."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from territories.models import Departement, Region
from tests.factories import CallFactory
from tests.projects.helpers import titles
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def test_open_calls_are_filtered_by_region_and_departement(client):
    national = CallFactory(title="National")
    hauts = CallFactory(title="Hauts-de-France")
    hauts.regions.set([Region.objects.get(code="32")])
    gironde = CallFactory(title="Gironde")
    gironde.departements.set([Departement.objects.get(code="33")])
    CallFactory(title="Brouillon", draft=True)
    CallFactory(title="Clos", closes_at=timezone.now() - timedelta(hours=1))
    url = reverse("projects:call_list")

    assert sorted(titles(client.get(url))) == ["Gironde", "Hauts-de-France", "National"]
    assert sorted(titles(client.get(url, {"region": "32"}))) == ["Hauts-de-France", "National"]
    assert sorted(titles(client.get(url, {"region": "75"}))) == ["Gironde", "National"]
    assert sorted(titles(client.get(url, {"departement": "80"}))) == [
        "Hauts-de-France",
        "National",
    ]
    assert national.pk


def test_public_call_page_shows_the_grid_and_paris_times(client):
    call = CallFactory(
        opens_at=timezone.make_aware(datetime(2026, 1, 5, 9, 0), timezone.get_fixed_timezone(60)),
        closes_at=timezone.now() + timedelta(days=3),
    )

    response = client.get(reverse("projects:call_detail", kwargs={"pk": call.pk}))

    content = response.content.decode()
    assert response.status_code == 200
    assert content.count('data-criterion="') == 20
    assert "5 janvier 2026, 09:00" in content


# --- Query counts ---------------------------------------------------------------------------


def test_open_call_list_queries_do_not_grow(client):
    url = reverse("projects:call_list")
    for _ in range(1):
        CallFactory().regions.set([Region.objects.get(code="32")])
    with count_queries() as small:
        assert client.get(url).status_code == 200
    for _ in range(4):
        call = CallFactory()
        call.regions.set([Region.objects.get(code="32")])
        call.departements.set([Departement.objects.get(code="33")])

    with count_queries(small.count):
        assert client.get(url).status_code == 200
