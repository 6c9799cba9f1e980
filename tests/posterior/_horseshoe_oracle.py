"""Oracles for the horseshoe-family Gibbs samplers: importance sampling from the hierarchy
(one coefficient), Monte Carlo standard errors from the ESS, and the NUTS comparison.

Importance sampling draws (λ, η, τ, c², w) from the prior hierarchy, written here from its
definition (independently of the samplers and of the prior objects' ``rvs``), and weights
each draw by its likelihood: the self-normalized estimate of a posterior mean has the
delta-method standard error ``(Σ_i W_i² (x_i − m)²)^{1/2}``, W the normalized weights.
Every comparison allows ``Z`` standard errors of the difference (both sides' errors), so
it holds for any seed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import arviz_stats as azs
import numpy as np

from bayesreg.priors import HorseshoePlusPrior, RegularizedHorseshoePrior

Z = 5.0
Moments = dict[str, tuple[float, float]]


def hierarchy_draws(prior: Any, size: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """``w`` and ``log_tau`` of one coefficient, ``size`` draws from the prior hierarchy."""
    lam = np.abs(rng.standard_cauchy(size))
    if isinstance(prior, HorseshoePlusPrior):
        lam = lam * np.abs(rng.standard_cauchy(size))  # λ | η ~ C⁺(0, η), η ~ C⁺(0, 1)
    random_tau = prior.global_prior == "half_cauchy"
    tau = prior.scale * (np.abs(rng.standard_cauchy(size)) if random_tau else np.ones(size))
    variance = (lam * tau) ** 2
    if isinstance(prior, RegularizedHorseshoePrior):
        if prior.slab_df is None:
            slab_sq = np.full(size, prior.slab_scale**2)
        else:  # c² ~ IG(ν/2, νs²/2)
            nu = prior.slab_df
            slab_sq = 0.5 * nu * prior.slab_scale**2 / rng.gamma(0.5 * nu, 1.0, size)
        variance = slab_sq * variance / (slab_sq + variance)
    return {"w": np.sqrt(variance) * rng.standard_normal(size), "log_tau": np.log(tau)}


def importance_moments(
    prior: Any,
    log_likelihood: Callable[[np.ndarray], np.ndarray],
    *,
    size: int = 400_000,
    seed: int = 0,
) -> Moments:
    """Posterior means of ``w`` and ``log τ`` with their standard errors, by importance
    sampling from the prior (``log_likelihood`` maps draws of w to log-likelihoods)."""
    draws = hierarchy_draws(prior, size, np.random.default_rng(seed))
    log_weight = log_likelihood(draws["w"])
    weight = np.exp(log_weight - log_weight.max())
    weight /= weight.sum()
    moments: Moments = {}
    for name, values in draws.items():
        mean = float(weight @ values)
        moments[name] = (mean, float(np.sqrt(weight**2 @ (values - mean) ** 2)))
    return moments


def mean_and_error(draws: np.ndarray) -> tuple[float, float]:
    """Mean of draws (chain, draw) and its Monte Carlo standard error ``sd/√ESS``."""
    return float(draws.mean()), float(draws.std()) / math.sqrt(float(azs.ess(draws)))


def z_score(first: tuple[float, float], second: tuple[float, float]) -> float:
    """``|m₁ − m₂| / √(e₁² + e₂²)`` for two (mean, standard error) pairs."""
    return abs(first[0] - second[0]) / math.hypot(first[1], second[1])


def gibbs_z_scores(tree: Any, oracle: Moments) -> dict[str, float]:
    """z of the Gibbs means of ``coef[0]`` (and ``log coef_tau``) against the oracle's."""
    posterior = tree["posterior"]
    scores = {"w": z_score(mean_and_error(posterior["coef"].values[:, :, 0]), oracle["w"])}
    if "coef_tau" in posterior:
        log_tau = np.log(posterior["coef_tau"].values)
        scores["log_tau"] = z_score(mean_and_error(log_tau), oracle["log_tau"])
    return scores


def nuts_z_scores(gibbs: Any, nuts: Any, names: tuple[str, ...]) -> dict[str, float]:
    """z of the Gibbs against the NUTS means, per coordinate of each named variable
    (``coef_tau`` and ``coef_slab_sq`` on the log scale: heavy right tails)."""
    scores: dict[str, float] = {}
    for name in names:
        a, b = gibbs["posterior"][name].values, nuts["posterior"][name].values
        if name in ("coef_tau", "coef_slab_sq"):
            a, b = np.log(a), np.log(b)
        a, b = a.reshape((*a.shape[:2], -1)), b.reshape((*b.shape[:2], -1))
        for j in range(a.shape[2]):
            scores[f"{name}[{j}]"] = z_score(mean_and_error(a[:, :, j]), mean_and_error(b[:, :, j]))
    return scores
