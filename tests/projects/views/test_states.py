"""Pages show an action when the state rule allows it (model properties and predicates),
never by comparing raw status strings in templates."""

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import AssignmentFactory, CallFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_reviewers_page_offers_recusal_for_active_assignments_only(client):
    active = AssignmentFactory()
    call = active.project.call
    conflicted = AssignmentFactory(
        project=active.project, state="conflict", conflict_reason="Cousin"
    )
    recused = AssignmentFactory(project=active.project, state="recused")
    done = AssignmentFactory(project=active.project, state="done")
    client.force_login(user_with_role(Role.FUNDER, call.funder))

    html = client.get(reverse("projects:call_reviewers", kwargs={"pk": call.pk})).content.decode()

    assert "(Cousin)" in html

    def link(assignment):
        return reverse("projects:assignment_recuse", kwargs={"pk": assignment.pk})

    for assignment in (active, done):
        assert f'href="{link(assignment)}"' in html
    for assignment in (conflicted, recused):
        assert link(assignment) not in html


@pytest.mark.parametrize(
    ("status", "editable"), [("open", True), ("review", True), ("decided", False)]
)
def test_call_page_offers_editing_until_the_call_is_decided(client, status, editable):
    call = CallFactory(status=status)
    client.force_login(user_with_role(Role.FUNDER, call.funder))

    html = client.get(reverse("projects:call_manage", kwargs={"pk": call.pk})).content.decode()

    assert (reverse("projects:call_edit", kwargs={"pk": call.pk}) in html) is editable


@pytest.mark.parametrize(("status", "shown"), [("open", True), ("review", False)])
def test_open_call_invites_visitors_to_sign_up(client, status, shown):
    call = CallFactory(status=status)

    html = client.get(reverse("projects:call_detail", kwargs={"pk": call.pk})).content.decode()

    assert ("Créez un compte porteur" in html) is shown
