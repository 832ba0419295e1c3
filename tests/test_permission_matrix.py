import pytest
from django.urls import path, reverse

from accounts.models import Role
from tests.factories import MembershipFactory
from tests.permission_matrix import DENIED, ROLES, all_rows, unclassified_patterns
from tests.projects.matrix import projects_matrix_context


def test_every_url_pattern_has_a_matrix_row():
    assert unclassified_patterns() == []


def unlisted_view(request):  # pragma: no cover - never requested
    raise AssertionError


urlpatterns = [*__import__("config.urls", fromlist=["urlpatterns"]).urlpatterns]
urlpatterns.append(path("oubli/", unlisted_view, name="forgotten_in_matrix"))


def test_a_pattern_without_row_is_reported():
    assert unclassified_patterns(urlconf=__name__) == ["forgotten_in_matrix"]


@pytest.fixture
def matrix_context(role_users):
    holder = role_users["holder"]
    return {
        "users": role_users,
        "holder_organisation": holder.memberships.get().organisation,
        **projects_matrix_context(role_users),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(all_rows()))
def test_permission_matrix(client, matrix_context, name, role):
    row = all_rows()[name]
    user = matrix_context["users"][role]
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=row.kwargs(matrix_context))

    api = name.startswith("api:")
    options = {"content_type": "application/json"} if api and row.method != "get" else {}
    response = getattr(client, row.method)(url, row.data(matrix_context), **options)

    expected = row.expect[role]
    if expected == DENIED:
        if user is None and api:
            assert response.status_code == 401
            assert response["WWW-Authenticate"] == 'Bearer realm="api"'
        elif user is None:
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("accounts:login"))
        else:
            assert response.status_code in (403, 404)
    else:
        assert response.status_code == expected


@pytest.mark.django_db
def test_member_of_another_organisation_cannot_edit(client, matrix_context):
    other_holder = MembershipFactory(role=Role.HOLDER).user
    client.force_login(other_holder)
    url = reverse(
        "accounts:organisation_edit", kwargs={"pk": matrix_context["holder_organisation"].pk}
    )

    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Piratée"}).status_code == 403
    matrix_context["holder_organisation"].refresh_from_db()
    assert matrix_context["holder_organisation"].name != "Piratée"
