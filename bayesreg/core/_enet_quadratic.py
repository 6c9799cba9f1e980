"""The proximal Newton subproblem: an L1-penalized quadratic, solved exactly.

    minimize  q(u) = ½ uᵀ A u − cᵀ u + l1 · Σ_{j ≥ k} |u_j|

with A symmetric positive semi-definite and the first k coordinates (the
intercept) free of the penalty. On the closed orthant of a sign pattern σ,
q is the smooth quadratic ½ uᵀAu − (c − l1 σ)ᵀu, minimized in one linear solve

    A_SS u_S = c_S − l1 σ_S      (S = free coordinates and the support).

The solver alternates two moves (an active-set method in the manner of Osborne,
Presnell & Turlach 2000):

* orthant steps: move towards the orthant minimizer until the first coordinate
  reaches zero, drop it and repeat, until a step lands on its minimizer;
* a sweep of cyclic coordinate descent, which brings in the coordinates that
  violate |∂q/∂u_j| ≤ l1 with the right signs.

Once the support and signs are right the orthant step lands on the minimizer,
so the subproblem is solved to rounding error rather than to the linear rate of
coordinate descent, however correlated the columns.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

from bayesreg.core.penalties import soft_threshold_scalar, subdiff_distance

__all__ = ["minimize_enet_quadratic"]

FloatArray = NDArray[np.float64]


def minimize_enet_quadratic(
    hessian: FloatArray,
    linear: FloatArray,
    start: FloatArray,
    *,
    l1: float,
    n_free: int,
    tol: float,
    max_sweeps: int,
) -> FloatArray:
    """Minimize ``½ uᵀ A u − cᵀ u + l1 Σ_{j ≥ n_free} |u_j|`` from ``start``.

    Stops when the subproblem's KKT residual (``|∂q/∂u_j|`` for free coordinates,
    the distance of ``−∇`` to ``l1 ∂|u_j|`` for the others) is at most ``tol``, or
    after ``max_sweeps`` sweeps. Every step decreases q, so the result is a descent
    direction for the proximal Newton method even when the sweeps run out.
    """
    solution = np.array(start, dtype=np.float64, copy=True)
    polished: FloatArray | None = None
    for _ in range(max_sweeps):
        signs = np.sign(solution)
        # The orthant minimizer depends only on the sign pattern: solve each pattern once.
        if polished is None or not np.array_equal(signs, polished):
            solution = _active_set_steps(hessian, linear, solution, l1=l1, n_free=n_free)
            polished = np.sign(solution)
        product = hessian @ solution
        if _residual(solution, product - linear, l1, n_free) <= tol:
            break
        _coordinate_sweep(hessian, linear, solution, product, l1=l1, n_free=n_free)
    return solution


def _value(
    hessian: FloatArray, linear: FloatArray, point: FloatArray, l1: float, n_free: int
) -> float:
    """``q(u)``."""
    return float(0.5 * point @ hessian @ point - linear @ point + l1 * np.abs(point[n_free:]).sum())


def _residual(point: FloatArray, gradient: FloatArray, l1: float, n_free: int) -> float:
    free = float(np.max(np.abs(gradient[:n_free]), initial=0.0))
    penalized = subdiff_distance(point[n_free:], gradient[n_free:], l1, 1.0)
    return max(free, float(np.max(penalized, initial=0.0)))


def _coordinate_sweep(
    hessian: FloatArray,
    linear: FloatArray,
    point: FloatArray,
    product: FloatArray,
    *,
    l1: float,
    n_free: int,
) -> None:
    """One cyclic pass of exact coordinate minimization, updating ``point`` and ``A·point``.

    Coordinate j minimizes q with the others fixed:
        z = A_jj u_j − (A u − c)_j,   u_j ← z / A_jj (free) or S(z, l1) / A_jj (penalized).
    """
    diagonal = np.diag(hessian).tolist()
    targets = linear.tolist()
    for j, curvature in enumerate(diagonal):
        if curvature <= 0.0:
            # A zero column of A: q does not depend on u_j (its gradient is c_j = 0).
            continue
        old = float(point[j])
        pull = curvature * old - float(product[j]) + targets[j]
        if j >= n_free:
            pull = soft_threshold_scalar(pull, l1)
        new = pull / curvature
        if new != old:
            product += (new - old) * hessian[j]
            point[j] = new


def _active_set_steps(
    hessian: FloatArray, linear: FloatArray, point: FloatArray, *, l1: float, n_free: int
) -> FloatArray:
    """Orthant steps until one reaches its orthant's minimizer (or makes no progress).

    A blocked step removes one coordinate from the support, so at most |support|
    steps are taken: the inner loop of the active-set method of Osborne, Presnell
    & Turlach (2000), with coordinate descent in the role of adding variables.
    """
    for _ in range(point.size + 1):
        point, blocked = _orthant_step(hessian, linear, point, l1=l1, n_free=n_free)
        if not blocked:
            break
    return point


def _orthant_step(
    hessian: FloatArray, linear: FloatArray, point: FloatArray, *, l1: float, n_free: int
) -> tuple[FloatArray, bool]:
    """Move towards the minimizer of q on the closed orthant of ``point``'s signs.

    On that orthant |u_j| = σ_j u_j, so q is the smooth quadratic
    ½ uᵀAu − (c − l1 σ)ᵀu with minimizer A_SS⁻¹(c_S − l1 σ_S) on S. q decreases
    along the segment to it, which is followed up to the first penalized
    coordinate that changes sign (set to exactly zero there). The step is kept only
    if q did decrease, which guards against an ill-conditioned A_SS; a singular
    A_SS (more active columns than the data determine) leaves ``point`` unchanged.
    Returns the new point and whether a sign change blocked the step.
    """
    signs = np.sign(point)
    signs[:n_free] = 0.0
    is_free = np.arange(point.size) < n_free
    support = np.flatnonzero(is_free | (point != 0.0))
    try:
        factor = scipy.linalg.cho_factor(hessian[np.ix_(support, support)])
    except np.linalg.LinAlgError:
        return point, False
    target = scipy.linalg.cho_solve(factor, linear[support] - l1 * signs[support])
    current = point[support]
    delta = target - current
    crossing = ~is_free[support] & (target * signs[support] <= 0.0)
    candidate = point.copy()
    blocked = bool(np.any(crossing))
    if blocked:
        # u_j + t δ_j = 0 at t = −u_j / δ_j ∈ (0, 1] for each coordinate that changes sign.
        ratios = np.full(support.size, np.inf)
        ratios[crossing] = -current[crossing] / delta[crossing]
        blocking = int(np.argmin(ratios))
        candidate[support] = current + ratios[blocking] * delta
        candidate[support[blocking]] = 0.0
    else:
        candidate[support] = target
    if _value(hessian, linear, candidate, l1, n_free) <= _value(hessian, linear, point, l1, n_free):
        return candidate, blocked
    return point, False
