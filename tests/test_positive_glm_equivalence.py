"""Sign-constrained priors with the Bernoulli and Poisson likelihoods.

An Exponential(b) prior on each w_j ≥ 0 is the non-negative L1 penalty, a half-normal(τ)
prior the non-negative L2 penalty: the MAP of the PyMC model is the core's
``logistic``/``poisson`` fit with ``positive=True`` (alpha = (l1 + l2)/n, or /Σs with
weights). ``check_equivalence`` compares them with the one-sided KKT conditions; here the
verdict, the coefficients (to COEF_ATOL) and the zero pattern are checked, and the fit
must differ from the unconstrained one (the bound is active).
"""

from __future__ import annotations

import numpy as np
import pytest

import bayesreg as br
from bayesreg.core.logistic import logistic
from bayesreg.core.poisson import poisson

COEF_ATOL = 1e-9


def make_data(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((150, 5))
    eta = 0.2 + X @ np.array([1.0, -1.0, 0.5, -0.5, 0.0])
    labels = (rng.random(150) < 1.0 / (1.0 + np.exp(-eta))).astype(float)
    counts = rng.poisson(np.exp(0.5 * eta)).astype(float)
    weights = rng.integers(0, 3, 150).astype(float)
    return X, labels, counts, weights


@pytest.mark.parametrize("likelihood", ["bernoulli", "poisson"])
@pytest.mark.parametrize("prior", [br.ExponentialPrior(0.5), br.HalfNormalPrior(0.5)], ids=repr)
@pytest.mark.parametrize("weighted", [False, True])
def test_map_is_the_non_negative_fit(likelihood: str, prior: br.Prior, weighted: bool) -> None:
    X, labels, counts, weights = make_data(0)
    y = labels if likelihood == "bernoulli" else counts
    s = weights if weighted else None
    report = br.check_equivalence(X, y, prior, likelihood=likelihood, weights=s)
    assert report.ok
    assert np.all(report.coef_map >= 0.0)
    total = float(len(y) if s is None else s.sum())
    alpha, l1_ratio = prior.penalty(1, 1.0)
    solver = logistic if likelihood == "bernoulli" else poisson
    core = solver(X, y, alpha / total, l1_ratio, positive=True, sample_weight=s)
    np.testing.assert_allclose(report.coef_map, core.coef, rtol=0.0, atol=COEF_ATOL)
    np.testing.assert_array_equal(report.coef_map == 0.0, core.coef == 0.0)
    free = solver(X, y, alpha / total, l1_ratio, sample_weight=s)
    assert np.any(free.coef < 0.0)  # the sign constraint is active
    fit = prior.penalized_fit(X, y, likelihood=likelihood, sample_weight=s)
    np.testing.assert_allclose(fit.coef, core.coef, rtol=0.0, atol=COEF_ATOL)


def test_weighted_gaussian_comparison_of_a_sign_constrained_prior_is_refused() -> None:
    X, labels, _, weights = make_data(1)
    with pytest.raises(br.errors.InputValueError, match="w ≥ 0"):
        br.check_equivalence(X, labels, br.ExponentialPrior(0.5), noise=1.0, weights=weights)
