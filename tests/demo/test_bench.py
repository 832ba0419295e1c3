import pytest
from django.core.management import CommandError, call_command

from demo import bench
from demo.bench import bench_payload
from projects.models import Assessment, Score
from tests.factories import CallFactory


@pytest.mark.django_db
def test_bench_refuses_a_database_that_holds_calls():
    CallFactory()

    with pytest.raises(CommandError, match="contient déjà des appels"):
        call_command("bench")


def test_bench_grid_is_twenty_criteria_eight_core_scale_zero_to_five():
    payload = bench_payload()

    kinds = [criterion["kind"] for criterion in payload["criteria"]]
    assert (kinds.count("core"), kinds.count("complementary")) == (8, 12)
    assert (payload["scale"]["min"], payload["scale"]["max"]) == (0, 5)
    assert payload["default_weights"] == {"core": 1, "complementary": 1}


@pytest.mark.django_db
def test_bench_measures_every_page_on_a_small_data_set():
    call, total = bench.bench_seed(project_count=4)
    review_sum = sum(
        Score.objects.filter(assessment__kind="review").values_list("value", flat=True)
    )

    results = bench.bench_measure(call=call, requests=2, warmup=1)

    assert set(results) == {
        "call_dashboard",
        "territory_dashboard",
        "territory_heatmap",
        "project_analysis",
        "call_judgement",
        "scoring_form_get",
        "scoring_form_post",
        "self_assessment_get",
        "self_assessment_post",
    }
    assert all(figures["queries"] > 0 for figures in results.values())
    # The reviewer re-saved their own values: the measured scores are unchanged.
    assert review_sum == total
    assert (
        sum(Score.objects.filter(assessment__kind="review").values_list("value", flat=True))
        == total
    )
    assert Assessment.objects.filter(kind="review").count() == 4 * bench.REVIEWERS


@pytest.mark.django_db
def test_bench_measures_the_exports_memory_on_a_small_data_set():
    call, _total = bench.bench_seed(project_count=4)

    results = bench.bench_export_memory(call=call)

    assert set(results) == {"scores_csv", "scores_xlsx", "ranking_xlsx", "projects_xlsx"}
    assert all(figures["bytes"] > 0 for figures in results.values())
    assert all(0 < figures["peak_mb"] < bench.MEMORY_BUDGET_MB for figures in results.values())
