"""Each list of the API costs the same number of queries whatever its length (measured at
one item, then at four), as the pages do; the ranking stays within the call dashboard's
budget of queries."""

import itertools

import pytest
from django.urls import reverse

from accounts.models import Role
from grid.services import grid_version_import
from projects.models import Decision
from territories.models import Commune, Region
from tests.factories import (
    AssessmentFactory,
    AssignmentFactory,
    CallFactory,
    ProjectFactory,
    grid_payload,
    user_with_role,
)
from tests.queries import count_queries

pytestmark = pytest.mark.django_db
_slugs = itertools.count()


def _grid_versions(ctx):
    grid_version_import(payload=grid_payload(slug=f"grille-{next(_slugs)}"))


def _calls(ctx):
    call = CallFactory()
    call.regions.add(Region.objects.get(code="32"), Region.objects.get(code="11"))


def _call_projects(ctx):
    project = ProjectFactory(call=ctx["call"], submitted=True)
    AssignmentFactory(project=project)
    AssessmentFactory(project=project, self_assessment=True, submitted=True, scores=1)


def _decisions(ctx):
    project = ProjectFactory(call=ctx["call"], submitted=True)
    Decision.objects.create(project=project, outcome="selected", decided_by=ctx["funder"])


def _holder_projects(ctx):
    holder = ctx["holder"]
    ProjectFactory(owner=holder, organisation=holder.memberships.get().organisation)


def _assignments(ctx):
    assignment = AssignmentFactory(reviewer=ctx["reviewer"])
    AssessmentFactory(assignment=assignment, scores=1)


def _reviewed_projects(ctx):
    project = ProjectFactory(call=ctx["call"], under_review=True)
    AssessmentFactory(project=project, submitted=True, scores=2)
    AssessmentFactory(project=project, submitted=True, scores=1)


_communes = itertools.cycle(["80021", "75056", "33063", "69123"])


def _territory_projects(ctx):
    ProjectFactory(
        call=ctx["call"], submitted=True, commune=Commune.objects.get(code=next(_communes))
    )


# route → (who reads, URL kwargs, how to add one item)
LISTS = {
    "api:grid_version_list": ("admin", None, _grid_versions),
    "api:call_list": ("anonymous", None, _calls),
    "api:call_projects": ("funder", "call", _call_projects),
    "api:call_decisions": ("funder", "call", _decisions),
    "api:project_list": ("holder", None, _holder_projects),
    "api:review_list": ("reviewer", None, _assignments),
    "api:call_ranking": ("funder", "call", _reviewed_projects),
    "api:territories": ("funder", None, _territory_projects),
}


@pytest.mark.parametrize("name", sorted(LISTS))
def test_a_list_costs_the_same_queries_at_two_sizes(client, name):
    role, kwarg, add = LISTS[name]
    funder = user_with_role(Role.FUNDER)
    ctx = {
        "funder": funder,
        "holder": user_with_role(Role.HOLDER),
        "reviewer": user_with_role(Role.REVIEWER),
        "admin": user_with_role(None),
        "call": CallFactory(funder=funder.memberships.get().organisation, review=True),
    }
    if role != "anonymous":
        client.force_login(ctx[role])
    url = reverse(name, kwargs={"pk": ctx[kwarg].pk} if kwarg else None)
    add(ctx)
    client.get(url)  # warms the caches a first request fills (content types, sessions)

    with count_queries() as small:
        response = client.get(url)
    for _ in range(3):
        add(ctx)
    with count_queries(small.count):
        larger = client.get(url)

    assert response.status_code == larger.status_code == 200
    body = larger.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert len(rows) >= 4


def test_the_ranking_stays_within_the_call_dashboards_budget(client):
    """The dashboard page spends 9 queries (README) on the ranking, the progress and the
    page; the API's ranking is a part of it: the session, the user, the call, the ranking."""
    funder = user_with_role(Role.FUNDER)
    call = CallFactory(funder=funder.memberships.get().organisation, review=True)
    ctx = {"call": call}
    for _ in range(5):
        _reviewed_projects(ctx)
    client.force_login(funder)
    url = reverse("api:call_ranking", kwargs={"pk": call.pk})
    client.get(url)

    with count_queries() as counted:
        client.get(url)

    assert counted.count <= 9
