"""Reviewer effects (additive model with shrinkage), rank intervals and the grey zone."""

import numpy as np
import pytest

from projects.agreement import grey_zone, rank_intervals, reviewer_effects


def _simulated(seed=5, projects=150, reviewers=30, per_project=4, noise=5.0):
    rng = np.random.default_rng(seed)
    quality = rng.normal(60, 10, size=projects)
    offsets = rng.normal(0, 6, size=reviewers)
    offsets -= offsets.mean()
    project = np.repeat(np.arange(projects), per_project)
    reviewer = np.concatenate(
        [rng.choice(reviewers, size=per_project, replace=False) for _ in range(projects)]
    )
    value = quality[project] + offsets[reviewer] + rng.normal(0, noise, size=len(project))
    return project, reviewer, value, quality, offsets


def test_reviewer_effects_recover_simulated_offsets_and_noise():
    project, reviewer, value, _quality, offsets = _simulated()

    effects = reviewer_effects(project, reviewer, value)

    assert np.corrcoef(effects.offsets, offsets)[0, 1] > 0.9
    assert effects.noise_sd == pytest.approx(5.0, rel=0.15)
    assert effects.offset_spread == pytest.approx(offsets.std(), rel=0.35)
    assert (effects.offset_sd > 0).all()


def test_reviewer_effects_correct_the_ranking_towards_the_truth():
    project, reviewer, value, quality, _offsets = _simulated(noise=3.0)
    raw = np.bincount(project, weights=value) / np.bincount(project)

    effects = reviewer_effects(project, reviewer, value)

    def error(estimate):
        return np.abs((estimate - estimate.mean()) - (quality - quality.mean())).mean()

    assert error(effects.corrected) < error(raw)


def test_reviewer_effects_shrink_a_reviewer_with_few_reviews_more():
    # Reviewers 0 and 1 are both 10 points severe; 0 reviews 30 projects, 1 only 3.
    rng = np.random.default_rng(1)
    rows = []
    for p in range(40):
        quality = rng.normal(60, 8)
        panel = [2 + (p % 6), 8 + (p % 5)]
        if p < 30:
            panel.append(0)
        if p < 3:
            panel.append(1)
        for r in panel:
            severity = -10.0 if r in (0, 1) else 0.0
            rows.append((p, r, quality + severity + rng.normal(0, 2)))
    project, reviewer, value = (np.array(column) for column in zip(*rows, strict=True))

    effects = reviewer_effects(project, reviewer, value)

    assert effects.offsets[0] < effects.offsets[1] < 0
    assert effects.offset_sd[0] < effects.offset_sd[1]
    assert effects.reviews[0] == 30 and effects.reviews[1] == 3


def test_reviewer_effects_without_shared_projects_leave_scores_unchanged():
    effects = reviewer_effects([1, 2, 3], ["a", "b", "c"], [50.0, 60.0, 70.0])

    assert list(effects.corrected) == [50.0, 60.0, 70.0]
    assert list(effects.offsets) == [0.0, 0.0, 0.0]


def test_rank_intervals_contain_the_rank_and_widen_with_uncertainty():
    means = np.array([90.0, 80.0, 79.0, 78.0, 50.0])

    ranks, low, high = rank_intervals(means, np.array([1.0, 3.0, 3.0, 3.0, 1.0]), seed=2)

    assert list(ranks) == [1, 2, 3, 4, 5]
    assert (low <= ranks).all() and (ranks <= high).all()
    assert (low[0], high[0]) == (1, 1)
    assert (low[4], high[4]) == (5, 5)
    assert low[1] == 2 and high[1] == 4


def test_rank_intervals_of_exact_means_are_the_ranks():
    ranks, low, high = rank_intervals([3.0, 1.0, 2.0], [0.0, 0.0, 0.0])

    assert list(ranks) == [1, 3, 2]
    assert list(low) == list(ranks) and list(high) == list(ranks)


def test_grey_zone_is_the_intervals_crossing_the_line():
    low = np.array([1, 1, 2, 3, 5])
    high = np.array([1, 3, 4, 4, 5])

    assert list(grey_zone(low, high, 2)) == [False, True, True, False, False]
    assert list(grey_zone(low, high, 4)) == [False, False, False, False, False]
