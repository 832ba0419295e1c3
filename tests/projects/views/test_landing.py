"""Where each person lands after logging in, and what a holder does next."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import (
    PASSWORD,
    AssignmentFactory,
    CallFactory,
    MembershipFactory,
    ProjectFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "page"),
    [
        (Role.FUNDER, "projects:funder_call_list"),
        (Role.REVIEWER, "projects:review_list"),
        (Role.HOLDER, "projects:project_list"),
        (None, "grid:grid_list"),
    ],
)
def test_logging_in_lands_on_the_role_s_own_page(client, role, page):
    user = user_with_role(role)

    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[0][0] == reverse("projects:landing")
    assert response.redirect_chain[-1][0] == reverse(page)
    assert response.status_code == 200


def test_a_login_with_a_next_page_keeps_it(client):
    user = user_with_role(Role.HOLDER)

    response = client.post(
        reverse("accounts:login") + "?next=" + reverse("accounts:profile"),
        {"username": user.email, "password": PASSWORD},
    )

    assert response["Location"] == reverse("accounts:profile")


def test_a_person_of_two_organisations_lands_by_the_current_one(client):
    holder = MembershipFactory(role=Role.HOLDER, organisation__name="A — Jardins")
    reviewing = MembershipFactory(
        user=holder.user, role=Role.REVIEWER, organisation__name="B — Région"
    )
    client.force_login(holder.user)
    assert client.get(reverse("projects:landing"))["Location"] == reverse("projects:project_list")

    client.post(
        reverse("accounts:organisation_switch"), {"organisation": reviewing.organisation.pk}
    )

    assert client.get(reverse("projects:landing"))["Location"] == reverse("projects:review_list")


def test_someone_without_organisation_lands_on_their_profile(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())

    assert client.get(reverse("projects:landing"))["Location"] == reverse("accounts:profile")


def test_the_reviewer_s_list_shows_each_due_date(client):
    assignment = AssignmentFactory(due_date=date(2027, 2, 3))
    client.force_login(assignment.reviewer)

    page = client.get(reverse("projects:review_list")).content.decode()

    assert 'data-due="2027-02-03"' in page
    assert "3 février 2027" in page


def test_the_holder_s_list_says_the_next_step_of_each_project(client):
    draft = ProjectFactory()
    submitted = ProjectFactory(owner=draft.owner, submitted=True)
    client.force_login(draft.owner)

    page = client.get(reverse("projects:project_list")).content.decode()

    assert "Compléter puis déposer avant le" in page
    assert reverse("projects:project_detail", args=[draft.pk]) + "#gaps" in page
    assert "le financeur évalue les projets déposés" in page
    assert submitted.title in page


def test_the_holder_s_list_costs_the_same_with_more_projects(client, django_assert_num_queries):
    first = ProjectFactory()
    client.force_login(first.owner)
    client.get(reverse("projects:project_list"))  # session and caches warm
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("projects:project_list"))
    for _n in range(3):
        ProjectFactory(owner=first.owner, call=CallFactory())
    with CaptureQueriesContext(connection) as four:
        client.get(reverse("projects:project_list"))

    assert len(four) == len(one)


def test_what_is_missing_links_each_gap_to_its_fix(client):
    project = ProjectFactory(call=CallFactory(eligibility=["Siège dans la région"]))
    client.force_login(project.owner)

    detail = client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()
    submit = client.get(reverse("projects:project_submit", args=[project.pk])).content.decode()

    edit = reverse("projects:project_edit", args=[project.pk])
    for page in (detail, submit):
        assert "Ce qu'il manque avant de déposer" in page
        assert f'href="{edit}#div_id_summary"' in page
        assert f'href="{edit}#div_id_eligibility"' in page
        assert "Siège dans la région. Cochez-les dans « Modifier »" in page
    assert "l'éligibilité se coche dans « Modifier »" in submit


def test_the_fix_anchors_exist_on_the_edit_page(client):
    project = ProjectFactory(call=CallFactory(eligibility=["Siège dans la région"]))
    client.force_login(project.owner)

    page = client.get(reverse("projects:project_edit", args=[project.pk])).content.decode()

    for field in ("summary", "eligibility", "commune", "amount_requested", "scope_level"):
        assert f'id="div_id_{field}"' in page, field


def test_a_required_self_assessment_links_to_it(client):
    project = ProjectFactory(complete=True, call=CallFactory(self_assessment_policy="required"))
    client.force_login(project.owner)

    page = client.get(reverse("projects:project_submit", args=[project.pk])).content.decode()

    assert reverse("projects:self_assessment_edit", args=[project.pk]) in page
    assert ">Compléter<" in page


def test_a_complete_project_has_nothing_missing(client):
    project = ProjectFactory(complete=True)
    client.force_login(project.owner)

    page = client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()

    assert "avant de déposer" not in page
