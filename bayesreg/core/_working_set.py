"""Working sets around the exact active-set solver (the idea of celer and skglm).

The problem is the least-squares elastic net of :func:`bayesreg.core._active_set.solve_enet`::

    minimize  F(w) = 1/(2n)||y − Xw||² + Σ_j [l1_j |w_j| + l2/2 w_j²]      (w ≥ 0 if positive)

with ``u = Xᵀ(y − Xw)/n`` its correlations. When p is large, what costs is the pass over
all p columns that every outer iteration of the active-set method makes to find the
violators of ``|u_j| ≤ l1_j``. A *working set* ``W`` (Massias, Gramfort & Salmon 2018,
celer; Bertrand et al. 2022, skglm) restricts that pass to ``|W|`` columns:

1. solve the problem restricted to the columns ``X_W`` exactly, by the same active-set
   method (its passes cost ``n·|W|`` instead of ``n·p``), warm-started at the current
   support, which ``W`` always contains;
2. one pass over all columns: the correlations ``u`` at the restricted solution, the
   duality gap of the **full** problem (:meth:`EnetPenalty.duality_gap`, dual point
   rescaled over all p columns) and its violators ``|u_j| > l1_j``, ``j ∉ W``;
3. stop when that gap is ≤ the threshold and no zero coefficient violates its optimality
   condition beyond rounding (the active-set method's own rule); otherwise enlarge ``W``
   by the features of largest ``|u_j| − l1_j`` outside it, at least doubling the number
   of new candidates each round, and go to 1.

A solution of the restricted problem is a solution of the full one iff no column outside
``W`` violates its condition (the restricted KKT conditions are the full ones on ``W``),
and the certificate is always that of the full problem, so the working set changes the
cost, never what is certified. A round that adds a violator lowers F strictly (the
restricted solve is exact and the violator's direction descends), so no support repeats
and the loop ends. When no column outside the support violates its condition but the gap
is above the threshold, one restricted solve on the support alone refines ``w`` (the
active-set method's refinement step); a second such round ends the solve at the rounding
level, for the caller to certify. The correlations
of the last full pass are kept: the next alpha of a path starts from them (its warm start
is the same ``w``), so a path whose support changes little costs about one full pass per
alpha.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Protocol, Self

import numpy as np

from bayesreg.core._active_set import (
    ActiveSet,
    ActiveSetSolution,
    DualityGapRule,
    QuadraticBlocks,
    minimize_l1_quadratic,
)
from bayesreg.core._duality import EnetPenalty
from bayesreg.core.types import FloatArray, IndexArray

__all__ = ["WORKING_SET_MIN_FEATURES", "RestrictableData", "WorkingSetSolver"]

#: Below this many features every pass is cheap and the plain active-set method is used.
WORKING_SET_MIN_FEATURES = 200
#: New candidates the first working set of a solve takes beyond the support.
_FIRST_CANDIDATES = 10


class RestrictableData(QuadraticBlocks, Protocol):
    """Least-squares data that can be restricted to a subset of its columns."""

    @property
    def yty(self) -> float:
        """``yᵀy / n``."""
        ...

    def restrict(self, columns: IndexArray) -> Self:
        """The same problem on the columns ``X[:, columns]`` only."""
        ...


@dataclass
class WorkingSetSolver:
    """The elastic net on ``data`` by working sets, warm-started along a path.

    Holds the support (:class:`ActiveSet`, global column indices) and the correlations
    ``u`` and ``||y − Xw||²/n`` of the last full pass at it.
    """

    data: RestrictableData
    slack: float
    active: ActiveSet = field(default_factory=ActiveSet)
    _correlation: FloatArray | None = None
    _residual_sq: float = 0.0
    full_passes: int = 0

    def solve(self, penalty: EnetPenalty, *, threshold: float, max_iter: int) -> ActiveSetSolution:
        """Minimize F at ``penalty`` from the current support (module docstring).

        ``n_iter`` counts the passes of the restricted solves plus the full passes;
        ``max_iter`` bounds that count.
        """
        n_features = self.data.xty.shape[0]
        weights = np.broadcast_to(np.asarray(penalty.l1, dtype=float), (n_features,))
        rule = DualityGapRule(penalty, threshold, self.slack)
        self.active.set_l2(penalty.l2)
        correlation = self._full_pass() if self._correlation is None else self._correlation
        candidates, refined, n_iter = _FIRST_CANDIDATES, False, 0
        while True:
            coef = self.active.full_coef(n_features)
            gap, objective, _ = rule.measure(coef, correlation, self._residual_sq)
            violation = _violation(correlation, weights, penalty.positive)
            violation[self.active.index] = -np.inf
            violated = bool(np.any(violation > self.slack))
            if (gap <= threshold and not violated) or n_iter >= max_iter:
                break
            if violated:
                columns = self._working_set(violation, max(candidates, self.active.size))
                candidates, refined = 2 * candidates, False
            elif refined:
                break  # the support is optimal and refining no longer helps: rounding level
            else:
                columns, refined = self.active.index, True
            restricted = _restricted_rule(rule, penalty, columns)
            n_iter += self._solve_restricted(columns, weights, restricted, max_iter - n_iter)
            correlation = self._full_pass()
            n_iter += 1
        return ActiveSetSolution(coef, gap, objective, max(n_iter, 1))

    def _full_pass(self) -> FloatArray:
        """``u`` and ``||y − Xw||²/n`` over all columns at the current support (kept)."""
        correlation, residual_sq = self.data.correlation(self.active.index, self.active.coef)
        self._correlation, self._residual_sq = correlation, residual_sq
        self.full_passes += 1
        return correlation

    def _working_set(self, violation: FloatArray, candidates: int) -> IndexArray:
        """The support and the ``candidates`` columns of largest ``|u_j| − l1_j`` outside it."""
        outside = violation.size - self.active.size
        count = min(candidates, outside)
        if count <= 0:
            return self.active.index
        chosen = np.argpartition(-violation, count - 1)[:count]
        chosen = chosen[violation[chosen] > -np.inf]
        return np.concatenate([self.active.index, np.sort(chosen)])

    def _solve_restricted(
        self, columns: IndexArray, weights: FloatArray, rule: DualityGapRule, max_iter: int
    ) -> int:
        """Solve on ``X[:, columns]`` (the support first in ``columns``); return its passes."""
        size = self.active.size
        # the support sits at positions 0..size−1 of `columns`, in its own order
        self.active.index = np.arange(size)
        positive = np.ones(columns.size, dtype=bool) if rule.penalty.positive else None
        try:
            solution = minimize_l1_quadratic(
                self.data.restrict(columns),
                self.active,
                np.ascontiguousarray(weights[columns]),
                rule,
                max_iter=max(max_iter, 1),
                positive=positive,
            )
        finally:
            self.active.index = columns[self.active.index]
        return solution.n_iter


def _violation(correlation: FloatArray, weights: FloatArray, positive: bool) -> FloatArray:
    """``|u_j| − l1_j`` (``u_j − l1_j`` under the sign constraint ``w ≥ 0``)."""
    violation: FloatArray = (correlation if positive else np.abs(correlation)) - weights
    return violation


def _restricted_rule(
    rule: DualityGapRule, penalty: EnetPenalty, columns: IndexArray
) -> DualityGapRule:
    """The rule of the problem restricted to ``columns`` (its L1 multipliers restricted)."""
    if penalty.l1_scale is None:
        return rule
    return replace(rule, penalty=replace(penalty, l1_scale=penalty.l1_scale[columns]))
