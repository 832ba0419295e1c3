import pytest

from accounts.models import Role
from tests.factories import draft_of_reference, reference_version, user_with_role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "published", "draft"),
    [
        (None, True, True),
        (Role.FUNDER, True, False),
        (Role.REVIEWER, True, False),
        (Role.HOLDER, False, False),
    ],
    ids=["admin", "funder", "reviewer", "holder"],
)
def test_view_gridversion(role, published, draft):
    user = user_with_role(role)

    assert user.has_perm("grid.view_gridversion", reference_version()) is published
    assert user.has_perm("grid.view_gridversion", draft_of_reference()) is draft


@pytest.mark.parametrize(
    "perm",
    [
        "grid.add_grid",
        "grid.change_gridversion",
        "grid.publish_gridversion",
        "grid.fix_text_gridversion",
        "grid.view_gridversion_history",
    ],
)
def test_only_administrators_edit(perm):
    version = draft_of_reference()

    assert user_with_role(None).has_perm(perm, version)
    for role in (Role.FUNDER, Role.REVIEWER, Role.HOLDER):
        assert not user_with_role(role).has_perm(perm, version)
