"""Which grid versions a user reads: the rule of the grid pages, as a queryset."""

import pytest

from accounts.models import Role
from accounts.permissions import can
from grid.models import GridVersion
from grid.selectors import grid_versions_for
from tests.factories import draft_of_reference, reference_version, user_with_role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.FUNDER, Role.REVIEWER, None])
def test_readers_see_the_versions_the_predicate_lets_them_open(role):
    user = user_with_role(role)
    draft, published = draft_of_reference(), reference_version()

    visible = set(grid_versions_for(user=user))

    assert visible == {
        version
        for version in GridVersion.objects.all()
        if can(user, "grid.view_gridversion", version)
    }
    assert published in visible
    assert (draft in visible) is (role is None)
