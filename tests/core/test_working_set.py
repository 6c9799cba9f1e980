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

from bayesreg.core._active_set import ActiveSet, kkt_slack, solve_enet
from bayesreg.core._duality import EnetPenalty
from bayesreg.core._least_squares import DesignData, SparseDesignData
from bayesreg.core._working_set import WorkingSetSolver
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
    # strictly convex)
    np.testing.assert_array_equal(found.coef != 0.0, plain.coef != 0.0)
    np.testing.assert_allclose(
        found.coef, plain.coef, rtol=0, atol=1e-10 * np.abs(plain.coef).max()
    )
    # the gap returned is the full problem's, and its KKT conditions hold on all columns
    index = np.flatnonzero(found.coef)
    correlation, residual_sq = data.correlation(index, found.coef[index])
    # (to rounding: the pass that measured it formed the residual by another product)
    assert found.gap == pytest.approx(
        penalty.duality_gap(found.coef, correlation, residual_sq), abs=1e-13 * data.yty
    )
    assert _kkt_residual(data, found.coef, penalty) <= 1e-9 * float(np.max(np.abs(data.xty)))
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
