"""The selection committee in a browser (issue 15): the funder reads the reviewers' opinions,
proposes decisions in the committee view within the envelope, is stopped by an over-budget
amount, publishes; the holder learns the outcome only then, on their pages and by e-mail."""

from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Role
from projects import services
from projects.models import FeedbackPolicy
from tests.browser.test_six_journeys import (
    member,
    open_call,
    region_funder,
    self_assessment,
    submitted_review,
)
from tests.factories import OrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_committee_decides_on_evidence_within_the_envelope_and_publishes(
    site, page, login, assert_accessible, screenshot
):
    funder = region_funder()
    member("financeur@exemple.fr", Role.FUNDER, funder)
    call = open_call(
        funder,
        feedback_policy=FeedbackPolicy.COMMENTS,
        max_amount=Decimal(30000),
        budget_envelope=Decimal(35000),
        funding_target=2,
    )
    holder = member("camille@exemple.fr", Role.HOLDER, OrganisationFactory(name="Les Jardins"))
    garage = ProjectFactory(call=call, title="Garage solidaire", complete=True,
                            amount_requested=Decimal(20000))  # fmt: skip
    grocery = ProjectFactory(call=call, title="Épicerie solidaire", complete=True, owner=holder,
                             amount_requested=Decimal(25000))  # fmt: skip
    for project in (garage, grocery):
        project.eligibility_confirmed.set(call.eligibility_items.all())
        self_assessment(project, {}, default=2)
        services.project_submit(project=project, by=project.owner)
    services.call_transition(call=call, to="review", by=None, early=True)
    rita = member("rita@exemple.fr", Role.REVIEWER)
    kevin = member("kevin@exemple.fr", Role.REVIEWER)
    submitted_review(garage, rita, {}, default=3)
    submitted_review(garage, kevin, {}, default=3)
    submitted_review(grocery, rita, {}, default=2)
    submitted_review(grocery, kevin, {}, default=1)
    mail.outbox.clear()

    # The funder reads the reviewers' opinions where the decision is taken.
    login("financeur@exemple.fr")
    page.goto(site + "/financeur/appels/")
    page.get_by_role("link", name=call.title).click()
    page.get_by_role("link", name="Comité de sélection").click()
    rows = page.locator("#committee tbody tr")
    expect(rows.locator("th a")).to_have_text(["Garage solidaire", "Épicerie solidaire"])
    expect(rows.nth(1).locator("[data-opinions]")).to_have_text("1 / 1 / 0")
    expect(page.locator("#envelope [data-remaining]")).to_have_text("35 000 €")
    assert_accessible("committee view")
    rows.nth(1).get_by_role("link", name="Épicerie solidaire").click()
    expect(page.locator("[data-review]")).to_have_count(2)
    expect(page.locator("#evidence")).to_contain_text("Rita")
    expect(page.locator("#evidence")).to_contain_text("Le modèle économique reste à construire.")
    expect(page.locator("#evidence-summary")).to_contain_text("1 favorable · 1 réservé")
    assert_accessible("decision page")
    page.get_by_role("link", name="Retour au comité").click()

    # Row by row in the committee view, with the keyboard.
    page.get_by_label("Décision pour Garage solidaire").select_option(label="Retenu")
    page.get_by_label("Montant accordé pour Garage solidaire (€)").fill("20000")
    page.get_by_label("Montant accordé pour Garage solidaire (€)").press("Enter")
    expect(page.locator("#envelope [data-remaining]")).to_have_text("15 000 €")
    # 20 000 € more would go beyond the envelope: stopped, with the message at the field.
    page.get_by_label("Décision pour Épicerie solidaire").select_option(label="Retenu")
    page.get_by_label("Montant accordé pour Épicerie solidaire (€)").fill("20000")
    page.get_by_label("Montant accordé pour Épicerie solidaire (€)").press("Enter")
    expect(page.get_by_text("au-delà de l'enveloppe (35 000 €)")).to_be_visible()
    screenshot("5-committee-over-budget")
    page.locator("#id_amount_granted").fill("15000")
    page.get_by_role("button", name="Proposer la décision").click()
    expect(page.locator("#envelope [data-remaining]")).to_have_text("0 €")
    screenshot("5-committee")

    # Nothing has reached the holder.
    assert mail.outbox == []
    login("camille@exemple.fr")
    page.goto(site + "/projets/")
    expect(page.get_by_text("En évaluation")).to_be_visible()
    page.get_by_role("link", name="Épicerie solidaire").click()
    expect(page.locator("#project-status")).to_have_text("En évaluation")
    expect(page.locator("#decision")).to_have_count(0)

    # Publication, after a page that says who gets what.
    login("financeur@exemple.fr")
    page.goto(site + f"/financeur/appels/{call.pk}/comite/")
    page.get_by_role("button", name="Publier les décisions cochées…").click()
    expect(page.locator("#publication")).to_contain_text("camille@exemple.fr")
    expect(page.locator("#publication caption")).to_have_text("2 e-mails partiront")
    assert_accessible("publication confirmation")
    page.get_by_role("button", name="Publier et envoyer les 2 e-mails").click()
    expect(page.get_by_text("2 décisions publiées")).to_be_visible()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([garage.owner.email, holder.email])

    login("camille@exemple.fr")
    page.goto(site + "/projets/")
    page.get_by_role("link", name="Épicerie solidaire").click()
    expect(page.locator("#project-status")).to_have_text("Retenu")
    expect(page.locator("#decision-title")).to_have_text("Décision : Retenu")
    expect(page.get_by_text("Montant accordé : 15 000 €")).to_be_visible()
