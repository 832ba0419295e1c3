"""The calls a user may manage: one scope for the funder's list, the dashboards and the
territory pages."""

import pytest

from accounts.models import Role
from accounts.permissions import can
from projects.models import Decision
from projects.selectors.calls import (
    call_decisions,
    calls_for_funder,
    calls_visible,
    managed_call_ids,
    managed_calls,
)
from tests.factories import CallFactory, ProjectFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_a_funder_manages_their_organisations_calls_only():
    own, other = CallFactory(), CallFactory()
    funder = user_with_role(Role.FUNDER, own.funder)

    assert list(managed_calls(user=funder)) == [own]
    assert managed_call_ids(user=funder) == [own.pk]
    assert [call.pk for call in calls_for_funder(user=funder)] == [own.pk]
    assert other.pk not in managed_call_ids(user=funder)


def test_administrators_manage_every_call_without_a_list():
    calls = [CallFactory(), CallFactory()]
    administrator = UserFactory(administrator=True)

    assert set(managed_calls(user=administrator)) == set(calls)
    assert managed_call_ids(user=administrator) is None


@pytest.mark.parametrize("role", [Role.HOLDER, Role.REVIEWER])
def test_holders_and_reviewers_manage_no_call(role):
    CallFactory()

    assert managed_call_ids(user=user_with_role(role)) == []


def test_the_visible_calls_are_the_published_ones_and_the_drafts_one_manages():
    """`calls_visible` is "projects.view_call" as a queryset: the same answer call by call."""
    published = CallFactory()
    own_draft = CallFactory(draft=True)
    other_draft = CallFactory(draft=True)
    funder = user_with_role(Role.FUNDER, own_draft.funder)
    everyone = [published, own_draft, other_draft]

    for user in (funder, user_with_role(Role.HOLDER), UserFactory(administrator=True)):
        visible = set(calls_visible(user=user))
        assert visible == {call for call in everyone if can(user, "projects.view_call", call)}
    assert set(calls_visible(user=funder)) == {published, own_draft}


def test_a_calls_decisions_are_its_own():
    decided = ProjectFactory(call=CallFactory(review=True), submitted=True)
    elsewhere = ProjectFactory(call=CallFactory(review=True), submitted=True)
    for project in (decided, elsewhere):
        Decision.objects.create(project=project, outcome="rejected", decided_by=project.owner)

    assert [d.project for d in call_decisions(call=decided.call)] == [decided]
