"""Proximal Newton with an exact L1-quadratic subproblem: the minimizer behind find_map.

The problem is

    min_θ f(θ) = s(θ) + Σ_i w_i(θ) |θ_{K_i} − m_i|,

s smooth, the weights w_i > 0 smooth in θ and the locations m_i fixed. At the iterate θ
with signs ς = sign(θ_K − m), the oracle returns the smooth function
f_ς(θ) = s(θ) + Σ_i w_i(θ) ς_i (θ_{K_i} − m_i), its gradient g and Hessian H. With the
weights frozen at w = w(θ) the step solves the subproblem

    min_u  ĝᵀ(u − θ) + ½ (u − θ)ᵀ (H + μI) (u − θ) + Σ_i w_i |u_{K_i} − m_i|,

where ĝ is the gradient of f with the |·| factors held fixed (ĝ = g − w ς on the kink
coordinates; on the others g already carries Σ_i ∇w_i |θ_{K_i} − m_i|). The subproblem, a
strongly convex quadratic plus weighted L1, is solved exactly in finitely many steps by
feature-sign search (Lee, Battle, Raina & Ng, 2007), so its zeros are exact. A backtracking
line search on f along u − θ (Armijo with the model decrease Δ) makes every step a descent
step (Lee, Sun & Saunders, 2014, proximal Newton). Once the zero pattern is right the
steps are Newton steps on the smooth function f_ς restricted to the non-zero
coordinates: convergence is quadratic. μ ≥ 0 is the smallest shift that makes H + μI
positive definite with a margin, in the units of the Hessian's diagonal D² = |diag H|
(Levenberg-Marquardt with Marquardt's scaling: H + μD²); it is 0 near a strict minimum.

The certificate is the KKT residual, the sup norm over all coordinates of the distance of
−∇s to the subdifferential of the L1 terms (|g_j| on the smooth coordinates).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

from bayesreg.core.penalties import subdiff_distance
from bayesreg.pymc.oracle import NewtonTerms

__all__ = ["SolverResult", "kkt_residual", "minimize_kinked"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

_EPS = float(np.finfo(np.float64).eps)
_ARMIJO = 1e-4
_MIN_STEP = 1e-12
# Margin λ_min(D⁻¹(H + μD²)D⁻¹) ≥ margin (D² = |diag H|), raised when a step was cut short.
_MIN_MARGIN = 1e-10
_MAX_MARGIN = 1.0


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


def kkt_residual(
    theta: FloatArray, terms: NewtonTerms, kink_index: IntArray, signs: FloatArray
) -> float:
    """``max_j dist(−∇_j s, w_j ∂|θ_j − m_j|)`` over all coordinates (w_j = 0 if smooth)."""
    weights, offsets, smooth_grad = _full_kink_arrays(theta, terms, kink_index, signs)
    return float(np.max(subdiff_distance(offsets, smooth_grad, weights, 1.0), initial=0.0))


def _full_kink_arrays(
    theta: FloatArray, terms: NewtonTerms, kink_index: IntArray, signs: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per-coordinate L1 weights, offsets θ − m (0 off the kinks) and ĝ = ∇s."""
    weights = np.zeros_like(theta)
    offsets = np.zeros_like(theta)
    weights[kink_index] = terms.weights
    offsets[kink_index] = theta[kink_index] - terms.locations
    smooth_grad = terms.grad.copy()
    # On the kink coordinates g = ∇s + w ς: remove the linear term of the orthant.
    smooth_grad[kink_index] -= terms.weights * signs
    return weights, offsets, smooth_grad


def minimize_kinked(
    oracle: Callable[[FloatArray, FloatArray], NewtonTerms],
    theta0: FloatArray,
    kink_index: IntArray,
    *,
    tol: float,
    max_iter: int,
) -> SolverResult:
    """Minimize f from ``theta0`` (see the module docstring).

    The iteration stops when the KKT residual is at most ``tol · max(1, ‖∇s(θ₀)‖∞)`` (the
    gradient at the start sets the scale of the problem), after one more Newton step that
    is kept if it lowers the residual: near the solution that step takes the estimate to
    machine precision.
    """
    locations = oracle(theta0, np.zeros(kink_index.size)).locations
    theta = theta0.copy()
    signs = _signs(theta, kink_index, locations)
    terms = oracle(theta, signs)
    gap = kkt_residual(theta, terms, kink_index, signs)
    _, _, start_grad = _full_kink_arrays(theta, terms, kink_index, signs)
    threshold = tol * max(1.0, float(np.max(np.abs(start_grad), initial=0.0)))
    margin = _MIN_MARGIN
    n_iter = 0
    while n_iter < max_iter and np.isfinite(gap):
        polishing = gap <= threshold
        step = _newton_step(oracle, theta, terms, kink_index, signs, margin)
        if step is None:
            break
        next_theta, next_terms, full_step = step
        next_signs = _signs(next_theta, kink_index, locations)
        next_gap = kkt_residual(next_theta, next_terms, kink_index, next_signs)
        if polishing and next_gap >= gap:
            break
        theta, terms, signs, gap = next_theta, next_terms, next_signs, next_gap
        n_iter += 1
        if polishing:
            break
        margin = max(margin / 100.0, _MIN_MARGIN) if full_step else min(margin * 100, _MAX_MARGIN)
    at_kink = theta[kink_index] == locations
    return SolverResult(theta, gap, threshold, n_iter, -terms.value, at_kink)


def _signs(theta: FloatArray, kink_index: IntArray, locations: FloatArray) -> FloatArray:
    signs: FloatArray = np.sign(theta[kink_index] - locations)
    return signs


def _newton_step(
    oracle: Callable[[FloatArray, FloatArray], NewtonTerms],
    theta: FloatArray,
    terms: NewtonTerms,
    kink_index: IntArray,
    signs: FloatArray,
    margin: float,
) -> tuple[FloatArray, NewtonTerms, bool] | None:
    """One damped proximal Newton step; None when no descent step exists (stationary)."""
    weights, offsets, smooth_grad = _full_kink_arrays(theta, terms, kink_index, signs)
    curvature = _shifted_hessian(terms.hess, margin)
    # Subproblem in v = u − c (c = m on the kinks, θ elsewhere): ½vᵀAv + bᵀv + Σ w|v_K|.
    center = theta - offsets
    target = _l1_quadratic_minimizer(
        curvature, smooth_grad - curvature @ offsets, weights, kink_index, offsets
    )
    proposal = center + target
    direction = target - offsets
    decrease = _model_decrease(smooth_grad, weights, offsets, target, direction)
    if not np.any(direction) or decrease >= 0.0:
        return None
    step = 1.0
    while step >= _MIN_STEP:
        # a unit step lands exactly on u, so the subproblem's zeros are kept exactly
        candidate = proposal if step == 1.0 else theta + step * direction
        candidate_terms = oracle(candidate, _signs(candidate, kink_index, terms.locations))
        # f is computed to about eps·|f|: a step that decreases f by less is not rejected
        slack = 8.0 * _EPS * abs(terms.value)
        if candidate_terms.value <= terms.value + _ARMIJO * step * decrease + slack:
            return candidate, candidate_terms, step == 1.0
        step /= 2.0
    return None


def _model_decrease(
    smooth_grad: FloatArray,
    weights: FloatArray,
    offsets: FloatArray,
    target: FloatArray,
    direction: FloatArray,
) -> float:
    """Δ = ĝᵀd + Σ w (|u_K − m| − |θ_K − m|), an upper bound on f'(θ; d), < 0 unless d = 0.

    Where the sign does not change, |u − m| − |θ − m| = ς d and the term is (ĝ + w ς) d,
    the gradient of f_ς times d: summed that way, Δ keeps its digits near the solution,
    where ĝ d and w ς d cancel to many places.
    """
    same_sign = np.sign(target) == np.sign(offsets)
    orthant_grad = smooth_grad + weights * np.sign(offsets)
    terms = np.where(
        same_sign,
        orthant_grad * direction,
        smooth_grad * direction + weights * (np.abs(target) - np.abs(offsets)),
    )
    return float(np.sum(terms))


def _shifted_hessian(hess: FloatArray, margin: float) -> FloatArray:
    """``H + μD²`` with the smallest μ ≥ 0 giving λ_min(D⁻¹(H + μD²)D⁻¹) ≥ margin.

    D = diag(√|H_jj|) (floored at eps · max|H_jj|): Marquardt's scaling. The shift is then
    the same in every unit system — rescaling a coordinate θ_j → c θ_j rescales row and
    column j of H and D alike — so a coordinate measured in large units (a coefficient of a
    column of X in 1e-9) does not set the damping of one measured in small units (log σ).
    """
    symmetric = 0.5 * (hess + hess.T)
    diagonal = np.abs(np.diag(symmetric))
    scale = np.sqrt(np.maximum(diagonal, _EPS * max(float(np.max(diagonal, initial=0.0)), _EPS)))
    # Ĥ = D⁻¹ H D⁻¹ has |Ĥ_jj| = 1 wherever H_jj is not negligible
    scaled = symmetric / np.outer(scale, scale)
    identity = np.eye(symmetric.shape[0])
    try:
        # λ_min(Ĥ) ≥ margin  ⇔  Ĥ − margin·I is positive definite: then μ = 0 (one Cholesky)
        scipy.linalg.cholesky(scaled - margin * identity)
        return symmetric
    except scipy.linalg.LinAlgError:
        smallest = float(scipy.linalg.eigvalsh(scaled, subset_by_index=[0, 0])[0])
    shifted: FloatArray = symmetric + max(0.0, margin - smallest) * np.diag(scale**2)
    return shifted


def _l1_quadratic_minimizer(
    curvature: FloatArray,
    linear: FloatArray,
    weights: FloatArray,
    kink_index: IntArray,
    start: FloatArray,
) -> FloatArray:
    """``argmin_v ½vᵀAv + bᵀv + Σ_j w_j |v_j|`` for A positive definite (feature-sign search).

    Coordinates off ``kink_index`` (w_j = 0) are always active. From ``start`` the search
    alternates two moves. (1) On the active set F with signs ς fixed, the minimizer is
    v_F = −A_FF⁻¹ (b_F + w_F ς_F); walk from the current point towards it and stop at the
    best of the end point and the points where a coordinate crosses zero (set exactly to
    0 and dropped from F). (2) When v is the minimizer on F, add the zero coordinate that
    violates |∂_j| ≤ w_j most, with the sign that decreases the objective. Each move
    strictly lowers the objective, so no (F, ς) repeats and the search ends in finitely
    many moves at the exact minimizer.
    """
    size = linear.size
    penalized = np.zeros(size, dtype=bool)
    penalized[kink_index] = True
    value = start.copy()
    active = ~penalized | (value != 0.0)
    signs = np.where(penalized, np.sign(value), 0.0)
    at_active_minimum = False
    for _ in range(10 * size + 100):
        if at_active_minimum:
            grad = curvature @ value + linear
            # rounding size of each ∂_j, so that noise never activates a coordinate
            noise = 64.0 * _EPS * (np.abs(curvature) @ np.abs(value) + np.abs(linear) + weights)
            violation = np.where(active, -np.inf, np.abs(grad) - weights - noise)
            entering = int(np.argmax(violation))
            if violation[entering] <= 0.0:
                return value
            active[entering] = True
            signs[entering] = -np.sign(grad[entering])
        free = np.flatnonzero(active)
        rhs = -(linear[free] + weights[free] * signs[free])
        solution = np.zeros(size)
        solution[free] = _solve_positive(curvature[np.ix_(free, free)], rhs)
        moved = _best_point_on_segment(curvature, linear, weights, signs, value, solution)
        if moved is None:
            return value
        value, at_active_minimum = moved
        active = ~penalized | (value != 0.0)
        if not at_active_minimum:
            signs = np.where(penalized, np.sign(value), 0.0)
    return value


def _best_point_on_segment(
    curvature: FloatArray,
    linear: FloatArray,
    weights: FloatArray,
    signs: FloatArray,
    value: FloatArray,
    solution: FloatArray,
) -> tuple[FloatArray, bool] | None:
    """The best of ``solution`` and the zero crossings on the segment from ``value``.

    ``signs`` are the signs the active penalized coordinates should keep (0 elsewhere).
    Returns the point and whether it is ``solution`` with those signs (then it is the
    minimizer on the active set); None when a sign changes and no point is better than
    ``value``.
    """

    def objective(point: FloatArray) -> float:
        return float(0.5 * point @ curvature @ point + linear @ point + weights @ np.abs(point))

    crossing = (signs != 0.0) & (np.sign(solution) != signs)
    if not np.any(crossing):
        # The minimizer over the closed orthant face that contains value, so never worse
        # (no comparison of objective values: near the optimum they differ by rounding).
        return solution, True
    current = objective(value)
    candidates = [(objective(solution), solution)]
    for j in np.flatnonzero(crossing):
        # the point of the segment value + t (solution − value) where coordinate j is 0
        fraction = value[j] / (value[j] - solution[j])
        point = value + fraction * (solution - value)
        point[j] = 0.0
        candidates.append((objective(point), point))
    best_value, best_point = min(candidates, key=lambda item: item[0])
    return (best_point, False) if best_value < current else None


def _solve_positive(matrix: FloatArray, rhs: FloatArray) -> FloatArray:
    """Solve ``matrix · x = rhs`` for a symmetric positive definite ``matrix`` (Cholesky).

    The system is solved Jacobi-scaled, S A S (S⁻¹x) = S b with S = diag(A)^(−1/2): a matrix
    that is ill-conditioned only because its coordinates are in different units is then
    well-conditioned, and the solution does not depend on those units.
    """
    scale = 1.0 / np.sqrt(np.diag(matrix))
    scaled: FloatArray = scipy.linalg.solve(
        matrix * np.outer(scale, scale), rhs * scale, assume_a="pos"
    )
    solution: FloatArray = scaled * scale
    return solution
