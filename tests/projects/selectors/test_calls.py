"""The calls a user may manage: one scope for the funder's list, the dashboards and the
territory pages."""

import pytest

from accounts.models import Role
from projects.selectors.calls import calls_for_funder, managed_call_ids, managed_calls
from tests.factories import CallFactory, UserFactory, user_with_role

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
