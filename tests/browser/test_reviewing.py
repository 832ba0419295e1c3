"""Journey 4 in a browser: a reviewer scores an assigned project and sees the total."""

import pytest
from playwright.sync_api import expect

from grid.models import Criterion
from projects.models import Assessment
from tests.factories import PASSWORD, AssignmentFactory


@pytest.mark.django_db(transaction=True)
def test_reviewer_scores_a_project_and_sees_the_total(site, page, assert_accessible):
    assignment = AssignmentFactory(project__title="Ressourcerie de Picardie")
    criteria = list(
        Criterion.objects.filter(version=assignment.project.call.grid_version).order_by("pk")
    )
    page.goto(site + "/comptes/connexion/?next=/evaluations/")
    page.get_by_label("Adresse e-mail").fill(assignment.reviewer.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    page.get_by_role("link", name="Ressourcerie de Picardie").click()
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
