"""Lasso and elastic net against independent oracles, KKT conditions and properties.

Oracles: scikit-learn ``Lasso``/``ElasticNet`` (same objective scaling, tol=1e-14),
cvxpy with Clarabel (a generic conic solver), the ridge closed form (scipy Cholesky).

Tolerances used throughout (stated where used):
* coefficients: ||w − w_oracle|| / max(||w_oracle||, tiny) ≤ 1e-7;
* objective: F(w) ≤ F(w_oracle) + 1e-12 · |F(w_oracle)|;
* KKT: max_j dist(−∇L_j, alpha ∂P(w_j)) ≤ 1e-9 · max(|Xcᵀyc|/n);
* duality gap: 0 ≤ gap ≤ fit.tol = tol · ||yc||²/(2n).
"""

from __future__ import annotations

from typing import Any

import cvxpy as cp
import numpy as np
import pandas as pd
import pytest
import scipy.linalg
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from sklearn.linear_model import ElasticNet, Lasso

from bayesreg.core._active_set import ActiveSet, solve_enet
from bayesreg.core._duality import EnetPenalty, enet_duality_gap, gap_threshold
from bayesreg.core._least_squares import GramData, syrk_gram
from bayesreg.core.data import least_squares_data
from bayesreg.core.enet_path import alpha_max, lasso_path
from bayesreg.core.enet_solver import elastic_net, lasso
from bayesreg.core.objective import objective
from bayesreg.core.penalties import subdiff_distance
from bayesreg.errors import ConvergenceWarning, DataError, InputTypeError, InputValueError

FloatArray = NDArray[np.float64]

COEF_RTOL = 1e-7
OBJECTIVE_RTOL = 1e-12
KKT_RTOL = 1e-9
TINY = np.finfo(np.float64).tiny


def make_problem(
    n: int, p: int, *, rho: float = 0.0, seed: int = 0, offset: float = 0.0
) -> tuple[FloatArray, FloatArray]:
    """AR(1) columns (corr(x_i, x_j) = rho^|i−j|), a sparse truth and Gaussian noise."""
    rng = np.random.default_rng(seed)
    X = np.empty((n, p))
    X[:, 0] = rng.standard_normal(n)
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1.0 - rho**2) * rng.standard_normal(n)
    X += offset
    truth = np.zeros(p)
    support = rng.choice(p, size=min(5, p), replace=False)
    truth[support] = rng.choice([-2.0, -1.0, 1.0, 3.0], size=support.size)
    y = X @ truth + 0.5 * rng.standard_normal(n) + 3.0
    return X, y


def centered(X: FloatArray, y: FloatArray, fit_intercept: bool) -> tuple[FloatArray, FloatArray]:
    if not fit_intercept:
        return X, y
    return X - X.mean(axis=0), y - y.mean()


def kkt_residual(
    X: FloatArray, y: FloatArray, coef: FloatArray, alpha: float, l1_ratio: float, fit: bool
) -> float:
    """Largest distance of −∇L to alpha·∂P at coef, relative to max|Xcᵀyc|/n."""
    Xc, yc = centered(X, y, fit)
    grad = -Xc.T @ (yc - Xc @ coef) / len(y)
    scale = max(float(np.max(np.abs(Xc.T @ yc))) / len(y), TINY)
    return float(np.max(subdiff_distance(coef, grad, alpha, l1_ratio))) / scale


def relative_error(coef: FloatArray, reference: FloatArray) -> float:
    return float(np.linalg.norm(coef - reference) / max(np.linalg.norm(reference), TINY))


def resolved_zero_pattern_matches(
    X: FloatArray, y: FloatArray, coef: FloatArray, reference: FloatArray, l1: float, fit: bool
) -> bool:
    """Zero patterns agree on the coordinates where the reference's pattern is resolved.

    Resolved: a non-zero above 1e-6·max|w|, or a zero whose correlation is strictly
    inside the subdifferential, |u_j| ≤ (1 − 1e-6)·alpha·r.
    """
    Xc, yc = centered(X, y, fit)
    correlation = np.abs(Xc.T @ (yc - Xc @ reference)) / len(y)
    big = np.abs(reference) > 1e-6 * max(float(np.max(np.abs(reference))), TINY)
    inside = (reference == 0.0) & (correlation <= (1.0 - 1e-6) * l1)
    return bool(np.all(coef[big] != 0.0) and np.all(coef[inside] == 0.0))


def cvxpy_lasso(X: FloatArray, y: FloatArray, alpha: float) -> tuple[FloatArray, float]:
    """The lasso with intercept by Clarabel (interior point) at tight tolerances."""
    solver: Any = cp
    n, p = X.shape
    coef, intercept = solver.Variable(p), solver.Variable()
    loss = solver.sum_squares(y - X @ coef - intercept) / (2 * n)
    problem = solver.Problem(solver.Minimize(loss + alpha * solver.norm1(coef)))
    problem.solve(solver="CLARABEL", tol_gap_abs=1e-14, tol_gap_rel=1e-14, tol_feas=1e-14)
    return np.asarray(coef.value, dtype=np.float64), float(intercept.value)


PROBLEMS = [
    pytest.param(60, 15, 0.0, id="n>p"),
    pytest.param(30, 80, 0.0, id="n<p"),
    pytest.param(80, 20, 0.9, id="n>p-correlated"),
    pytest.param(25, 60, 0.8, id="n<p-correlated"),
]


@pytest.mark.parametrize(("n", "p", "rho"), PROBLEMS)
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("fraction", [0.5, 0.1, 0.02])
def test_lasso_matches_sklearn(
    n: int, p: int, rho: float, fit_intercept: bool, fraction: float
) -> None:
    X, y = make_problem(n, p, rho=rho, seed=n + p, offset=1.0)
    alpha = fraction * alpha_max(X, y, fit_intercept=fit_intercept)
    fit = lasso(X, y, alpha, fit_intercept=fit_intercept)
    oracle = Lasso(alpha=alpha, fit_intercept=fit_intercept, tol=1e-14, max_iter=1_000_000)
    oracle.fit(X, y)
    oracle_objective = objective(X, y, oracle.coef_, float(oracle.intercept_), alpha, 1.0)
    assert fit.converged
    assert relative_error(fit.coef, oracle.coef_) <= COEF_RTOL
    assert abs(fit.intercept - oracle.intercept_) <= COEF_RTOL * max(abs(oracle.intercept_), 1.0)
    assert fit.objective <= oracle_objective + OBJECTIVE_RTOL * abs(oracle_objective)
    assert resolved_zero_pattern_matches(X, y, fit.coef, oracle.coef_, alpha, fit_intercept)
    # The reported objective is F(coef, intercept) on the raw data (1e-12 relative).
    recomputed = objective(X, y, fit.coef, fit.intercept, alpha, 1.0)
    assert fit.objective == pytest.approx(recomputed, rel=1e-12)


@pytest.mark.parametrize(("n", "p", "rho"), PROBLEMS)
@pytest.mark.parametrize("l1_ratio", [0.9, 0.5, 0.1])
def test_elastic_net_matches_sklearn(n: int, p: int, rho: float, l1_ratio: float) -> None:
    X, y = make_problem(n, p, rho=rho, seed=3 * n + p)
    alpha = 0.05 * alpha_max(X, y, l1_ratio=l1_ratio)
    fit = elastic_net(X, y, alpha, l1_ratio)
    oracle = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-14, max_iter=1_000_000).fit(X, y)
    oracle_objective = objective(X, y, oracle.coef_, float(oracle.intercept_), alpha, l1_ratio)
    assert fit.converged
    assert relative_error(fit.coef, oracle.coef_) <= COEF_RTOL
    assert fit.objective <= oracle_objective + OBJECTIVE_RTOL * abs(oracle_objective)
    assert resolved_zero_pattern_matches(X, y, fit.coef, oracle.coef_, alpha * l1_ratio, True)
    assert kkt_residual(X, y, fit.coef, alpha, l1_ratio, True) <= KKT_RTOL


@pytest.mark.parametrize(("n", "p", "rho"), PROBLEMS)
@pytest.mark.parametrize("fraction", [0.3, 0.03])
def test_lasso_matches_cvxpy(n: int, p: int, rho: float, fraction: float) -> None:
    X, y = make_problem(n, p, rho=rho, seed=7 * n + p, offset=-2.0)
    alpha = fraction * alpha_max(X, y)
    oracle_coef, oracle_intercept = cvxpy_lasso(X, y, alpha)
    oracle_objective = objective(X, y, oracle_coef, oracle_intercept, alpha, 1.0)
    fit = lasso(X, y, alpha)
    # Clarabel's interior-point solution is accurate to ~1e-12; 1e-7 leaves room.
    assert relative_error(fit.coef, oracle_coef) <= COEF_RTOL
    assert fit.objective <= oracle_objective + OBJECTIVE_RTOL * abs(oracle_objective)


def test_duplicate_columns_reach_the_optimum() -> None:
    """Identical columns make the minimizer non-unique; the value and certificate are not."""
    X, y = make_problem(40, 12, seed=5)
    X = np.column_stack([X, X[:, :3]])
    alpha = 0.05 * alpha_max(X, y)
    fit = lasso(X, y, alpha)
    oracle = Lasso(alpha=alpha, tol=1e-14, max_iter=1_000_000).fit(X, y)
    oracle_objective = objective(X, y, oracle.coef_, float(oracle.intercept_), alpha, 1.0)
    assert fit.converged
    assert fit.objective <= oracle_objective + OBJECTIVE_RTOL * abs(oracle_objective)
    assert kkt_residual(X, y, fit.coef, alpha, 1.0, True) <= KKT_RTOL


def test_interpolating_regime_swaps_features() -> None:
    """n < p with alpha far below alpha_max: the support approaches n columns."""
    X, y = make_problem(20, 60, seed=11)
    alpha = 1e-4 * alpha_max(X, y)
    fit = lasso(X, y, alpha)
    oracle_coef, oracle_intercept = cvxpy_lasso(X, y, alpha)
    oracle_objective = objective(X, y, oracle_coef, oracle_intercept, alpha, 1.0)
    assert fit.converged
    assert fit.n_nonzero <= 19  # a lasso solution in general position has ≤ n − 1 non-zeros
    assert fit.objective <= oracle_objective + OBJECTIVE_RTOL * abs(oracle_objective)
    assert kkt_residual(X, y, fit.coef, alpha, 1.0, True) <= KKT_RTOL


def test_small_l1_ratio_approaches_ridge() -> None:
    """Elastic net at small r against ridge with the same l2 = alpha(1 − r).

    With R the ridge objective (strongly convex, modulus μ = λ_min(XcᵀXc/n) + l2) and
    l1 = alpha·r: 0 ∈ ∇R(w_e) + l1·∂||w_e||₁ and ∇R(w_r) = 0, so strong monotonicity
    gives μ||w_e − w_r||² ≤ l1·||s|| ||w_e − w_r|| with ||s|| ≤ sqrt(p):
    ||w_e − w_r|| ≤ alpha r sqrt(p) / μ. At r = 0 the two problems coincide.
    """
    X, y = make_problem(50, 10, rho=0.5, seed=2)
    Xc, yc = centered(X, y, True)
    n, p = X.shape
    gram, xty = Xc.T @ Xc / n, Xc.T @ yc / n
    smallest = float(scipy.linalg.eigvalsh(gram)[0])
    alpha = 0.1
    for l1_ratio in [1e-2, 1e-4, 1e-6]:
        l2 = alpha * (1.0 - l1_ratio)
        ridge_coef = scipy.linalg.solve(gram + l2 * np.eye(p), xty, assume_a="pos")
        fit = elastic_net(X, y, alpha, l1_ratio)
        bound = alpha * l1_ratio * np.sqrt(p) / (smallest + l2)
        assert np.linalg.norm(fit.coef - ridge_coef) <= bound * (1 + 1e-9) + 1e-12
    ridge_fit = elastic_net(X, y, alpha, 0.0)
    ridge_coef = scipy.linalg.solve(gram + alpha * np.eye(p), xty, assume_a="pos")
    assert relative_error(ridge_fit.coef, ridge_coef) <= 1e-10
    assert ridge_fit.converged


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(5, 40),
    p=st.integers(1, 40),
    seed=st.integers(0, 10_000),
    log_fraction=st.floats(-3.0, 0.0),
    l1_ratio=st.sampled_from([1.0, 0.7, 0.3, 0.05]),
    fit_intercept=st.booleans(),
    rho=st.sampled_from([0.0, 0.6, 0.95]),
)
def test_certificate_and_kkt_properties(
    n: int,
    p: int,
    seed: int,
    log_fraction: float,
    l1_ratio: float,
    fit_intercept: bool,
    rho: float,
) -> None:
    X, y = make_problem(n, p, rho=rho, seed=seed)
    top = alpha_max(X, y, l1_ratio=l1_ratio, fit_intercept=fit_intercept)
    alpha = 10.0**log_fraction * top
    fit = elastic_net(X, y, alpha, l1_ratio, fit_intercept=fit_intercept)
    assert fit.converged
    assert 0.0 <= fit.gap <= fit.tol
    Xc, yc = centered(X, y, fit_intercept)
    assert fit.tol == pytest.approx(1e-12 * float(yc @ yc) / (2 * n), rel=1e-12)
    assert kkt_residual(X, y, fit.coef, alpha, l1_ratio, fit_intercept) <= KKT_RTOL
    # The gap bounds the suboptimality of any point: F(v) − F(w*) ≤ gap(v) (+ rounding).
    rng = np.random.default_rng(seed)
    other = fit.coef + 0.1 * rng.standard_normal(p) * (rng.random(p) < 0.5)
    residual = yc - Xc @ other
    other_gap = enet_duality_gap(
        other, Xc.T @ residual / n, float(residual @ residual) / n, alpha, l1_ratio
    )
    excess = objective(Xc, yc, other, 0.0, alpha, l1_ratio) - fit.objective
    assert other_gap >= excess - 1e-12 * float(yc @ yc) / (2 * n)


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(4, 30),
    p=st.integers(1, 30),
    seed=st.integers(0, 10_000),
    l1_ratio=st.sampled_from([1.0, 0.5, 0.1]),
    fit_intercept=st.booleans(),
)
def test_alpha_max_is_the_zero_threshold(
    n: int, p: int, seed: int, l1_ratio: float, fit_intercept: bool
) -> None:
    X, y = make_problem(n, p, seed=seed)
    top = alpha_max(X, y, l1_ratio=l1_ratio, fit_intercept=fit_intercept)
    at_top = elastic_net(X, y, top, l1_ratio, fit_intercept=fit_intercept)
    above = elastic_net(X, y, 2.0 * top, l1_ratio, fit_intercept=fit_intercept)
    below = elastic_net(X, y, top * (1.0 - 1e-6), l1_ratio, fit_intercept=fit_intercept)
    assert np.all(at_top.coef == 0.0)
    assert np.all(above.coef == 0.0)
    assert below.n_nonzero >= 1


def test_exact_zeros_and_intercept_formula() -> None:
    X, y = make_problem(50, 30, rho=0.3, seed=4, offset=5.0)
    fit = lasso(X, y, 0.2 * alpha_max(X, y))
    assert 0 < fit.n_nonzero < 30
    assert np.count_nonzero(np.abs(fit.coef) < 1e-300) == 30 - fit.n_nonzero
    expected = float(y.mean() - X.mean(axis=0) @ fit.coef)
    assert fit.intercept == pytest.approx(expected, rel=1e-12, abs=1e-12)
    no_intercept = lasso(X, y, 0.2 * alpha_max(X, y), fit_intercept=False)
    assert no_intercept.intercept == 0.0


def test_inputs_are_not_modified() -> None:
    X, y = make_problem(30, 40, seed=8, offset=1.0)
    X_before, y_before = X.copy(), y.copy()
    elastic_net(X, y, 0.1, 0.5)
    lasso(X, y, 0.1, fit_intercept=False)
    assert np.array_equal(X, X_before)
    assert np.array_equal(y, y_before)


def test_dataframe_input() -> None:
    X, y = make_problem(40, 6, seed=9)
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(6)])
    from_frame = lasso(frame, pd.Series(y), 0.05)
    from_array = lasso(X, y, 0.05)
    assert np.array_equal(from_frame.coef, from_array.coef)
    assert from_frame.intercept == from_array.intercept


def test_max_iter_reached_warns_with_the_gap() -> None:
    X, y = make_problem(30, 80, seed=10)
    with pytest.warns(ConvergenceWarning, match="duality gap"):
        fit = lasso(X, y, 1e-3 * alpha_max(X, y), max_iter=1)
    assert not fit.converged
    assert fit.gap > fit.tol


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"alpha": -0.1}, InputValueError, "alpha"),
        ({"alpha": float("nan")}, InputValueError, "alpha"),
        ({"alpha": 0.0}, InputValueError, "ridge"),
        ({"alpha": "big"}, InputTypeError, "alpha"),
        ({"l1_ratio": 1.5}, InputValueError, "l1_ratio"),
        ({"l1_ratio": -0.1}, InputValueError, "l1_ratio"),
        ({"tol": 0.0}, InputValueError, "tol"),
        ({"max_iter": 0}, InputValueError, "max_iter"),
        ({"fit_intercept": "yes"}, InputTypeError, "fit_intercept"),
    ],
)
def test_bad_arguments_raise(kwargs: dict[str, object], error: type, match: str) -> None:
    X, y = make_problem(20, 5, seed=1)
    arguments: dict[str, object] = {"alpha": 0.1, "l1_ratio": 0.5} | kwargs
    with pytest.raises(error, match=match):
        elastic_net(X, y, **arguments)  # type: ignore[arg-type]


def test_bad_data_raise() -> None:
    X, y = make_problem(20, 5, seed=1)
    with pytest.raises(DataError, match="19 entries"):
        lasso(X, y[:-1], 0.1)
    X_nan = X.copy()
    X_nan[3, 2] = np.nan
    with pytest.raises(DataError, match="NaN"):
        lasso(X_nan, y, 0.1)
    y_inf = y.copy()
    y_inf[0] = np.inf
    with pytest.raises(DataError, match="infinite"):
        lasso(X, y_inf, 0.1)


@pytest.mark.parametrize(("n", "p"), [(80, 30), (30, 80)])
def test_gram_and_design_forms_agree(n: int, p: int) -> None:
    """The solver reads XᵀX/n precomputed or forms its blocks from X: same minimizer."""
    X, y = make_problem(n, p, rho=0.5, seed=n)
    design = least_squares_data(X, y, fit_intercept=True).certificate_form()
    gram = GramData(design.X.T @ design.X / n, design.xty, design.yty)
    alpha = 0.05 * float(np.max(np.abs(design.xty)))
    threshold = gap_threshold(design.yty, 1e-12)
    solutions = [
        solve_enet(data, ActiveSet(), EnetPenalty(alpha, 1.0), threshold=threshold, max_iter=100)
        for data in (design, gram)
    ]
    assert all(solution.gap <= threshold for solution in solutions)
    # Both are exact minimizers of the same strictly convex (here unique) problem.
    assert relative_error(solutions[0].coef, solutions[1].coef) <= 1e-10
    assert np.array_equal(solutions[0].coef == 0.0, solutions[1].coef == 0.0)


@pytest.mark.parametrize("order", ["C", "F"])
def test_syrk_gram_is_the_exactly_symmetric_product(order: str) -> None:
    """``scale·XᵀX`` from syrk's upper triangle: exactly symmetric, the product to rounding,
    in either memory order of X (read as it is)."""
    X = np.asarray(make_problem(60, 40, rho=0.5, seed=3)[0], order=order)
    gram = syrk_gram(X, 0.5)
    assert np.array_equal(gram, gram.T)
    product = 0.5 * X.T @ X
    assert np.max(np.abs(gram - product)) <= 1e-13 * np.max(np.abs(product))


@pytest.mark.parametrize(("n", "p"), [(400, 60), (60, 400)])
def test_single_fit_matches_its_path_point(n: int, p: int) -> None:
    """A single fit (cold start when n ≥ p, the warm-start grid when n < p) returns the
    minimizer the path gives at the same alpha."""
    X, y = make_problem(n, p, rho=0.5, seed=p)
    path = lasso_path(X, y, n_alphas=20, eps=1e-2)
    fit = lasso(X, y, float(path.alphas[-1]))
    assert fit.converged
    assert relative_error(fit.coef, path.coefs[-1]) <= 1e-9
    assert np.array_equal(fit.coef == 0.0, path.coefs[-1] == 0.0)
