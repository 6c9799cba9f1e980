"""The public GLM solvers' one recipe: validate, check that a minimizer exists, solve, warn.

Every family (logistic, Poisson) minimizes

    F(w, w0) = L(η) + alpha · Σ_j v_j [r |w_j| + (1 − r)/2 w_j²],   η = o + w0 + X w,

optionally subject to ``w ≥ 0`` (``positive``), and certifies the result by its KKT
residual (:mod:`bayesreg.core.glm`). What differs between families is only how the
response is read (binary outcomes, counts with an offset), the null model (the best
intercept at w = 0), and when F has no minimizer: a :class:`GLMFamily` supplies those,
and :func:`fit_glm`, :func:`fit_glm_path` and :func:`glm_family_alpha_max` do the rest
the same way for every family — so a new likelihood is one small class, and an option
such as ``positive`` is written once.

**Sign constraints.** With ``w ≥ 0`` the KKT conditions of a coefficient at 0 are
one-sided, ``−g_j ≤ alpha·r·v_j`` (g = ∇_w L), so w = 0 is optimal iff
``alpha ≥ max_j (−g_j)⁺ / (r·v_j)``: :func:`~bayesreg.core.glm.glm_alpha_max` with
``positive=True``. The maximum-likelihood estimate (alpha = 0) under ``w ≥ 0`` exists iff
no direction d with ``d_w ≥ 0`` is a direction of recession of L: the family's separation
linear program, with the coefficients' bounds ``0 ≤ d_j ≤ 1`` instead of ``|d_j| ≤ 1``.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any, Protocol

import numpy as np
import scipy.optimize

from bayesreg.core._penalty_factor import check_penalty_factor
from bayesreg.core.glm import (
    DEFAULT_TOL,
    ROUNDING_FLOOR_ULPS,
    Design,
    GLMData,
    WeightedRows,
    as_glm_design,
    check_ml_design,
    clear_margin,
    glm_grid,
    glm_path,
    solve_glm,
    warn_not_converged,
    weighted_rows,
)
from bayesreg.core.glm_stream import (
    is_dask_collection,
    refuse_streamed,
    streamed_null,
    streamed_rows,
)
from bayesreg.core.results import PathFit, PenalizedFit
from bayesreg.core.types import EPS, FloatArray
from bayesreg.errors import DataError, InputValueError
from bayesreg.validation import (
    as_target,
    check_bool,
    check_finite_nonneg,
    check_grid_eps,
    check_l1_ratio,
    check_path_alphas,
    check_positive_int,
    check_tol,
)

__all__ = [
    "PATH_MAX_ITER",
    "Bounds",
    "GLMFamily",
    "check_glm_minimizer",
    "fit_glm",
    "fit_glm_path",
    "glm_family_alpha_max",
    "separating_direction_found",
    "separation_bounds",
]

#: A box ``lo_j ≤ d_j ≤ hi_j`` per column of the separation linear program.
Bounds = list[tuple[float, float]]

#: Newton steps allowed to each fit of a path (the single fits' default).
PATH_MAX_ITER = 200


class GLMFamily(Protocol):
    """What one likelihood contributes to the shared GLM recipe."""

    @property
    def name(self) -> str:
        """The public single-fit function, as named in messages ("logistic", "poisson")."""
        ...

    @property
    def likelihood(self) -> str:
        """The likelihood's name in :func:`~bayesreg.core.datafits.datafit_of`."""
        ...

    @property
    def no_signal(self) -> str:
        """Completes the message when the default grid is empty (the null gradient is 0)."""
        ...

    @property
    def no_estimate(self) -> str:
        """Says how a direction of recession moves the fit (the estimate does not exist)."""
        ...

    def response(self, y: FloatArray, offset: FloatArray | None, fit_intercept: bool) -> FloatArray:
        """y checked as the family's response (binary outcomes, counts); raises DataError for
        a value, or an offset, the likelihood does not take."""
        ...

    def check_null(self, n_samples: int, target_sum: float, fit_intercept: bool) -> None:
        """Raise DataError when the null model (the best intercept at w = 0) does not exist,
        from the number of rows and the sum of y (in memory, or over streamed rows)."""
        ...

    def data(self, rows: WeightedRows, fit_intercept: bool) -> GLMData:
        """The problem on validated rows (zero-weight rows dropped) with its null model."""
        ...

    def separable(self, design: Design, target: FloatArray, bounds: Bounds) -> bool:
        """Whether a direction d within ``bounds`` is a direction of recession of L."""
        ...


def separation_bounds(n_columns: int, fit_intercept: bool, positive: bool) -> Bounds:
    """The box of the separation LP over the columns of Z = [1, X] (or X).

    Each direction is scaled into ``|d_j| ≤ 1``; a coefficient constrained to ``w_j ≥ 0``
    can only move up, ``0 ≤ d_j ≤ 1``. The intercept is never constrained.
    """
    lower = 0.0 if positive else -1.0
    n_features = n_columns - int(fit_intercept)
    return [(-1.0, 1.0)] * int(fit_intercept) + [(lower, 1.0)] * n_features


def separating_direction_found(
    margins: Design, design: Design, bounds: Bounds, level: Design | None = None
) -> bool:
    """Whether some d ≠ 0 within ``bounds`` has ``M d ≥ 0`` (and ``E d = 0``), M = ``margins``,
    E = ``level``: a direction of recession of the likelihood, found by the linear program

        maximize Σ_i (M d)_i  subject to  M d ≥ 0,  E d = 0,  d within the bounds,

    whose optimum is 0 (at d = 0) exactly when there is none; a direction counts only when
    its largest margin is clear of rounding (:func:`~bayesreg.core.glm.clear_margin`).
    """
    if level is not None and level.shape[0] == 0:
        level = None
    program = scipy.optimize.linprog(
        -np.asarray(margins.sum(axis=0)).ravel(),
        A_ub=-margins,
        b_ub=np.zeros(margins.shape[0]),
        A_eq=level,
        b_eq=None if level is None else np.zeros(level.shape[0]),
        bounds=bounds,
        method="highs",
    )
    if program.x is None:
        return False
    return clear_margin(margins @ program.x, design)


def check_glm_minimizer(family: GLMFamily, data: GLMData, alpha: float) -> None:
    """Raise DataError where F has no minimizer (or, for alpha = 0, no unique one).

    For alpha > 0, alpha·P(w) is coercive in w, the datafit is bounded below, and the
    family's null check makes L coercive in w0 for bounded w: F has a minimizer. For
    alpha = 0 the columns of [1, X] must be independent (uniqueness) and no direction in
    the feasible cone may be a direction of recession (existence).
    """
    if alpha > 0.0:
        return
    if data.datafit is None:
        raise InputValueError(
            "alpha=0 (the maximum-likelihood estimate) is not supported with a Dask design: "
            "whether it exists is decided by a linear program over all rows in memory. Pass "
            "alpha > 0 (a prior on w), or compute X in memory."
        )
    design, with_intercept = check_ml_design(data.design, data.fit_intercept)
    bounds = separation_bounds(design.shape[1], data.fit_intercept, data.positive)
    if family.separable(design, data.target, bounds):
        signs = " with non-negative coefficients" if data.positive else ""
        raise DataError(
            "alpha=0 asks for the maximum-likelihood estimate, which does not exist: a "
            f"linear function of the columns of X{with_intercept}{signs} {family.no_estimate}, "
            "so the likelihood increases without bound along it. Pass alpha > 0 (a prior "
            "on w) to get a finite MAP estimate."
        )


def _problem(
    family: GLMFamily,
    X: Any,
    y: Any,
    *,
    fit_intercept: Any = True,
    sample_weight: Any = None,
    penalty_factor: Any = None,
    positive: Any = False,
    offset: Any = None,
) -> GLMData:
    """The validated problem with its penalty factors and sign constraint attached."""
    fit_intercept = check_bool(fit_intercept, "fit_intercept")
    if is_dask_collection(X):
        if sample_weight is not None:
            refuse_streamed("sample_weight", "<array>")
        data = _streamed_data(family, X, y, fit_intercept, offset)
    else:
        data = _in_memory_data(family, X, y, fit_intercept, sample_weight, offset)
    factor = check_penalty_factor(penalty_factor, data.n_features)
    return replace(data, penalty_factor=factor, positive=check_bool(positive, "positive"))


def _in_memory_data(
    family: GLMFamily, X: Any, y: Any, fit_intercept: bool, sample_weight: Any, offset: Any
) -> GLMData:
    """The validated design (CSC when sparse), response and offset, the weights applied
    (zero-weight rows dropped: :func:`~bayesreg.core.glm.weighted_rows`), refused where
    the null model does not exist."""
    design = as_glm_design(X)
    target = as_target(y, design.shape[0])
    shift = None if offset is None else as_target(offset, design.shape[0], name="offset")
    target = family.response(target, shift, fit_intercept)
    rows = weighted_rows(design, target, sample_weight, shift)
    family.check_null(rows.target.size, float(rows.target.sum()), fit_intercept)
    return family.data(rows, fit_intercept)


def _streamed_data(family: GLMFamily, X: Any, y: Any, fit_intercept: bool, offset: Any) -> GLMData:
    """The problem over Dask row blocks (:mod:`bayesreg.core.glm_stream`): validated and
    its null model computed in two passes; the rounding floor as in memory,
    ``16·eps·√n·max_j Σ_i |z_ij| s_i / n``."""
    rows = streamed_rows(X, y, offset, family.likelihood)
    family.check_null(rows.n_samples, rows.target_sum, fit_intercept)
    null = streamed_null(rows, fit_intercept)
    return GLMData(
        design=rows,
        datafit=None,
        fit_intercept=fit_intercept,
        null_intercept=null.intercept,
        null_gradient=null.gradient,
        floor=ROUNDING_FLOOR_ULPS * EPS * math.sqrt(rows.n_samples) * null.unit,
        target=np.empty(0),
    )


def fit_glm(
    family: GLMFamily,
    X: Any,
    y: Any,
    alpha: Any,
    l1_ratio: Any,
    *,
    tol: Any = DEFAULT_TOL,
    max_iter: Any = 200,
    **inputs: Any,
) -> PenalizedFit:
    """One certified fit of ``family`` (the public solvers' body; arguments unvalidated).

    ``inputs`` are the data's options, passed on unchecked from the public solver:
    ``fit_intercept``, ``sample_weight``, ``penalty_factor``, ``positive``, ``offset``.
    Warns (ConvergenceWarning, pointing at the public solver's caller) when the KKT
    residual misses its threshold.
    """
    data = _problem(family, X, y, **inputs)
    alpha = check_finite_nonneg(alpha, "alpha")
    l1_ratio = check_l1_ratio(l1_ratio)
    tol = check_tol(tol)
    max_iter = check_positive_int(max_iter, "max_iter")
    check_glm_minimizer(family, data, alpha)
    solved = solve_glm(data, alpha, l1_ratio, tol=tol, max_iter=max_iter)
    if not solved.fit.converged:
        warn_not_converged(family.name, solved.result, solved.threshold, max_iter)
    return solved.fit


def glm_family_alpha_max(
    family: GLMFamily, X: Any, y: Any, *, l1_ratio: Any = 1.0, **inputs: Any
) -> float:
    """The smallest alpha whose fit is w = 0 (:func:`~bayesreg.core.glm.glm_alpha_max`);
    ``inputs`` as in :func:`fit_glm`."""
    data = _problem(family, X, y, **inputs)
    return data.alpha_max(check_l1_ratio(l1_ratio))


def fit_glm_path(
    family: GLMFamily,
    X: Any,
    y: Any,
    alphas: Any,
    l1_ratio: Any,
    *,
    n_alphas: Any = 50,
    eps: Any = 1e-3,
    tol: Any = DEFAULT_TOL,
    **inputs: Any,
) -> PathFit:
    """Certified, warm-started fits of ``family`` along a decreasing grid of alphas.

    The default grid runs geometrically from alpha_max down to ``eps · alpha_max``; given
    ``alphas`` are sorted in decreasing order and the path records alpha_max (NaN where a
    zero penalty factor leaves it without a closed form). ``inputs`` as in
    :func:`fit_glm`.
    """
    data = _problem(family, X, y, **inputs)
    l1_ratio = check_l1_ratio(l1_ratio)
    tol = check_tol(tol)
    # with given alphas a zero penalty factor leaves alpha_max unknown (NaN), not refused
    top = data.alpha_max(l1_ratio, strict=alphas is None)
    if alphas is not None:
        grid = check_path_alphas(
            alphas,
            zero_hint=f"For the maximum-likelihood estimate (alpha = 0) call {family.name}"
            "(X, y, 0.0).",
        )
    else:
        no_signal = family.no_signal
        if data.positive:
            no_signal += " in the direction positive coefficients can take"
        grid = glm_grid(
            top, check_positive_int(n_alphas, "n_alphas"), check_grid_eps(eps), no_signal=no_signal
        )
    return glm_path(
        f"{family.name}_path", data, grid, l1_ratio, tol=tol, max_iter=PATH_MAX_ITER, alpha_max=top
    )
