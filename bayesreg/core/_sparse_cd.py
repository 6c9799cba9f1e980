"""Coordinate descent on a sparse working set: the inner solver of sparse designs.

The problem restricted to the columns of a working set (``bayesreg.core._working_set``)::

    minimize  F(w) = 1/(2n)||yc − Xc w||² + Σ_j [l1_j |w_j| + l2/2 w_j²]     (w ≥ 0 if positive)

with ``Xc = X − c x̄ᵀ`` centered implicitly (``c = 1``, or ``√s̃`` with weights; ``cᵀc = n``,
``cᵀx_j = n x̄_j``). The exact active-set solve factors the Gram block of the support,
dense and cubic in its size, which a sparse design with thousands of non-zero
coefficients cannot afford; cyclic coordinate descent (Friedman, Hastie & Tibshirani
2010) costs O(nnz) per epoch and converges fast on the nearly orthogonal columns of such
designs. Each update is exact in its coordinate::

    w_j ← S(a_j w_j + g_j, l1_j) / (a_j + l2),   a_j = ||xc_j||²/n,  g_j = xc_jᵀρ/n

(``S`` the soft threshold, its positive part under ``w ≥ 0``), with the residual kept as
``ρ_X = yc − X w`` and the scalar ``t = cᵀρ_X``: ``xc_jᵀρ = x_jᵀρ_X − x̄_j t`` (the centering
costs O(1) per update, not O(n)). Every ``ANDERSON_DEPTH`` epochs an Anderson
extrapolation of the last iterates (Bertrand & Massias 2021, as in skglm) is tried and
kept only if it lowers F, so the iteration stays monotone. Every few epochs the duality gap
of the restricted problem is computed from the exact residual ``ρ = ρ_X + c (x̄ᵀw)``; the
solve stops when it is ≤ the threshold asked for, or when no coordinate moves beyond
rounding (``ROUNDING``): a fixed point, where the gap is at its rounding level. The working
set's outer loop certifies the full problem.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse

from bayesreg.core._active_set import DualityGapRule
from bayesreg.core._least_squares import SparseDesignData
from bayesreg.core.types import FloatArray

__all__ = [
    "ANDERSON_DEPTH",
    "CHECK_EVERY",
    "RATE_WINDOW",
    "ROUNDING",
    "SLOW_EPOCHS",
    "SparseSolution",
    "anderson",
    "coordinate_descent",
]

#: Iterates an Anderson extrapolation combines (it is tried every that many epochs).
ANDERSON_DEPTH = 5
#: Epochs over which the gap's linear rate is measured, and the most epochs that rate may
#: predict to the threshold before the solve is called slow.
RATE_WINDOW = 50
SLOW_EPOCHS = 3000
#: Epochs between two evaluations of the restricted gap (one costs about an epoch).
CHECK_EVERY = 5
#: The last epoch's largest move ``|δ_j|·√a_j`` below this fraction of the largest
#: ``|w_j|·√a_j`` is a fixed point to rounding: the solve stops there.
ROUNDING = 4.0 * float(np.finfo(float).eps)


@dataclass(frozen=True)
class SparseSolution:
    """The coefficients on the working set, the epochs run and the restricted gap.

    ``slow``: stopped early because the gap's observed linear rate predicted more than
    ``SLOW_EPOCHS`` further epochs to the threshold (an ill-conditioned support).
    """

    coef: FloatArray
    epochs: int
    gap: float
    slow: bool = False


def coordinate_descent(
    data: SparseDesignData,
    coef: FloatArray,
    weights: FloatArray,
    rule: DualityGapRule,
    *,
    threshold: float,
    max_epochs: int,
    stop_when_slow: bool = False,
) -> SparseSolution:
    """Minimize F on the columns of ``data`` from ``coef`` until its gap is ≤ ``threshold``.

    ``rule`` gives the penalty (L1 weights ``weights``, L2 weight, sign constraint) and
    measures the restricted problem's duality gap; at most ``max_epochs`` epochs, fewer
    at a fixed point to rounding. ``stop_when_slow``: return early (``slow=True``) when
    the gap's linear rate over the last ``RATE_WINDOW`` epochs predicts more than
    ``SLOW_EPOCHS`` epochs to the threshold, for the caller to switch to the exact solver.
    """
    solver = _Coordinates(data, coef, weights, rule)
    done, gap, moved = 0, np.inf, np.inf
    history = [solver.coef.copy()]
    best: list[float] = []  # the smallest gap so far, at each check
    while done < max_epochs and moved > 0.0:
        step = solver.epoch()
        done += 1
        history.append(solver.coef.copy())
        if len(history) > ANDERSON_DEPTH:
            solver.try_point(anderson(history, positive=rule.penalty.positive))
            history = [solver.coef.copy()]
        if done % CHECK_EVERY and done < max_epochs:
            continue
        gap = solver.gap()
        if gap <= threshold:
            break
        best.append(min(gap, best[-1]) if best else gap)
        if stop_when_slow and _predicted_epochs(best, threshold) > SLOW_EPOCHS:
            return SparseSolution(solver.coef, done, gap, slow=True)
        # a fixed point to rounding: no coordinate moves beyond eps of the largest
        moved = step - ROUNDING * solver.size()
    return SparseSolution(solver.coef, done, gap)


def _predicted_epochs(best: list[float], threshold: float) -> float:
    """Epochs still needed at the linear rate of the smallest gap over the last
    ``RATE_WINDOW`` epochs (0 until that many have run; inf when it stopped decreasing)."""
    checks = RATE_WINDOW // CHECK_EVERY
    if len(best) <= checks:
        return 0.0
    now, then = best[-1], best[-1 - checks]
    if now <= 0.0 or now >= then:
        return math.inf
    rate = math.log(now / then) / RATE_WINDOW  # per epoch, < 0
    return math.log(threshold / now) / rate if threshold > 0.0 else math.inf


def anderson(history: list[FloatArray], *, positive: bool) -> FloatArray | None:
    """The Anderson extrapolation of the iterates ``w_0, …, w_K`` (Bertrand & Massias 2021).

    With ``U = [w_1 − w_0, …, w_K − w_{K−1}]``, ``c = z/Σz`` for ``(UᵀU) z = 1``, the point
    ``Σ_k c_k w_k`` (clipped at 0 under ``w ≥ 0``); None when ``UᵀU`` is singular. The caller
    keeps it only if it lowers F, so the iteration stays monotone.
    """
    iterates = np.array(history)
    steps = np.diff(iterates, axis=0)
    gram = steps @ steps.T
    try:
        weights = np.linalg.solve(gram, np.ones(gram.shape[0]))
    except np.linalg.LinAlgError:
        return None
    total = float(weights.sum())
    if not np.isfinite(total) or total == 0.0:
        return None
    point: FloatArray = (weights / total) @ iterates[1:]
    return np.maximum(point, 0.0) if positive else point


class _Coordinates:
    """The state of coordinate descent: ``w``, ``ρ_X = yc − X w`` and ``t = cᵀρ_X``."""

    def __init__(
        self, data: SparseDesignData, coef: FloatArray, weights: FloatArray, rule: DualityGapRule
    ) -> None:
        design = scipy.sparse.csc_matrix(data.X)
        design.sort_indices()
        n_samples = design.shape[0]
        self.data, self.design, self.rule = data, design, rule
        self.scale = np.ones(n_samples) if data.row_scale is None else data.row_scale
        squares = np.asarray(design.multiply(design).sum(axis=0)).ravel()
        self.curvature = np.maximum(squares - n_samples * data.x_mean**2, 0.0) / n_samples
        self.l1 = np.ascontiguousarray(weights, dtype=float)
        self.state = np.array([0.0, float(n_samples)])
        self.set(np.array(coef, dtype=float))

    def set(self, coef: FloatArray) -> None:
        """Move to ``coef``: ``ρ_X`` and ``t`` recomputed (one product with X)."""
        self.coef = coef
        self.residual = self.data.y - np.asarray(self.design @ coef)
        self.state[0] = float(self.scale @ self.residual)

    def epoch(self) -> float:
        """One epoch of the compiled kernel; the largest move ``|δ_j|·√a_j``."""
        from bayesreg.core._sparse_cd_compiled import epochs

        penalty, design, data = self.rule.penalty, self.design, self.data
        arrays = (design.indptr, design.indices, design.data, data.x_mean, self.curvature)
        step = epochs(
            *arrays, self.l1, penalty.l2, penalty.positive, self.coef, self.residual, self.state, 1
        )
        return float(step)

    def _measure(self, coef: FloatArray, residual: FloatArray) -> tuple[float, float]:
        """``(gap, F)`` at ``coef`` with ``ρ_X = residual``: ``ρ = ρ_X + c (x̄ᵀw)``."""
        exact = residual + self.scale * float(self.data.x_mean @ coef)
        correlation = self.data.correlation_at(exact)
        measured = self.rule.measure(coef, correlation, float(exact @ exact) / exact.shape[0])
        return measured[0], measured[1]

    def gap(self) -> float:
        """The restricted problem's duality gap at the current ``w``."""
        return self._measure(self.coef, self.residual)[0]

    def size(self) -> float:
        """``max_j |w_j|·√a_j``, the scale of a move."""
        return float(np.max(np.abs(self.coef) * np.sqrt(self.curvature), initial=0.0))

    def try_point(self, point: FloatArray | None) -> None:
        """Move to ``point`` if it lowers F (F is evaluated from the residual alone)."""
        if point is None or not np.all(np.isfinite(point)):
            return
        scale = self.scale
        here = self.residual + scale * float(self.data.x_mean @ self.coef)
        there_x = self.data.y - np.asarray(self.design @ point)
        there = there_x + scale * float(self.data.x_mean @ point)
        penalty = self.rule.penalty
        value_here = float(here @ here) / (2 * here.shape[0]) + penalty.value(self.coef)
        value_there = float(there @ there) / (2 * there.shape[0]) + penalty.value(point)
        if value_there < value_here:
            self.coef, self.residual = point, there_x
            self.state[0] = float(scale @ there_x)
