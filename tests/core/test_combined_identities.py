"""Weights, penalty factors and sign constraints together, for every likelihood.

One objective covers them all::

    F(w, w0) = 1/Σs Σ_i s_i ℓ(y_i, η_i) + alpha Σ_j v_j [r|w_j| + (1 − r)/2 w_j²],
    η = w0 + X w,   optionally subject to w ≥ 0,

with ℓ the squared error /2, the Bernoulli or the Poisson negative log-likelihood. Two
identities are checked on random problems (hypothesis):

1. integer weights are replicated rows: the fit with ``sample_weight = s`` equals the
   unweighted fit of the data with row i repeated s_i times (coefficients to
   ``REPLICATION_ATOL``);
2. the fit satisfies the KKT conditions of F written out here from their definition
   (residual below the solver's own threshold times 1 + ROUNDING_SHARE, in F's units).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from bayesreg.core.enet_solver import elastic_net
from bayesreg.core.logistic import logistic
from bayesreg.core.poisson import poisson

FloatArray = NDArray[np.float64]

REPLICATION_ATOL = 1e-7
ROUNDING_SHARE = 1.0 / 16.0


def make_problem(
    likelihood: str, seed: int, n: int = 40, p: int = 5
) -> tuple[FloatArray, FloatArray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    eta = 0.2 + X[:, 0] - 0.7 * X[:, 1]
    if likelihood == "gaussian":
        y = eta + rng.standard_normal(n)
    elif likelihood == "bernoulli":
        y = (rng.random(n) < 1.0 / (1.0 + np.exp(-eta))).astype(float)
        y[:2] = [0.0, 1.0]
    else:
        y = rng.poisson(np.exp(0.5 * eta)).astype(float)
        y[0] = max(y[0], 1.0)
    return X, y


def fit(likelihood: str, X: Any, y: Any, alpha: float, r: float, **options: Any) -> Any:
    if likelihood == "gaussian":
        return elastic_net(X, y, alpha, r, tol=1e-12, **options)
    solver = logistic if likelihood == "bernoulli" else poisson
    return solver(X, y, alpha, r, **options)


def kkt_residual(
    likelihood: str,
    X: FloatArray,
    y: FloatArray,
    s: FloatArray,
    v: FloatArray,
    coef: FloatArray,
    w0: float,
    alpha: float,
    r: float,
    positive: bool,
) -> float:
    """max over coordinates of the KKT violation of F (module docstring)."""
    eta = w0 + X @ coef
    if likelihood == "gaussian":
        mean = eta
    elif likelihood == "bernoulli":
        mean = 1.0 / (1.0 + np.exp(-eta))
    else:
        mean = np.exp(eta)
    c = s / s.sum()
    smooth = X.T @ (c * (mean - y)) + alpha * (1.0 - r) * v * coef  # ∂(L + L2 part)/∂w_j
    kink = alpha * r * v
    if positive:
        violation = np.where(coef > 0.0, np.abs(smooth + kink), np.maximum(-(smooth + kink), 0.0))
    else:
        violation = np.where(
            coef != 0.0,
            np.abs(smooth + kink * np.sign(coef)),
            np.maximum(np.abs(smooth) - kink, 0.0),
        )
    return max(float(np.max(violation)), abs(float(c @ (mean - y))))


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    likelihood=st.sampled_from(["gaussian", "bernoulli", "poisson"]),
    l1_ratio=st.sampled_from([1.0, 0.6]),
    positive=st.booleans(),
)
def test_weights_factors_and_signs_together(
    seed: int, likelihood: str, l1_ratio: float, positive: bool
) -> None:
    X, y = make_problem(likelihood, seed)
    rng = np.random.default_rng(seed + 1)
    s = rng.integers(1, 4, size=y.size).astype(float)
    v = rng.uniform(0.5, 2.0, size=X.shape[1])
    alpha = 0.05
    options = {"penalty_factor": v, "positive": positive}
    weighted = fit(likelihood, X, y, alpha, l1_ratio, sample_weight=s, **options)
    rows = np.repeat(np.arange(y.size), s.astype(int))
    replicated = fit(likelihood, X[rows], y[rows], alpha, l1_ratio, **options)
    assert weighted.converged
    np.testing.assert_allclose(weighted.coef, replicated.coef, rtol=0.0, atol=REPLICATION_ATOL)
    assert abs(weighted.intercept - replicated.intercept) <= REPLICATION_ATOL
    if positive:
        assert np.all(weighted.coef >= 0.0)
    residual = kkt_residual(
        likelihood, X, y, s, v, weighted.coef, weighted.intercept, alpha, l1_ratio, positive
    )
    # the least-squares certificate is a duality gap, not a residual: with the gap at
    # tol = 1e-12 relative, its KKT residual is checked at a stated absolute 1e-6 (the
    # data have unit scale)
    bound = weighted.tol * (1.0 + ROUNDING_SHARE) if likelihood != "gaussian" else 1e-6
    assert residual <= bound
