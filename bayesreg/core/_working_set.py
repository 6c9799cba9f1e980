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
level, for the caller to certify.

**Bounds instead of passes.** The correlations ``u_j(ρ_0)`` of the last full pass, at the
residual ``ρ_0``, bound those at the current residual ``ρ`` (Cauchy–Schwarz)::

    |u_j(ρ) − u_j(ρ_0)| = |x_jᵀ(ρ − ρ_0)|/n ≤ ||x_j|| · ||ρ − ρ_0||/n

so a column whose bound ``|u_j(ρ_0)| + ||x_j|| ||ρ − ρ_0||/n`` is ≤ ``l1_j`` needs no pass
to be certified at zero, and the bounds in place of ``|u_j|`` keep the rescaled dual
point of the gap feasible (a larger ``||g||∞`` only shrinks its scaling; off the support
the gap reads ``|u_j|``, or ``u_j⁺`` under ``w ≥ 0``, and the Fenchel conjugate is
increasing in it), so the gap computed from them is a valid certificate of the full
problem. The correlations on the working set are exact (a pass over ``|W|`` columns).
At each alpha of a path the first working set holds every column whose bound could
reach its ``l1_j`` after a step like the last one; when the solve on it leaves every
bound below ``l1_j`` and the gap below the threshold, that alpha needs no full pass at
all. A full pass is made only when the bounds do not settle the certificate (or have
grown too loose to screen: more than a tenth of the columns within reach).
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
from bayesreg.core._least_squares import SparseDesignData
from bayesreg.core._sparse_cd import coordinate_descent
from bayesreg.core.types import FloatArray, IndexArray

__all__ = [
    "MAX_EPOCHS",
    "SPARSE_EXACT_SUPPORT",
    "SPARSE_FACTOR_SUPPORT",
    "WORKING_SET_MIN_FEATURES",
    "RestrictableData",
    "WorkingSetSolver",
    "violation_cap",
]

#: Below this many features every pass is cheap and the plain active-set method is used.
WORKING_SET_MIN_FEATURES = 200
#: Sparse X: supports up to this size are solved exactly by the active-set method (its
#: factor is cubic in the support's size); beyond it by coordinate descent.
SPARSE_EXACT_SUPPORT = 250
#: Sparse X: when coordinate descent converges slowly (an ill-conditioned support, e.g.
#: as large as n) on a support of at most this size, the exact method takes over.
SPARSE_FACTOR_SUPPORT = 1000
#: The epochs one coordinate-descent solve of a working set may take (celer's
#: ``max_epochs``): an epoch is far cheaper than an outer iteration, which ``max_iter``
#: counts, and a support about as large as n may need thousands.
MAX_EPOCHS = 100_000
#: New candidates the first working set of a solve takes beyond the support.
_FIRST_CANDIDATES = 10


class RestrictableData(QuadraticBlocks, Protocol):
    """Least-squares data read by columns: restricted, and its residual and norms."""

    @property
    def yty(self) -> float:
        """``yᵀy / n``."""
        ...

    def restrict(self, columns: IndexArray) -> Self:
        """The same problem on the columns ``X[:, columns]`` only."""
        ...

    def residual(self, index: IndexArray, coef: FloatArray) -> FloatArray:
        """``ρ = y − X_A w_A``."""
        ...

    def correlation_at(self, residual: FloatArray) -> FloatArray:
        """``Xᵀρ / n``."""
        ...

    def column_norms(self) -> FloatArray:
        """``||x_j||`` of every column."""
        ...


@dataclass(frozen=True)
class _Pass:
    """The correlations ``u = Xᵀρ/n`` of a pass over all columns, at the residual ``ρ``."""

    residual: FloatArray
    correlation: FloatArray


@dataclass(frozen=True)
class _Restricted:
    """The working set ``columns`` (which hold the support) and the data restricted to it."""

    columns: IndexArray
    data: RestrictableData


@dataclass
class WorkingSetSolver:
    """The elastic net on ``data`` by working sets, warm-started along a path.

    Holds the support (:class:`ActiveSet`, global column indices), the last pass over all
    columns (its residual and correlations, from which the bounds of the module docstring
    start) and the column norms.
    """

    data: RestrictableData
    slack: float
    active: ActiveSet = field(default_factory=ActiveSet, init=False)
    full_passes: int = field(default=0, init=False)
    _last: _Pass = field(init=False)
    _norms: FloatArray | None = field(default=None, init=False)
    _drift_step: float = field(default=0.0, init=False)
    _residual: FloatArray | None = field(default=None, init=False)
    _coordinate: bool = field(default=False, init=False)
    _exact: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        # at w = 0 the residual is y and the correlations are Xᵀy/n, known without a pass
        empty = np.empty(0, dtype=np.intp)
        self._last = _Pass(self.data.residual(empty, np.empty(0)), self.data.xty.copy())

    def solve(self, penalty: EnetPenalty, *, threshold: float, max_iter: int) -> ActiveSetSolution:
        """Minimize F at ``penalty`` from the current support (module docstring).

        ``n_iter`` counts the passes of the restricted solves plus the full passes, a
        coordinate-descent solve of a working set (sparse data) as one, its epochs bounded
        by ``MAX_EPOCHS``; ``max_iter`` bounds that count.
        """
        n_features = self.data.xty.shape[0]
        weights = np.broadcast_to(np.asarray(penalty.l1, dtype=float), (n_features,))
        rule = DualityGapRule(penalty, threshold, self.slack)
        self._set_l2(penalty.l2)
        start_drift = self._drift(self._current_residual())
        plan = _Plan()
        working: _Restricted | None = self._screened(weights, penalty.positive, plan.candidates)
        n_iter = 0
        while True:
            if working is not None:
                plan.columns = working.columns
                # coordinate descent stops at a tolerance: half the threshold, so that the
                # full problem's gap (≥ the restricted one) can still meet it
                inner = threshold / 2 if self.coordinate else threshold
                n_iter += self._solve_restricted(working, weights, rule, inner, max_iter - n_iter)
            estimate, residual_sq, exact = self._estimate(working, penalty.positive)
            coef = self.active.full_coef(n_features)
            gap, objective, _ = rule.measure(coef, estimate, residual_sq)
            violation = (estimate if penalty.positive else np.abs(estimate)) - weights
            violation[self.active.index] = -np.inf
            violated = bool(np.any(violation > self.slack))
            # coordinate descent is certified by the gap alone (no exact support)
            if (gap <= threshold and (self.coordinate or not violated)) or n_iter >= max_iter:
                break
            if not exact:
                # the bounds do not settle it: one pass over all columns makes them exact
                self._full_pass()
                n_iter, working = n_iter + 1, None
                continue
            columns = plan.next(violation, self.active, self.slack, self.coordinate)
            if columns is None:
                break  # nothing to add and refining no longer helps: rounding level
            working = _Restricted(columns, self.data.restrict(columns))
        self._drift_step = max(self._drift(self._current_residual()) - start_drift, 0.0)
        return ActiveSetSolution(coef, gap, objective, max(n_iter, 1))

    @property
    def coordinate(self) -> bool:
        """Whether the restricted problems are solved by coordinate descent: sparse X whose
        support has outgrown ``SPARSE_EXACT_SUPPORT`` (once, for the rest of the path)."""
        sparse = isinstance(self.data, SparseDesignData)
        large = self.active.size > SPARSE_EXACT_SUPPORT
        if not (self._coordinate or self._exact) and sparse and large:
            # the factor is no longer kept: coordinate descent needs none
            self._coordinate = True
            self.active.gram = self.active.chol = np.empty((0, 0))
        return self._coordinate

    def _set_l2(self, l2: float) -> None:
        """The ridge weight of the penalty (the active set refactors its block; coordinate
        descent keeps no factor)."""
        if self.coordinate:
            self.active.l2 = l2
        else:
            self.active.set_l2(l2)

    @property
    def norms(self) -> FloatArray:
        """``||x_j||`` (computed once)."""
        if self._norms is None:
            self._norms = self.data.column_norms()
        return self._norms

    def _current_residual(self) -> FloatArray:
        """``ρ = y − X_A w_A`` at the current support (kept until the support moves)."""
        if self._residual is None:
            self._residual = self.data.residual(self.active.index, self.active.coef)
        return self._residual

    def _full_pass(self) -> None:
        """The correlations over all columns at the current support (kept)."""
        residual = self._current_residual()
        self._last = _Pass(residual, self.data.correlation_at(residual))
        self.full_passes += 1

    def _drift(self, residual: FloatArray) -> float:
        """``||ρ − ρ_last|| / n``: how far the correlations may have moved per unit norm."""
        change = residual - self._last.residual
        return float(np.sqrt(change @ change) / residual.shape[0])

    def _bounds(self, drift: float, positive: bool) -> FloatArray:
        """Upper bounds of ``|u_j|`` (of ``u_j`` when ``positive``) at a residual ``drift`` away.

        ``|u_j(ρ) − u_j(ρ_last)| = |x_jᵀ(ρ − ρ_last)|/n ≤ ||x_j|| ||ρ − ρ_last||/n``
        (Cauchy–Schwarz); exact when ``drift = 0``.
        """
        last = self._last.correlation
        reference = last if positive else np.abs(last)
        if drift == 0.0:
            return reference.copy()
        bounds: FloatArray = reference + drift * self.norms
        return bounds

    def _estimate(
        self, working: _Restricted | None, positive: bool
    ) -> tuple[FloatArray, float, bool]:
        """The correlations for the certificate: exact on the working set, bounds elsewhere.

        Returns ``(estimate, ||ρ||²/n, exact)``: ``estimate_j`` is ``u_j`` on the working
        set (and the support) and an upper bound of ``|u_j|`` (of ``u_j`` when
        ``positive``) elsewhere, so the rescaled dual point of the gap stays feasible (the
        gap reads ``|u_j|``, or ``u_j⁺``, off the support) and a zero coefficient whose
        bound is ≤ ``l1_j`` is optimal; ``exact`` when no bound was needed.
        """
        residual = self._current_residual()
        drift = self._drift(residual)
        estimate = self._bounds(drift, positive)
        if working is not None:
            estimate[working.columns] = working.data.correlation_at(residual)
        elif drift == 0.0:
            estimate[self.active.index] = self._last.correlation[self.active.index]
        elif self.active.size:
            support = self.data.restrict(self.active.index)
            estimate[self.active.index] = support.correlation_at(residual)
        return estimate, float(residual @ residual) / residual.shape[0], drift == 0.0

    def _screened(self, weights: FloatArray, positive: bool, candidates: int) -> _Restricted:
        """The first working set at a new penalty: the support, every column whose bound
        may reach its ``l1_j`` after the step the last solve took (at most
        :func:`violation_cap` of them, after a full pass if more are within reach), and
        the ``candidates`` largest violations."""
        drift = self._drift(self._current_residual())
        cap = max(candidates, self.active.size, violation_cap(weights.size))
        violation = self._bounds(drift + self._drift_step, positive) - weights
        violation[self.active.index] = -np.inf
        reach = int(np.sum(violation > -self.slack))
        if reach > cap and drift > 0.0:
            # the bounds have grown too loose to screen: start them again from a full pass
            self._full_pass()
            violation = self._bounds(self._drift_step, positive) - weights
            violation[self.active.index] = -np.inf
            reach = int(np.sum(violation > -self.slack))
        count = min(max(candidates, self.active.size, reach), cap)
        columns = _grown(self.active.index, violation, count)
        return _Restricted(columns, self.data.restrict(columns))

    def _to_exact(self) -> None:
        """Leave coordinate descent for the exact active-set method, for good: factor the
        support's Gram block (columns dependent on earlier ones leave at 0) and keep the
        values reached as the start of the segment walk."""
        self._coordinate, self._exact = False, True
        index, coef, sign = self.active.index, self.active.coef, self.active.sign
        self.active = ActiveSet(l2=self.active.l2)
        self.active.append(self.data, index, sign)
        kept = np.isin(index, self.active.index)
        self.active.coef = coef[kept]
        self._residual = None

    def _solve_restricted(
        self,
        working: _Restricted,
        weights: FloatArray,
        rule: DualityGapRule,
        threshold: float,
        max_iter: int,
    ) -> int:
        """Solve on the working set (which holds the support); return its passes.

        The support is mapped to positions in the working set before and back to columns
        after (the active set's factor keeps its order). Sparse data: coordinate descent
        from the support's values to a restricted gap ≤ ``threshold``.
        """
        columns = working.columns
        position = np.empty(self.data.xty.shape[0], dtype=np.intp)
        position[columns] = np.arange(columns.size)
        local_weights = np.ascontiguousarray(weights[columns])
        local_rule = _restricted_rule(rule, columns)
        self._residual = None
        if self.coordinate and isinstance(working.data, SparseDesignData):
            start = np.zeros(columns.size)
            start[position[self.active.index]] = self.active.coef
            # coordinate descent stops early when slow; a support the factor can afford
            # is then handed to the exact solver for the rest of the path
            affordable = self.active.size <= SPARSE_FACTOR_SUPPORT
            found = coordinate_descent(
                working.data, start, local_weights, local_rule,
                threshold=threshold, max_epochs=MAX_EPOCHS, stop_when_slow=affordable,
            )  # fmt: skip
            support = np.flatnonzero(found.coef)
            self.active.index, self.active.coef = columns[support], found.coef[support]
            self.active.sign = np.sign(self.active.coef)
            if found.slow:
                self._to_exact()
            return 1  # one iteration of the outer count; its epochs have their own budget
        self.active.index = position[self.active.index]
        positive = np.ones(columns.size, dtype=bool) if rule.penalty.positive else None
        try:
            solution = minimize_l1_quadratic(
                working.data,
                self.active,
                local_weights,
                local_rule,
                max_iter=max(max_iter, 1),
                positive=positive,
            )
        finally:
            self.active.index = columns[self.active.index]
        return solution.n_iter


@dataclass
class _Plan:
    """How the working set grows within one solve.

    The active-set solve leaves every column of the working set optimal, so only the
    support is kept and the next set adds the largest violators; coordinate descent keeps
    the whole set (its columns are solved to a tolerance, not dropped) and adds violators
    from outside it. New candidates double each round. With no violator left, one round
    refines on the same columns; a second one ends the solve.
    """

    candidates: int = _FIRST_CANDIDATES
    refined: bool = False
    columns: IndexArray | None = None

    def next(
        self, violation: FloatArray, active: ActiveSet, slack: float, coordinate: bool
    ) -> IndexArray | None:
        """The next working set from exact violations (support at ``-inf``), or None."""
        keep = active.index
        if coordinate and self.columns is not None:
            keep = self.columns
            violation = violation.copy()
            violation[keep] = -np.inf
        if np.any(violation > slack):
            columns = _grown(keep, violation, max(self.candidates, active.size))
            self.candidates, self.refined = 2 * self.candidates, False
            return columns
        if self.refined:
            return None
        self.refined = True
        return keep


def _grown(keep: IndexArray, violation: FloatArray, count: int) -> IndexArray:
    """``keep`` and the ``count`` columns of largest violation outside it (at ``-inf``)."""
    count = min(count, violation.size - keep.size)
    if count <= 0:
        return keep
    chosen = np.argpartition(-violation, count - 1)[:count]
    chosen = chosen[violation[chosen] > -np.inf]
    return np.concatenate([keep, np.sort(chosen)])


def violation_cap(n_features: int) -> int:
    """The most columns a bound-screened working set takes (a tenth of all): beyond it the
    bounds are too loose to save a pass over all columns."""
    return max(n_features // 10, 1)


def _restricted_rule(rule: DualityGapRule, columns: IndexArray) -> DualityGapRule:
    """The rule of the problem restricted to ``columns`` (its L1 multipliers restricted)."""
    penalty = rule.penalty
    if penalty.l1_scale is None:
        return rule
    return replace(rule, penalty=replace(penalty, l1_scale=penalty.l1_scale[columns]))
