"""The logistic path against single fits, KKT conditions written out here, and cvxpy."""

from __future__ import annotations

import warnings
from typing import Any

import cvxpy
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray
from scipy.special import expit

from bayesreg.core.logistic import logistic, logistic_alpha_max
from bayesreg.core.logistic_path import logistic_path
from bayesreg.errors import DataError, InputValueError

FloatArray = NDArray[np.float64]

cp: Any = cvxpy

# a path point and a separate logistic fit at the same alpha solve the same problem with
# the same algorithm; both are certified to a KKT residual ~1e-11, so they agree to 1e-8
PATH_VS_FIT_ATOL = 1e-8
# cvxpy (CLARABEL, interior point, asked for 1e-12 gap and feasibility tolerances) gets
# the coefficients to 1e-10 on most of these problems but stops at ~5e-6 ("inaccurate")
# on some; the coefficients are compared at 1e-5, and the objective must not lose to
# cvxpy's by more than rounding (1e-12 relative)
CVXPY_ATOL = 1e-5
OBJECTIVE_RTOL = 1e-12


def _problem(n: int, p: int, seed: int, correlated: bool = False) -> tuple[FloatArray, FloatArray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if correlated:
        for j in range(1, p):
            X[:, j] = 0.8 * X[:, j - 1] + 0.6 * X[:, j]
    truth = np.zeros(p)
    truth[: min(p, 3)] = [1.5, -1.0, 0.7][: min(p, 3)]
    y = (rng.random(n) < expit(X @ truth + 0.2)).astype(float)
    y[:2] = [0.0, 1.0]
    return X, y


def _kkt_violation(
    X: FloatArray, y: FloatArray, coef: FloatArray, intercept: float, alpha: float, r: float
) -> float:
    """max over coordinates of dist(−∇_w L, alpha ∂P(w)) and |∂L/∂w0|, from the definitions."""
    n = len(y)
    residual = expit(intercept + X @ coef) - y
    gradient = X.T @ residual / n + alpha * (1.0 - r) * coef
    nonzero = coef != 0.0
    distance = np.where(
        nonzero,
        np.abs(gradient + alpha * r * np.sign(coef)),
        np.maximum(np.abs(gradient) - alpha * r, 0.0),
    )
    return float(max(distance.max(), abs(residual.mean())))


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_each_point_is_the_logistic_fit_at_its_alpha(l1_ratio: float) -> None:
    X, y = _problem(120, 6, seed=1, correlated=True)
    path = logistic_path(X, y, l1_ratio=l1_ratio, n_alphas=12)
    top = logistic_alpha_max(X, y, l1_ratio=l1_ratio)
    assert path.alpha_max == top
    np.testing.assert_allclose(path.alphas, np.geomspace(top, 1e-3 * top, 12), rtol=1e-14)
    assert path.l1_ratio == l1_ratio
    assert path.converged.all()
    for i, alpha in enumerate(path.alphas):
        fit = logistic(X, y, alpha, l1_ratio=l1_ratio)
        np.testing.assert_allclose(path.coefs[i], fit.coef, atol=PATH_VS_FIT_ATOL, rtol=0)
        assert path.intercepts[i] == pytest.approx(fit.intercept, abs=PATH_VS_FIT_ATOL)
        assert path.objectives[i] == pytest.approx(fit.objective, rel=1e-12)
        # the certificate is below its threshold, and the KKT conditions written out here
        # hold to that same threshold (up to rounding)
        assert path.gaps[i] <= fit.tol
        violation = _kkt_violation(X, y, path.coefs[i], path.intercepts[i], alpha, l1_ratio)
        assert violation <= fit.tol * (1.0 + 1e-6) + 1e-14


def test_path_points_match_cvxpy() -> None:
    X, y = _problem(80, 5, seed=2)
    n = len(y)
    alphas = logistic_alpha_max(X, y) * np.array([0.5, 0.1, 0.02])
    path = logistic_path(X, y, alphas)
    for i, alpha in enumerate(path.alphas):
        w, w0 = cp.Variable(5), cp.Variable()
        eta = w0 + X @ w
        loss = cp.sum(cp.logistic(eta) - cp.multiply(y, eta)) / n
        problem = cp.Problem(cp.Minimize(loss + alpha * cp.norm1(w)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "solution may be inaccurate"
            problem.solve(
                solver="CLARABEL",
                tol_gap_abs=1e-12,
                tol_gap_rel=1e-12,
                tol_feas=1e-12,
                max_iter=500,
            )
        assert path.objectives[i] <= problem.value * (1.0 + OBJECTIVE_RTOL)
        np.testing.assert_allclose(path.coefs[i], w.value, atol=CVXPY_ATOL)
        assert path.intercepts[i] == pytest.approx(float(w0.value), abs=CVXPY_ATOL)


def test_alpha_max_gives_all_zeros_and_just_below_it_one_feature_enters() -> None:
    X, y = _problem(100, 5, seed=3)
    top = logistic_alpha_max(X, y)
    path = logistic_path(X, y, [4.0 * top, top, (1.0 - 1e-3) * top])
    np.testing.assert_array_equal(path.coefs[:2], 0.0)
    # w = 0 with the intercept logit(ȳ): mean(expit(w0)) = ȳ
    np.testing.assert_allclose(expit(path.intercepts[:2]), y.mean(), rtol=1e-12)
    assert np.count_nonzero(path.coefs[2]) == 1
    # the feature that enters first has the largest |x_jᵀ(y − ȳ)|
    entering = int(np.argmax(np.abs(X.T @ (y - y.mean()))))
    assert path.coefs[2, entering] != 0.0


@given(
    seed=st.integers(0, 10_000),
    n=st.integers(20, 60),
    p=st.integers(1, 12),
    fit_intercept=st.booleans(),
)
def test_user_alphas_are_sorted_and_zero_above_alpha_max(
    seed: int, n: int, p: int, fit_intercept: bool
) -> None:
    X, y = _problem(n, p, seed=seed, correlated=seed % 2 == 0)
    top = logistic_alpha_max(X, y, fit_intercept=fit_intercept)
    alphas = top * np.array([0.3, 2.0, 0.05, 1.0])
    path = logistic_path(X, y, alphas, fit_intercept=fit_intercept)
    np.testing.assert_array_equal(path.alphas, np.sort(alphas)[::-1])
    np.testing.assert_array_equal(path.coefs[:2], 0.0)  # alpha = 2·alpha_max and alpha_max
    assert path.converged.all()
    assert np.all(path.gaps >= 0.0)
    if not fit_intercept:
        np.testing.assert_array_equal(path.intercepts, 0.0)
    # the L1 norm of the solution does not increase with alpha (the argument of
    # adding the two optimality inequalities, as for the Gaussian loss); 1e-9 of slack
    # covers the solutions' certified tolerance
    norms = np.abs(path.coefs).sum(axis=1)
    assert np.all(np.diff(norms) >= -1e-9 * max(1.0, norms.max()))


def test_ridge_penalty_needs_alphas_and_has_no_alpha_max() -> None:
    X, y = _problem(60, 3, seed=4)
    with pytest.raises(InputValueError, match="no alpha_max"):
        logistic_path(X, y, l1_ratio=0.0)
    path = logistic_path(X, y, [1.0, 0.1], l1_ratio=0.0)
    assert path.alpha_max == np.inf
    assert np.all(path.coefs != 0.0)


def test_bad_input_is_rejected() -> None:
    X, y = _problem(40, 3, seed=5)
    with pytest.raises(InputValueError, match="alphas must all be > 0"):
        logistic_path(X, y, [0.1, 0.0])
    with pytest.raises(InputValueError, match="eps must lie in"):
        logistic_path(X, y, eps=1.5)
    with pytest.raises(DataError, match="y must hold only 0 and 1"):
        logistic_path(X, y + 2.0)
    with pytest.raises(DataError, match="alpha_max = 0"):
        logistic_path(np.ones((4, 1)) * np.array([[1.0], [-1.0], [1.0], [-1.0]]), [0, 0, 1, 1])
