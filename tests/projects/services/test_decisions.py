"""Decisions in two steps: proposed (drafts), published together, corrected explicitly; the
amount checks against the amount requested, the call's ceiling and its envelope."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent, Role
from projects import services
from projects.models import Decision, DecisionStatus, ProjectStatus
from tests.factories import CallFactory, ProjectFactory, holder_user, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    """A call in review: ceiling 45 000 €, envelope 60 000 €, comments promised to holders."""
    return CallFactory(
        review=True,
        max_amount=Decimal(45000),
        budget_envelope=Decimal(60000),
        feedback_policy="comments",
    )


@pytest.fixture
def funder(call):
    return user_with_role(Role.FUNDER, call.funder)


def project_of(call, requested=45000, **fields):
    return ProjectFactory(
        call=call, under_review=True, amount_requested=Decimal(requested), **fields
    )


def propose(project, by, outcome="selected", amount=None, **kwargs):
    kwargs.setdefault("motivation", "Motivation du comité.")
    return services.decision_propose(
        project=project, outcome=outcome, amount_granted=amount, by=by, **kwargs
    )


def field_errors(excinfo) -> dict:
    return {
        name: [str(m) for m in messages] for name, messages in excinfo.value.message_dict.items()
    }


# --- Proposing ------------------------------------------------------------------------------


def test_proposing_changes_no_status_and_sends_no_email(
    call, funder, mailoutbox, django_capture_on_commit_callbacks
):
    project = project_of(call)

    with django_capture_on_commit_callbacks(execute=True):
        decision = propose(project, funder, "rejected")

    project.refresh_from_db()
    assert project.status == ProjectStatus.UNDER_REVIEW
    assert decision.status == DecisionStatus.PROPOSED
    assert mailoutbox == []
    assert AuditEvent.objects.for_object(decision).get().action == "decision.propose"


def test_revising_a_proposal_is_journalled_with_before_and_after(call, funder):
    project = project_of(call)
    propose(project, funder, "waitlisted")

    decision = propose(project, funder, "selected", Decimal(30000))

    event = AuditEvent.objects.for_object(decision).filter(action="decision.revise").get()
    assert (event.before["outcome"], event.after["outcome"]) == ("waitlisted", "selected")
    assert Decimal(event.after["amount_granted"]) == Decimal(30000)
    assert Decision.objects.get().outcome == "selected"


def test_a_selected_project_needs_an_amount(call, funder):
    with pytest.raises(ValidationError) as excinfo:
        propose(project_of(call), funder, "selected", None)

    assert field_errors(excinfo) == {
        "amount_granted": ["Un projet retenu a besoin d'un montant accordé."]
    }


def test_an_amount_above_the_request_needs_a_reason(call, funder):
    project = project_of(call, requested=40000)

    with pytest.raises(ValidationError) as excinfo:
        propose(project, funder, "selected", Decimal(42000))
    decision = propose(project, funder, "selected", Decimal(42000), override_reason="Coûts revus.")

    assert field_errors(excinfo) == {
        "amount_granted": ["Ce montant dépasse le montant demandé (40\xa0000 €)."],
        "override_reason": [
            "Pour accorder ce montant malgré tout, indiquez le motif du dépassement."
        ],
    }
    assert decision.override_reason == "Coûts revus."


def test_an_amount_above_the_ceiling_and_the_request_says_both(call, funder):
    project = project_of(call, requested=45000)

    with pytest.raises(ValidationError) as excinfo:
        propose(project, funder, "selected", Decimal(50000))

    assert field_errors(excinfo)["amount_granted"] == [
        "Ce montant dépasse le montant demandé (45\xa0000 €).",
        "Ce montant dépasse le plafond de l'appel (45\xa0000 €).",
    ]


def test_an_amount_beyond_the_envelope_needs_a_reason(call, funder):
    propose(project_of(call), funder, "selected", Decimal(40000))
    other = project_of(call)

    with pytest.raises(ValidationError) as excinfo:
        propose(other, funder, "selected", Decimal(25000))
    within = propose(other, funder, "selected", Decimal(20000))

    assert field_errors(excinfo)["amount_granted"] == [
        "Avec ce montant, les projets retenus de l'appel totalisent 65\xa0000 €, au-delà de "
        "l'enveloppe (60\xa0000 €)."
    ]
    assert within.amount_granted == Decimal(20000)
    assert within.override_reason == ""


def test_the_reason_is_dropped_once_the_amount_no_longer_needs_it(call, funder):
    project = project_of(call, requested=40000)
    propose(project, funder, "selected", Decimal(42000), override_reason="Coûts revus.")

    decision = propose(project, funder, "selected", Decimal(40000), override_reason="Coûts revus.")

    assert decision.override_reason == ""


@pytest.mark.parametrize(
    ("policy", "refused"), [("decision", False), ("comments", True), ("full", True)]
)
def test_a_refusal_needs_a_motivation_when_the_policy_promises_feedback(policy, refused):
    call = CallFactory(review=True, feedback_policy=policy)
    funder = user_with_role(Role.FUNDER, call.funder)

    try:
        propose(project_of(call), funder, "rejected", motivation="")
        errors = {}
    except ValidationError as error:
        errors = error.message_dict

    assert errors == (
        {"motivation": ["L'appel promet un retour aux porteurs : motivez ce refus."]}
        if refused
        else {}
    )


def test_an_amount_is_dropped_for_any_outcome_but_selected(call, funder):
    decision = propose(project_of(call), funder, "waitlisted", Decimal(1000))

    assert decision.amount_granted is None


@pytest.mark.parametrize("status", ["draft", "open"])
def test_no_decision_before_the_review(status, funder):
    call = CallFactory(status=status)
    project = ProjectFactory(call=call, submitted=True)

    with pytest.raises(ValidationError, match="une fois l'appel en évaluation"):
        propose(project, funder, "rejected")


def test_a_withdrawn_project_gets_no_decision(call, funder):
    project = project_of(call, status="withdrawn")

    with pytest.raises(ValidationError, match="pas en lice"):
        propose(project, funder, "rejected")


# --- Publishing -----------------------------------------------------------------------------


def test_publishing_sets_statuses_and_emails_each_holder_once(
    call, funder, mailoutbox, django_capture_on_commit_callbacks
):
    a = project_of(call, title="A")
    co_holder = holder_user(a.organisation)
    a.co_holders.add(co_holder)
    b = project_of(call, title="B")
    propose(a, funder, "selected", Decimal(30000))
    propose(b, funder, "rejected")

    with django_capture_on_commit_callbacks(execute=True):
        published = services.decisions_publish(call=call, by=funder, ip="192.0.2.7")

    a.refresh_from_db()
    b.refresh_from_db()
    assert [d.project.title for d in published] == ["A", "B"]
    assert (a.status, b.status) == (ProjectStatus.SELECTED, ProjectStatus.REJECTED)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [a.owner.email, co_holder.email, b.owner.email]
    )
    assert "30\xa0000 €" in next(m.body for m in mailoutbox if m.to == [a.owner.email])
    assert set(Decision.objects.values_list("status", flat=True)) == {DecisionStatus.PUBLISHED}
    events = AuditEvent.objects.filter(action="decision.publish")
    assert events.count() == 2 and {e.ip for e in events} == {"192.0.2.7"}
    assert (
        AuditEvent.objects.for_object(call).get(action="decisions.publish").after["decisions"] == 2
    )


def test_publishing_twice_publishes_and_emails_nothing_more(
    call, funder, mailoutbox, django_capture_on_commit_callbacks
):
    decision = propose(project_of(call), funder, "rejected")
    with django_capture_on_commit_callbacks(execute=True):
        services.decisions_publish(call=call, by=funder, decision_ids=[decision.pk])

    with django_capture_on_commit_callbacks(execute=True):
        again = services.decisions_publish(call=call, by=funder, decision_ids=[decision.pk])

    assert again == []
    assert len(mailoutbox) == 1
    assert AuditEvent.objects.filter(action="decision.publish").count() == 1


def test_publishing_a_selection_leaves_the_others_proposed(call, funder, mailoutbox):
    a, b = project_of(call), project_of(call)
    first = propose(a, funder, "rejected")
    propose(b, funder, "waitlisted")

    services.decisions_publish(call=call, by=funder, decision_ids=[first.pk])

    b.refresh_from_db()
    assert b.status == ProjectStatus.UNDER_REVIEW
    assert Decision.objects.get(project=b).status == DecisionStatus.PROPOSED


def test_publishing_beyond_the_envelope_is_refused_without_a_reason(call, funder):
    a, b = project_of(call), project_of(call)
    propose(a, funder, "selected", Decimal(40000))
    propose(b, funder, "selected", Decimal(25000), override_reason="Projet prioritaire.")

    with pytest.raises(ValidationError) as excinfo:
        services.decisions_publish(call=call, by=funder)
    services.decisions_publish(call=call, by=funder, override_reason="Rallonge votée.")

    assert list(field_errors(excinfo)) == ["override_reason"]
    assert "5\xa0000 € au-delà de l'enveloppe" in field_errors(excinfo)["override_reason"][0]
    event = AuditEvent.objects.for_object(call).get(action="decisions.publish")
    assert event.after["override_reason"] == "Rallonge votée."
    assert Decision.objects.published().count() == 2


def test_publication_fills_the_date_and_the_share_of_the_budget(call, funder):
    project = project_of(call, requested=30000, budget=Decimal(80000))
    propose(project, funder, "selected", Decimal(20000), reference="DEL-2027-12")

    services.decisions_publish(call=call, by=funder)

    decision = Decision.objects.get()
    assert decision.budget_share == Decimal("25.00")
    assert decision.decision_date is not None and isinstance(decision.decision_date, date)
    assert decision.reference == "DEL-2027-12"


def test_an_explicit_decision_date_and_share_are_kept(call, funder):
    project = project_of(call, requested=30000, budget=Decimal(80000))
    propose(
        project,
        funder,
        "selected",
        Decimal(20000),
        decision_date=date(2027, 3, 2),
        budget_share=Decimal(30),
        aid_nature="cash",
        payment_terms="staggered",
        payment_dates="2027-04-01 ; 2027-10-01",
    )

    services.decisions_publish(call=call, by=funder)

    decision = Decision.objects.get()
    assert (decision.decision_date, decision.budget_share) == (date(2027, 3, 2), Decimal(30))
    assert (decision.aid_nature, decision.payment_terms) == ("cash", "staggered")


def test_a_published_decision_is_not_revised_as_a_proposal(call, funder):
    project = project_of(call)
    propose(project, funder, "rejected")
    services.decisions_publish(call=call, by=funder)

    with pytest.raises(ValidationError, match="correction explicite"):
        propose(project, funder, "waitlisted")


# --- Correcting -----------------------------------------------------------------------------


def test_a_correction_needs_a_reason_tells_the_holder_and_is_journalled(
    call, funder, mailoutbox, django_capture_on_commit_callbacks
):
    project = project_of(call)
    propose(project, funder, "waitlisted")
    services.decisions_publish(call=call, by=funder)

    with pytest.raises(ValidationError) as excinfo:
        services.decision_correct(project=project, reason="", outcome="selected",
                                  amount_granted=Decimal(10000), by=funder)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_correct(
            project=project,
            reason="Désistement d'un lauréat.",
            outcome="selected",
            amount_granted=Decimal(10000),
            by=funder,
            ip="192.0.2.9",
        )

    assert list(field_errors(excinfo)) == ["correction_reason"]
    project.refresh_from_db()
    assert project.status == ProjectStatus.SELECTED
    assert [m.to for m in mailoutbox] == [[project.owner.email]]
    assert "Désistement d'un lauréat." in mailoutbox[0].body
    assert "corrigée" in mailoutbox[0].subject
    event = AuditEvent.objects.get(action="decision.correct")
    assert (event.before["outcome"], event.after["outcome"]) == ("waitlisted", "selected")
    assert (event.after["reason"], event.ip) == ("Désistement d'un lauréat.", "192.0.2.9")


def test_only_a_published_decision_is_corrected(call, funder):
    project = project_of(call)
    propose(project, funder, "waitlisted")

    with pytest.raises(ValidationError, match="Seule une décision publiée"):
        services.decision_correct(project=project, reason="x", outcome="rejected", by=funder,
                                  motivation="m")  # fmt: skip


def test_a_correction_passes_the_same_amount_checks(call, funder):
    project = project_of(call, requested=40000)
    propose(project, funder, "waitlisted")
    services.decisions_publish(call=call, by=funder)

    with pytest.raises(ValidationError) as excinfo:
        services.decision_correct(project=project, reason="Erreur", outcome="selected",
                                  amount_granted=Decimal(41000), by=funder)  # fmt: skip

    assert "amount_granted" in field_errors(excinfo)
