"""The predicates about calls, each allowing and denying: the permission matrix checks pages,
this checks the predicates."""

import pytest

from accounts.models import Role
from tests.factories import CallFactory, UserFactory, holder_user, user_with_role
from tests.projects.helpers import can

pytestmark = pytest.mark.django_db


def test_call_funder_manages_own_call_only():
    funder = user_with_role(Role.FUNDER)
    own = CallFactory(funder=funder.memberships.get().organisation)
    other = CallFactory()

    assert can(funder, "projects.manage_call", own)
    assert can(funder, "projects.change_call", own)
    assert not can(funder, "projects.manage_call", other)
    assert not can(funder, "projects.change_call", other)


def test_draft_call_is_private_published_call_is_public():
    draft, published = CallFactory(draft=True), CallFactory()
    holder = holder_user()

    assert can(holder, "projects.view_call", published)
    assert not can(holder, "projects.view_call", draft)
    assert can(UserFactory(administrator=True), "projects.view_call", draft)


def test_only_holders_apply_to_calls():
    call = CallFactory()

    assert can(holder_user(), "projects.apply_call", call)
    assert not can(user_with_role(Role.REVIEWER), "projects.apply_call", call)
    assert not can(user_with_role(Role.FUNDER), "projects.apply_call", call)
