"""Figures and criterion heatmap by territory, on the hand-computed `example`
(tests/projects/conftest.py)."""

from decimal import Decimal
from fractions import Fraction

from projects import dashboards
from territories.figures import half_up
from territories.models import Commune
from tests.factories import AssessmentFactory, AssignmentFactory, ProjectFactory
from tests.projects.helpers import scores

D = Decimal


def test_territory_figures_per_region(example):
    call_ids = [example["call"].pk]
    rows = {
        row.code: row for row in dashboards.territory_figures(call_ids=call_ids, level="region")
    }

    hdf, idf = rows["32"], rows["11"]
    assert (hdf.submitted, hdf.assessed, hdf.decided, hdf.selected) == (1, 1, 1, 1)
    assert half_up(hdf.mean_total, 2) == D("61.11")
    assert hdf.success_rate == 1
    assert hdf.per_100k == Fraction(100_000, hdf.population)
    assert (idf.submitted, idf.assessed, idf.selected) == (1, 1, 0)
    # B's reviews 50 and 66.67: 58.33, the exact mean rounded once (never 58.34).
    assert half_up(idf.mean_total, 2) == D("58.33")
    assert idf.success_rate is None
    assert sum(row.submitted for row in rows.values()) == 2


def test_territory_mean_total_counts_each_project_once(example):
    # A second Somme project with one review at 0: the Hauts-de-France mean is the mean of
    # the two projects' means, (61.11 + 0) / 2, not the mean of the four reviews.
    other = ProjectFactory(
        call=example["call"], submitted=True, commune=Commune.objects.get(code="80021")
    )
    reviewer = example["reviewers"][0]
    AssignmentFactory(project=other, reviewer=reviewer)
    AssessmentFactory(project=other, author=reviewer, submitted=True, scores=scores(0, 0, 0))

    rows = dashboards.territory_figures(call_ids=[example["call"].pk], level="region")

    (hdf,) = [row for row in rows if row.code == "32"]
    assert (hdf.submitted, hdf.assessed, hdf.scored_projects) == (2, 2, 2)
    assert half_up(hdf.mean_total, 2) == D("30.56")  # 550/9 / 2 = 30.555…


def test_territory_totals_equal_the_projects_table(example):
    ProjectFactory(call=example["call"], submitted=True)  # Amiens again, no review
    ProjectFactory(call=example["call"])  # a draft: never counted
    ranking = dashboards.call_ranking(call=example["call"])
    call_ids = [example["call"].pk]

    for level in ("region", "departement"):
        figures = dashboards.territory_figures(call_ids=call_ids, level=level)
        assert sum(row.submitted for row in figures) == ranking.count == 3


def test_territory_heatmap_is_the_mean_normalised_score(example):
    cells = dashboards.territory_criterion_heatmap(
        call_ids=[example["call"].pk],
        version_id=example["call"].grid_version_id,
        level="departement",
    )

    # Somme: K1 (2, 1, 0)/2 → 50 %; K3 (2, 2)/2 → 100 %. Paris: K2 (2, 2) → 100 %.
    assert cells[("80", "K1")] == Fraction(1, 2)
    assert cells[("80", "K3")] == 1
    assert cells[("75", "K2")] == 1
    assert cells[("75", "K1")] == Fraction(1, 4)


def test_heatmap_leaves_out_a_criterion_only_ever_marked_not_applicable(example):
    lyon = ProjectFactory(
        call=example["call"], submitted=True, commune=Commune.objects.get(code="69123")
    )
    reviewer = example["reviewers"][0]
    AssignmentFactory(project=lyon, reviewer=reviewer)
    AssessmentFactory(project=lyon, author=reviewer, submitted=True, scores=scores(1, 2, None))

    cells = dashboards.territory_criterion_heatmap(
        call_ids=[example["call"].pk], version_id=example["call"].grid_version_id, level="region"
    )

    assert {key: value for key, value in cells.items() if key[0] == "84"} == {
        ("84", "K1"): Fraction(1, 2),
        ("84", "K2"): 1,
    }
