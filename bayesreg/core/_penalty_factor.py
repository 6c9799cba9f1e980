"""Per-coefficient penalty factors, by a change of variables onto a uniform problem.

glmnet's ``penalty.factor``: with factors ``v_j ≥ 0`` the penalty is

    P_v(w) = Σ_j v_j [r |w_j| + (1 − r)/2 w_j²]                       (v_j = 0: unpenalized)

and the objective ``F(w) = 1/(2n)||yc − Xc w||² + alpha·P_v(w)`` (intercept profiled out by
centering). It is solved as a problem the uniform solvers already certify:

* **penalized columns** (``v_j > 0``, the set ``P``): with ``u_j = √v_j·w_j`` and column j of
  ``Xc`` divided by ``√v_j``, ``Xc_j w_j = (Xc_j/√v_j) u_j`` and
  ``v_j [r|w_j| + (1 − r)/2 w_j²] = r √v_j |u_j| + (1 − r)/2 u_j²``: an elastic net in u
  with the *uniform* L2 weight ``alpha(1 − r)`` and the L1 weights ``alpha·r·√v_j``
  (``l1_scale = √v``), and ridge (``r = 0``) with the uniform weight alpha;
* **unpenalized columns** (``v_j = 0``, the set ``Z``) are profiled out like the intercept
  (Frisch–Waugh–Lovell): for fixed ``w_P`` the best ``w_Z`` is the least-squares fit
  ``w_Z = (Zcᵀ Zc)⁻¹ Zcᵀ (yc − Xc_P w_P)``, and substituting it leaves the residualized
  problem ``1/(2n)||M yc − M Xc_P w_P||² + alpha·P_v(w_P)`` with ``M = I − Zc(ZcᵀZc)⁻¹Zcᵀ``.

Both maps are bijections between the reduced variable ``u`` and the full ``w`` (with
``w_Z`` at its profiled optimum), and the objectives are equal under them:
``F_reduced(u) = min_{w_Z} F(u/√v, w_Z)``. Hence the reduced problem's duality gap (or
KKT residual) at ``u`` is *exactly* ``F(w) − min F`` bounded for the recovered ``w``, with
``w_Z`` computed by one least-squares solve (the only extra rounding). The unpenalized
columns together with the intercept must have full column rank (else ``w_Z`` is not
unique); a rank-deficient ``Zc`` is refused with a :class:`~bayesreg.errors.DataError`.

The data keep their form: dense rows are scaled (and residualized, by a thin QR of
``Zc``), a sparse ``X`` is scaled by a sparse diagonal (it stays sparse; the centering
stays implicit, with observation weights ``X_s v − √s̃ (x̄ᵀv)``, whose columns scale
alike) when no factor is 0, sufficient statistics are scaled (and reduced by the
Schur complement ``G_PP − G_PZ G_ZZ⁻¹ G_ZP``). A sparse ``X`` with unpenalized columns goes
through its Gram matrix ``XcᵀXc`` (formed by sparse products) when n ≥ p, through a dense
copy of at most :data:`~bayesreg.core.data.DENSE_COPY_LIMIT` entries otherwise, and is
refused beyond that (residualizing on ``Zc`` fills the design in).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.linalg
import scipy.sparse

from bayesreg.core._active_set import DEPENDENT_PIVOT
from bayesreg.core.data import (
    CenteredProblem,
    DenseRows,
    SparseRows,
    Statistics,
)
from bayesreg.core.types import FloatArray, IndexArray
from bayesreg.errors import DataError, InputTypeError, InputValueError
from bayesreg.validation import nonnegative_entries

__all__ = [
    "FactoredProblem",
    "check_penalty_factor",
    "factor_problem",
    "weighted_penalty_value",
]


def check_penalty_factor(value: Any, n_features: int) -> FloatArray | None:
    """``penalty_factor`` checked: None, or p finite numbers ≥ 0, not all 0 (a fresh copy).

    Raises
    ------
    InputTypeError
        If it is not numeric.
    InputValueError
        If its shape is not ``(n_features,)``, an entry is negative, NaN or infinite, or
        every entry is 0 (nothing penalized: least squares, ``ridge(X, y, 0.0)``).
    """
    if value is None:
        return None
    factor = nonnegative_entries(
        value,
        n_features,
        "penalty_factor",
        "one per column of X",
        hint=" A factor 0 leaves its coefficient unpenalized; an infinite factor (a coefficient "
        "fixed at 0) is expressed by dropping the column.",
        type_error=InputTypeError,
        value_error=InputValueError,
    )
    if not np.any(factor > 0.0):
        raise InputValueError(
            "penalty_factor is all zeros: no coefficient is penalized, which is least "
            "squares; use ridge(X, y, 0.0), or give at least one factor > 0."
        )
    return factor


def weighted_penalty_value(
    w: FloatArray, alpha: float, l1_ratio: float, penalty_factor: FloatArray
) -> float:
    """``alpha · Σ_j v_j [r |w_j| + (1 − r)/2 w_j²]``."""
    l1 = float(penalty_factor @ np.abs(w))
    l2 = float(penalty_factor @ (w * w))
    return alpha * (l1_ratio * l1 + 0.5 * (1.0 - l1_ratio) * l2)


@dataclass(frozen=True)
class FactoredProblem:
    """The reduced uniform problem in ``u = √v_P·w_P`` and the map back to ``w``.

    Attributes
    ----------
    problem : CenteredProblem
        The reduced data (columns ``P``, scaled, residualized on ``Z``); its ``x_mean``
        and ``y_mean`` are 0: intercepts are computed on the original problem.
    l1_scale : ndarray of shape (|P|,)
        ``√v_P``: the L1 weight of ``u_j`` is ``alpha·r·√v_j``.
    penalized, unpenalized : ndarray of int
        The column sets ``P`` (``v_j > 0``) and ``Z`` (``v_j = 0``).
    n_features : int
    """

    problem: CenteredProblem
    l1_scale: FloatArray
    penalized: IndexArray
    unpenalized: IndexArray
    n_features: int
    profile: Callable[[FloatArray], FloatArray]

    def coefs(self, reduced: FloatArray) -> FloatArray:
        """Full ``w`` (rows of shape (k, p)) from reduced ``u`` (k, |P|); exact zeros kept."""
        reduced = np.atleast_2d(reduced)
        full = np.zeros((reduced.shape[0], self.n_features))
        full[:, self.penalized] = reduced / self.l1_scale
        if self.unpenalized.size:
            for row in full:
                row[self.unpenalized] = self.profile(row[self.penalized])
        return full

    def coef(self, reduced: FloatArray) -> FloatArray:
        """Full ``w`` from one reduced ``u``."""
        values: FloatArray = self.coefs(reduced)[0]
        return values


def factor_problem(problem: CenteredProblem, penalty_factor: FloatArray) -> FactoredProblem:
    """The reduced uniform problem of ``problem`` under ``penalty_factor`` (module docstring).

    Raises
    ------
    DataError
        If the unpenalized columns (centered when an intercept is fitted) are rank
        deficient, or a sparse X with unpenalized columns is wider than its rows and too
        large to copy densely.
    """
    penalized = np.flatnonzero(penalty_factor > 0.0)
    unpenalized = np.flatnonzero(penalty_factor == 0.0)
    scale = np.sqrt(penalty_factor[penalized])
    names = tuple(problem.feature_names[j] for j in penalized)
    n_samples, n_features = problem.n_samples, problem.n_features
    if unpenalized.size == 0:
        reduced = _scaled(problem, scale, names)
        return FactoredProblem(reduced, scale, penalized, unpenalized, n_features, _none)
    if problem.kind == "statistics" or (problem.kind == "sparse" and n_samples >= n_features):
        gram = problem.gram()
        return _profiled_gram(problem, gram, penalized, unpenalized, scale, names)
    if isinstance(problem, SparseRows):
        # profiling the unpenalized columns out fills a sparse design in: rows needed
        rows = problem.densified(
            f"penalty_factor with {unpenalized.size} zero entries (unpenalized columns) and n < p"
        )
        Xc, yc = rows.dense_rows()
    else:
        Xc, yc = problem.dense_rows()
    return _profiled_rows(problem, Xc, yc, penalized, unpenalized, scale, names)


def _none(_: FloatArray) -> FloatArray:
    return np.empty(0)


def _scaled(problem: CenteredProblem, scale: FloatArray, names: tuple[str, ...]) -> CenteredProblem:
    """Every factor > 0: the columns divided by ``√v`` in the form the data came in."""
    n_samples, p = problem.n_samples, problem.n_features
    xty = problem.xty / scale
    zeros = np.zeros(p)
    if problem.kind == "dense":
        Xc, yc = problem.dense_rows()
        return DenseRows(
            n_samples, problem.fit_intercept, zeros, 0.0, xty, problem.yty, names,
            X=Xc / scale, y=yc,
        )  # fmt: skip
    if isinstance(problem, SparseRows):
        # The implicit centering X_j − c x̄_j (c = 1, or √s̃ with weights) scales with X_j.
        design = problem.X @ scipy.sparse.diags(1.0 / scale)
        design = design.asformat(problem.X.format)
        return SparseRows(
            n_samples, problem.fit_intercept, problem.x_mean / scale, 0.0, xty, problem.yty,
            names, X=design, y=problem.y, row_scale=problem.row_scale,
            sample_weight=problem.sample_weight, weight_sum=problem.weight_sum,
        )  # fmt: skip
    gram = problem.gram() / np.outer(scale, scale)
    return Statistics(
        n_samples, problem.fit_intercept, zeros, 0.0, xty, problem.yty, names, gram_matrix=gram
    )


def _rank_deficient(pivots: FloatArray, sizes: FloatArray) -> IndexArray:
    """Positions whose pivot² is at most ``DEPENDENT_PIVOT`` times the column's raw size²."""
    found: IndexArray = np.flatnonzero(pivots**2 <= DEPENDENT_PIVOT * sizes)
    return found


def _refuse_rank(problem: CenteredProblem, unpenalized: IndexArray, position: int) -> DataError:
    column = int(unpenalized[position])
    with_intercept = " together with the intercept" if problem.fit_intercept else ""
    return DataError(
        f"the unpenalized columns (penalty_factor = 0: columns {unpenalized.tolist()}) are rank "
        f"deficient{with_intercept}: column {column} ({problem.feature_names[column]!r}) lies "
        "in the span of the others (a constant column duplicates the intercept), so their "
        "coefficients are not unique. Drop it, or give it a penalty factor > 0."
    )


def _profiled_rows(
    problem: CenteredProblem,
    Xc: FloatArray,
    yc: FloatArray,
    penalized: IndexArray,
    unpenalized: IndexArray,
    scale: FloatArray,
    names: tuple[str, ...],
) -> FactoredProblem:
    """Dense rows: ``M = I − QQᵀ`` from the thin QR ``Zc = QR``; ``w_Z = R⁻¹Qᵀ(yc − Xc_P w_P)``."""
    n_samples = problem.n_samples
    Zc = Xc[:, unpenalized]
    q, r = scipy.linalg.qr(Zc, mode="economic")
    sizes = np.sum(Zc * Zc, axis=0) + n_samples * problem.x_mean[unpenalized] ** 2
    deficient = _rank_deficient(np.abs(np.diag(r)), sizes)
    if deficient.size:
        raise _refuse_rank(problem, unpenalized, int(deficient[0]))
    Xp = Xc[:, penalized]
    design = (Xp - q @ (q.T @ Xp)) / scale
    target = yc - q @ (q.T @ yc)

    def profile(coef: FloatArray) -> FloatArray:
        rest = q.T @ (yc - Xp @ coef)
        values: FloatArray = scipy.linalg.solve_triangular(r, rest)
        return values

    reduced = DenseRows(
        n_samples, problem.fit_intercept, np.zeros(penalized.size), 0.0, design.T @ target,
        float(target @ target), names, X=design, y=target,
    )  # fmt: skip
    return FactoredProblem(reduced, scale, penalized, unpenalized, problem.n_features, profile)


def _profiled_gram(
    problem: CenteredProblem,
    gram: FloatArray,
    penalized: IndexArray,
    unpenalized: IndexArray,
    scale: FloatArray,
    names: tuple[str, ...],
) -> FactoredProblem:
    """Statistics: the Schur complement of ``G_ZZ``; ``w_Z = G_ZZ⁻¹(c_Z − G_ZP w_P)``."""
    g_zz = gram[np.ix_(unpenalized, unpenalized)]
    factor, info = scipy.linalg.lapack.dpotrf(g_zz, lower=1, clean=1)
    sizes = np.diag(g_zz) + problem.n_samples * problem.x_mean[unpenalized] ** 2
    if info != 0:
        raise _refuse_rank(problem, unpenalized, info - 1)
    deficient = _rank_deficient(np.diag(factor), sizes)
    if deficient.size:
        raise _refuse_rank(problem, unpenalized, int(deficient[0]))
    g_zp = gram[np.ix_(unpenalized, penalized)]
    xty_z = problem.xty[unpenalized]
    solved = scipy.linalg.cho_solve((factor, True), np.column_stack([g_zp, xty_z]))
    slope, offset = solved[:, :-1], solved[:, -1]
    reduced_gram = gram[np.ix_(penalized, penalized)] - g_zp.T @ slope
    reduced_gram = 0.5 * (reduced_gram + reduced_gram.T) / np.outer(scale, scale)
    xty = (problem.xty[penalized] - g_zp.T @ offset) / scale
    yty = max(problem.yty - float(xty_z @ offset), 0.0)

    def profile(coef: FloatArray) -> FloatArray:
        values: FloatArray = offset - slope @ coef
        return values

    reduced = Statistics(
        problem.n_samples, problem.fit_intercept, np.zeros(penalized.size), 0.0, xty, yty,
        names, gram_matrix=reduced_gram,
    )  # fmt: skip
    return FactoredProblem(reduced, scale, penalized, unpenalized, problem.n_features, profile)
