import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse

from territories.forms import CommuneField
from territories.models import Commune, Departement, Region

pytestmark = pytest.mark.django_db


def test_territories_are_loaded_with_string_codes():
    assert Region.objects.count() == 18
    assert Departement.objects.count() == 101
    assert Commune.objects.count() == 34875
    assert Departement.objects.get(code="2A").region.name == "Corse"
    assert Departement.objects.get(code="976").region.code == "06"
    assert Commune.objects.get(code="01001").departement_id == "01"
    assert Commune.objects.aggregate(total=Sum("population"))["total"] == 68_350_798


def test_departements_keep_file_order():
    codes = list(Departement.objects.values_list("code", flat=True))

    assert codes[:3] == ["01", "02", "03"]
    assert codes.index("2A") == codes.index("29") + 1  # file order, not string order
    assert codes[-1] == "976"


def test_load_territories_is_idempotent():
    call_command("load_territories", verbosity=0)
    call_command("load_territories", verbosity=0)

    assert (Region.objects.count(), Departement.objects.count(), Commune.objects.count()) == (
        18,
        101,
        34875,
    )


def test_commune_search_by_name_ignores_case_and_accents():
    names = [c.name for c in Commune.objects.search("ETREPAGNY")[:1]]

    assert names == ["Étrépagny"]
    assert Commune.objects.search("lille").first().name == "Lille"


def test_commune_search_by_postal_code():
    assert [c.code for c in Commune.objects.search("80000")] == ["80021"]
    assert Commune.objects.search("").count() == 0


def test_commune_search_view_returns_options(client):
    response = client.get(reverse("territories:commune_search"), {"q": "Amiens"})

    html = response.content.decode()
    assert '<option value="Amiens (80000)">Somme</option>' in html
    assert "80021" not in html  # the INSEE code is no word of the person's


def test_commune_search_view_escapes_and_handles_nothing(client):
    response = client.get(reverse("territories:commune_search"), {"q": "<script>"})

    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Amiens (80000)", "80021"),
        ("Amiens (80000) — 80021", "80021"),  # as labels used to read
        ("80021", "80021"),
        ("amiens", "80021"),
    ],
)
def test_commune_field_resolves_one_commune(typed, code):
    assert CommuneField().clean(typed).code == code
