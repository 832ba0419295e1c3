"""Journey 4 in a browser: a reviewer scores an assigned project and sees the total."""

import re

import pytest
from playwright.sync_api import expect

from grid.models import Criterion
from projects.models import Assessment
from tests.factories import PASSWORD, AssignmentFactory


@pytest.mark.django_db(transaction=True)
def test_reviewer_scores_a_project_and_sees_the_total(site, page, assert_accessible, open_form):
    assignment = AssignmentFactory(project__title="Ressourcerie de Picardie")
    criteria = list(
        Criterion.objects.filter(version=assignment.project.call.grid_version).order_by("pk")
    )
    page.goto(site + "/comptes/connexion/?next=/evaluations/")
    page.get_by_label("Adresse e-mail").fill(assignment.reviewer.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    open_form("Ressourcerie de Picardie")
    first = page.locator(f"[name='score_{criteria[0].pk}'][value='{criteria[0].scale_max}']")
    first.check()
    # htmx recomputes the running total on the server with the one scoring function.
    expect(page.locator("#live-total [data-total]")).to_have_text("100,00 / 100")
    for criterion in criteria[1:]:
        page.locator(f"[name='score_{criterion.pk}'][value='{criterion.scale_max}']").check()
    page.get_by_label("Avis global").select_option("favourable")
    page.get_by_label("Points forts").fill("Un modèle économique solide.")
    assert_accessible("review form")
    page.get_by_role("button", name="Soumettre l'évaluation").click()

    expect(page.get_by_text("Votre évaluation est soumise.")).to_be_visible()
    expect(page.locator("#live-total [data-total]")).to_have_text("100,00 / 100")
    review = Assessment.objects.get(author=assignment.reviewer)
    assert (review.status, review.total) == ("submitted", 100)


@pytest.mark.django_db(transaction=True)
def test_a_level_picked_before_the_scripts_ran_is_counted(site, page, login):
    """On a slow connection a reviewer may pick a level before htmx has bound the form: the
    form asks for the running total once bound, so that choice is counted too."""
    assignment = AssignmentFactory(project__title="Ressourcerie de Picardie")
    first = Criterion.objects.filter(version=assignment.project.call.grid_version).earliest("pk")
    login(assignment.reviewer.email, next_path="/evaluations/")
    held = []
    # Held until released; any later request for it goes through.
    page.route("**/htmx.min.js", lambda route: route.continue_() if held else held.append(route))

    page.get_by_role("link", name="Ressourcerie de Picardie").click(no_wait_after=True)
    page.locator(f"[name='score_{first.pk}'][value='{first.scale_max}']").check()
    expect(page.locator("#live-total [data-total]")).not_to_have_text("100,00 / 100")
    for _tick in range(50):  # until the script's request has reached the route
        if held:
            break
        page.wait_for_timeout(100)
    assert held
    for route in held:
        route.continue_()

    expect(page.locator("#live-total [data-total]")).to_have_text("100,00 / 100")
    # The level is saved as a draft a moment later (the autosave's own script was not held
    # back): its write ends before the test does, so that nothing writes during teardown.
    expect(page.locator("[data-autosave-status]")).to_contain_text("Brouillon enregistré à")
    page.wait_for_load_state("networkidle")


@pytest.mark.django_db(transaction=True)
def test_reviewer_leaves_midway_finds_the_draft_and_fixes_the_error_from_the_summary(
    site, page, login, menu, assert_accessible
):
    assignment = AssignmentFactory(project__title="Ressourcerie de Picardie")
    first = Criterion.objects.filter(version=assignment.project.call.grid_version, code="S1").get()
    form_url = f"/evaluations/projets/{assignment.project.pk}/"
    login(assignment.reviewer.email, next_path=form_url)
    status = page.locator("[data-autosave-status]")

    # A low score, its justification not written yet: saved as a draft all the same.
    page.locator(f"[name='score_{first.pk}'][value='{first.scale_min}']").check()
    expect(status).to_contain_text("Brouillon enregistré à")
    with page.expect_response(
        lambda response: (
            "/brouillon/" in response.url and "solide" in (response.request.post_data or "")
        )
    ):
        page.get_by_label("Points forts").fill("Un modèle économique solide.")
    # Leaving the field recomputes the total (htmx, on "change"); nothing new to save.
    with page.expect_response(lambda response: response.url.endswith("/total/")):
        page.get_by_label("Points forts").blur()
    expect(page.locator("#live-total [data-coverage]")).to_contain_text("1/20 critères")
    menu("À évaluer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("À évaluer")

    page.goto(site + form_url)
    expect(page.locator(f"[name='score_{first.pk}'][value='{first.scale_min}']")).to_be_checked()
    expect(page.get_by_label("Points forts")).to_have_value("Un modèle économique solide.")
    expect(status).to_contain_text("Brouillon enregistré le")
    page.locator(".criteria-nav summary").click()
    expect(page.locator(f"[data-criterion-link='critere-{first.pk}']")).to_have_class(
        re.compile("is-answered")
    )

    # Submitting without the justification: the summary at the top, focused, leads to it.
    page.get_by_role("button", name="Soumettre l'évaluation").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Il y a 1 problème à corriger")
    assert_accessible("error summary")
    summary.get_by_role("link", name=re.compile("^S1 — Justifiez cette note")).click()
    comment = page.locator(f"#id_comment_{first.pk}")
    expect(comment).to_be_focused()
    expect(comment).to_be_in_viewport()
    comment.fill("Aucune donnée sur le besoin dans le dossier.")
    page.get_by_role("button", name="Enregistrer le brouillon").click()

    expect(page.get_by_text("Le brouillon est enregistré.")).to_be_visible()
    review = Assessment.objects.get(author=assignment.reviewer)
    assert (review.status, review.strengths) == ("draft", "Un modèle économique solide.")
    assert [(s.value, s.comment) for s in review.scores.all()] == [
        (first.scale_min, "Aucune donnée sur le besoin dans le dossier.")
    ]
