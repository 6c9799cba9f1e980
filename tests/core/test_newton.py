"""The proximal Newton engine and its exact L1-quadratic subproblem, against oracles.

Oracles: the KKT conditions written out here from the definition of the subdifferential,
the linear solve of a quadratic without L1 terms, cvxpy (CLARABEL) for the subproblem and
for a Poisson datafit defined in this file (one small class, as the datafits module
promises), and the core's least-squares elastic net (``elastic_net``, certified by its
duality gap) for the quadratic datafit, dense and sparse. Properties: the subproblem meets
its KKT conditions on random problems, zeros exactly where the condition is strict, and
does not depend on the units of its coordinates; so does the engine on a non-convex
problem, where it damps the Hessian.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import cvxpy
import numpy as np
import pytest
import scipy.sparse
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import NDArray
from scipy.special import expit

from bayesreg.core.datafits import Bernoulli, Quadratic
from bayesreg.core.enet_solver import elastic_net
from bayesreg.core.newton import DenseCurvature, Point, kkt_violations, minimize
from bayesreg.core.newton_glm import PenalizedGLM
from bayesreg.core.newton_subproblem import solve_dense

FloatArray = NDArray[np.float64]

cp: Any = cvxpy


# ---- the exact L1-quadratic subproblem --------------------------------------------------


def quadratic_kkt(
    matrix: FloatArray, linear: FloatArray, weights: FloatArray, point: FloatArray
) -> FloatArray:
    """Per coordinate, the violation of 0 ∈ A v − b + λ ∂|v| (from the definition)."""
    gradient = matrix @ point - linear
    return np.where(
        point != 0.0,
        np.abs(gradient + weights * np.sign(point)),
        np.maximum(np.abs(gradient) - weights, 0.0),
    )


def quadratic_value(
    matrix: FloatArray, linear: FloatArray, weights: FloatArray, point: FloatArray
) -> float:
    return float(0.5 * point @ matrix @ point - linear @ point + weights @ np.abs(point))


def random_quadratic(
    seed: int, size: int, rows: int, free: int
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """A = MᵀM (singular when rows < size), b = Mᵀr in its range, λ ≥ 0 (``free`` zeros)."""
    rng = np.random.default_rng(seed)
    factor = rng.standard_normal((rows, size)) * rng.uniform(0.2, 3.0, size)
    matrix = factor.T @ factor / rows
    linear = factor.T @ rng.standard_normal(rows)
    weights = rng.uniform(0.0, 1.0, size) * float(np.max(np.abs(linear)))
    weights[:free] = 0.0
    start = np.where(rng.random(size) < 0.5, rng.standard_normal(size), 0.0)
    return matrix, linear, weights, start


@given(
    seed=st.integers(0, 2**16),
    size=st.integers(1, 25),
    rows=st.integers(1, 40),
    free=st.integers(0, 3),
)
def test_subproblem_meets_its_kkt_conditions_from_any_start(
    seed: int, size: int, rows: int, free: int
) -> None:
    matrix, linear, weights, start = random_quadratic(seed, size, rows, min(free, size))
    if rows < size:
        # a singular A with smooth coordinates may have no minimizer; keep every
        # coordinate penalized there (q is then bounded below)
        weights = np.maximum(weights, 0.1 * float(np.max(np.abs(linear))) + 1e-3)
    solution = solve_dense(matrix, linear, weights, start)
    scale = float(np.max(np.abs(linear))) + float(np.max(np.abs(matrix) @ np.abs(solution)))
    assert np.max(quadratic_kkt(matrix, linear, weights, solution)) <= 1e-9 * scale
    # every step decreases q, so the solution is never worse than the start
    value = quadratic_value(matrix, linear, weights, solution)
    assert value <= quadratic_value(matrix, linear, weights, start) + 1e-12 * scale


@pytest.mark.parametrize("seed", range(4))
def test_subproblem_matches_cvxpy_with_exact_zeros(seed: int) -> None:
    matrix, linear, weights, start = random_quadratic(seed, 30, 60, 2)
    solution = solve_dense(matrix, linear, weights, start)
    variable = cp.Variable(30)
    objective = 0.5 * cp.quad_form(variable, cp.psd_wrap(matrix)) - linear @ variable
    problem = cp.Problem(cp.Minimize(objective + weights @ cp.abs(variable)))
    problem.solve(solver="CLARABEL", tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12)
    oracle = np.asarray(variable.value)
    np.testing.assert_allclose(solution, oracle, rtol=0, atol=1e-7 * np.max(np.abs(oracle)))
    # the oracle (interior point) is zero to its precision exactly where we hold 0.0
    assert np.all(np.abs(oracle[solution == 0.0]) <= 1e-7)
    assert np.all(solution[np.abs(oracle) > 1e-5] != 0.0)
    assert 0 < np.count_nonzero(solution) < 30


def test_subproblem_without_l1_terms_is_the_linear_solve() -> None:
    matrix, linear, _, start = random_quadratic(5, 12, 30, 0)
    solution = solve_dense(matrix, linear, np.zeros(12), start)
    np.testing.assert_allclose(solution, np.linalg.solve(matrix, linear), rtol=1e-11)


@pytest.mark.parametrize("seed", range(3))
def test_subproblem_does_not_depend_on_the_units_of_its_coordinates(seed: int) -> None:
    # v = D u: the problem in u has D A D, D b, D λ; its solution is D⁻¹ v, zeros included
    matrix, linear, weights, start = random_quadratic(seed, 15, 40, 1)
    units = 10.0 ** np.random.default_rng(seed).uniform(-9, 9, 15)
    base = solve_dense(matrix, linear, weights, start)
    scaled = solve_dense(
        matrix * np.outer(units, units), linear * units, weights * units, start / units
    )
    np.testing.assert_array_equal(scaled == 0.0, base == 0.0)
    np.testing.assert_allclose(scaled * units, base, rtol=1e-10, atol=0)


# ---- the engine on generalized linear models ----------------------------------------------


def design(n: int, p: int, seed: int, *, sparse: bool) -> Any:
    rng = np.random.default_rng(seed)
    if sparse:
        matrix = scipy.sparse.random(n, p, density=0.2, random_state=seed, format="csc")
        return matrix * 3.0
    return rng.standard_normal((n, p))


def glm_fit(
    X: Any, datafit: Any, alpha: float, l1_ratio: float, fit_intercept: bool
) -> tuple[PenalizedGLM, Any]:
    problem = PenalizedGLM(X, datafit, alpha, l1_ratio, fit_intercept)
    start = problem.theta(np.zeros(X.shape[1]), 0.0)
    return problem, minimize(problem, start, threshold=1e-13, max_iter=100)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_quadratic_datafit_gives_the_elastic_net(
    sparse: bool, fit_intercept: bool, l1_ratio: float
) -> None:
    X = design(120, 30, 1, sparse=sparse)
    truth = np.zeros(30)
    truth[:4] = [2.0, -1.5, 1.0, 0.5]
    y = np.asarray(X @ truth) + 0.5 * np.random.default_rng(2).standard_normal(120) + 1.0
    alpha = 0.05
    reference = elastic_net(X, y, alpha, l1_ratio, fit_intercept=fit_intercept, tol=1e-14)
    problem, result = glm_fit(X, Quadratic(y), alpha, l1_ratio, fit_intercept)
    coef, intercept = problem.split(result.point.theta)
    assert result.kkt <= 1e-13
    np.testing.assert_allclose(coef, reference.coef, rtol=0, atol=1e-9)
    assert intercept == pytest.approx(reference.intercept, abs=1e-9)
    np.testing.assert_array_equal(coef == 0.0, reference.coef == 0.0)
    assert 0 < np.count_nonzero(coef) < 30


@dataclass(frozen=True)
class Poisson:
    """The Poisson log-likelihood with log link: L(η) = 1/n Σ [exp(η) − y η]."""

    y: FloatArray

    def value(self, eta: FloatArray) -> float:
        return float(np.mean(np.exp(eta) - self.y * eta))

    def derivatives(self, eta: FloatArray) -> tuple[FloatArray, FloatArray]:
        mean = np.exp(eta)
        return (mean - self.y) / self.y.size, mean / self.y.size


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.0])
def test_a_poisson_datafit_is_one_small_class(l1_ratio: float) -> None:
    rng = np.random.default_rng(3)
    X = rng.standard_normal((150, 12)) * 0.5
    truth = np.zeros(12)
    truth[:3] = [0.8, -0.6, 0.4]
    counts = rng.poisson(np.exp(X @ truth + 0.5)).astype(float)
    alpha = 0.02
    problem, result = glm_fit(X, Poisson(counts), alpha, l1_ratio, True)
    coef, intercept = problem.split(result.point.theta)
    assert result.kkt <= 1e-13
    weights = cp.Variable(12)
    offset = cp.Variable()
    eta = X @ weights + offset
    loss = cp.sum(cp.exp(eta) - cp.multiply(counts, eta)) / 150
    penalty = l1_ratio * cp.norm1(weights) + (1 - l1_ratio) / 2 * cp.sum_squares(weights)
    cp.Problem(cp.Minimize(loss + alpha * penalty)).solve(
        solver="CLARABEL", tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12
    )
    np.testing.assert_allclose(coef, weights.value, rtol=0, atol=1e-6)
    assert intercept == pytest.approx(float(offset.value), abs=1e-6)
    if l1_ratio > 0.0:
        assert np.all(np.abs(np.asarray(weights.value)[coef == 0.0]) <= 1e-6)
        assert 0 < np.count_nonzero(coef) < 12


@pytest.mark.parametrize(
    "datafit",
    [Quadratic(np.array([0.3, -1.2, 2.0, 0.7])), Bernoulli(np.array([0.0, 1.0, 1.0, 0.0]))],
)
def test_datafit_derivatives_are_those_of_its_value(datafit: Any) -> None:
    eta = np.array([0.4, -2.0, 1.5, 30.0])
    gradient, weights = datafit.derivatives(eta)
    step = 1e-6
    for i in range(eta.size):
        bump = np.zeros(4)
        bump[i] = step
        slope = (datafit.value(eta + bump) - datafit.value(eta - bump)) / (2 * step)
        assert slope == pytest.approx(gradient[i], rel=1e-6, abs=1e-9)
        curve = (datafit.derivatives(eta + bump)[0][i] - datafit.derivatives(eta - bump)[0][i]) / (
            2 * step
        )
        assert curve == pytest.approx(weights[i], rel=1e-5, abs=1e-9)


def test_kkt_violations_are_the_distance_to_the_subdifferential() -> None:
    X = design(60, 8, 4, sparse=False)
    y = (np.random.default_rng(4).random(60) < expit(X[:, 0])).astype(float)
    problem = PenalizedGLM(X, Bernoulli(y), 0.05, 0.7, True)
    theta = np.array([0.2, 0.5, 0.0, -0.3, 0.0, 0.0, 1.0, 0.0, 0.1])
    point = problem.evaluate(theta)
    coef = theta[1:]
    eta = X @ coef + theta[0]
    gradient = X.T @ (expit(eta) - y) / 60 + 0.05 * 0.3 * coef
    expected = np.where(
        coef != 0.0,
        np.abs(gradient + 0.05 * 0.7 * np.sign(coef)),
        np.maximum(np.abs(gradient) - 0.05 * 0.7, 0.0),
    )
    violations = kkt_violations(point)
    np.testing.assert_allclose(violations[1:], expected, rtol=1e-12, atol=1e-16)
    assert violations[0] == pytest.approx(abs(np.mean(expit(eta) - y)), rel=1e-12)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_woodbury_solve_is_the_hessian_solve(fit_intercept: bool) -> None:
    X = design(20, 50, 5, sparse=False)
    y = (np.random.default_rng(5).random(20) < 0.5).astype(float)
    problem = PenalizedGLM(X, Bernoulli(y), 0.1, 0.0, fit_intercept)
    point = problem.evaluate(np.random.default_rng(6).standard_normal(50 + fit_intercept) * 0.1)
    columns = np.arange(point.theta.size)
    curvature = problem.curvature(point, columns)
    assert not isinstance(curvature, DenseCurvature)  # the n×n form
    rhs = np.random.default_rng(7).standard_normal(columns.size)
    np.testing.assert_allclose(
        curvature.solve(rhs), np.linalg.solve(curvature.matrix(), rhs), rtol=1e-9
    )


def test_singular_curvature_solves_in_the_least_squares_sense() -> None:
    singular = np.array([[1.0, 1.0], [1.0, 1.0]])
    solution = DenseCurvature(singular).solve(np.array([2.0, 2.0]))
    np.testing.assert_allclose(solution, [1.0, 1.0])


# ---- the engine on a non-convex problem ---------------------------------------------------


@dataclass(frozen=True)
class DoubleWell:
    """f(θ) = Σ_j [(x_j² − 1)²/4 + c_j x_j] + Σ_j λ_j |x_j − m_j|,  x = θ / units.

    Its Hessian (3x² − 1)/units² is indefinite near 0, so the engine must damp it; the
    same function measured in other units (θ = units · x) has the same minimizers in x.
    """

    units: FloatArray
    tilt: FloatArray
    kink: FloatArray  # λ in x-units
    location: FloatArray  # m in x-units

    convex = False
    working_sets = False

    def evaluate(self, theta: FloatArray) -> Point:
        x = theta / self.units
        value = float(
            np.sum((x**2 - 1.0) ** 2 / 4 + self.tilt * x + self.kink * np.abs(x - self.location))
        )
        gradient = (x**3 - x + self.tilt) / self.units
        return Point(theta, value, gradient, self.kink / self.units, self.location * self.units)

    def curvature(self, point: Point, columns: NDArray[np.intp]) -> DenseCurvature:
        x = point.theta[columns] / self.units[columns]
        return DenseCurvature(np.diag((3 * x**2 - 1.0) / self.units[columns] ** 2))

    def line(
        self, point: Point, columns: NDArray[np.intp], direction: FloatArray
    ) -> Callable[[float, FloatArray], float]:
        return lambda step, theta: self.evaluate(theta).value


WELL = {
    "tilt": np.array([0.1, -0.2, 0.05, 0.3, -0.1, 0.0]),
    "kink": np.array([0.0, 0.5, 0.05, 0.2, 0.0, 1.0]),
    "location": np.array([0.0, 0.3, -0.1, 0.0, 0.0, 0.5]),
}
# near the local maximum at x = 0, where the Hessian is negative definite
WELL_START = np.full(6, 0.05)


def test_engine_damps_an_indefinite_hessian_to_a_certified_minimum() -> None:
    well = DoubleWell(units=np.ones(6), **WELL)
    result = minimize(well, WELL_START.copy(), threshold=1e-13, max_iter=100, polish=True)
    assert result.kkt <= 1e-13
    assert not result.stalled
    x = result.point.theta
    # a stationary point where every smooth coordinate has positive curvature: a minimum
    smooth = (well.kink == 0.0) | (x != well.location)
    assert np.all(3 * x[smooth] ** 2 - 1.0 > 0.0)
    # the coordinate with a strong kink sits exactly on it
    assert x[5] == 0.5


@pytest.mark.parametrize("units", [1e-6, 1e-3, 1e3, 1e6])
@pytest.mark.parametrize("n_steps", [1, 3, 8])
def test_engine_steps_do_not_depend_on_the_units_of_the_coordinates(
    units: float, n_steps: int
) -> None:
    # θ_j = s_j x_j with s_j from 1e-2 to 1e3 times ``units``: the same function of x.
    # Marquardt's damping and the Jacobi-scaled subproblem make every step the same in x
    # (the threshold 0 is never met, so both runs take n_steps steps).
    scale = units * 10.0 ** np.arange(-2, 4)
    runs = [
        minimize(DoubleWell(units=s, **WELL), WELL_START * s, threshold=0.0, max_iter=n_steps)
        for s in (np.ones(6), scale)
    ]
    assert runs[0].n_iter == runs[1].n_iter == n_steps
    x = runs[1].point.theta / scale
    np.testing.assert_allclose(x, runs[0].point.theta, rtol=1e-9, atol=1e-15)
    np.testing.assert_array_equal(x == WELL["location"], runs[0].point.theta == WELL["location"])
