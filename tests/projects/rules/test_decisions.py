"""The predicates about decisions, each allowing and denying: the permission matrix checks pages,
this checks the predicates."""

import pytest

from accounts.models import Role
from tests.factories import AssignmentFactory, UserFactory, user_with_role
from tests.projects.helpers import can

pytestmark = pytest.mark.django_db


def test_only_the_call_funder_and_administrators_decide():
    project = AssignmentFactory().project
    funder = user_with_role(Role.FUNDER, project.call.funder)

    assert can(funder, "projects.decide_project", project)
    assert can(UserFactory(administrator=True), "projects.decide_project", project)
    assert not can(user_with_role(Role.FUNDER), "projects.decide_project", project)
    assert not can(project.owner, "projects.decide_project", project)
