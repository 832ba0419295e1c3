"""Dashboard aggregates against a hand-computed example.

The small grid: K1 core (weight 2, threshold 1), K2 and K3 complementary (weight 1), scale 0–2.

Project A (Amiens, Somme, Hauts-de-France), selected:
- R1 submitted 2, 1, N/A → 100 × (2×1 + 1×0.5) / 3 = 83.33
- R2 submitted 1, 0, 2   → 100 × (2×0.5 + 0 + 1) / 4 = 50.00
- R3 submitted 0, 2, 2   → 100 × (0 + 1 + 1) / 4 = 50.00
- R4 draft 2, 2, 2 (not counted); R5 submitted 0, 0, 0 but in conflict (not counted)
- self-assessment 2, 2, 1 → 87.50
  mean 61.11, median 50.00, min 50.00, max 83.33, population std dev 15.71 (≥ 15: flagged);
  K1 mean 1 ≥ threshold 1: core gate passed.
Project B (Paris): R1 0, 2, 2 → 50.00; R2 1, 2, N/A → 66.67
  mean and median (50 + 66.67) / 2 = 58.335 → 58.34; std dev 8.335 → 8.34;
  K1 mean 0.5 < 1: core gate failed.
Project W (Amiens) withdrawn, with a submitted review of 100: never counted.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from grid.models import Criterion
from grid.services import grid_version_import, grid_version_publish
from projects import dashboards
from projects.models import Assessment, Decision
from territories.models import Commune
from tests.factories import (
    AssessmentFactory,
    AssignmentFactory,
    CallFactory,
    ProjectFactory,
    UserFactory,
    grid_payload,
    user_with_role,
)
from tests.queries import count_queries

D = Decimal


def small_version():
    version = grid_version_import(payload=grid_payload(criteria=3, slug="tableaux"))
    Criterion.objects.filter(version=version, code="K1").update(threshold=1)
    grid_version_publish(version=version)
    return version


def scores(k1, k2, k3):
    return {"K1": k1, "K2": k2, "K3": k3}


@pytest.fixture
def example(db):
    version = small_version()
    funder = user_with_role(Role.FUNDER)
    organisation = funder.memberships.get().organisation
    call = CallFactory(funder=organisation, grid_version=version, review=True)
    amiens = Commune.objects.get(code="80021")
    paris = Commune.objects.get(code="75056")
    a = ProjectFactory(call=call, submitted=True, commune=amiens, title="A")
    b = ProjectFactory(call=call, submitted=True, commune=paris, title="B")
    w = ProjectFactory(call=call, submitted=True, commune=amiens, title="W", status="withdrawn")
    r1, r2, r3, r4, r5 = (UserFactory(full_name=f"R{n}") for n in range(1, 6))
    for reviewer in (r1, r2, r3, r4):
        AssignmentFactory(project=a, reviewer=reviewer)
    AssignmentFactory(project=a, reviewer=r5, conflict=True)
    AssignmentFactory(project=b, reviewer=r1)
    AssignmentFactory(project=b, reviewer=r2)
    AssessmentFactory(project=a, author=r1, submitted=True, scores=scores(2, 1, None))
    AssessmentFactory(project=a, author=r2, submitted=True, scores=scores(1, 0, 2))
    AssessmentFactory(project=a, author=r3, submitted=True, scores=scores(0, 2, 2))
    AssessmentFactory(project=a, author=r4, scores=scores(2, 2, 2))
    AssessmentFactory(project=a, author=r5, submitted=True, scores=scores(0, 0, 0))
    AssessmentFactory(project=a, self_assessment=True, submitted=True, scores=scores(2, 2, 1))
    AssessmentFactory(project=b, author=r1, submitted=True, scores=scores(0, 2, 2))
    AssessmentFactory(project=b, author=r2, submitted=True, scores=scores(1, 2, None))
    AssessmentFactory(project=w, author=r1, submitted=True, scores=scores(2, 2, 2))
    Decision.objects.create(project=a, outcome="selected", decided_by=funder)
    return {"call": call, "funder": funder, "a": a, "b": b, "w": w, "reviewers": [r1, r2, r3, r4]}


def by_title(page):
    return {row.title: row for row in page.rows}


def test_call_ranking_matches_the_hand_computed_example(example):
    page = dashboards.call_ranking(call=example["call"])

    assert [row.title for row in page.rows] == ["A", "B"]  # W is withdrawn
    assert page.count == 2
    a, b = page.rows
    assert (a.reviews, a.assigned) == (3, 4)
    assert (a.mean, a.median, a.minimum, a.maximum) == (D("61.11"), D("50.00"), D("50"), D("83.33"))
    assert a.std_dev == D("15.71")
    assert a.disagreement is True
    assert a.gate_passed is True
    assert a.self_total == D("87.50")
    assert a.outcome == "selected"
    assert a.coverage == D("88.9")  # (0.667 + 1 + 1) / 3
    assert (b.reviews, b.assigned) == (2, 2)
    assert (b.mean, b.median, b.std_dev) == (D("58.34"), D("58.34"), D("8.34"))
    assert b.disagreement is False
    assert b.gate_passed is False
    assert b.self_total is None
    assert b.outcome is None


@pytest.mark.parametrize(
    ("order", "descending", "expected"),
    [
        ("mean", True, ["A", "B"]),
        ("mean", False, ["B", "A"]),
        ("median", True, ["B", "A"]),
        ("std_dev", True, ["A", "B"]),
        ("self", True, ["A", "B"]),  # no self-assessment: last whichever the direction
        ("self", False, ["A", "B"]),
        ("title", False, ["A", "B"]),
        ("territory", False, ["B", "A"]),  # Paris (75) before the Somme (80)
    ],
)
def test_call_ranking_sorts_in_sql(example, order, descending, expected):
    page = dashboards.call_ranking(call=example["call"], order=order, descending=descending)

    assert [row.title for row in page.rows] == expected


def test_call_ranking_filters_by_territory_status_and_decision(example):
    call = example["call"]

    assert [r.title for r in dashboards.call_ranking(call=call, territory="32").rows] == ["A"]
    assert [r.title for r in dashboards.call_ranking(call=call, territory="75").rows] == ["B"]
    assert [r.title for r in dashboards.call_ranking(call=call, outcome="none").rows] == ["B"]
    assert [r.title for r in dashboards.call_ranking(call=call, outcome="selected").rows] == ["A"]
    assert dashboards.call_ranking(call=call, status="selected").rows == []


def test_call_ranking_paginates(example):
    page = dashboards.call_ranking(call=example["call"], page=2, page_size=1)

    assert [row.title for row in page.rows] == ["B"]
    assert (page.count, page.page, page.pages) == (2, 2, 2)


def test_call_progress_counts_standing_assignments_only(example):
    progress = dashboards.call_progress(call=example["call"])

    assert (progress["done"], progress["expected"], progress["percent"]) == (5, 6, 83)
    per_reviewer = {
        row["full_name"]: (row["done"], row["expected"]) for row in progress["reviewers"]
    }
    assert per_reviewer == {"R1": (2, 2), "R2": (2, 2), "R3": (1, 1), "R4": (0, 1)}


def test_project_criteria_mean_median_self_and_gap(example):
    rows = dashboards.project_criteria(project=example["a"])

    assert [(r.code, r.reviews, r.mean, r.median, r.self_value, r.gap) for r in rows] == [
        ("K1", 3, D("1.00"), D("1.00"), 2, D("50.0")),
        ("K2", 3, D("1.00"), D("1.00"), 2, D("50.0")),
        ("K3", 2, D("2.00"), D("2.00"), 1, D("-50.0")),
    ]


def test_project_reviewer_scores_leave_out_drafts_and_conflicts(example):
    reviewers = dashboards.project_reviewer_scores(project=example["a"])["reviewers"]

    assert [(r["name"], r["total"]) for r in reviewers] == [
        ("R1", D("83.33")),
        ("R2", D("50.00")),
        ("R3", D("50.00")),
    ]


def test_territory_figures_per_region(example):
    rows = {row.code: row for row in dashboards.territory_figures(call_ids=None, level="region")}

    hdf, idf = rows["32"], rows["11"]
    assert (hdf.submitted, hdf.selected, hdf.decided, hdf.reviews) == (1, 1, 1, 3)
    assert hdf.mean_total == D("61.11")
    assert hdf.success_rate == D("100.0")
    assert hdf.per_100k == (D(100_000) / hdf.population).quantize(D("0.01"))
    assert (idf.submitted, idf.selected, idf.reviews, idf.mean_total) == (1, 0, 2, D("58.34"))
    assert idf.success_rate is None
    assert sum(row.submitted for row in rows.values()) == 2


def test_territory_totals_equal_the_projects_table(example):
    ProjectFactory(call=example["call"], submitted=True)  # Amiens again, no review
    ProjectFactory(call=example["call"])  # a draft: never counted
    ranking = dashboards.call_ranking(call=example["call"])
    call_ids = [example["call"].pk]

    for level in ("region", "departement"):
        figures = dashboards.territory_figures(call_ids=call_ids, level=level)
        assert sum(row.submitted for row in figures) == ranking.count == 3


def test_territory_heatmap_is_the_mean_normalised_score(example):
    heatmap = dashboards.territory_criterion_heatmap(call_ids=None, level="departement")

    assert heatmap["criteria"] == ["K1", "K2", "K3"]
    # Somme: K1 (2, 1, 0)/2 → 50 %; K3 (2, 2)/2 → 100 %. Paris: K2 (2, 2) → 100 %.
    assert heatmap["cells"][("80", "K1")] == D("50")
    assert heatmap["cells"][("80", "K3")] == D("100")
    assert heatmap["cells"][("75", "K2")] == D("100")
    assert heatmap["cells"][("75", "K1")] == D("25")


def test_a_funder_never_sees_another_funders_call(example, client):
    other_call = CallFactory(grid_version=example["call"].grid_version)
    other = ProjectFactory(call=other_call, submitted=True)
    AssessmentFactory(project=other, author=UserFactory(), submitted=True, scores=scores(2, 2, 2))
    funder = example["funder"]

    call_ids = dashboards.visible_call_ids(user=funder)
    assert call_ids == [example["call"].pk]
    rows = {
        row.code: row for row in dashboards.territory_figures(call_ids=call_ids, level="region")
    }
    assert (rows["32"].submitted, rows["32"].reviews) == (1, 3)
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
    assert own.context["heat_rows"][0]["cells"] == [D("50"), D("50"), D("100")]
    response = client.get(url)
    assert response.context["totals"]["submitted"] == 2
    # Administrators see every call.
    assert dashboards.visible_call_ids(user=UserFactory(administrator=True)) is None


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


@pytest.mark.parametrize("order", sorted(dashboards.RANKING_ORDER))
@pytest.mark.parametrize("descending", [True, False])
def test_every_sort_key_runs_and_keeps_every_row(example, order, descending):
    page = dashboards.call_ranking(call=example["call"], order=order, descending=descending)

    assert sorted(row.title for row in page.rows) == ["A", "B"]


def test_territory_heatmap_block_for_htmx_and_as_a_page(example, client):
    client.force_login(example["funder"])
    url = reverse("projects:territory_heatmap")

    partial = client.get(url, {"region": "32"}, headers={"HX-Request": "true"})
    page = client.get(url)

    assert [row["name"] for row in partial.context["heat_rows"]] == ["Somme"]
    assert partial.context["heat_rows"][0]["cells"] == [D("50"), D("50"), D("100")]
    assert b"<html" not in partial.content
    assert [row["name"] for row in page.context["heat_rows"]] == [
        "Île-de-France",
        "Hauts-de-France",
    ]


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
    "territory_dashboard": 8,
    "territory_heatmap": 8,
    "project_analysis": 7,
}


@pytest.mark.parametrize("size", [1, 3])
@pytest.mark.parametrize("name", sorted(DASHBOARD_QUERIES))
def test_dashboard_query_count_does_not_grow(example, client, name, size):
    project = add_reviewed_projects(example["call"], size)
    client.force_login(example["funder"])
    url, params = {
        "call_dashboard": (reverse("projects:call_dashboard", args=[example["call"].pk]), {}),
        "territory_dashboard": (reverse("projects:territory_dashboard"), {"region": "32"}),
        "territory_heatmap": (reverse("projects:territory_heatmap"), {}),
        "project_analysis": (reverse("projects:project_analysis", args=[project.pk]), {}),
    }[name]

    with count_queries(DASHBOARD_QUERIES[name]):
        response = client.get(url, params)

    assert response.status_code == 200


def test_reviewer_calibration_bias_against_the_projects_means(example):
    # Means: A 61.11 (exact 6111 hundredths), B 58.335.
    # R1: (83.33 − 61.11 + 50 − 58.335) / 2 = 6.9425; R2: (50 − 61.11 + 66.67 − 58.335) / 2
    # = −1.3875; R3: 50 − 61.11 = −11.11 (an outlier: |bias| ≥ 10).
    rows = {row.name: row for row in dashboards.reviewer_calibration(call=example["call"])}

    assert sorted(rows) == ["R1", "R2", "R3"]  # R4's draft and R5's conflict do not count
    assert (rows["R1"].reviews, rows["R1"].mean_total, rows["R1"].bias) == (
        2,
        D("66.67"),
        D("6.94"),
    )
    assert (rows["R2"].reviews, rows["R2"].mean_total, rows["R2"].bias) == (
        2,
        D("58.34"),
        D("-1.39"),
    )
    assert (rows["R3"].bias, rows["R3"].outlier, rows["R1"].outlier) == (D("-11.11"), True, False)


def test_criterion_distribution_counts_levels_and_not_applicable(example):
    rows = dashboards.criterion_distribution(call=example["call"])

    # Valid reviews: A by R1–R3, B by R1–R2.
    assert [(r["criterion"].code, r["counts"], r["not_applicable"]) for r in rows] == [
        ("K1", [2, 2, 1], 0),
        ("K2", [1, 1, 3], 0),
        ("K3", [0, 0, 3], 2),
    ]


@pytest.mark.parametrize("size", [1, 3])
def test_calibration_query_count_does_not_grow(example, client, size):
    add_reviewed_projects(example["call"], size)
    client.force_login(example["funder"])

    with count_queries(8):
        response = client.get(reverse("projects:call_calibration", args=[example["call"].pk]))

    assert response.status_code == 200


def test_counted_reviews_orm_and_sql_select_the_same_assessments(example):
    from projects.selectors import counted_reviews

    a, b = example["a"], example["b"]
    recused, unassigned, all_na = (UserFactory() for _i in range(3))
    AssignmentFactory(project=b, reviewer=recused, recused=True)
    AssessmentFactory(project=b, author=recused, submitted=True, scores=scores(2, 2, 2))
    # No assignment row left (e.g. pool change): counted.
    AssessmentFactory(project=b, author=unassigned, submitted=True, scores=scores(2, 0, 0))
    AssignmentFactory(project=b, reviewer=all_na)
    # No total: nothing to count.
    AssessmentFactory(project=b, author=all_na, submitted=True, scores=scores(None, None, None))
    valid = dashboards.VALID_REVIEWS.format(projects="p.call_id = %s")
    sql_ids = {
        row["id"]
        for row in dashboards._rows(
            f"SELECT id FROM ({valid}) counted", [example["call"].pk, *dashboards.VALID_PARAMS]
        )
    }

    orm_ids = set(
        counted_reviews().filter(project__call=example["call"]).values_list("pk", flat=True)
    )

    expected = set(
        Assessment.objects.filter(project=a, author__full_name__in=["R1", "R2", "R3"]).values_list(
            "pk", flat=True
        )
    ) | set(
        Assessment.objects.filter(
            project=b, author__in=[*example["reviewers"][:2], unassigned]
        ).values_list("pk", flat=True)
    )
    assert orm_ids == sql_ids == expected


def test_heatmap_leaves_out_a_criterion_only_ever_marked_not_applicable(example):
    lyon = ProjectFactory(
        call=example["call"], submitted=True, commune=Commune.objects.get(code="69123")
    )
    reviewer = example["reviewers"][0]
    AssignmentFactory(project=lyon, reviewer=reviewer)
    AssessmentFactory(project=lyon, author=reviewer, submitted=True, scores=scores(1, 2, None))

    heatmap = dashboards.territory_criterion_heatmap(call_ids=[example["call"].pk], level="region")

    assert {key: value for key, value in heatmap["cells"].items() if key[0] == "84"} == {
        ("84", "K1"): D("50"),
        ("84", "K2"): D("100"),
    }
