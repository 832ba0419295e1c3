"""The six journeys of design §1, end to end in a browser, as the people concerned do them.

Each test prepares with the ORM only what its journey does not create itself (accounts, and the
calls, projects and reviews earlier journeys would have left), then clicks and types. Key pages
are checked with axe-core and photographed (see the `screenshot` fixture).
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.models import LegalForm, Role
from grid.models import Criterion
from grid.selectors import version_criteria
from projects import services
from projects.models import Assessment, Assignment, Call, FeedbackPolicy, Project
from territories.figures import half_up
from territories.maps import PALETTE
from territories.models import Commune, Region
from tests.factories import (
    CallFactory,
    MembershipFactory,
    OrganisationFactory,
    ProjectFactory,
    UserFactory,
    reference_version,
)
from tests.projects.helpers import current_row_version, decide_and_publish

pytestmark = pytest.mark.django_db(transaction=True)


# --- preparation: what earlier journeys would have left ------------------------------------


def member(email: str, role: str, organisation=None):
    """A user with `role` in `organisation` (a new one when None), named after the e-mail."""
    kwargs = {"organisation": organisation} if organisation else {}
    name = email.split("@")[0].title()
    return MembershipFactory(user__email=email, user__full_name=name, role=role, **kwargs).user


def region_funder():
    return OrganisationFactory(
        name="Région Hauts-de-France", legal_form=LegalForm.COLLECTIVITY, commune_id="59350"
    )


def criteria_of(call) -> list[Criterion]:
    return version_criteria(call.grid_version_id)


def submitted_review(project, reviewer, values: dict[str, int], default: int) -> Assessment:
    """A review submitted through the services: `values` by criterion code, else `default`."""
    project = Project.objects.select_related("call").get(pk=project.pk)
    Assignment.objects.get_or_create(project=project, reviewer=reviewer)
    scores = {
        c.pk: (values.get(c.code, default), "Justifié par le dossier.")
        for c in criteria_of(project.call)
    }
    review = services.review_save(
        project=project,
        by=reviewer,
        scores=scores,
        fields={
            "opinion": "favourable" if default >= 2 else "reserved",
            "strengths": "Un besoin documenté par des chiffres locaux.",
            "weaknesses": "" if default >= 2 else "Le modèle économique reste à construire.",
        },
        row_version=services.NEW_ASSESSMENT,
        assessment=None,
    )
    return services.review_submit(assessment=review, by=reviewer)


def self_assessment(project, values: dict[str, int], default: int) -> Assessment:
    assessment = services.self_assessment_get_or_create(project=project, by=project.owner)
    scores = {c.pk: (values.get(c.code, default), "") for c in criteria_of(project.call)}
    return services.assessment_save_scores(
        assessment=assessment,
        scores=scores,
        by=project.owner,
        row_version=current_row_version(assessment),
    )


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
    assert half_up(review.total, 2) == Decimal("38.10")

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
    expect(page.get_by_text("0 critères ajoutés, 0 supprimés, 1 modifié.")).to_be_visible()
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
    assert (review.grid_version.number, half_up(review.total, 2)) == (1, Decimal("38.10"))
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
    page.get_by_role("link", name="Passer au statut « Ouvert »…").click()
    expect(page.locator("#transition-effects")).to_contain_text("les porteurs peuvent")
    page.get_by_role("button", name="Confirmer le passage au statut « Ouvert »").click()
    expect(page.get_by_text("L'appel est ouvert : les porteurs peuvent")).to_be_visible()
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
    screenshot("2-call", phone=True)
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
    site, page, login, assert_accessible, screenshot, open_form
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
    expect(suggestion).to_have_attribute("value", "Amiens (80000)")
    expect(suggestion).to_have_text("Somme")
    with page.expect_response(lambda response: "/communes/recherche/" in response.url):
        commune.fill("Amiens (80000)")
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

    open_form("Auto-évaluation")
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


# --- 4. The funder assigns reviewers; reviewers score, one with the keyboard alone ----------


def tab_to(page, selector: str, limit: int = 300) -> None:
    """Press Tab until the focused element matches `selector` (as a keyboard user does)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{selector} never received the focus in {limit} Tab presses")


def test_funder_assigns_reviewers_who_score_one_with_the_keyboard_alone(
    site, page, login, assert_accessible, screenshot, open_form
):
    funder = region_funder()
    member("financeur@exemple.fr", Role.FUNDER, funder)
    call = open_call(funder, status="review")
    holder = member("camille@exemple.fr", Role.HOLDER, OrganisationFactory(name="Mobilités 80"))
    garage = ProjectFactory(call=call, title="Garage solidaire", submitted=True, owner=holder)
    grocery = ProjectFactory(call=call, title="Épicerie solidaire", submitted=True)
    Project.objects.update(status="under_review")
    rita = member("rita@exemple.fr", Role.REVIEWER, funder)
    kevin = member("kevin@exemple.fr", Role.REVIEWER, funder)
    criteria = criteria_of(call)

    # The funder builds the pool, assigns one project by hand, then the rest automatically.
    login("financeur@exemple.fr")
    page.goto(site + "/financeur/appels/")
    page.get_by_role("link", name=call.title).click()
    page.get_by_role("link", name="Évaluateurs et assignations").click()
    for email in ("rita@exemple.fr", "kevin@exemple.fr"):
        page.get_by_label("Adresse e-mail de l'évaluateur").fill(email)
        page.get_by_role("button", name="Ajouter ou inviter").click()
        expect(page.get_by_text("L'évaluateur rejoint le vivier de l'appel.")).to_be_visible()
    expect(page.locator("tr[data-reviewer]")).to_have_count(2)
    page.get_by_label("Garage solidaire").check()
    page.get_by_label("Rita", exact=True).check()
    page.get_by_role("button", name="Assigner", exact=True).click()
    expect(page.get_by_text("1 assignation créée.")).to_be_visible()
    expect(page.locator(f"tr[data-project='{garage.pk}']")).to_contain_text("Rita — Assigné")
    page.get_by_label("Évaluateurs par projet").fill("2")
    page.get_by_role("button", name="Assigner automatiquement").click()
    expect(page.get_by_text("3 assignations créées.")).to_be_visible()
    expect(page.locator("#call-progress")).to_have_text("0/4 évaluations soumises pour l'appel")
    for project in (garage, grocery):
        expect(page.locator(f"tr[data-project='{project.pk}'] [data-progress]")).to_have_text(
            "0/2 évaluations"
        )

    # Rita scores the garage with the mouse: every criterion at its best level.
    login("rita@exemple.fr")
    page.goto(site + "/evaluations/")
    open_form("Garage solidaire")
    for criterion in criteria:
        page.locator(f"[name='score_{criterion.pk}'][value='3']").check()
    expect(page.locator("#live-total [data-total]")).to_have_text("100,00 / 100")
    page.get_by_label("Avis global").select_option("favourable")
    page.get_by_role("button", name="Soumettre l'évaluation").click()
    expect(page.get_by_text("Votre évaluation est soumise.")).to_be_visible()

    # Kevin uses the keyboard only: Tab between fields, Space and arrows on the radios, typing,
    # Enter on the submit button.
    login("kevin@exemple.fr")
    page.goto(site + "/evaluations/")
    tab_to(page, f"a[href$='/evaluations/projets/{garage.pk}/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Garage solidaire")
    assert_accessible("scoring form")
    first, others = criteria[0], criteria[1:]
    tab_to(page, f"[name='score_{first.pk}']")
    page.keyboard.press("Space")  # the first level, 0: a low score to justify
    expect(page.locator(f"[name='score_{first.pk}'][value='0']")).to_be_checked()
    tab_to(page, f"#id_comment_{first.pk}")
    page.keyboard.type("Aucune donnée sur le besoin dans le dossier.")
    for criterion in others:
        tab_to(page, f"[name='score_{criterion.pk}']")
        page.keyboard.press("ArrowDown")  # from level 0 to level 1
        expect(page.locator(f"[name='score_{criterion.pk}'][value='1']")).to_be_checked()
    # 100 × (0 + 7·2·⅓ + 12·⅓) / 28
    expect(page.locator("#live-total [data-total]")).to_have_text("30,95 / 100")
    tab_to(page, "#id_opinion")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#id_opinion")).to_have_value("reserved")
    tab_to(page, "#id_weaknesses")
    page.keyboard.type("Le besoin n'est pas démontré.")
    screenshot("3-scoring-form", phone=True, start="#axis-B + fieldset")
    tab_to(page, "button[value='submit']")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Votre évaluation est soumise.")).to_be_visible()
    expect(page.locator("#review-status")).to_have_text("Soumise")
    expect(page.locator("#live-total [data-total]")).to_have_text("30,95 / 100")

    login("financeur@exemple.fr")
    page.goto(site + f"/financeur/appels/{call.pk}/evaluateurs/")
    expect(page.locator("#call-progress")).to_have_text("2/4 évaluations soumises pour l'appel")
    expect(page.locator(f"tr[data-project='{garage.pk}'] [data-progress]")).to_have_text(
        "2/2 évaluations"
    )
    totals = sorted(
        half_up(a.total, 2) for a in Assessment.objects.filter(kind="review", status="submitted")
    )
    assert totals == [Decimal("30.95"), Decimal("100.00")]
    assert {r.pk for r in (rita, kevin)} == set(
        Assignment.objects.filter(project=grocery).values_list("reviewer", flat=True)
    )


# --- 5. The funder ranks, sees disagreement and the self-vs-review gap, decides --------------


def test_funder_ranks_compares_and_decides_and_the_holder_reads_the_feedback(
    site, page, login, assert_accessible, screenshot
):
    funder = region_funder()
    member("financeur@exemple.fr", Role.FUNDER, funder)
    call = open_call(funder, feedback_policy=FeedbackPolicy.FULL)
    holder = member("camille@exemple.fr", Role.HOLDER, OrganisationFactory(name="Les Jardins"))
    garage = ProjectFactory(call=call, title="Garage solidaire", complete=True)
    grocery = ProjectFactory(call=call, title="Épicerie solidaire", complete=True, owner=holder,
                             commune_id="59350")  # fmt: skip
    cafe = ProjectFactory(call=call, title="Café des aidants", complete=True, commune_id="60057")
    for project in (garage, grocery, cafe):
        project.eligibility_confirmed.set(call.eligibility_items.all())
        # The holder rates the core criteria strong, the others present.
        self_assessment(project, {f"S{i}": 3 for i in range(1, 9)}, default=2)
        services.project_submit(project=project, by=project.owner)
    services.call_transition(call=call, to="review", by=None, early=True)
    rita = member("rita@exemple.fr", Role.REVIEWER, funder)
    kevin = member("kevin@exemple.fr", Role.REVIEWER, funder)
    submitted_review(garage, rita, {}, default=3)  # 100
    submitted_review(garage, kevin, {}, default=3)  # 100
    submitted_review(grocery, rita, {}, default=3)  # 100
    submitted_review(grocery, kevin, {}, default=1)  # 33.33: the reviewers disagree
    submitted_review(cafe, rita, {}, default=1)  # 33.33
    submitted_review(cafe, kevin, {}, default=1)  # 33.33

    login("financeur@exemple.fr")
    page.goto(site + "/financeur/appels/")
    page.get_by_role("link", name=call.title).click()
    page.get_by_role("link", name="Tableau de bord").click()
    expect(page.locator("#progress-summary")).to_have_text(
        "6 évaluations soumises sur 6 attendues (100 %)"
    )
    rows = page.locator("#ranking tbody tr")
    # Ranked by the reviewers' mean, best first.
    expect(rows.locator("th")).to_have_text(
        ["Garage solidaire", "Épicerie solidaire", "Café des aidants"]
    )
    figures = rows.nth(1).locator("td")
    expect(figures.nth(1)).to_have_text("En évaluation")
    expect(figures.nth(2)).to_have_text("2/2")
    expect(figures.nth(3)).to_have_text("66,67")  # mean
    expect(figures.nth(4)).to_have_text("66,67")  # median
    expect(figures.nth(7)).to_contain_text("66,67")  # range: 100 − 33.33, over 20 points
    expect(figures.nth(7)).to_contain_text("Fort désaccord")
    expect(figures.nth(8)).to_have_text("47,14")  # sample standard deviation (n − 1)
    expect(rows.nth(1)).to_have_class(re.compile("table-warning"))
    for calm in (rows.nth(0), rows.nth(2)):
        expect(calm).not_to_have_class(re.compile("table-warning"))
    # Two equal totals: no range, no deviation.
    expect(rows.nth(0).locator("td").nth(7)).to_have_text("0,00")
    expect(rows.nth(0).locator("td").nth(8)).to_have_text("0,00")
    assert_accessible("call dashboard")
    screenshot("4-call-dashboard")

    rows.nth(1).get_by_role("link", name="Épicerie solidaire").click()
    s1 = page.locator("#criteria tr[data-criterion='S1'] td")
    c1 = page.locator("#criteria tr[data-criterion='C1'] td")
    # S1: reviewers 3 and 1 (mean 2/3), the holder 3/3, a gap of +33.3 points; C1: no gap.
    expect(s1).to_have_text(["2", "2,00 / 3", "2,00", "—", "3", "+33,3"])
    expect(c1).to_have_text(["2", "2,00 / 3", "2,00", "—", "2", "0,0"])
    assert_accessible("project analysis")

    breadcrumb = page.get_by_role("navigation", name="Fil d’Ariane").get_by_role("link")
    breadcrumb.click()  # back to the dashboard
    breadcrumb.click()  # back to the call
    page.get_by_role("link", name="Épicerie solidaire").click()
    page.get_by_role("link", name="Décider").click()
    figures = page.locator("[data-review-figures]")
    expect(figures).to_contain_text("2 évaluations soumises · moyenne 66,67 · médiane 66,67")
    expect(figures).to_contain_text("écart type 47,14")
    page.locator("#id_outcome").select_option(label="Retenu")
    page.get_by_label("Montant accordé (€)").fill("18000")
    page.locator("#id_motivation").fill("Un besoin réel ; le comité suit l'avis favorable.")
    page.get_by_role("button", name="Proposer la décision").click()
    expect(page.get_by_text("Décision proposée")).to_be_visible()
    expect(page.locator("#decision-title")).to_have_text("Décision : Retenu")
    # Proposed only: the project keeps its status until the decisions are published.
    expect(page.locator("#project-status")).to_have_text("En évaluation")
    page.get_by_role("navigation", name="Fil d’Ariane").get_by_role("link").click()
    page.get_by_role("link", name="Comité de sélection").click()
    page.get_by_role("button", name="Publier la décision cochée…").click()
    page.get_by_role("button", name="Publier et envoyer l’e-mail").click()
    expect(page.get_by_text("1 décision publiée")).to_be_visible()
    page.get_by_role("navigation", name="Fil d’Ariane").get_by_role("link").click()
    page.get_by_role("link", name="Passer au statut « Décidé »…").click()
    page.get_by_role("button", name="Confirmer le passage au statut « Décidé »").click()
    expect(page.locator("#call-status")).to_have_text("Décidé")

    # The holder reads the decision, the comments and their self-assessment beside the
    # reviewers' means (the call's feedback policy is "full").
    login("camille@exemple.fr")
    page.goto(site + "/projets/")
    page.get_by_role("link", name="Épicerie solidaire").click()
    expect(page.locator("#project-status")).to_have_text("Retenu")
    expect(page.locator("#decision-title")).to_have_text("Décision : Retenu")
    expect(page.get_by_text("Montant accordé : 18 000 €")).to_be_visible()
    expect(page.locator("#feedback-comments li")).to_have_count(2)
    s1 = page.locator(".self-assessment-chart tr[data-criterion='S1'] td")
    expect(s1.nth(1)).to_have_text("3/3 — Fort, exemplaire")
    expect(s1.nth(2)).to_have_text("66,7 %")
    c1 = page.locator(".self-assessment-chart tr[data-criterion='C1'] td")
    expect(c1.nth(1)).to_have_text("2/3 — Présent")
    expect(c1.nth(2)).to_have_text("66,7 %")
    # The gap: own level minus the reviewers' mean, in points of the scale.
    expect(s1.nth(3)).to_have_text("+33,3")
    expect(c1.nth(3)).to_have_text("0,0")
    assert_accessible("holder's project with the comparison")
    screenshot("6-holder-comparison", max_height=1000, start="#self-title")


# --- 6. The funder reads the territory dashboard ---------------------------------------------

# The map's five classes, lightest to darkest.
LIGHTEST, LIGHT, MIDDLE, DARK, DARKEST = PALETTE


def map_fills(page) -> dict[str, str]:
    return dict(
        page.eval_on_selector_all(
            ".france-map path[data-code]",
            "paths => paths.map(path => [path.dataset.code, path.dataset.fill])",
        )
    )


def heatmap_loaded(page) -> None:
    """The criterion heatmap arrives by htmx after the page: wait for it before leaving, or
    the browser aborts the request (a failed request fails the test)."""
    expect(page.locator("#heatmap")).to_be_visible()


def test_funder_reads_the_territory_map_and_drills_down_to_projects(
    site, page, login, menu, assert_accessible, screenshot
):
    funder = region_funder()
    manager = member("financeur@exemple.fr", Role.FUNDER, funder)
    regional = open_call(funder, status="review")
    national = CallFactory(funder=funder, title="Fonds national de proximité", review=True)
    placed = [
        (regional, "80021", "Garage solidaire"),  # Amiens, Somme
        (regional, "80001", "Ressourcerie de la baie"),  # Abbeville, Somme
        (regional, "59350", "Épicerie solidaire"),  # Lille, Nord
        (national, "69123", "Tiers-lieu de la Guillotière"),  # Lyon
        (national, "69123", "Cuisine partagée"),  # Lyon
        (national, "13055", "Atelier vélo"),  # Marseille
    ]
    for call, commune, title in placed:
        ProjectFactory(call=call, title=title, submitted=True, status="under_review",
                       commune=Commune.objects.get(code=commune))  # fmt: skip
    # Another funder's project never shows on this funder's dashboard.
    ProjectFactory(title="Habitat inclusif", submitted=True, commune_id="33063")
    garage = Project.objects.get(title="Garage solidaire")
    decide_and_publish(garage, "selected", amount=Decimal(20000), by=manager)
    reviewer = member("rita@exemple.fr", Role.REVIEWER)
    submitted_review(garage, reviewer, {}, default=3)

    login("financeur@exemple.fr")
    page.goto(site + "/appels/")
    menu("Territoires").click()
    heatmap_loaded(page)
    # Coloured by projects submitted: Hauts-de-France (3) darkest, Auvergne-Rhône-Alpes (2),
    # Provence-Alpes-Côte d'Azur (1); every other région, Nouvelle-Aquitaine included (another
    # funder's project), in the lightest class.
    assert map_fills(page) == {
        **dict.fromkeys(Region.objects.values_list("code", flat=True), LIGHTEST),
        "32": DARKEST,
        "84": DARK,
        "93": LIGHT,
    }
    hauts_de_france = page.locator("#territory-table tr[data-code='32']")
    for column, text in (
        ("submitted", "3"),
        ("selected", "1"),
        ("success-rate", "100,0\u00a0%"),
        ("mean-total", "100,00"),
        ("per-100k", "0,05"),
    ):
        expect(hauts_de_france.locator(f"[data-{column}]")).to_have_text(text)
    expect(page.locator("#territory-table tr[data-code='84'] td").first).to_have_text("2")
    expect(page.locator("#territory-table tr[data-code='75'] td").first).to_have_text("0")
    expect(page.locator("#total-submitted")).to_have_text("6")
    expect(page.locator("#heatmap tbody th")).to_have_text(["Hauts-de-France"])
    assert_accessible("territory map")
    screenshot("5-territory-map")

    # Drill down: the région's départements, then the projects of one of them.
    page.locator("a:has(path[data-code='32'])").click()
    expect(page.locator("#territory-table caption")).to_have_text(
        "Départements de la région Hauts-de-France"
    )
    heatmap_loaded(page)
    departements = page.locator("#territory-table tbody tr")
    expect(departements.locator("th")).to_have_text(
        ["Aisne", "Nord", "Oise", "Pas-de-Calais", "Somme"]
    )
    expect(departements.locator("td:first-of-type")).to_have_text(["0", "1", "0", "0", "2"])
    fills = map_fills(page)
    assert (fills["80"], fills["59"], fills["02"]) == (DARKEST, MIDDLE, LIGHTEST)
    assert_accessible("territory map, Hauts-de-France")
    page.locator("a:has(path[data-code='80'])").click()
    expect(page.get_by_role("heading", name="Projets — Somme")).to_be_visible()
    heatmap_loaded(page)
    projects = page.locator("#territory-projects tbody tr")
    expect(projects.locator("th")).to_have_text(["Garage solidaire", "Ressourcerie de la baie"])
    expect(projects.locator("td:last-child")).to_have_text(["Retenu", "En évaluation"])
    projects.get_by_role("link", name="Garage solidaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Garage solidaire")
    expect(page.locator("#reviewer-scores tbody tr td").first).to_have_text("100,00")
