"""Search boxes and territory filters on the lists: public calls, a funder's calls, a holder's
and a reviewer's projects, the call dashboard; the territory dashboard's drill-down."""

import re

import pytest
from django.urls import reverse

from accounts.models import Role
from territories.models import Commune, Departement, Region
from tests.factories import (
    AssignmentFactory,
    CallFactory,
    OrganisationFactory,
    ProjectFactory,
    holder_user,
    reviewer_user,
    user_with_role,
)
from tests.projects.helpers import titles
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def rows_of(response) -> list[str]:
    return sorted(row.title for row in response.context["page"].rows)


def project_titles(response) -> list[str]:
    return sorted(project.title for project in response.context["projects"])


def assignment_titles(response) -> list[str]:
    return sorted(a.project.title for a in response.context["assignments"])


# --- Public calls ---------------------------------------------------------------------------


def test_public_calls_are_searched_and_filtered_together(client):
    hauts = CallFactory(title="Économie circulaire", description="Réemploi.")
    hauts.regions.set([Region.objects.get(code="32")])
    CallFactory(title="Économie sociale en Gironde").departements.set(
        [Departement.objects.get(code="33")]
    )
    CallFactory(title="Culture", funder=OrganisationFactory(name="Fondation Économie"))
    url = reverse("projects:call_list")

    assert sorted(titles(client.get(url, {"q": "economie"}))) == [
        "Culture",
        "Économie circulaire",
        "Économie sociale en Gironde",
    ]
    assert titles(client.get(url, {"q": "reemploi"})) == ["Économie circulaire"]
    # Culture is a national call: it covers Nouvelle-Aquitaine too.
    assert sorted(titles(client.get(url, {"q": "économie", "region": "75"}))) == [
        "Culture",
        "Économie sociale en Gironde",
    ]


def test_public_search_box_is_labelled_and_marked_as_search(client):
    content = client.get(reverse("projects:call_list")).content.decode()

    assert 'role="search"' in content
    assert re.search(r'<label[^>]*for="id_q"[^>]*>\s*Rechercher', content)


def test_a_departement_outside_the_region_is_said_and_the_region_still_applies(client):
    hauts = CallFactory(title="Hauts-de-France")
    hauts.regions.set([Region.objects.get(code="32")])
    CallFactory(title="Gironde").departements.set([Departement.objects.get(code="33")])

    response = client.get(reverse("projects:call_list"), {"region": "32", "departement": "33"})

    assert response.status_code == 200
    assert titles(response) == ["Hauts-de-France"]
    assert response.context["form"].errors["departement"] == [
        "Le département Gironde (33) n'est pas dans la région Hauts-de-France : "
        "choisissez l'un de ses départements ou une seule des deux."
    ]


@pytest.mark.parametrize("query", ["x" * 100_000, "é🙂\u202e <script>" * 40])
def test_a_hostile_search_is_reported_and_the_filters_still_apply(client, query):
    CallFactory(title="Hauts-de-France").regions.set([Region.objects.get(code="32")])
    CallFactory(title="Gironde").departements.set([Departement.objects.get(code="33")])

    response = client.get(reverse("projects:call_list"), {"q": query, "region": "32"})

    assert response.status_code == 200
    assert titles(response) == ["Hauts-de-France"]
    assert response.context["form"].errors["q"] == [
        "Assurez-vous que cette valeur comporte au plus 200 caractères "
        f"(actuellement {len(query)})."
    ]


def test_a_nul_byte_in_a_search_is_refused_before_any_view(client):
    assert client.get(reverse("projects:call_list"), {"q": "a\x00b"}).status_code == 400


# --- A funder's calls and a holder's projects -----------------------------------------------


def test_a_funder_searches_their_own_calls_only(client):
    funder = user_with_role(Role.FUNDER)
    organisation = funder.memberships.get().organisation
    CallFactory(funder=organisation, title="Insertion par l'activité")
    CallFactory(funder=organisation, title="Culture")
    CallFactory(title="Insertion ailleurs")  # another funder's
    client.force_login(funder)

    response = client.get(reverse("projects:funder_call_list"), {"q": "insertion"})

    assert titles(response) == ["Insertion par l'activité"]
    assert 'role="search"' in response.content.decode()


def test_a_holder_searches_their_projects_on_commune_and_summary(client):
    owner = holder_user()
    organisation = owner.memberships.get().organisation
    evreux = Commune.objects.get(code="27229")
    ProjectFactory(owner=owner, title="Épicerie", commune=evreux)
    ProjectFactory(owner=owner, title="Atelier vélo", summary="Réparation solidaire.")
    ProjectFactory(title="Épicerie d'une autre structure", commune=evreux)
    client.force_login(owner)
    url = reverse("projects:project_list")

    assert project_titles(client.get(url, {"q": "évreux"})) == ["Épicerie"]
    assert project_titles(client.get(url, {"q": "reparation"})) == ["Atelier vélo"]
    assert project_titles(client.get(url, {"q": organisation.name})) == [
        "Atelier vélo",
        "Épicerie",
    ]
    assert project_titles(client.get(url, {"q": "introuvable"})) == []


# --- A reviewer's list: blind mode ----------------------------------------------------------


def test_a_reviewer_never_finds_a_blind_project_by_its_holder_or_commune(client):
    reviewer = reviewer_user()
    bethune = Commune.objects.get(code="62119")
    blind = AssignmentFactory(
        reviewer=reviewer,
        project__title="Jardin partagé",
        project__organisation=OrganisationFactory(name="Les Potagers"),
        project__commune=bethune,
        project__call=CallFactory(review=True, blind_mode=True),
    )
    AssignmentFactory(
        reviewer=reviewer,
        project__title="Épicerie",
        project__organisation=OrganisationFactory(name="Potagers du Nord"),
    )
    client.force_login(reviewer)
    url = reverse("projects:review_list")

    assert assignment_titles(client.get(url, {"q": "potagers"})) == ["Épicerie"]
    assert assignment_titles(client.get(url, {"q": "béthune"})) == []
    assert assignment_titles(client.get(url, {"q": "jardin"})) == [blind.project.title]
    response = client.get(url, {"q": "jardin"})
    # The progress line still counts every assignment.
    assert response.context["total_count"] == 2


@pytest.mark.parametrize("size", [1, 3])
def test_searched_lists_queries_do_not_grow(client, size):
    reviewer = reviewer_user()
    owner = holder_user()
    funder = user_with_role(Role.FUNDER)
    organisation = funder.memberships.get().organisation
    for index in range(size):
        AssignmentFactory(reviewer=reviewer, project__title=f"Jardin {index}")
        ProjectFactory(owner=owner, title=f"Jardin {index}")
        CallFactory(funder=organisation, title=f"Jardin {index}")
    expected = {"review_list": 5, "project_list": 4, "funder_call_list": 6, "call_list": 5}
    users = {"review_list": reviewer, "project_list": owner, "funder_call_list": funder}
    counts = {}
    for name in expected:
        client.logout()
        if name in users:
            client.force_login(users[name])
        with count_queries() as counted:
            response = client.get(reverse(f"projects:{name}"), {"q": "jardin"})
        assert response.status_code == 200
        counts[name] = counted.count

    assert counts == expected


# --- The call dashboard ---------------------------------------------------------------------


def test_the_ranking_combines_the_search_with_the_territory(example, client):
    client.force_login(example["funder"])
    url = reverse("projects:call_dashboard", args=[example["call"].pk])

    assert rows_of(client.get(url, {"q": "amiens"})) == ["A"]
    assert rows_of(client.get(url, {"q": "tiers-lieu"})) == ["A", "B"]
    assert rows_of(client.get(url, {"q": "tiers-lieu", "territory": "75"})) == ["B"]
    assert rows_of(client.get(url, {"q": "amiens", "territory": "75"})) == []
    response = client.get(url, {"q": "tiers-lieu", "territory": "32", "sort": "title"})
    assert rows_of(response) == ["A"]
    # Sorting links keep the search.
    assert all("q=tiers-lieu" in column["url"] for column in response.context["columns"])


def test_the_ranking_offers_the_call_territories_only(example, client):
    call = example["call"]
    call.regions.set([Region.objects.get(code="32")])
    client.force_login(example["funder"])

    response = client.get(reverse("projects:call_dashboard", args=[call.pk]))

    choices = dict(response.context["form"].fields["territory"].choices)
    regions = [code for code, _name in choices["Régions"]]
    departements = [code for code, _name in choices["Départements"]]
    # Hauts-de-France (scope) and Île-de-France (project B in Paris); the scope's five
    # départements and Paris.
    assert regions == ["11", "32"]
    assert departements == ["02", "59", "60", "62", "75", "80"]


@pytest.mark.parametrize("query", ["x" * 100_000, "é🙂\u202e <script>", "%_\\'"])
def test_a_hostile_ranking_search_is_never_a_server_error(example, client, query):
    client.force_login(example["funder"])

    response = client.get(
        reverse("projects:call_dashboard", args=[example["call"].pk]),
        {"q": query, "territory": "75"},
    )

    assert response.status_code == 200
    # A search too long is reported and left out; the others find nothing.
    assert rows_of(response) == (["B"] if len(query) > 200 else [])


# --- The territory dashboard ----------------------------------------------------------------


def test_territory_dashboard_says_when_a_departement_is_outside_the_region(example, client):
    client.force_login(example["funder"])

    response = client.get(
        reverse("projects:territory_dashboard"), {"region": "32", "departement": "75"}
    )

    assert response.status_code == 200
    assert response.context["departement"] is None
    assert response.context["region"].code == "32"
    assert response.context["territory_error"].startswith(
        "Le département Paris (75) n'est pas dans la région Hauts-de-France"
    )
    assert 'id="territory-error"' in response.content.decode()


def test_territory_dashboard_drills_down_from_a_departement_alone(example, client):
    client.force_login(example["funder"])

    response = client.get(reverse("projects:territory_dashboard"), {"departement": "80"})

    assert response.context["region"].code == "32"
    assert [project.title for project in response.context["projects"]] == ["A"]


def test_the_map_zooms_to_the_region_on_drill_down(example, client):
    client.force_login(example["funder"])
    url = reverse("projects:territory_dashboard")

    france = client.get(url).context["map"]
    hauts = client.get(url, {"region": "32"}).context["map"]
    guadeloupe = client.get(url, {"region": "01"}).context["map"]

    assert france["zoomed"] is False
    assert [frame.viewbox for frame in france["frames"]][0] == "0 0 1010 1010"
    assert hauts["zoomed"] is True
    [frame] = hauts["frames"]
    assert sorted(shape.code for shape in frame.shapes) == ["02", "59", "60", "62", "80"]
    left, top, width, height = (float(n) for n in frame.viewbox.split())
    # Hauts-de-France's box (431, 0, 199 × 235) with a 4 % margin of its larger side.
    assert (left, top, width, height) == (421.6, -9.4, 217.8, 253.8)
    [overseas] = guadeloupe["frames"]
    assert [shape.code for shape in overseas.shapes] == ["971"]
    assert overseas.viewbox == "0 0 57 50"


def test_a_list_search_box_is_labelled_and_reports_a_search_too_long(client):
    owner = holder_user()
    ProjectFactory(owner=owner, title="Atelier vélo")
    client.force_login(owner)

    response = client.get(reverse("projects:project_list"), {"q": "vélo" * 100})

    content = response.content.decode()
    assert response.status_code == 200
    assert project_titles(response) == ["Atelier vélo"]  # the search is left out
    assert 'role="search" aria-label="Rechercher parmi mes projets"' in content
    assert '<label class="form-label" for="id_q">Rechercher</label>' in content
    assert 'aria-invalid="true"' in content
    assert 'id="id_q-error"' in content
