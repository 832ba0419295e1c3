"""Dashboard pages: who sees them, what they show, and their query counts (mostly on the
hand-computed `example` of tests/projects/conftest.py)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from grid.services import grid_version_import, grid_version_publish
from projects import dashboards
from projects.models import ReviewerVisibility
from projects.selectors.calls import managed_call_ids
from tests.factories import (
    AssessmentFactory,
    AssignmentFactory,
    CallFactory,
    ProjectFactory,
    UserFactory,
    grid_payload,
    reviewer_user,
    user_with_role,
)
from tests.projects.helpers import VISIBILITY_TABLE, scores, second_reviewer
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

D = Decimal


def test_call_dashboard_page_lists_rows_and_flags_disagreement(example, client):
    client.force_login(example["funder"])

    response = client.get(reverse("projects:call_dashboard", args=[example["call"].pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert f'data-project="{example["a"].pk}" class="table-warning"' in content
    assert f'data-project="{example["w"].pk}"' not in content


def test_project_analysis_page_shows_reviewer_scores_to_the_funder(example, client):
    client.force_login(example["funder"])

    response = client.get(reverse("projects:project_analysis", args=[example["a"].pk]))

    assert response.status_code == 200
    assert [r["name"] for r in response.context["reviewers"]] == ["R1", "R2", "R3"]


def test_territory_drill_down_to_departement_projects(example, client):
    client.force_login(example["funder"])
    url = reverse("projects:territory_dashboard")

    response = client.get(url, {"region": "32", "departement": "80", "measure": "mean_total"})

    assert response.status_code == 200
    assert [row.code for row in response.context["rows"]] == ["02", "59", "60", "62", "80"]
    assert list(response.context["projects"]) == [example["a"]]


def test_territory_heatmap_block_for_htmx_and_as_a_page(example, client):
    client.force_login(example["funder"])
    url = reverse("projects:territory_heatmap")

    partial = client.get(url, {"region": "32"}, headers={"HX-Request": "true"})
    page = client.get(url)

    assert [row["name"] for row in partial.context["heat_rows"]] == ["Somme"]
    assert [cell["text"] for cell in partial.context["heat_rows"][0]["cells"]] == [
        "50",
        "50",
        "100",
    ]
    assert b"<html" not in partial.content
    assert [row["name"] for row in page.context["heat_rows"]] == [
        "Île-de-France",
        "Hauts-de-France",
    ]


def test_a_funder_never_sees_another_funders_call(example, client):
    other_call = CallFactory(grid_version=example["call"].grid_version)
    other = ProjectFactory(call=other_call, submitted=True)
    AssessmentFactory(project=other, author=UserFactory(), submitted=True, scores=scores(2, 2, 2))
    funder = example["funder"]

    call_ids = managed_call_ids(user=funder)
    assert call_ids == [example["call"].pk]
    rows = {
        row.code: row for row in dashboards.territory_figures(call_ids=call_ids, level="region")
    }
    assert (rows["32"].submitted, rows["32"].assessed) == (1, 1)
    client.force_login(funder)
    url = reverse("projects:territory_dashboard")
    assert client.get(url, {"call": other_call.pk}).status_code == 404
    assert client.get(reverse("projects:call_dashboard", args=[other_call.pk])).status_code == 403
    assert client.get(reverse("projects:project_analysis", args=[other.pk])).status_code == 403
    assert client.get(reverse("projects:call_calibration", args=[other_call.pk])).status_code == 403
    heatmap = client.get(reverse("projects:territory_heatmap"), {"call": other_call.pk})
    assert heatmap.status_code == 404
    # The other call's 2, 2, 2 in Amiens does not move the funder's Hauts-de-France profile.
    own = client.get(reverse("projects:territory_heatmap"), {"region": "32"})
    assert [cell["text"] for cell in own.context["heat_rows"][0]["cells"]] == ["50", "50", "100"]
    response = client.get(url)
    assert response.context["totals"]["submitted"] == 2
    # Administrators see every call.
    assert managed_call_ids(user=UserFactory(administrator=True)) is None


# --- Reviewers on the project analysis ------------------------------------------------------


@pytest.mark.parametrize(("policy", "own_submitted", "visible"), VISIBILITY_TABLE)
def test_project_analysis_follows_the_visibility_policy_for_reviewers(
    client, policy, own_submitted, visible
):
    viewer = AssignmentFactory(project__call__reviewer_visibility=policy, done=own_submitted)
    other = second_reviewer(viewer.project, done=True)
    other.reviewer.full_name = "NOMEVALUATEUR8812"
    other.reviewer.save()
    if own_submitted:
        AssessmentFactory(assignment=viewer, submitted=True, scores=3)
    AssessmentFactory(assignment=other, submitted=True, scores=1)
    client.force_login(viewer.reviewer)

    response = client.get(reverse("projects:project_analysis", args=[viewer.project.pk]))

    assert response.status_code == (200 if visible else 403)
    if visible:
        names = [row["name"] for row in response.context["reviewers"]]
        # The other reviewers are anonymised for a reviewer, as on the scoring form.
        # Numbered among the others, in the order of the reviews, as on the scoring form.
        assert names == (["Vous", "Évaluateur 1"] if own_submitted else ["Évaluateur 1"])
        assert "NOMEVALUATEUR8812" not in response.content.decode()
        assert response.context["back_url"] == reverse(
            "projects:review_edit", args=[viewer.project.pk]
        )


def test_project_analysis_is_denied_to_a_conflicted_or_unassigned_reviewer(client):
    viewer = AssignmentFactory(
        project__call__reviewer_visibility=ReviewerVisibility.ALWAYS, conflict=True
    )
    other = second_reviewer(viewer.project, done=True)
    AssessmentFactory(assignment=other, submitted=True, scores=3)
    url = reverse("projects:project_analysis", args=[viewer.project.pk])
    stranger = reviewer_user(viewer.project.call.funder)

    client.force_login(viewer.reviewer)
    conflicted = client.get(url)
    client.force_login(stranger)
    unassigned = client.get(url)

    assert (conflicted.status_code, unassigned.status_code) == (403, 403)


# --- Query counts ---------------------------------------------------------------------------


def add_reviewed_projects(call, count):
    """`count` more submitted projects, each with two valid reviews and a self-assessment."""
    for _index in range(count):
        project = ProjectFactory(call=call, submitted=True)
        for reviewer in (UserFactory(), UserFactory()):
            AssignmentFactory(project=project, reviewer=reviewer)
            AssessmentFactory(
                project=project, author=reviewer, submitted=True, scores=scores(1, 2, 0)
            )
        AssessmentFactory(
            project=project, self_assessment=True, submitted=True, scores=scores(2, 2, 2)
        )
    return project


# The number of queries is the same at two sizes: no dashboard loops over its rows.
DASHBOARD_QUERIES = {
    "call_dashboard": 9,
    "call_dashboard_sorted": 9,
    "call_dashboard_filtered": 9,
    "call_dashboard_last_page": 9,
    "call_judgement": 9,
    "call_committee": 14,
    "territory_dashboard": 6,
    "territory_heatmap": 7,
    "project_analysis": 9,
}


@pytest.mark.parametrize("size", [1, 3])
@pytest.mark.parametrize("name", sorted(DASHBOARD_QUERIES))
def test_dashboard_query_count_does_not_grow(example, client, name, size):
    project = add_reviewed_projects(example["call"], size)
    client.force_login(example["funder"])
    dashboard = reverse("projects:call_dashboard", args=[example["call"].pk])
    url, params = {
        "call_dashboard": (dashboard, {}),
        "call_dashboard_sorted": (dashboard, {"sort": "-std_dev"}),
        "call_dashboard_filtered": (dashboard, {"territory": "32", "q": "projet"}),
        "call_dashboard_last_page": (dashboard, {"page": 2, "sort": "title"}),
        "call_judgement": (reverse("projects:call_judgement", args=[example["call"].pk]), {}),
        "call_committee": (reverse("projects:call_committee", args=[example["call"].pk]), {}),
        "territory_dashboard": (reverse("projects:territory_dashboard"), {"region": "32"}),
        "territory_heatmap": (reverse("projects:territory_heatmap"), {}),
        "project_analysis": (reverse("projects:project_analysis", args=[project.pk]), {}),
    }[name]

    with count_queries(DASHBOARD_QUERIES[name]):
        response = client.get(url, params)

    assert response.status_code == 200


@pytest.mark.parametrize("size", [1, 3])
def test_calibration_query_count_does_not_grow(example, client, size):
    add_reviewed_projects(example["call"], size)
    client.force_login(example["funder"])

    with count_queries(8):
        response = client.get(reverse("projects:call_calibration", args=[example["call"].pk]))

    assert response.status_code == 200


# --- Figures as the pages write them -------------------------------------------------------


def test_call_dashboard_writes_each_figure_rounded_once_and_defines_it(example, client):
    draft = ProjectFactory(call=example["call"], submitted=True, title="D")
    AssessmentFactory(project=draft, self_assessment=True, scores={"K1": 2, "K2": None})
    client.force_login(example["funder"])

    response = client.get(reverse("projects:call_dashboard", args=[example["call"].pk]))

    content = response.content.decode()
    row_b = content[content.index(f'data-project="{example["b"].pk}"') :]
    assert '<td class="text-end" data-mean>58,33</td>' in row_b  # 175/3, never 58,34
    assert '<td class="text-end" data-std-dev>11,79</td>' in row_b  # sample, n − 1
    row_d = content[content.index(f'data-project="{draft.pk}"') :]
    assert "brouillon (2/3 critères)" in row_d
    assert "<em>Non évalués</em>" in row_d  # no review: the gate has nothing to stand on
    assert "écart type d'échantillon (divisé par n − 1)" in content
    assert "au moins 20 points entre la note la plus haute et la plus basse" in content


def test_call_manage_and_holder_list_show_a_draft_self_assessment_as_a_draft(example, client):
    project = ProjectFactory(call=example["call"], submitted=True)
    AssessmentFactory(project=project, self_assessment=True, scores={"K1": 2})
    client.force_login(example["funder"])

    manage = client.get(reverse("projects:call_manage", args=[example["call"].pk]))
    client.force_login(project.owner)
    mine = client.get(reverse("projects:project_list"))

    assert "brouillon (1/3 critères)" in manage.content.decode()
    assert "brouillon (1/3 critères)" in mine.content.decode()
    assert "87,50 / 100" in manage.content.decode()  # A's submitted self-assessment


def test_territory_dashboard_keeps_grid_versions_apart(example, client):
    newer = grid_version_import(payload=grid_payload(criteria=3, slug="autre-grille"))
    grid_version_publish(version=newer)
    funder = example["funder"]
    later = CallFactory(
        funder=example["call"].funder,
        grid_version=newer,
        review=True,
        opens_at=example["call"].opens_at + timedelta(days=30),
    )
    project = ProjectFactory(call=later, submitted=True)
    AssessmentFactory(project=project, author=UserFactory(), submitted=True, scores=scores(0, 0, 0))
    client.force_login(funder)
    url = reverse("projects:territory_dashboard")

    latest = client.get(url, {"measure": "mean_total"})
    first = client.get(url, {"version": example["call"].grid_version_id})

    assert latest.context["scope"].version == newer
    assert latest.context["scope"].call_ids == [later.pk]
    assert latest.context["totals"]["submitted"] == 1
    assert first.context["scope"].call_ids == [example["call"].pk]
    assert first.context["totals"]["submitted"] == 2
    assert "ne se comparent pas" in latest.content.decode()
    assert client.get(url, {"version": 999999}).status_code == 404


def test_territory_dashboard_without_any_call_says_so(client):
    client.force_login(user_with_role(Role.FUNDER))

    response = client.get(reverse("projects:territory_dashboard"))

    assert response.status_code == 200
    assert 'id="territory-empty"' in response.content.decode()
    heatmap = client.get(reverse("projects:territory_heatmap"))
    assert heatmap.status_code == 200
