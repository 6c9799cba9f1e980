"""An exact active-set method for the elastic net (Osborne, Presnell & Turlach, 2000).

Problem (data centered, ``G = XᵀX/n``, ``c = Xᵀy/n``, ``l1 = alpha·r``, ``l2 = alpha·(1 − r)``)::

    minimize  F(w) = 1/(2n)||y − X w||² + l1 ||w||₁ + l2/2 ||w||²

On the closed orthant of a sign pattern ``σ`` with support ``A``, F is the quadratic
``½ w_Aᵀ(G_AA + l2 I)w_A − w_Aᵀ(c_A − l1 σ_A) + const``, minimized by the linear solve

    (G_AA + l2 I) z = c_A − l1 σ_A                                           (1)

with a Cholesky factor of ``G_AA + l2 I`` that is kept across iterations (and across
alphas of a path), extended by blocks and downdated by Givens rotations. The method
alternates

* **inner steps**: solve (1); if ``sign(z) = σ`` accept ``w_A = z``; otherwise move
  from ``w_A`` towards ``z`` up to the first coordinate that reaches zero (F decreases
  along the segment, a convex quadratic on the orthant) and drop it;
* **outer steps**: one pass over all p features for ``u = Xᵀ(y − Xw)/n``, the duality
  gap (the stopping rule), and the KKT violators ``|u_j| > l1`` (j ∉ A), the largest
  of which enter with ``σ_j = sign(u_j)``.

A single entering violator always gets the right sign: by the Schur complement,
``z_j = (u_j − l1 σ_j) / S`` with ``S > 0``. When the entering column is (numerically)
in the span of the active ones, ``S ≈ 0``; then ``w`` moves along the null direction
``Δ = σ_j (e_j − β)``, ``β = (G_AA + l2 I)⁻¹ G_Aj``, on which F decreases at rate
``l1 − |u_j| < 0`` until an active coordinate reaches zero and leaves (a swap).
The support found is exact and the solution is the solve (1) on it, so the duality
gap reaches rounding level rather than a linear rate's tail.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

from bayesreg.core._duality import enet_duality_gap
from bayesreg.core._least_squares import LeastSquaresData
from bayesreg.core.penalties import penalty_value

__all__ = ["ActiveSet", "ActiveSetSolution", "solve_enet"]

FloatArray = NDArray[np.float64]
IndexArray = NDArray[np.intp]

# A column whose Cholesky pivot² is below this fraction of its diagonal is treated
# as lying in the span of the active columns (condition number beyond ~1e10).
_DEPENDENT_PIVOT = 1e-10
# Outer iterations without a new smallest gap after which the iteration is declared
# stalled (rounding level reached); the solution is returned as it is, for the caller
# to certify.
_STALL_LIMIT = 10
# Violations |u_j| − l1 of zero coefficients up to this fraction of max|Xᵀy|/n are
# rounding; larger ones are resolved even when the gap already meets the threshold.
_KKT_SLACK = 1e-11


@dataclass
class ActiveSet:
    """Support A, signs σ_A, values w_A, the block G_AA and the lower factor of G_AA + l2 I."""

    index: IndexArray = field(default_factory=lambda: np.empty(0, dtype=np.intp))
    sign: FloatArray = field(default_factory=lambda: np.empty(0))
    coef: FloatArray = field(default_factory=lambda: np.empty(0))
    gram: FloatArray = field(default_factory=lambda: np.empty((0, 0)))
    chol: FloatArray = field(default_factory=lambda: np.empty((0, 0)))
    l2: float = 0.0

    @property
    def size(self) -> int:
        """Number of active features."""
        return int(self.index.size)

    def full_coef(self, n_features: int) -> FloatArray:
        """``w`` as a dense vector with exact zeros off the support."""
        coef = np.zeros(n_features)
        coef[self.index] = self.coef
        return coef

    def set_l2(self, l2: float) -> None:
        """Refactor ``G_AA + l2 I`` when the ridge part of the penalty changes.

        A smaller l2 can leave ``G_AA + l2 I`` numerically singular (more active
        columns than the rank of X); the feature at which the factorization fails
        then leaves the support (its coefficient becomes 0), and the outer iteration
        brings it back through the optimality check if it belongs there.
        """
        if l2 == self.l2:
            return
        self.l2 = l2
        while self.size:
            shifted = self.gram + l2 * np.eye(self.size)
            factor, info = scipy.linalg.lapack.dpotrf(shifted, lower=1, clean=1)
            if info == 0:
                self.chol = factor
                return
            keep = np.arange(self.size) != info - 1
            self.index, self.sign, self.coef = self.index[keep], self.sign[keep], self.coef[keep]
            self.gram = self.gram[np.ix_(keep, keep)]
        self.chol = np.empty((0, 0))

    def _solve(self, rhs: FloatArray) -> FloatArray:
        # LAPACK potrs on the column-major factor (no transposed copy).
        solution: FloatArray = scipy.linalg.lapack.dpotrs(self.chol, rhs, lower=1)[0]
        return solution

    def remove(self, drop: NDArray[np.bool_]) -> None:
        """Remove the features flagged in ``drop`` (their coefficients become 0).

        With ``M = L Lᵀ = Rᵀ R`` (``R = Lᵀ``), deleting row and column i of M deletes
        column i of R; Givens rotations (``scipy.linalg.qr_delete``) restore the
        triangle of the trailing block in O(k²), so no refactorization is needed.
        """
        for position in np.flatnonzero(drop)[::-1]:
            size = self.size - position
            if size > 1:
                upper = np.array(self.chol[position:, position:].T, order="F")
                _, trailing = scipy.linalg.qr_delete(
                    np.eye(size, order="F"),
                    upper,
                    0,
                    1,
                    which="col",
                    overwrite_qr=True,
                    check_finite=False,
                )
                self.chol[position + 1 :, position + 1 :] = trailing[: size - 1].T
            self.chol = _without(self.chol, position)
            self.gram = _without(self.gram, position)
            keep = np.arange(self.size) != position
            self.index, self.sign, self.coef = self.index[keep], self.sign[keep], self.coef[keep]

    def append(self, data: LeastSquaresData, candidates: IndexArray, signs: FloatArray) -> int:
        """Append features (in order, at value 0) while their columns are independent.

        Block Cholesky: with ``W = L⁻¹ G_AC`` the new diagonal block is the factor of the
        Schur complement ``S = G_CC + l2 I − WᵀW``. A candidate whose pivot² in S is at
        most ``_DEPENDENT_PIVOT`` times its diagonal is skipped. Returns how many entered.
        """
        gram_cross = data.gram_block(self.index, candidates)
        gram_new = data.gram_block(candidates, candidates)
        diagonal = gram_new + self.l2 * np.eye(candidates.size)
        cross = gram_cross
        if self.size:
            cross = scipy.linalg.lapack.dtrtrs(self.chol, cross, lower=1)[0]
        schur = diagonal - cross.T @ cross
        keep = np.ones(candidates.size, dtype=bool)
        while True:
            block = schur[np.ix_(keep, keep)]
            factor, info = scipy.linalg.lapack.dpotrf(block, lower=1, clean=1)
            pivots_sq = np.diag(factor) ** 2 if info == 0 else np.zeros(block.shape[0])
            weak = pivots_sq <= _DEPENDENT_PIVOT * np.diag(diagonal)[keep]
            if info == 0 and not weak.any():
                break
            # Drop the first failing column (dpotrf's info, else the first weak pivot).
            failing = info - 1 if info > 0 else int(np.argmax(weak))
            keep[np.flatnonzero(keep)[failing]] = False
            if not keep.any():
                return 0
        size, added = self.size, int(keep.sum())
        chol = np.zeros((size + added, size + added), order="F")
        chol[:size, :size] = self.chol
        chol[size:, :size] = cross[:, keep].T
        chol[size:, size:] = factor
        gram = np.empty((size + added, size + added))
        gram[:size, :size] = self.gram
        gram[:size, size:] = gram_cross[:, keep]
        gram[size:, :size] = gram_cross[:, keep].T
        gram[size:, size:] = gram_new[np.ix_(keep, keep)]
        self.chol, self.gram = chol, gram
        self.index = np.concatenate([self.index, candidates[keep]])
        self.sign = np.concatenate([self.sign, signs[keep]])
        self.coef = np.concatenate([self.coef, np.zeros(added)])
        return added

    def solve_sign_pattern(self, xty: FloatArray, l1: float) -> None:
        """Inner steps: reach the minimizer of F on the orthant of a consistent σ.

        Each step solves (1), moves towards its solution ``z`` until the first
        coordinate with ``σ_j z_j ≤ 0`` reaches zero, and drops it. With ``l1 = 0``
        F is smooth and ``z`` is the minimizer whatever its signs.
        """
        while self.size:
            target = self._solve(xty[self.index] - l1 * self.sign)
            if l1 == 0.0:
                self.coef, self.sign = target, np.sign(target)
                return
            wrong = self.sign * target <= 0.0
            if not wrong.any():
                self.coef = target
                return
            # Segment w + t(z − w): coordinate j reaches zero at t_j = w_j / (w_j − z_j)
            # (t_j = 0 for a coordinate that has just entered at w_j = 0).
            current = self.coef[wrong]
            moving = current != 0.0
            steps = np.zeros(current.size)
            steps[moving] = current[moving] / (current[moving] - target[wrong][moving])
            step = float(steps.min())
            self.coef = self.coef + step * (target - self.coef)
            drop = np.zeros(self.size, dtype=bool)
            drop[np.flatnonzero(wrong)[steps <= step]] = True
            self.remove(drop)

    def refine(self, correlation: FloatArray, l1: float) -> None:
        """One step of iterative refinement of (1): ``w_A += M⁻¹(b − M w_A)``.

        The residual of (1) is ``c_A − l1 σ_A − (G_AA + l2 I) w_A = u_A − l2 w_A − l1 σ_A``.
        """
        residual = correlation[self.index] - self.l2 * self.coef - l1 * self.sign
        self.coef = self.coef + self._solve(residual)

    def swap_in(self, data: LeastSquaresData, feature: int, correlation: float) -> bool:
        """Bring in a dependent feature along the null direction (module docstring).

        ``Δ = σ_j (e_j − β)``; move ``t = min_i |w_i| / |Δ_i|`` over the active i that
        move towards zero, then the first of them leaves and j enters with ``t σ_j``.
        """
        sign = float(np.sign(correlation))
        column = data.gram_block(self.index, np.array([feature]))[:, 0]
        direction = -sign * self._solve(column)
        shrinking = self.sign * direction < 0.0
        if not shrinking.any():
            return False
        steps = np.abs(self.coef[shrinking]) / np.abs(direction[shrinking])
        step = float(steps.min())
        self.coef = self.coef + step * direction
        drop = np.zeros(self.size, dtype=bool)
        drop[np.flatnonzero(shrinking)[np.argmin(steps)]] = True
        self.remove(drop)
        if not self.append(data, np.array([feature]), np.array([sign])):
            return False
        self.coef[-1] = step * sign
        return True


def _without(matrix: FloatArray, position: int) -> FloatArray:
    """``matrix`` without row and column ``position``, by four block copies."""
    size = matrix.shape[0] - 1
    result = np.empty((size, size), order="F")
    result[:position, :position] = matrix[:position, :position]
    result[:position, position:] = matrix[:position, position + 1 :]
    result[position:, :position] = matrix[position + 1 :, :position]
    result[position:, position:] = matrix[position + 1 :, position + 1 :]
    return result


@dataclass(frozen=True)
class ActiveSetSolution:
    """The state after solving at one alpha (certified by the caller, ``certify_enet``)."""

    coef: FloatArray
    gap: float
    objective: float
    n_iter: int


def _add_features(
    data: LeastSquaresData,
    active: ActiveSet,
    candidates: IndexArray,
    correlation: FloatArray,
    *,
    allow_swap: bool,
) -> int:
    """Append ``candidates`` (best first) with signs ``sign(u_j)``; return how many entered.

    Dependent columns are skipped; if none entered and ``allow_swap``, the first
    candidate is swapped in along the null direction.
    """
    if candidates.size == 0:
        return 0
    entered = active.append(data, candidates, np.sign(correlation[candidates]))
    if entered == 0 and allow_swap:
        return int(active.swap_in(data, int(candidates[0]), float(correlation[candidates[0]])))
    return entered


def solve_enet(
    data: LeastSquaresData,
    active: ActiveSet,
    *,
    alpha: float,
    l1_ratio: float,
    threshold: float,
    max_iter: int,
) -> ActiveSetSolution:
    """Minimize F at one ``alpha`` from the warm start ``active`` (updated in place).

    Stops when the duality gap is ≤ ``threshold``, after ``max_iter`` outer
    iterations, or when the gap stops decreasing with no KKT violator left (rounding
    level reached). Whether the result is certified is decided by the caller
    (:func:`bayesreg.core._duality.certify_enet`).
    """
    l1 = alpha * l1_ratio
    l2 = alpha * (1.0 - l1_ratio)
    n_features = data.xty.shape[0]
    active.set_l2(l2)
    kkt_scale = float(np.max(np.abs(data.xty)))
    best_gap = refined_gap = previous_objective = np.inf
    stalled = 0
    needs_solve = True
    for n_iter in range(1, max_iter + 1):
        if needs_solve:
            active.solve_sign_pattern(data.xty, l1)
        correlation, residual_sq = data.correlation(active.index, active.coef)
        coef = active.full_coef(n_features)
        gap = enet_duality_gap(coef, correlation, residual_sq, alpha, l1_ratio)
        objective = 0.5 * residual_sq + penalty_value(coef, alpha, l1_ratio)
        stalled = 0 if gap < best_gap else stalled + 1
        best_gap = min(best_gap, gap)
        violation = np.abs(correlation) - l1
        violation[active.index] = -np.inf
        violators = np.flatnonzero(violation > 0.0)
        # A gap below the threshold certifies the objective; a zero coefficient that
        # still violates |u_j| ≤ l1 beyond rounding is brought in all the same, so the
        # support is exact too (one more solve, which only lowers the gap).
        kkt_met = violators.size == 0 or violation.max() <= _KKT_SLACK * kkt_scale
        if (gap <= threshold and kkt_met) or n_iter == max_iter or stalled >= _STALL_LIMIT:
            break
        if violators.size == 0:
            # The support and signs are optimal up to rounding: refine the solve (1)
            # while that still lowers the gap, else stop at the rounding floor.
            if gap >= refined_gap:
                break
            refined_gap = gap
            active.refine(correlation, l1)
            needs_solve = bool(np.any(active.sign * active.coef <= 0.0)) and l1 > 0.0
            continue
        needs_solve = True
        violators = violators[np.argsort(-violation[violators], kind="stable")]
        # Working set grows at most geometrically; a step that did not lower F
        # (a failed multiple entry) is followed by the single best violator, which
        # always enters with the right sign.
        n_enter = max(10, active.size) if objective < previous_objective else 1
        previous_objective = objective
        if _add_features(data, active, violators[:n_enter], correlation, allow_swap=True) == 0:
            break
    return ActiveSetSolution(coef, gap, objective, n_iter)
