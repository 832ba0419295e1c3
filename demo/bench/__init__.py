"""The dashboards' benchmark: a fixed standard data set (seed) and the timing of the main pages
on it (measure), run by `manage.py bench`."""

from demo.bench.exports import MEMORY_BUDGET_MB, bench_export_memory
from demo.bench.measure import bench_measure
from demo.bench.seed import (
    CALL_TITLE,
    CORE,
    CRITERIA,
    EXPECTED_SUM,
    PROJECTS,
    REVIEWERS,
    SCORE_SEED,
    SELF_SEED,
    THRESHOLD,
    bench_expected_sum,
    bench_payload,
    bench_score_sum,
    bench_seed,
)

__all__ = [
    "CALL_TITLE",
    "CORE",
    "CRITERIA",
    "EXPECTED_SUM",
    "MEMORY_BUDGET_MB",
    "PROJECTS",
    "REVIEWERS",
    "SCORE_SEED",
    "SELF_SEED",
    "THRESHOLD",
    "bench_expected_sum",
    "bench_export_memory",
    "bench_measure",
    "bench_payload",
    "bench_score_sum",
    "bench_seed",
]
