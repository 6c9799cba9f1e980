"""Sign constraints in the GLM solvers: ``positive=True`` for logistic and Poisson fits.

Under ``w ≥ 0`` the objective is F(w, w0) = L(η) + alpha·Σ_j [r w_j + (1 − r)/2 w_j²] on
the feasible set: the MAP under Exponential (r = 1) or half-normal (r = 0) priors. Checks:

- glum's ``GeneralizedLinearRegressor(lower_bounds=0)`` (same objective, same alpha) as
  the oracle, coefficients to ``ORACLE_RTOL`` of the largest and identical zero patterns;
- the one-sided KKT conditions recomputed here from their definition;
- the one-sided alpha_max ``max_j (−g_j)⁺ / r``: all zeros there, a coefficient enters
  just below it;
- path points equal the single fits; a sparse X gives the dense fit;
- the maximum-likelihood estimate under ``w ≥ 0`` exists when only a decreasing direction
  separates the classes (and not when an increasing one does).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import glum
import numpy as np
import pytest
import scipy.sparse
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from bayesreg.core.logistic import logistic, logistic_alpha_max
from bayesreg.core.logistic_path import logistic_path
from bayesreg.core.poisson import poisson, poisson_alpha_max, poisson_path
from bayesreg.errors import DataError

FloatArray = NDArray[np.float64]

# glum run to gradient_tol 1e-14 and ours to a KKT residual ≤ 1e-10·ρ₀: coefficients
# agree to this fraction of the largest |coefficient| (or |intercept|, or 1).
ORACLE_RTOL = 1e-7
# Our objective may exceed glum's by no more than this relative amount.
OBJECTIVE_RTOL = 1e-12
# The recomputed residual may exceed the solver's threshold by its rounding share.
ROUNDING_SHARE = 1.0 / 16.0

FAMILIES = ["binomial", "poisson"]


def make_problem(family: str, n: int, p: int, seed: int) -> tuple[FloatArray, FloatArray]:
    """Gaussian X; half the true coefficients negative, so the bound w ≥ 0 is active."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    truth = np.zeros(p)
    truth[: min(p, 4)] = [0.8, -0.7, 0.5, -0.4][: min(p, 4)]
    eta = 0.2 + X @ truth
    if family == "binomial":
        y = (rng.random(n) < 1.0 / (1.0 + np.exp(-eta))).astype(float)
        y[:2] = [0.0, 1.0]
    else:
        y = rng.poisson(np.exp(eta)).astype(float)
        y[0] = max(y[0], 1.0)
    return X, y


def solver(family: str) -> Callable[..., Any]:
    return logistic if family == "binomial" else poisson


def alpha_max(family: str) -> Callable[..., float]:
    return logistic_alpha_max if family == "binomial" else poisson_alpha_max


def loss_gradient(family: str, X: Any, y: FloatArray, eta: FloatArray) -> FloatArray:
    """Per-sample ∂L/∂η_i = (μ_i − y_i)/n (μ = expit(η) or exp(η))."""
    mean = 1.0 / (1.0 + np.exp(-eta)) if family == "binomial" else np.exp(eta)
    gradient: FloatArray = (mean - y) / y.size
    return gradient


def objective(
    family: str, X: Any, y: FloatArray, coef: FloatArray, w0: float, alpha: float, r: float
) -> float:
    eta = np.asarray(X @ coef) + w0
    if family == "binomial":
        datafit = float(np.mean(np.logaddexp(0.0, eta) - y * eta))
    else:
        datafit = float(np.mean(np.exp(eta) - y * eta))
    return datafit + alpha * (r * float(np.sum(np.abs(coef))) + 0.5 * (1 - r) * float(coef @ coef))


def one_sided_residual(
    family: str,
    X: Any,
    y: FloatArray,
    coef: FloatArray,
    w0: float,
    alpha: float,
    r: float,
    fit_intercept: bool,
) -> float:
    """max over j of the violated one-sided KKT condition of min F subject to w ≥ 0:
    ``∂_j F = 0`` where w_j > 0 and ``∂_j F ≥ 0`` (F's right derivative) where w_j = 0."""
    residual_i = loss_gradient(family, X, y, np.asarray(X @ coef) + w0)
    derivative = np.asarray(X.T @ residual_i) + alpha * (1 - r) * coef + alpha * r
    violation = np.where(coef > 0.0, np.abs(derivative), np.maximum(-derivative, 0.0))
    result = float(np.max(violation))
    if fit_intercept:
        result = max(result, abs(float(residual_i.sum())))
    return result


@pytest.mark.filterwarnings("ignore:Line search failed")
@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_positive_fit_agrees_with_glum_lower_bounds(
    family: str, l1_ratio: float, fit_intercept: bool
) -> None:
    X, y = make_problem(family, 200, 10, seed=3)
    alpha = 0.02
    fit = solver(family)(X, y, alpha, l1_ratio, fit_intercept=fit_intercept, positive=True)
    free = solver(family)(X, y, alpha, l1_ratio, fit_intercept=fit_intercept)
    assert fit.converged
    assert np.all(fit.coef >= 0.0)
    assert np.any(free.coef < 0.0)  # the bound is active: the comparison is not vacuous
    oracle = glum.GeneralizedLinearRegressor(
        family=family,
        alpha=alpha,
        l1_ratio=l1_ratio,
        fit_intercept=fit_intercept,
        lower_bounds=np.zeros(X.shape[1]),
        gradient_tol=1e-14,
        max_iter=1000,
    ).fit(X, y)
    oracle_w0 = float(oracle.intercept_)
    scale = max(float(np.max(np.abs(oracle.coef_))), abs(oracle_w0), 1.0)
    assert float(np.max(np.abs(fit.coef - oracle.coef_))) <= ORACLE_RTOL * scale
    assert abs(fit.intercept - oracle_w0) <= ORACLE_RTOL * scale
    ours = objective(family, X, y, fit.coef, fit.intercept, alpha, l1_ratio)
    theirs = objective(family, X, y, np.maximum(oracle.coef_, 0.0), oracle_w0, alpha, l1_ratio)
    assert ours <= theirs + OBJECTIVE_RTOL * abs(theirs)
    residual = one_sided_residual(
        family, X, y, fit.coef, fit.intercept, alpha, l1_ratio, fit_intercept
    )
    assert residual <= fit.tol * (1.0 + ROUNDING_SHARE)


@pytest.mark.parametrize("family", FAMILIES)
def test_one_sided_alpha_max_is_the_top_of_the_positive_path(family: str) -> None:
    X, y = make_problem(family, 150, 8, seed=5)
    top = alpha_max(family)(X, y, positive=True)
    two_sided = alpha_max(family)(X, y)
    # closed form: max_j (−g_j)⁺ with g = Xᵀ(μ₀ − y)/n at the null model
    null_w0 = solver(family)(X, y, 10.0 * two_sided).intercept
    gradient = X.T @ loss_gradient(family, X, y, np.full(y.size, null_w0))
    assert top == pytest.approx(float(np.max(np.maximum(-gradient, 0.0))), rel=1e-9)
    assert 0.0 < top <= two_sided
    at_top = solver(family)(X, y, top, positive=True)
    below = solver(family)(X, y, 0.98 * top, positive=True)
    assert at_top.n_nonzero == 0
    assert below.n_nonzero >= 1
    assert np.all(below.coef >= 0.0)
    assert int(np.argmax(below.coef)) == int(np.argmax(-gradient))


@pytest.mark.parametrize("family", FAMILIES)
def test_positive_path_points_are_the_single_fits(family: str) -> None:
    X, y = make_problem(family, 150, 12, seed=9)
    path_of = logistic_path if family == "binomial" else poisson_path
    path = path_of(X, y, n_alphas=8, eps=1e-2, positive=True)
    assert path.alpha_max == pytest.approx(alpha_max(family)(X, y, positive=True), rel=1e-14)
    assert path.converged.all()
    assert np.all(path.coefs >= 0.0)
    assert np.count_nonzero(path.coefs[0]) == 0
    assert np.count_nonzero(path.coefs[-1]) > 0
    for alpha, coef, w0 in zip(path.alphas, path.coefs, path.intercepts, strict=True):
        single = solver(family)(X, y, float(alpha), positive=True)
        np.testing.assert_allclose(coef, single.coef, rtol=0.0, atol=1e-8)
        assert w0 == pytest.approx(single.intercept, abs=1e-8)
        np.testing.assert_array_equal(coef == 0.0, single.coef == 0.0)


@pytest.mark.parametrize("family", FAMILIES)
def test_positive_default_grid_without_a_positively_correlated_column_is_refused(
    family: str,
) -> None:
    X, y = make_problem(family, 150, 3, seed=2)
    # flip columns so that every one is negatively correlated with y (g_j > 0 at the null
    # model): no coefficient gains by growing from 0
    null_w0 = solver(family)(X, y, 1e3).intercept
    g = X.T @ loss_gradient(family, X, y, np.full(y.size, null_w0))
    flipped = X * np.where(g < 0.0, -1.0, 1.0)
    assert alpha_max(family)(flipped, y, positive=True) == 0.0
    path_of = logistic_path if family == "binomial" else poisson_path
    with pytest.raises(DataError, match="positive coefficients"):
        path_of(flipped, y, positive=True)


@pytest.mark.parametrize("family", FAMILIES)
def test_positive_sparse_design_gives_the_dense_fit(family: str) -> None:
    X, y = make_problem(family, 120, 15, seed=4)
    X[np.abs(X) < 0.8] = 0.0
    dense = solver(family)(X, y, 0.01, 0.7, positive=True)
    sparse = solver(family)(scipy.sparse.csr_matrix(X), y, 0.01, 0.7, positive=True)
    np.testing.assert_allclose(sparse.coef, dense.coef, rtol=0.0, atol=1e-9)
    np.testing.assert_array_equal(sparse.coef == 0.0, dense.coef == 0.0)


def test_maximum_likelihood_under_the_sign_constraint() -> None:
    """Classes separated by a *decreasing* x: no unconstrained estimate, but under w ≥ 0
    the likelihood is bounded and the estimate is w = 0 (the bound holds it). Separated by
    an increasing x, no estimate exists under w ≥ 0 either."""
    x = np.linspace(-1.0, 1.0, 40)
    noise = np.random.default_rng(0).standard_normal(40)
    X = np.column_stack((x, noise))
    y = (x < 0.0).astype(float)
    with pytest.raises(DataError, match="does not exist"):
        logistic(X, y, 0.0)
    fit = logistic(X, y, 0.0, positive=True)
    assert fit.converged
    assert fit.coef[0] == 0.0
    with pytest.raises(DataError, match="non-negative coefficients"):
        logistic(X, 1.0 - y, 0.0, positive=True)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    family=st.sampled_from(FAMILIES),
    l1_ratio=st.sampled_from([0.0, 0.3, 1.0]),
)
def test_positive_fit_beats_feasible_perturbations(seed: int, family: str, l1_ratio: float) -> None:
    X, y = make_problem(family, 60, 6, seed=seed % 1000)
    alpha = 0.05
    fit = solver(family)(X, y, alpha, l1_ratio, positive=True)
    best = objective(family, X, y, fit.coef, fit.intercept, alpha, l1_ratio)
    rng = np.random.default_rng(seed)
    for _ in range(20):
        coef = np.maximum(fit.coef + 1e-3 * rng.standard_normal(fit.coef.size), 0.0)
        w0 = fit.intercept + 1e-3 * rng.standard_normal()
        assert best <= objective(family, X, y, coef, w0, alpha, l1_ratio) + 1e-14
