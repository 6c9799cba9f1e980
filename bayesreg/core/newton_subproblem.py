"""The proximal Newton engine's subproblem: an L1-penalized quadratic on a dense Hessian block.

    minimize  q(v) = ½ vᵀAv − bᵀv + Σ_j λ_j |v_j|,      λ_j ≥ 0 (0: a smooth coordinate)

(some coordinates possibly constrained to ``v_j ≥ 0``), solved exactly, in finitely many
steps, by the active-set method of :mod:`bayesreg.core._active_set` (the one that also
solves the least-squares elastic net), after Jacobi scaling: the solve, its rounding
thresholds and its test for dependent columns then do not depend on the units of the
coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bayesreg.core._active_set import DEPENDENT_PIVOT, ActiveSet, minimize_l1_quadratic
from bayesreg.core.types import EPS, FloatArray, IndexArray

__all__ = ["DenseQuadratic", "solve_dense"]


# u = b − A v is computed to about this many ulps of |b| + |A||v| (per coordinate).
_ROUNDING_ULPS = 64.0


@dataclass(frozen=True)
class DenseQuadratic:
    """``½ vᵀAv − bᵀv`` with ``A`` held as a dense matrix (the constant is 0)."""

    matrix: FloatArray
    xty: FloatArray

    def gram_block(self, rows: IndexArray, cols: IndexArray) -> FloatArray:
        """``A[rows, cols]``."""
        block: FloatArray = self.matrix.take(rows, axis=0).take(cols, axis=1)
        return block

    def correlation(self, index: IndexArray, coef: FloatArray) -> tuple[FloatArray, float]:
        """``u = b − A v`` and ``vᵀAv − 2bᵀv = −vᵀ(b + u)``."""
        correlation: FloatArray = self.xty - self.matrix[:, index] @ coef
        return correlation, -float(coef @ (self.xty[index] + correlation[index]))


@dataclass(frozen=True)
class _SupportFound:
    """The rule of an exact solve: each outer step of the active-set method solves q on the
    support exactly, so what is left is a zero coordinate that violates ``|u_j| ≤ λ_j``
    beyond the rounding of ``u``.

    On a Jacobi-scaled problem (unit diagonal, so ``|A_jk| ≤ 1``) ``u_j`` is a sum of
    terms of total size at most ``|b_j| + ||v||₁``; its rounding, and that of λ_j, is at
    most a few ulps of ``|b_j| + ||v||₁ + λ_j``.
    """

    data: DenseQuadratic
    weights: FloatArray
    threshold: float = 0.0

    def measure(
        self, coef: FloatArray, correlation: FloatArray, residual_sq: float
    ) -> tuple[float, float, FloatArray]:
        abs_coef = np.abs(coef)
        total = float(abs_coef.sum())
        noise = _ROUNDING_ULPS * EPS * (np.abs(self.data.xty) + total + self.weights)
        return 0.0, 0.5 * residual_sq + float(self.weights @ abs_coef), noise


def solve_dense(
    matrix: FloatArray,
    linear: FloatArray,
    weights: FloatArray,
    start: FloatArray,
    *,
    positive_definite: bool = False,
    positive: NDArray[np.bool_] | None = None,
) -> FloatArray:
    """``argmin_v ½vᵀAv − bᵀv + Σ_j λ_j |v_j|`` from ``start``, exactly (zeros are 0.0).

    With ``positive`` (a mask; None: no constraint) the marked coordinates are constrained
    to ``v_j ≥ 0`` (``start_j ≥ 0`` there): the active-set method's sign constraints, under
    which such a coordinate enters only with sign +1 and only if ``u_j > λ_j``, also when
    ``λ_j = 0``; the minimizer is ``argmin ½vᵀAv − bᵀv + Σ λ_j v_j`` over ``v_B ≥ 0``.

    The problem is solved Jacobi-scaled, in ``v̂ = D⁻¹v`` with ``D = diag(A)^(−1/2)``
    (``Â = DAD`` has a unit diagonal, ``b̂ = Db``, ``λ̂ = Dλ``): the solve, its rounding
    thresholds and its test for dependent columns then do not depend on the units of the
    coordinates. The smooth coordinates (``λ_j = 0``) and the support of ``start`` enter
    first, at the values of ``start``. A column whose pivot² is below 1e-10 of its
    diagonal counts as dependent (and is swapped in, if ever, along its null direction),
    unless ``positive_definite`` (a damped Hessian), where only a failed factorization does.
    """
    diagonal = np.abs(np.diag(matrix))
    floor = EPS * max(float(np.max(diagonal, initial=0.0)), EPS)
    magnitude = np.maximum(diagonal, floor)
    scale = 1.0 / np.sqrt(magnitude)
    unit_diagonal = matrix * np.outer(scale, scale)
    np.fill_diagonal(unit_diagonal, np.diag(matrix) / magnitude)  # 1.0 exactly unless tiny
    scaled = DenseQuadratic(unit_diagonal, linear * scale)
    scaled_weights = weights * scale
    active = ActiveSet(dependent_pivot=0.0 if positive_definite else DEPENDENT_PIVOT)
    signed = weights > 0.0
    smooth = weights == 0.0
    if positive is not None:
        signed = signed | positive
        smooth = smooth & ~positive
    first = np.flatnonzero(smooth | (start != 0.0))
    if first.size:
        active.append(scaled, first, np.sign(start[first]) * signed[first])
        active.coef = (start / scale)[active.index]
    rule = _SupportFound(scaled, scaled_weights)
    solution = minimize_l1_quadratic(
        scaled, active, scaled_weights, rule, max_iter=10 * start.size + 100, positive=positive
    )
    result: FloatArray = solution.coef * scale
    return result
