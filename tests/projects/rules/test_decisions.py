"""The predicates about decisions, each allowing and denying: the permission matrix checks pages,
this checks the predicates."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from projects import services
from tests.factories import AssignmentFactory, CallFactory, UserFactory, user_with_role
from tests.projects.helpers import can

pytestmark = pytest.mark.django_db


def test_only_the_call_funder_and_administrators_decide():
    project = AssignmentFactory().project
    funder = user_with_role(Role.FUNDER, project.call.funder)

    assert can(funder, "projects.decide_project", project)
    assert can(UserFactory(administrator=True), "projects.decide_project", project)
    assert not can(user_with_role(Role.FUNDER), "projects.decide_project", project)
    assert not can(project.owner, "projects.decide_project", project)


def test_a_holder_reads_the_decision_only_once_published():
    project = AssignmentFactory().project
    funder = user_with_role(Role.FUNDER, project.call.funder)
    other_holder = user_with_role(Role.HOLDER)
    decision = services.decision_propose(project=project, outcome="waitlisted", by=funder)

    proposed = can(project.owner, "projects.view_decision", project)
    services.decisions_publish(call=project.call, by=funder, decision_ids=[decision.pk])

    assert not proposed
    assert can(project.owner, "projects.view_decision", project)
    assert can(funder, "projects.view_decision", project)
    assert not can(other_holder, "projects.view_decision", project)
    assert not can(user_with_role(Role.REVIEWER), "projects.view_decision", project)


@pytest.mark.parametrize(
    "perm", ["projects.view_committee", "projects.view_call_history", "projects.publish_decisions"]
)
def test_committee_permissions_belong_to_the_call_managers(perm):
    call = CallFactory(review=True)
    assignment = AssignmentFactory(project__call=call)

    assert can(user_with_role(Role.FUNDER, call.funder), perm, call)
    assert can(UserFactory(administrator=True), perm, call)
    assert not can(user_with_role(Role.FUNDER), perm, call)
    assert not can(assignment.reviewer, perm, call)
    assert not can(assignment.project.owner, perm, call)
    assert not can(AnonymousUser(), perm, call)


def test_decisions_are_published_once_the_call_takes_decisions():
    call = CallFactory()

    assert not can(user_with_role(Role.FUNDER, call.funder), "projects.publish_decisions", call)


@pytest.mark.parametrize(
    ("status", "allowed"), [("open", True), ("review", True), ("decided", False)]
)
def test_a_reviewer_declares_a_conflict_from_the_assignment_until_the_decision(status, allowed):
    assignment = AssignmentFactory(project__call__status=status)

    assert can(assignment.reviewer, "projects.declare_conflict", assignment.project) is allowed
    assert not can(user_with_role(Role.REVIEWER), "projects.declare_conflict", assignment.project)
