"""The journeys of design §1 as a person does them: clicking and typing."""

import pytest
from playwright.sync_api import expect

from accounts.models import Membership, Role


def test_visitor_reads_the_reference_grid(site, page):
    page.goto(site + "/")

    expect(page.locator("[data-criterion]")).to_have_count(20)
    expect(page.locator("[data-kind='core']")).to_have_count(8)
    expect(
        page.get_by_text("4 axes, 20 critères : 8 socles et 12 complémentaires.")
    ).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_holder_signs_up_picking_the_commune_from_suggestions(site, page, menu):
    page.goto(site + "/")
    menu("Créer un compte porteur").click()

    page.get_by_label("Nom complet").fill("Camille Martin")
    page.get_by_label("Adresse e-mail").fill("camille@exemple.fr")
    page.get_by_label("Mot de passe", exact=False).first.fill("jardins-partages-2026")
    page.get_by_label("Confirmation du mot de passe").fill("jardins-partages-2026")
    page.get_by_label("Nom de la structure").fill("Les Jardins du Marais")
    page.get_by_label("Forme juridique").select_option("scic")
    page.get_by_label("SIREN ou SIRET").fill("732 829 320")
    commune = page.get_by_label("Commune")
    commune.press_sequentially("Amien", delay=30)
    # htmx fills the datalist from the commune search endpoint.
    expect(page.locator("#commune-suggestions option").first).to_have_attribute(
        "value", "Amiens (80000) — 80021"
    )
    # Picking the suggestion fires one more search: let it finish before the page leaves,
    # or the browser aborts it and the test flakes.
    with page.expect_response(lambda response: "/communes/recherche/" in response.url):
        commune.fill("Amiens (80000) — 80021")
    page.get_by_role("button", name="Créer mon compte").click()

    expect(
        page.get_by_text("Bienvenue ! Votre compte et votre structure sont créés.")
    ).to_be_visible()
    expect(page.get_by_role("cell", name="Les Jardins du Marais")).to_be_visible()
    membership = Membership.objects.select_related("organisation").get(
        user__email="camille@exemple.fr"
    )
    assert (membership.role, membership.organisation.commune_id) == (Role.HOLDER, "80021")


@pytest.mark.django_db(transaction=True)
def test_signup_with_a_bad_siret_keeps_what_was_typed(site, page):
    page.goto(site + "/comptes/inscription/")
    page.get_by_label("Nom complet").fill("Camille Martin")
    page.get_by_label("Nom de la structure").fill("Les Jardins du Marais")
    page.get_by_label("SIREN ou SIRET").fill("732829321")
    page.get_by_role("button", name="Créer mon compte").click()

    expect(
        page.get_by_text("Ce numéro SIREN n'est pas valide : sa clé de contrôle est fausse.")
    ).to_be_visible()
    expect(page.get_by_label("Nom complet")).to_have_value("Camille Martin")
    expect(page.get_by_label("Nom de la structure")).to_have_value("Les Jardins du Marais")


@pytest.mark.parametrize(
    "path", ["/", "/comptes/connexion/", "/comptes/inscription/", "/comptes/mot-de-passe/oubli/"]
)
def test_public_pages_have_no_serious_accessibility_violation(site, page, assert_accessible, path):
    page.goto(site + path)

    assert_accessible()


def test_signup_errors_are_accessible(site, page, assert_accessible):
    page.goto(site + "/comptes/inscription/")
    page.get_by_role("button", name="Créer mon compte").click()

    expect(page.locator(".invalid-feedback").first).to_be_visible()
    assert_accessible()


ROLE_PAGES = {
    "porteur@demo.evalis.fr": [
        "/projets/",
        "/projets/{project}/",
        "/projets/{project}/auto-evaluation/",
        "/projets/{project}/modifier/",
        "/appels/",
        "/appels/{call}/",
    ],
    "financeur@demo.evalis.fr": [
        "/financeur/appels/",
        "/financeur/appels/nouveau/",
        "/financeur/appels/{call}/",
        "/financeur/appels/{call}/modifier/",
        "/financeur/appels/{call}/comite/",
        "/financeur/appels/{call}/historique/",
        "/financeur/appels/{call}/statut/",
    ],
    "admin@demo.evalis.fr": [
        "/grille/",
        "/grille/versions/{version}/",
        "/grille/versions/{version}/comparer/",
        "/grille/importer/",
    ],
}


@pytest.mark.django_db(transaction=True)
def test_signed_in_pages_have_no_serious_accessibility_violation(
    site, page, login, assert_accessible
):
    from django.core.management import call_command

    from demo.accounts import DEMO_PASSWORD
    from grid.models import GridVersion
    from projects.models import Project

    call_command("seed_demo", verbosity=0)
    project = Project.objects.filter(owner__email="porteur@demo.evalis.fr").first()
    ids = {
        "project": project.pk,
        "call": project.call_id,
        "version": GridVersion.objects.get(number=1).pk,
    }
    for email, paths in ROLE_PAGES.items():
        login(email, DEMO_PASSWORD)
        for path in paths:
            page.goto(site + path.format(**ids))
            assert_accessible(f"{email} {path}")
