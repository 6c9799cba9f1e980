"""The lasso / elastic-net path and alpha_max against oracles and properties.

Oracles: scikit-learn ``lasso_path`` / ``enet_path`` on the centered data (tol=1e-14)
and the single-alpha solver ``lasso`` (an independent cold start).

Tolerances: coefficients ||Δ|| / max(||w_oracle||, tiny) ≤ 1e-7 per alpha; objective
F(w) ≤ F(w_oracle) + 1e-12·|F(w_oracle)|; every gap in [0, tol·||yc||²/(2n)].
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from sklearn.linear_model import enet_path
from sklearn.linear_model import lasso_path as sklearn_lasso_path

from bayesreg.core.enet_path import alpha_max, lasso_path
from bayesreg.core.enet_solver import lasso
from bayesreg.core.objective import objective
from bayesreg.errors import DataError, InputTypeError, InputValueError

FloatArray = NDArray[np.float64]

COEF_RTOL = 1e-7
OBJECTIVE_RTOL = 1e-12
TINY = np.finfo(np.float64).tiny


def make_problem(
    n: int, p: int, *, rho: float = 0.0, seed: int = 0
) -> tuple[FloatArray, FloatArray]:
    """AR(1) columns (corr(x_i, x_j) = rho^|i−j|) with means 1, a sparse truth, noise."""
    rng = np.random.default_rng(seed)
    X = np.empty((n, p))
    X[:, 0] = rng.standard_normal(n)
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1.0 - rho**2) * rng.standard_normal(n)
    X += 1.0
    truth = np.zeros(p)
    support = rng.choice(p, size=min(4, p), replace=False)
    truth[support] = rng.choice([-2.0, 1.0, 2.5], size=support.size)
    return X, X @ truth + 0.3 * rng.standard_normal(n) - 1.0


def relative_error(coef: FloatArray, reference: FloatArray) -> float:
    return float(np.linalg.norm(coef - reference) / max(np.linalg.norm(reference), TINY))


@pytest.mark.parametrize(
    ("n", "p", "rho"),
    [
        pytest.param(60, 20, 0.5, id="n>p"),
        pytest.param(30, 70, 0.5, id="n<p"),
        pytest.param(40, 40, 0.9, id="correlated"),
    ],
)
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_path_matches_sklearn(n: int, p: int, rho: float, l1_ratio: float) -> None:
    X, y = make_problem(n, p, rho=rho, seed=n * p)
    path = lasso_path(X, y, l1_ratio=l1_ratio, n_alphas=30, eps=1e-2)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    if l1_ratio == 1.0:
        _, oracle_coefs, _ = sklearn_lasso_path(
            Xc, yc, alphas=path.alphas, tol=1e-14, max_iter=1_000_000
        )
    else:
        _, oracle_coefs, _ = enet_path(
            Xc, yc, l1_ratio=l1_ratio, alphas=path.alphas, tol=1e-14, max_iter=1_000_000
        )
    assert path.converged.all()
    assert np.all((path.gaps >= 0.0) & (path.gaps <= 1e-12 * float(yc @ yc) / (2 * n)))
    for i, alpha in enumerate(path.alphas):
        oracle = oracle_coefs[:, i]
        assert relative_error(path.coefs[i], oracle) <= COEF_RTOL, f"alpha #{i}"
        oracle_objective = objective(Xc, yc, oracle, 0.0, alpha, l1_ratio)
        assert path.objectives[i] <= oracle_objective + OBJECTIVE_RTOL * abs(oracle_objective)
        own = objective(X, y, path.coefs[i], path.intercepts[i], alpha, l1_ratio)
        assert path.objectives[i] == pytest.approx(own, rel=1e-12)


def test_path_points_equal_cold_single_fits() -> None:
    X, y = make_problem(25, 50, rho=0.3, seed=3)
    path = lasso_path(X, y, n_alphas=15, eps=1e-3, fit_intercept=False)
    for i in range(0, 15, 3):
        single = lasso(X, y, path.alphas[i], fit_intercept=False)
        assert relative_error(path.coefs[i], single.coef) <= COEF_RTOL
        assert np.array_equal(path.coefs[i] == 0.0, single.coef == 0.0)


def test_default_grid() -> None:
    X, y = make_problem(40, 10, seed=1)
    path = lasso_path(X, y, n_alphas=12, eps=1e-2)
    top = alpha_max(X, y)
    assert len(path) == 12
    assert path.alpha_max == pytest.approx(top, rel=1e-14)
    assert path.alphas[0] == pytest.approx(top, rel=1e-14)
    assert path.alphas[-1] == pytest.approx(1e-2 * top, rel=1e-12)
    ratios = path.alphas[1:] / path.alphas[:-1]
    assert np.allclose(ratios, ratios[0], rtol=1e-12)
    assert np.all(path.coefs[0] == 0.0)
    assert np.count_nonzero(path.coefs[1]) >= 1
    assert path.n_iters.shape == (12,)


def test_user_alphas_are_sorted_decreasing() -> None:
    X, y = make_problem(30, 8, seed=2)
    alphas = [0.01, 0.5, 0.1, 0.05]
    path = lasso_path(X, y, alphas)
    assert np.array_equal(path.alphas, np.sort(alphas)[::-1])
    reordered = lasso_path(X, y, sorted(alphas, reverse=True))
    assert np.array_equal(path.coefs, reordered.coefs)


def test_ridge_mix_with_explicit_alphas() -> None:
    X, y = make_problem(30, 8, seed=4)
    path = lasso_path(X, y, [1.0, 0.1], l1_ratio=0.0)
    assert path.alpha_max == math.inf
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    for i, alpha in enumerate(path.alphas):
        ridge_coef = np.linalg.solve(Xc.T @ Xc / 30 + alpha * np.eye(8), Xc.T @ yc / 30)
        assert relative_error(path.coefs[i], ridge_coef) <= 1e-10


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(5, 30),
    p=st.integers(2, 30),
    seed=st.integers(0, 10_000),
    l1_ratio=st.sampled_from([1.0, 0.8, 0.2]),
    index=st.integers(1, 18),
)
def test_path_is_continuous(n: int, p: int, seed: int, l1_ratio: float, index: int) -> None:
    """Solutions at alpha and alpha·(1 − 1e-7) differ by a relative 1e-4 at most.

    The (unique, in general position) elastic-net solution is continuous in alpha;
    a jump between two solutions would break this.
    """
    X, y = make_problem(n, p, rho=0.5, seed=seed)
    path = lasso_path(X, y, l1_ratio=l1_ratio, n_alphas=20, eps=1e-2)
    alpha = path.alphas[index]
    nearby = lasso_path(X, y, [alpha, alpha * (1.0 - 1e-7)], l1_ratio=l1_ratio)
    assert np.allclose(nearby.coefs[0], path.coefs[index], rtol=1e-9, atol=1e-12)
    scale = max(float(np.linalg.norm(nearby.coefs[0])), 1e-12)
    assert np.linalg.norm(nearby.coefs[1] - nearby.coefs[0]) <= 1e-4 * scale


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(3, 30),
    p=st.integers(1, 20),
    seed=st.integers(0, 10_000),
    l1_ratio=st.sampled_from([1.0, 0.5, 0.1]),
    fit_intercept=st.booleans(),
)
def test_alpha_max_formula(n: int, p: int, seed: int, l1_ratio: float, fit_intercept: bool) -> None:
    X, y = make_problem(n, p, seed=seed)
    if fit_intercept:
        Xc, yc = X - X.mean(axis=0), y - y.mean()
    else:
        Xc, yc = X, y
    expected = float(np.max(np.abs(Xc.T @ yc))) / (n * l1_ratio)
    top = alpha_max(X, y, l1_ratio=l1_ratio, fit_intercept=fit_intercept)
    assert top == pytest.approx(expected, rel=1e-12)
    path = lasso_path(X, y, [top, top * (1 - 1e-6)], l1_ratio=l1_ratio, fit_intercept=fit_intercept)
    assert np.all(path.coefs[0] == 0.0)
    assert np.count_nonzero(path.coefs[1]) >= 1


def test_alpha_max_of_ridge_is_infinite() -> None:
    X, y = make_problem(10, 3, seed=0)
    assert alpha_max(X, y, l1_ratio=0.0) == math.inf


def test_inputs_not_modified_and_dataframe_input() -> None:
    X, y = make_problem(20, 6, seed=5)
    X_before, y_before = X.copy(), y.copy()
    path = lasso_path(X, y, n_alphas=5)
    alpha_max(X, y)
    assert np.array_equal(X, X_before)
    assert np.array_equal(y, y_before)
    frame = pd.DataFrame(X, columns=list("abcdef"))
    from_frame = lasso_path(frame, pd.Series(y), n_alphas=5)
    assert np.array_equal(from_frame.coefs, path.coefs)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"l1_ratio": 0.0}, InputValueError, "ridge_path"),
        ({"alphas": [0.1, 0.0]}, InputValueError, "> 0"),
        ({"alphas": [0.1, -1.0]}, InputValueError, "alphas"),
        ({"alphas": [0.1, float("nan")]}, InputValueError, "alphas"),
        ({"alphas": []}, DataError, "alphas"),
        ({"eps": 1.0}, InputValueError, "eps"),
        ({"eps": 0.0}, InputValueError, "eps"),
        ({"n_alphas": 0}, InputValueError, "n_alphas"),
        ({"n_alphas": 2.5}, InputTypeError, "n_alphas"),
        ({"l1_ratio": 2.0}, InputValueError, "l1_ratio"),
        ({"tol": -1.0}, InputValueError, "tol"),
    ],
)
def test_bad_arguments_raise(kwargs: dict[str, object], error: type, match: str) -> None:
    X, y = make_problem(20, 5, seed=1)
    with pytest.raises(error, match=match):
        lasso_path(X, y, **kwargs)  # type: ignore[arg-type]


def test_bad_data_raise() -> None:
    X, y = make_problem(20, 5, seed=1)
    with pytest.raises(DataError, match="rows"):
        lasso_path(X[:-2], y)
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(DataError, match="NaN"):
        lasso_path(X_nan, y)
    with pytest.raises(DataError, match="NaN"):
        alpha_max(X_nan, y)
    with pytest.raises(DataError, match="uncorrelated"):
        lasso_path(X, np.full(20, 2.0))


def test_l1_ratio_by_position_or_keyword() -> None:
    """As in elastic_net, logistic and logistic_path: l1_ratio follows alpha(s)."""
    rng = np.random.default_rng(5)
    X = rng.standard_normal((30, 4))
    y = X @ np.array([1.0, 0.0, -2.0, 0.5]) + rng.standard_normal(30)
    by_position = lasso_path(X, y, [0.5, 0.1], 0.3)
    by_keyword = lasso_path(X, y, [0.5, 0.1], l1_ratio=0.3)
    np.testing.assert_array_equal(by_position.coefs, by_keyword.coefs)
    assert by_position.l1_ratio == 0.3
