"""The journeys of design §1 as a person does them: clicking and typing."""

import re

import pytest
from django.core import mail
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
        "value", "Amiens (80000)"
    )
    # Picking the suggestion fires one more search: let it finish before the page leaves,
    # or the browser aborts it and the test flakes.
    with page.expect_response(lambda response: "/communes/recherche/" in response.url):
        commune.fill("Amiens (80000)")
    page.get_by_role("button", name="Créer mon compte").click()

    # Nothing exists until the address is confirmed through the e-mailed link.
    expect(page.get_by_role("heading", name="Vérifiez votre messagerie")).to_be_visible()
    assert not Membership.objects.filter(user__email="camille@exemple.fr").exists()
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/inscription/confirmer/\S+/", message.body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirmer et créer mon compte").click()

    # The holder lands on their projects with the next step.
    expect(page.get_by_text("Votre adresse est confirmée")).to_be_visible()
    expect(page.locator("#next-step")).to_contain_text("choisissez un appel ouvert")
    page.goto(site + "/comptes/mon-compte/")
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
    "path",
    [
        "/",
        "/comptes/connexion/",
        "/comptes/inscription/",
        "/comptes/inscription/envoyee/",
        "/comptes/mot-de-passe/oubli/",
    ],
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
        "/projets/{project}/deposer/",
        "/comptes/structures/{organisation}/membres/",
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
        "organisation": project.organisation_id,
    }
    for email, paths in ROLE_PAGES.items():
        login(email, DEMO_PASSWORD)
        for path in paths:
            page.goto(site + path.format(**ids))
            assert_accessible(f"{email} {path}")


@pytest.mark.django_db(transaction=True)
def test_a_holder_invites_a_colleague_who_joins_from_the_e_mailed_link(site, page, login):
    from tests.factories import MembershipFactory

    manager = MembershipFactory(role=Role.HOLDER, organisation__name="Les Jardins du Marais")
    login(manager.user.email)
    page.goto(site + "/comptes/mon-compte/")
    page.get_by_role("link", name="Membres").click()
    page.get_by_label("Adresse e-mail de la personne").fill("alex@exemple.fr")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_text("L'invitation est envoyée à alex@exemple.fr.")).to_be_visible()

    page.context.clear_cookies()
    (message,) = mail.outbox
    page.goto(re.search(r"https?://\S+/comptes/invitation/\S+/", message.body).group(0))
    page.get_by_label("Nom complet").fill("Alex Collègue")
    page.get_by_label("Mot de passe").fill("un-mot-de-passe-2026")
    page.get_by_role("button", name="Créer mon compte et rejoindre").click()

    expect(page.get_by_text("Vous avez rejoint « Les Jardins du Marais ».")).to_be_visible()
    assert Membership.objects.filter(
        user__email="alex@exemple.fr", organisation=manager.organisation, role=Role.HOLDER
    ).exists()
