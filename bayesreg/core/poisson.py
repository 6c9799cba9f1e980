"""Penalized Poisson regression: the MAP estimate under a Poisson likelihood with log link.

    F(w, w0) = 1/n Σ_i [exp(η_i) − y_i η_i] + alpha · P(w),   η = o + w0 + X w,
    P(w) = r ||w||₁ + (1 − r)/2 ||w||²,   y_i ∈ {0, 1, 2, …},   r = l1_ratio,

o a known offset (the log of an exposure: μ_i = t_i exp(w0 + x_iᵀw) is o_i = log t_i).
F is −(1/n) times the log posterior of y_i ~ Poisson(exp(η_i)) (up to the constant
Σ log y_i!) with a Gaussian (r = 0), Laplace (r = 1) or elastic-net prior on w and a
flat prior on w0, so its minimizer is the MAP estimate. It is minimized by the proximal
Newton engine of :mod:`bayesreg.core.newton` with the :class:`~bayesreg.core.datafits.
Poisson` datafit, and every solution carries its KKT residual, zero exactly at the
minimizer. X may be a scipy.sparse CSR/CSC matrix, never densified.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import logsumexp

from bayesreg.core.datafits import Poisson
from bayesreg.core.glm import (
    DEFAULT_TOL,
    Design,
    GLMData,
    WeightedRows,
    kkt_floor,
    sample_gradient,
)
from bayesreg.core.glm_fit import (
    Bounds,
    fit_glm,
    fit_glm_path,
    glm_family_alpha_max,
    separating_direction_found,
)
from bayesreg.core.results import PathFit, PenalizedFit
from bayesreg.core.types import FloatArray
from bayesreg.errors import DataError
from bayesreg.validation import check_counts, is_sparse

__all__ = ["POISSON", "PoissonFamily", "poisson", "poisson_alpha_max", "poisson_path"]

#: Largest x with exp(x) finite in float64.
LOG_MAX_FLOAT = math.log(float(np.finfo(np.float64).max))


def poisson(
    X: Any,
    y: Any,
    alpha: float,
    l1_ratio: float = 1.0,
    *,
    offset: Any = None,
    fit_intercept: bool = True,
    tol: float = DEFAULT_TOL,
    max_iter: int = 200,
    sample_weight: Any = None,
    penalty_factor: Any = None,
    positive: bool = False,
) -> PenalizedFit:
    """Penalized Poisson regression (log link, with an offset) with a KKT certificate.

    Minimizes over the coefficients w and the intercept w0::

        F(w, w0) = 1/n Σ_i [exp(η_i) − y_i η_i]
                   + alpha · (l1_ratio ||w||₁ + (1 − l1_ratio)/2 ||w||²),
        η = offset + w0 + X w.

    This is −(1/n) times the log posterior of the model y_i ~ Poisson(μ_i),
    log μ_i = η_i, with a Gaussian (l1_ratio = 0), Laplace (l1_ratio = 1) or elastic-net
    prior on w and a flat prior on w0 (the constant Σ log y_i! dropped), so the minimizer
    is the MAP estimate.

    Parameters
    ----------
    X : array-like, scipy.sparse CSR/CSC matrix or Dask array of shape (n_samples, n_features)
        Design matrix (finite numbers). A Dask array (with y, and an offset, as Dask
        arrays or anything ``dask.array.asarray`` takes) is read block by block and never
        gathered: each Newton step is one pass over the rows, memory O(p² + block)
        (``bayesreg.core.glm_stream``); ``alpha > 0``, no ``sample_weight``.
    y : array-like of shape (n_samples,)
        Counts: finite, ≥ 0 and integer-valued (stored as any numeric dtype).
    alpha : float
        Penalty strength, ≥ 0. ``alpha = 0`` gives the maximum-likelihood estimate,
        which exists only when no direction of the columns of X (with the intercept
        column) drives the means of the zero counts to 0 while leaving the others
        unchanged, and is unique only when those columns are linearly independent.
    l1_ratio : float, default 1.0
        Mix r ∈ [0, 1] of the L1 and L2 terms (0 = ridge, 1 = lasso), as in
        :func:`~bayesreg.logistic`.
    offset : array-like of shape (n_samples,), optional
        Known term o of the linear predictor, finite (e.g. the log of each sample's
        exposure). Default: zeros.
    fit_intercept, tol, max_iter, penalty_factor, positive
        As in :func:`~bayesreg.core.logistic.logistic` (the KKT tolerance: see Notes).
    sample_weight : array-like of shape (n_samples,), optional
        Observation weights ``s_i ≥ 0`` (finite, not all 0): the loss becomes
        ``1/Σs Σ_i s_i [exp(o_i + η_i) − y_i (o_i + η_i)]`` (for integer s, row i repeated
        s_i times) — scikit-learn's ``PoissonRegressor(alpha=alpha).fit(X, y,
        sample_weight=s)`` for the L2 penalty (its loss is halved deviance averaged with
        ``s/Σs``). Rows of weight 0 are dropped. None or constant: the unweighted fit.

    Returns
    -------
    PenalizedFit
        ``coef``, ``intercept``, ``objective`` = F(coef, intercept) (without
        Σ log y_i!), ``gap`` = the KKT residual, ``tol`` = the absolute threshold it was
        checked against, ``certificate = "kkt residual"``, ``converged`` and ``n_iter``.
        Predicted means of new rows are ``exp(offset + fit.decision_function(X_new))``.

    Raises
    ------
    DataError
        If y holds a negative or non-integer count (naming the first one and its index),
        X, y and offset do not match or hold non-finite values, every count is 0 while
        an intercept is fitted (w0 would run off to −∞), ``exp(offset)`` overflows
        without an intercept, or ``alpha = 0`` and the maximum-likelihood estimate does
        not exist or is not unique.
    InputValueError, InputTypeError
        If ``alpha``, ``l1_ratio``, ``tol``, ``max_iter`` or ``fit_intercept`` is not
        allowed.

    Warns
    -----
    ConvergenceWarning
        If the KKT residual did not reach the threshold; ``converged`` is then False.

    Notes
    -----
    **Existence.** The datafit is bounded below (each term by y_i − y_i log y_i), and
    for ``alpha > 0`` the penalty is coercive in w for every r ∈ [0, 1], so F has a
    minimizer unless w0 can run off: with an intercept and all y_i = 0, F decreases as
    w0 → −∞ (refused). For ``alpha = 0`` the maximum-likelihood estimate exists iff no
    direction d of Z = [1, X] (X without an intercept) has Z d ≤ 0 on the zero counts,
    Z d = 0 on the positive ones and Z d ≠ 0 — checked by a linear program, after the
    rank check, as :func:`~bayesreg.logistic` checks separation.

    **Certificate.** (w, w0) minimizes F iff 0 ∈ ∇L + alpha ∂P(w) and ∂L/∂w0 = 0, with
    ∇_w L = Xᵀ(μ − y)/n, ∂L/∂w0 = mean(μ − y), μ = exp(η). The KKT residual is

        ρ = max( max_j dist(−∂L/∂w_j, alpha ∂P_j(w_j)), |∂L/∂w0| ),

    and the solver stops once ρ ≤ max(tol · ρ₀, ρ_min): ρ₀ = ||Xᵀ(μ₀ − y)||_∞ / n is
    the gradient at w = 0 with the best intercept (μ₀ = Σy · exp(o) / Σ exp(o); μ₀ =
    exp(o) without an intercept), and ρ_min = 16 · eps · √n · max_j mean_i |z_ij| s_i
    with s_i = max(y_i, μ₀_i), over the columns z of X (and the intercept's column of
    ones), is the rounding level of the gradient's terms x_ij (μ_i − y_i).

    **Algorithm.** As :func:`~bayesreg.logistic`: the proximal Newton engine with
    Hessian weights μ_i/n, an Armijo line search (a step on which exp(η) overflows
    has F = +∞ and is halved), started at w = 0 with the best intercept
    w0 = log(Σ y) − log Σ exp(o). Coefficients outside the support are exactly zero.

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg.core.poisson import poisson
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 5))
    >>> exposure = rng.uniform(0.5, 2.0, 200)
    >>> y = rng.poisson(exposure * np.exp(0.3 + 0.5 * X[:, 0]))
    >>> fit = poisson(X, y, alpha=0.01, offset=np.log(exposure))
    >>> fit.converged, fit.certificate, fit.gap <= fit.tol
    (True, 'kkt residual', True)
    """
    return fit_glm(
        POISSON,
        X,
        y,
        alpha,
        l1_ratio,
        fit_intercept=fit_intercept,
        tol=tol,
        max_iter=max_iter,
        sample_weight=sample_weight,
        penalty_factor=penalty_factor,
        positive=positive,
        offset=offset,
    )


def poisson_alpha_max(
    X: Any,
    y: Any,
    *,
    offset: Any = None,
    l1_ratio: float = 1.0,
    fit_intercept: bool = True,
    sample_weight: Any = None,
    penalty_factor: Any = None,
    positive: bool = False,
) -> float:
    """Smallest alpha whose penalized Poisson solution is w = 0.

    At w = 0 the best intercept solves Σ_i exp(o_i + w0) = Σ_i y_i, i.e.
    w0 = log(Σ y) − log Σ exp(o), giving μ₀ = Σy · exp(o) / Σ exp(o) (μ₀ = ȳ without an
    offset; μ₀ = exp(o) without an intercept). w = 0 satisfies the KKT conditions iff
    ||∇_w L||_∞ ≤ alpha · r, so::

        alpha_max = ||Xᵀ(μ₀ − y)||_∞ / (n r),

    and ``inf`` for r = 0 (a ridge penalty never sets coefficients to zero).

    Parameters
    ----------
    X : array-like, scipy.sparse CSR/CSC matrix or Dask array of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        Counts (finite, ≥ 0, integer-valued).
    offset : array-like of shape (n_samples,), optional
        Known term of the linear predictor (default zeros).
    l1_ratio : float, default 1.0
        Mix r ∈ [0, 1] of the L1 and L2 terms.
    fit_intercept : bool, default True
    sample_weight : array-like of shape (n_samples,), optional
        Observation weights, as in :func:`poisson` (``||Xᵀ c(μ₀ − y)||_∞ / r``, c = s/Σs).
    penalty_factor : array-like of shape (n_features,), optional
        As in :func:`poisson`: ``max_j |g_j|/(r·v_j)``; refused with a zero factor
        (``bayesreg.core.glm.glm_alpha_max``).
    positive : bool, default False
        Under ``w ≥ 0`` only coefficients that would grow leave 0:
        ``max_j (−g_j)⁺/(r·v_j)`` with ``g = Xᵀ(μ₀ − y)/n``.

    Returns
    -------
    float

    Raises
    ------
    DataError
        As :func:`poisson` does for its data (all-zero counts with an intercept
        included: there is no best intercept).

    Examples
    --------
    >>> from bayesreg import poisson, poisson_alpha_max
    >>> from bayesreg.datasets import load_randhie
    >>> X, y = load_randhie(standardize=True)
    >>> a = poisson_alpha_max(X, y)
    >>> poisson(X, y, a).n_nonzero, poisson(X, y, 0.9 * a).n_nonzero > 0
    (0, True)
    """
    return glm_family_alpha_max(
        POISSON,
        X,
        y,
        l1_ratio=l1_ratio,
        fit_intercept=fit_intercept,
        sample_weight=sample_weight,
        penalty_factor=penalty_factor,
        positive=positive,
        offset=offset,
    )


def poisson_path(
    X: Any,
    y: Any,
    alphas: Any = None,
    l1_ratio: float = 1.0,
    *,
    offset: Any = None,
    n_alphas: int = 50,
    eps: float = 1e-3,
    fit_intercept: bool = True,
    tol: float = DEFAULT_TOL,
    sample_weight: Any = None,
    penalty_factor: Any = None,
    positive: bool = False,
) -> PathFit:
    """Penalized Poisson regression along a decreasing grid of alphas, warm-started.

    Each ``coefs[i]`` (with ``intercepts[i]``) minimizes::

        F(w, w0) = 1/n Σ_i [exp(η_i) − y_i η_i]
                   + alphas[i] · (r ||w||₁ + (1 − r)/2 ||w||²),   η = offset + w0 + X w,

    ``r = l1_ratio`` — the MAP under a Poisson likelihood with a Laplace (r = 1) or
    elastic-net prior of decreasing strength — and is certified by its KKT residual
    ``gaps[i]``, as in :func:`poisson`.

    Parameters
    ----------
    X : array-like, scipy.sparse CSR/CSC matrix or Dask array of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        Counts (finite, ≥ 0, integer-valued).
    alphas : array-like of float > 0, optional
        Penalty strengths, **sorted in decreasing order** before solving. Default:
        ``n_alphas`` values spaced geometrically from :func:`poisson_alpha_max` down to
        ``eps · alpha_max``.
    l1_ratio : float, default 1.0
        Mix r ∈ [0, 1]. With r = 0 there is no alpha_max, so pass ``alphas``.
    offset : array-like of shape (n_samples,), optional
        Known term of the linear predictor (default zeros).
    n_alphas : int, default 50
        Length of the default grid (ignored when ``alphas`` is given).
    eps : float, default 1e-3
        Ratio of the smallest to the largest alpha of the default grid, in (0, 1).
    fit_intercept : bool, default True
    tol : float, default 1e-10
        Relative KKT tolerance of each fit, as in :func:`poisson`.
    sample_weight : array-like of shape (n_samples,), optional
        Observation weights, as in :func:`poisson`; the default grid starts at the
        weighted alpha_max.
    penalty_factor : array-like of shape (n_features,), optional
        Per-coefficient factors, as in :func:`poisson`. The default grid starts at
        ``max_j |g_j|/(r·v_j)``; with a zero factor pass ``alphas`` (and
        ``PathFit.alpha_max`` is NaN).
    positive : bool, default False
        Constrain every coefficient to ``w_j ≥ 0``, as in :func:`poisson`; the default grid
        starts at the one-sided alpha_max ``max_j (−g_j)⁺/(r·v_j)``.

    Returns
    -------
    PathFit
        ``alphas`` (decreasing), ``coefs`` (k, p) with exact zeros, ``intercepts``,
        ``gaps`` (KKT residuals), ``objectives``, ``converged``, ``n_iters`` and
        ``alpha_max`` (``inf`` for ``l1_ratio = 0``).

    Raises
    ------
    DataError
        As :func:`poisson`, or when ``alpha_max = 0`` (``Xᵀ(μ₀ − y) = 0``), so that the
        default grid is empty.
    InputValueError
        If an alpha is ≤ 0, or the default grid is asked for with ``l1_ratio = 0``.

    Warns
    -----
    ConvergenceWarning
        Once, when some fit's KKT residual stayed above its threshold, naming the worst.

    Notes
    -----
    Each alpha starts from the previous alpha's solution (the first from w = 0 with the
    best intercept); the certificate of each fit does not depend on the start.

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg.core.poisson import poisson_path
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 4))
    >>> y = rng.poisson(np.exp(0.5 * X[:, 0] - 0.5 * X[:, 1]))
    >>> path = poisson_path(X, y, n_alphas=10)
    >>> bool(path.converged.all()), int(np.count_nonzero(path.coefs[0]))
    (True, 0)
    """
    return fit_glm_path(
        POISSON,
        X,
        y,
        alphas,
        l1_ratio,
        n_alphas=n_alphas,
        eps=eps,
        fit_intercept=fit_intercept,
        tol=tol,
        sample_weight=sample_weight,
        penalty_factor=penalty_factor,
        positive=positive,
        offset=offset,
    )


def _null_intercept(
    target: FloatArray, offset: FloatArray | None, weights: FloatArray | None
) -> float:
    """The best w0 at w = 0: log Σy − log Σ exp(o).

    With weights c: ``log Σ c_i y_i − log Σ c_i exp(o_i)``.
    """
    if weights is not None:
        shift = np.zeros(target.size) if offset is None else offset
        total = math.log(float(weights @ target))
        return total - float(logsumexp(shift, b=weights))
    total = math.log(float(target.sum()))
    if offset is None:
        return total - math.log(target.size)
    return total - float(logsumexp(offset))


def _null_mean(
    target: FloatArray,
    offset: FloatArray | None,
    weights: FloatArray | None,
    fit_intercept: bool,
    intercept: float,
) -> FloatArray:
    """μ₀ = exp(o + w0) at w = 0 (Σy · softmax(o) with an intercept, never overflowing)."""
    if weights is not None and fit_intercept:
        # exp(o_i) Σc y / Σ c exp(o), by a softmax of o weighted by c
        shift = np.zeros(target.size) if offset is None else offset
        shares: FloatArray = np.exp(shift - logsumexp(shift, b=weights))
        return float(weights @ target) * shares
    if offset is None:
        return np.full(target.size, math.exp(intercept))
    if fit_intercept:
        shares = np.exp(offset - logsumexp(offset))
        return float(target.sum()) * shares
    mean: FloatArray = np.exp(offset)
    return mean


@dataclass(frozen=True)
class PoissonFamily:
    """The Poisson likelihood in the shared GLM recipe (:mod:`bayesreg.core.glm_fit`)."""

    name: str = "poisson"
    likelihood: str = "poisson"
    no_signal: str = (
        "Xᵀ(μ₀ − y) = 0 at w = 0 with the best intercept: no column of X is correlated with "
        "the counts' residuals"
    )
    no_estimate: str = (
        "is ≤ 0 on every zero count, < 0 on some and 0 on every positive count (those means → 0)"
    )

    def response(self, y: FloatArray, offset: FloatArray | None, fit_intercept: bool) -> FloatArray:
        """Counts (finite, ≥ 0, integer-valued); without an intercept the solver starts at
        μ = exp(offset), so an offset whose exp overflows is refused."""
        target = check_counts(y)
        if offset is not None and not fit_intercept and float(offset.max()) > LOG_MAX_FLOAT:
            index = int(np.argmax(offset))
            raise DataError(
                f"offset[{index}] = {float(offset[index])!r} has exp(offset) overflow float64 "
                f"(offsets must be ≤ {LOG_MAX_FLOAT:.2f} without an intercept, where the solver "
                "starts at μ = exp(offset)). Shift the offset, or pass fit_intercept=True."
            )
        return target

    def check_null(self, n_samples: int, target_sum: float, fit_intercept: bool) -> None:
        """Refused when every count is 0 and an intercept is fitted (F decreases as
        w0 → −∞)."""
        if fit_intercept and target_sum == 0.0:
            raise DataError(
                f"y holds only zeros ({n_samples} counts); with an unpenalized "
                "intercept the objective has no minimizer (F decreases as w0 → −∞, every "
                "mean → 0). Pass data with a positive count, or fit_intercept=False."
            )

    def data(self, rows: WeightedRows, fit_intercept: bool) -> GLMData:
        """The Poisson problem on the rows kept, with its null model (w = 0): the best
        intercept, the means μ₀ it gives, the gradient ``Xᵀ(μ₀ − y)/n`` there
        (``Xᵀ c(μ₀ − y)`` with weights) and the rounding floor with per-sample scale
        ``max(y_i, μ₀_i)``."""
        target, offset, weights = rows.target, rows.offset, rows.weights
        intercept = _null_intercept(target, offset, weights) if fit_intercept else 0.0
        mean = _null_mean(target, offset, weights, fit_intercept, intercept)
        return GLMData(
            design=rows.design,
            datafit=Poisson(target, offset, weights),
            fit_intercept=fit_intercept,
            null_intercept=intercept,
            null_gradient=sample_gradient(rows.design, mean - target, weights),
            floor=kkt_floor(rows.design, fit_intercept, np.maximum(target, mean), weights),
            target=target,
        )

    def separable(self, design: Design, target: FloatArray, bounds: Bounds) -> bool:
        """Whether a direction of recession of the log-likelihood lies within ``bounds``."""
        return _zero_counts_separable(design, target, bounds)


#: The Poisson family, shared by :func:`poisson`, its path and its alpha_max.
POISSON = PoissonFamily()


def _zero_counts_separable(design: Design, y: FloatArray, bounds: Bounds) -> bool:
    """Whether a direction d has z_iᵀd ≤ 0 where y_i = 0 (< 0 somewhere) and z_iᵀd = 0
        where y_i > 0: a direction of recession of the Poisson log-likelihood.

        With full column rank it is found by the linear program

            maximize Σ_{y_i = 0} m_i  subject to  m = −Z₀ d ≥ 0,  Z₊ d = 0,  d within bounds

    (|d_j| ≤ 1; 0 ≤ d_j ≤ 1 for a coefficient held ≥ 0),

        whose optimum is 0 (at d = 0) exactly when the maximum-likelihood estimate exists.
    """
    zero = y == 0.0
    if not zero.any():
        return False
    rows = design.tocsr() if is_sparse(design) else design
    return separating_direction_found(-rows[zero], design, bounds, level=rows[~zero])
