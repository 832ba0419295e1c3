"""Figures and criterion heatmap by territory, on the hand-computed `example`
(tests/projects/conftest.py)."""

from decimal import Decimal

from projects import dashboards
from territories.models import Commune
from tests.factories import AssessmentFactory, AssignmentFactory, ProjectFactory
from tests.projects.helpers import scores

D = Decimal


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
