"""Property tests: find_map's MAP is the core's penalized fit for random problems.

For per-coefficient prior scales (penalty factors, with a flat entry) and for observation
weights (zeros included), over random data with n > p and n < p, with and without an
intercept: the MAP of the PyMC model (``find_map``) equals ``prior.penalized_fit`` to
``MAP_RTOL`` relative to ``max(||coef||∞, 1)``, with the same exact zeros. Each example
compiles a model, so the number of examples is small.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bayesreg.priors import ElasticNetPrior, GaussianPrior, LaplacePrior
from bayesreg.pymc import build_model, find_map

#: MAP against the penalized fit, relative to max(||coef||∞, 1).
MAP_RTOL = 1e-8
NOISE = 0.7
SHAPES = [(40, 5), (30, 8), (12, 20)]


def _problem(seed: int, n: int, p: int) -> tuple[np.ndarray, np.ndarray, np.random.Generator]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 2.0, p)
    coef = np.zeros(p)
    coef[:3] = rng.uniform(0.5, 2.0, 3) * rng.choice([-1.0, 1.0], 3)
    return X, 1.0 + X @ coef + NOISE * rng.standard_normal(n), rng


def _compare(estimate: Any, fit: Any) -> None:
    coef, expected = estimate.coef, fit.coef
    scale = max(float(np.max(np.abs(expected))), 1.0)
    assert estimate.converged
    assert estimate.optimality == "global"
    assert np.max(np.abs(coef - expected)) <= MAP_RTOL * scale
    assert np.array_equal(coef == 0.0, expected == 0.0)
    intercept = 0.0 if estimate.intercept is None else estimate.intercept
    assert abs(intercept - fit.intercept) <= MAP_RTOL * max(abs(fit.intercept), scale)


@settings(max_examples=8, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    shape=st.sampled_from(SHAPES),
    laplace=st.booleans(),
    fit_intercept=st.booleans(),
)
def test_per_coefficient_scales(
    seed: int, shape: tuple[int, int], laplace: bool, fit_intercept: bool
) -> None:
    n, p = shape
    X, y, rng = _problem(seed, n, p)
    base = 0.05 if laplace else 0.5
    scales = list(base * rng.uniform(0.2, 5.0, p))
    if n > p:
        scales[int(rng.integers(p))] = math.inf  # one unpenalized coefficient
    prior = LaplacePrior(scale=scales) if laplace else GaussianPrior(scale=scales)
    model = build_model(X, y, prior, noise=NOISE, fit_intercept=fit_intercept)
    fit = prior.penalized_fit(X, y, noise=NOISE, fit_intercept=fit_intercept)
    _compare(find_map(model), fit)


@settings(max_examples=8, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    shape=st.sampled_from(SHAPES),
    prior=st.sampled_from([LaplacePrior(0.05), GaussianPrior(0.5), ElasticNetPrior(4.0, 2.0)]),
    fit_intercept=st.booleans(),
)
def test_observation_weights(
    seed: int, shape: tuple[int, int], prior: Any, fit_intercept: bool
) -> None:
    n, p = shape
    X, y, rng = _problem(seed, n, p)
    weights = rng.uniform(0.2, 3.0, n)
    weights[rng.choice(n, 2, replace=False)] = 0.0  # rows left out
    model = build_model(X, y, prior, noise=NOISE, fit_intercept=fit_intercept, weights=weights)
    fit = prior.penalized_fit(X, y, noise=NOISE, fit_intercept=fit_intercept, sample_weight=weights)
    _compare(find_map(model), fit)
