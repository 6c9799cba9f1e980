"""Sign-constrained priors with the Bernoulli and Poisson likelihoods.

An Exponential(b) prior on each w_j ≥ 0 is the non-negative L1 penalty, a half-normal(τ)
prior the non-negative L2 penalty: the MAP of the PyMC model is the core's
``logistic``/``poisson`` fit with ``positive=True`` (alpha = (l1 + l2)/n, or /Σs with
weights; and the same with the Gaussian likelihood). ``check_equivalence`` compares them
with the one-sided KKT conditions; here the
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


@pytest.mark.parametrize("prior", [br.ExponentialPrior(0.5), br.HalfNormalPrior(0.5)], ids=repr)
def test_weighted_gaussian_map_is_the_non_negative_fit_of_the_replicated_rows(
    prior: br.Prior,
) -> None:
    # integer weights s are rows repeated s_i times: the weighted MAP under a prior on
    # w ≥ 0 is the non-negative fit of the replicated rows (alpha = σ²(l1 + l2)/Σs, Σs the
    # number of replicated rows), checked by the one-sided KKT conditions
    X, _, _, weights = make_data(1)
    y = X @ np.array([1.0, -1.0, 0.5, -0.5, 0.0]) + np.random.default_rng(1).standard_normal(150)
    report = br.check_equivalence(X, y, prior, noise=1.0, weights=weights)
    assert report.ok
    assert np.all(report.coef_map >= 0.0)
    # the report says which n the conversion used: Σs, beside the row count
    assert (report.n_samples, report.weight_sum) == (150, float(weights.sum()))
    assert report.alpha == pytest.approx(prior.penalty(1, 1.0)[0] / weights.sum(), rel=1e-14)
    assert f"n = 150 rows, Σs = {weights.sum():.6g} in the conversion" in str(report)
    assert report.to_dict()["weight_sum"] == float(weights.sum())
    counts = weights.astype(int)
    replicated = prior.penalized_fit(np.repeat(X, counts, axis=0), np.repeat(y, counts), noise=1.0)
    np.testing.assert_allclose(report.coef_map, replicated.coef, rtol=0.0, atol=COEF_ATOL)
    np.testing.assert_array_equal(report.coef_map == 0.0, replicated.coef == 0.0)
    assert np.any(replicated.coef == 0.0)  # the sign constraint is active
    free = br.ridge(X, y, 1.0, sample_weight=weights)
    assert np.any(free.coef < 0.0)
