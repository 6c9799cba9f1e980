"""The exact constrained solutions in two dimensions, against cvxpy, scikit-learn and KKT."""

from __future__ import annotations

import cvxpy as cp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import Lasso, Ridge

from bayesreg.core.geometry import constraint_geometry
from bayesreg.errors import DataError, InputValueError

# cvxpy with SCS at eps 1e-11 solves these 2-D problems to about 1e-9 (Clarabel's
# interior point stops near 1e-6 on the disc constraint).
CVXPY_TOL = 1e-6


def _vertex_example() -> tuple[np.ndarray, np.ndarray]:
    """Two correlated features, the second with a small effect: the lasso hits a corner."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 2)) @ np.array([[1.0, 0.6], [0.0, 0.8]])
    y = X @ np.array([2.0, 0.4]) + 0.5 * rng.standard_normal(200)
    return X, y


def _centered(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return X - X.mean(axis=0), y - y.mean()


def _cvxpy_constrained(X: np.ndarray, y: np.ndarray, budget: float, norm: int) -> np.ndarray:
    """argmin 1/(2n)||yc − Xc w||² s.t. ||w||_norm ≤ budget, by a generic convex solver."""
    Xc, yc = _centered(X, y)
    w = cp.Variable(2)
    loss = cp.sum_squares(yc - Xc @ w) / (2 * len(yc))  # type: ignore[attr-defined]
    constraint = (cp.norm1(w) if norm == 1 else cp.norm2(w)) <= budget  # type: ignore[attr-defined]
    problem = cp.Problem(cp.Minimize(loss), [constraint])
    problem.solve(  # type: ignore[no-untyped-call]
        solver=cp.SCS, eps_abs=1e-11, eps_rel=1e-11, max_iters=200_000
    )
    return np.asarray(w.value, dtype=np.float64)


def test_l1_solution_is_a_vertex_with_a_zero_coefficient() -> None:
    X, y = _vertex_example()
    geometry = constraint_geometry(X, y, budget=1.0)
    w = geometry.l1_solution
    # on the diamond's corner (1, 0): exactly one exact zero, ||w||₁ = t
    assert w[1] == 0.0
    assert w[0] == pytest.approx(1.0, abs=1e-15)
    # KKT: −∇L(w) = λ g with g ∈ ∂||w||₁: |∇₁L| = λ, |∇₂L| ≤ λ, sign(−∇₁L) = sign(w₁)
    gradient = geometry.gram @ w - geometry.moment
    assert abs(gradient[0]) == pytest.approx(geometry.l1_alpha, rel=1e-14)
    assert -gradient[0] > 0.0
    assert abs(gradient[1]) < geometry.l1_alpha
    np.testing.assert_allclose(w, _cvxpy_constrained(X, y, 1.0, 1), atol=CVXPY_TOL)
    # the L2 solution of the same budget has no zero
    assert np.all(geometry.l2_solution != 0.0)


def test_l1_solution_is_the_lasso_at_its_multiplier() -> None:
    X, y = _vertex_example()
    geometry = constraint_geometry(X, y, budget=1.0)
    lasso = Lasso(alpha=geometry.l1_alpha, tol=1e-14, max_iter=100_000).fit(X, y)
    # scikit-learn's Lasso has our scaling (alpha = A); coordinate descent to 1e-14
    np.testing.assert_allclose(lasso.coef_, geometry.l1_solution, atol=1e-9)


def test_l2_solution_has_norm_budget_and_is_a_ridge_solution() -> None:
    X, y = _vertex_example()
    budget = 1.0
    geometry = constraint_geometry(X, y, budget=budget)
    w = geometry.l2_solution
    assert np.linalg.norm(w) == pytest.approx(budget, rel=1e-12)
    # KKT of the ridge problem at alpha = μ: (G + μI) w = c
    residual = (geometry.gram + geometry.l2_alpha * np.eye(2)) @ w - geometry.moment
    assert np.max(np.abs(residual)) < 1e-13
    # scikit-learn Ridge(A) minimizes ||y − Xw||² + A||w||², our alpha = A/n
    ridge = Ridge(alpha=len(y) * geometry.l2_alpha, solver="cholesky").fit(X, y)
    np.testing.assert_allclose(ridge.coef_, w, rtol=0, atol=1e-12)
    np.testing.assert_allclose(w, _cvxpy_constrained(X, y, budget, 2), atol=CVXPY_TOL)


@settings(max_examples=20, deadline=None)
@given(
    correlation=st.floats(-0.9, 0.9),
    coef=st.tuples(st.floats(-3.0, 3.0), st.floats(-3.0, 3.0)),
    fraction=st.floats(0.05, 0.95),
    seed=st.integers(0, 10_000),
)
def test_constrained_solutions_match_cvxpy(
    correlation: float, coef: tuple[float, float], fraction: float, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    mixing = np.linalg.cholesky(np.array([[1.0, correlation], [correlation, 1.0]]))
    X = rng.standard_normal((40, 2)) @ mixing.T
    y = X @ np.array(coef) + rng.standard_normal(40) + 3.0
    least_squares = np.linalg.lstsq(*_centered(X, y), rcond=None)[0]
    # a budget below ||ŵ||₂ makes both constraints bind
    budget = fraction * float(np.linalg.norm(least_squares))
    geometry = constraint_geometry(X, y, budget=budget)
    np.testing.assert_allclose(geometry.least_squares, least_squares, atol=1e-10)
    np.testing.assert_allclose(
        geometry.l1_solution, _cvxpy_constrained(X, y, budget, 1), atol=CVXPY_TOL
    )
    np.testing.assert_allclose(
        geometry.l2_solution, _cvxpy_constrained(X, y, budget, 2), atol=CVXPY_TOL
    )
    assert np.abs(geometry.l1_solution).sum() == pytest.approx(budget, rel=1e-12)
    assert np.linalg.norm(geometry.l2_solution) == pytest.approx(budget, rel=1e-12)


def test_alpha_sets_the_budget_to_the_lasso_norm() -> None:
    X, y = _vertex_example()
    alpha = 0.3
    geometry = constraint_geometry(X, y, alpha=alpha)
    lasso = Lasso(alpha=alpha, tol=1e-14, max_iter=100_000).fit(X, y)
    assert geometry.budget == pytest.approx(np.abs(lasso.coef_).sum(), rel=1e-9)
    np.testing.assert_allclose(geometry.l1_solution, lasso.coef_, atol=1e-9)
    assert geometry.l1_alpha == pytest.approx(alpha, rel=1e-9)


def test_inactive_constraints_return_least_squares() -> None:
    X, y = _vertex_example()
    least_squares = np.linalg.lstsq(*_centered(X, y), rcond=None)[0]
    geometry = constraint_geometry(X, y, budget=10.0 * np.abs(least_squares).sum())
    np.testing.assert_allclose(geometry.l1_solution, least_squares, atol=1e-12)
    np.testing.assert_allclose(geometry.l2_solution, least_squares, atol=1e-12)
    assert geometry.l1_alpha == 0.0
    assert geometry.l2_alpha == 0.0


def test_default_budget_is_half_the_least_squares_norm() -> None:
    X, y = _vertex_example()
    geometry = constraint_geometry(X, y)
    assert geometry.budget == pytest.approx(0.5 * np.linalg.norm(geometry.least_squares))
    assert geometry.loss(geometry.least_squares) <= geometry.loss(geometry.l2_solution)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"budget": 1.0, "alpha": 0.1}, InputValueError, "alpha or budget, not both"),
        ({"budget": 0.0}, InputValueError, "budget must be a finite number > 0"),
        ({"alpha": 100.0}, InputValueError, "alpha must be below alpha_max"),
        ({"alpha": -1.0}, InputValueError, "alpha must be a finite number ≥ 0"),
    ],
)
def test_geometry_rejects_bad_options(
    kwargs: dict[str, float], error: type[Exception], message: str
) -> None:
    X, y = _vertex_example()
    with pytest.raises(error, match=message):
        constraint_geometry(X, y, **kwargs)


def test_geometry_rejects_bad_designs() -> None:
    X, y = _vertex_example()
    with pytest.raises(DataError, match="exactly 2 columns"):
        constraint_geometry(np.column_stack([X, X[:, 0]]), y)
    with pytest.raises(DataError, match="collinear"):
        constraint_geometry(np.column_stack([X[:, 0], 2.0 * X[:, 0] + 1.0]), y)
