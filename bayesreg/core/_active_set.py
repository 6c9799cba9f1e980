"""The one exact solver of an L1-penalized quadratic: an active-set method (Osborne,
Presnell & Turlach, 2000).

Problem (``A`` symmetric positive semi-definite, read by blocks; ``λ_j ≥ 0``; ``l2 ≥ 0``)::

    minimize  q(v) = ½ vᵀ(A + l2 I)v − bᵀv + Σ_j λ_j |v_j|

A coordinate with ``λ_j = 0`` is smooth (an intercept, a noise scale). Two clients:

* the least-squares elastic net (:func:`solve_enet`): ``A = XᵀX/n``, ``b = Xᵀy/n`` of the
  centered data, ``λ_j = alpha·r``, ``l2 = alpha·(1 − r)``, stopped by the duality gap. Its
  objective is its own second-order model, so the proximal Newton step with the exact
  Hessian is the whole solve: the engine's subproblem on all features, read by Gram blocks
  (dense, Gram or sparse data forms of :mod:`bayesreg.core._least_squares`);
* the proximal Newton engine (:mod:`bayesreg.core.newton`), whose subproblem is q with
  ``A`` the Hessian on a working set, Jacobi-scaled and solved to rounding level
  (:func:`bayesreg.core.newton_subproblem.solve_dense`).

On the closed orthant of a sign pattern ``σ`` (``σ_j = 0`` for a smooth coordinate) with
support ``S``, q is the quadratic ``½ v_Sᵀ(A_SS + l2 I)v_S − v_Sᵀ(b_S − λ_S σ_S)``,
minimized by the linear solve

    (A_SS + l2 I) z = b_S − λ_S σ_S                                          (1)

with a Cholesky factor of ``A_SS + l2 I`` that is kept across iterations (and across
alphas of a path), extended by blocks and downdated by Givens rotations. The method
alternates

* **inner steps**: solve (1); if ``sign(z) = σ`` on the penalized coordinates accept
  ``v_S = z``; otherwise move from ``v_S`` towards ``z`` up to the first penalized
  coordinate that reaches zero (q decreases along the segment, a convex quadratic on the
  orthant) and drop it;
* **outer steps**: ``u = b − A v`` over all coordinates, the certificate (the stopping
  rule), and the violators ``|u_j| > λ_j`` (j ∉ S), the largest of which enter with
  ``σ_j = sign(u_j)``.

A single entering violator always gets the right sign: by the Schur complement,
``z_j = (u_j − λ_j σ_j) / S`` with ``S > 0``. When the entering column is (numerically)
in the span of the active ones, ``S ≈ 0``; then ``v`` moves along the null direction
``Δ = σ_j (e_j − β)``, ``β = (A_SS + l2 I)⁻¹ A_Sj``, on which q decreases at rate
``λ_j − |u_j| < 0`` until an active coordinate reaches zero and leaves (a swap).
The support found is exact and the solution is the solve (1) on it, so the certificate
reaches rounding level rather than a linear rate's tail, in finitely many steps (q
decreases strictly, so no orthant repeats).

**Sign constraints.** A set ``C`` of coordinates may be constrained to ``v_j ≥ 0``
(the non-negative lasso / elastic net, a truncated prior's MAP)::

    minimize  ½ vᵀ(A + l2 I)v − bᵀv + Σ_j λ_j |v_j| + Σ_{j ∈ C} ι_{[0, ∞)}(v_j)

On ``v_j ≥ 0`` the kink ``λ_j|v_j|`` is the linear ``λ_j v_j``, and ``v_j = 0`` is optimal
iff ``u_j ≤ λ_j`` (the normal cone of ``[0, ∞)`` at 0 is ``(−∞, 0]``): the violation is
one-sided, ``u_j − λ_j > 0``, and a constrained coordinate enters only with ``σ_j = +1``
— also when ``λ_j = 0``, where an unconstrained coordinate would be smooth (σ_j = 0). The
inner steps need nothing new: a coordinate whose solve (1) gives ``σ_j z_j ≤ 0`` stops at
0 and leaves, which is exactly the constraint. A single entering violator still gets its
value ``z_j = (u_j − λ_j)/S > 0``, and the null-direction swap moves along ``σ_j = +1``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

from bayesreg.core._duality import EnetPenalty
from bayesreg.core.types import FloatArray, IndexArray

__all__ = [
    "DEPENDENT_PIVOT",
    "ActiveSet",
    "ActiveSetSolution",
    "DualityGapRule",
    "QuadraticBlocks",
    "StoppingRule",
    "kkt_slack",
    "minimize_l1_quadratic",
    "solve_enet",
]


#: A column whose Cholesky pivot² is below this fraction of its diagonal is treated
#: as lying in the span of the active columns (condition number beyond ~1e10).
DEPENDENT_PIVOT = 1e-10
# Outer iterations without a new smallest certificate after which the iteration is
# declared stalled (rounding level reached); the solution is returned as it is, for the
# caller to certify.
_STALL_LIMIT = 10
# Violations |u_j| − l1 of zero coefficients up to this fraction of max|Xᵀy|/n are
# rounding; larger ones are resolved even when the gap already meets the threshold.
_KKT_SLACK = 1e-11


class QuadraticBlocks(Protocol):
    """What the solver reads of ``½ vᵀAv − bᵀv`` (the least-squares data forms have it)."""

    @property
    def xty(self) -> FloatArray:
        """The linear term ``b``."""
        ...

    def gram_block(self, rows: IndexArray, cols: IndexArray) -> FloatArray:
        """``A[rows, cols]``."""
        ...

    def correlation(self, index: IndexArray, coef: FloatArray) -> tuple[FloatArray, float]:
        """``u = b − A[:, index] v`` and ``2·(½vᵀAv − bᵀv) + const`` for v on ``index``."""
        ...


@dataclass
class ActiveSet:
    """Support S, signs σ_S (0: smooth), values v_S, the block A_SS and the lower factor
    of A_SS + l2 I."""

    index: IndexArray = field(default_factory=lambda: np.empty(0, dtype=np.intp))
    sign: FloatArray = field(default_factory=lambda: np.empty(0))
    coef: FloatArray = field(default_factory=lambda: np.empty(0))
    gram: FloatArray = field(default_factory=lambda: np.empty((0, 0)))
    chol: FloatArray = field(default_factory=lambda: np.empty((0, 0)))
    l2: float = 0.0
    dependent_pivot: float = DEPENDENT_PIVOT

    @property
    def size(self) -> int:
        """Number of active features."""
        return int(self.index.size)

    def full_coef(self, n_features: int) -> FloatArray:
        """``v`` as a dense vector with exact zeros off the support."""
        coef = np.zeros(n_features)
        coef[self.index] = self.coef
        return coef

    def set_l2(self, l2: float) -> None:
        """Refactor ``A_SS + l2 I`` when the ridge part of the penalty changes.

        A smaller l2 can leave ``A_SS + l2 I`` numerically singular (more active
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

        With ``M = L Lᵀ = Rᵀ R`` (``R = Lᵀ``), deleting rows and columns of M deletes
        columns of R. From the first deleted position f on, the trailing triangle
        ``R_f = L[f:, f:]ᵀ`` loses its columns one by one to Givens rotations
        (``scipy.linalg.qr_delete``, O(k²) each), the rows ``L[f:, :f]`` of the kept
        features are unchanged, and the factor and the block ``A_SS`` are compacted once:
        no refactorization, and one copy of each however many features leave.
        """
        positions = np.flatnonzero(drop)
        if positions.size == 1:
            self._remove_one(int(positions[0]))
            return
        if positions.size == 0:
            return
        first = int(positions[0])
        keep = ~drop
        size = self.size - first
        kept = size - positions.size
        chol = np.zeros((self.size - positions.size,) * 2, order="F")
        chol[:first, :first] = self.chol[:first, :first]
        chol[first:, :first] = self.chol[first:, :first][keep[first:]]
        if kept:
            upper = np.array(self.chol[first:, first:].T, order="F")
            orthogonal = np.eye(size, order="F")
            # columns deleted last to first, so the positions still to go stay valid
            for position in positions[::-1] - first:
                orthogonal, upper = scipy.linalg.qr_delete(
                    orthogonal,
                    upper,
                    int(position),
                    1,
                    which="col",
                    overwrite_qr=True,
                    check_finite=False,
                )
            chol[first:, first:] = upper[:kept].T
        self.chol = chol
        self.gram = self.gram[np.ix_(keep, keep)]
        self.index, self.sign, self.coef = self.index[keep], self.sign[keep], self.coef[keep]

    def _remove_one(self, position: int) -> None:
        """:meth:`remove` of one feature, by block copies (the common case of a path)."""
        size = self.size - position
        if size > 1:
            upper = np.array(self.chol[position:, position:].T, order="F")
            _, trailing = scipy.linalg.qr_delete(
                np.eye(size, order="F"), upper, 0, 1, which="col", overwrite_qr=True,
                check_finite=False,
            )  # fmt: skip
            self.chol[position + 1 :, position + 1 :] = trailing[: size - 1].T
        self.chol = _without(self.chol, position)
        self.gram = _without(self.gram, position)
        keep = np.arange(self.size) != position
        self.index, self.sign, self.coef = self.index[keep], self.sign[keep], self.coef[keep]

    def append(self, data: QuadraticBlocks, candidates: IndexArray, signs: FloatArray) -> int:
        """Append features (in order, at value 0) while their columns are independent.

        Block Cholesky: with ``W = L⁻¹ A_SC`` the new diagonal block is the factor of the
        Schur complement ``S = A_CC + l2 I − WᵀW``. A candidate whose pivot² in S is at
        most ``dependent_pivot`` times its diagonal is skipped. Returns how many entered.
        """
        gram_new = data.gram_block(candidates, candidates)
        diagonal = np.diag(gram_new) + self.l2
        schur = gram_new + self.l2 * np.eye(candidates.size)
        if self.size:
            gram_cross = data.gram_block(self.index, candidates)
            cross = scipy.linalg.lapack.dtrtrs(self.chol, gram_cross, lower=1)[0]
            schur -= cross.T @ cross
        keep = np.ones(candidates.size, dtype=bool)
        block = schur
        while True:
            factor, info = scipy.linalg.lapack.dpotrf(block, lower=1, clean=1)
            if info == 0:
                weak = np.diag(factor) ** 2 <= self.dependent_pivot * diagonal[keep]
                if not weak.any():
                    break
            # Drop the first failing column (dpotrf's info, else the first weak pivot).
            failing = info - 1 if info > 0 else int(np.argmax(weak))
            keep[np.flatnonzero(keep)[failing]] = False
            if not keep.any():
                return 0
            block = schur[np.ix_(keep, keep)]
        size, added = self.size, int(keep.sum())
        entering = candidates if added == candidates.size else candidates[keep]
        if added < candidates.size:
            gram_new = gram_new[np.ix_(keep, keep)]
        if size:
            chol = np.zeros((size + added, size + added), order="F")
            chol[:size, :size] = self.chol
            chol[size:, :size] = cross[:, keep].T
            chol[size:, size:] = factor
            gram = np.empty((size + added, size + added))
            gram[:size, :size] = self.gram
            gram[:size, size:] = gram_cross[:, keep]
            gram[size:, :size] = gram_cross[:, keep].T
            gram[size:, size:] = gram_new
            self.chol, self.gram = chol, gram
        else:
            self.chol, self.gram = np.asfortranarray(factor), gram_new
        self.index = np.concatenate([self.index, entering])
        self.sign = np.concatenate([self.sign, signs[keep]])
        self.coef = np.concatenate([self.coef, np.zeros(added)])
        return added

    def solve_sign_pattern(self, xty: FloatArray, weights: FloatArray) -> None:
        """Inner steps: reach the minimizer of q on the orthant of a consistent σ.

        Each step solves (1), moves towards its solution ``z`` until the first
        penalized coordinate with ``σ_j z_j ≤ 0`` reaches zero, and drops it. Smooth
        coordinates (``σ_j = 0``) take ``z_j`` whatever its sign.
        """
        while self.size:
            target = self._solve(xty[self.index] - weights[self.index] * self.sign)
            wrong = (self.sign != 0.0) & (self.sign * target <= 0.0)
            if not wrong.any():
                self.coef = target
                return
            # Segment v + t(z − v): coordinate j reaches zero at t_j = v_j / (v_j − z_j)
            # (t_j = 0 for a coordinate that has just entered at v_j = 0).
            current = self.coef[wrong]
            moving = current != 0.0
            steps = np.zeros(current.size)
            steps[moving] = current[moving] / (current[moving] - target[wrong][moving])
            step = float(steps.min())
            self.coef = self.coef + step * (target - self.coef)
            drop = np.zeros(self.size, dtype=bool)
            drop[np.flatnonzero(wrong)[steps <= step]] = True
            self.remove(drop)

    def refine(self, correlation: FloatArray, weights: FloatArray) -> None:
        """One step of iterative refinement of (1): ``v_S += M⁻¹(r − M v_S)``.

        The residual of (1) is ``b_S − λ_S σ_S − (A_SS + l2 I) v_S = u_S − l2 v_S − λ_S σ_S``.
        """
        residual = correlation[self.index] - self.l2 * self.coef - weights[self.index] * self.sign
        self.coef = self.coef + self._solve(residual)

    def off_orthant(self) -> bool:
        """Whether a penalized coordinate lies outside its orthant (σ_j v_j ≤ 0)."""
        return bool(np.any((self.sign != 0.0) & (self.sign * self.coef <= 0.0)))

    def swap_in(
        self, data: QuadraticBlocks, feature: int, correlation: float, penalized: bool
    ) -> bool:
        """Bring in a dependent feature along the null direction (module docstring).

        ``Δ = σ_j (e_j − β)``; move ``t = min_i |v_i| / |Δ_i|`` over the active penalized
        i that move towards zero, then the first of them leaves and j enters with ``t σ_j``.
        ``penalized``: whether j keeps its sign ``σ_j`` (``λ_j > 0``, or sign-constrained).
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
        if not self.append(data, np.array([feature]), np.array([sign if penalized else 0.0])):
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


class StoppingRule(Protocol):
    """The certificate that ends :func:`minimize_l1_quadratic`, and rounding's size."""

    @property
    def threshold(self) -> float:
        """The certificate's target."""
        ...

    def measure(
        self, coef: FloatArray, correlation: FloatArray, residual_sq: float
    ) -> tuple[float, float, FloatArray | float]:
        """``(certificate, q(v), slack)``: violations ``|u_j| − λ_j`` up to ``slack`` are
        rounding."""
        ...


def _add_features(
    data: QuadraticBlocks,
    active: ActiveSet,
    candidates: IndexArray,
    correlation: FloatArray,
    weights: FloatArray,
    positive: NDArray[np.bool_] | None = None,
) -> int:
    """Append ``candidates`` (best first) with signs ``sign(u_j)`` (0 if smooth and not
    sign-constrained); return how many entered.

    Dependent columns are skipped; if none entered, the first candidate is swapped in
    along the null direction. A sign-constrained candidate violates ``u_j > λ_j ≥ 0``,
    so ``sign(u_j) = +1``: it keeps σ_j = +1 even when ``λ_j = 0``.
    """
    if candidates.size == 0:
        return 0
    penalized = weights[candidates] > 0.0
    if positive is not None:
        penalized |= positive[candidates]
    entered = active.append(data, candidates, np.sign(correlation[candidates]) * penalized)
    if entered == 0:
        first = int(candidates[0])
        return int(active.swap_in(data, first, float(correlation[first]), bool(penalized[0])))
    return entered


def minimize_l1_quadratic(
    data: QuadraticBlocks,
    active: ActiveSet,
    weights: FloatArray,
    rule: StoppingRule,
    *,
    max_iter: int,
    positive: NDArray[np.bool_] | None = None,
) -> ActiveSetSolution:
    """Minimize q from the warm start ``active`` (updated in place).

    Stops when the rule's certificate is ≤ its threshold with no violator beyond
    rounding, after ``max_iter`` outer iterations, or when the certificate stops
    decreasing with no violator left (rounding level reached).

    ``positive`` (a mask, None: no constraint) marks the coordinates constrained to
    ``v_j ≥ 0`` (module docstring, "Sign constraints"): their violation is
    ``u_j − λ_j``, not ``|u_j| − λ_j``, and they enter with ``σ_j = +1``. The warm start
    must have ``σ_j = +1`` on the constrained coordinates it holds.
    """
    n_features = data.xty.shape[0]
    best_gap = refined_gap = previous_objective = np.inf
    stalled = 0
    needs_solve = True
    for n_iter in range(1, max_iter + 1):
        if needs_solve:
            active.solve_sign_pattern(data.xty, weights)
        correlation, residual_sq = data.correlation(active.index, active.coef)
        coef = active.full_coef(n_features)
        gap, objective, slack = rule.measure(coef, correlation, residual_sq)
        stalled = 0 if gap < best_gap else stalled + 1
        best_gap = min(best_gap, gap)
        if positive is None:
            violation = np.abs(correlation) - weights
        else:
            violation = np.where(positive, correlation, np.abs(correlation)) - weights
        violation[active.index] = -np.inf
        violators = np.flatnonzero(violation > 0.0)
        # A certificate below the threshold certifies the objective; a zero coefficient
        # that still violates |u_j| ≤ λ_j beyond rounding is brought in all the same, so
        # the support is exact too (one more solve, which only lowers the certificate).
        # (the non-violators have violation ≤ 0 ≤ slack, so all of them may be compared)
        if isinstance(slack, np.ndarray):
            kkt_met = bool((violation <= slack).all())
        else:
            kkt_met = violators.size == 0 or float(violation.max()) <= slack
        if (gap <= rule.threshold and kkt_met) or n_iter == max_iter or stalled >= _STALL_LIMIT:
            break
        if violators.size == 0:
            # The support and signs are optimal up to rounding: refine the solve (1)
            # while that still lowers the certificate, else stop at the rounding floor.
            if gap >= refined_gap:
                break
            refined_gap = gap
            active.refine(correlation, weights)
            needs_solve = active.off_orthant()
            continue
        needs_solve = True
        violators = violators[np.argsort(-violation[violators], kind="stable")]
        # Working set grows at most geometrically; a step that did not lower q
        # (a failed multiple entry) is followed by the single best violator, which
        # always enters with the right sign.
        n_enter = max(10, active.size) if objective < previous_objective else 1
        previous_objective = objective
        entered = _add_features(data, active, violators[:n_enter], correlation, weights, positive)
        if entered == 0:
            break
    return ActiveSetSolution(coef, gap, objective, n_iter)


@dataclass(frozen=True)
class DualityGapRule:
    """The least-squares elastic net's rule: the duality gap, slack relative to max|Xᵀy|/n.

    ``slack`` (``_KKT_SLACK·max_j|c_j|``, :func:`kkt_slack`): violations of zero
    coefficients up to it are rounding.
    """

    penalty: EnetPenalty
    threshold: float
    slack: float

    def measure(
        self, coef: FloatArray, correlation: FloatArray, residual_sq: float
    ) -> tuple[float, float, float]:
        gap = self.penalty.duality_gap(coef, correlation, residual_sq)
        return gap, 0.5 * residual_sq + self.penalty.value(coef), self.slack


def kkt_slack(xty: FloatArray) -> float:
    """The rounding level of a violation ``|u_j| − λ_j``: ``_KKT_SLACK·max_j|b_j|``."""
    return _KKT_SLACK * float(np.max(np.abs(xty)))


def solve_enet(
    data: QuadraticBlocks,
    active: ActiveSet,
    penalty: EnetPenalty,
    *,
    threshold: float,
    max_iter: int,
) -> ActiveSetSolution:
    """Minimize ``1/(2n)||y − Xw||² + alpha·P(w)`` at one ``alpha`` from the warm start
    ``active`` (updated in place).

    With ``penalty.positive`` every coefficient is constrained to ``w_j ≥ 0`` (module
    docstring, "Sign constraints"), certified by the duality gap of the constrained problem
    (:meth:`bayesreg.core._duality.EnetPenalty.duality_gap`); the warm start must come from
    a solve with ``positive`` too.

    With ``penalty.l1_scale`` (all entries > 0) the L1 weight of coordinate j is
    ``alpha·r·l1_scale_j`` and the L2 weight stays ``alpha(1 − r)``: the uniform problem
    that per-coefficient penalty factors reduce to (:mod:`bayesreg.core._penalty_factor`).

    Stops when the duality gap is ≤ ``threshold``, after ``max_iter`` outer
    iterations, or when the gap stops decreasing with no KKT violator left (rounding
    level reached). Whether the result is certified is decided by the caller
    (:func:`bayesreg.core._duality.certify_enet`).
    """
    active.set_l2(penalty.l2)
    weights = np.full(data.xty.shape, penalty.l1)
    rule = DualityGapRule(penalty, threshold, kkt_slack(data.xty))
    if not penalty.positive:
        return minimize_l1_quadratic(data, active, weights, rule, max_iter=max_iter)
    mask = np.ones(data.xty.shape, dtype=bool)
    return minimize_l1_quadratic(data, active, weights, rule, max_iter=max_iter, positive=mask)
