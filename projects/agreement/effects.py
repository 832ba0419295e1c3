"""Reviewer effects with shrinkage, rank intervals and the grey zone around a funding line."""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ReviewerEffects:
    """The additive model score = μ + project effect + reviewer offset + noise, with the
    reviewers' offsets as random effects (shrunk towards 0) and the projects' as fixed
    effects. Arrays are indexed by the dense project and reviewer codes given."""

    corrected: np.ndarray  # per project: mean of (score − reviewer offset)
    offsets: np.ndarray  # per reviewer: the offset's posterior mean (BLUP)
    offset_sd: np.ndarray  # per reviewer: its posterior standard deviation
    reviews: np.ndarray  # per reviewer: reviews on projects with at least two reviews
    noise_sd: float  # σ_e: the residual standard deviation of one score
    offset_spread: float  # σ_b: the standard deviation of reviewers' offsets


def reviewer_effects(project, reviewer, value, *, iterations: int = 100) -> ReviewerEffects:
    """Fit the additive model by restricted maximum likelihood (EM on the variance
    components), the projects' effects profiled out.

    Given the variances, each offset is its best linear unbiased prediction: the system
    (A + λI) b = r with λ = σ_e² / σ_b², A the reviewers' information (per project, the
    centring matrix I − J/m_p over its reviewers) and r the reviewers' deviations from the
    projects' means; so a reviewer with three shared reviews is pulled to 0 more than one with
    thirty. A project scored once tells nothing of its reviewer and adds nothing to A."""
    project = np.asarray(project)
    reviewer = np.asarray(reviewer)
    value = np.asarray(value, dtype=np.float64)
    _p, project = np.unique(project, return_inverse=True)
    _r, reviewer = np.unique(reviewer, return_inverse=True)
    projects, reviewers = len(_p), len(_r)
    sizes = np.bincount(project, minlength=projects).astype(float)
    means = np.bincount(project, weights=value, minlength=projects) / sizes
    shared = sizes[project] >= 2
    # A = diag(n_r) − Zᵀ diag(1/m_p) Z over projects with at least two reviews.
    incidence = np.zeros((projects, reviewers))
    np.add.at(incidence, (project[shared], reviewer[shared]), 1.0)
    counts = incidence.sum(axis=0)
    scaled = incidence / np.where(sizes >= 2, sizes, np.inf)[:, None]
    information = np.diag(counts) - incidence.T @ scaled
    deviations = np.bincount(
        reviewer[shared], weights=(value - means[project])[shared], minlength=reviewers
    )
    eigenvalues, vectors = np.linalg.eigh(information)
    eigenvalues = np.clip(eigenvalues, 0.0, None)
    projected = vectors.T @ deviations
    # Degrees of freedom of the residual: the shared reviews less one mean per project.
    residual_df = float(shared.sum() - (sizes >= 2).sum())
    total_ss = float(((value - means[project])[shared] ** 2).sum())
    noise = total_ss / residual_df if residual_df > 0 else 0.0
    spread = noise
    offsets = np.zeros(reviewers)
    posterior = np.zeros(reviewers)
    if residual_df > 0 and noise > 0 and reviewers > 1:
        for _ in range(iterations):
            ratio = noise / spread if spread > 0 else np.inf
            if not np.isfinite(ratio):
                offsets = np.zeros(reviewers)
                break
            inverse = 1.0 / (eigenvalues + ratio)
            offsets = vectors @ (inverse * projected)
            trace = float(inverse.sum())  # tr((A + λI)⁻¹)
            fitted_trace = float((eigenvalues * inverse).sum())  # tr(A (A + λI)⁻¹)
            residual = (
                total_ss - 2 * float(offsets @ deviations) + float(offsets @ information @ offsets)
            )
            new_spread = (float(offsets @ offsets) + noise * trace) / reviewers
            new_noise = (residual + noise * fitted_trace) / residual_df
            converged = abs(new_spread - spread) < 1e-10 * max(spread, 1e-12) and abs(
                new_noise - noise
            ) < 1e-10 * max(noise, 1e-12)
            spread, noise = max(new_spread, 1e-12 * new_noise), new_noise
            if converged:
                break
        ratio = noise / spread
        inverse = 1.0 / (eigenvalues + ratio)
        offsets = vectors @ (inverse * projected)
        posterior = np.sqrt(noise * ((vectors**2) @ inverse))
    corrected = np.bincount(project, weights=value - offsets[reviewer], minlength=projects) / sizes
    return ReviewerEffects(
        corrected=corrected,
        offsets=offsets,
        offset_sd=posterior,
        reviews=counts.astype(int),
        noise_sd=float(np.sqrt(max(noise, 0.0))),
        offset_spread=float(np.sqrt(max(spread, 0.0))) if reviewers > 1 else 0.0,
    )


def rank_intervals(
    means, standard_errors, *, samples: int = 1000, seed: int = 0, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each project's rank (1 = highest mean, ties broken by order) and its interval: the
    ranks of draws of every mean from a normal of its standard error (the posterior of the
    project's mean score under a flat prior), the central `level` share. Seeded."""
    means = np.asarray(means, dtype=np.float64)
    errors = np.asarray(standard_errors, dtype=np.float64)
    count = len(means)
    order = np.argsort(-means, kind="stable")
    ranks = np.empty(count, dtype=np.int64)
    ranks[order] = np.arange(1, count + 1)
    if not count:
        return ranks, ranks.copy(), ranks.copy()
    rng = np.random.default_rng(seed)
    draws = means + rng.standard_normal((samples, count)) * errors
    drawn = np.empty((samples, count), dtype=np.int64)
    np.put_along_axis(
        drawn, np.argsort(-draws, axis=1), np.arange(1, count + 1)[None, :].repeat(samples, 0), 1
    )
    tail = (1.0 - level) / 2.0 * 100.0
    low = np.floor(np.percentile(drawn, tail, axis=0)).astype(np.int64)
    high = np.ceil(np.percentile(drawn, 100.0 - tail, axis=0)).astype(np.int64)
    return ranks, np.minimum(low, ranks), np.maximum(high, ranks)


def grey_zone(low, high, line: int) -> np.ndarray:
    """Which projects' rank intervals cross the funding line (the first `line` ranks are
    funded): those that could rank inside as well as outside it."""
    return (np.asarray(low) <= line) & (np.asarray(high) > line)
