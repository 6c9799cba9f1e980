"""find_map's minimizer: the core's proximal Newton engine on a PyMC model's −log p.

The problem is

    min_θ f(θ) = s(θ) + Σ_i w_i(θ) |θ_{K_i} − m_i|,

s smooth, the weights w_i > 0 smooth in θ and the locations m_i fixed. At the iterate θ
with signs ς = sign(θ_K − m), the compiled oracle (:class:`~bayesreg.pymc.oracle.NewtonTerms`)
returns the smooth function f_ς(θ) = s(θ) + Σ_i w_i(θ) ς_i (θ_{K_i} − m_i), its gradient g
and Hessian H. The engine (:func:`bayesreg.core.newton.minimize`) reads the gradient with
the |·| factors held fixed, ĝ = g − w ς on the kink coordinates (on the others g already
carries Σ_i ∇w_i |θ_{K_i} − m_i|), and H. −log p is not known to be convex in general
(σ free, a hierarchical scale), so the engine damps H with Marquardt's scaling, and every
step works on all coordinates (the oracle computes the Hessian whole). Its subproblem is
solved exactly and Jacobi-scaled, so zeros are exact and the iterates do not depend on the
units of the data.

Coordinates bounded below at their location (an untransformed Exponential or HalfNormal
variable, :mod:`bayesreg.pymc.structure`) are the engine's bounded coordinates
(``Point.positive``): f is minimized over θ_j ≥ m_j, the iterates stay there, and their
signs ς_j are 0 or +1.

The certificate is the KKT residual, the sup norm over all coordinates of the distance of
−ĝ to the subdifferential of the L1 terms (|ĝ_j| on the smooth coordinates; at a bound,
the one-sided ``max(−ĝ_j − λ_j, 0)``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bayesreg.core.newton import DenseCurvature, Point, minimize
from bayesreg.core.types import BoolArray, FloatArray, IndexArray
from bayesreg.pymc.oracle import NewtonTerms

__all__ = ["SolverResult", "minimize_kinked"]


Oracle = Callable[[FloatArray, FloatArray], NewtonTerms]


@dataclass(frozen=True)
class SolverResult:
    """Minimizer θ, its certificate and the iterations used.

    ``log_density`` is −f(θ); ``at_kink`` marks the kink coordinates exactly at m.
    """

    theta: FloatArray
    gap: float
    threshold: float
    n_iter: int
    log_density: float
    at_kink: BoolArray

    @property
    def converged(self) -> bool:
        """Whether the KKT residual reached the threshold."""
        return self.gap <= self.threshold


class _KinkedProblem:
    """f as a :class:`~bayesreg.core.newton.NewtonProblem`; the last evaluation is kept, so
    the point the line search accepts is not evaluated twice."""

    convex = False
    working_sets = False

    def __init__(
        self,
        oracle: Oracle,
        kink_index: IndexArray,
        theta0: FloatArray,
        bounded: BoolArray | None = None,
    ) -> None:
        self._oracle = oracle
        self._kink_index = kink_index
        self.locations = oracle(theta0, np.zeros(kink_index.size)).locations
        self._last: tuple[FloatArray, NewtonTerms] | None = None
        self._positive: BoolArray | None = None
        if bounded is not None and bounded.any():
            self._positive = np.zeros(theta0.size, dtype=bool)
            self._positive[kink_index[bounded]] = True

    def terms(self, theta: FloatArray) -> NewtonTerms:
        """The oracle at θ, with ς = sign(θ_K − m)."""
        if self._last is not None and np.array_equal(self._last[0], theta):
            return self._last[1]
        terms = self._oracle(theta, np.sign(theta[self._kink_index] - self.locations))
        self._last = (theta.copy(), terms)
        return terms

    def evaluate(self, theta: FloatArray) -> Point:
        terms = self.terms(theta)
        weights = np.zeros_like(theta)
        locations = np.zeros_like(theta)
        weights[self._kink_index] = terms.weights
        locations[self._kink_index] = terms.locations
        # On the kink coordinates g = ∇s + w ς: remove the linear term of the orthant.
        gradient = terms.grad.copy()
        signs = np.sign(theta[self._kink_index] - terms.locations)
        gradient[self._kink_index] -= terms.weights * signs
        return Point(theta, terms.value, gradient, weights, locations, terms, self._positive)

    def curvature(self, point: Point, columns: IndexArray) -> DenseCurvature:
        terms: NewtonTerms = point.state
        if columns.size == point.theta.size:
            return DenseCurvature(terms.hess)
        return DenseCurvature(terms.hess[np.ix_(columns, columns)])

    def line(
        self, point: Point, columns: IndexArray, direction: FloatArray
    ) -> Callable[[float, FloatArray], float]:
        return lambda step, theta: self.terms(theta).value


def minimize_kinked(
    oracle: Oracle,
    theta0: FloatArray,
    kink_index: IndexArray,
    *,
    tol: float,
    max_iter: int,
    bounded: BoolArray | None = None,
) -> SolverResult:
    """Minimize f from ``theta0`` (see the module docstring).

    ``bounded`` (one entry per kink coordinate; None: none) marks the kink coordinates
    constrained to ``θ ≥ m``; ``theta0`` must satisfy the bounds.

    The iteration stops when the KKT residual is at most ``tol · max(1, ‖ĝ(θ₀)‖∞)`` (the
    gradient at the start sets the scale of the problem), after one more Newton step that
    is kept if it lowers the residual: near the solution that step takes the estimate to
    machine precision.
    """
    problem = _KinkedProblem(oracle, kink_index, theta0, bounded)
    start = problem.evaluate(theta0)
    threshold = tol * max(1.0, float(np.max(np.abs(start.gradient), initial=0.0)))
    result = minimize(problem, theta0.copy(), threshold=threshold, max_iter=max_iter, polish=True)
    theta = result.point.theta
    return SolverResult(
        theta=theta,
        gap=result.kkt,
        threshold=threshold,
        n_iter=result.n_iter,
        log_density=-result.point.value,
        at_kink=theta[kink_index] == problem.locations,
    )
