"""Simulation-based calibration (Talts et al. 2018) of ``sample_posterior(method="gibbs")``.

For each sampler, M times: draw the coefficients from the prior object (``prior.rvs``),
simulate y from a fixed design X (n = 20, p = 2, no intercept), run the sampler through
the public entry point, keep L = 19 thinned draws, and record the rank of the true value
among them. If the sampler draws from the posterior, every rank is uniform on
{0, …, L}; a chi-square test over 10 equal bins (2 rank values each, M/10 expected per
bin) checks it for each statistic: w_1, w_2, ||w||₁ (which responds to the amount of
shrinkage, the prior's signature) and, when τ is random, the horseshoe's τ.

The noise σ is fixed (its default priors are improper, ``p(σ²) ∝ 1/σ²``, or depend on
the data, ``HalfNormal(s_y)``, so they cannot be drawn before the data).

The claim holds for any seed: a correct sampler fails one statistic with probability
1e-4 (the threshold; up to the chi-square approximation at 30 counts per bin), so the
13 statistics of this file raise a false alarm in at most ~1.3e-3 of runs (union
bound). Power: the negative control runs the same calibration with a sampler told half
the true σ (a posterior too narrow, as a wrong likelihood scale or a dropped prior term
would give) and must be rejected; its p-values are ~1e-16 to 1e-37 at this M, so a miss
is as improbable as a false alarm.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from scipy import stats

from bayesreg.posterior import sample_posterior
from bayesreg.priors import (
    BayesianLassoPrior,
    GaussianPrior,
    HorseshoePrior,
    LaplacePrior,
    Prior,
)

REPLICATIONS = 300  # M
KEPT = 19  # L: ranks in {0, ..., 19}
THIN = 2  # lag-2 draws of these small Gibbs chains are close to independent
TUNE = 25
BINS = 10
THRESHOLD = 1e-4  # false-alarm probability per statistic
N_SAMPLES, N_FEATURES = 20, 2
NOISE = 1.0


@dataclass(frozen=True)
class Case:
    prior: Prior
    likelihood: str = "gaussian"
    told_noise: float = NOISE  # the σ handed to the sampler (Gaussian likelihood)

    def draw(self, rng: np.random.Generator) -> tuple[np.ndarray, float | None]:
        """True coefficients, and τ when the prior's global scale is random."""
        if isinstance(self.prior, BayesianLassoPrior):  # Laplace(0, σ/λ) given σ
            return self.prior.rvs(N_FEATURES, rng, noise=NOISE), None
        if isinstance(self.prior, HorseshoePrior) and self.prior.global_prior != "fixed":
            # the hierarchy spelled out, so that τ is known: τ ~ C⁺(0, s), λ_j ~ C⁺(0, 1)
            tau = self.prior.scale * abs(rng.standard_cauchy())
            local = np.abs(rng.standard_cauchy(N_FEATURES))
            return tau * local * rng.standard_normal(N_FEATURES), tau
        return self.prior.rvs(N_FEATURES, rng), None


def _ranks(case: Case, seed: int) -> dict[str, np.ndarray]:
    """Ranks of the true statistics among L thinned draws, for M replications."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N_SAMPLES, N_FEATURES))
    ranks: dict[str, list[int]] = {}

    def record(name: str, truth: float, draws: np.ndarray) -> None:
        ranks.setdefault(name, []).append(int(np.sum(draws < truth)))

    for _ in range(REPLICATIONS):
        coef, tau = case.draw(rng)
        eta = X @ coef
        if case.likelihood == "gaussian":
            y = eta + NOISE * rng.standard_normal(N_SAMPLES)
            noise: dict[str, float] = {"noise": case.told_noise}
        else:
            y = (rng.random(N_SAMPLES) < 1.0 / (1.0 + np.exp(-eta))).astype(float)
            noise = {}
        tree = sample_posterior(
            X,
            y,
            case.prior,
            likelihood=case.likelihood,
            method="gibbs",
            draws=KEPT * THIN,
            tune=TUNE,
            chains=1,
            random_seed=int(rng.integers(2**32)),
            progressbar=False,
            fit_intercept=False,
            **noise,
        )
        posterior = tree["posterior"]
        draws = posterior["coef"].values[0, THIN - 1 :: THIN]
        assert draws.shape == (KEPT, N_FEATURES)
        record("w_1", coef[0], draws[:, 0])
        record("w_2", coef[1], draws[:, 1])
        record("l1_norm", np.abs(coef).sum(), np.abs(draws).sum(axis=1))
        if tau is not None:
            record("tau", tau, posterior["coef_tau"].values[0, THIN - 1 :: THIN])
    return {name: np.array(values) for name, values in ranks.items()}


def _uniformity_pvalue(ranks: np.ndarray) -> float:
    counts = np.bincount(ranks // ((KEPT + 1) // BINS), minlength=BINS)
    assert counts.sum() == REPLICATIONS
    assert counts.size == BINS
    return float(stats.chisquare(counts).pvalue)


CASES: dict[str, Callable[[], Case]] = {
    "gaussian-bayesian_lasso-fixed_noise": lambda: Case(BayesianLassoPrior(lam=2.0)),
    "gaussian-horseshoe_random_tau-fixed_noise": lambda: Case(
        HorseshoePrior(scale=1.0, global_prior="half_cauchy")
    ),
    "bernoulli-gaussian_prior-polya_gamma": lambda: Case(
        GaussianPrior(scale=1.0), likelihood="bernoulli"
    ),
    "bernoulli-laplace_prior-polya_gamma": lambda: Case(
        LaplacePrior(scale=0.5), likelihood="bernoulli"
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_ranks_of_the_truth_are_uniform(name: str) -> None:
    ranks = _ranks(CASES[name](), seed=2018)
    for statistic, values in ranks.items():
        pvalue = _uniformity_pvalue(values)
        assert pvalue > THRESHOLD, (
            f"{name}: ranks of {statistic} are not uniform (p = {pvalue:.2g}); "
            f"bin counts {np.bincount(values // ((KEPT + 1) // BINS), minlength=BINS).tolist()}"
        )


@pytest.mark.slow
def test_calibration_rejects_a_sampler_with_the_wrong_noise() -> None:
    """Negative control: the Bayesian lasso sampler told σ/2 while the data have σ."""
    wrong = Case(BayesianLassoPrior(lam=2.0), told_noise=0.5 * NOISE)
    ranks = _ranks(wrong, seed=2018)
    pvalues = {statistic: _uniformity_pvalue(values) for statistic, values in ranks.items()}
    assert all(p < THRESHOLD for p in pvalues.values()), pvalues
    # too narrow a posterior: the truth falls outside the draws, in the extreme bins
    extreme = np.mean((ranks["w_1"] == 0) | (ranks["w_1"] == KEPT))
    assert extreme > 2 * 2 / (KEPT + 1)  # ~0.35 against 0.1
