"""A journey in English: a reviewer from abroad switches the site to English on the login
page, signs in and scores a project without meeting a word of French (the project's own text
aside: it stays in its holder's language)."""

import pytest
from playwright.sync_api import expect

from accounts.models import Language, User
from grid.models import Criterion
from projects.models import Assessment
from tests.factories import PASSWORD, AssignmentFactory
from tests.test_i18n import FRENCH_WORDS, _typed, _words, visible_text


def open_menu(page) -> None:
    """On a phone the navigation (and the switcher in it) sits in the collapsed menu."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        expect(page.locator("#nav-main")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_english_reviewer_switches_language_and_scores_a_project(
    site, page, assert_accessible, open_form
):
    assignment = AssignmentFactory(project__title="Picardy Resource Centre")
    project = assignment.project
    criteria = list(Criterion.objects.filter(version=project.call.grid_version).order_by("pk"))
    typed = [*_typed(project), assignment.reviewer.email, assignment.reviewer.full_name]

    def assert_no_french(where: str) -> None:
        text = visible_text(page.content(), typed)
        assert _words(FRENCH_WORDS, text) == [], (where, text[:2000])

    page.goto(site + "/comptes/connexion/?next=/evaluations/")
    open_menu(page)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_no_french("login page")
    page.get_by_label("E-mail address").fill(assignment.reviewer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("To review")
    assert_no_french("projects to review")
    open_form("Picardy Resource Centre")
    expect(page.get_by_text("Response to an unmet or poorly met social need").first).to_be_visible()
    assert_no_french("scoring form")
    page.locator(f"[name='score_{criteria[0].pk}'][value='{criteria[0].scale_max}']").check()
    # The running total, computed on the server, written the English way.
    expect(page.locator("#live-total [data-total]")).to_have_text("100.00 / 100")
    for criterion in criteria[1:]:
        page.locator(f"[name='score_{criterion.pk}'][value='{criterion.scale_max}']").check()
    page.get_by_label("Overall opinion").select_option("favourable")
    page.get_by_label("Strengths").fill("A sound business model.")
    assert_accessible("English review form")
    page.get_by_role("button", name="Submit the review").click()

    expect(page.get_by_text("Your review is submitted.")).to_be_visible()
    assert_no_french("review submitted")
    review = Assessment.objects.get(author=assignment.reviewer)
    assert (review.status, review.total) == ("submitted", 100)
    # Chosen before signing in, the language is now the account's (pages and e-mails).
    assert User.objects.get(pk=assignment.reviewer.pk).language == Language.ENGLISH
