"""What the certified GLM solvers (logistic, Poisson) share.

Both minimize ``F(w, w0) = L(η) + alpha · P(w)`` with the proximal Newton engine of
:mod:`bayesreg.core.newton` and certify the result by the KKT residual

    ρ = max( max_j dist(−∂L/∂w_j, alpha ∂P_j(w_j)), |∂L/∂w0| ),   ∇_w L = Xᵀ g,

g the per-sample gradient of the datafit. The residual cannot be certified below the
rounding error of ``Xᵀ g``: summing n terms x_ij g_i, each with a relative error of a
few ulps, gives an error of about eps · √n · mean_i |x_ij g_i| · n (random-walk
accumulation). :func:`kkt_floor` is that level, written with a per-sample scale s_i
bounding |g_i| · n (1 for the Bernoulli likelihood, where |μ − y| ≤ 1).

The module also holds what every family's solver does the same way: the fit from a
validated :class:`GLMData` (:func:`solve_glm`, a start point given or the null model's),
the warm-started path with its one summary warning (:func:`glm_path`), the default grid,
the rank check behind an unpenalized (maximum-likelihood) fit, the design's validation,
and the warning of a fit that did not converge. A family supplies only its datafit, its
null model (the best intercept at w = 0 and the gradient there) and its existence check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse

from bayesreg.core.data import check_sample_weight
from bayesreg.core.datafits import Datafit
from bayesreg.core.glm_stream import StreamedGLM
from bayesreg.core.newton import NewtonResult, minimize
from bayesreg.core.newton_glm import PenalizedGLM
from bayesreg.core.results import PathFit, PenalizedFit, warn_unconverged_path
from bayesreg.core.types import EPS, FloatArray
from bayesreg.errors import ConvergenceWarning, DataError, InputValueError, warn
from bayesreg.validation import as_design_or_sparse, is_sparse

__all__ = [
    "DEFAULT_TOL",
    "ROUNDING_FLOOR_ULPS",
    "SEPARATION_MARGIN",
    "Design",
    "GLMData",
    "GLMSolution",
    "WeightedRows",
    "as_glm_design",
    "check_ml_design",
    "clear_margin",
    "column_rank",
    "glm_alpha_max",
    "glm_grid",
    "glm_path",
    "gradient_unit",
    "kkt_floor",
    "sample_gradient",
    "solve_glm",
    "warn_not_converged",
    "weighted_rows",
    "with_intercept_column",
]

#: The relative KKT tolerance of the GLM solvers (logistic, Poisson) and their paths.
DEFAULT_TOL = 1e-10
#: A dense design, or a scipy.sparse one (CSC after validation).
Design = Any

#: The stopping threshold of the KKT residual never goes below this many times the
#: rounding level eps · √n · (gradient unit) of the gradient Xᵀ g.
ROUNDING_FLOOR_ULPS = 16.0
#: A direction v (|v_j| ≤ 1) whose margins are all ≥ 0 and one above this fraction of
#: max_i ||z_i||₁ is a direction along which the likelihood never decreases: the
#: maximum-likelihood estimate does not exist.
SEPARATION_MARGIN = 1e-6


def as_glm_design(X: Any) -> Design:
    """A validated dense design, or a sparse one in CSC form (the solver slices columns).

    A CSC float64 matrix is returned as it is, so a path validates and converts once.
    """
    design: Design = as_design_or_sparse(X)
    return design.tocsc() if is_sparse(design) else design


def gradient_unit(X: Design, fit_intercept: bool, scale: FloatArray | None = None) -> float:
    """``max_j mean_i |z_ij| s_i`` over the columns z of [1, X]: the size of a unit gradient.

    ``scale`` is s (a bound on n·|g_i| per sample); None means s = 1, the Bernoulli
    likelihood's bound |μ − y| ≤ 1.
    """
    if scale is None:
        column_scale = float(np.max(abs(X).mean(axis=0)))
        return max(column_scale, 1.0) if fit_intercept else column_scale
    weighted = float(np.max(np.asarray(abs(X).T @ scale))) / int(X.shape[0])
    return max(weighted, float(np.mean(scale))) if fit_intercept else weighted


def kkt_floor(
    X: Design,
    fit_intercept: bool,
    scale: FloatArray | None = None,
    weights: FloatArray | None = None,
) -> float:
    """``16 · eps · √n · max_j mean_i |z_ij| s_i``: below it no KKT residual is certified.

    With observation weights ``c`` (summing to 1) the bound of ``n·|g_i|`` is ``s_i·n c_i``
    (``n c_i`` for ``s`` None).
    """
    if weights is not None:
        relative = X.shape[0] * weights
        scale = relative if scale is None else scale * relative
    root_n = float(np.sqrt(X.shape[0]))
    return ROUNDING_FLOOR_ULPS * EPS * root_n * gradient_unit(X, fit_intercept, scale)


def sample_gradient(X: Design, residual: FloatArray, weights: FloatArray | None) -> FloatArray:
    """``∇_w L = Xᵀ c r`` from the per-sample residuals ``r = μ − y`` and the weights ``c``
    (summing to 1), or ``Xᵀ r / n`` without weights."""
    if weights is not None:
        weighted: FloatArray = np.asarray(X.T @ (weights * residual))
        return weighted
    gradient: FloatArray = np.asarray(X.T @ residual) / residual.size
    return gradient


@dataclass(frozen=True)
class WeightedRows:
    """A GLM's rows with observation weights applied: zero-weight rows dropped.

    ``weights`` are ``c_i = s_i/Σs`` on the rows kept (None: unweighted, ``1/n``).
    """

    design: Design
    target: FloatArray
    offset: FloatArray | None
    weights: FloatArray | None


def weighted_rows(
    design: Design, target: FloatArray, sample_weight: Any, offset: FloatArray | None = None
) -> WeightedRows:
    """Check ``sample_weight`` and apply it: ``L = Σ_i c_i ℓ_i``, ``c = s/Σs``.

    A row of weight 0 contributes nothing to L, so it is dropped (then the existence
    checks — separation, all-zero counts — see only the rows that count). None or
    constant weights leave the rows and the computation as they are.
    """
    weights = check_sample_weight(sample_weight, design.shape[0])
    if weights is None or bool(np.all(weights == weights[0])):
        return WeightedRows(design, target, offset, None)
    keep = weights > 0.0
    if not bool(keep.all()):
        design = design[keep]
        target = target[keep]
        offset = None if offset is None else offset[keep]
        weights = weights[keep]
    return WeightedRows(design, target, offset, weights / float(weights.sum()))


def with_intercept_column(X: Design) -> Design:
    """``Z = [1, X]`` (sparse when X is)."""
    ones = np.ones((X.shape[0], 1))
    if is_sparse(X):
        return scipy.sparse.hstack((scipy.sparse.csc_matrix(ones), X), format="csc")
    return np.column_stack((ones, X))


def column_rank(design: Design) -> int:
    """The column rank: by SVD of a dense design; of a sparse one, from its (p × p) Gram
    matrix ZᵀZ, so the rows are never densified (its rounding, eps·||Z||², resolves
    columns dependent to about √eps)."""
    if is_sparse(design):
        gram = np.asarray((design.T @ design).toarray())
        return int(np.linalg.matrix_rank(gram, hermitian=True))
    return int(np.linalg.matrix_rank(design))


def warn_not_converged(solver: str, result: NewtonResult, threshold: float, max_iter: int) -> None:
    """The ConvergenceWarning of ``solver`` (at the caller's line that called bayesreg)."""
    if result.stalled:
        reason = (
            f"the line search found no decrease of the objective beyond rounding error "
            f"after {result.n_iter} steps; the tolerance is below what double "
            "precision resolves for this problem. Loosen tol."
        )
    else:
        reason = f"max_iter={max_iter} steps were used up. Raise max_iter or loosen tol."
    warn(
        f"{solver} did not converge: KKT residual {result.kkt:.3e} > tolerance "
        f"{threshold:.3e}; {reason} The returned coefficients are not certified optimal.",
        ConvergenceWarning,
    )


@dataclass(frozen=True)
class GLMData:
    """A validated penalized-GLM problem without its penalty: data, datafit, null model.

    Attributes
    ----------
    design : ndarray or scipy.sparse matrix of shape (n, p)
    datafit : Datafit or None
        ``L(η)`` of the family, holding y (and, for Poisson, the offset); None for rows
        streamed from Dask (``design`` is then a
        :class:`~bayesreg.core.glm_stream.StreamedRows`, which holds them).
    fit_intercept : bool
    null_intercept : float
        The best ``w0`` at ``w = 0`` (0 without an intercept): the default start point.
    null_gradient : ndarray of shape (p,)
        ``g = ∇_w L(0, w0*)``, the gradient at the null model: its sup norm ``ρ₀`` is the
        scale of the relative KKT tolerance, and it gives alpha_max (:func:`glm_alpha_max`).
    floor : float
        The rounding level of the gradient (:func:`kkt_floor`), below which no residual
        is certified.
    target : ndarray of shape (n,)
        The response the datafit holds (outcomes, counts), for the existence checks
        (empty for streamed rows).
    penalty_factor : ndarray of shape (p,) or None
        Per-coefficient factors v of the penalty ``alpha Σ_j v_j [r|w_j| + (1 − r)/2 w_j²]``
        (None: all 1; 0: unpenalized), validated.
    positive : bool
        Constrain every coefficient to ``w_j ≥ 0`` (the intercept stays free).
    """

    design: Design
    datafit: Datafit | None
    fit_intercept: bool
    null_intercept: float
    null_gradient: FloatArray
    floor: float
    target: FloatArray
    penalty_factor: FloatArray | None = None
    positive: bool = False

    @property
    def null_gradient_norm(self) -> float:
        """``ρ₀ = ||∇_w L(0, w0*)||_∞``."""
        return float(np.max(np.abs(self.null_gradient), initial=0.0))

    @property
    def n_features(self) -> int:
        """Number of columns p."""
        return int(self.design.shape[1])

    def alpha_max(self, l1_ratio: float, *, strict: bool = True) -> float:
        """The smallest alpha whose fit is w = 0: :func:`glm_alpha_max` of the null
        gradient with this problem's penalty factors and sign constraint."""
        return glm_alpha_max(
            self.null_gradient, l1_ratio, self.penalty_factor, strict=strict, positive=self.positive
        )


@dataclass(frozen=True)
class GLMSolution:
    """A fit with the engine's result and the threshold its residual was checked against."""

    fit: PenalizedFit
    result: NewtonResult
    threshold: float


def solve_glm(
    data: GLMData,
    alpha: float,
    l1_ratio: float,
    *,
    tol: float,
    max_iter: int,
    start: FloatArray | None = None,
) -> GLMSolution:
    """Minimize ``L(η) + alpha·P(w)`` from ``start`` (θ = (w0, w), or w; default: w = 0
    with the null model's intercept), certified by the KKT residual against
    ``max(tol·ρ₀, floor)``. Arguments are already validated; no warning is issued."""
    problem = _oracle(data, alpha, l1_ratio)
    threshold = max(tol * data.null_gradient_norm, data.floor)
    if start is None:
        start = problem.theta(np.zeros(data.n_features), data.null_intercept)
    result = minimize(problem, start, threshold=threshold, max_iter=max_iter)
    coef, intercept = problem.split(result.point.theta)
    fit = PenalizedFit(
        coef=coef,
        intercept=intercept,
        alpha=alpha,
        l1_ratio=l1_ratio,
        objective=result.point.value,
        gap=result.kkt,
        converged=result.kkt <= threshold,
        n_iter=result.n_iter,
        certificate="kkt residual",
        tol=threshold,
    )
    return GLMSolution(fit, result, threshold)


def _oracle(data: GLMData, alpha: float, l1_ratio: float) -> PenalizedGLM | StreamedGLM:
    """The engine's oracle of ``L(η) + alpha·P(w)``: in memory, or over streamed rows."""
    if data.datafit is None:
        return StreamedGLM(
            data.design, alpha, l1_ratio, data.fit_intercept, data.penalty_factor, data.positive
        )
    return PenalizedGLM(
        data.design,
        data.datafit,
        alpha,
        l1_ratio,
        data.fit_intercept,
        data.penalty_factor,
        data.positive,
    )


def glm_path(
    solver: str,
    data: GLMData,
    grid: FloatArray,
    l1_ratio: float,
    *,
    tol: float,
    max_iter: int,
    alpha_max: float,
) -> PathFit:
    """Certified fits along ``grid`` (decreasing), each warm-started from the previous one.

    A warm start changes only where the engine begins: every point is certified by its
    own KKT residual, as a cold fit is. One ConvergenceWarning names the worst fit that
    missed its threshold (``solver`` names the public function).
    """
    fits: list[PenalizedFit] = []
    start: FloatArray | None = None
    for alpha in grid:
        solved = solve_glm(data, float(alpha), l1_ratio, tol=tol, max_iter=max_iter, start=start)
        start = solved.result.point.theta
        fits.append(solved.fit)
    converged = np.array([fit.converged for fit in fits], dtype=bool)
    worst = max(fits, key=lambda fit: fit.gap / fit.tol)
    warn_unconverged_path(
        solver,
        converged,
        worst.alpha,
        f"KKT residual {worst.gap:.3e} against its threshold {worst.tol:.3e}",
        "Loosen tol if the residual is near the rounding level.",
    )
    return PathFit(
        alphas=grid,
        coefs=np.array([fit.coef for fit in fits]).reshape(grid.size, data.n_features),
        intercepts=np.array([fit.intercept for fit in fits]),
        gaps=np.array([fit.gap for fit in fits]),
        l1_ratio=l1_ratio,
        objectives=np.array([fit.objective for fit in fits]),
        converged=converged,
        n_iters=np.array([fit.n_iter for fit in fits], dtype=np.int64),
        alpha_max=alpha_max,
    )


def glm_grid(top: float, n_alphas: int, eps: float, *, no_signal: str) -> FloatArray:
    """``n_alphas`` values from ``top`` down to ``eps · top``, geometrically spaced.

    ``no_signal`` completes the message when ``top = 0`` (the gradient at w = 0 vanishes,
    so every alpha > 0 gives w = 0).
    """
    if math.isinf(top):
        raise InputValueError(
            "l1_ratio = 0 (a Gaussian prior) has no alpha_max, so the default grid is "
            "undefined; pass alphas explicitly."
        )
    if top == 0.0:
        raise DataError(
            f"{no_signal}, so every alpha > 0 gives w = 0 and the default grid from "
            "alpha_max = 0 is empty. Pass alphas explicitly."
        )
    grid: FloatArray = np.geomspace(top, eps * top, n_alphas)
    return grid


def check_ml_design(X: Design, fit_intercept: bool) -> tuple[Design, str]:
    """The design of a maximum-likelihood fit (alpha = 0), refused when rank deficient.

    Returns ``(Z, phrase)``: Z = [1, X] with an intercept (else X) and the phrase naming
    it in messages. Raises DataError when Z has dependent columns (the estimate would not
    be unique).
    """
    design = with_intercept_column(X) if fit_intercept else X
    with_intercept = " together with the intercept column" if fit_intercept else ""
    rank = column_rank(design)
    if rank < design.shape[1]:
        raise DataError(
            f"alpha=0 asks for the maximum-likelihood estimate, which is not unique: the "
            f"{X.shape[1]} columns of X{with_intercept} have rank {rank} < "
            f"{design.shape[1]} (X has shape {X.shape}). Pass alpha > 0, or drop "
            "linearly dependent columns."
        )
    return design, with_intercept


def glm_alpha_max(
    null_gradient: FloatArray,
    l1_ratio: float,
    penalty_factor: FloatArray | None,
    *,
    strict: bool = True,
    positive: bool = False,
) -> float:
    """The smallest alpha with w = 0 optimal: ``max_j |g_j| / (r·v_j)`` over ``v_j > 0``.

    ``g = ∇_w L`` at w = 0 with the null model's intercept. w = 0 is optimal iff
    ``|g_j| ≤ alpha·r·v_j`` for every j; ``inf`` for r = 0. Under ``w ≥ 0`` (``positive``)
    the condition is one-sided, ``−g_j ≤ alpha·r·v_j``, and ``(−g_j)⁺`` replaces
    ``|g_j|`` (0 when no coefficient gains by growing). With a zero factor the
    unpenalized coefficient is not 0 at the top of the path, so there is no closed form:
    refused, with the remedy (pass the alphas), or NaN with ``strict=False`` (a path on
    given alphas records it as unknown).
    """
    if l1_ratio == 0.0:
        return math.inf
    # the size of the gradient each coefficient could answer by leaving 0
    pull = np.maximum(-null_gradient, 0.0) if positive else np.abs(null_gradient)
    if penalty_factor is None:
        return float(np.max(pull, initial=0.0)) / l1_ratio
    if np.any(penalty_factor == 0.0):
        if not strict:
            return math.nan
        raise InputValueError(
            "penalty_factor has zero entries (unpenalized coefficients): alpha_max, the start "
            "of the default grid, has no closed form then (those coefficients are not 0 at "
            "the top of the path). Pass alphas explicitly."
        )
    return float(np.max(pull / penalty_factor, initial=0.0)) / l1_ratio


def clear_margin(margins: Any, design: Design) -> bool:
    """Whether the largest margin ``max_i m_i`` of a direction found by a separation LP
    (``|v_j| ≤ 1``) exceeds :data:`SEPARATION_MARGIN` times ``max_i ||z_i||₁``, the
    largest margin any such direction can have: beyond rounding, the direction is real."""
    largest_margin = float(np.max(abs(design).sum(axis=1)))
    return bool(np.max(margins) > SEPARATION_MARGIN * largest_margin)
