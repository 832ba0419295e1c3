import pytest
from django.core.management import CommandError, call_command

from projects.management.commands.bench import bench_payload
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
