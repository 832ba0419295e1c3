import pytest
from django.core.management import CommandError, call_command

from demo import bench
from demo.bench import bench_payload
from demo.bench.measure import GROUPS
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
        "call_dashboard_sorted",
        "call_dashboard_filtered",
        "call_dashboard_search",
        "call_dashboard_last_page",
        "call_dashboard_middle_page",
        "call_calibration",
        "call_committee",
        "sql_ranking_first",
        "sql_ranking_sorted",
        "sql_ranking_filtered",
        "sql_ranking_last",
        "sql_progress",
        "sql_refresh_summary",
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


def test_bench_check_sum_follows_the_shared_data_shape_for_any_size():
    assert bench.bench_expected_sum() == bench.EXPECTED_SUM
    assert bench.bench_expected_sum(1) == 278  # the first 100 draws of random.Random(20260)


@pytest.mark.django_db
def test_bench_with_thresholds_measures_one_group():
    call, total = bench.bench_seed(project_count=3, thresholds=True)

    results = bench.bench_measure(call=call, requests=1, warmup=0, only=["dashboard"])

    assert total == bench.bench_expected_sum(3)
    assert call.grid_version.criteria.filter(threshold=bench.THRESHOLD).count() == bench.CORE
    assert set(results) == set(GROUPS["dashboard"])
    assert {figures["queries"] for figures in results.values()} == {9}
