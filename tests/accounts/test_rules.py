import pytest

from accounts.models import Role
from accounts.permissions import can
from accounts.rules import (
    is_administrator,
    is_funder,
    is_holder,
    is_member_of,
    is_reviewer,
    manages_organisation,
)
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "predicate"),
    [(Role.FUNDER, is_funder), (Role.REVIEWER, is_reviewer), (Role.HOLDER, is_holder)],
)
def test_role_predicates_allow_only_their_role(role, predicate):
    others = [other for other in Role if other != role]

    assert predicate(user_with_role(role))
    assert not any(predicate(user_with_role(other)) for other in others)
    assert not predicate(UserFactory(administrator=True))


def test_is_administrator_allows_staff_only():
    assert is_administrator(UserFactory(administrator=True))
    assert not is_administrator(UserFactory())
    assert not is_administrator(UserFactory(administrator=True, is_active=False))


def test_is_member_of_allows_members_and_denies_others():
    membership = MembershipFactory()

    assert is_member_of(membership.user, membership.organisation)
    assert not is_member_of(UserFactory(), membership.organisation)
    assert not is_member_of(membership.user, OrganisationFactory())


def test_anonymous_user_has_no_role(client):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not any(p(anonymous) for p in (is_administrator, is_funder, is_reviewer, is_holder))
    assert not anonymous.has_perm("accounts.view_profile")


@pytest.mark.parametrize(
    ("role", "allowed"), [(Role.FUNDER, True), (Role.HOLDER, True), (Role.REVIEWER, False)]
)
def test_only_managing_members_change_their_organisation(role, allowed):
    membership = MembershipFactory(role=role)

    assert manages_organisation(membership.user, membership.organisation) is allowed
    assert can(membership.user, "accounts.change_organisation", membership.organisation) is allowed
    assert not manages_organisation(membership.user, OrganisationFactory())


def test_a_reviewer_who_also_holds_may_change_only_the_organisation_they_hold():
    reviewing = MembershipFactory(role=Role.REVIEWER)
    holding = MembershipFactory(user=reviewing.user, role=Role.HOLDER)

    assert not can(reviewing.user, "accounts.change_organisation", reviewing.organisation)
    assert can(reviewing.user, "accounts.change_organisation", holding.organisation)
    administrator = UserFactory(administrator=True)
    assert can(administrator, "accounts.change_organisation", holding.organisation)
