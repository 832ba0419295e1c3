"""The committee's reads: opinions and recommended amounts per project, the envelope, what a
publication would do, and the call's journal."""

from decimal import Decimal

import pytest

from accounts.models import AuditEvent, Role
from accounts.services import audit_record
from projects import services
from projects.selectors.committee import (
    call_history,
    envelope_summary,
    opinion_summaries,
    project_reviews,
    publication_plan,
)
from tests.factories import (
    AssessmentFactory,
    AssignmentFactory,
    CallFactory,
    ProjectFactory,
    holder_user,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def review(project, opinion, amount, **traits):
    assignment = AssignmentFactory(project=project, **traits)
    return AssessmentFactory(
        assignment=assignment,
        submitted=True,
        scores=2,
        opinion=opinion,
        recommended_amount=None if amount is None else Decimal(amount),
    )


def test_opinions_and_recommended_amounts_per_project():
    call = CallFactory(review=True)
    a = ProjectFactory(call=call, under_review=True)
    b = ProjectFactory(call=call, under_review=True)
    review(a, "favourable", 10000)
    review(a, "favourable", 30000)
    review(a, "reserved", 14000)
    review(a, "unfavourable", None)
    review(a, "unfavourable", 99999, conflict=True)  # out of every figure
    AssessmentFactory(project=a, opinion="favourable", recommended_amount=Decimal(1))  # draft
    review(b, "reserved", 20000)
    review(b, "favourable", 25000)

    summaries = opinion_summaries(call=call)

    assert (summaries[a.pk].favourable, summaries[a.pk].reserved) == (2, 1)
    assert summaries[a.pk].unfavourable == 1
    assert summaries[a.pk].recommended_count == 3
    assert summaries[a.pk].recommended_mean == Decimal("18000.00")
    assert summaries[a.pk].recommended_median == Decimal("14000.00")
    assert summaries[b.pk].recommended_median == Decimal("22500.00")
    assert opinion_summaries(project=b) == {b.pk: summaries[b.pk]}


def test_project_reviews_are_the_counted_ones_in_creation_order():
    project = ProjectFactory(call=CallFactory(review=True), under_review=True)
    first = review(project, "favourable", 1)
    review(project, "unfavourable", 2, recused=True)
    second = review(project, "reserved", 3)

    assert list(project_reviews(project=project)) == [first, second]


def test_envelope_sums_published_and_proposed_selected_amounts():
    call = CallFactory(review=True, budget_envelope=Decimal(50000), funding_target=2)
    funder = user_with_role(Role.FUNDER, call.funder)
    projects = [ProjectFactory(call=call, under_review=True) for _i in range(3)]
    first = services.decision_propose(
        project=projects[0], outcome="selected", amount_granted=Decimal(20000), by=funder
    )
    services.decisions_publish(call=call, by=funder, decision_ids=[first.pk])
    services.decision_propose(
        project=projects[1], outcome="selected", amount_granted=Decimal(15000), by=funder
    )
    services.decision_propose(project=projects[2], outcome="waitlisted", by=funder)

    envelope = envelope_summary(call=call)

    assert (envelope.published_amount, envelope.proposed_amount) == (
        Decimal(20000),
        Decimal(15000),
    )
    assert (envelope.committed, envelope.remaining) == (Decimal(35000), Decimal(15000))
    assert (envelope.selected, envelope.percent, envelope.exceeded) == (2, 70, False)
    assert not envelope.beyond_target


def test_publication_plan_lists_recipients_and_leaves_published_out():
    call = CallFactory(review=True, budget_envelope=Decimal(10000))
    funder = user_with_role(Role.FUNDER, call.funder)
    a = ProjectFactory(call=call, under_review=True, title="A")
    co_holder = holder_user(a.organisation)
    a.co_holders.add(co_holder)
    b = ProjectFactory(call=call, under_review=True, title="B")
    decided = services.decision_propose(project=b, outcome="waitlisted", by=funder)
    services.decisions_publish(call=call, by=funder, decision_ids=[decided.pk])
    services.decision_propose(
        project=a,
        outcome="selected",
        amount_granted=Decimal(12000),
        override_reason="Priorité.",
        by=funder,
    )

    plan = publication_plan(call=call)

    assert [line.decision.project for line in plan.lines] == [a]
    assert plan.lines[0].recipients == [a.owner.email, co_holder.email]
    assert (plan.email_count, plan.over_envelope) == (2, Decimal(2000))


def test_call_history_covers_the_call_its_projects_assignments_and_decisions_only():
    call = CallFactory(review=True)
    funder = user_with_role(Role.FUNDER, call.funder)
    project = ProjectFactory(call=call, under_review=True)
    draft = ProjectFactory(call=call)
    assignment = AssignmentFactory(project=project)
    other_call = CallFactory()
    services.call_update(call=call, by=funder, title="Nouveau titre")
    services.assignment_recuse(assignment=assignment, by=funder)
    decision = services.decision_propose(project=project, outcome="waitlisted", by=funder)
    audit_record(actor=draft.owner, action="project.update", obj=draft)
    audit_record(actor=funder, action="call.update", obj=other_call)

    events = list(call_history(call=call))

    assert [e.action for e in events] == ["decision.propose", "assignment.recuse", "call.update"]
    assert events[0].object_id == str(decision.pk)
    assert AuditEvent.objects.count() == 5
