"""The State's services as a person meets them: a holder fills their organisation from its
SIRET; a funder imports a démarche of Démarche numérique into a call, twice, without
duplicates. The services are local fakes speaking their protocols (tests/fake_http.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import OrganisationCheck, Role
from integrations.models import ImportedDossier
from projects.models import Project
from tests.factories import CallFactory, user_with_role
from tests.fake_http import DEMARCHE_NUMBER, DEMARCHE_TOKEN, dossier_node

EARLIER = "2026-11-05T09:00:00+01:00"


@pytest.mark.django_db(transaction=True)
def test_holder_fills_their_organisation_from_its_siret(site, page, login, fake_companies):
    holder = user_with_role(Role.HOLDER)
    organisation = holder.memberships.get().organisation
    login(holder.email)

    page.goto(f"{site}/comptes/structures/{organisation.pk}/modifier/")
    page.get_by_label("SIREN ou SIRET").fill("775 672 272 00017")
    page.get_by_role("button", name="Remplir depuis le SIRET").click()

    expect(page.locator("#siret-lookup-message")).to_contain_text("Rempli depuis l'annuaire")
    expect(page.locator("#siret-lookup-message")).to_contain_text("RNA W802001234")
    expect(page.locator("#id_name")).to_have_value("JARDINS PARTAGÉS D'AMIENS")
    expect(page.locator("#id_legal_form")).to_have_value("association")
    expect(page.locator("#id_commune")).to_have_value("Amiens (80000)")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_text("Les informations de la structure sont enregistrées.")).to_be_visible()
    organisation.refresh_from_db()
    assert (organisation.name, organisation.siret) == (
        "JARDINS PARTAGÉS D'AMIENS",
        "77567227200017",
    )
    # Checked in the background once saved (the tests' tasks run at once).
    assert OrganisationCheck.objects.get(organisation=organisation).is_ess is True


@pytest.mark.django_db(transaction=True)
def test_holder_types_by_hand_when_the_siret_is_unknown(site, page, login, fake_companies):
    holder = user_with_role(Role.HOLDER)
    organisation = holder.memberships.get().organisation
    login(holder.email)

    page.goto(f"{site}/comptes/structures/{organisation.pk}/modifier/")
    page.get_by_label("SIREN ou SIRET").fill("732829320")
    page.get_by_role("button", name="Remplir depuis le SIRET").click()

    expect(page.locator("#siret-lookup-message")).to_contain_text("Aucune structure ne correspond")
    expect(page.locator("#id_name")).to_have_value(organisation.name)


@pytest.mark.django_db(transaction=True)
def test_funder_imports_a_demarche_twice_without_duplicates(
    site, page, login, fake_demarches, assert_accessible
):
    funder = user_with_role(Role.FUNDER)
    call = CallFactory(funder=funder.memberships.get().organisation)
    fake_demarches.dossiers = {
        101: dossier_node(101, title="Jardin partagé", modified=EARLIER),
        102: dossier_node(102, title="Repair café", modified=EARLIER, amount=3500),
    }
    login(funder.email)

    page.goto(f"{site}/financeur/appels/{call.pk}/")
    page.get_by_role("link", name="Démarche numérique").click()
    page.get_by_label("Numéro de la démarche").fill(str(DEMARCHE_NUMBER))
    page.get_by_label("Jeton d'accès à l'API").fill(DEMARCHE_TOKEN)
    page.get_by_role("button", name="Vérifier et relier").click()

    expect(page.locator("#demarche-title")).to_contain_text("innovation sociale 2026")
    page.get_by_label("Titre du projet").select_option(label="Nom du projet (text)")
    page.get_by_label("Résumé").select_option(label="Présentation (textarea)")
    page.get_by_label("Montant demandé (€)").select_option(
        label="Montant sollicité (decimal_number)"
    )
    page.get_by_label("Commune").select_option(label="Commune du projet (communes)")
    page.get_by_role("button", name="Enregistrer la correspondance").click()
    expect(page.get_by_text("La correspondance des champs est enregistrée.")).to_be_visible()
    assert_accessible("la page d'import")

    page.get_by_role("button", name="Importer les dossiers").click()
    expect(page.locator("#import-progress [data-status='done']")).to_be_visible()
    expect(page.locator("#imported-count")).to_contain_text("2 dossiers importés")

    # In Démarche numérique meanwhile: one dossier changed, one new.
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    fake_demarches.dossiers[101] = dossier_node(
        101, title="Jardin partagé et composteur", modified=later
    )
    fake_demarches.dossiers[103] = dossier_node(103, title="Tiers-lieu", modified=later)
    page.get_by_role("button", name="Importer les dossiers").click()

    expect(page.locator("#import-counts")).to_contain_text("1 nouveau(x), 1 mis à jour")
    expect(page.locator("#imported-count")).to_contain_text("3 dossiers importés")
    assert ImportedDossier.objects.count() == 3
    assert sorted(Project.objects.filter(call=call).values_list("title", flat=True)) == [
        "Jardin partagé et composteur",
        "Repair café",
        "Tiers-lieu",
    ]
    page.goto(f"{site}/financeur/appels/{call.pk}/")
    expect(page.get_by_role("link", name="Jardin partagé et composteur")).to_be_visible()
