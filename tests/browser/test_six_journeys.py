"""The six journeys of design §1, end to end in a browser, as the people concerned do them.

Each test prepares with the ORM only what its journey does not create itself (accounts, and the
calls, projects and reviews earlier journeys would have left), then clicks and types. Key pages
are checked with axe-core and photographed (see the `screenshot` fixture).
"""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import LegalForm, Role
from grid.models import Criterion
from projects import services
from projects.models import Assessment, Assignment, Call, Project
from territories.models import Region
from tests.factories import (
    CallFactory,
    MembershipFactory,
    OrganisationFactory,
    ProjectFactory,
    UserFactory,
    reference_version,
)

pytestmark = pytest.mark.django_db(transaction=True)


# --- preparation: what earlier journeys would have left ------------------------------------


def member(email: str, role: str, organisation=None):
    kwargs = {"organisation": organisation} if organisation else {}
    return MembershipFactory(user__email=email, user__full_name=email.split("@")[0].title(),
                             role=role, **kwargs).user  # fmt: skip


def region_funder():
    return OrganisationFactory(
        name="Région Hauts-de-France", legal_form=LegalForm.COLLECTIVITY, commune_id="59350"
    )


def criteria_of(call) -> list[Criterion]:
    return services.version_criteria(call.grid_version)


def submitted_review(project, reviewer, values: dict[str, int], default: int) -> Assessment:
    """A review submitted through the services: `values` by criterion code, else `default`."""
    Assignment.objects.get_or_create(project=project, reviewer=reviewer)
    scores = {
        c.pk: (values.get(c.code, default), "Justifié par le dossier.")
        for c in criteria_of(project.call)
    }
    review = services.review_save(
        project=project,
        by=reviewer,
        scores=scores,
        fields={"opinion": "favourable", "strengths": "Un besoin bien documenté."},
        row_version=None,
        assessment=None,
    )
    return services.review_submit(assessment=review, by=reviewer)


def self_assessment(project, values: dict[str, int], default: int) -> Assessment:
    assessment = services.self_assessment_get_or_create(project=project, by=project.owner)
    scores = {c.pk: (values.get(c.code, default), "") for c in criteria_of(project.call)}
    return services.assessment_save_scores(assessment=assessment, scores=scores, by=project.owner)


# --- 1. The administrator adapts the grid and publishes version 2 --------------------------


def test_admin_publishes_version_2_and_earlier_scores_stay_on_version_1(
    site, page, login, assert_accessible, screenshot
):
    UserFactory(email="admin@exemple.fr", administrator=True)
    call = CallFactory(title="Appel 2025", review=True)
    project = ProjectFactory(call=call, submitted=True, status="under_review")
    reviewer = member("relectrice@exemple.fr", Role.REVIEWER)
    # S1 strong, everything else emerging: 38.10 with S1 weighing 2 (version 1).
    review = submitted_review(project, reviewer, {"S1": 3}, default=1)
    assert str(review.total) == "38.10"

    login("admin@exemple.fr")
    page.goto(site + "/grille/")
    page.get_by_role("link", name="v1", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("version 1$"))
    expect(page.locator("tr[id^='criterion-']")).to_have_count(20)
    assert_accessible("grid version 1")
    screenshot("1-grid")

    page.get_by_role("button", name="Nouvelle version à partir de celle-ci").click()
    expect(page.get_by_text("La version 2 est créée en brouillon.")).to_be_visible()
    page.get_by_role("link", name="Modifier S1", exact=True).click()
    page.get_by_label("Poids").fill("3")
    page.get_by_role("button", name="Enregistrer").click()
    s1 = page.locator("li[id^='criterion-']").filter(has_text="S1")
    expect(s1).to_contain_text("poids 3, échelle 0–3")

    page.get_by_role("link", name="Publier…").click()
    expect(page.get_by_text("0 critère(s) ajouté(s), 0 supprimé(s), 1 modifié(s).")).to_be_visible()
    change = page.locator("table.diff-table tbody tr")
    expect(change).to_have_count(1)
    expect(change.locator("td")).to_have_text(["Poids", "2", "3"])
    assert_accessible("publication diff")
    page.get_by_role("button", name="Confirmer la publication").click()
    expect(page.get_by_text("La version 2 est publiée.")).to_be_visible()

    page.goto(site + "/grille/")
    versions = page.locator("tbody tr")
    expect(versions).to_have_count(2)
    v1, v2 = (
        versions.filter(has=page.get_by_role("link", name=v, exact=True)) for v in ("v1", "v2")
    )
    # Both published; the existing call still counts on version 1.
    expect(v1.locator("td").nth(2)).to_have_text("Publiée")
    expect(v1.locator("[data-calls]")).to_have_text("1")
    expect(v2.locator("td").nth(2)).to_have_text("Publiée")
    expect(v2.locator("[data-calls]")).to_have_text("0")

    # The call and its review stay on version 1: same grid, same total.
    page.goto(site + f"/appels/{call.pk}/")
    expect(page.locator("#grid-title + p")).to_contain_text("version 1.")
    page.goto(site + f"/financeur/appels/{call.pk}/tableau-de-bord/")
    expect(page.locator(f"#ranking tr[data-project='{project.pk}'] td").nth(3)).to_have_text(
        "38,10"
    )
    review.refresh_from_db()
    assert (review.grid_version.number, str(review.total)) == (1, "38.10")
    assert services.stored_totals_match(review)


# --- 2. A funder opens a call on a grid version for a territory -----------------------------


def test_funder_opens_a_call_for_the_hauts_de_france(
    site, page, login, assert_accessible, screenshot
):
    member("financeur@exemple.fr", Role.FUNDER, region_funder())

    login("financeur@exemple.fr")
    page.goto(site + "/financeur/appels/")
    page.get_by_role("link", name="Nouvel appel").click()
    page.get_by_label("Titre").fill("Innovation sociale et emploi 2026")
    page.get_by_label("Description").fill("La Région soutient les projets qui créent des emplois.")
    page.get_by_label("Version de la grille").select_option(label=str(reference_version()))
    page.get_by_label("Régions").select_option(label="Hauts-de-France")
    page.get_by_label("Ouverture").fill("2026-01-05T09:00")
    page.get_by_label("Clôture").fill("2036-03-31T18:00")
    page.get_by_label("Montant maximal demandé (€)").fill("50000")
    page.get_by_label("Auto-évaluation des porteurs").select_option(
        label="Auto-évaluation obligatoire"
    )
    page.get_by_label("Retour aux porteurs après la décision").select_option("full")
    page.get_by_label("Liste d'éligibilité").fill("La structure relève de l'ESS.")
    assert_accessible("call form")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Innovation sociale et emploi 2026")
    expect(page.locator("#call-status")).to_have_text("Brouillon")
    page.get_by_role("button", name="Passer au statut « Ouvert »").click()
    expect(page.get_by_text("Le statut de l'appel a changé.")).to_be_visible()
    expect(page.locator("#call-status")).to_have_text("Ouvert")
    expect(page.get_by_text("Territoire : Hauts-de-France")).to_be_visible()

    # Anyone now finds it among the open calls, with its territory and its grid.
    page.context.clear_cookies()
    page.goto(site + "/appels/")
    page.get_by_role("link", name="Innovation sociale et emploi 2026").click()
    expect(page.get_by_text("Territoire : Hauts-de-France")).to_be_visible()
    expect(page.locator("p").filter(has_text="Région Hauts-de-France ·")).to_contain_text("Ouvert")
    expect(page.get_by_text("Montant maximal")).to_be_visible()
    expect(page.locator("#grid-title + p")).to_contain_text("version 1. 20 critères dont 8 socles.")
    assert_accessible("call page")
    screenshot("2-call")
    call = Call.objects.get()
    assert (call.status, list(call.regions.values_list("code", flat=True))) == ("open", ["32"])


# --- 3. A holder describes a project, self-assesses it and submits it -----------------------


def open_call(funder=None, **kwargs):
    call = CallFactory(
        funder=funder or region_funder(),
        title="Innovation sociale et emploi 2026",
        self_assessment_policy="required",
        eligibility=["La structure relève de l'ESS."],
        **kwargs,
    )
    call.regions.set(Region.objects.filter(code="32"))
    return call


def test_holder_describes_self_assesses_and_submits_a_project(
    site, page, login, assert_accessible, screenshot
):
    call = open_call()
    member("camille@exemple.fr", Role.HOLDER, OrganisationFactory(name="Les Jardins du Marais"))
    criteria = criteria_of(call)

    login("camille@exemple.fr")
    page.goto(site + "/appels/")
    page.get_by_role("link", name="Innovation sociale et emploi 2026").click()
    page.get_by_role("link", name="Déposer un projet").click()
    page.get_by_label("Titre du projet").fill("Garage solidaire du Marais")
    page.get_by_label("Résumé").fill("Un garage associatif qui répare à prix coûtant.")
    page.get_by_label("Stade").select_option(label="Démarrage")
    page.get_by_label("Besoin social").fill("Sans voiture, pas d'emploi hors des villes.")
    page.get_by_label("Solution proposée").fill("Réparations solidaires et prêt de véhicules.")
    page.get_by_label("Bénéficiaires").fill("Demandeurs d'emploi, allocataires du RSA.")
    commune = page.get_by_label("Commune")
    commune.press_sequentially("Amien", delay=30)
    suggestion = page.locator("#commune-suggestions option").first
    expect(suggestion).to_have_attribute("value", "Amiens (80000) — 80021")
    expect(suggestion).to_have_text("Somme")
    with page.expect_response(lambda response: "/communes/recherche/" in response.url):
        commune.fill("Amiens (80000) — 80021")
    page.get_by_label("Échelle d'intervention").select_option(label="Communal")
    page.get_by_label("Budget total (€)").fill("80000")
    page.get_by_label("Montant demandé (€)").fill("30000")
    page.get_by_label("Emplois créés").fill("3")
    page.get_by_label("La structure relève de l'ESS.").check()
    assert_accessible("project form")
    page.get_by_role("button", name="Enregistrer le brouillon").click()

    expect(page.locator("#project-status")).to_have_text("Brouillon")
    expect(page.locator("dd").filter(has_text="Amiens")).to_have_text(
        re.compile(r"^Amiens, Somme \(80\), Hauts-de-France · Communal$")
    )
    expect(page.get_by_text("L'auto-évaluation est obligatoire pour cet appel")).to_be_visible()

    page.get_by_role("link", name="Auto-évaluation").click()
    first, others = criteria[0], criteria[1:]
    page.locator(f"[name='score_{first.pk}'][value='3']").check()
    # htmx recomputes the running total on the server as the holder answers.
    expect(page.locator("#live-total [data-total]")).to_have_text("100,00 / 100")
    expect(page.locator("#live-total [data-coverage]")).to_have_text("1/20 critères, 1/8 socles")
    for criterion in others:
        page.locator(f"[name='score_{criterion.pk}'][value='2']").check()
    # S1 at 3/3 (weight 2), the 7 other core criteria (weight 2) and 12 complementary ones
    # (weight 1) at 2/3: 100 × (2 + 14·⅔ + 12·⅔) / 28.
    expect(page.locator("#live-total [data-total]")).to_have_text("69,05 / 100")
    expect(page.locator("#live-total [data-core-total]")).to_have_text("70,83 / 100")
    expect(page.locator("#live-total [data-coverage]")).to_have_text("20/20 critères, 8/8 socles")
    page.get_by_label("Justification").first.fill("Trois garages ouverts en deux ans.")
    page.get_by_role("button", name="Enregistrer l'auto-évaluation").click()

    expect(page.get_by_text("L'auto-évaluation est enregistrée.")).to_be_visible()
    expect(page.locator("#self-assessment-summary [data-total]")).to_have_text("69,05 / 100")
    expect(page.locator("#self-assessment-summary [data-coverage]")).to_have_text(
        "20/20 critères, 8/8 socles"
    )
    expect(page.get_by_text("Avant de déposer")).to_have_count(0)

    page.get_by_role("link", name="Déposer le projet").click()
    page.get_by_role("button", name="Déposer définitivement").click()
    expect(page.locator("#project-status")).to_have_text("Déposé")
    expect(page.locator("#self-title")).to_contain_text("Soumise")
    page.goto(site + "/projets/")
    expect(page.get_by_role("row").filter(has_text="Garage solidaire du Marais")).to_contain_text(
        "Déposé"
    )
    project = Project.objects.get()
    assert (project.status, project.departement_id, project.region_id) == ("submitted", "80", "32")
