"""Working sets around the exact active-set solver: the same solution, fewer full passes.

The working-set solver (``bayesreg.core._working_set``) solves the elastic net restricted
to a subset of columns and checks the full problem by one pass over all columns; the
claim is that it returns the minimizer of the *full* problem (its KKT conditions hold on
every column, its gap is the full problem's duality gap) and that it costs fewer passes
over all p columns than the plain active-set method, which makes one per iteration.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
from hypothesis import given, settings
from hypothesis import strategies as st

from bayesreg.core._active_set import ActiveSet, DualityGapRule, kkt_slack, solve_enet
from bayesreg.core._duality import EnetPenalty
from bayesreg.core._least_squares import DesignData, SparseDesignData
from bayesreg.core._sparse_cd import coordinate_descent
from bayesreg.core._working_set import SPARSE_EXACT_SUPPORT, WorkingSetSolver
from bayesreg.core.data import least_squares_data


def _wide(seed: int, n: int = 60, p: int = 600, sparse: bool = False) -> tuple[object, np.ndarray]:
    rng = np.random.default_rng(seed)
    if sparse:
        X = scipy.sparse.random(n, p, density=0.2, random_state=seed, format="csr")
        X.data = rng.standard_normal(X.data.size)
    else:
        X = rng.standard_normal((n, p))
    coef = np.zeros(p)
    coef[:8] = rng.choice([-2.0, 2.0], 8)
    y = X @ coef + rng.standard_normal(n) + 3.0
    return X, np.asarray(y)


def _data(X: object, y: np.ndarray) -> DesignData | SparseDesignData:
    form = least_squares_data(X, y, fit_intercept=True).certificate_form()
    assert isinstance(form, DesignData | SparseDesignData)
    return form


def _kkt_residual(
    data: DesignData | SparseDesignData, coef: np.ndarray, penalty: EnetPenalty
) -> float:
    index = np.flatnonzero(coef)
    correlation, _ = data.correlation(index, coef[index])
    return float(np.max(penalty.kkt_distance(coef, correlation)))


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_working_set_reaches_the_minimizer_of_the_plain_active_set_method(
    sparse: bool, positive: bool, l1_ratio: float
) -> None:
    X, y = _wide(0, sparse=sparse)
    data = _data(X, y)
    top = float(np.max(np.abs(data.xty))) / l1_ratio
    alpha = top / 50
    penalty = EnetPenalty(alpha, l1_ratio, None, positive)
    slack = kkt_slack(data.xty)
    # exact solves: both stop at the rounding level (threshold 0)
    plain = solve_enet(data, ActiveSet(), penalty, threshold=0.0, max_iter=1000)
    solver = WorkingSetSolver(data, slack)
    found = solver.solve(penalty, threshold=0.0, max_iter=1000)
    # same support, same coefficients to rounding (the minimizer is unique: p > n but the
    # lasso solution of a continuous design is unique almost surely; the elastic net is
    # strictly convex). Sparse data are solved by coordinate descent, stopped at a fixed
    # point to rounding: its coefficients agree to what the gap's rounding resolves.
    scale = float(np.abs(plain.coef).max())
    atol = (1e-7 if sparse else 1e-10) * scale
    np.testing.assert_allclose(found.coef, plain.coef, rtol=0, atol=atol)
    clear = np.abs(plain.coef) > 10 * atol
    np.testing.assert_array_equal(found.coef[clear] != 0.0, True)
    if not sparse:
        np.testing.assert_array_equal(found.coef != 0.0, plain.coef != 0.0)
    # the gap returned is the full problem's, and its KKT conditions hold on all columns
    index = np.flatnonzero(found.coef)
    correlation, residual_sq = data.correlation(index, found.coef[index])
    # (to rounding: the pass that measured it formed the residual by another product)
    assert found.gap == pytest.approx(
        penalty.duality_gap(found.coef, correlation, residual_sq), abs=1e-13 * data.yty
    )
    kkt_tol = (1e-7 if sparse else 1e-9) * float(np.max(np.abs(data.xty)))
    assert _kkt_residual(data, found.coef, penalty) <= kkt_tol
    if positive:
        assert np.all(found.coef >= 0.0)


def test_penalty_factors_restrict_with_the_columns() -> None:
    # per-column L1 multipliers: the restricted problem reads them at its own columns
    X, y = _wide(1)
    data = _data(X, y)
    scale = np.random.default_rng(1).uniform(0.5, 2.0, data.xty.size)
    alpha = float(np.max(np.abs(data.xty) / scale)) / 30
    penalty = EnetPenalty(alpha, 1.0, scale, False)
    plain = solve_enet(data, ActiveSet(), penalty, threshold=0.0, max_iter=1000)
    found = WorkingSetSolver(data, kkt_slack(data.xty)).solve(penalty, threshold=0.0, max_iter=1000)
    np.testing.assert_array_equal(found.coef != 0.0, plain.coef != 0.0)
    np.testing.assert_allclose(
        found.coef, plain.coef, rtol=0, atol=1e-10 * np.abs(plain.coef).max()
    )


def test_a_path_costs_fewer_full_passes_than_the_plain_method() -> None:
    # the plain method makes one pass over all p columns per iteration; the working set
    # makes one per round and starts each alpha from the last pass's correlations
    X, y = _wide(2, n=80, p=1000)
    data = _data(X, y)
    top = float(np.max(np.abs(data.xty)))
    grid = np.geomspace(top, top / 100, 40)
    slack = kkt_slack(data.xty)
    active, plain_passes = ActiveSet(), 0
    solver = WorkingSetSolver(data, slack)
    for alpha in grid:
        penalty = EnetPenalty(float(alpha), 1.0)
        plain = solve_enet(data, active, penalty, threshold=0.0, max_iter=1000)
        plain_passes += plain.n_iter
        found = solver.solve(penalty, threshold=0.0, max_iter=1000)
        np.testing.assert_array_equal(found.coef != 0.0, plain.coef != 0.0)
    assert solver.full_passes < plain_passes
    assert solver.full_passes <= 3 * grid.size


def test_max_iter_bounds_the_passes() -> None:
    X, y = _wide(3)
    data = _data(X, y)
    penalty = EnetPenalty(float(np.max(np.abs(data.xty))) / 100, 1.0)
    found = WorkingSetSolver(data, kkt_slack(data.xty)).solve(penalty, threshold=0.0, max_iter=2)
    assert found.n_iter <= 2 + 1  # the last restricted solve may end on its own pass


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    ratio=st.floats(1.5, 200.0),
    l1_ratio=st.sampled_from([1.0, 0.7]),
)
def test_kkt_conditions_hold_on_every_column(seed: int, ratio: float, l1_ratio: float) -> None:
    X, y = _wide(seed % 1000, n=40, p=300)
    data = _data(X, y)
    alpha = float(np.max(np.abs(data.xty))) / (l1_ratio * ratio)
    penalty = EnetPenalty(alpha, l1_ratio)
    found = WorkingSetSolver(data, kkt_slack(data.xty)).solve(penalty, threshold=0.0, max_iter=1000)
    assert _kkt_residual(data, found.coef, penalty) <= 1e-9 * float(np.max(np.abs(data.xty)))


def _large_support_problem(
    seed: int, n: int, p: int, density: float, effects: float
) -> tuple[object, np.ndarray]:
    # sparse columns with many true effects: a support of several hundred, beyond
    # SPARSE_EXACT_SUPPORT, so the restricted problems go to coordinate descent
    rng = np.random.default_rng(seed)
    X = scipy.sparse.random(n, p, density=density, random_state=seed, format="csr")
    X.data = rng.standard_normal(X.data.size)
    coef = rng.standard_normal(p) * (rng.uniform(size=p) < effects)
    return X, np.asarray(X @ coef + 0.1 * rng.standard_normal(n) + 1.0)


# nearly orthogonal columns and a support well below n: coordinate descent all the way
WELL_CONDITIONED = (2000, 3000, 0.004, 0.15)
# a support about as large as n: coordinate descent slows down, the exact method takes over
ILL_CONDITIONED = (400, 3000, 0.02, 0.3)


@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize(
    ("design", "by_coordinates"), [(WELL_CONDITIONED, True), (ILL_CONDITIONED, False)]
)
def test_sparse_large_supports_match_the_exact_solver(
    design: tuple[int, int, float, float], by_coordinates: bool, positive: bool
) -> None:
    X, y = _large_support_problem(4, *design)
    data = _data(X, y)
    alpha = float(np.max(np.abs(data.xty))) / 100
    penalty = EnetPenalty(alpha, 1.0, None, positive)
    plain = solve_enet(data, ActiveSet(), penalty, threshold=0.0, max_iter=5000)
    solver = WorkingSetSolver(data, kkt_slack(data.xty))
    found = solver.solve(penalty, threshold=1e-13 * data.yty, max_iter=100000)
    assert np.count_nonzero(plain.coef) > SPARSE_EXACT_SUPPORT
    # well conditioned: coordinate descent to the end; else it hands over to the factor
    assert solver.coordinate is by_coordinates
    # certified by the full problem's gap: F(w) − min F ≤ gap ≤ the threshold asked for
    assert found.gap <= 1e-13 * data.yty
    assert found.objective - plain.objective <= found.gap + 1e-15 * data.yty
    scale = float(np.abs(plain.coef).max())
    np.testing.assert_allclose(found.coef, plain.coef, rtol=0, atol=1e-5 * scale)


def test_coordinate_descent_on_orthogonal_columns_is_the_soft_threshold() -> None:
    # orthogonal centered columns: one epoch gives the closed form
    # w_j = S(x_jᵀy/n, l1)/(||x_j||²/n + l2), exactly what the first update computes
    rng = np.random.default_rng(5)
    n, p = 12, 4
    dense = np.zeros((n, p))
    for j in range(p):
        dense[3 * j, j], dense[3 * j + 1, j] = 1.0, -1.0  # disjoint rows, mean 0
    dense *= rng.uniform(1.0, 3.0, p)
    X = scipy.sparse.csc_matrix(dense)
    y = rng.standard_normal(n) * 3.0
    data = least_squares_data(X, y, fit_intercept=False).certificate_form()
    assert isinstance(data, SparseDesignData)
    l1, l2 = 0.2, 0.1
    rule = DualityGapRule(EnetPenalty(l1 + l2, l1 / (l1 + l2)), 0.0, 0.0)
    found = coordinate_descent(
        data, np.zeros(p), np.full(p, l1), rule, threshold=0.0, max_epochs=50
    )
    c = dense.T @ y / n
    a = (dense**2).sum(axis=0) / n
    expected = np.sign(c) * np.maximum(np.abs(c) - l1, 0.0) / (a + l2)
    np.testing.assert_allclose(found.coef, expected, rtol=1e-14, atol=1e-15)
    assert found.gap <= 1e-14


def test_sparse_large_support_lasso_agrees_with_scikit_learn() -> None:
    # the public lasso on a sparse X whose support outgrows the exact solver, against
    # scikit-learn's coordinate descent on the same CSR matrix (both with an intercept)
    from sklearn.linear_model import Lasso

    from bayesreg import lasso

    X, y = _large_support_problem(6, *WELL_CONDITIONED)
    n = X.shape[0]  # type: ignore[attr-defined]
    xbar = np.asarray(X.mean(axis=0)).ravel()  # type: ignore[attr-defined]
    yc = y - y.mean()
    correlations = X.T @ yc - xbar * yc.sum()  # type: ignore[attr-defined]
    alpha = float(np.max(np.abs(correlations))) / (100 * n)
    fit = lasso(X, y, alpha, tol=1e-14)
    oracle = Lasso(alpha=alpha, tol=1e-14, max_iter=100000).fit(X, y)
    assert fit.converged
    assert fit.n_nonzero > SPARSE_EXACT_SUPPORT
    # both at gaps ≤ 1e-14·F(0) on a well-conditioned support: the coefficients agree to
    # within the rounding of their gaps, with the same zeros
    np.testing.assert_allclose(fit.coef, oracle.coef_, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(fit.coef != 0.0, oracle.coef_ != 0.0)
    assert fit.intercept == pytest.approx(oracle.intercept_, abs=1e-9)


def test_sparse_coordinate_descent_with_weights_factors_and_ridge_part() -> None:
    # observation weights (rows scaled, centering by √s̃), per-column L1 multipliers and an
    # L2 part: coordinate descent on the working sets against the exact active-set method
    X, y = _large_support_problem(7, *WELL_CONDITIONED)
    rng = np.random.default_rng(7)
    weights = rng.uniform(0.2, 3.0, y.size)
    data = least_squares_data(X, y, fit_intercept=True, sample_weight=weights).certificate_form()
    assert isinstance(data, SparseDesignData)
    assert data.row_scale is not None
    scale = rng.uniform(0.5, 2.0, data.xty.size)
    alpha = float(np.max(np.abs(data.xty) / scale)) / 60
    penalty = EnetPenalty(alpha, 0.8, scale, False)
    plain = solve_enet(data, ActiveSet(), penalty, threshold=0.0, max_iter=5000)
    solver = WorkingSetSolver(data, kkt_slack(data.xty))
    found = solver.solve(penalty, threshold=1e-13 * data.yty, max_iter=100000)
    assert np.count_nonzero(plain.coef) > SPARSE_EXACT_SUPPORT
    assert solver.coordinate
    assert found.gap <= 1e-13 * data.yty
    assert found.objective - plain.objective <= found.gap + 1e-15 * data.yty
    top = float(np.abs(plain.coef).max())
    np.testing.assert_allclose(found.coef, plain.coef, rtol=0, atol=1e-5 * top)


def test_sparse_lasso_path_through_the_switch_agrees_with_scikit_learn() -> None:
    # along a path the support outgrows SPARSE_EXACT_SUPPORT: the first alphas are solved
    # by the exact method, the later ones by coordinate descent; every point against
    # scikit-learn's lasso_path on the same CSR matrix (no intercept: neither centers)
    from sklearn.linear_model import lasso_path as sklearn_lasso_path

    from bayesreg import lasso_path

    X, y = _large_support_problem(8, *WELL_CONDITIONED)
    top = float(np.max(np.abs(X.T @ y))) / y.size  # type: ignore[attr-defined]
    alphas = np.geomspace(top, top / 100, 12)
    path = lasso_path(X, y, alphas, fit_intercept=False, tol=1e-14)
    _, oracle, _ = sklearn_lasso_path(X, y, alphas=alphas, tol=1e-14, max_iter=100000)
    assert bool(path.converged.all())
    assert np.count_nonzero(path.coefs[-1]) > SPARSE_EXACT_SUPPORT
    np.testing.assert_allclose(path.coefs, oracle.T, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(path.coefs != 0.0, oracle.T != 0.0)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    ratio=st.floats(1.5, 300.0),
    l1_ratio=st.sampled_from([1.0, 0.6]),
    positive=st.booleans(),
)
def test_coordinate_descent_is_certified_on_random_sparse_designs(
    seed: int, ratio: float, l1_ratio: float, positive: bool
) -> None:
    # coordinate descent forced from the first column on (no exact solver): whatever the
    # design and alpha, the returned gap is the full problem's and meets the threshold
    # asked for, and F at the result is within that gap of the exact minimum
    import bayesreg.core._working_set as working_set

    X, y = _large_support_problem(seed % 1000, 120, 400, 0.05, 0.2)
    data = _data(X, y)
    alpha = float(np.max(np.abs(data.xty))) / (l1_ratio * ratio)
    penalty = EnetPenalty(alpha, l1_ratio, None, positive)
    threshold = 1e-10 * data.yty
    original = working_set.SPARSE_EXACT_SUPPORT
    working_set.SPARSE_EXACT_SUPPORT = -1
    try:
        solver = WorkingSetSolver(data, kkt_slack(data.xty))
        found = solver.solve(penalty, threshold=threshold, max_iter=1000)
    finally:
        working_set.SPARSE_EXACT_SUPPORT = original
    exact = solve_enet(data, ActiveSet(), penalty, threshold=0.0, max_iter=5000)
    assert solver.coordinate or solver._exact  # coordinate descent ran (or handed over)
    index = np.flatnonzero(found.coef)
    correlation, residual_sq = data.correlation(index, found.coef[index])
    assert found.gap <= threshold
    assert penalty.duality_gap(found.coef, correlation, residual_sq) <= 1.01 * threshold
    assert found.objective - exact.objective <= threshold + 1e-15 * data.yty
    if positive:
        assert np.all(found.coef >= 0.0)
