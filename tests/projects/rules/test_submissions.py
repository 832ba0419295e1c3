"""The predicates about projects, each allowing and denying: the permission matrix checks pages,
this checks the predicates."""

import pytest

from accounts.models import Role
from tests.factories import ProjectFactory, UserFactory, holder_user, user_with_role
from tests.projects.helpers import can

pytestmark = pytest.mark.django_db


def test_project_visible_to_its_organisation_and_to_its_funder_once_submitted():
    project = ProjectFactory()
    colleague = holder_user(project.organisation)
    funder = user_with_role(Role.FUNDER, organisation=project.call.funder)

    assert can(colleague, "projects.view_project", project)
    assert not can(holder_user(), "projects.view_project", project)
    assert not can(funder, "projects.view_project", project)
    project.status = "submitted"
    assert can(funder, "projects.view_project", project)
    assert not can(user_with_role(Role.FUNDER), "projects.view_project", project)
    assert not can(user_with_role(Role.REVIEWER), "projects.view_project", project)


def test_only_owner_and_invited_co_holders_edit():
    project = ProjectFactory()
    colleague = holder_user(project.organisation)

    assert can(project.owner, "projects.change_project", project)
    assert not can(colleague, "projects.change_project", project)
    assert not can(UserFactory(administrator=True), "projects.change_project", project)
    project.co_holders.add(colleague)
    assert can(colleague, "projects.change_project", project)
    assert not can(colleague, "projects.manage_coholders", project)
    assert can(project.owner, "projects.manage_coholders", project)


def test_co_holder_who_left_the_organisation_loses_edit_rights():
    project = ProjectFactory()
    colleague = holder_user(project.organisation)
    project.co_holders.add(colleague)

    colleague.memberships.all().delete()
    colleague = type(colleague).objects.get(pk=colleague.pk)  # fresh role cache

    assert not can(colleague, "projects.change_project", project)
