"""Simulation-based calibration (Talts et al. 2018) of every Gibbs sampler.

For each replication: draw the parameters from the prior, data from the model, run the
sampler, and record the rank of each true parameter among L thinned posterior draws.
If the sampler targets the posterior, each rank is uniform on {0, …, L}; a chi-square
test on 10 equal bins checks that at a fixed seed (p > 0.001 for every statistic). The
noise gets a proper prior (InvGamma(3, 2) on σ², or HalfNormal on σ through the
Metropolis-Hastings step) so that it can be drawn; the intercept is left out (its flat
prior cannot be drawn from).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from scipy import stats

from bayesreg.posterior.gibbs import GibbsPrior, NoisePrior, gibbs_sample

REPLICATIONS = 200
KEPT = 49  # L: ranks lie in {0, ..., 49}, 5 per bin
THIN = 3
INVERSE_GAMMA = NoisePrior.inverse_gamma(3.0, 2.0)
HALF_NORMAL_SCALE = 0.5


@dataclass(frozen=True)
class Case:
    prior: GibbsPrior
    noise: float | None  # fixed σ, or None: drawn from noise_prior
    n: int
    p: int
    noise_prior: NoisePrior = INVERSE_GAMMA

    def draw_noise(self, rng: np.random.Generator) -> float:
        if self.noise is not None:
            return self.noise
        if self.noise_prior.curvature > 0.0:
            return float(HALF_NORMAL_SCALE * abs(rng.standard_normal()))
        return float(np.sqrt(self.noise_prior.scale / rng.gamma(self.noise_prior.shape)))


def _draw_coef(case: Case, noise: float, l1: float, rng: np.random.Generator) -> np.ndarray:
    """w_j from p(w | σ) ∝ exp(−l1|w|/s − l2 w²/(2s²)), s = σ if scaled else 1."""
    s = noise if case.prior.scaled_by_noise else 1.0
    l2 = case.prior.l2
    if l2 == 0.0:
        return rng.laplace(0.0, s / l1, size=case.p)
    if l1 == 0.0:
        return rng.normal(0.0, s / np.sqrt(l2), size=case.p)
    # |w|/s ~ N(−l1/l2, 1/l2) truncated to [0, ∞), random sign
    sd = 1.0 / np.sqrt(l2)
    magnitude = stats.truncnorm.rvs(
        l1 * sd, np.inf, loc=-l1 / l2, scale=sd, size=case.p, random_state=rng
    )
    return s * rng.choice([-1.0, 1.0], size=case.p) * magnitude


def _ranks(case: Case, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((case.n, case.p))
    ranks: dict[str, list[int]] = {}

    def record(name: str, truth: float, draws: np.ndarray) -> None:
        ranks.setdefault(name, []).append(int(np.sum(draws < truth)))

    for _ in range(REPLICATIONS):
        noise = case.draw_noise(rng)
        hyper = case.prior.l1_hyperprior
        l1 = float(np.sqrt(rng.gamma(hyper[0]) / hyper[1])) if hyper else case.prior.l1
        coef = _draw_coef(case, noise, l1, rng)
        y = X @ coef + noise * rng.standard_normal(case.n)
        run = gibbs_sample(
            X,
            y,
            case.prior,
            noise=case.noise,
            noise_prior=case.noise_prior,
            fit_intercept=False,
            draws=KEPT * THIN,
            tune=100,
            chains=1,
            random_seed=int(rng.integers(2**32)),
            progressbar=False,
        )
        kept = slice(THIN - 1, None, THIN)
        record("w_first", coef[0], run.coef[0, kept, 0])
        record("w_last", coef[-1], run.coef[0, kept, -1])
        # the L1 norm responds to the amount of shrinkage, the prior's signature
        record("l1_norm", np.abs(coef).sum(), np.abs(run.coef[0, kept]).sum(axis=-1))
        if run.noise is not None:
            record("noise", noise, run.noise[0, kept])
        if run.lam is not None:
            record("lam", l1, run.lam[0, kept])
    return {name: np.array(values) for name, values in ranks.items()}


def _uniformity_pvalue(ranks: np.ndarray) -> float:
    counts = np.bincount(ranks // ((KEPT + 1) // 10), minlength=10)
    return float(stats.chisquare(counts).pvalue)


# Priors strong enough that the posterior is not data-dominated (so a wrong prior shows).
CASES: dict[str, Callable[[], Case]] = {
    "gaussian, free noise": lambda: Case(GibbsPrior.gaussian(0.5), None, 8, 3),
    "laplace, fixed noise": lambda: Case(GibbsPrior.laplace(0.25), 1.0, 8, 3),
    "laplace, free noise, p > n": lambda: Case(GibbsPrior.laplace(0.25), None, 5, 8),
    "laplace, half-normal noise": lambda: Case(
        GibbsPrior.laplace(0.25), None, 4, 2, NoisePrior.half_normal(HALF_NORMAL_SCALE)
    ),
    "elastic net, free noise": lambda: Case(GibbsPrior(l1=4.0, l2=3.0), None, 8, 3),
    "bayesian lasso, fixed λ": lambda: Case(GibbsPrior.bayesian_lasso(4.0), None, 8, 3),
    "bayesian lasso, fixed λ, p > n": lambda: Case(GibbsPrior.bayesian_lasso(4.0), None, 5, 8),
    "bayesian lasso, λ² ~ Gamma": lambda: Case(
        GibbsPrior.bayesian_lasso(hyperprior=(8.0, 1.0)), None, 8, 3
    ),
    "scaled elastic net, free noise": lambda: Case(
        GibbsPrior(l1=3.0, l2=4.0, scaled_by_noise=True), None, 8, 3
    ),
    "bayesian lasso, half-normal noise, p > n": lambda: Case(
        GibbsPrior.bayesian_lasso(4.0), None, 3, 6, NoisePrior.half_normal(HALF_NORMAL_SCALE)
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_ranks_of_the_truth_are_uniform(name: str) -> None:
    ranks = _ranks(CASES[name](), seed=7)
    for statistic, values in ranks.items():
        assert values.shape == (REPLICATIONS,)
        pvalue = _uniformity_pvalue(values)
        assert pvalue > 1e-3, f"{name}: ranks of {statistic} are not uniform (p = {pvalue:.2g})"
